"""Deadlines as the engine plans them: which time limits a step opens, moves, meets or cancels.

A timer of the definition runs while the case is in one of its states; it is anchored on a date
in the case's data, on entering a state or on a trigger; the steps in ``met_by`` meet it. Each
state may also keep a stall clock (``stall``) that any progress restarts. Pure: the calendar and
``today`` are arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from workflow.core.calendar import WorkingCalendar
from workflow.core.definition import Definition, Timer
from workflow.core.values import BadValue, as_date, lookup

#: The deadline name used for a state's stall rule.
STALL = "stall"


class DeadlineStatus(StrEnum):
    PENDING = "pending"
    MET = "met"
    MISSED = "missed"  # fell due before it was met; it was escalated
    CANCELLED = "cancelled"


#: A deadline still to be met: pending, or missed and not yet met late.
OUTSTANDING = (DeadlineStatus.PENDING, DeadlineStatus.MISSED)


class DeadlineOp(StrEnum):
    OPEN = "open"
    MOVE = "move"
    RESTART = "restart"  # a stall clock starts again after progress
    MEET = "meet"
    CANCEL = "cancel"


@dataclass(frozen=True)
class DeadlineSnapshot:
    """A deadline row as the engine sees it; only ``current`` rows take part in decisions."""

    id: int
    name: str
    status: str
    due_date: date
    current: bool = True


@dataclass(frozen=True)
class DeadlineChange:
    """``op`` says what happens; ``deadline_id`` names the row for all but open."""

    op: DeadlineOp
    name: str
    deadline_id: int | None = None
    due_date: date | None = None
    label: str = ""
    escalate_to: tuple[str, ...] = ()
    met_date: date | None = None


@dataclass(frozen=True)
class Step:
    """What a step changes, as the deadline planner needs it (``old_state`` None: opening)."""

    old_state: str | None
    new_state: str
    trigger: str | None
    data: Mapping[str, Any]
    milestones: Mapping[str, str]
    today: date
    calendar: WorkingCalendar


def anchor_date(
    timer: Timer, data: Mapping[str, Any], milestones: Mapping[str, str], calendar: WorkingCalendar
) -> date | None:
    """The date a timer counts from, or None while it is not known."""
    if timer.anchor.kind == "data":
        return _date_or_none(lookup(data, timer.anchor.name), timer.anchor.name)
    stamp = milestones.get(str(timer.anchor))
    return calendar.local_date(datetime.fromisoformat(stamp)) if stamp else None


def _date_or_none(value: Any, path: str) -> date | None:
    try:
        return as_date(value, path)
    except BadValue:
        return None


def plan_deadlines(
    d: Definition,
    *,
    old_state: str | None,
    new_state: str,
    trigger: str | None,
    data: Mapping[str, Any],
    milestones: Mapping[str, str],
    current: Sequence[DeadlineSnapshot],
    today: date,
    calendar: WorkingCalendar,
) -> list[DeadlineChange]:
    """The deadline changes a step brings: meet, cancel on leaving, open on entering, move when
    the anchor changed, and restart the stall clock of the state."""
    step = Step(old_state, new_state, trigger, data, milestones, today, calendar)
    by_name = {s.name: s for s in current if s.current}
    changes: list[DeadlineChange] = []
    for name, timer in d.timers.items():
        changes += _plan_timer(timer, by_name.get(name), step)
    changes += _plan_stall(d, by_name.get(STALL), step)
    return changes


def _plan_timer(timer: Timer, row: DeadlineSnapshot | None, step: Step) -> list[DeadlineChange]:
    changes: list[DeadlineChange] = []
    inside = step.new_state in timer.runs_in
    entered = step.old_state is None or (step.old_state not in timer.runs_in and inside)
    if row and step.trigger in timer.met_by and row.status in OUTSTANDING:
        met_date = (
            _date_or_none(lookup(step.data, timer.met_on), timer.met_on) if timer.met_on else None
        )
        changes.append(
            DeadlineChange(DeadlineOp.MEET, timer.name, row.id, met_date=met_date or step.today)
        )
        row = replace(row, status=DeadlineStatus.MET)
    if row and (not inside or entered):
        # Leaving the states a timer runs in closes this run; re-entering starts a new one.
        changes.append(DeadlineChange(DeadlineOp.CANCEL, timer.name, row.id))
        row = None
    if not inside or (row and row.status != DeadlineStatus.PENDING):
        return changes
    start = anchor_date(timer, step.data, step.milestones, step.calendar)
    if start is None:
        if row:
            changes.append(DeadlineChange(DeadlineOp.CANCEL, timer.name, row.id))
        return changes
    # Each timer counts in its own calendar: a statutory limit never moves for a closure day.
    due_date = step.calendar.of_kind(timer.calendar).last_day(start, timer.duration)
    if row is None:
        changes.append(
            DeadlineChange(
                DeadlineOp.OPEN, timer.name, None, due_date, timer.label, timer.escalate_to
            )
        )
    elif row.due_date != due_date:
        changes.append(DeadlineChange(DeadlineOp.MOVE, timer.name, row.id, due_date, timer.label))
    return changes


def _plan_stall(d: Definition, row: DeadlineSnapshot | None, step: Step) -> list[DeadlineChange]:
    rule = d.states[step.new_state].stall if step.new_state in d.states else None
    moved = step.old_state is not None and step.old_state != step.new_state
    if row and row.status == DeadlineStatus.PENDING and rule is not None and not moved:
        due = step.calendar.last_day(step.today, rule.after)
        return [DeadlineChange(DeadlineOp.RESTART, STALL, row.id, due)]
    # A new state gets a clock of its own (its label and whom it escalates to); a state
    # without a stall rule, a final one in particular, keeps no clock at all.
    changes: list[DeadlineChange] = []
    if row:
        changes.append(DeadlineChange(DeadlineOp.CANCEL, STALL, row.id))
    if rule is not None:
        due = step.calendar.last_day(step.today, rule.after)
        label = f"Progress in {d.label_of(step.new_state)}"
        changes.append(DeadlineChange(DeadlineOp.OPEN, STALL, None, due, label, rule.escalate_to))
    return changes
