"""The command line: ``workflow`` and its commands (see the contract's "Command line" table).

This module owns exit codes: every typed ``WorkflowError`` becomes its message (and each detail
on a line of its own) on standard error and exit status 1, never a traceback. It is also the
only place, with the other entry points, that configures logging.

Commands reach the settings and the service through ``ctx.obj``, a ``Runtime`` that loads them
on first use, so commands that need neither (``definitions validate``) work without a database.
"""

from __future__ import annotations

import getpass
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from werkzeug.serving import is_running_from_reloader

from workflow.cli import report as cli_report
from workflow.cli import time as cli_time
from workflow.core import machine
from workflow.core.definition import problems_in
from workflow.core.errors import WorkflowError
from workflow.core.roles import ASSIGNABLE_ROLES, Actor, Role
from workflow.runtime import build_service
from workflow.services import accounts, catalog
from workflow.services.cases import Service
from workflow.services.cases.review_types import Published
from workflow.settings import Settings, load_settings
from workflow.store import schema
from workflow.store.unit import Unit, unit_of_work

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
SERVER_THREADS = 8


class Runtime:
    """What a command needs, built on first use: the settings, then the service."""

    def __init__(self, config: str | None) -> None:
        self.config = config
        self._settings: Settings | None = None
        self._service: Service | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config)
        return self._settings

    @property
    def loaded_settings(self) -> Settings | None:
        return self._settings

    @property
    def service(self) -> Service:
        if self._service is None:
            self._service = build_service(self.settings)
        return self._service

    def close(self) -> None:
        if self._service is not None:
            self._service.db.dispose()


def safe_url(url: str) -> str:
    """The database URL with any password hidden, fit to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL is reported by the engine; never echo it raw
        return "<database URL>"


def fail(message: str, details: Sequence[str] = ()) -> NoReturn:
    """Report a user error on standard error and exit 1."""
    click.echo(message, err=True)
    for detail in details:
        click.echo(f"- {detail}", err=True)
    raise click.exceptions.Exit(1)


class WorkflowGroup(click.Group):
    """Turns the product's typed errors into a message and exit 1, for every subcommand."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WorkflowError as exc:
            fail(exc.message, exc.details)
        except SQLAlchemyError as exc:
            # The database is unreachable or not initialised: a setup problem, not a bug.
            first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            url = ""
            obj = ctx.find_object(Runtime)
            if obj is not None and obj.loaded_settings is not None:
                url = f" at {safe_url(obj.loaded_settings.database_url)}"
            fail(
                f"The database{url} could not be used: {first}",
                [
                    "Check database_url in config.toml or WORKFLOW_DATABASE_URL.",
                    "Run 'workflow init' to create or upgrade the schema.",
                ],
            )


@click.group(cls=WorkflowGroup)
@click.option(
    "--config",
    "config",
    metavar="PATH",
    default=None,
    help="Settings file (default: $WORKFLOW_CONFIG, else config.toml at the repository root).",
)
@click.version_option(package_name="safeguarding-workflow", prog_name="workflow")
@click.pass_context
def cli(ctx: click.Context, config: str | None) -> None:
    """Safeguarding case review workflow.

    Settings come from config.toml (or --config PATH, or $WORKFLOW_CONFIG), then from
    environment variables such as WORKFLOW_DATABASE_URL, which win.
    """
    obj = Runtime(config)
    ctx.obj = obj
    ctx.call_on_close(obj.close)


def configure_logging() -> None:
    """Logging for long-running commands; messages never carry secrets or tokens."""
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


# -- init -----------------------------------------------------------------------------------


def initialise(rt: Runtime) -> list[Published]:
    """Create or upgrade the schema, then publish each definition file not yet published."""
    schema.upgrade(rt.service.db)
    return rt.service.publish_missing(rt.settings.definitions_dir)


