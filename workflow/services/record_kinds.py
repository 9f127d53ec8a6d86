"""The kinds of record a review holds, their fields, who may change them, and how values sent
by people are checked (pure: no database).

Each kind names its table, the fields a person may send (with their type and limits), the
roles that may add, change and remove it, and, for the records an agency owns (its
contributions and its actions), the field naming the agency and the fields the agency's own
users may change. Every problem with a request is reported at once, as ``field: problem``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflow.core.errors import InvalidInput
from workflow.core.roles import Role
from workflow.store.models.records import (
    Action,
    Contribution,
    FamilyMember,
    Finding,
    LeadAppointment,
    PanelMember,
    Practitioner,
)

REVIEWER, CHAIR, LEAD, AGENCY, ADMIN, SYSTEM = (
    Role.REVIEWER.value,
    Role.CHAIR.value,
    Role.LEAD_REVIEWER.value,
    Role.AGENCY.value,
    Role.ADMIN.value,
    Role.SYSTEM.value,
)
#: Who may read a case's records (agency users: only their own agency's contributions and
#: actions; never people, family or panel).
READ_ROLES = frozenset({REVIEWER, CHAIR, LEAD, ADMIN, SYSTEM})
EDITORS = frozenset({REVIEWER, CHAIR, LEAD})


@dataclass(frozen=True)
class FieldSpec:
    """A field a person may send. ``kind``: text, date, bool, names (a list of texts), choice,
    number (a positive whole number) or ids (a list of record ids)."""

    name: str
    kind: str = "text"
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class RecordKind:
    key: str  # as in the address and in CaseSnapshot.records: "findings"
    noun: str  # "finding"
    model: Any
    fields: tuple[FieldSpec, ...]
    edit_roles: frozenset[str] = EDITORS
    agency_field: str | None = None  # the field naming the agency that owns the record
    agency_may_change: tuple[str, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def spec(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


CONTRIBUTION_KINDS = ("chronology", "agency_report", "other")
CONTRIBUTION_STATUSES = ("requested", "received", "waived")
FINDING_KINDS = ("good_practice", "problem")
ACTION_STATUSES = ("open", "in_progress", "done")

KINDS: dict[str, RecordKind] = {
    k.key: k
    for k in (
        RecordKind(
            "lead_appointments",
            "lead reviewer appointment",
            LeadAppointment,
            (
                FieldSpec("name", required=True, max_length=200),
                FieldSpec(
                    "organisations",
                    "names",
                    required=True,
                    doc="every organisation the lead reviewer belongs to or works for",
                ),
                FieldSpec("appointed_on", "date", doc="default: today"),
                FieldSpec("ended_on", "date"),
                FieldSpec("end_reason"),
            ),
            edit_roles=frozenset({REVIEWER, CHAIR}),
        ),
        RecordKind(
            "panel_members",
            "panel member",
            PanelMember,
            (
                FieldSpec("name", required=True, max_length=200),
                FieldSpec("agency", required=True, max_length=200),
                FieldSpec("role_title", max_length=200),
            ),
        ),
        RecordKind(
            "practitioners",
            "practitioner",
            Practitioner,
            (
                FieldSpec("agency", required=True, max_length=200),
                FieldSpec("role_title", required=True, max_length=200),
                FieldSpec("invited_on", "date"),
                FieldSpec("contributed", "bool"),
                FieldSpec("learning_event_attended", "bool"),
            ),
        ),
        RecordKind(
            "family_members",
            "family member",
            FamilyMember,
            (
                FieldSpec(
                    "relationship",
                    required=True,
                    max_length=120,
                    doc="e.g. mother, sibling (aged 9): never a name",
                ),
                FieldSpec("invited_on", "date"),
                FieldSpec("how_explained"),
                FieldSpec("contributed", "bool"),
                FieldSpec("not_involved_reason"),
            ),
        ),
        RecordKind(
            "contributions",
            "contribution",
            Contribution,
            (
                FieldSpec("agency", required=True, max_length=200),
                FieldSpec("kind", "choice", required=True, choices=CONTRIBUTION_KINDS),
                FieldSpec("requested_on", "date", doc="default: today"),
                FieldSpec("due_date", "date", required=True),
                FieldSpec("status", "choice", choices=CONTRIBUTION_STATUSES),
                FieldSpec("received_on", "date", doc="default: today, when received"),
                FieldSpec("waived_reason"),
            ),
            agency_field="agency",
            agency_may_change=("status", "received_on"),
        ),
        RecordKind(
            "findings",
            "finding",
            Finding,
            (
                FieldSpec("number", "number", doc="default: the next number"),
                FieldSpec("what_happened", required=True),
                FieldSpec("why"),
                FieldSpec("kind", "choice", choices=FINDING_KINDS),
                FieldSpec("themes", "names", doc="names from the themes vocabulary"),
                FieldSpec("sources", "ids", doc="ids of the contributions it draws on"),
            ),
        ),
        RecordKind(
            "actions",
            "action",
            Action,
            (
                FieldSpec("finding", "number", required=True, doc="the number of the finding"),
                FieldSpec("description", required=True),
                FieldSpec("owner_agency", required=True, max_length=200),
                FieldSpec("due_date", "date", required=True),
                FieldSpec("success_measure"),
                FieldSpec("status", "choice", choices=ACTION_STATUSES),
                FieldSpec("completion_evidence"),
                FieldSpec("impact_evidence"),
                FieldSpec("completed_on", "date", doc="default: today, when done"),
            ),
            agency_field="owner_agency",
            agency_may_change=("status", "completion_evidence", "impact_evidence", "completed_on"),
        ),
    )
}


def kind_of(key: str) -> RecordKind:
    from workflow.core.errors import NotFound

    found = KINDS.get(key)
    if found is None:
        raise NotFound(f"There is no kind of record '{key}'; kinds: {', '.join(KINDS)}.")
    return found


def folded(name: Any) -> str:
    return str(name or "").strip().casefold()


def owns(agencies: tuple[str, ...] | list[str], agency: Any) -> bool:
    """Whether an agency user of ``agencies`` owns a record of ``agency`` (ignoring case)."""
    return folded(agency) in {folded(a) for a in agencies if folded(a)}


def _value(spec: FieldSpec, value: Any) -> tuple[Any, str | None]:
    """The value to store, or a problem."""
    if spec.kind == "text":
        if value is None:
            value = ""
        if not isinstance(value, str):
            return None, "must be text"
        value = value.strip()
        if spec.required and not value:
            return None, "must not be empty"
        if spec.max_length and len(value) > spec.max_length:
            return None, f"must be at most {spec.max_length} characters"
        return value, None
    if spec.kind == "date":
        if value in (None, ""):
            return (None, "must be a date like 2026-11-30") if spec.required else (None, None)
        if isinstance(value, date):
            return value, None
        try:
            return date.fromisoformat(str(value)), None
        except ValueError:
            return None, f"must be a date like 2026-11-30; got {value!r}"
    if spec.kind == "bool":
        if not isinstance(value, bool):
            return None, "must be true or false"
        return value, None
    if spec.kind == "names":
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, "must be a list of names"
        names = list(dict.fromkeys(v.strip() for v in value if v.strip()))
        too_long = [n for n in names if len(n) > 200]
        if too_long:
            return None, "each name must be at most 200 characters"
        return names, None
    if spec.kind == "choice":
        if value not in spec.choices:
            return None, f"must be one of {', '.join(spec.choices)}; got {value!r}"
        return value, None
    if spec.kind == "number":
        if value is None and not spec.required:
            return None, None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            return None, "must be a whole number from 1"
        return value, None
    if spec.kind == "ids":
        if value is None:
            value = []
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            return None, "must be a list of record ids"
        return list(dict.fromkeys(value)), None
    raise ValueError(f"unknown field kind {spec.kind!r}")


def clean(kind: RecordKind, body: Mapping[str, Any], *, adding: bool) -> dict[str, Any]:
    """The fields of ``body`` checked and converted; every problem at once as InvalidInput.
    When ``adding``, required fields must be present."""
    if not isinstance(body, Mapping):
        raise InvalidInput(f"Send the {kind.noun}'s fields as a JSON object.")
    problems = []
    out: dict[str, Any] = {}
    for name in body:
        if name not in kind.field_names:
            problems.append(
                f"{name}: not a field of a {kind.noun}; its fields are: "
                f"{', '.join(kind.field_names)}"
            )
    for spec in kind.fields:
        if spec.name not in body:
            if adding and spec.required:
                problems.append(f"{spec.name}: is required")
            continue
        value, problem = _value(spec, body[spec.name])
        if problem:
            problems.append(f"{spec.name}: {problem}")
        else:
            out[spec.name] = value
    if problems:
        raise InvalidInput(f"The {kind.noun} was not saved: fix each problem listed.", problems)
    return out


__all__ = [
    "ACTION_STATUSES",
    "CONTRIBUTION_KINDS",
    "CONTRIBUTION_STATUSES",
    "EDITORS",
    "FINDING_KINDS",
    "KINDS",
    "READ_ROLES",
    "FieldSpec",
    "RecordKind",
    "clean",
    "folded",
    "kind_of",
    "owns",
]
