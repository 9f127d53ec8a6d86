"""Page widgets and field kinds: what a widget's data records (None: nothing given), and a
recorded value as the widget that asks it wants it."""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.core.fields.spec import FieldSpec


def lines(text: str) -> list[str]:
    """Names one a line, without blanks or repeats (compared ignoring case)."""
    names: dict[str, str] = {}
    for line in text.splitlines():
        name = " ".join(line.split())
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())


def text_data(spec: FieldSpec, data: Any) -> str | None:
    # Browsers send a text area's lines ended CR LF; the product keeps LF, as it shows them.
    return str(data or "").replace("\r\n", "\n").strip() or None


def date_data(spec: FieldSpec, data: Any) -> date | None:
    return data if isinstance(data, date) else None


def names_data(spec: FieldSpec, data: Any) -> list[str]:
    if isinstance(data, list):  # ticked options
        return [str(v) for v in data]
    return lines(str(data or ""))


def whole_data(spec: FieldSpec, data: Any) -> int | str | None:
    text = str(data or "").strip()
    return int(text) if text.isdigit() else (text or None)  # anything else is refused later


def amount_data(spec: FieldSpec, data: Any) -> float | int | None:
    text = str(data or "").strip()
    if not text:
        return None
    number = float(text)  # the widget's validator let only numbers through
    return int(number) if number.is_integer() else number


def as_text(spec: FieldSpec, value: Any) -> str:
    return "" if value is None else str(value)


def as_date(spec: FieldSpec, value: Any) -> date | None:
    if isinstance(value, date) or not value:
        return value or None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def as_yes_no(spec: FieldSpec, value: Any) -> str | None:
    if value is True or str(value).lower() in ("yes", "true"):
        return "yes"
    if value is False or str(value).lower() in ("no", "false"):
        return "no"
    return None


def as_names(spec: FieldSpec, value: Any) -> str | list[str]:
    items = value if isinstance(value, list | tuple) else [value] if value else []
    if spec.options_from:  # ticked among the case's own options
        return [str(v) for v in items]
    return "\n".join(str(v) for v in items)


def as_choice(spec: FieldSpec, value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def ticked(spec: FieldSpec, data: Any) -> bool:
    return bool(data)


def yes_no_data(spec: FieldSpec, data: Any) -> bool | None:
    return True if data == "yes" else False if data == "no" else None


def confirmed(spec: FieldSpec, data: Any) -> bool | None:
    return True if data else None


def lines_data(spec: FieldSpec, data: Any) -> list[str] | None:
    return names_data(spec, data) or None


def ids_data(spec: FieldSpec, data: Any) -> list[int]:
    return [int(v) for v in data or [] if str(v).isdigit()]


def as_ids(spec: FieldSpec, value: Any) -> list[str]:
    return [str(v) for v in value or []]


def as_ticked(spec: FieldSpec, value: Any) -> bool:
    return value is True
