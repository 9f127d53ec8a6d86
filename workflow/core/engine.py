"""The pure core: given a definition, a snapshot of a case, an actor, a request and ``now``,
decide the outcome (new state, data, audit events, deadline changes) or raise a typed error.

No I/O, no clock, no config: everything arrives as an argument, so every rule can be tested
with plain values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from workflow.core.calendar import WorkingCalendar
from workflow.core.definition import Definition, GuardRef, Timer, Transition
from workflow.core.errors import (
    InvalidInput,
    PermissionDenied,
    TransitionBlocked,
    TransitionNotAllowed,
)
from workflow.core.guards import REGISTRY, GuardContext
from workflow.core.guards.registry import NO_RECORDS, Records
from workflow.core.roles import Role
from workflow.core.values import BadValue, as_date, lookup

STALL = "stall"  # the deadline name used for a state's stall rule
#: Deadlines that belong to a record rather than to a timer of the definition:
#: ``contribution:<id>`` (an agency's contribution is due) and ``action:<id>`` (T8).
CONTRIBUTION = "contribution"
ACTION = "action"
RECORD_DEADLINE_KINDS = (CONTRIBUTION, ACTION)


class EventKind:
    CREATED = "created"
    TRANSITION = "transition"
    DATA_CHANGED = "data_changed"
    DEADLINE_OPENED = "deadline_opened"
    DEADLINE_MOVED = "deadline_moved"
    DEADLINE_MET = "deadline_met"
    DEADLINE_CANCELLED = "deadline_cancelled"
    DEADLINE_MISSED = "deadline_missed"
    ESCALATED = "escalated"
    RECORD_ADDED = "record_added"
    RECORD_CHANGED = "record_changed"
    RECORD_REMOVED = "record_removed"
    CASE_OPENED = "case_opened"  # a step opened a linked case (a conversion)


class DeadlineStatus:
    PENDING = "pending"
    MET = "met"
    MISSED = "missed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    agencies: tuple[str, ...] = ()


SYSTEM_ACTOR = Actor("scheduler", Role.SYSTEM.value)


@dataclass(frozen=True)
class DeadlineSnapshot:
    """A deadline row as the engine sees it; only ``current`` rows take part in decisions."""

    id: int
    name: str
    status: str
    due_date: date
    current: bool = True


@dataclass(frozen=True)
class CaseSnapshot:
    """A case as the engine sees it. ``records`` are the review's records (lead appointments,
    practitioners, family members, contributions, findings, actions…), each kind a tuple of
    read-only mappings, as the store loaded them; ``None`` when they were not loaded (guards
    then see none, and record deadlines are left as they are)."""

    state: str
    data: Mapping[str, Any]
    milestones: Mapping[str, str] = field(default_factory=dict)
    deadlines: Sequence[DeadlineSnapshot] = ()
    records: Records | None = None


@dataclass(frozen=True)
class NewEvent:
    kind: str
    trigger: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    note: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeadlineChange:
    """``op`` is open, move, restart (a stall clock), meet or cancel; ``deadline_id`` names the
    row for all but open."""

    op: str
    name: str
    deadline_id: int | None = None
    due_date: date | None = None
    label: str = ""
    escalate_to: tuple[str, ...] = ()
    met_date: date | None = None


@dataclass(frozen=True)
class Outcome:
    state: str
    data: dict[str, Any]
    milestones: dict[str, str]
    events: tuple[NewEvent, ...]
    deadline_changes: tuple[DeadlineChange, ...] = ()


@dataclass(frozen=True)
class TransitionOption:
    """One trigger available from the current state to the caller, and why it is blocked."""

    trigger: str
    dest: str
    label: str
    allowed: bool
    blocked_by: tuple[str, ...]


# -- data -------------------------------------------------------------------------------------


def merge_data(data: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Merge key by key: a key in the patch replaces the stored one; ``null`` removes it."""
    merged = dict(data)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _context(
    d: Definition,
    state: str,
    data: Mapping[str, Any],
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
    records: Records = NO_RECORDS,
) -> GuardContext:
    return GuardContext(data, state, calendar.local_date(now), calendar, actor.role, records)


def evaluate(guards: Sequence[GuardRef], ctx: GuardContext) -> list[str]:
    unmet: list[str] = []
    for g in guards:
        for sentence in REGISTRY.evaluate(g.name, g.params, ctx):
            if sentence not in unmet:
                unmet.append(sentence)
    return unmet


