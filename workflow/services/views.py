"""How stored things are shown: the contract's case, event and deadline shapes (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from workflow.core.definition import Definition
from workflow.core.engine import TransitionOption
from workflow.store.models.cases import Case, Event
from workflow.store.models.time import Deadline, Escalation

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


def deadline_view(d: Deadline) -> dict[str, Any]:
    return {
        "id": d.id,
        "name": d.name,
        "label": d.label,
        "due_date": d.due_date.isoformat(),
        "due_at": d.due_at.isoformat(),
        "status": d.status,
        "met_at": d.met_at.isoformat() if d.met_at else None,
        "fired_at": d.fired_at.isoformat() if d.fired_at else None,
        "lateness_seconds": d.lateness_seconds,
    }


def case_view(
    case: Case,
    definition: Definition,
    deadlines: Sequence[Deadline],
    options: Sequence[TransitionOption] | None,
    lead: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The contract's case. ``lead``: the lead reviewer in force (a record), shown as
    ``data.lead_reviewer``, the contract's form."""
    data = dict(case.data)
    if lead is not None:
        data["lead_reviewer"] = dict(lead)
    view: dict[str, Any] = {
        "id": case.id,
        "reference": case.reference,
        "review_type": case.review_type,
        "definition_version": case.definition_version,
        "state": case.state,
        "state_label": definition.label_of(case.state),
        "final": case.state in definition.final_states,
        "version": case.version,
        "title": case.title,
        "data": data,
        "created_at": case.created_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
        "created_by": case.created_by,
        "linked_case_id": case.linked_case_id,
        "deadlines": [deadline_view(d) for d in deadlines],
    }
    if options is not None:
        view["transitions"] = [
            {
                "trigger": o.trigger,
                "dest": o.dest,
                "label": o.label,
                "allowed": o.allowed,
                "blocked_by": list(o.blocked_by),
            }
            for o in options
        ]
    return view


def event_view(e: Event) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "actor_role": e.actor_role,
        "kind": e.kind,
        "trigger": e.trigger,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "note": e.note,
        "detail": e.detail,
    }


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


def definition_summary(d: Definition, version: int) -> dict[str, Any]:
    return {
        "key": d.key,
        "name": d.name,
        "version": version,
        "initial": d.initial,
        "states": [{"key": s.key, "label": s.label, "final": s.final} for s in d.states.values()],
    }


def definition_view(d: Definition, version: int, source: str) -> dict[str, Any]:
    view = definition_summary(d, version)
    view["source"] = source
    view["transitions"] = [
        {
            "trigger": t.trigger,
            "source": list(t.sources),
            "dest": t.dest,
            "roles": list(t.roles),
            "label": t.label,
            "guards": [{"name": g.name, **dict(g.params)} for g in t.guards],
        }
        for t in d.transitions
    ]
    view["timers"] = [
        {
            "name": t.name,
            "label": t.label,
            "limit": t.limit,
            "anchor": str(t.anchor),
            "duration": str(t.duration),
            "runs_in": list(t.runs_in),
            "met_by": list(t.met_by),
            "escalate_to": list(t.escalate_to),
            "fire": t.fire,
        }
        for t in d.timers.values()
    ]
    return view
