"""The sweep: fires the deadlines that have fallen due, each exactly once, however many processes
sweep at the same time.

Deadline rows are the source of truth (the scheduler stores no business timer). A sweep works in
two steps:

1. **Claim.** One short transaction marks a batch of due, unclaimed rows with this sweeper's name,
   a lease expiry and one more attempt. On SQLite that is a single
   ``UPDATE … WHERE id IN (SELECT … LIMIT n) AND status = 'pending' … RETURNING``; on PostgreSQL
   a ``SELECT … FOR UPDATE SKIP LOCKED`` batch then an ``UPDATE`` of those rows (the field notes
   measured both). A row whose lease has expired (its sweeper died) can be claimed again.
2. **Fire.** Each claimed row is fired in one transaction with its case: the case row is locked
   first (the order a person's change takes too), then the row is finished only if it is still
   pending and still claimed by this sweeper, so a row is fired by one transaction only. Firing
   escalates a missed limit, takes a timer's step as the scheduler (guards apply; if they refuse,
   it escalates instead) or raises a stall reminder and restarts the stall clock at its repeat
   interval. Every write goes through the store, so the case version bumps and the audit trail
   records the scheduler like a person.

A sweep after downtime catches up on everything due, oldest first, and records when it fired
each deadline and how late that was. ``now`` is always an argument.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, and_, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from workflow.core import engine
from workflow.core.calendar import WorkingCalendar
from workflow.core.deadlines import STALL, DeadlineChange, DeadlineOp, DeadlineStatus
from workflow.core.definition import Definition, StallRule, Timer
from workflow.core.engine import Outcome
from workflow.core.errors import (
    InvalidInput,
    PermissionDenied,
    TransitionBlocked,
    TransitionNotAllowed,
    VersionConflict,
    WorkflowError,
)
from workflow.core.events import EventKind, NewEvent
from workflow.core.guards.review import action_words, contribution_words
from workflow.core.record_deadlines import CONTRIBUTION, is_record_deadline
from workflow.core.roles import SYSTEM_ACTOR, Role
from workflow.core.values import lookup
from workflow.services.conversions import open_linked
from workflow.services.records import record_view, snapshot_of
from workflow.services.time.escalations import (
    escalation_roles,
    long_date,
    queue_notices,
    raise_escalation,
    say_lateness,
)
from workflow.store.cases import apply_outcome
from workflow.store.models.cases import Case, Event
from workflow.store.models.records import Action, Contribution, Finding
from workflow.store.models.time import Deadline
from workflow.store.unit import Unit, unit_of_work

if TYPE_CHECKING:
    from workflow.services.cases import Service

log = logging.getLogger(__name__)

DEADLINES = cast(Table, Deadline.__table__)  # type: ignore[attr-defined]
DEFAULT_LEASE_SECONDS = 300
DEFAULT_BATCH = 200
RETRIES = 3  # a fire that lost a race with a person's change is tried again at once

#: What firing a deadline did, in the ``outcome`` of each fired deadline.
ESCALATED = "escalated"
FIRED = "fired"
REFUSED = "fire_refused"
STALLED = "stall_escalated"


def default_owner() -> str:
    """A name for this sweeper, unique per process and sweep: host, process id, random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Fired:
    """One deadline a sweep fired, as ``workflow tick`` prints it."""

    case: str
    case_id: int
    deadline: str
    deadline_id: int
    due_date: date
    due_at: datetime
    fired_at: datetime
    lateness_seconds: int
    outcome: str
    trigger: str | None = None
    escalation_id: int | None = None
    to_roles: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "deadline": self.deadline,
            "due_date": self.due_date.isoformat(),
            "due_at": self.due_at.isoformat(),
            "fired_at": self.fired_at.isoformat(),
            "lateness_seconds": self.lateness_seconds,
            "outcome": self.outcome,
            "trigger": self.trigger,
            "escalation": self.escalation_id,
            "to_roles": list(self.to_roles),
        }


# -- claiming -----------------------------------------------------------------------------------


def claimable(table: Table, now: datetime, due_column: str) -> ColumnElement[bool]:
    """Pending rows that are due and not held by a live lease."""
    return and_(
        table.c.status == DeadlineStatus.PENDING,
        table.c[due_column] <= now,
        or_(table.c.lease_expires_at.is_(None), table.c.lease_expires_at <= now),
    )


