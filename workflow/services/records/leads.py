"""The lead reviewer: appointments as records, and the contract's ``data.lead_reviewer``
(``{"name", "organisations"}``), still accepted and written as an appointment, and shown back
from the appointment in force. The case's ``lead_name`` (who may see it as its lead reviewer)
follows the lead in force.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.events import EventKind, NewEvent
from workflow.core.guards.review import current_leads
from workflow.core.record_kinds import RecordKey, folded, kind_of
from workflow.core.roles import Actor, a_role
from workflow.services.agencies.checking import checked_names
from workflow.services.results import Command
from workflow.store.models.cases import Case
from workflow.store.models.records import LeadAppointment
from workflow.store.unit import Unit


class LeadFromData(Command):
    """``data.lead_reviewer`` as sent, checked."""

    name: str
    organisations: tuple[str, ...]


def _event(kind_of_event: str, row: LeadAppointment, fields: Sequence[str]) -> NewEvent:
    noun = kind_of(RecordKey.LEAD_APPOINTMENTS).noun
    detail = {"record": noun, "id": row.id, "label": f"{noun.capitalize()} {row.id}"}
    return NewEvent(kind_of_event, detail=detail | {"fields": sorted(fields)})


def end_leads(u: Unit, case: Case, on: date, reason: str) -> list[NewEvent]:
    """End every appointment in force (a new lead replaces them)."""
    events = []
    for old in u.records.leads_in_force(case.id or 0):
        old.ended_on = max(on, old.appointed_on)
        old.end_reason = reason
        u.records.save(old)
        events.append(_event(EventKind.RECORD_CHANGED, old, ["ended_on", "end_reason"]))
    return events


def _problems(value: Mapping[str, Any]) -> list[str]:
    problems = []
    unknown = sorted(set(value) - {"name", "organisations"})
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
    return problems


def lead_from_data(value: Any) -> LeadFromData | None:
    """``data.lead_reviewer`` as sent by a client, checked; None for null (end the appointment
    in force)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidInput(
            'data.lead_reviewer must be {"name": ..., "organisations": [...]}, or null.'
        )
    problems = _problems(value)
    if problems:
        raise InvalidInput("The lead reviewer was not appointed.", problems)
    organisations = (o.strip() for o in value["organisations"] if o.strip())
    return LeadFromData(
        name=value["name"].strip(), organisations=tuple(dict.fromkeys(organisations))
    )


def registered_lead(u: Unit, lead: LeadFromData | None) -> LeadFromData | None:
    """The lead with their organisations chosen from the board's register (or refused)."""
    if lead is None:
        return None
    names = checked_names(u, lead.organisations, "data.lead_reviewer.organisations")
    return LeadFromData(name=lead.name, organisations=tuple(names))


def may_appoint(actor: Actor) -> None:
    kind = kind_of(RecordKey.LEAD_APPOINTMENTS)
    if actor.role not in kind.edit_roles:
        raise PermissionDenied(
            f"{a_role(actor.role).capitalize()} may not "
            f"add or remove a case's {kind.plural}; ask someone "
            f"with the role {' or '.join(sorted(kind.edit_roles))}."
        )


def appoint_from_data(
    u: Unit, case: Case, actor: Actor, value: Any, now: datetime, today: date
) -> list[NewEvent]:
    """Record ``data.lead_reviewer`` as the lead appointment (the record is the one source of
    truth; the case's data shows it back). The same lead again changes nothing; null ends the
    appointment in force. Returns the audit events; the caller writes the case (and its
    ``lead_name``, with ``sync_lead``, just before)."""
    may_appoint(actor)
    lead = registered_lead(u, lead_from_data(value))
    if lead is None:
        return end_leads(u, case, today, "Ended")
    in_force = u.records.leads_in_force(case.id or 0)
    if (
        len(in_force) == 1
        and in_force[0].name == lead.name
        and tuple(in_force[0].organisations) == lead.organisations
    ):
        return []
    events = end_leads(u, case, today, f"Replaced by {lead.name}")
    row = LeadAppointment(
        case_id=case.id or 0,
        name=lead.name,
        organisations=list(lead.organisations),
        appointed_on=today,
        created_at=now,
        created_by=actor.name,
    )
    u.records.save(row)
    events.insert(0, _event(EventKind.RECORD_ADDED, row, ["name", "organisations", "appointed_on"]))
    return events


def sync_lead(case: Case, appointments: Sequence[Mapping[str, Any]]) -> None:
    """The case's ``lead_name`` (who may see it as its lead reviewer) follows the lead in force."""
    leads = current_leads(appointments)
    case.lead_name = folded(leads[-1].get("name")) if leads else ""


def lead_in_data(appointments: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The lead in force as the contract's ``data.lead_reviewer``."""
    leads = current_leads(appointments)
    if not leads:
        return None
    return {"name": leads[-1]["name"], "organisations": list(leads[-1]["organisations"])}


__all__ = [
    "LeadFromData",
    "appoint_from_data",
    "end_leads",
    "lead_from_data",
    "lead_in_data",
    "may_appoint",
    "registered_lead",
    "sync_lead",
]
