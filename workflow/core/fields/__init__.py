"""The one table of field kinds: for each kind of value a person records (a line of text, a
date, yes or no, a list of names, a choice, a number, record ids…) how it is read from JSON and
from a page form, how it is checked, how it is shown, which page widget asks it, and its type
and JSON schema for the API (pure: no I/O, no web, no pydantic).

Everything that handles a field goes through this table: the record kinds' API models are built
from each row's ``annotation`` and ``schema`` (``workflow.services.records.schemas``), commands
parse values with ``from_json``, the pages build widgets from ``widget_of`` and read them back
with ``from_form``/``to_form``, summaries use ``shown``. A problem is a ``FieldProblem`` whose
text completes the sentence ``<field>: <problem>``.

- ``spec``: the kinds, the widgets, a field (``FieldSpec``) and a row (``KindRules``);
- ``reading``: sent values; ``widgets``: page widgets' data; ``showing``: values in words;
- ``table``: the table itself (``FIELD_KINDS``) and the functions that go through it.
"""

from workflow.core.fields.showing import format_date
from workflow.core.fields.spec import (
    MAX_NAME,
    FieldKind,
    FieldProblem,
    FieldSpec,
    KindRules,
    Widget,
)
from workflow.core.fields.table import (
    FIELD_KINDS,
    from_form,
    from_json,
    rules_of,
    shown,
    to_form,
    to_json,
    widget_of,
)
from workflow.core.fields.widgets import lines

__all__ = [
    "FIELD_KINDS",
    "MAX_NAME",
    "FieldKind",
    "FieldProblem",
    "FieldSpec",
    "KindRules",
    "Widget",
    "format_date",
    "from_form",
    "from_json",
    "lines",
    "rules_of",
    "shown",
    "to_form",
    "to_json",
    "widget_of",
]