@cli.command()
@click.pass_obj
def init(rt: Runtime) -> None:
    """Create or upgrade the database schema and publish the shipped review types.

    Each file in the definitions folder becomes version 1 of its review type where that type
    has no version yet. Safe to run again.
    """
    settings = rt.settings
    was_current = _schema_current(rt)
    published = initialise(rt)
    where = safe_url(settings.database_url)
    click.echo(f"Schema {'is up to date' if was_current else 'created or upgraded'}: {where}")
    folder = settings.definitions_dir
    if not folder.is_dir():
        click.echo(f"No definitions folder at {folder}; no review types published.")
    for item in published:
        click.echo(f"Published {item['key']} version {item['version']}.")
    if not published:
        click.echo("Every review type in the definitions folder is already published.")


def _schema_current(rt: Runtime) -> bool:
    try:
        return schema.is_current(rt.service.db)
    except SQLAlchemyError:
        return False


# -- serve and scheduler --------------------------------------------------------------------


def _raise_exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def _scheduler_wanted(no_scheduler: bool) -> bool:
    # Under a code reloader the parent process lives as long as the session and the child is
    # replaced on every change: the scheduler belongs in the parent only, or it runs twice.
    return not no_scheduler and not is_running_from_reloader()


@dataclass(frozen=True)
class WebServer:
    """A listening server: ``run()`` serves until interrupted, ``close()`` frees the socket."""

    run: Callable[[], None]
    close: Callable[[], None]
    url: str


def _make_server(app: Any, host: str, port: int) -> WebServer:
    """A production WSGI server (waitress, threaded), else Werkzeug's threaded server."""
    try:
        from waitress.server import create_server  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        from werkzeug.serving import make_server

        log.warning("waitress is not installed; serving with Werkzeug's threaded server")
        wz = make_server(host, port, app, threaded=True)
        return WebServer(wz.serve_forever, wz.server_close, f"http://{host}:{wz.server_port}/")
    server: Any = create_server(app, host=host, port=port, threads=SERVER_THREADS, ident="workflow")
    return WebServer(server.run, server.close, f"http://{host}:{server.effective_port}/")


@cli.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="Port.")
@click.option("--no-scheduler", is_flag=True, help="Do not run the scheduler in this process.")
@click.pass_obj
def serve(rt: Runtime, host: str, port: int, no_scheduler: bool) -> None:
    """Serve the web pages and the JSON API (and the scheduler, unless --no-scheduler)."""
    configure_logging()
    from web.app import create_app

    settings = rt.settings
    app = create_app(settings, rt.service)
    try:
        server = _make_server(app, host, port)
    except OSError as exc:
        fail(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}.",
            ["Choose another --port, or stop the program that uses this one."],
        )
    handle: Any = None
    if _scheduler_wanted(no_scheduler):
        from workflow import scheduler

        # The same service (one connection pool) serves the pages and the sweep.
        handle = scheduler.start_background(settings, rt.service)
    log.info(
        "serving on %s (database %s, scheduler %s)",
        server.url,
        safe_url(settings.database_url),
        "on" if handle is not None else "off",
    )
    previous = signal.signal(signal.SIGTERM, _raise_exit)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
        if handle is not None:
            handle.shutdown()
        log.info("stopped")


# -- definitions ----------------------------------------------------------------------------


@cli.group()
def definitions() -> None:
    """Check, publish and export review-type definitions; draw their diagrams."""


@definitions.command("validate")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
def validate(files: tuple[str, ...]) -> None:
    """Check definition files: exit 0 when all are valid; else one line per problem on
    standard error, each starting with its file name, and exit 1."""
    failed = False
    for name in files:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            click.echo(_one_line(f"{name}: cannot be read: {reason}"), err=True)
            failed = True
            continue
        problems = problems_in(text, name)
        for problem in problems:
            click.echo(_one_line(str(problem)), err=True)
        if problems:
            failed = True
        else:
            click.echo(f"{name}: valid")
    if failed:
        raise click.exceptions.Exit(1)


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


@definitions.command("diagram")
@click.argument("key")
@click.pass_obj
def diagram(rt: Runtime, key: str) -> None:
    """Print the Mermaid stateDiagram-v2 of the latest published version of review type KEY."""
    with Session(rt.service.db) as s:
        row = catalog.row_for(Unit(s), key)
        version = row.version
        d = catalog.DEFINITIONS.parsed(row)
    click.echo(diagram_text(machine.mermaid(d), f"{d.name} ({d.key}, version {version})"), nl=False)


