"""A value of each field kind in words, for pages ('' when not recorded)."""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.core.fields.spec import FieldSpec


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def format_date(value: date | str | None) -> str:
    """``30 November 2026``; a string is read as an ISO date, and shown as is if it is not one."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def words(spec: FieldSpec, value: Any) -> str:
    if is_empty(value):
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def date_words(spec: FieldSpec, value: Any) -> str:
    return format_date(value) if isinstance(value, date | str) else words(spec, value)


def yes_no_words(spec: FieldSpec, value: Any) -> str:
    return "Yes" if value is True else "No" if value is False else words(spec, value)


def confirm_words(spec: FieldSpec, value: Any) -> str:
    return "Yes" if value is True else words(spec, value)


def choice_words(spec: FieldSpec, value: Any) -> str:
    return dict(spec.choices).get(str(value), str(value)) if not is_empty(value) else ""


def names_or_none_words(spec: FieldSpec, value: Any) -> str:
    return "None" if value == [] else words(spec, value)
