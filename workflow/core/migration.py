"""Moving open cases from one version of a review type to another (pure planning).

An administrator maps each old state to a new one. For every case the plan shows its new state,
the steps it would now be blocked on and why, and every deadline recomputed under the new timers
(opened, moved, cancelled). The same function plans the dry run and the applied migration, so
the two agree exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from workflow.core.calendar import WorkingCalendar
from workflow.core.deadlines import (
    STALL,
    DeadlineChange,
    DeadlineOp,
    DeadlineSnapshot,
    DeadlineStatus,
    plan_deadlines,
)
from workflow.core.definition import Definition
from workflow.core.engine import CaseSnapshot, Outcome, options
from workflow.core.errors import InvalidInput
from workflow.core.events import NewEvent
from workflow.core.record_deadlines import is_record_deadline
from workflow.core.roles import Actor

MIGRATED = "migrated"
PENDING = DeadlineStatus.PENDING


@dataclass(frozen=True)
class CasePlan:
    """What migrating one case would do."""

    to_state: str
    blocked: dict[str, list[str]]  # trigger -> unmet requirements under the new version
    deadline_changes: tuple[DeadlineChange, ...]
    outcome: Outcome


def check_state_map(
    old: Definition, new: Definition, state_map: Mapping[str, str], states_in_use: set[str]
) -> None:
    """Every state an open case is in must map to a state of the new version."""
    problems = []
    for state in sorted(states_in_use):
        target = state_map.get(state, state if state in new.states else None)
        if target is None:
            problems.append(
                f"Open cases are in '{state}', which version {new.key} lacks: map it to one of "
                f"{', '.join(new.states)} (state_map.{state})."
            )
        elif target not in new.states:
            problems.append(f"state_map.{state}: '{target}' is not a state of the new version.")
    for state in state_map:
        if state not in old.states:
            problems.append(f"state_map.{state}: '{state}' is not a state of the old version.")
    if problems:
        raise InvalidInput("The migration plan does not fit the two versions.", problems)


def plan_case(
    old: Definition,
    new: Definition,
    case: CaseSnapshot,
    state_map: Mapping[str, str],
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
    from_version: int,
    to_version: int,
) -> CasePlan:
    to_state = state_map.get(case.state, case.state)
    milestones = _milestones(case, to_state)
    gone, kept = _timers_gone(case, new)
    changes = _deadline_changes(new, case, to_state, milestones, gone, kept, now, calendar)
    moved = replace(case, state=to_state, milestones=milestones, deadlines=tuple(kept))
    blocked = {
        o.trigger: list(o.blocked_by)
        for o in options(new, moved, actor, now, calendar, any_role=True)
        if not o.allowed
    }
    event = NewEvent(
        MIGRATED,
        from_state=case.state,
        to_state=to_state,
        detail={
            "from_version": from_version,
            "to_version": to_version,
            "state_map": dict(state_map),
            "blocked": blocked,
        },
    )
    outcome = Outcome(to_state, dict(case.data), milestones, (event,), changes)
    return CasePlan(to_state, blocked, changes, outcome)


def _milestones(case: CaseSnapshot, to_state: str) -> dict[str, str]:
    milestones = dict(case.milestones)
    if to_state != case.state and f"entered:{case.state}" in milestones:
        # The case has been at this stage since it entered the old one.
        milestones.setdefault(f"entered:{to_state}", milestones[f"entered:{case.state}"])
    return milestones


def _timers_gone(
    case: CaseSnapshot, new: Definition
) -> tuple[list[DeadlineSnapshot], list[DeadlineSnapshot]]:
    """The case's deadlines whose timer the new version lacks, and the rest."""
    gone = [
        d
        for d in case.deadlines
        if d.current
        and d.name != STALL
        and not is_record_deadline(d.name)  # a record's deadline follows the record
        and d.name not in new.timers
    ]
    return gone, [d for d in case.deadlines if d not in gone]


def _deadline_changes(
    new: Definition,
    case: CaseSnapshot,
    to_state: str,
    milestones: Mapping[str, str],
    gone: list[DeadlineSnapshot],
    kept: list[DeadlineSnapshot],
    now: datetime,
    calendar: WorkingCalendar,
) -> tuple[DeadlineChange, ...]:
    """The gone timers cancelled (the pending ones first: the trail lists what stopped running
    before what had ended), then every deadline planned again under the new timers."""
    ordered = sorted(gone, key=lambda d: d.status != PENDING)
    changes = [DeadlineChange(DeadlineOp.CANCEL, d.name, d.id) for d in ordered]
    changes += plan_deadlines(
        new,
        old_state=case.state,
        new_state=to_state,
        trigger=None,
        data=case.data,
        milestones=milestones,
        current=kept,
        today=calendar.local_date(now),
        calendar=calendar,
    )
    return tuple(changes)
