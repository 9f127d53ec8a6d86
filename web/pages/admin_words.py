"""The migration dry run in words: stages, deadlines and steps by their labels in the two
definition versions, dates as people write them, and nothing shown as ``None``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from web.pages.helpers import format_date
from workflow.core.definition import Definition
from workflow.services.administration.results import CaseMigration, DeadlineMove, Migration

OUTCOMES = {"planned": "Will move", "migrated": "Moved", "skipped": "Not moved"}
OPS = {"open": "Opens", "move": "Moves", "cancel": "No longer needed", "keep": "Kept"}


def _step_label(d: Definition, trigger: str) -> str:
    for t in d.transitions:
        if t.trigger == trigger and t.label:
            return t.label
    return trigger.replace("_", " ").capitalize()


def deadline_label(d: Definition, name: str) -> str:
    """A deadline by its timer's label; one a record opened (``contribution:86``) by its kind."""
    timer = d.timers.get(name)
    if timer is not None:
        return timer.label or name
    kind, _, _ = name.partition(":")
    return {"contribution": "An agency's contribution", "action": "An action"}.get(
        kind, kind.replace("_", " ").capitalize()
    )


def _day(value: date | None) -> str:
    return format_date(value) if value else "no date"


def _deadline(move: DeadlineMove, old: Definition, new: Definition) -> str:
    label = (
        deadline_label(new, move.name)
        if move.name in new.timers
        else deadline_label(old, move.name)
    )
    op = OPS.get(move.op, move.op.capitalize())
    if move.op == "cancel":
        return f"{label}: {op.lower()}"
    if move.from_due_date and move.due_date:
        return f"{label}: due {_day(move.from_due_date)}, then {_day(move.due_date)}"
    return f"{label}: {op.lower()}, due {_day(move.due_date)}"


def _blocked(c: CaseMigration, new: Definition) -> str:
    items = [
        f"{_step_label(new, trigger)}: {'; '.join(why)}"
        for trigger, why in (c.blocked or {}).items()
    ]
    return " | ".join(items) or "No step blocked"


def _stage(c: CaseMigration, old: Definition, new: Definition) -> str:
    before = old.label_of(c.from_state) if c.from_state else "unknown"
    after = new.label_of(c.to_state) if c.to_state else before
    return before if before == after else f"{before} → {after}"


def migration_rows(
    result: Migration, old: Definition, new: Definition
) -> list[list[dict[str, str]]]:
    """The rows of the dry run's (or the applied migration's) table."""
    rows = []
    for c in result.cases:
        deadlines = [_deadline(m, old, new) for m in c.deadlines or ()]
        outcome = OUTCOMES.get(c.outcome, str(c.outcome))
        rows.append(
            [
                {"text": c.reference or f"Case {c.id}"},
                {"text": _stage(c, old, new)},
                {"text": "; ".join(deadlines) or "No change"},
                {"text": _blocked(c, new)},
                {"text": f"{outcome}: {c.reason}" if c.reason else outcome},
            ]
        )
    return rows


def state_choices(d: Definition, keys: Iterable[str]) -> list[tuple[str, str]]:
    """``(key, label)`` for the state map's selects."""
    return [(k, d.label_of(k)) for k in keys]