def claim_batch(
    conn: Connection,
    table: Table,
    now: datetime,
    due_column: str,
    owner: str,
    lease_seconds: int,
    limit: int,
    returning: Sequence[str],
) -> list[Any]:
    """Claim up to ``limit`` due rows of ``table`` for ``owner``, oldest first; the caller's
    transaction must commit before any outside effect. Returns the claimed rows' ``returning``
    columns. Two claimers never get the same row while its lease lasts."""
    due = claimable(table, now, due_column)
    values = {
        "claimed_by": owner,
        "lease_expires_at": now + timedelta(seconds=lease_seconds),
        "attempts": table.c.attempts + 1,
    }
    order = (table.c[due_column], table.c.id)
    cols = [table.c[name] for name in returning]
    dialect = conn.dialect.name
    if dialect == "postgresql":
        ids = list(
            conn.execute(
                sa_select(table.c.id)
                .where(due)
                .order_by(*order)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).scalars()
        )
        if not ids:
            return []
        return list(
            conn.execute(update(table).where(table.c.id.in_(ids)).values(values).returning(*cols))
        )
    if dialect == "sqlite":
        # One statement: SQLite runs it under the write lock (BEGIN IMMEDIATE, workflow.db), and
        # the repeated guard keeps the claim exact even without it. The guard is written so no
        # index can serve it (``status || ''``): the rows are found by id from the list, not by
        # a scan of every pending row, which is what follows the number stored.
        chosen = sa_select(table.c.id).where(due).order_by(*order).limit(limit)
        unclaimed = or_(table.c.lease_expires_at.is_(None), table.c.lease_expires_at <= now)
        guard = and_(table.c.status.concat("") == DeadlineStatus.PENDING, unclaimed)
        return list(
            conn.execute(
                update(table).where(table.c.id.in_(chosen), guard).values(values).returning(*cols)
            )
        )
    # Any other database: one guarded update per row; rowcount says whether we won it.
    won = []
    for row_id in conn.execute(
        sa_select(table.c.id).where(due).order_by(*order).limit(limit)
    ).scalars():
        result = conn.execute(update(table).where(table.c.id == row_id, due).values(values))
        if result.rowcount == 1:
            won.append(conn.execute(sa_select(*cols).where(table.c.id == row_id)).one())
    return won


def claim_due(
    db: Engine,
    now: datetime,
    owner: str,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    limit: int = DEFAULT_BATCH,
) -> list[tuple[int, int]]:
    """Claim up to ``limit`` due deadlines; ``(deadline id, case id)`` of each, committed."""
    with db.begin() as conn:
        rows = claim_batch(
            conn, DEADLINES, now, "due_at", owner, lease_seconds, limit, ("id", "case_id")
        )
    return [(int(r[0]), int(r[1])) for r in rows]


def next_due(db: Engine, now: datetime) -> datetime | None:
    """The next instant at which a sweep will find something to fire: the earliest future due
    instant, or the earliest lease of a due row another sweeper holds."""
    t = DEADLINES
    pending = t.c.status == DeadlineStatus.PENDING
    with db.connect() as conn:
        upcoming = conn.execute(
            sa_select(func.min(t.c.due_at)).where(pending, t.c.due_at > now)
        ).scalar()
        held = conn.execute(
            sa_select(func.min(t.c.lease_expires_at)).where(
                pending, t.c.due_at <= now, t.c.lease_expires_at > now
            )
        ).scalar()
    found = [x for x in (upcoming, held) if x is not None]
    return min(found) if found else None


# -- firing -------------------------------------------------------------------------------------


class _Lost(Exception):
    """The row is no longer ours to fire: met, moved, cancelled or claimed by another sweeper."""