# -- deadlines --------------------------------------------------------------------------------


def anchor_date(
    timer: Timer, data: Mapping[str, Any], milestones: Mapping[str, str], calendar: WorkingCalendar
) -> date | None:
    if timer.anchor.kind == "data":
        try:
            return as_date(lookup(data, timer.anchor.name), timer.anchor.name)
        except BadValue:
            return None
    stamp = milestones.get(str(timer.anchor))
    return calendar.local_date(datetime.fromisoformat(stamp)) if stamp else None


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
    changes: list[DeadlineChange] = []
    by_name = {s.name: s for s in current if s.current}
    for name, timer in d.timers.items():
        row = by_name.get(name)
        inside = new_state in timer.runs_in
        entered = old_state is None or (old_state not in timer.runs_in and inside)
        if row and trigger and trigger in timer.met_by and row.status in ("pending", "missed"):
            met_date = None
            if timer.met_on:
                try:
                    met_date = as_date(lookup(data, timer.met_on), timer.met_on)
                except BadValue:
                    met_date = None
            changes.append(DeadlineChange("meet", name, row.id, met_date=met_date or today))
            row = replace(row, status="met")
        if row and (not inside or entered):
            # Leaving the states a timer runs in closes this run; re-entering starts a new one.
            changes.append(DeadlineChange("cancel", name, row.id))
            row = None
        if not inside or (row and row.status != "pending"):
            continue
        start = anchor_date(timer, data, milestones, calendar)
        if start is None:
            if row:
                changes.append(DeadlineChange("cancel", name, row.id))
            continue
        due_date = calendar.last_day(start, timer.duration)
        if row is None:
            changes.append(
                DeadlineChange("open", name, None, due_date, timer.label, timer.escalate_to)
            )
        elif row.due_date != due_date:
            changes.append(DeadlineChange("move", name, row.id, due_date, timer.label))
    stall_row = by_name.get(STALL)
    rule = d.states[new_state].stall if new_state in d.states else None
    moved = old_state is not None and old_state != new_state
    if stall_row and stall_row.status == "pending" and rule is not None and not moved:
        due = calendar.last_day(today, rule.after)
        changes.append(DeadlineChange("restart", STALL, stall_row.id, due))
        return changes
    # A new state gets a clock of its own (its label and whom it escalates to); a state
    # without a stall rule, a final one in particular, keeps no clock at all.
    if stall_row:
        changes.append(DeadlineChange("cancel", STALL, stall_row.id))
    if rule is not None:
        due = calendar.last_day(today, rule.after)
        label = f"Progress in {d.label_of(new_state)}"
        changes.append(DeadlineChange("open", STALL, None, due, label, rule.escalate_to))
    return changes


# -- record deadlines -------------------------------------------------------------------------


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


#: Who hears of a slipped record deadline: the agency's own users (only that agency's; see
#: ``workflow.escalations``) and the person who chases it.
CONTRIBUTION_ESCALATE_TO = ("agency", "reviewer")
ACTION_ESCALATE_TO = ("agency", "chair")
CONTRIBUTION_KINDS = {"chronology": "Chronology", "agency_report": "Agency report"}


def _day(value: Any) -> date | None:
    try:
        return as_date(value, "record")
    except BadValue:
        return None


def _record_deadlines(records: Records) -> tuple[dict[str, _Wanted], dict[str, date | None]]:
    """The deadlines the records want open, and the met date of each settled record."""
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
            wanted[name] = _Wanted(due, f"{what} from {c.get('agency')}", CONTRIBUTION_ESCALATE_TO)
    for a in records.get("actions", ()):
        name = record_deadline(ACTION, a.get("id"))
        due = _day(a.get("due_date"))
        if a.get("status") == "done":
            settled[name] = _day(a.get("completed_on"))
        elif due is not None:
            label = f"Action {a.get('number')} ({a.get('owner_agency')})"
            wanted[name] = _Wanted(due, label, ACTION_ESCALATE_TO)
    return wanted, settled


