"""Escalations: a record that a time limit was missed or a case stalled, who was told, and who
acknowledged it.

Raising one (by the sweep, inside the transaction that fires the deadline) also puts a notice in
the outbox for every active user holding one of the roles told who may see the case, so agency
users hear only of their agencies' cases. Listing and acknowledging are use cases for people:
anyone holding a role that was told may acknowledge, once, and the case's audit trail records it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from workflow.core.definition import Definition
from workflow.core.errors import NotFound, PermissionDenied
from workflow.core.events import EventKind, NewEvent
from workflow.core.record_deadlines import is_record_deadline, reminded
from workflow.core.record_kinds import owns
from workflow.core.roles import Actor, Role, a_role
from workflow.services import access
from workflow.services.time.notices import queue_notices
from workflow.services.time.results import Acknowledgement, EscalationPage, EscalationView
from workflow.store.models.cases import Case
from workflow.store.models.time import Deadline, Escalation
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

log = logging.getLogger(__name__)

MAX_PAGE = 200


# -- raising --------------------------------------------------------------------------------


def escalation_roles(d: Definition, row: Deadline) -> tuple[str, ...]:
    """The roles told: those the definition names for the deadline; for a timer that only takes
    a step, the people who could take that step themselves."""
    if row.escalate_to:
        return tuple(row.escalate_to)
    timer = d.timers.get(row.name)
    if timer is not None and timer.escalate_to:
        return timer.escalate_to
    if timer is not None and timer.fire:
        roles: dict[str, None] = {}
        for t in d.transitions:
            if t.trigger == timer.fire:
                roles.update((r, None) for r in t.roles if r != Role.SYSTEM.value)
        if roles:
            return tuple(roles)
    # The board chair receives escalations (domain.md) when the definition names no one.
    return (Role.CHAIR.value,)


def record_agency(u: Unit, name: str) -> str | None:
    """The agency that owns the record a record deadline (``contribution:<id>``,
    ``action:<id>``) or its reminder belongs to (empty when that record is gone); None for any
    other deadline."""
    name = reminded(name) or name
    if not is_record_deadline(name):
        return None
    return u.deadlines.owner_agency(name) or ""


def raise_escalation(
    u: Unit, case: Case, row: Deadline, reason: str, roles: Sequence[str], now: datetime
) -> Escalation:
    """Record the escalation and queue a notice to each person told (same transaction); the
    notices of a record's deadline go, among agency users, to the owner agency's only."""
    escalation = u.escalations.add(
        Escalation(
            case_id=case.id or 0,
            deadline_id=row.id,
            deadline_name=row.name,
            reason=reason,
            to_roles=list(roles),
            raised_at=now,
        )
    )
    subject = f"Escalation on case {case.reference}: {row.label or row.name}"
    ask = (
        f"Please look at case {case.reference} and acknowledge escalation {escalation.id} once "
        "it is in hand."
    )
    agency = record_agency(u, row.name)
    queue_notices(u, case, roles, subject, reason, ask, now, escalation.id, agency)
    return escalation


# -- use cases ------------------------------------------------------------------------------


def list_escalations(
    service: Service,
    actor: Actor,
    open_only: bool = False,
    limit: int | None = None,
    after: int | None = None,
) -> EscalationPage:
    """Escalations on the cases the actor may see, newest first, keyset-paged by id."""
    limit = min(max(limit or service.page_size, 1), MAX_PAGE)
    with service.store.read() as u:
        rows = u.escalations.page(actor, open_only=open_only, after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    items = tuple(EscalationView.of(e, reference) for e, reference in rows)
    return EscalationPage(items=items, next_after=rows[-1][0].id if more and rows else None)


def _may_acknowledge(u: Unit, actor: Actor, escalation: Escalation, case: Case) -> bool:
    """Whether the actor may see the escalation: its case, and for an agency user, no other
    agency's record."""
    if not access.may_see(actor, case):
        return False
    if actor.role != Role.AGENCY.value:
        return True
    agency = record_agency(u, escalation.deadline_name)
    return agency is None or owns(actor.agencies, agency)


def acknowledge(
    service: Service, actor: Actor, escalation_id: int, command: Acknowledgement | None = None
) -> EscalationView:
    """Record that the actor has the escalation in hand. Open to any role that was told; a
    second acknowledgement changes nothing and answers with the first."""
    note = (command or Acknowledgement()).note
    now = service.now()
    with service.store.write() as u:
        escalation = u.escalations.for_update(escalation_id)
        case = None
        if escalation is not None:
            # Locked like a person's change, so the audit trail's sequence stays in order.
            case = u.cases.for_change(escalation.case_id)
        if escalation is None or case is None or not _may_acknowledge(u, actor, escalation, case):
            raise NotFound(f"There is no escalation {escalation_id} that you can see.")
        if actor.role not in escalation.to_roles:
            raise PermissionDenied(
                f"Escalation {escalation_id} was sent to {' and '.join(escalation.to_roles)}; "
                f"{a_role(actor.role)} may not acknowledge it.",
                role=actor.role,
                allowed=tuple(escalation.to_roles),
            )
        if escalation.acknowledged_at is None:
            escalation.acknowledged_by = actor.name
            escalation.acknowledged_at = now
            u.escalations.save(escalation)
            detail = {"escalation": escalation.id, "deadline": escalation.deadline_name}
            u.cases.append_events(
                case,
                actor,
                [NewEvent(EventKind.ESCALATION_ACKNOWLEDGED, note=note, detail=detail)],
                now,
            )
            log.info(
                "escalation %s on case %s acknowledged by %s",
                escalation.id,
                case.reference,
                actor.name,
            )
        return EscalationView.of(escalation, case.reference)
