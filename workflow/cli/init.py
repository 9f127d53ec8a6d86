"""``workflow init``: create or upgrade the schema, then publish the shipped review types."""

from __future__ import annotations

import click

from workflow.cli.context import Runtime
from workflow.services.installation import display_url, initialise


@click.command()
@click.pass_obj
def init(rt: Runtime) -> None:
    """Create or upgrade the database schema and publish the shipped review types.

    Each file in the definitions folder becomes version 1 of its review type where that type
    has no version yet. Safe to run again.
    """
    settings = rt.settings
    done = initialise(rt.service, settings.definitions_dir)
    where = display_url(settings.database_url)
    click.echo(f"Schema {'is up to date' if done.was_current else 'created or upgraded'}: {where}")
    folder = settings.definitions_dir
    if not folder.is_dir():
        click.echo(f"No definitions folder at {folder}; no review types published.")
    for item in done.published:
        click.echo(f"Published {item.key} version {item.version}.")
    if not done.published:
        click.echo("Every review type in the definitions folder is already published.")


def register(group: click.Group) -> None:
    group.add_command(init)