class Sweeper:
    """Fires due deadlines for one service (its database and calendar)."""

    def __init__(
        self,
        service: Service,
        *,
        owner: str | None = None,
        lease_seconds: int = DEFAULT_LEASE_SECONDS,
        batch: int = DEFAULT_BATCH,
    ) -> None:
        self.service = service
        self.db = service.db
        self.calendar: WorkingCalendar = service.calendar
        self.owner = owner or default_owner()
        self.lease_seconds = lease_seconds
        self.batch = batch

    def sweep(self, now: datetime) -> list[Fired]:
        """Claim and fire everything due at ``now``, batch after batch, oldest first."""
        fired: list[Fired] = []
        while True:
            claimed = claim_due(self.db, now, self.owner, self.lease_seconds, self.batch)
            for deadline_id, case_id in claimed:
                result = self.fire_claimed(deadline_id, case_id, now)
                if result is not None:
                    fired.append(result)
            if len(claimed) < self.batch:
                break
        if fired:
            log.info("sweep at %s fired %d deadline(s)", now.isoformat(), len(fired))
        return fired

    def fire_claimed(self, deadline_id: int, case_id: int, now: datetime) -> Fired | None:
        """Fire one deadline this sweeper has claimed; None if it is no longer ours to fire.
        A failure leaves the claim in place, so the row is tried again after its lease."""
        for attempt in range(1, RETRIES + 1):
            try:
                with unit_of_work(self.db) as s:
                    return self._fire(s, deadline_id, case_id, now)
            except _Lost:
                return None
            except (VersionConflict, OperationalError) as exc:
                # A person changed the case at the same moment (or the database chose this
                # transaction as a deadlock victim): nothing was written; try again.
                log.info(
                    "deadline %s: retrying after %s (attempt %d)",
                    deadline_id,
                    type(exc).__name__,
                    attempt,
                )
            except Exception:
                log.exception(
                    "deadline %s of case %s could not be fired; it will be retried "
                    "when its lease expires",
                    deadline_id,
                    case_id,
                )
                return None
        log.warning(
            "deadline %s: gave up after %d attempts; retried after its lease", deadline_id, RETRIES
        )
        return None

    def _fire(self, s: Session, deadline_id: int, case_id: int, now: datetime) -> Fired:
        # Lock the case first: a person's change locks the case row before its deadlines, so
        # taking them in the same order cannot deadlock.
        case = s.exec(select(Case).where(col(Case.id) == case_id).with_for_update()).first()
        if case is None:
            raise _Lost
        # Finish the claim only if it is still ours and still pending: of all the transactions
        # that might fire this row, one gets here. (Raising below rolls this back too.)
        finished = s.connection().execute(
            update(DEADLINES)
            .where(
                DEADLINES.c.id == deadline_id,
                DEADLINES.c.status == DeadlineStatus.PENDING,
                DEADLINES.c.claimed_by == self.owner,
            )
            .values(claimed_by=None, lease_expires_at=None, fired_at=now)
        )
        row = s.get(Deadline, deadline_id) if finished.rowcount == 1 else None
        if row is None or row.due_at > now:
            raise _Lost
        row.lateness_seconds = max(0, int((now - row.due_at).total_seconds()))
        d = self._definition(s, case)
        if row.name == STALL:
            return self._stall(s, case, d, row, now)
        timer = d.timers.get(row.name)
        if timer is not None and timer.fire:
            return self._take_step(s, case, d, timer, row, now)
        if is_record_deadline(row.name):
            reason = record_missed_reason(s, case, row)
        else:
            reason = missed_reason(d, case, row, timer, self.calendar)
        return self._escalate(s, case, d, row, reason, ESCALATED, now)

    def _definition(self, s: Session, case: Case) -> Definition:
        return self.service.definitions.of_version(Unit(s), case.definition_id)

    def _take_step(
        self, s: Session, case: Case, d: Definition, timer: Timer, row: Deadline, now: datetime
    ) -> Fired:
        """Take the timer's step as the scheduler; if refused, escalate with the reasons. When
        the timer also names roles to escalate to, they are told that the step was taken."""
        trigger = timer.fire or ""
        note = (
            f"Taken by the scheduler: {timer.label} fell due at the end of "
            f"{long_date(row.due_date)}."
        )
        try:
            old_state = case.state
            outcome = engine.fire(
                d,
                snapshot_of(Unit(s), case),
                SYSTEM_ACTOR,
                trigger,
                {},
                note,
                now,
                self.calendar,
            )
            t = d.find(trigger, old_state)
            if t is not None:
                outcome = open_linked(s, case, t, outcome, SYSTEM_ACTOR, now, self.calendar)
        except (TransitionBlocked, TransitionNotAllowed, PermissionDenied, InvalidInput) as exc:
            reason = refused_reason(d, case, row, timer, exc)
            return self._escalate(s, case, d, row, reason, REFUSED, now, trigger)
        flag_modified(case, "updated_at")
        apply_outcome(s, case, _met_by_step(outcome, row), SYSTEM_ACTOR, now, self.calendar)
        log.info(
            "case %s: %s taken by the scheduler (%s fell due)", case.reference, trigger, row.name
        )
        if timer.escalate_to:
            text = (
                f"{timer.label}{_limit_words(timer, case, d)} on case {case.reference} fell due at "
                f"the end of {long_date(row.due_date)}; the scheduler took the step '{trigger}' "
                f"and the case is now in {d.label_of(case.state)}."
            )
            subject = f"Case {case.reference}: {timer.label}: '{trigger}' taken"
            queue_notices(
                s,
                case,
                timer.escalate_to,
                subject,
                text,
                "Nothing is needed from you unless the step was wrong.",
                now,
            )
        return self._fired(case, row, now, FIRED, trigger=trigger, roles=timer.escalate_to)

    def _escalate(
        self,
        s: Session,
        case: Case,
        d: Definition,
        row: Deadline,
        reason: str,
        outcome: str,
        now: datetime,
        trigger: str | None = None,
    ) -> Fired:
        row.status = DeadlineStatus.MISSED
        s.add(row)
        roles = escalation_roles(d, row)
        escalation = raise_escalation(s, case, row, reason, roles, now)
        detail = {
            "deadline": row.name,
            "due_date": row.due_date.isoformat(),
            "due_at": row.due_at.isoformat(),
            "lateness_seconds": row.lateness_seconds,
        }
        events = (
            NewEvent(EventKind.DEADLINE_MISSED, trigger=trigger, detail=detail),
            NewEvent(
                EventKind.ESCALATED,
                note=reason,
                detail={"deadline": row.name, "escalation": escalation.id, "to_roles": list(roles)},
            ),
        )
        self._write(s, case, events, (), now)
        log.info("case %s: %s missed; escalated to %s", case.reference, row.name, ", ".join(roles))
        return self._fired(case, row, now, outcome, trigger, escalation.id, roles)

    def _stall(self, s: Session, case: Case, d: Definition, row: Deadline, now: datetime) -> Fired:
        """No progress: escalate, and start the next reminder at the rule's repeat interval."""
        rule = d.states[case.state].stall if case.state in d.states else None
        row.status = DeadlineStatus.MISSED
        row.current = False  # the reminder that follows is the state's stall clock now
        s.add(row)
        roles = escalation_roles(d, row)
        reason = stall_reason(d, case, rule, self._last_progress(s, case), row, self.calendar)
        escalation = raise_escalation(s, case, row, reason, roles, now)
        changes: tuple[DeadlineChange, ...] = ()
        if rule is not None:
            # Counted from the day the reminder was due, or from the day it was given when
            # the sweep ran late, so catching up never raises a burst of reminders.
            given = self.calendar.local_date(now - timedelta(seconds=1))
            due = self.calendar.last_day(max(row.due_date, given), rule.repeat)
            changes = (
                DeadlineChange(DeadlineOp.OPEN, STALL, None, due, row.label, rule.escalate_to),
            )
        event = NewEvent(
            EventKind.ESCALATED,
            note=reason,
            detail={
                "deadline": STALL,
                "escalation": escalation.id,
                "to_roles": list(roles),
                "due_date": row.due_date.isoformat(),
                "lateness_seconds": row.lateness_seconds,
            },
        )
        self._write(s, case, (event,), changes, now)
        log.info(
            "case %s: no progress in %s; escalated to %s",
            case.reference,
            case.state,
            ", ".join(roles),
        )
        return self._fired(case, row, now, STALLED, None, escalation.id, roles)

    def _last_progress(self, s: Session, case: Case) -> datetime:
        last = s.exec(
            select(func.max(Event.at)).where(
                col(Event.case_id) == case.id, col(Event.actor_role) != Role.SYSTEM.value
            )
        ).first()
        return last or case.created_at

    def _write(
        self,
        s: Session,
        case: Case,
        events: Sequence[NewEvent],
        changes: Sequence[DeadlineChange],
        now: datetime,
    ) -> None:
        """Write the case through the store as the scheduler: the version bumps, the trail
        records it, deadlines change in the same transaction."""
        outcome = Outcome(
            case.state, dict(case.data), dict(case.milestones), tuple(events), tuple(changes)
        )
        # The case row must be written (and its version bumped) even when nothing in it
        # differs, e.g. a sweep at the very instant of the last change.
        flag_modified(case, "updated_at")
        apply_outcome(s, case, outcome, SYSTEM_ACTOR, now, self.calendar)

    def _fired(
        self,
        case: Case,
        row: Deadline,
        now: datetime,
        outcome: str,
        trigger: str | None = None,
        escalation_id: int | None = None,
        roles: Sequence[str] = (),
    ) -> Fired:
        return Fired(
            case=case.reference,
            case_id=case.id or 0,
            deadline=row.name,
            deadline_id=row.id or 0,
            due_date=row.due_date,
            due_at=row.due_at,
            fired_at=now,
            lateness_seconds=row.lateness_seconds or 0,
            outcome=outcome,
            trigger=trigger,
            escalation_id=escalation_id,
            to_roles=tuple(roles),
        )


