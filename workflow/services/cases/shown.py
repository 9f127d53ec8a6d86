"""The case as one reader is shown it: its data with the lead in force, the deadlines they may
see, the steps open to them now (and why each is blocked), and the cases linked to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from workflow.core import engine
from workflow.core.calendar import WorkingCalendar
from workflow.core.definition import Definition
from workflow.core.record_deadlines import is_time_limit
from workflow.core.roles import Actor, Role
from workflow.services import records
from workflow.services.cases import lead
from workflow.services.cases.conversions import linked_cases
from workflow.services.cases.results import CaseSummary, CaseView, StepOption
from workflow.store.models.cases import Case
from workflow.store.models.records import LeadAppointment
from workflow.store.models.time import Deadline
from workflow.store.unit import Unit


def case_view(
    u: Unit,
    case: Case,
    definition: Definition,
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
    kept: dict[str, list[dict[str, Any]]] | None = None,
    every: Sequence[Deadline] | None = None,
) -> CaseView:
    """The whole case for ``actor``; ``kept``: its records, when already read in this unit of
    work and unchanged since (the kinds the answer reads: its steps' guards and the lead);
    ``every``: all its deadlines as they now are, when the unit already holds them."""
    u.cases.flush()
    case_id = case.id or 0
    if every is None:
        held = u.cases.shown_deadlines([case_id]).get(case_id, [])
    else:
        held = sorted((x for x in every if is_time_limit(x.name)), key=lambda x: x.id or 0)
    deadlines = records.visible_deadlines(u, actor, held)
    if kept is None:
        kept = records.plain_records(u, case_id)
    # engine.options reads the state, data and records, never the deadlines: don't load them.
    options = engine.options(definition, u.cases.snapshot(case, (), kept), actor, now, calendar)
    in_force = records.lead_in_data(kept.get("lead_appointments", []))
    fields = CaseSummary.fields_of(case, definition, deadlines, in_force, hide_lead(actor))
    return CaseView(
        **fields,
        linked_cases=linked_cases(u, actor, case),
        transitions=[StepOption.of(o) for o in options],
    )


def case_summary(
    u: Unit,
    case: Case,
    definition: Definition,
    actor: Actor,
    deadlines: Sequence[Deadline],
    in_force: Sequence[LeadAppointment],
) -> CaseSummary:
    """The case as lists show it, from its deadlines and lead appointments already read."""
    shown = records.visible_deadlines(u, actor, deadlines)
    fields = CaseSummary.fields_of(
        case, definition, shown, lead.shown_row(in_force), hide_lead(actor)
    )
    return CaseSummary(**fields)


def hide_lead(actor: Actor) -> bool:
    """Agency users may not read the lead reviewer's record, so nor its copy in the data."""
    return actor.role == Role.AGENCY.value


__all__ = ["case_summary", "case_view"]
