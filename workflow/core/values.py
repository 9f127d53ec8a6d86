"""Reading typed values (dates, lists) out of a case's free-form ``data``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from workflow.core.calendar import LONDON


class BadValue(ValueError):
    """A value in ``data`` has the wrong shape; the message says how to write it."""


def lookup(data: Mapping[str, Any], path: str) -> Any:
    """``data['a']['b']`` for the path ``a.b``; None when any part is missing."""
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def is_blank(value: Any) -> bool:
    """Nothing recorded: None, an empty or whitespace-only string, an empty list or table."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | dict) and not value)


def as_date(value: Any, path: str) -> date | None:
    """A calendar date from an ISO date or an aware ISO instant (judged in Europe/London)."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            instant = datetime.fromisoformat(value)
        except ValueError:
            instant = None
        if instant is not None:
            if instant.tzinfo is None:
                return instant.date()
            return instant.astimezone(LONDON).date()
    raise BadValue(f"data.{path} must be a date written like 2026-11-30; got {value!r}")


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
