"""Changing a case: taking a step (firing a trigger) and changing its data.

Each is one unit of work: the case is read, checked against the version its sender last read,
the engine decides on it as it is, and the outcome (row, audit events, deadlines, a case it
opens) is written together, or a typed error is raised and nothing is written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workflow.core import engine
from workflow.core.definition import Definition
from workflow.core.engine import Outcome
from workflow.core.errors import InvalidInput, VersionConflict
from workflow.core.events import NewEvent
from workflow.core.roles import Actor
from workflow.services import access, records
from workflow.services.agencies import checking as agencies
from workflow.services.cases import lead
from workflow.services.cases.commands import ChangeData, TakeStep
from workflow.services.cases.conversions import open_linked
from workflow.services.cases.loading import state_kinds, step_kinds
from workflow.services.cases.results import CaseView
from workflow.services.cases.shown import case_view
from workflow.store.models.cases import Case
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases.service import Service

log = logging.getLogger(__name__)


def take_step(service: Service, actor: Actor, case_id: int, command: TakeStep) -> CaseView:
    """Fire ``command.trigger``; its data is merged before the guards run."""
    if not command.trigger:
        raise InvalidInput('Name the step to take in trigger, e.g. {"trigger": "notify"}.')
    patch = lead.split(command.data)
    now = service.now()
    with service.store.write() as u:
        case, d = _current(service, u, actor, case_id, command.expected_version)
        patch = replace(patch, values=agencies.checked_agencies(u, patch.values))
        step = d.find(command.trigger, case.state)
        # A lead named with the step (e.g. appoint_lead) is recorded first, so the step's guards
        # see it; a step the actor may not take is refused by the engine below.
        names_lead = patch.names_lead and step is not None and actor.role in step.roles
        lead_events = _appoint(service, u, case, actor, patch, names_lead, now)
        every = u.cases.all_deadlines(case_id)
        deadlines = [x for x in every if x.current]
        has_lead = bool(case.lead_name or lead_events)
        kept = records.plain_records(u, case_id, step_kinds(d, step, actor, has_lead=has_lead))
        outcome = engine.fire(
            d,
            u.cases.snapshot(case, deadlines, kept),
            actor,
            command.trigger,
            patch.values,
            command.note,
            now,
            service.calendar,
        )
        outcome = _led(outcome, lead_events)
        if step is not None:
            outcome = open_linked(u, case, step, outcome, actor, now, service.calendar)
        if lead_events:
            lead.follow(u, case)
        save = u.cases.save
        opened = save(
            case, outcome, actor, now, service.calendar, command.expected_version, deadlines
        )
        log.info("case %s: %s -> %s by %s", case.reference, command.trigger, case.state, actor.name)
        return case_view(u, case, d, actor, now, service.calendar, kept, [*every, *opened])


#: Work a use case does in the change's unit before the engine decides (e.g. keep a document):
#: it answers the values it writes into the case's data (keys no data form may write).
Prepare = Callable[[Unit, Case, Definition, datetime], Mapping[str, Any]]


def change_data(
    service: Service,
    actor: Actor,
    case_id: int,
    command: ChangeData,
    prepare: Prepare | None = None,
) -> CaseView:
    """Merge ``command.data`` (and what ``prepare`` writes) into the case's data; its deadlines
    follow their anchors."""
    if not command.data and prepare is None:
        raise InvalidInput('Send the values to change in data, e.g. {"data": {...}}.')
    patch = lead.split(command.data)
    now = service.now()
    with service.store.write() as u:
        case, d = _current(service, u, actor, case_id, command.expected_version, editing=True)
        if case.state in d.final_states:
            raise InvalidInput(
                f"The case is closed ({d.label_of(case.state)}); its data can no longer change."
            )
        patch = replace(patch, values=agencies.checked_agencies(u, patch.values))
        if prepare is not None:
            patch = replace(patch, values={**patch.values, **prepare(u, case, d, now)})
        lead_events = _appoint(service, u, case, actor, patch, patch.names_lead, now)
        every = u.cases.all_deadlines(case_id)
        deadlines = [x for x in every if x.current]
        has_lead = bool(case.lead_name or lead_events)
        kept = records.plain_records(
            u, case_id, state_kinds(d, case.state, actor, has_lead=has_lead)
        )
        snap = u.cases.snapshot(case, deadlines, kept)
        if patch.values or not patch.names_lead:
            outcome = engine.change_data(
                d, snap, actor, patch.values, now, service.calendar, command.note
            )
        else:  # only the lead changed: the records rules still hold
            outcome = engine.change_records(d, snap, actor, (), now, service.calendar)
        outcome = _led(outcome, lead_events)
        if lead_events:
            lead.follow(u, case)
        opened = u.cases.save(
            case,
            outcome,
            actor,
            now,
            service.calendar,
            command.expected_version,
            deadlines,
        )
        return case_view(u, case, d, actor, now, service.calendar, kept, [*every, *opened])


def _current(
    service: Service,
    u: Unit,
    actor: Actor,
    case_id: int,
    expected_version: int,
    *,
    editing: bool = False,
) -> tuple[Case, Definition]:
    """The case, if the actor may see it (and, ``editing``, change its data), at the version
    they last read, and its definition."""
    case = access.require_visible(actor, u.cases.get(case_id), case_id)
    if editing:
        access.require_role(actor, access.EDIT_DATA, "change a case's data")
    # Checked before the engine decides: a step decided on a state the caller never saw would
    # answer 422 (not available, blocked) where the truth is "reload: someone else changed it".
    if case.version != expected_version:
        raise VersionConflict.stale(case.version, expected_version)
    return case, service.definitions.of_version(u, case.definition_id)


def _appoint(
    service: Service,
    u: Unit,
    case: Case,
    actor: Actor,
    patch: lead.DataPatch,
    names_lead: bool,
    now: datetime,
) -> list[NewEvent]:
    if not names_lead:
        return []
    today = service.calendar.local_date(now)
    return records.appoint_from_data(u, case, actor, patch.lead, now, today)


def _led(outcome: Outcome, lead_events: Sequence[NewEvent]) -> Outcome:
    """The outcome with the lead appointment's events first, as they happened first."""
    return replace(outcome, events=(*lead_events, *outcome.events))


__all__ = ["Prepare", "change_data", "take_step"]
