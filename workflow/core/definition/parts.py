"""Parts of a definition the parser reads with its helpers: who hears of slipped record
deadlines (``[record_deadlines.<kind>]``) and which calendar a timer counts in. Pure."""

from __future__ import annotations

from typing import Any

from workflow.core.calendar import CalendarKind
from workflow.core.definition.model import Anchor

#: The kinds of record deadline a definition may say who hears of (``[record_deadlines.<kind>]``).
RECORD_DEADLINE_KINDS = ("contribution", "action")
RECORD_DEADLINE_KEYS = ("escalate_to",)


ANCHOR_FORMS = "'data.<key>', 'entered:<state>' or 'trigger:<trigger>'"


def record_deadlines(self: Any, value: Any) -> dict[str, tuple[str, ...]]:
    """``[record_deadlines.<kind>] escalate_to = [roles]``: who hears of a slipped
    contribution or action (``agency``: only that agency's own users)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        self.problem("record_deadlines", "must be tables [record_deadlines.<kind>]")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for kind, table in value.items():
        where = f"record_deadlines.{kind}"
        if kind not in RECORD_DEADLINE_KINDS:
            self.problem(where, f"unknown kind '{kind}'; known: {', '.join(RECORD_DEADLINE_KINDS)}")
            continue
        if not isinstance(table, dict):
            self.problem(where, "must be a table with escalate_to")
            continue
        self.unknown_keys(where, table, RECORD_DEADLINE_KEYS)
        roles = self.roles(f"{where}.escalate_to", table.get("escalate_to"))
        if not roles:
            self.problem(f"{where}.escalate_to", "must name at least one role")
        out[kind] = roles
    return out


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
