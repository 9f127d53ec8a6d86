"""The forms of the records' pages, built from the kinds of record and the table of field kinds:
each field asked with the widget its kind names, prefilled from a record, read back into the
typed fields of a command, and the service's problems put beside the fields they are about."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from wtforms import Field

from web.pages.forms import VersionedForm, layout_of, options, widget_field
from workflow.core import fields
from workflow.core.errors import InvalidInput
from workflow.core.fields import FieldKind, FieldSpec
from workflow.core.record_kinds import RecordKind

LABELS: dict[str, tuple[str, str]] = {
    "name": ("Name", ""),
    "organisations": (
        "Organisations they belong to or have worked for",
        "One a line. Leave empty if none.",
    ),
    "appointed_on": ("Date appointed", "Leave empty for today."),
    "ended_on": ("Date the appointment ended", ""),
    "end_reason": ("Why it ended", ""),
    "agency": ("Agency", ""),
    "role_title": ("Role", "For example, social worker or health visitor."),
    "invited_on": ("Date invited", ""),
    "contributed": ("They contributed to the review", ""),
    "learning_event_attended": ("They attended the learning event", ""),
    "relationship": ("Relationship to the child", "For example, mother or sibling (aged 9)."),
    "how_explained": ("How the review was explained to them and how they can take part", ""),
    "not_involved_reason": ("If they are not involved, why not", ""),
    "kind": ("What is asked for", ""),
    "requested_on": ("Date requested", "Leave empty for today."),
    "due_date": ("Due date", ""),
    "status": ("Status", ""),
    "received_on": ("Date received", "Leave empty for today."),
    "waived_reason": ("If waived, why", ""),
    "number": ("Number", "Leave empty for the next number."),
    "what_happened": ("What happened", ""),
    "why": ("Why it happened", ""),
    "themes": ("Themes", ""),
    "sources": ("Contributions it draws on", ""),
    "finding": ("Which finding it answers", ""),
    "description": ("What will change", ""),
    "owner_agency": ("Owner agency", ""),
    "success_measure": ("How success will be measured", ""),
    "completion_evidence": ("Evidence that it was completed", ""),
    "impact_evidence": ("Evidence of its impact", ""),
    "completed_on": ("Date completed", "Leave empty for today."),
}


#: Labels of a field that means another thing in another kind of record: keyed by the kind
#: and the field, and looked up before ``LABELS``.
KIND_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("contributions", "kind"): ("What is asked for", ""),
    ("findings", "kind"): ("Good practice or a problem", "Say whether it shows good practice."),
    ("findings", "number"): ("Finding number", "Leave empty for the next number."),
    ("actions", "number"): ("Action number", "Leave empty for the next number."),
}


def label_of(spec: FieldSpec, kind: str = "") -> tuple[str, str]:
    """The field's label and hint in the record ``kind`` (``findings``, ``contributions``…)."""
    found = KIND_LABELS.get((kind, spec.name)) or LABELS.get(spec.name)
    return found or (spec.name.replace("_", " ").capitalize(), spec.doc)


class RecordForm(VersionedForm):
    """A record's fields (``specs``) and the version of the case the page was read at."""

    specs: Sequence[FieldSpec] = ()
    kind: str = ""


def _field(spec: FieldSpec, required: bool, kind: str) -> Field:
    label, hint = label_of(spec, kind)
    message = f"Enter {label[0].lower() + label[1:]}" if required else ""
    return widget_field(spec, label, hint, message, f"{label} is too long")


def record_form(
    kind: RecordKind,
    mode: str,
    version: int,
    record: Mapping[str, Any] | None = None,
    formdata: Any = None,
    choices: Mapping[str, list[tuple[str, str]]] | None = None,
) -> RecordForm:
    """``mode``: ``add``, ``change`` (everything) or ``agency`` (the fields an agency reports)."""
    specs = [
        _typed_unless_offered(f, choices)
        for f in kind.fields
        if mode != "agency" or f.name in kind.agency_may_change
    ]
    attrs = {f.name: _field(f, mode == "add" and f.required, kind.key) for f in specs}
    cls = type(f"{kind.key.title().replace('_', '')}Form", (RecordForm,), attrs)
    data: dict[str, Any] = {"expected_version": str(version)}
    if record is not None:
        data |= {f.name: fields.to_form(f, record.get(f.name)) for f in specs}
    form: RecordForm = cls(formdata=formdata, data=data)
    form.specs = specs
    registered = {f.name for f in specs if f.options_from == "agencies"}
    form.kind = kind.key
    for name, pairs in (choices or {}).items():
        if name in form:
            offered = _with_recorded(pairs, record, name) if name in registered else pairs
            form[name].choices = options(offered)
    if mode == "agency" and kind.key == "contributions":
        form["status"].choices = options([("received", "Received")])
    return form


def _typed_unless_offered(
    spec: FieldSpec, choices: Mapping[str, list[tuple[str, str]]] | None
) -> FieldSpec:
    """An agency is chosen from the register, or typed while the board keeps none."""
    if spec.options_from == "agencies" and not (choices or {}).get(spec.name):
        return replace(spec, options_from="")
    return spec


def _with_recorded(
    pairs: list[tuple[str, str]], record: Mapping[str, Any] | None, name: str
) -> list[tuple[str, str]]:
    """The choices, with the value recorded before it was offered (so saving the form
    unchanged keeps it)."""
    value = (record or {}).get(name)
    recorded = value if isinstance(value, list) else [value] if value else []
    known = {v for v, _ in pairs}
    extra = [(str(v), f"{v} (not in the register)") for v in recorded if str(v) not in known]
    return [*pairs, *extra]


def _unchanged(spec: FieldSpec, was: Any, value: Any) -> bool:
    if spec.kind is FieldKind.CHOICE and value is None:
        return True
    return (was in (None, "") and value in (None, "")) or was == value


def form_body(form: RecordForm, current: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the form records: on adding, every field given; on changing, only those whose value
    differs from the record's (so nothing is sent that was not changed)."""
    body: dict[str, Any] = {}
    for spec in form.specs:
        value = fields.from_form(spec, form[spec.name].data)
        if current is None:
            if value in (None, "", []) and not spec.required:
                continue
        elif _unchanged(spec, current.get(spec.name), value):
            continue
        body[spec.name] = value
    return body


def attach(form: RecordForm, exc: InvalidInput) -> list[dict[str, str]]:
    """Put each problem (``field: problem``) beside its field; return those that fit none."""
    left = []
    for sentence in exc.details:
        name, sep, problem = sentence.partition(": ")
        if sep and name in form:
            label = label_of(next(s for s in form.specs if s.name == name), form.kind)[0]
            form[name].errors = [*form[name].errors, f"{label}: {problem}"]
        else:
            left.append({"text": sentence, "href": "#record-form"})
    if not exc.details:
        left.append({"text": exc.message, "href": "#record-form"})
    return left


def rendered(form: RecordForm) -> list[tuple[Field, str]]:
    """Each field with how the template lays it out."""
    return [(form[spec.name], layout_of(spec)) for spec in form.specs]


__all__ = ["LABELS", "RecordForm", "attach", "form_body", "label_of", "record_form", "rendered"]
