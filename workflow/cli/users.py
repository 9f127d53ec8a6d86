"""``workflow users``: user accounts."""

from __future__ import annotations

import sys

import click
from pydantic import SecretStr

from workflow.cli.context import Runtime
from workflow.core.roles import ASSIGNABLE_ROLES
from workflow.services import accounts


@click.group()
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
    new = accounts.NewUser(
        name=name, role=role, agencies=agencies, email=email, password=SecretStr(password)
    )
    user = accounts.create_user(rt.service.store, new, rt.service.now())
    summary = f"{user.name} ({user.role}"
    if user.agencies:
        summary += "; " + ", ".join(user.agencies)
    click.echo(f"Created user {summary}).")
    if not password:
        click.echo(
            "No password was given: this user can sign in only with an API token "
            f"('workflow tokens create {name}').",
            err=True,
        )


@users.command("list")
@click.pass_obj
def list_users(rt: Runtime) -> None:
    """Show every user: name, role, agencies, whether enabled, and tokens still working."""
    found = accounts.list_users(rt.service.store, rt.service.now())
    width = max([len(u.name) for u in found] + [4])
    click.echo(f"{'name':<{width}}  {'role':<13}  {'status':<8}  tokens  agencies")
    for u in found:
        status = "enabled" if u.active else "disabled"
        click.echo(
            f"{u.name:<{width}}  {u.role:<13}  {status:<8}  {u.tokens_in_use:>6}  "
            f"{', '.join(u.agencies)}"
        )


@users.command("disable")
@click.argument("name")
@click.pass_obj
def disable_user(rt: Runtime, name: str) -> None:
    """Disable user NAME: their sessions end and their tokens stop working, at once."""
    accounts.set_active(rt.service.store, name, False, rt.service.now())
    click.echo(f"Disabled {name}: their sessions have ended and their tokens no longer work.")


@users.command("enable")
@click.argument("name")
@click.pass_obj
def enable_user(rt: Runtime, name: str) -> None:
    """Enable user NAME again: they may sign in, and their tokens that are neither revoked nor
    expired work again."""
    accounts.set_active(rt.service.store, name, True, rt.service.now())
    click.echo(f"Enabled {name}.")


def read_password() -> str:
    if sys.stdin.isatty():
        value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return value
    return sys.stdin.readline().rstrip("\r\n")


def register(group: click.Group) -> None:
    group.add_command(users)
