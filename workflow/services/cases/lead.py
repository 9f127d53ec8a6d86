"""The lead reviewer named in a case's data: ``data.lead_reviewer`` = ``{"name",
"organisations"}``, the contract's form, is still accepted and is written as a lead appointment
record (the one source of truth); the case's data shows the appointment in force back.

The case's ``lead_name`` (which cases a lead reviewer may see) follows the appointment in force.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from workflow.core.errors import InvalidInput
from workflow.core.events import EventKind, NewEvent
from workflow.core.guards.review import current_leads
from workflow.core.roles import Actor
from workflow.services import access
from workflow.services.record_kinds import kind_of
from workflow.store.models.cases import Case
from workflow.store.models.records import LeadAppointment
from workflow.store.scope import fold
from workflow.store.unit import Unit

#: The key of ``data`` that names the lead reviewer.
LEAD_KEY = "lead_reviewer"
#: What used to be kept in data and is now a record of its own (one source of truth).
RECORD_DATA_KEYS = {
    "involvement": "practitioners and family-members",
    "findings": "findings",
    "actions": "actions",
}
_FIELDS = ("name", "organisations")


@dataclass(frozen=True)
class DataPatch:
    """Values for a case's data, with ``data.lead_reviewer`` taken out: ``names_lead`` says
    whether it was sent and ``lead`` is what was sent (None: end the appointment in force)."""

    values: dict[str, Any] = field(default_factory=dict)
    names_lead: bool = False
    lead: Any = None


def split(patch: Mapping[str, Any] | None) -> DataPatch:
    """The patch without ``lead_reviewer``. A key that is now a record of its own is refused
    with where to record it."""
    rest = dict(patch or {})
    wrong = [
        f"data.{key} is no longer kept in the case's data: record it at "
        f"/api/v1/cases/<id>/{where.split(' and ')[0]} (and the case page's records)."
        for key, where in RECORD_DATA_KEYS.items()
        if rest.get(key) is not None
    ]
    if wrong:
        raise InvalidInput("The change was not saved: these are records now.", wrong)
    if LEAD_KEY not in rest:
        return DataPatch(rest)
    return DataPatch(rest, True, rest.pop(LEAD_KEY))


def parse(value: Any) -> tuple[str, list[str]] | None:
    """``data.lead_reviewer`` as sent, checked: the name and organisations (trimmed, without
    repeats); None for null (end the appointment in force)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidInput(
            'data.lead_reviewer must be {"name": ..., "organisations": [...]}, or null.'
        )
    problems = []
    unknown = sorted(set(value) - set(_FIELDS))
    if unknown:
        problems.append(
            f"data.lead_reviewer.{unknown[0]}: not a field; send name and organisations"
        )
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("Record the lead reviewer's name (data.lead_reviewer.name).")
    orgs = value.get("organisations")
    if not isinstance(orgs, list) or not all(isinstance(o, str) for o in orgs):
        problems.append(
            "Record the lead reviewer's organisations (data.lead_reviewer.organisations), an "
            "empty list if none, so independence can be checked."
        )
    if problems:
        raise InvalidInput("The lead reviewer was not appointed.", problems)
    assert isinstance(name, str) and isinstance(orgs, list)
    return name.strip(), list(dict.fromkeys(o.strip() for o in orgs if o.strip()))


def may_appoint(actor: Actor) -> None:
    """Only the editors of lead appointments may name a lead in data."""
    editors = kind_of("lead_appointments").edit_roles
    access.require_role(actor, editors, "add or remove a case's lead appointments")


def appoint(
    u: Unit, case: Case, actor: Actor, value: Any, now: datetime, today: date
) -> list[NewEvent]:
    """Record ``data.lead_reviewer`` as the lead appointment. The same lead again changes
    nothing; another ends the appointment in force and starts its own; null ends it. Returns
    the audit events; the caller writes the case (with ``follow``, just before)."""
    may_appoint(actor)
    lead = parse(value)
    in_force = u.cases.leads_in_force(case.id or 0)
    if lead is None:
        return _end(u, in_force, today, "Ended")
    name, organisations = lead
    if len(in_force) == 1 and (in_force[0].name, list(in_force[0].organisations)) == lead:
        return []
    events = _end(u, in_force, today, f"Replaced by {name}")
    row = u.cases.appoint(
        LeadAppointment(
            case_id=case.id or 0,
            name=name,
            organisations=organisations,
            appointed_on=today,
            created_at=now,
            created_by=actor.name,
        )
    )
    return [_event(EventKind.RECORD_ADDED, row, ["name", "organisations", "appointed_on"]), *events]


def _end(u: Unit, in_force: Sequence[LeadAppointment], on: date, reason: str) -> list[NewEvent]:
    """End every appointment in force (a new lead replaces them)."""
    events = []
    for old in in_force:
        old.ended_on = max(on, old.appointed_on)
        old.end_reason = reason
        u.cases.appoint(old)
        events.append(_event(EventKind.RECORD_CHANGED, old, ["ended_on", "end_reason"]))
    return events


def _event(kind: str, row: LeadAppointment, fields: Sequence[str]) -> NewEvent:
    # The same detail as every other record change (workflow.services.records): never values.
    noun = kind_of("lead_appointments").noun
    detail = {"record": noun, "id": row.id, "label": f"{noun.capitalize()} {row.id}"}
    return NewEvent(kind, detail=detail | {"fields": sorted(fields)})


def follow(u: Unit, case: Case) -> None:
    """The case's lead (for access) follows the appointment in force. Called just before the
    case is written: a query after it would write the case too early."""
    in_force = u.cases.leads_in_force(case.id or 0)
    case.lead_name = fold(in_force[-1].name) if in_force else ""


def shown(appointments: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The lead in force among a case's records, as ``data.lead_reviewer``."""
    leads = current_leads(appointments)
    if not leads:
        return None
    return {"name": leads[-1]["name"], "organisations": list(leads[-1]["organisations"])}


def shown_row(in_force: Sequence[LeadAppointment]) -> dict[str, Any] | None:
    """The lead in force (the last of those not ended), as ``data.lead_reviewer``."""
    if not in_force:
        return None
    return {"name": in_force[-1].name, "organisations": list(in_force[-1].organisations)}


__all__ = ["LEAD_KEY", "DataPatch", "appoint", "follow", "parse", "shown", "shown_row", "split"]
