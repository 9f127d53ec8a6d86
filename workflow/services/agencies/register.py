"""Keeping the register: administrators add agencies, rename them, give them other names
(aliases) and the body they are part of, and retire them; everyone signed in may list them (the
forms choose from it). Every change is audited (``admin_event``, key ``agencies``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from workflow.core.agencies import fold
from workflow.core.errors import AlreadyExists, InvalidInput, NotFound
from workflow.core.roles import Actor, Role
from workflow.services import access
from workflow.services.results import Command, Instant, Result
from workflow.store.models.admin import AdminEvent
from workflow.store.models.agencies import Agency
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

MAX_NAME = 200


class AgencyOut(Result):
    """An entry of the board's register of agencies and organisations."""

    id: int
    name: str
    aliases: list[str] = Field(description="Other names the same body goes by.")
    parent: str | None = Field(description="The body this one is part of (its name).")
    active: bool = Field(description="false: retired, no longer offered or accepted.")
    created_at: Instant
    created_by: str
    updated_at: Instant


class AgencyList(Result):
    items: list[AgencyOut]


class SaveAgency(Command):
    """An agency to add, or the fields of one to change (those sent)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    aliases: list[str] | None = Field(default=None, max_length=20)
    parent: str | None = Field(
        default=None, max_length=200, description='The parent body\'s name; "" for none.'
    )
    active: bool | None = None


def _out(row: Agency, names: dict[int, str]) -> AgencyOut:
    return AgencyOut(
        id=row.id or 0,
        name=row.name,
        aliases=list(row.aliases),
        parent=names.get(row.parent_id) if row.parent_id else None,
        active=row.active,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
    )


def list_agencies(service: Service, actor: Actor, *, include_retired: bool = False) -> AgencyList:
    with service.store.read() as u:
        rows = u.agencies.listed()
        names = {r.id or 0: r.name for r in rows}
        shown = [r for r in rows if r.active or include_retired]
        return AgencyList(items=[_out(r, names) for r in shown])


def save_agency(
    service: Service, actor: Actor, command: SaveAgency, agency_id: int | None = None
) -> AgencyOut:
    """Add an entry (``agency_id`` None) or change one; administrators only, audited."""
    access.require_role(actor, {Role.ADMIN.value}, "keep the register of agencies")
    now = service.now()
    with service.store.write() as u:
        rows = u.agencies.listed()
        if agency_id is None:
            if command.name is None:
                raise InvalidInput("Give the agency's name.", ["name: required"])
            row = Agency(name="", folded="", created_at=now, created_by=actor.name, updated_at=now)
        else:
            found = next((r for r in rows if r.id == agency_id), None)
            if found is None:
                raise NotFound(f"There is no agency {agency_id} in the register.")
            row = found
        _apply(u, row, rows, command)
        row.updated_at = now
        u.agencies.save(row)
        sent = sorted(command.model_dump(exclude_none=True))
        action = "agency_added" if agency_id is None else "agency_changed"
        detail = {"agency": row.id, "name": row.name, "fields": sent}
        u.agencies.audit(
            AdminEvent(at=now, actor=actor.name, action=action, key="agencies", detail=detail)
        )
        return _out(row, {r.id or 0: r.name for r in u.agencies.listed()})


def _clean(name: str, field: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput(f"The {field} may not be blank.", [f"{field}: not blank"])
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(
            f"An agency's {field} must be {MAX_NAME} characters or fewer.",
            [f"{field}: at most {MAX_NAME} characters"],
        )
    if "|" in cleaned:
        raise InvalidInput(
            f"An agency's name may not contain '|' ({field}: '{cleaned}'); use another character.",
            [f"{field}: no '|'"],
        )
    return cleaned


def _apply(u: Unit, row: Agency, rows: list[Agency], command: SaveAgency) -> None:
    others = [r for r in rows if r.id != row.id or row.id is None]
    taken = {fold(n): r.name for r in others for n in (r.name, *r.aliases)}
    if command.name is not None:
        row.name = _clean(command.name, "name")
        row.folded = fold(row.name)
    if command.aliases is not None:
        aliases = [_clean(a, "aliases") for a in command.aliases]
        row.aliases = list(dict.fromkeys(a for a in aliases if fold(a) != row.folded))
    for name in (row.name, *row.aliases):
        if fold(name) in taken:
            raise AlreadyExists(
                f"'{name}' is already in the register, as {taken[fold(name)]}; "
                "an agency or one of its other names may be entered only once."
            )
    if command.parent is not None:
        row.parent_id = _parent(row, others, command.parent)
    if command.active is not None:
        row.active = command.active


def _parent(row: Agency, others: list[Agency], name: str) -> int | None:
    if not name.strip():
        return None
    by_name = {fold(r.name): r for r in others}
    parent = by_name.get(fold(name))
    if parent is None:
        raise InvalidInput(
            f"There is no agency '{name}' in the register to be the parent body; add it first.",
            [f"parent: '{name}' is not in the register"],
        )
    ids = {r.id: r for r in others}
    walk: Agency | None = parent
    while walk is not None:
        if row.id is not None and row.id in (walk.id, walk.parent_id):
            raise InvalidInput(
                f"{parent.name} is part of {row.name} already: a body cannot be part of itself.",
                ["parent: would make a loop"],
            )
        walk = ids.get(walk.parent_id) if walk.parent_id else None
    return parent.id


def find_agency(service: Service, name: str) -> AgencyOut:
    """The entry of that name (or alias), retired ones too."""
    with service.store.read() as u:
        rows = u.agencies.listed()
        names = {r.id or 0: r.name for r in rows}
        for r in rows:
            if fold(name) in {fold(n) for n in (r.name, *r.aliases)}:
                return _out(r, names)
    raise NotFound(f"There is no agency '{name}' in the register.")


__all__ = ["AgencyList", "AgencyOut", "SaveAgency", "find_agency", "list_agencies", "save_agency"]
