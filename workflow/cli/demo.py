"""``workflow demo``: load the demonstration board and print how to sign in."""

from __future__ import annotations

import click

from workflow.cli.context import Runtime
from workflow.services.installation import initialise


@click.command()
@click.pass_obj
def demo(rt: Runtime) -> None:
    """Load a demonstration board (agencies, users for every role, cases at every stage) and
    print how to sign in. Safe to run again: it sets new passwords and adds no duplicates."""
    from workflow.services import demo as demo_board  # the board is large: load it when asked

    initialise(rt.service, rt.settings.definitions_dir)
    result = demo_board.load(rt.service)
    for line in demo_board.describe(result, rt.config):
        click.echo(line)


def register(group: click.Group) -> None:
    group.add_command(demo)
