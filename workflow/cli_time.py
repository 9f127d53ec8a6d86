"""Command-line commands for time: tick, scheduler, report timeliness (to be written)."""

import click


def register(group: click.Group) -> None:
    pass
