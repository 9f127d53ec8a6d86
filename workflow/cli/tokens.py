"""``workflow tokens``: API tokens, each acting as one user until it expires or is revoked."""

from __future__ import annotations

from datetime import datetime

import click

from workflow.cli.context import Runtime, fail
from workflow.services import accounts


@click.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.argument("name")
@click.option(
    "--expires-in",
    "days",
    type=click.IntRange(1, 3650),
    default=None,
    metavar="DAYS",
    help="Days the token works for (default: [accounts] token_expires_in_days).",
)
@click.pass_obj
def create_token(rt: Runtime, name: str, days: int | None) -> None:
    """Print a new API token for user NAME, alone on one line. It is shown only once."""
    days = days if days is not None else rt.settings.accounts.token_expires_in_days
    click.echo(accounts.create_token(rt.service.store, name, rt.service.now(), days))


@tokens.command("list")
@click.argument("name")
@click.pass_obj
def list_tokens(rt: Runtime, name: str) -> None:
    """Show each token of user NAME: its id, when it was made, last used and expires, and
    whether it works (never the token itself)."""
    found = accounts.list_tokens(rt.service.store, name, rt.service.now())
    if not found:
        click.echo(f"{name} has no API tokens.")
        return
    click.echo(f"{'id':>6}  {'created':<25}  {'last used':<25}  {'expires':<25}  status")
    for t in found:
        click.echo(
            f"{t.id:>6}  {_when(t.created_at)}  {_when(t.last_used_at)}  "
            f"{_when(t.expires_at)}  {t.status.value}"
        )


def _when(instant: datetime | None) -> str:
    text = instant.isoformat(timespec="seconds") if instant is not None else "never"
    return f"{text:<25}"


@tokens.command("revoke")
@click.argument("name")
@click.argument("token_id", required=False, type=click.IntRange(1, 2**63 - 1))
@click.option("--all", "everything", is_flag=True, help="Revoke every token of the user.")
@click.pass_obj
def revoke_tokens(rt: Runtime, name: str, token_id: int | None, everything: bool) -> None:
    """Revoke one token of user NAME (TOKEN_ID, from 'workflow tokens list NAME') or, with
    --all, every one. A revoked token gets 401 at once."""
    if everything == (token_id is not None):
        fail(f"Give either a TOKEN_ID or --all, e.g. 'workflow tokens revoke {name} --all'.")
    count = accounts.revoke_tokens(rt.service.store, name, rt.service.now(), token_id)
    if token_id is not None:
        said = "Revoked" if count else "Already revoked:"
        click.echo(f"{said} token {token_id} of {name}.")
    else:
        click.echo(f"Revoked {count} token{'s' if count != 1 else ''} of {name}.")


def register(group: click.Group) -> None:
    group.add_command(tokens)
