"""Parts of a definition the parser reads with its helpers: who hears of slipped record
deadlines and how often they are reminded (``[record_deadlines.<kind>]``) and which calendar a
timer counts in. Pure."""

from __future__ import annotations

from typing import Any

from workflow.core.calendar import CalendarKind, Duration
from workflow.core.definition.model import Anchor

#: The kinds of record deadline a definition may say who hears of (``[record_deadlines.<kind>]``).
RECORD_DEADLINE_KINDS = ("contribution", "action")
RECORD_DEADLINE_KEYS = ("escalate_to", "remind_every")


ANCHOR_FORMS = "'data.<key>', 'entered:<state>' or 'trigger:<trigger>'"


RecordDeadlines = tuple[dict[str, tuple[str, ...]], dict[str, Duration]]


def record_deadlines(self: Any, value: Any) -> RecordDeadlines:
    """``[record_deadlines.<kind>] escalate_to = [roles]``: who hears of a slipped
    contribution or action (``agency``: only that agency's own users); ``remind_every``
    (optional, a duration): how often they are reminded while it stays overdue."""
    told: dict[str, tuple[str, ...]] = {}
    remind: dict[str, Duration] = {}
    if value is None:
        return told, remind
    if not isinstance(value, dict):
        self.problem("record_deadlines", "must be tables [record_deadlines.<kind>]")
        return told, remind
    for kind, table in value.items():
        where = f"record_deadlines.{kind}"
        if kind not in RECORD_DEADLINE_KINDS:
            self.problem(where, f"unknown kind '{kind}'; known: {', '.join(RECORD_DEADLINE_KINDS)}")
            continue
        if not isinstance(table, dict):
            self.problem(where, "must be a table with escalate_to (and remind_every)")
            continue
        self.unknown_keys(where, table, RECORD_DEADLINE_KEYS)
        roles = self.roles(f"{where}.escalate_to", table.get("escalate_to"))
        if not roles:
            self.problem(f"{where}.escalate_to", "must name at least one role")
        told[kind] = roles
        if "remind_every" in table:
            every = self.duration(f"{where}.remind_every", table["remind_every"])
            if every is not None:
                remind[kind] = every
    return told, remind


def calendar_kind(self: Any, where: str, value: Any) -> CalendarKind:
    if value is None:
        return CalendarKind.BANK_HOLIDAYS
    try:
        return CalendarKind(value)
    except ValueError:
        kinds = ", ".join(repr(k.value) for k in CalendarKind)
        self.problem(where, f"must be one of {kinds}; got {value!r}")
        return CalendarKind.BANK_HOLIDAYS


def anchor(self: Any, where: str, value: Any) -> Anchor | None:
    """A timer's anchor: ``data.<key>``, ``entered:<state>`` or ``trigger:<step>``."""
    if isinstance(value, str):
        if value.startswith("data.") and len(value) > 5:
            return Anchor("data", value[5:])
        kind, _, name = value.partition(":")
        if kind in ("entered", "trigger") and name:
            return Anchor(kind, name)
    self.problem(where, f"must be {ANCHOR_FORMS}; got {value!r}")
    return None
