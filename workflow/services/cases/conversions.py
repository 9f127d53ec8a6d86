"""Conversions: a step whose transition says ``opens = { review_type = "...", carry = [...] }``
opens a case of that review type linked to this one (the new case's ``linked_case_id``), with
the named data keys copied across — e.g. a notifiable incident's decision to hold a serious case
review opens the review with the incident's agencies, dates, criteria answers and rationale.

The engine stays pure: it decides the step; the service (or the scheduler) opens the linked case
in the same unit of work, so the decision and the new case are saved together or not at all.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from workflow.core import engine
from workflow.core.calendar import WorkingCalendar
from workflow.core.definition import Transition
from workflow.core.engine import Outcome
from workflow.core.errors import InvalidInput, NotFound
from workflow.core.events import EventKind, NewEvent
from workflow.core.roles import Actor
from workflow.services import access, catalog
from workflow.services.cases.results import LinkedCase
from workflow.store.cases import OPENED_LINKED, new_reference, reference_prefix
from workflow.store.models.cases import Case
from workflow.store.models.catalog import ReviewTypeVersion
from workflow.store.unit import Unit

log = logging.getLogger(__name__)


def open_linked(
    u: Unit,
    case: Case,
    t: Transition,
    outcome: Outcome,
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
) -> Outcome:
    """When ``t`` opens a linked case, open it (in this unit of work) and return the step's
    outcome with an audit event naming the new case; otherwise the outcome as it was."""
    if t.opens is None:
        return outcome
    row = _published(u, t)
    d = catalog.DEFINITIONS.parsed(row)
    access.require_role(actor, set(d.open_roles), f"open a {d.name.lower()}")
    carried = {k: outcome.data[k] for k in t.opens.carry if k in outcome.data}
    # The step that opens it is a milestone of the new case too: its timers anchored on that
    # step (T4 on the decision, for one) count from the decision, which is taken only once.
    decided = {f"trigger:{t.trigger}": now.isoformat()} if t.opens.state else None
    opened = engine.open_case(
        d, actor, carried, now, calendar, state=t.opens.state, milestones=decided
    )
    created = tuple(
        replace(e, detail={**e.detail, "opened_from": case.reference})
        if e.kind == EventKind.CREATED
        else e
        for e in opened.events
    )
    linked = Case(
        reference=new_reference(reference_prefix(d.key), now),
        review_type=d.key,
        definition_id=row.id or 0,
        definition_version=row.version,
        state=opened.state,
        title=case.title,
        created_at=now,
        updated_at=now,
        created_by=actor.name,
        linked_case_id=case.id,
    )
    u.cases.save(linked, replace(opened, events=created), actor, now, calendar)
    log.info("case %s: '%s' opened %s", case.reference, t.trigger, linked.reference)
    return _with_opened(outcome, t, linked, d.key, now)


def _with_opened(
    outcome: Outcome, t: Transition, linked: Case, review_type: str, now: datetime
) -> Outcome:
    """The step's outcome with the audit event naming the case it opened, and the milestone
    that says this case has opened one (so its answers read its linked cases)."""
    event = NewEvent(
        EventKind.CASE_OPENED,
        trigger=t.trigger,
        detail={"case": linked.reference, "case_id": linked.id, "review_type": review_type},
    )
    milestones = {**outcome.milestones}
    milestones.setdefault(OPENED_LINKED, now.isoformat())
    return replace(outcome, events=(*outcome.events, event), milestones=milestones)


def _published(u: Unit, t: Transition) -> ReviewTypeVersion:
    assert t.opens is not None
    try:
        return catalog.row_for(u, t.opens.review_type)
    except NotFound as exc:
        raise InvalidInput(
            f"'{t.trigger}' opens a {t.opens.review_type.replace('_', ' ')}, which is not a "
            "published review type; ask an administrator to publish it.",
            [exc.message],
        ) from exc


def linked_cases(u: Unit, actor: Actor, case: Case) -> list[LinkedCase]:
    """The cases linked to this one, both ways, that the actor may see: the case it was opened
    from (``opened_from``) and the cases it opened (``opened``)."""
    scope = access.scope_of(actor)
    return [
        LinkedCase.of(relation, c) for relation, c in u.cases.linked_to(case) if scope.admits(c)
    ]


__all__ = ["linked_cases", "open_linked"]
