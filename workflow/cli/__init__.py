"""The command line: ``workflow`` and its commands (see the contract's "Command line" table).

One module a command group: ``init``, ``serve``, ``definitions``, ``users``, ``tokens``,
``demo`` here, ``tick``/``scheduler``/``report`` in ``time`` and ``report``. This module owns
exit codes: every typed ``WorkflowError`` becomes its message (and each detail on a line of its
own) on standard error and exit status 1, never a traceback; so does a database that cannot be
used, with what to check. Commands reach the settings and the service through ``ctx.obj``, a
``Runtime`` that builds them on first use. Nothing here writes SQL: data comes through services.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from workflow.cli import (
    agencies,
    audit,
    definitions,
    demo,
    init,
    report,
    serve,
    time,
    tokens,
    users,
)
from workflow.cli.context import Runtime, fail
from workflow.core.errors import WorkflowError
from workflow.services.installation import database_problem, display_url


class WorkflowGroup(click.Group):
    """Turns the product's typed errors into a message and exit 1, for every subcommand."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WorkflowError as exc:
            fail(exc.message, exc.details)
        except Exception as exc:
            said = database_problem(exc)
            if said is None:
                raise
            # The database is unreachable or not initialised: a setup problem, not a bug.
            obj = ctx.find_object(Runtime)
            settings = obj.loaded_settings if obj is not None else None
            where = f" at {display_url(settings.database_url)}" if settings is not None else ""
            fail(
                f"The database{where} could not be used: {said}",
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


for group in (init, serve, definitions, users, tokens, agencies, demo, time, report, audit):
    group.register(cli)


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=list(argv) if argv is not None else None, prog_name="workflow")