def plan_record_deadlines(
    d: Definition,
    state: str,
    records: Records | None,
    current: Sequence[DeadlineSnapshot],
    today: date,
) -> list[DeadlineChange]:
    """Deadlines that follow the records: a requested contribution is due on its due date and an
    action that is not done on its own (T8). Settling the record meets its deadline (late, if it
    was missed); changing the due date moves it; removing the record cancels it. A closed case
    keeps no record deadline open. Records that were not loaded (``None``) change nothing."""
    if records is None:
        return []
    wanted, settled = _record_deadlines(records)
    if state in d.final_states:
        wanted = {}
    changes: list[DeadlineChange] = []
    rows = {r.name: r for r in current if r.current and is_record_deadline(r.name)}
    for name, row in rows.items():
        want = wanted.get(name)
        if want is None:
            if name in settled and row.status in (DeadlineStatus.PENDING, DeadlineStatus.MISSED):
                met = settled[name] or today
                changes.append(DeadlineChange("meet", name, row.id, met_date=met))
            elif row.status == DeadlineStatus.PENDING or name not in settled:
                # Removed, or the case closed: the deadline no longer applies.
                changes.append(DeadlineChange("cancel", name, row.id))
            continue
        if row.status == DeadlineStatus.MET:
            # Settled once, open again (e.g. a contribution back to requested): a new run.
            changes.append(DeadlineChange("cancel", name, row.id))
            changes.append(
                DeadlineChange("open", name, None, want.due_date, want.label, want.escalate_to)
            )
        elif row.status == DeadlineStatus.PENDING and row.due_date != want.due_date:
            changes.append(DeadlineChange("move", name, row.id, want.due_date, want.label))
    for name, want in wanted.items():
        if name not in rows:
            changes.append(
                DeadlineChange("open", name, None, want.due_date, want.label, want.escalate_to)
            )
    return changes


# -- decisions --------------------------------------------------------------------------------


def open_case(
    d: Definition,
    actor: Actor,
    data: Mapping[str, Any],
    now: datetime,
    calendar: WorkingCalendar,
    records: Records | None = None,
) -> Outcome:
    """Decide the opening of a new case of this review type (``records``: any it opens with)."""
    merged = merge_data({}, data)
    ctx = _context(d, d.initial, merged, actor, now, calendar, records or NO_RECORDS)
    unmet = evaluate((*d.data_rules, *d.open_guards), ctx)
    if unmet:
        raise InvalidInput(
            f"The {d.name.lower()} cannot be opened yet: fix each problem listed and try again.",
            unmet,
        )
    milestones = {f"entered:{d.initial}": now.isoformat()}
    changes = plan_deadlines(
        d,
        old_state=None,
        new_state=d.initial,
        trigger=None,
        data=merged,
        milestones=milestones,
        current=(),
        today=ctx.today,
        calendar=calendar,
    )
    changes += plan_record_deadlines(d, d.initial, records, (), ctx.today)
    event = NewEvent(EventKind.CREATED, to_state=d.initial, detail={"data": merged})
    return Outcome(d.initial, merged, milestones, (event,), tuple(changes))


def change_data(
    d: Definition,
    case: CaseSnapshot,
    actor: Actor,
    patch: Mapping[str, Any],
    now: datetime,
    calendar: WorkingCalendar,
    note: str = "",
) -> Outcome:
    """Decide a change to the case's data (merged key by key); deadlines follow their anchors."""
    merged = merge_data(case.data, patch)
    ctx = _context(d, case.state, merged, actor, now, calendar, case.records or NO_RECORDS)
    unmet = evaluate(d.data_rules, ctx)
    if unmet:
        raise InvalidInput(
            "The change was not saved: fix each problem listed and try again.", unmet
        )
    changed = {k: patch[k] for k in patch if case.data.get(k) != patch[k]}
    milestones = dict(case.milestones)
    changes = plan_deadlines(
        d,
        old_state=case.state,
        new_state=case.state,
        trigger=None,
        data=merged,
        milestones=milestones,
        current=case.deadlines,
        today=ctx.today,
        calendar=calendar,
    )
    changes += plan_record_deadlines(d, case.state, case.records, case.deadlines, ctx.today)
    events = (NewEvent(EventKind.DATA_CHANGED, note=note, detail={"changed": changed}),)
    return Outcome(case.state, merged, milestones, events, tuple(changes))


def _transition(d: Definition, case: CaseSnapshot, trigger: str) -> Transition:
    if trigger not in d.triggers:
        raise TransitionNotAllowed(
            f"'{trigger}' is not a step of the {d.name.lower()}; "
            f"its steps are: {', '.join(d.triggers)}."
        )
    t = d.find(trigger, case.state)
    if t is None:
        open_now = [x.trigger for x in d.transitions_from(case.state)]
        raise TransitionNotAllowed(
            f"'{trigger}' cannot be taken from '{d.label_of(case.state)}'; steps available "
            f"there: {', '.join(open_now) or 'none (the case is closed)'}."
        )
    return t


