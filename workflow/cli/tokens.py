"""``workflow tokens``: API tokens, each acting as one user."""

from __future__ import annotations

import click

from workflow.cli.context import Runtime
from workflow.services import accounts


@click.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.argument("name")
@click.pass_obj
def create_token(rt: Runtime, name: str) -> None:
    """Print a new API token for user NAME, alone on one line. It is shown only once."""
    click.echo(accounts.create_token(rt.service.store, name, rt.service.now()))


def register(group: click.Group) -> None:
    group.add_command(tokens)