def _met_by_step(outcome: Outcome, row: Deadline) -> Outcome:
    """The step the timer took meets the timer, on its due date: it happened when the limit said
    (how late the machine was is kept apart, in ``lateness_seconds``)."""
    changes = [
        c
        for c in outcome.deadline_changes
        if not (c.op == DeadlineOp.MEET and c.deadline_id == row.id)
    ]
    meet = DeadlineChange(DeadlineOp.MEET, row.name, row.id, met_date=row.due_date)
    return replace(outcome, deadline_changes=(meet, *changes))


def sweep(
    service: Service,
    now: datetime | None = None,
    *,
    owner: str | None = None,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    batch: int = DEFAULT_BATCH,
) -> list[Fired]:
    """Fire every deadline due at ``now`` (default: the service's clock) exactly once."""
    sweeper = Sweeper(service, owner=owner, lease_seconds=lease_seconds, batch=batch)
    return sweeper.sweep(now or service.now())


# -- the sentences ------------------------------------------------------------------------------


def _anchor_words(timer: Timer, case: Case, d: Definition) -> str:
    anchor = timer.anchor
    if anchor.kind == "data":
        value = lookup(case.data, anchor.name)
        words = f"the {anchor.name.replace('_', ' ').replace('.', ' ')} date"
        return f"{words}, {value}" if value else words
    if anchor.kind == "entered":
        return f"entering {d.label_of(anchor.name)}"
    return f"'{anchor.name}'"