def _stamp_dates(t: Transition, data: dict[str, Any], today: date) -> dict[str, Any]:
    for key in t.records_date:
        if data.get(key) in (None, ""):
            data[key] = today.isoformat()
    return data


def fire(
    d: Definition,
    case: CaseSnapshot,
    actor: Actor,
    trigger: str,
    patch: Mapping[str, Any],
    note: str,
    now: datetime,
    calendar: WorkingCalendar,
) -> Outcome:
    """Decide a step: role, then data rules and guards on the merged data, then the new state."""
    t = _transition(d, case, trigger)
    if actor.role not in t.roles:
        raise PermissionDenied(
            f"A {actor.role} may not '{trigger}'; it is open to: {', '.join(t.roles)}."
        )
    today = calendar.local_date(now)
    merged = _stamp_dates(t, merge_data(case.data, patch), today)
    ctx = _context(d, case.state, merged, actor, now, calendar, case.records or NO_RECORDS)
    unmet = evaluate((*d.data_rules, *t.guards), ctx)
    if unmet:
        raise TransitionBlocked(
            f"'{trigger}' is blocked until each requirement listed is met.", unmet
        )
    milestones = dict(case.milestones)
    milestones[f"trigger:{trigger}"] = now.isoformat()
    milestones[f"entered:{t.dest}"] = now.isoformat()
    changes = plan_deadlines(
        d,
        old_state=case.state,
        new_state=t.dest,
        trigger=trigger,
        data=merged,
        milestones=milestones,
        current=case.deadlines,
        today=today,
        calendar=calendar,
    )
    changes += plan_record_deadlines(d, t.dest, case.records, case.deadlines, today)
    changed = {k: merged[k] for k in merged if case.data.get(k) != merged[k]}
    changed |= {k: None for k in case.data if k not in merged}  # removed by a null
    events = []
    if changed:
        events.append(
            NewEvent(EventKind.DATA_CHANGED, trigger=trigger, detail={"changed": changed})
        )
    events.append(NewEvent(EventKind.TRANSITION, trigger, case.state, t.dest, note))
    return Outcome(t.dest, merged, milestones, tuple(events), tuple(changes))


def options(
    d: Definition,
    case: CaseSnapshot,
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
    any_role: bool = False,
) -> list[TransitionOption]:
    """The steps from the current state open to the actor's role (to anyone with ``any_role``),
    with what blocks each."""
    ctx = _context(d, case.state, case.data, actor, now, calendar, case.records or NO_RECORDS)
    out = []
    for t in d.transitions_from(case.state):
        if not any_role and actor.role not in t.roles:
            continue
        data = _stamp_dates(t, dict(case.data), ctx.today)
        unmet = evaluate((*d.data_rules, *t.guards), replace(ctx, data=data))
        out.append(TransitionOption(t.trigger, t.dest, t.label, not unmet, tuple(unmet)))
    return out


def change_records(
    d: Definition,
    case: CaseSnapshot,
    actor: Actor,
    events: Sequence[NewEvent],
    now: datetime,
    calendar: WorkingCalendar,
) -> Outcome:
    """Decide a change to the review's records. ``case.records`` are the records as they would
    be after the change: the data rules must still hold with them (the independence of the lead
    reviewer, for one), and the record deadlines follow them. A change is progress: it restarts
    the state's stall clock."""
    if case.state in d.final_states:
        raise InvalidInput(
            f"The case is closed ({d.label_of(case.state)}); its records can no longer change."
        )
    ctx = _context(d, case.state, case.data, actor, now, calendar, case.records or NO_RECORDS)
    unmet = evaluate(d.data_rules, ctx)
    if unmet:
        raise InvalidInput(
            "The change was not saved: fix each problem listed and try again.", unmet
        )
    changes = plan_deadlines(
        d,
        old_state=case.state,
        new_state=case.state,
        trigger=None,
        data=case.data,
        milestones=case.milestones,
        current=case.deadlines,
        today=ctx.today,
        calendar=calendar,
    )
    changes += plan_record_deadlines(d, case.state, case.records, case.deadlines, ctx.today)
    return Outcome(
        case.state, dict(case.data), dict(case.milestones), tuple(events), tuple(changes)
    )
