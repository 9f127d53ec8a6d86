"""How records and escalations are shown as plain values (pure), while their areas move onto
typed results; the case's shapes are ``workflow.services.cases.results``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from workflow.store.models.time import Escalation

#: The fields of each kind of record, as the API and the guards see them (a document's content
#: is never among them).
RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "lead_appointments": (
        "id",
        "name",
        "organisations",
        "appointed_on",
        "ended_on",
        "end_reason",
        "created_at",
        "created_by",
    ),
    "panel_members": ("id", "name", "agency", "role_title"),
    "practitioners": (
        "id",
        "agency",
        "role_title",
        "invited_on",
        "contributed",
        "learning_event_attended",
    ),
    "family_members": (
        "id",
        "relationship",
        "invited_on",
        "how_explained",
        "contributed",
        "not_involved_reason",
    ),
    "contributions": (
        "id",
        "agency",
        "kind",
        "requested_on",
        "due_date",
        "status",
        "received_on",
        "received_by",
        "waived_reason",
    ),
    "documents": (
        "id",
        "contribution_id",
        "agency",
        "filename",
        "content_type",
        "size_bytes",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    ),
    "findings": ("id", "number", "what_happened", "why", "kind", "created_at", "created_by"),
    "actions": (
        "id",
        "finding_id",
        "description",
        "owner_agency",
        "due_date",
        "success_measure",
        "status",
        "completion_evidence",
        "impact_evidence",
        "completed_on",
    ),
    "themes": ("id", "name", "description", "active"),
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record_view(kind: str, row: Any, **extra: Any) -> dict[str, Any]:
    """A record as a plain dict (dates as ISO text), with ``extra`` fields (a number, themes…).
    ``row`` is a table row or a mapping of its columns."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    view = {name: _plain(get(name)) for name in RECORD_FIELDS[kind]}
    if kind == "lead_appointments":
        view["current"] = view["ended_on"] is None
    view.update({k: _plain(v) for k, v in extra.items()})
    return view


def escalation_view(e: Escalation, reference: str) -> dict[str, Any]:
    return {
        "id": e.id,
        "case": reference,
        "case_id": e.case_id,
        "deadline": e.deadline_name,
        "reason": e.reason,
        "raised_at": e.raised_at.isoformat(),
        "to_role": list(e.to_roles),
        "acknowledged_by": e.acknowledged_by,
        "acknowledged_at": e.acknowledged_at.isoformat() if e.acknowledged_at else None,
    }
