"""The one table of field kinds: for each kind of value a person records (a line of text, a
date, yes or no, a list of names, a choice, a number, record ids…) how it is read from JSON and
from a page form, how it is checked, how it is shown, which page widget asks it, and its type
and JSON schema for the API (pure: no I/O, no web, no pydantic).

Everything that handles a field goes through this table: the record kinds' API models are built
from ``annotation`` and ``json_schema`` (``workflow.services.records.schemas``), commands parse
values with ``from_json``, the pages build widgets from ``widget_of`` and read them back with
``from_form``/``to_form``, summaries use ``shown``. A problem is a ``FieldProblem`` whose text
completes the sentence ``<field>: <problem>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class FieldKind(StrEnum):
    TEXT = "text"  # one line, trimmed
    LONG_TEXT = "long_text"  # paragraphs, trimmed
    DATE = "date"
    BOOL = "bool"  # true or false, asked as one checkbox
    YES_NO = "yes_no"  # true or false, asked as yes/no radios (None: not answered)
    CONFIRM = "confirm"  # true when ticked; not recorded when not
    NAMES = "names"  # a list of names, one a line (or ticked, when offered as options)
    LINES = "lines"  # a list of names, not recorded when empty
    LINES_OR_NONE = "lines_or_none"  # a list of names, kept empty when none ("an empty list")
    CHOICE = "choice"  # one of the field's choices
    NUMBER = "number"  # a whole number from 1
    AMOUNT = "amount"  # a number, 0 or more (0.5 for six months)
    URL = "url"  # a web address
    IDS = "ids"  # a list of record ids
    INSTANT = "instant"  # a moment (shown by the product, never typed by a person)


class Widget(StrEnum):
    """The GOV.UK page widget that asks a field."""

    TEXT_INPUT = "text_input"
    TEXT_AREA = "text_area"
    DATE_INPUT = "date_input"
    CHECKBOX = "checkbox"
    RADIOS = "radios"
    CHECKBOXES = "checkboxes"
    SELECT = "select"


MAX_NAME = 200  # each name of a list of names


@dataclass(frozen=True)
class FieldSpec:
    """A field: its name, kind and limits. ``choices`` are (value, label) pairs;
    ``options_from`` names where its options come from when they are the case's own (themes,
    contributions, findings): it is then asked by ticking or choosing them."""

    name: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    doc: str = ""
    options_from: str = ""

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.choices)

    @property
    def rules(self) -> KindRules:
        return FIELD_KINDS[self.kind]


class FieldProblem(ValueError):
    """A value that does not fit its field: the text completes ``<field>: <problem>``."""


@dataclass(frozen=True)
class KindRules:
    """One row of the table."""

    annotation: Any  # the Python type of a value of this kind
    schema: Callable[[FieldSpec], dict[str, Any]]  # its JSON schema (OpenAPI)
    widget: Widget
    from_json: Callable[[FieldSpec, Any], Any]  # a sent value, checked: the value or a problem
    from_form: Callable[[FieldSpec, Any], Any]  # a widget's data: the value (None: not given)
    to_form: Callable[[FieldSpec, Any], Any]  # a value as its widget wants it
    to_json: Callable[[Any], Any]  # a value as JSON has it
    shown: Callable[[FieldSpec, Any], str]  # a value in words ("" when not recorded)


# -- reading JSON -----------------------------------------------------------------------------


def _text(spec: FieldSpec, value: Any) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldProblem("must be text")
    value = value.strip()
    if spec.required and not value:
        raise FieldProblem("must not be empty")
    if spec.max_length and len(value) > spec.max_length:
        raise FieldProblem(f"must be at most {spec.max_length} characters")
    return value


def _date(spec: FieldSpec, value: Any) -> date | None:
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


def _bool(spec: FieldSpec, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldProblem("must be true or false")
    return value


def _names(spec: FieldSpec, value: Any) -> list[str]:
    if value is None:
        value = []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise FieldProblem("must be a list of names")
    names = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if any(len(n) > MAX_NAME for n in names):
        raise FieldProblem(f"each name must be at most {MAX_NAME} characters")
    return names


def _choice(spec: FieldSpec, value: Any) -> str:
    if value not in spec.values:
        raise FieldProblem(f"must be one of {', '.join(spec.values)}; got {value!r}")
    return str(value)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(spec: FieldSpec, value: Any) -> int | None:
    if value is None and not spec.required:
        return None
    if not _whole(value) or value < 1:
        raise FieldProblem("must be a whole number from 1")
    return int(value)


def _amount(spec: FieldSpec, value: Any) -> float | int | None:
    if value is None and not spec.required:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not value >= 0:
        raise FieldProblem("must be a number, 0 or more")
    return value


def _ids(spec: FieldSpec, value: Any) -> list[int]:
    if value is None:
        value = []
    if not isinstance(value, list | tuple) or not all(_whole(v) for v in value):
        raise FieldProblem("must be a list of record ids")
    return list(dict.fromkeys(value))


def _instant(spec: FieldSpec, value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise FieldProblem(f"must be an instant like 2026-11-30T10:00:00+00:00; got {value!r}")


# -- reading and filling page widgets ---------------------------------------------------------


def lines(text: str) -> list[str]:
    """Names one a line, without blanks or repeats (compared ignoring case)."""
    names: dict[str, str] = {}
    for line in text.splitlines():
        name = " ".join(line.split())
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())


def _form_text(spec: FieldSpec, data: Any) -> str | None:
    return str(data or "").strip() or None


def _form_date(spec: FieldSpec, data: Any) -> date | None:
    return data if isinstance(data, date) else None


def _form_names(spec: FieldSpec, data: Any) -> list[str]:
    if isinstance(data, list):  # ticked options
        return [str(v) for v in data]
    return lines(str(data or ""))


def _form_whole(spec: FieldSpec, data: Any) -> int | str | None:
    text = str(data or "").strip()
    return int(text) if text.isdigit() else (text or None)  # anything else is refused later


def _form_amount(spec: FieldSpec, data: Any) -> float | int | None:
    text = str(data or "").strip()
    if not text:
        return None
    number = float(text)  # the widget's validator let only numbers through
    return int(number) if number.is_integer() else number


def _to_text(spec: FieldSpec, value: Any) -> str:
    return "" if value is None else str(value)


def _to_date(spec: FieldSpec, value: Any) -> date | None:
    if isinstance(value, date) or not value:
        return value or None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _to_yes_no(spec: FieldSpec, value: Any) -> str | None:
    if value is True or str(value).lower() in ("yes", "true"):
        return "yes"
    if value is False or str(value).lower() in ("no", "false"):
        return "no"
    return None


def _to_names(spec: FieldSpec, value: Any) -> str | list[str]:
    items = value if isinstance(value, list | tuple) else [value] if value else []
    if widget_of(spec) is Widget.CHECKBOXES:
        return [str(v) for v in items]
    return "\n".join(str(v) for v in items)


def _to_choice(spec: FieldSpec, value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


# -- showing ----------------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def format_date(value: date | str | None) -> str:
    """``30 November 2026``; a string is read as an ISO date, and shown as is if it is not one."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}"


