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
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from workflow.core.definition import Definition
from workflow.core.errors import InvalidInput, NotFound, PermissionDenied
from workflow.core.events import NewEvent
from workflow.core.record_deadlines import CONTRIBUTION, is_record_deadline
from workflow.core.record_kinds import owns
from workflow.core.roles import Actor, Role
from workflow.services import access
from workflow.services.accounts import actor_of
from workflow.services.views import escalation_view
from workflow.store.cases import append_events
from workflow.store.models.accounts import User
from workflow.store.models.cases import Case
from workflow.store.models.records import Action, Contribution
from workflow.store.models.time import Deadline, Escalation, Notice
from workflow.store.records import own_records_only
from workflow.store.unit import unit_of_work

if TYPE_CHECKING:
    from workflow.services.cases import Service

log = logging.getLogger(__name__)

ACKNOWLEDGED = "escalation_acknowledged"  # the audit event kind
MAX_PAGE = 200


# -- words ----------------------------------------------------------------------------------


def long_date(day: date) -> str:
    """``Friday 27 November 2026``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def say_lateness(seconds: int) -> str:
    """``2 days 3 hours``, ``45 minutes``, ``less than a minute``."""
    if seconds < 60:
        return "less than a minute"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words)


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


def recipients(
    s: Session, case: Case, roles: Sequence[str], agency: str | None = None
) -> list[User]:
    """Active users holding one of ``roles`` who may see the case. ``agency``: the escalation
    is about that agency's own record (a contribution, an action), so of the agency users only
    that agency's are told."""
    users = s.exec(
        select(User)
        .where(col(User.role).in_(list(roles)), User.active == True)  # noqa: E712
        .order_by(col(User.id))
    )
    return [
        u
        for u in users
        if access.may_see(actor_of(u), case)
        and (agency is None or u.role != Role.AGENCY.value or owns(u.agencies, agency))
    ]


def record_agency(s: Session, name: str) -> str | None:
    """The agency that owns the record a record deadline (``contribution:<id>``,
    ``action:<id>``) belongs to; None for any other deadline."""
    if not is_record_deadline(name):
        return None
    kind, _, record_id = name.partition(":")
    if kind == CONTRIBUTION:
        contribution = s.get(Contribution, int(record_id))
        return contribution.agency if contribution is not None else ""
    action = s.get(Action, int(record_id))
    return action.owner_agency if action is not None else ""


def raise_escalation(
    s: Session, case: Case, row: Deadline, reason: str, roles: Sequence[str], now: datetime
) -> Escalation:
    """Record the escalation and queue a notice to each person told (same transaction); the
    notices of a record's deadline go, among agency users, to the owner agency's only."""
    escalation = Escalation(
        case_id=case.id or 0,
        deadline_id=row.id,
        deadline_name=row.name,
        reason=reason,
        to_roles=list(roles),
        raised_at=now,
    )
    s.add(escalation)
    s.flush()
    subject = f"Escalation on case {case.reference}: {row.label or row.name}"
    ask = (
        f"Please look at case {case.reference} and acknowledge escalation {escalation.id} once "
        "it is in hand."
    )
    agency = record_agency(s, row.name)
    queue_notices(s, case, roles, subject, reason, ask, now, escalation.id, agency)
    return escalation


def queue_notices(
    s: Session,
    case: Case,
    roles: Sequence[str],
    subject: str,
    text: str,
    ask: str,
    now: datetime,
    escalation_id: int | None = None,
    agency: str | None = None,
) -> int:
    """Put a notice in the outbox for each person told; returns how many."""
    users = recipients(s, case, roles, agency)
    for user in users:
        body = (
            f"Dear {user.name},\n\n{text}\n\nYou are told because you hold the role "
            f"{user.role}. {ask}\n"
        )
        s.add(
            Notice(
                escalation_id=escalation_id,
                recipient=user.name,
                address=user.email,
                subject=subject,
                body=body,
                next_attempt_at=now,
            )
        )
    return len(users)


# -- use cases ------------------------------------------------------------------------------


def list_escalations(
    service: Service,
    actor: Actor,
    open_only: bool = False,
    limit: int | None = None,
    after: int | None = None,
) -> dict[str, Any]:
    """Escalations on the cases the actor may see, newest first, keyset-paged by id:
    ``{"items": [...], "next_after": id or None}``."""
    limit = min(max(limit or service.page_size, 1), MAX_PAGE)
    query = select(Escalation, Case.reference).join(Case, col(Case.id) == Escalation.case_id)
    scope = access.case_filter(actor)
    if scope is not None:
        query = query.where(scope)
    if actor.role == Role.AGENCY.value:
        query = query.where(own_records_only(actor.agencies, col(Escalation.deadline_name)))
    if open_only:
        query = query.where(col(Escalation.acknowledged_at).is_(None))
    if after is not None:
        query = query.where(col(Escalation.id) < after)
    query = query.order_by(col(Escalation.id).desc()).limit(limit + 1)
    with Session(service.db) as s:
        rows = list(s.exec(query))
    more = len(rows) > limit
    rows = rows[:limit]
    items = [escalation_view(e, reference) for e, reference in rows]
    return {"items": items, "next_after": rows[-1][0].id if more and rows else None}


def acknowledge(
    service: Service, actor: Actor, escalation_id: int, note: str = ""
) -> dict[str, Any]:
    """Record that the actor has the escalation in hand. Open to any role that was told; a
    second acknowledgement changes nothing and answers with the first."""
    if not isinstance(note, str):
        raise InvalidInput("note must be text.")
    now = service.now()
    with unit_of_work(service.db) as s:
        escalation = s.get(Escalation, escalation_id, with_for_update=True)
        case = None
        if escalation is not None:
            # Locked like a person's change, so the audit trail's sequence stays in order.
            case = s.exec(
                select(Case).where(col(Case.id) == escalation.case_id).with_for_update()
            ).first()
        if (
            escalation is None
            or case is None
            or not access.may_see(actor, case)
            or (
                actor.role == Role.AGENCY.value
                and record_agency(s, escalation.deadline_name) is not None
                and not owns(actor.agencies, record_agency(s, escalation.deadline_name))
            )
        ):
            raise NotFound(f"There is no escalation {escalation_id} that you can see.")
        if actor.role not in escalation.to_roles:
            raise PermissionDenied(
                f"Escalation {escalation_id} was sent to {' and '.join(escalation.to_roles)}; "
                f"a {actor.role} may not acknowledge it."
            )
        if escalation.acknowledged_at is None:
            escalation.acknowledged_by = actor.name
            escalation.acknowledged_at = now
            s.add(escalation)
            detail = {"escalation": escalation.id, "deadline": escalation.deadline_name}
            append_events(s, case, actor, [NewEvent(ACKNOWLEDGED, note=note, detail=detail)], now)
            log.info(
                "escalation %s on case %s acknowledged by %s",
                escalation.id,
                case.reference,
                actor.name,
            )
        return escalation_view(escalation, case.reference)
