"""The kinds of record a review holds, as data: the fields a person may send (each of a kind of
``workflow.core.fields``), the fields a record is shown with, the roles that may add, change and
remove it, and, for the records an agency owns (its contributions and its actions), the field
naming the agency and the fields the agency's own users may change (pure; the store maps each
kind to its table).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from workflow.core.errors import NotFound
from workflow.core.fields import FieldKind, FieldSpec
from workflow.core.guards.registry import Records
from workflow.core.roles import Role


class RecordKey(StrEnum):
    """Each kind of record, as named in the address and in ``CaseSnapshot.records``."""

    LEAD_APPOINTMENTS = "lead_appointments"
    PANEL_MEMBERS = "panel_members"
    PRACTITIONERS = "practitioners"
    FAMILY_MEMBERS = "family_members"
    CONTRIBUTIONS = "contributions"
    FINDINGS = "findings"
    ACTIONS = "actions"


class ContributionKind(StrEnum):
    CHRONOLOGY = "chronology"
    AGENCY_REPORT = "agency_report"
    OTHER = "other"


class ContributionStatus(StrEnum):
    REQUESTED = "requested"
    RECEIVED = "received"
    WAIVED = "waived"


class FindingKind(StrEnum):
    GOOD_PRACTICE = "good_practice"
    PROBLEM = "problem"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


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
class RecordKind:
    key: RecordKey
    noun: str  # "finding"
    fields: tuple[FieldSpec, ...]  # what a person may send
    shown: tuple[FieldSpec, ...]  # what a record is shown with (its answer in the API)
    edit_roles: frozenset[str] = EDITORS
    agency_field: str | None = None  # the field naming the agency that owns the record
    agency_may_change: tuple[str, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def spec(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def plural(self) -> str:
        return self.key.replace("_", " ")


F = FieldKind
ID = FieldSpec("id", F.NUMBER, required=True)
NUMBER = FieldSpec("number", F.NUMBER, required=True, doc="its number on the case")
CREATED = (FieldSpec("created_at", F.INSTANT, required=True), FieldSpec("created_by"))


def labelled(enum: type[StrEnum], **labels: str) -> tuple[tuple[str, str], ...]:
    return tuple((m.value, labels[m.value]) for m in enum)


CONTRIBUTION_KINDS = labelled(
    ContributionKind,
    chronology="A chronology",
    agency_report="An agency report",
    other="Something else",
)
CONTRIBUTION_STATUSES = labelled(
    ContributionStatus, requested="Requested", received="Received", waived="Waived"
)
FINDING_KINDS = labelled(FindingKind, good_practice="Good practice", problem="A problem")
ACTION_STATUSES = labelled(ActionStatus, open="Open", in_progress="In progress", done="Done")


def _kind(key: RecordKey, noun: str, fields: tuple[FieldSpec, ...], **kw: Any) -> RecordKind:
    """A kind whose record is shown with its id and its fields (unless ``shown`` says)."""
    shown = kw.pop("shown", (ID, *fields))
    return RecordKind(key, noun, fields, shown, **kw)


def _text(name: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, F.TEXT, max_length=200, **kw)


def _agency(name: str) -> FieldSpec:
    """An agency, chosen from the board's register of agencies."""
    return _text(
        name, required=True, doc="an agency in the board's register", options_from="agencies"
    )


def _long(name: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, F.LONG_TEXT, **kw)


def _date(name: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, F.DATE, **kw)


_LEAD = (
    _text("name", required=True),
    FieldSpec(
        "organisations",
        F.NAMES,
        required=True,
        doc="every organisation the lead reviewer belongs to or works for (from the register)",
        options_from="agencies",
    ),
    _date("appointed_on", doc="default: today"),
    _date("ended_on"),
    _long("end_reason"),
)
_PRACTITIONER = (
    _agency("agency"),
    _text("role_title", required=True),
    _date("invited_on"),
    FieldSpec("contributed", F.BOOL),
    FieldSpec("learning_event_attended", F.BOOL),
)
_FAMILY = (
    FieldSpec(
        "relationship",
        F.TEXT,
        required=True,
        max_length=120,
        doc="e.g. mother, sibling (aged 9): never a name",
    ),
    _date("invited_on"),
    _long("how_explained"),
    FieldSpec("contributed", F.BOOL),
    _long("not_involved_reason"),
)
_CONTRIBUTION = (
    _agency("agency"),
    FieldSpec("kind", F.CHOICE, required=True, choices=CONTRIBUTION_KINDS),
    _date("requested_on", doc="default: today"),
    _date("due_date", required=True),
    FieldSpec("status", F.CHOICE, choices=CONTRIBUTION_STATUSES),
    _date("received_on", doc="default: today, when received"),
    _long("waived_reason"),
)
_FINDING = (
    FieldSpec("number", F.NUMBER, doc="default: the next number"),
    _long("what_happened", required=True),
    _long("why"),
    FieldSpec("kind", F.CHOICE, choices=FINDING_KINDS),
    FieldSpec("themes", F.NAMES, doc="names from the themes vocabulary", options_from="themes"),
    FieldSpec(
        "sources", F.IDS, doc="ids of the contributions it draws on", options_from="contributions"
    ),
)
_ACTION = (
    FieldSpec(
        "finding",
        F.NUMBER,
        required=True,
        doc="the number of the finding",
        options_from="findings",
    ),
    _long("description", required=True),
    _agency("owner_agency"),
    _date("due_date", required=True),
    _long("success_measure"),
    FieldSpec("status", F.CHOICE, choices=ACTION_STATUSES),
    _long("completion_evidence"),
    _long("impact_evidence"),
    _date("completed_on", doc="default: today, when done"),
)
_ACTION_SHOWN = (
    ID,
    FieldSpec("finding_id", F.NUMBER, required=True),
    *_ACTION[1:],
    NUMBER,
    FieldSpec("finding", F.NUMBER, doc="the finding's number"),
)

