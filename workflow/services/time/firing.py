"""Firing one claimed deadline, inside the transaction that holds its case: a missed limit
escalates, a timer that names a step takes it as the scheduler (guards apply; if they refuse, it
escalates instead), a stall reminder escalates and restarts the stall clock at its repeat
interval. Every write goes through the store, so the case version bumps and the audit trail
records the scheduler like a person.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from workflow.core import engine
from workflow.core.calendar import WorkingCalendar
from workflow.core.deadlines import STALL, DeadlineChange, DeadlineOp, DeadlineStatus
from workflow.core.definition import Definition, Timer
from workflow.core.engine import Outcome
from workflow.core.errors import (
    InvalidInput,
    PermissionDenied,
    TransitionBlocked,
    TransitionNotAllowed,
)
from workflow.core.events import EventKind, NewEvent
from workflow.core.record_deadlines import (
    CONTRIBUTION,
    is_record_deadline,
    reminded,
    reminder_of,
)
from workflow.core.record_kinds import ActionStatus, ContributionStatus
from workflow.core.roles import SYSTEM_ACTOR
from workflow.services.cases.conversions import open_linked
from workflow.services.records import snapshot_of
from workflow.services.time import words
from workflow.services.time.escalations import escalation_roles, raise_escalation
from workflow.services.time.notices import queue_notices
from workflow.services.time.results import Fired, FireOutcome
from workflow.store.models.cases import Case
from workflow.store.models.time import Deadline
from workflow.store.unit import Unit

log = logging.getLogger(__name__)


@dataclass
class Firing:
    """One deadline being fired: its row (claim finished), its case (locked), the definition
    the case runs on, in one unit of work."""

    u: Unit
    case: Case
    d: Definition
    row: Deadline
    now: datetime
    calendar: WorkingCalendar

    def fire(self) -> Fired:
        """Do what the deadline says when it falls due."""
        row = self.row
        row.lateness_seconds = max(0, int((self.now - row.due_at).total_seconds()))
        if row.name == STALL:
            return self.stall()
        if reminded(row.name) is not None:
            return self.remind()
        timer = self.d.timers.get(row.name)
        if timer is not None and timer.fire:
            return self.take_step(timer)
        return self.escalate(self.missed_reason(timer), FireOutcome.ESCALATED)

    def missed_reason(self, timer: Timer | None) -> str:
        case, row = self.case, self.row
        if not is_record_deadline(row.name):
            return words.missed_reason(self.d, case, row, timer)
        if row.name.partition(":")[0] == CONTRIBUTION:
            found = self.u.deadlines.contribution_of(row.name)
            return words.contribution_missed_reason(case, row, found)
        return words.action_missed_reason(case, row, self.u.deadlines.action_of(row.name))

    def take_step(self, timer: Timer) -> Fired:
        """Take the timer's step as the scheduler; if refused, escalate with the reasons. When
        the timer also names roles to escalate to, they are told that the step was taken."""
        case, d, row = self.case, self.d, self.row
        trigger = timer.fire or ""
        note = (
            f"Taken by the scheduler: {timer.label} fell due at the end of "
            f"{words.long_date(row.due_date)}."
        )
        try:
            old_state = case.state
            current = snapshot_of(self.u, case)
            outcome = engine.fire(
                d, current, SYSTEM_ACTOR, trigger, {}, note, self.now, self.calendar
            )
            t = d.find(trigger, old_state)
            if t is not None:
                outcome = open_linked(
                    self.u, case, t, outcome, SYSTEM_ACTOR, self.now, self.calendar
                )
        except (TransitionBlocked, TransitionNotAllowed, PermissionDenied, InvalidInput) as exc:
            reason = words.refused_reason(d, case, row, timer, exc)
            return self.escalate(reason, FireOutcome.REFUSED, trigger)
        self.write(_met_by_step(outcome, row))
        log.info(
            "case %s: %s taken by the scheduler (%s fell due)", case.reference, trigger, row.name
        )
        if timer.escalate_to:
            subject, text = words.step_taken(d, case, row, timer)
            ask = "Nothing is needed from you unless the step was wrong."
            queue_notices(self.u, case, timer.escalate_to, subject, text, ask, self.now)
        return self.fired(FireOutcome.FIRED, trigger=trigger, roles=timer.escalate_to)

    def escalate(self, reason: str, outcome: FireOutcome, trigger: str | None = None) -> Fired:
        case, row = self.case, self.row
        row.status = DeadlineStatus.MISSED
        self.u.deadlines.save(row)
        roles = escalation_roles(self.d, row)
        escalation = raise_escalation(self.u, case, row, reason, roles, self.now)
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
        self.write(self.unchanged(events, self.next_reminder(row.name, row.label, roles)))
        log.info("case %s: %s missed; escalated to %s", case.reference, row.name, ", ".join(roles))
        return self.fired(outcome, trigger, escalation.id, roles)

    def next_reminder(
        self, about: str, label: str, roles: Sequence[str]
    ) -> tuple[DeadlineChange, ...]:
        """The next reminder of a missed record deadline (``about``), when its definition has
        them reminded (``remind_every``): due that long after this one fell due, or after now
        when the sweep ran late, so catching up never raises a burst of reminders."""
        every = self.d.record_remind_every.get(about.partition(":")[0])
        if every is None or not is_record_deadline(about):
            return ()
        given = self.calendar.local_date(self.now - timedelta(seconds=1))
        due = self.calendar.last_day(max(self.row.due_date, given), every)
        return (
            DeadlineChange(DeadlineOp.OPEN, reminder_of(about), None, due, label, tuple(roles)),
        )

    def remind(self) -> Fired:
        """A missed contribution or action is still not settled: tell those told again, and set
        the next reminder (settling, removing or closing cancels it)."""
        case, row = self.case, self.row
        about = reminded(row.name) or ""
        row.status = DeadlineStatus.MISSED
        row.current = False  # the next reminder is the current one
        self.u.deadlines.save(row)
        roles = escalation_roles(self.d, row)
        kind = about.partition(":")[0]
        record = (
            self.u.deadlines.contribution_of(about)
            if kind == CONTRIBUTION
            else getattr(self.u.deadlines.action_of(about), "action", None)
        )
        if record is None or _settled(record) or case.state in self.d.final_states:
            # Settling cancels the reminder in the same change; this is the safety net for a
            # change that did not read the record (nobody is told again, nothing else moves).
            row.status = DeadlineStatus.CANCELLED
            self.u.deadlines.save(row)
            return self.fired(FireOutcome.REMINDER_ENDED)
        every = self.d.record_remind_every.get(kind, "")
        reason = words.reminder_reason(case, row, getattr(record, "due_date", None), every)
        escalation = raise_escalation(self.u, case, row, reason, roles, self.now)
        detail = {
            "deadline": row.name,
            "reminder_of": about,
            "escalation": escalation.id,
            "to_roles": list(roles),
            "due_date": row.due_date.isoformat(),
            "lateness_seconds": row.lateness_seconds,
        }
        event = NewEvent(EventKind.ESCALATED, note=reason, detail=detail)
        self.write(self.unchanged((event,), self.next_reminder(about, row.label, roles)))
        log.info("case %s: %s still overdue; reminded %s", case.reference, about, ", ".join(roles))
        return self.fired(FireOutcome.REMINDED, None, escalation.id, roles)

    def stall(self) -> Fired:
        """No progress: escalate, and start the next reminder at the rule's repeat interval."""
        case, d, row = self.case, self.d, self.row
        rule = d.states[case.state].stall if case.state in d.states else None
        row.status = DeadlineStatus.MISSED
        row.current = False  # the reminder that follows is the state's stall clock now
        self.u.deadlines.save(row)
        roles = escalation_roles(d, row)
        since = self.u.deadlines.last_progress(case)
        reason = words.stall_reason(d, case, rule, since, self.calendar)
        escalation = raise_escalation(self.u, case, row, reason, roles, self.now)
        changes: tuple[DeadlineChange, ...] = ()
        if rule is not None:
            # Counted from the day the reminder was due, or from the day it was given when
            # the sweep ran late, so catching up never raises a burst of reminders.
            given = self.calendar.local_date(self.now - timedelta(seconds=1))
            due = self.calendar.last_day(max(row.due_date, given), rule.repeat)
            changes = (
                DeadlineChange(DeadlineOp.OPEN, STALL, None, due, row.label, rule.escalate_to),
            )
        detail = {
            "deadline": STALL,
            "escalation": escalation.id,
            "to_roles": list(roles),
            "due_date": row.due_date.isoformat(),
            "lateness_seconds": row.lateness_seconds,
        }
        event = NewEvent(EventKind.ESCALATED, note=reason, detail=detail)
        self.write(self.unchanged((event,), changes))
        log.info(
            "case %s: no progress in %s; escalated to %s",
            case.reference,
            case.state,
            ", ".join(roles),
        )
        return self.fired(FireOutcome.STALLED, None, escalation.id, roles)

    def unchanged(
        self, events: Sequence[NewEvent], changes: Sequence[DeadlineChange] = ()
    ) -> Outcome:
        """The case as it is, with ``events`` to record and ``changes`` to its deadlines."""
        case = self.case
        return Outcome(
            case.state, dict(case.data), dict(case.milestones), tuple(events), tuple(changes)
        )

    def write(self, outcome: Outcome) -> None:
        """Write the case through the store as the scheduler: the version bumps, the trail
        records it, deadlines change in the same transaction."""
        # The case row must be written (and its version bumped) even when nothing in it
        # differs, e.g. a sweep at the very instant of the last change.
        self.u.cases.save(self.case, outcome, SYSTEM_ACTOR, self.now, self.calendar)

    def fired(
        self,
        outcome: FireOutcome,
        trigger: str | None = None,
        escalation_id: int | None = None,
        roles: Sequence[str] = (),
    ) -> Fired:
        case, row = self.case, self.row
        return Fired(
            case=case.reference,
            case_id=case.id or 0,
            deadline=row.name,
            deadline_id=row.id or 0,
            due_date=row.due_date,
            due_at=row.due_at,
            fired_at=self.now,
            lateness_seconds=row.lateness_seconds or 0,
            outcome=outcome,
            trigger=trigger,
            escalation_id=escalation_id,
            to_roles=tuple(roles),
        )


#: A contribution received or waived, an action done: nothing left to remind anyone of.
SETTLED = (ContributionStatus.RECEIVED, ContributionStatus.WAIVED, ActionStatus.DONE)


def _settled(record: object) -> bool:
    return getattr(record, "status", None) in SETTLED


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