def _limit_words(timer: Timer | None, case: Case, d: Definition) -> str:
    if timer is None:
        return ""
    limit = f"{timer.limit}: " if timer.limit else ""
    return f" ({limit}{timer.duration} from {_anchor_words(timer, case, d)})"


def missed_reason(
    d: Definition, case: Case, row: Deadline, timer: Timer | None, calendar: WorkingCalendar
) -> str:
    label = timer.label if timer else (row.label or row.name)
    return (
        f"{label}{_limit_words(timer, case, d)} on case {case.reference} was due by the end of "
        f"{long_date(row.due_date)} and has not been met; the scheduler escalated it "
        f"{say_lateness(row.lateness_seconds or 0)} after it fell due."
    )


def record_missed_reason(s: Session, case: Case, row: Deadline) -> str:
    """Why a record's deadline escalated, naming the record (never a family detail)."""
    kind, _, record_id = row.name.partition(":")
    lateness = say_lateness(row.lateness_seconds or 0)
    due = long_date(row.due_date)
    if kind == CONTRIBUTION:
        found = s.get(Contribution, int(record_id))
        what = contribution_words(record_view("contributions", found)) if found else row.label
        return (
            f"{what[0].upper()}{what[1:]} on case {case.reference} was due by the end of {due} "
            f"and is neither received nor waived; the scheduler escalated it {lateness} after "
            "it fell due. Please send it, or tell the reviewer when it will come."
        )
    action = s.get(Action, int(record_id))
    what = row.label or row.name
    if action is not None:
        finding = s.get(Finding, action.finding_id)
        # Actions are numbered in the order they were added, as the case shows them.
        number = s.exec(
            select(func.count())
            .select_from(Action)
            .where(col(Action.case_id) == case.id, col(Action.id) <= action.id)
        ).one()
        view = record_view("actions", action, number=number, finding=finding and finding.number)
        what = action_words(view)
    return (
        f"{what} on case {case.reference} (T8) was due by the end of {due} and is not done; "
        f"the scheduler escalated it {lateness} after it fell due."
    )


def refused_reason(
    d: Definition, case: Case, row: Deadline, timer: Timer, exc: WorkflowError
) -> str:
    why = " ".join([exc.message, *exc.details])
    return (
        f"{timer.label}{_limit_words(timer, case, d)} on case {case.reference} fell due at the "
        f"end of {long_date(row.due_date)}, but the scheduler could not take the step "
        f"'{timer.fire}': {why} Take the step yourself once it is allowed."
    )


def stall_reason(
    d: Definition,
    case: Case,
    rule: StallRule | None,
    since: datetime,
    row: Deadline,
    calendar: WorkingCalendar,
) -> str:
    limit = f" (the limit is {rule.after}" if rule is not None else ""
    repeat = f"; this reminder repeats every {rule.repeat} until someone acts)" if rule else ""
    return (
        f"Case {case.reference} has made no progress in {d.label_of(case.state)} since "
        f"{long_date(calendar.local_date(since))}{limit}{repeat}."
    )
