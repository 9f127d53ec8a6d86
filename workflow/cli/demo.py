"""``workflow demo``: load the demonstration board and print how to sign in."""

from __future__ import annotations

import click

from workflow.cli.context import Runtime
from workflow.cli.serve import DEFAULT_HOST, DEFAULT_PORT
from workflow.services.installation import initialise


@click.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address 'serve' will use.")
@click.option(
    "--port", default=DEFAULT_PORT, show_default=True, type=int, help="Port 'serve' will use."
)
@click.option(
    "--no-scheduler",
    is_flag=True,
    help="Accepted (as by 'serve'), so one set of options fits both.",
)
@click.pass_obj
def demo(rt: Runtime, host: str, port: int, no_scheduler: bool) -> None:
    """Load a demonstration board (agencies, users for every role, cases at every stage) and
    print how to sign in at the address 'serve' will listen on (--host, --port). Safe to run
    again: it sets new passwords and adds no duplicates. The deadlines already overdue on the
    board fire in a first sweep here, so their notices are summarised, not printed in full."""
    from workflow.services import demo as demo_board  # the board is large: load it when asked

    del no_scheduler
    initialise(rt.service, rt.settings.definitions_dir)
    result = demo_board.load(rt.service)
    swept = demo_board.first_sweep(rt.service, rt.settings)
    url = f"http://{host}:{port}/"
    for line in demo_board.describe(result, rt.config, url=url, swept=swept):
        click.echo(line)


def register(group: click.Group) -> None:
    group.add_command(demo)
