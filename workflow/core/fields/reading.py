"""Reading a sent value (JSON) of each field kind: the value, checked and converted, or a
``FieldProblem`` whose text completes ``<field>: <problem>``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from workflow.core.fields.spec import MAX_NAME, FieldProblem, FieldSpec


def text(spec: FieldSpec, value: Any) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldProblem("must be text")
    out: str = value.strip()
    if spec.required and not out:
        raise FieldProblem("must not be empty")
    if spec.max_length and len(out) > spec.max_length:
        raise FieldProblem(f"must be at most {spec.max_length} characters")
    return out


def day(spec: FieldSpec, value: Any) -> date | None:
    if value in (None, ""):
        if spec.required:
            raise FieldProblem("must be a date like 2026-11-30")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FieldProblem(f"must be a date like 2026-11-30; got {value!r}") from None


def yes_or_no(spec: FieldSpec, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldProblem("must be true or false")
    return value


def names(spec: FieldSpec, value: Any) -> list[str]:
    if value is None:
        value = []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise FieldProblem("must be a list of names")
    names = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if any(len(n) > MAX_NAME for n in names):
        raise FieldProblem(f"each name must be at most {MAX_NAME} characters")
    return names


def choice(spec: FieldSpec, value: Any) -> str:
    if value not in spec.values:
        raise FieldProblem(f"must be one of {', '.join(spec.values)}; got {value!r}")
    return str(value)


def whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def number(spec: FieldSpec, value: Any) -> int | None:
    if value is None and not spec.required:
        return None
    if not whole(value) or value < 1:
        raise FieldProblem("must be a whole number from 1")
    return int(value)


def amount(spec: FieldSpec, value: Any) -> float | int | None:
    if value is None and not spec.required:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not value >= 0:
        raise FieldProblem("must be a number, 0 or more")
    return value


def ids(spec: FieldSpec, value: Any) -> list[int]:
    if value is None:
        value = []
    if not isinstance(value, list | tuple) or not all(whole(v) for v in value):
        raise FieldProblem("must be a list of record ids")
    return list(dict.fromkeys(value))


def instant(spec: FieldSpec, value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise FieldProblem(
            f"must be an instant like 2026-11-30T10:00:00+00:00; got {value!r}"
        ) from None
