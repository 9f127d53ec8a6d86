"""The table: each field kind and what it says (its type and JSON schema, its widget, how it
is read from JSON and from a form, filled into a form, written as JSON and shown)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from workflow.core.fields import reading as r
from workflow.core.fields import showing as sh
from workflow.core.fields import widgets as w
from workflow.core.fields.spec import FieldKind, FieldSpec, KindRules, Widget


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
        if not spec.required and kind.get("type") in ("string", "integer", "number", "array"):
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
    from_form: Callable[[FieldSpec, Any], Any] = w.text_data,
    to_form: Callable[[FieldSpec, Any], Any] = w.as_text,
    shown: Callable[[FieldSpec, Any], str] = sh.words,
    to_json: Callable[[Any], Any] = _same,
) -> KindRules:
    return KindRules(
        annotation, _schema(schema), widget, from_json, from_form, to_form, to_json, shown
    )


K = FieldKind
DATE_SCHEMA = {"type": "string", "format": "date"}
#: The table: every field kind, and what each says.
FIELD_KINDS: Mapping[FieldKind, KindRules] = {
    K.TEXT: _rules(str, STRING, Widget.TEXT_INPUT, r.text),
    K.LONG_TEXT: _rules(str, STRING, Widget.TEXT_AREA, r.text),
    K.DATE: _rules(
        date, DATE_SCHEMA, Widget.DATE_INPUT, r.day, w.date_data, w.as_date, sh.date_words, _iso
    ),
    K.BOOL: _rules(
        bool,
        {"type": "boolean"},
        Widget.CHECKBOX,
        r.yes_or_no,
        w.ticked,
        w.as_ticked,
        sh.yes_no_words,
    ),
    K.YES_NO: _rules(
        bool,
        {"type": "boolean"},
        Widget.RADIOS,
        r.yes_or_no,
        w.yes_no_data,
        w.as_yes_no,
        sh.yes_no_words,
    ),
    K.CONFIRM: _rules(
        bool,
        {"type": "boolean"},
        Widget.CHECKBOX,
        r.yes_or_no,
        w.confirmed,
        w.as_ticked,
        sh.confirm_words,
    ),
    K.NAMES: _rules(list[str], NAMES_SCHEMA, Widget.TEXT_AREA, r.names, w.names_data, w.as_names),
    K.LINES: _rules(list[str], NAMES_SCHEMA, Widget.TEXT_AREA, r.names, w.lines_data, w.as_names),
    K.LINES_OR_NONE: _rules(
        list[str],
        NAMES_SCHEMA,
        Widget.TEXT_AREA,
        r.names,
        w.names_data,
        w.as_names,
        sh.names_or_none_words,
    ),
    K.CHOICE: _rules(
        str, STRING, Widget.RADIOS, r.choice, to_form=w.as_choice, shown=sh.choice_words
    ),
    K.NUMBER: _rules(
        int, {"type": "integer", "minimum": 1}, Widget.TEXT_INPUT, r.number, w.whole_data
    ),
    K.AMOUNT: _rules(
        float, {"type": "number", "minimum": 0}, Widget.TEXT_INPUT, r.amount, w.amount_data
    ),
    K.URL: _rules(str, {"type": "string", "format": "uri"}, Widget.TEXT_INPUT, r.text),
    K.IDS: _rules(
        list[int],
        {"type": "array", "items": {"type": "integer"}},
        Widget.CHECKBOXES,
        r.ids,
        w.ids_data,
        w.as_ids,
    ),
    K.INSTANT: _rules(
        datetime,
        {"type": "string", "format": "date-time"},
        Widget.TEXT_INPUT,
        r.instant,
        to_json=_iso,
    ),
}


def widget_of(spec: FieldSpec) -> Widget:
    """The widget that asks the field: a list or a number whose options are the case's own is
    ticked or chosen from them."""
    if spec.options_from and spec.kind in (K.NAMES, K.IDS):
        return Widget.CHECKBOXES
    if spec.options_from and spec.kind in (K.NUMBER, K.TEXT):
        return Widget.SELECT
    return rules_of(spec).widget


def from_json(spec: FieldSpec, value: Any) -> Any:
    """A sent value, checked and converted; raises FieldProblem."""
    return rules_of(spec).from_json(spec, value)


def from_form(spec: FieldSpec, data: Any) -> Any:
    """What a page widget's data records (None: nothing given)."""
    return rules_of(spec).from_form(spec, data)


def to_form(spec: FieldSpec, value: Any) -> Any:
    """A recorded value as the widget that asks it wants it."""
    return rules_of(spec).to_form(spec, value)


def to_json(spec: FieldSpec, value: Any) -> Any:
    """A value as JSON has it (dates as ISO text)."""
    return rules_of(spec).to_json(value)


def shown(spec: FieldSpec, value: Any) -> str:
    """A value in words, for pages ('' when not recorded)."""
    return rules_of(spec).shown(spec, value)


def rules_of(spec: FieldSpec) -> KindRules:
    """The row of the field's kind."""
    return FIELD_KINDS[spec.kind]