def _shown(spec: FieldSpec, value: Any) -> str:
    if _empty(value):
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _shown_date(spec: FieldSpec, value: Any) -> str:
    return format_date(value) if isinstance(value, date | str) else _shown(spec, value)


def _shown_yes_no(spec: FieldSpec, value: Any) -> str:
    return "Yes" if value is True else "No" if value is False else _shown(spec, value)


def _shown_confirm(spec: FieldSpec, value: Any) -> str:
    return "Yes" if value is True else _shown(spec, value)


def _shown_choice(spec: FieldSpec, value: Any) -> str:
    return dict(spec.choices).get(str(value), str(value)) if not _empty(value) else ""


def _shown_or_none(spec: FieldSpec, value: Any) -> str:
    return "None" if value == [] else _shown(spec, value)


# -- JSON -------------------------------------------------------------------------------------


def _same(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _schema(kind: dict[str, Any]) -> Callable[[FieldSpec], dict[str, Any]]:
    def schema(spec: FieldSpec) -> dict[str, Any]:
        out = dict(kind)
        if spec.max_length and out.get("type") == "string":
            out["maxLength"] = spec.max_length
        if spec.choices:
            out["enum"] = list(spec.values)
        if spec.doc:
            out["description"] = spec.doc
        if not spec.required and kind.get("type") in ("string", "integer", "number"):
            out["nullable"] = True
        return out

    return schema


STRING = {"type": "string"}
NAMES_SCHEMA = {"type": "array", "items": {"type": "string"}}


def _rules(
    annotation: Any,
    schema: dict[str, Any],
    widget: Widget,
    from_json: Callable[[FieldSpec, Any], Any],
    from_form: Callable[[FieldSpec, Any], Any] = _form_text,
    to_form: Callable[[FieldSpec, Any], Any] = _to_text,
    shown: Callable[[FieldSpec, Any], str] = _shown,
    to_json: Callable[[Any], Any] = _same,
) -> KindRules:
    return KindRules(
        annotation, _schema(schema), widget, from_json, from_form, to_form, to_json, shown
    )


def _bool_form(spec: FieldSpec, data: Any) -> bool:
    return bool(data)


def _yes_no_form(spec: FieldSpec, data: Any) -> bool | None:
    return True if data == "yes" else False if data == "no" else None


def _confirm_form(spec: FieldSpec, data: Any) -> bool | None:
    return True if data else None


def _lines_form(spec: FieldSpec, data: Any) -> list[str] | None:
    return _form_names(spec, data) or None


def _ids_form(spec: FieldSpec, data: Any) -> list[int]:
    return [int(v) for v in data or [] if str(v).isdigit()]


def _ids_to_form(spec: FieldSpec, value: Any) -> list[str]:
    return [str(v) for v in value or []]


def _is_true(spec: FieldSpec, value: Any) -> bool:
    return value is True


K = FieldKind
DATE_SCHEMA = {"type": "string", "format": "date"}
#: The table: every field kind, and what each says.
FIELD_KINDS: Mapping[FieldKind, KindRules] = {
    K.TEXT: _rules(str, STRING, Widget.TEXT_INPUT, _text),
    K.LONG_TEXT: _rules(str, STRING, Widget.TEXT_AREA, _text),
    K.DATE: _rules(
        date, DATE_SCHEMA, Widget.DATE_INPUT, _date, _form_date, _to_date, _shown_date, _iso
    ),
    K.BOOL: _rules(
        bool, {"type": "boolean"}, Widget.CHECKBOX, _bool, _bool_form, _is_true, _shown_yes_no
    ),
    K.YES_NO: _rules(
        bool, {"type": "boolean"}, Widget.RADIOS, _bool, _yes_no_form, _to_yes_no, _shown_yes_no
    ),
    K.CONFIRM: _rules(
        bool, {"type": "boolean"}, Widget.CHECKBOX, _bool, _confirm_form, _is_true, _shown_confirm
    ),
    K.NAMES: _rules(list[str], NAMES_SCHEMA, Widget.TEXT_AREA, _names, _form_names, _to_names),
    K.LINES: _rules(list[str], NAMES_SCHEMA, Widget.TEXT_AREA, _names, _lines_form, _to_names),
    K.LINES_OR_NONE: _rules(
        list[str], NAMES_SCHEMA, Widget.TEXT_AREA, _names, _form_names, _to_names, _shown_or_none
    ),
    K.CHOICE: _rules(str, STRING, Widget.RADIOS, _choice, to_form=_to_choice, shown=_shown_choice),
    K.NUMBER: _rules(
        int, {"type": "integer", "minimum": 1}, Widget.TEXT_INPUT, _number, _form_whole
    ),
    K.AMOUNT: _rules(
        float, {"type": "number", "minimum": 0}, Widget.TEXT_INPUT, _amount, _form_amount
    ),
    K.URL: _rules(str, {"type": "string", "format": "uri"}, Widget.TEXT_INPUT, _text),
    K.IDS: _rules(
        list[int],
        {"type": "array", "items": {"type": "integer"}},
        Widget.CHECKBOXES,
        _ids,
        _ids_form,
        _ids_to_form,
    ),
    K.INSTANT: _rules(
        datetime, {"type": "string", "format": "date-time"}, Widget.TEXT_INPUT, _instant,
        to_json=_iso,
    ),
}


def widget_of(spec: FieldSpec) -> Widget:
    """The widget that asks the field: a list or a number whose options are the case's own is
    ticked or chosen from them."""
    if spec.options_from and spec.kind in (K.NAMES, K.IDS):
        return Widget.CHECKBOXES
    if spec.options_from and spec.kind is K.NUMBER:
        return Widget.SELECT
    return spec.rules.widget


def from_json(spec: FieldSpec, value: Any) -> Any:
    """A sent value, checked and converted; raises FieldProblem."""
    return spec.rules.from_json(spec, value)


def from_form(spec: FieldSpec, data: Any) -> Any:
    """What a page widget's data records (None: nothing given)."""
    return spec.rules.from_form(spec, data)


def to_form(spec: FieldSpec, value: Any) -> Any:
    """A recorded value as the widget that asks it wants it."""
    return spec.rules.to_form(spec, value)


def to_json(spec: FieldSpec, value: Any) -> Any:
    """A value as JSON has it (dates as ISO text)."""
    return spec.rules.to_json(value)


def shown(spec: FieldSpec, value: Any) -> str:
    """A value in words, for pages ('' when not recorded)."""
    return spec.rules.shown(spec, value)


__all__ = [
    "FIELD_KINDS",
    "FieldKind",
    "FieldProblem",
    "FieldSpec",
    "KindRules",
    "Widget",
    "format_date",
    "from_form",
    "from_json",
    "lines",
    "shown",
    "to_form",
    "to_json",
    "widget_of",
]
