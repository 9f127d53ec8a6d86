"""Deadlines that follow the review's records rather than a timer of the definition:
``contribution:<id>`` (an agency's contribution is due) and ``action:<id>`` (T8).

A requested contribution is due on its due date and an action that is not done on its own.
Settling the record meets its deadline (late, if it was missed); changing the due date moves
it; removing the record cancels it. A closed case keeps no record deadline open.

While a missed one stays unsettled, a definition may have those told reminded
(``[record_deadlines.<kind>] remind_every``): each reminder is a deadline of its own,
``reminder:<record deadline>``, that the scheduler fires like any other; settling, removing or
closing cancels it. Reminders are not time limits: reports and the case page leave them out,
as they leave out the stall clock. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflow.core.deadlines import (
    OUTSTANDING,
    STALL,
    DeadlineChange,
    DeadlineOp,
    DeadlineSnapshot,
    DeadlineStatus,
)
from workflow.core.definition import Definition
from workflow.core.guards.registry import Records
from workflow.core.values import BadValue, as_date

CONTRIBUTION = "contribution"
ACTION = "action"
RECORD_DEADLINE_KINDS = (CONTRIBUTION, ACTION)
#: The records each kind of record deadline follows.
_RECORDS_OF = {CONTRIBUTION: "contributions", ACTION: "actions"}

#: Who hears of a slipped record deadline by default: the agency's own users (only that
#: agency's; see ``workflow.services.time.escalations``) and the person who chases it. A
#: definition says otherwise in ``[record_deadlines.<kind>] escalate_to``.
CONTRIBUTION_ESCALATE_TO = ("agency", "reviewer")
ACTION_ESCALATE_TO = ("agency", "chair")
CONTRIBUTION_KINDS = {"chronology": "Chronology", "agency_report": "Agency report"}


#: The prefix of a reminder's deadline name: ``reminder:action:7``.
REMINDER_PREFIX = "reminder:"


def reminder_of(name: str) -> str:
    """The name of the reminder deadline of the record deadline ``name``."""
    return f"{REMINDER_PREFIX}{name}"


def reminded(name: str) -> str | None:
    """The record deadline a reminder deadline is about; None when ``name`` is no reminder."""
    rest = name.removeprefix(REMINDER_PREFIX)
    return rest if rest != name and is_record_deadline(rest) else None


def is_time_limit(name: str) -> bool:
    """A deadline that is a time limit: not a stall clock nor a reminder, which only escalate."""
    return name != STALL and not name.startswith(REMINDER_PREFIX)


def record_deadline(kind: str, record_id: Any) -> str:
    """The deadline name of a record: ``contribution:12``, ``action:7``."""
    return f"{kind}:{record_id}"


def is_record_deadline(name: str) -> bool:
    kind, sep, rest = name.partition(":")
    return bool(sep) and kind in RECORD_DEADLINE_KINDS and rest.isdigit()


@dataclass(frozen=True)
class _Wanted:
    due_date: date
    label: str
    escalate_to: tuple[str, ...]


def _day(value: Any) -> date | None:
    try:
        return as_date(value, "record")
    except BadValue:
        return None


def _wanted_and_settled(
    records: Records, told: Mapping[str, tuple[str, ...]]
) -> tuple[dict[str, _Wanted], dict[str, date | None]]:
    """The deadlines the records want open, and the met date of each settled record; ``told``:
    who hears of each kind slipping, as the definition says (else the defaults)."""
    to_contribution = told.get(CONTRIBUTION, CONTRIBUTION_ESCALATE_TO)
    to_action = told.get(ACTION, ACTION_ESCALATE_TO)
    wanted: dict[str, _Wanted] = {}
    settled: dict[str, date | None] = {}
    for c in records.get("contributions", ()):
        name = record_deadline(CONTRIBUTION, c.get("id"))
        due = _day(c.get("due_date"))
        if c.get("status") == "received":
            settled[name] = _day(c.get("received_on"))
        elif c.get("status") == "waived":
            settled[name] = None
        elif due is not None:
            what = CONTRIBUTION_KINDS.get(str(c.get("kind")), "Contribution")
            wanted[name] = _Wanted(due, f"{what} from {c.get('agency')}", to_contribution)
    for a in records.get("actions", ()):
        name = record_deadline(ACTION, a.get("id"))
        due = _day(a.get("due_date"))
        if a.get("status") == "done":
            settled[name] = _day(a.get("completed_on"))
        elif due is not None:
            label = f"Action {a.get('number')} ({a.get('owner_agency')})"
            wanted[name] = _Wanted(due, label, to_action)
    return wanted, settled


def _open(name: str, want: _Wanted) -> DeadlineChange:
    return DeadlineChange(DeadlineOp.OPEN, name, None, want.due_date, want.label, want.escalate_to)


def _follow(
    name: str,
    row: DeadlineSnapshot,
    want: _Wanted | None,
    settled: Mapping[str, date | None],
    today: date,
) -> list[DeadlineChange]:
    """What one current record deadline becomes."""
    if want is None:
        if name in settled and row.status in OUTSTANDING:
            return [DeadlineChange(DeadlineOp.MEET, name, row.id, met_date=settled[name] or today)]
        if row.status == DeadlineStatus.PENDING or name not in settled:
            # Removed, or the case closed: the deadline no longer applies.
            return [DeadlineChange(DeadlineOp.CANCEL, name, row.id)]
        return []
    if row.status == DeadlineStatus.MET:
        # Settled once, open again (e.g. a contribution back to requested): a new run.
        return [DeadlineChange(DeadlineOp.CANCEL, name, row.id), _open(name, want)]
    if row.status == DeadlineStatus.PENDING and row.due_date != want.due_date:
        return [DeadlineChange(DeadlineOp.MOVE, name, row.id, want.due_date, want.label)]
    return []


def plan_record_deadlines(
    d: Definition,
    state: str,
    records: Records | None,
    current: Sequence[DeadlineSnapshot],
    today: date,
) -> list[DeadlineChange]:
    """The record deadlines' changes; records that were not loaded (``None``, or a kind left
    out of them) change nothing of their deadlines."""
    if records is None:
        return []
    loaded = {k for k, key in _RECORDS_OF.items() if key in records}
    wanted, settled = _wanted_and_settled(records, d.record_escalate_to)
    if state in d.final_states:
        wanted = {}
    changes: list[DeadlineChange] = []
    rows = {
        r.name: r
        for r in current
        if r.current and is_record_deadline(r.name) and r.name.partition(":")[0] in loaded
    }
    for name, row in rows.items():
        changes += _follow(name, row, wanted.get(name), settled, today)
    changes += [_open(name, want) for name, want in wanted.items() if name not in rows]
    return changes + _end_reminders(current, loaded, wanted)


def _end_reminders(
    current: Sequence[DeadlineSnapshot], loaded: set[str], wanted: Mapping[str, _Wanted]
) -> list[DeadlineChange]:
    """A pending reminder ends (cancelled) once its record is settled, removed or closed."""
    out = []
    for r in current:
        about = reminded(r.name)
        if (
            about is not None
            and r.current
            and r.status == DeadlineStatus.PENDING
            and about.partition(":")[0] in loaded
            and about not in wanted
        ):
            out.append(DeadlineChange(DeadlineOp.CANCEL, r.name, r.id))
    return out
