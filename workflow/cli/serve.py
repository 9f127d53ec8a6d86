"""``workflow serve``: the web pages and the JSON API, with the scheduler in the same process
unless ``--no-scheduler``. Waitress serves when it is installed, else Werkzeug's threaded
server; SIGTERM stops it cleanly."""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import click
from werkzeug.serving import is_running_from_reloader

from workflow.cli.context import Runtime, configure_logging, fail
from workflow.services.installation import display_url

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
SERVER_THREADS = 8


@dataclass(frozen=True)
class WebServer:
    """A listening server: ``run()`` serves until interrupted, ``close()`` frees the socket."""

    run: Callable[[], None]
    close: Callable[[], None]
    url: str


def make_server(app: Any, host: str, port: int) -> WebServer:
    """A production WSGI server (waitress, threaded), else Werkzeug's threaded server."""
    try:
        from waitress.server import create_server  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        from werkzeug.serving import make_server as werkzeug_server

        log.warning("waitress is not installed; serving with Werkzeug's threaded server")
        wz = werkzeug_server(host, port, app, threaded=True)
        return WebServer(wz.serve_forever, wz.server_close, f"http://{host}:{wz.server_port}/")
    server: Any = create_server(app, host=host, port=port, threads=SERVER_THREADS, ident="workflow")
    return WebServer(server.run, server.close, f"http://{host}:{server.effective_port}/")


def _raise_exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def _scheduler_wanted(no_scheduler: bool) -> bool:
    # Under a code reloader the parent process lives as long as the session and the child is
    # replaced on every change: the scheduler belongs in the parent only, or it runs twice.
    return not no_scheduler and not is_running_from_reloader()


@click.command()
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
        server = make_server(app, host, port)
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
        display_url(settings.database_url),
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


def register(group: click.Group) -> None:
    group.add_command(serve)
