"""How stored things are shown: the contract's case, event and deadline shapes (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workflow.core.definition import Definition
from workflow.core.engine import TransitionOption
from workflow.store.models.cases import Case, Event
from workflow.store.models.time import Deadline, Escalation


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
