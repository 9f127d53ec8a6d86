"""The pure core: given a definition, a snapshot of a case, an actor, a request and ``now``,
decide the outcome (new state, data, audit events, deadline changes) or raise a typed error.

No I/O, no clock, no config: everything arrives as an argument, so every rule can be tested
with plain values. Steps are resolved and applied through the compiled ``transitions`` machine
of the definition version (``workflow.core.machine``); guards are the registry's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from workflow.core.calendar import WorkingCalendar
from workflow.core.deadlines import DeadlineChange, DeadlineSnapshot, plan_deadlines
from workflow.core.definition import Definition, GuardRef, Transition
from workflow.core.errors import (
    InvalidInput,
    PermissionDenied,
    TransitionBlocked,
    TransitionNotAllowed,
)
from workflow.core.events import EventKind, NewEvent
from workflow.core.guards import REGISTRY, GuardContext
from workflow.core.guards.registry import NO_RECORDS, Records
from workflow.core.machine import compiled
from workflow.core.record_deadlines import plan_record_deadlines
from workflow.core.roles import Actor, a_role

NOT_SAVED = "The change was not saved: fix each problem listed and try again."


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


def _opened_on(
    milestones: Mapping[str, str], d: Definition, calendar: WorkingCalendar
) -> date | None:
    """The day the case opened: when it first entered its initial state (no shipped type
    returns there)."""
    at = milestones.get(f"entered:{d.initial}")
    return calendar.local_date(datetime.fromisoformat(at)) if at else None


def _context(
    d: Definition,
    state: str,
    data: Mapping[str, Any],
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
    records: Records | None,
    milestones: Mapping[str, str] | None = None,
) -> GuardContext:
    today = calendar.local_date(now)
    return GuardContext(
        data,
        state,
        today,
        calendar,
        actor.role,
        records or NO_RECORDS,
        criteria=d.criteria,
        choices=d.choices,
        opened_on=_opened_on(milestones, d, calendar) if milestones is not None else today,
    )


def evaluate(guards: Sequence[GuardRef], ctx: GuardContext) -> list[str]:
    """Every unmet requirement of the guards, each sentence once, in the order found."""
    unmet: list[str] = []
    for g in guards:
        for sentence in REGISTRY.evaluate(g.name, g.params, ctx):
            if sentence not in unmet:
                unmet.append(sentence)
    return unmet


def _deadline_changes(
    d: Definition,
    case: CaseSnapshot,
    new_state: str,
    trigger: str | None,
    data: Mapping[str, Any],
    milestones: Mapping[str, str],
    today: date,
    calendar: WorkingCalendar,
) -> tuple[DeadlineChange, ...]:
    """The timers' and the records' deadline changes a decision brings."""
    changes = plan_deadlines(
        d,
        old_state=case.state,
        new_state=new_state,
        trigger=trigger,
        data=data,
        milestones=milestones,
        current=case.deadlines,
        today=today,
        calendar=calendar,
    )
    changes += plan_record_deadlines(d, new_state, case.records, case.deadlines, today)
    return tuple(changes)


# -- decisions --------------------------------------------------------------------------------


def open_case(
    d: Definition,
    actor: Actor,
    data: Mapping[str, Any],
    now: datetime,
    calendar: WorkingCalendar,
    records: Records | None = None,
    state: str | None = None,
    milestones: Mapping[str, str] | None = None,
) -> Outcome:
    """Decide the opening of a new case of this review type (``records``: any it opens with).

    A case opened by another case's step may start in a later ``state``, with that step's
    ``milestones`` (``trigger:decide_scr``…) carried across, so its timers count from it."""
    start = _start_state(d, state)
    merged = merge_data({}, data)
    ctx = _context(d, start, merged, actor, now, calendar, records)
    unmet = evaluate((*d.data_rules, *d.open_guards), ctx)
    if unmet:
        raise InvalidInput(
            f"The {d.name.lower()} cannot be opened yet: fix each problem listed and try again.",
            unmet,
        )
    milestones = {**(milestones or {}), f"entered:{start}": now.isoformat()}
    changes = plan_deadlines(
        d,
        old_state=None,
        new_state=start,
        trigger=None,
        data=merged,
        milestones=milestones,
        current=(),
        today=ctx.today,
        calendar=calendar,
    )
    changes += plan_record_deadlines(d, start, records, (), ctx.today)
    event = NewEvent(EventKind.CREATED, to_state=start, detail={"data": merged})
    return Outcome(start, merged, milestones, (event,), tuple(changes))


def _start_state(d: Definition, state: str | None) -> str:
    if state is None or state == d.initial:
        return d.initial
    if state not in d.states or d.states[state].final:
        open_states = [k for k, s in d.states.items() if not s.final]
        raise InvalidInput(
            f"A {d.name.lower()} cannot be opened in '{state}': it is not a state a case of "
            f"that type can be open in ({', '.join(open_states)}); ask an administrator to "
            "correct the review type that opens it."
        )
    return state


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
    ctx = _context(d, case.state, merged, actor, now, calendar, case.records, case.milestones)
    unmet = evaluate(d.data_rules, ctx)
    if unmet:
        raise InvalidInput(
            "The change was not saved: fix each problem listed and try again.", unmet
        )
    changed = {k: patch[k] for k in patch if case.data.get(k) != patch[k]}
    milestones = dict(case.milestones)
    changes = _deadline_changes(d, case, case.state, None, merged, milestones, ctx.today, calendar)
    events = (NewEvent(EventKind.DATA_CHANGED, note=note, detail={"changed": changed}),)
    return Outcome(case.state, merged, milestones, events, changes)


def resolve(d: Definition, state: str, trigger: str) -> Transition:
    """The step ``trigger`` takes from ``state``, through the compiled machine, or a
    TransitionNotAllowed that says which steps there are."""
    if trigger not in d.triggers:
        raise TransitionNotAllowed(
            f"'{trigger}' is not a step of the {d.name.lower()}; "
            f"its steps are: {', '.join(d.triggers)}.",
            trigger=trigger,
            state=state,
            available=d.triggers,
        )
    t = compiled(d).resolve(trigger, state)
    if t is None:
        open_now = [x.trigger for x in d.transitions_from(state)]
        raise TransitionNotAllowed(
            f"'{trigger}' cannot be taken from '{d.label_of(state)}'; steps available "
            f"there: {', '.join(open_now) or 'none (the case is closed)'}.",
            trigger=trigger,
            state=state,
            available=open_now,
        )
    return t


def _stamp_dates(t: Transition, data: dict[str, Any], today: date) -> dict[str, Any]:
    for key in t.records_date:
        if data.get(key) in (None, ""):
            data[key] = today.isoformat()
    return data


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    changed = {k: after[k] for k in after if before.get(k) != after[k]}
    changed |= {k: None for k in before if k not in after}  # removed by a null
    return changed


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
    """Decide a step: role, then data rules and guards on the merged data, then the machine
    moves the case to the step's destination."""
    t = resolve(d, case.state, trigger)
    if actor.role not in t.roles:
        raise PermissionDenied(
            f"{a_role(actor.role).capitalize()} may not "
            f"'{trigger}'; it is open to: {', '.join(t.roles)}.",
            role=actor.role,
            allowed=t.roles,
        )
    today = calendar.local_date(now)
    merged = _stamp_dates(t, merge_data(case.data, patch), today)
    ctx = _context(d, case.state, merged, actor, now, calendar, case.records, case.milestones)
    unmet = evaluate((*d.data_rules, *t.guards), ctx)
    if unmet:
        raise TransitionBlocked(
            f"'{trigger}' is blocked until each requirement listed is met.",
            unmet,
            trigger=trigger,
            state=case.state,
        )
    dest = compiled(d).apply(trigger, case.state)
    milestones = dict(case.milestones)
    milestones[f"trigger:{trigger}"] = now.isoformat()
    milestones[f"entered:{dest}"] = now.isoformat()
    changes = _deadline_changes(d, case, dest, trigger, merged, milestones, today, calendar)
    events = []
    changed = _changed(case.data, merged)
    if changed:
        events.append(
            NewEvent(EventKind.DATA_CHANGED, trigger=trigger, detail={"changed": changed})
        )
    events.append(NewEvent(EventKind.TRANSITION, trigger, case.state, dest, note))
    return Outcome(dest, merged, milestones, tuple(events), changes)


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
    ctx = _context(d, case.state, case.data, actor, now, calendar, case.records, case.milestones)
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
    ctx = _context(d, case.state, case.data, actor, now, calendar, case.records, case.milestones)
    unmet = evaluate(d.data_rules, ctx)
    if unmet:
        raise InvalidInput(
            "The change was not saved: fix each problem listed and try again.", unmet
        )
    changes = _deadline_changes(
        d, case, case.state, None, case.data, case.milestones, ctx.today, calendar
    )
    return Outcome(case.state, dict(case.data), dict(case.milestones), tuple(events), changes)
