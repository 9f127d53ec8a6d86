"""``workflow agencies``: the board's register of agencies and organisations (names, other
names, parent bodies). The command line acts as an administrator (``cli:<login>``), audited."""

from __future__ import annotations

import getpass

import click

from workflow.cli.context import Runtime
from workflow.core.roles import Actor, Role
from workflow.services.agencies.register import (
    AgencyOut,
    SaveAgency,
    find_agency,
    list_agencies,
    save_agency,
)


def _admin() -> Actor:
    return Actor(f"cli:{getpass.getuser()}", Role.ADMIN.value)


def _line(a: AgencyOut) -> str:
    parts = [a.name]
    if a.aliases:
        parts.append(f"also: {', '.join(a.aliases)}")
    if a.parent:
        parts.append(f"part of: {a.parent}")
    if not a.active:
        parts.append("retired")
    return "\t".join(parts)


@click.group()
def agencies() -> None:
    """The board's register of agencies and organisations."""


@agencies.command("list")
@click.option("--all", "everything", is_flag=True, help="Retired entries too.")
@click.pass_obj
def list_command(rt: Runtime, everything: bool) -> None:
    """One entry a line: name, other names, the body it is part of (tab-separated)."""
    for a in list_agencies(rt.service, _admin(), include_retired=everything).items:
        click.echo(_line(a))


@agencies.command("add")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, metavar="NAME", help="Another name (repeat).")
@click.option("--parent", default=None, metavar="NAME", help="The body it is part of.")
@click.pass_obj
def add_command(rt: Runtime, name: str, aliases: tuple[str, ...], parent: str | None) -> None:
    """Add an agency or organisation to the register."""
    command = SaveAgency(name=name, aliases=list(aliases), parent=parent)
    click.echo(f"Added {_line(save_agency(rt.service, _admin(), command))}")


@agencies.command("change")
@click.argument("name")
@click.option("--rename", default=None, metavar="NEW", help="Its new name.")
@click.option(
    "--alias", "aliases", multiple=True, metavar="NAME", help="Its other names (replaces them)."
)
@click.option("--no-aliases", is_flag=True, help="Remove its other names.")
@click.option("--parent", default=None, metavar="NAME", help='The body it is part of ("": none).')
@click.pass_obj
def change_command(
    rt: Runtime,
    name: str,
    rename: str | None,
    aliases: tuple[str, ...],
    no_aliases: bool,
    parent: str | None,
) -> None:
    """Change an entry (found by its name or another name)."""
    found = find_agency(rt.service, name)
    names = [] if no_aliases else list(aliases) if aliases else None
    command = SaveAgency(name=rename, aliases=names, parent=parent)
    click.echo(f"Changed {_line(save_agency(rt.service, _admin(), command, found.id))}")


def _set_active(rt: Runtime, name: str, active: bool) -> AgencyOut:
    found = find_agency(rt.service, name)
    return save_agency(rt.service, _admin(), SaveAgency(active=active), found.id)


@agencies.command("retire")
@click.argument("name")
@click.pass_obj
def retire_command(rt: Runtime, name: str) -> None:
    """No longer offer or accept an entry (cases naming it keep it)."""
    click.echo(f"Retired {_set_active(rt, name, False).name}")


@agencies.command("restore")
@click.argument("name")
@click.pass_obj
def restore_command(rt: Runtime, name: str) -> None:
    """Offer a retired entry again."""
    click.echo(f"Restored {_set_active(rt, name, True).name}")


def register(group: click.Group) -> None:
    group.add_command(agencies)
