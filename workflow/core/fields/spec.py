"""A field and its kind: the names of the kinds, the widgets that ask them, what a field says
of itself (its limits and choices), and what one row of the table of kinds holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