KINDS: dict[str, RecordKind] = {
    k.key: k
    for k in (
        _kind(
            RecordKey.LEAD_APPOINTMENTS,
            "lead reviewer appointment",
            _LEAD,
            shown=(ID, *_LEAD, *CREATED, FieldSpec("current", F.BOOL)),
            edit_roles=frozenset({REVIEWER, CHAIR}),
        ),
        _kind(
            RecordKey.PANEL_MEMBERS,
            "panel member",
            (_text("name", required=True), _agency("agency"), _text("role_title")),
        ),
        _kind(
            RecordKey.PRACTITIONERS,
            "practitioner",
            _PRACTITIONER,
            shown=(ID, *_PRACTITIONER, NUMBER),
        ),
        _kind(RecordKey.FAMILY_MEMBERS, "family member", _FAMILY, shown=(ID, *_FAMILY, NUMBER)),
        _kind(
            RecordKey.CONTRIBUTIONS,
            "contribution",
            _CONTRIBUTION,
            shown=(ID, *_CONTRIBUTION[:6], FieldSpec("received_by"), _CONTRIBUTION[6]),
            agency_field="agency",
            agency_may_change=("status", "received_on"),
        ),
        _kind(
            RecordKey.FINDINGS,
            "finding",
            _FINDING,
            shown=(ID, NUMBER, *_FINDING[1:4], *CREATED, *_FINDING[4:]),
        ),
        _kind(
            RecordKey.ACTIONS,
            "action",
            _ACTION,
            shown=_ACTION_SHOWN,
            agency_field="owner_agency",
            agency_may_change=("status", "completion_evidence", "impact_evidence", "completed_on"),
        ),
    )
}

#: The fields of a document (its details; never its content) and of a theme.
DOCUMENT_FIELDS = (
    ID,
    FieldSpec("contribution_id", F.NUMBER, required=True),
    FieldSpec("agency"),
    FieldSpec("filename"),
    FieldSpec("content_type"),
    FieldSpec("size_bytes", F.NUMBER, required=True),
    FieldSpec("sha256", doc="SHA-256 of the content, in hex."),
    FieldSpec("uploaded_by"),
    FieldSpec("uploaded_at", F.INSTANT, required=True),
)
THEME_FIELDS = (
    FieldSpec("name", F.TEXT, required=True, max_length=120),
    FieldSpec("description", F.LONG_TEXT),
    FieldSpec("active", F.BOOL, doc="false: no longer offered for new findings"),
)


def kind_of(key: str) -> RecordKind:
    found = KINDS.get(key)
    if found is None:
        raise NotFound(f"There is no kind of record '{key}'; kinds: {', '.join(KINDS)}.")
    return found


def folded(name: Any) -> str:
    return str(name or "").strip().casefold()


def theme_key(name: Any) -> str:
    """The key two theme names are the same theme by: case, accents and spacing ignored
    ("Équipe", "équipe" and " Equipe " are one theme)."""
    decomposed = unicodedata.normalize("NFKD", str(name or ""))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def owns(agencies: tuple[str, ...] | list[str], agency: Any) -> bool:
    """Whether an agency user of ``agencies`` owns a record of ``agency`` (ignoring case)."""
    return folded(agency) in {folded(a) for a in agencies if folded(a)}


def may_read(role: str, kind: RecordKind) -> bool:
    """Whether a role may see records of this kind (agency users: their own agency's)."""
    return role in READ_ROLES or (role == AGENCY and kind.agency_field is not None)


def freeze(records: Mapping[str, Sequence[Mapping[str, Any]]]) -> Records:
    """Read-only records for the engine: mappings of tuples of mappings (lists become tuples)."""

    def value(v: Any) -> Any:
        return tuple(value(x) for x in v) if isinstance(v, list | tuple) else v

    return MappingProxyType(
        {
            kind: tuple(MappingProxyType({k: value(v) for k, v in r.items()}) for r in items)
            for kind, items in records.items()
        }
    )


__all__ = [
    "ACTION_STATUSES",
    "CONTRIBUTION_KINDS",
    "CONTRIBUTION_STATUSES",
    "DOCUMENT_FIELDS",
    "EDITORS",
    "FINDING_KINDS",
    "KINDS",
    "READ_ROLES",
    "THEME_FIELDS",
    "ActionStatus",
    "ContributionKind",
    "ContributionStatus",
    "FindingKind",
    "RecordKey",
    "RecordKind",
    "folded",
    "freeze",
    "kind_of",
    "may_read",
    "owns",
]
