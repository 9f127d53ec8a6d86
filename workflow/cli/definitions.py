"""``workflow definitions``: check definition files, publish them as new versions, export a
published version as its file, and draw its diagram."""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from workflow.cli.context import Runtime
from workflow.core.definition import problems_in
from workflow.core.roles import Actor, Role
from workflow.services.administration import review_types


@click.group()
def definitions() -> None:
    """Check, publish and export review-type definitions; draw their diagrams."""


def operator() -> Actor:
    """Who the command line acts as: an administrator named after the account running it."""
    return Actor(f"cli:{getpass.getuser()}", Role.ADMIN.value)


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def _read(name: str) -> str | None:
    """The file's text, or None after saying on standard error why it cannot be read."""
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        click.echo(_one_line(f"{name}: cannot be read: {reason}"), err=True)
        return None


def _problems(name: str, text: str) -> bool:
    """Say each problem of the file on a line of standard error; whether there was any."""
    problems = problems_in(text, name)
    for problem in problems:
        click.echo(_one_line(str(problem)), err=True)
    return bool(problems)


@definitions.command("validate")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
def validate(files: tuple[str, ...]) -> None:
    """Check definition files: exit 0 when all are valid; else one line per problem on
    standard error, each starting with its file name, and exit 1."""
    failed = False
    for name in files:
        text = _read(name)
        if text is None or _problems(name, text):
            failed = True
        else:
            click.echo(f"{name}: valid")
    if failed:
        raise click.exceptions.Exit(1)


@definitions.command("publish")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.pass_obj
def publish(rt: Runtime, files: tuple[str, ...]) -> None:
    """Publish each definition file as the next version of its review type (so definitions can
    live in version control). All files are checked first; nothing is published unless all are
    valid. Cases already open keep their version."""
    texts = {name: _read(name) for name in files}
    failed = [name for name, text in texts.items() if text is None or _problems(name, text)]
    if failed:
        raise click.exceptions.Exit(1)
    actor = operator()
    for name, text in texts.items():
        published = rt.service.publish(actor, text or "", file=name)
        click.echo(f"{name}: published {published.key} version {published.version}")


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
    source = review_types.export(rt.service, operator(), key, version).source
    if output:
        Path(output).write_text(source, encoding="utf-8")
    else:
        click.echo(source, nl=False)


@definitions.command("diagram")
@click.argument("key")
@click.pass_obj
def diagram(rt: Runtime, key: str) -> None:
    """Print the Mermaid stateDiagram-v2 of the latest published version of review type KEY."""
    found = review_types.diagram(rt.service, key)
    title = f"{found.name} ({found.key}, version {found.version})"
    click.echo(diagram_text(found.mermaid, title), nl=False)


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


def register(group: click.Group) -> None:
    group.add_command(definitions)