@definitions.command("publish")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.pass_obj
def publish(rt: Runtime, files: tuple[str, ...]) -> None:
    """Publish each definition file as the next version of its review type (so definitions can
    live in version control). All files are checked first; nothing is published unless all are
    valid. Cases already open keep their version."""
    texts = {}
    failed = False
    for name in files:
        try:
            texts[name] = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            click.echo(_one_line(f"{name}: cannot be read: {exc}"), err=True)
            failed = True
            continue
        for problem in problems_in(texts[name], name):
            click.echo(_one_line(str(problem)), err=True)
            failed = True
    if failed:
        raise click.exceptions.Exit(1)
    actor = Actor(f"cli:{getpass.getuser()}", Role.ADMIN.value)
    for name, text in texts.items():
        published = rt.service.publish(actor, text, file=name)
        click.echo(f"{name}: published {published['key']} version {published['version']}")


@definitions.command("export")
@click.argument("key")
@click.option("--version", "version", type=int, default=None, help="Default: the latest.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to this file instead of standard output.",
)
@click.pass_obj
def export(rt: Runtime, key: str, version: int | None, output: str | None) -> None:
    """Print (or write) a published version of review type KEY as its TOML file."""
    with Session(rt.service.db) as s:
        source = catalog.row_for(Unit(s), key, version).source
    if output:
        Path(output).write_text(source, encoding="utf-8")
    else:
        click.echo(source, nl=False)


def diagram_text(mermaid: str, title: str) -> str:
    """The diagram starting with ``stateDiagram-v2``: any front-matter block becomes a comment."""
    lines = mermaid.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        lines = lines[end + 1 :]
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and lines[0].strip() == "stateDiagram-v2":
        lines.insert(1, f"  %% {title}")
    return "\n".join(lines) + "\n"


# -- users and tokens -----------------------------------------------------------------------


@cli.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.argument("name")
@click.option(
    "--role", required=True, metavar="ROLE", help=f"One of: {', '.join(ASSIGNABLE_ROLES)}."
)
@click.option(
    "--agency",
    "agencies",
    multiple=True,
    metavar="AGENCY",
    help="An agency the user works for (repeat for several); needed for role agency.",
)
@click.option("--email", default="", help="Where the user's notices are sent.")
@click.pass_obj
def create_user(rt: Runtime, name: str, role: str, agencies: tuple[str, ...], email: str) -> None:
    """Add a user. The password is read from standard input when it is not a terminal (the
    first line), else asked for twice. With no password the user can only use API tokens."""
    password = read_password()
    service = rt.service
    with unit_of_work(service.db) as s:
        user = accounts.create_user(s, name, role, agencies, password, service.now(), email)
        summary = f"{user.name} ({user.role}"
        if user.agencies:
            summary += "; " + ", ".join(user.agencies)
        summary += ")"
    click.echo(f"Created user {summary}.")
    if not password:
        click.echo(
            "No password was given: this user can sign in only with an API token "
            f"('workflow tokens create {name}').",
            err=True,
        )


def read_password() -> str:
    if sys.stdin.isatty():
        value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return value
    return sys.stdin.readline().rstrip("\r\n")


@cli.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.argument("name")
@click.pass_obj
def create_token(rt: Runtime, name: str) -> None:
    """Print a new API token for user NAME, alone on one line. It is shown only once."""
    service = rt.service
    with unit_of_work(service.db) as s:
        token = accounts.create_token(s, name, service.now())
    click.echo(token)


# -- demo -----------------------------------------------------------------------------------


@cli.command()
@click.pass_obj
def demo(rt: Runtime) -> None:
    """Load a demonstration board (agencies, users for every role, cases at every stage) and
    print how to sign in. Safe to run again: it sets new passwords and adds no duplicates."""
    from workflow.services import demo as demo_board

    initialise(rt)
    result = demo_board.load(rt.service)
    for line in demo_board.describe(result, rt.config):
        click.echo(line)


# The time commands (tick, scheduler, report) join the same group.
cli_time.register(cli)
cli_report.register(cli)


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=list(argv) if argv is not None else None, prog_name="workflow")
