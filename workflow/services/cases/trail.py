"""What of a case's audit trail an agency user may read: its own agency's part. The case's own
steps and time limits, yes; another agency's contributions and actions (their records, their
deadlines, their dates, their escalations), never; nor any event about people, the family, the
panel, findings, the lead reviewer or the chair's independence confirmations, since an agency
user may not read those records either (``workflow.core.record_kinds.may_read``). The lead
reviewer named in the data an event carries is left out too. Everyone else reads it whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workflow.core.events import EventKind
from workflow.core.record_deadlines import ACTION, CONTRIBUTION, is_record_deadline
from workflow.core.record_kinds import RecordKey, kind_of, owns
from workflow.core.roles import Actor, Role
from workflow.services.cases.lead import LEAD_KEY
from workflow.services.cases.results import EventView
from workflow.store.models.cases import Event
from workflow.store.unit import Unit

RECORD_EVENTS = {EventKind.RECORD_ADDED, EventKind.RECORD_CHANGED, EventKind.RECORD_REMOVED}
#: The records an agency user may read (its own), by the noun the trail names them with.
OWNED = {
    kind_of(RecordKey.CONTRIBUTIONS).noun: CONTRIBUTION,
    kind_of(RecordKey.ACTIONS).noun: ACTION,
}
DOCUMENT = "document"


def _record_deadline(detail: Mapping[str, Any]) -> str | None:
    """The deadline name of the owned record an event is about (None: not an owned record)."""
    noun = detail.get("record")
    if noun == DOCUMENT:
        return f"{CONTRIBUTION}:{detail.get('contribution')}"
    prefix = OWNED.get(str(noun))
    return f"{prefix}:{detail.get('id')}" if prefix else None


def _names(event: Event) -> str | None:
    """The record deadline an event is about, "" when it is about no record, None when it is
    about a record an agency may never read."""
    detail = event.detail or {}
    if event.kind in RECORD_EVENTS:
        return _record_deadline(detail)
    deadline = str(detail.get("deadline") or "")
    return deadline if is_record_deadline(deadline) else ""


def _without_lead(view: EventView) -> EventView:
    detail = dict(view.detail)
    for key in ("data", "changed"):
        if isinstance(detail.get(key), Mapping) and LEAD_KEY in detail[key]:
            detail[key] = {k: v for k, v in detail[key].items() if k != LEAD_KEY}
    return view.model_copy(update={"detail": detail})


def visible_events(u: Unit, actor: Actor, events: Sequence[Event]) -> list[EventView]:
    """The trail as ``actor`` may read it."""
    if actor.role != Role.AGENCY.value:
        return [EventView.of(e) for e in events]
    about = [(e, _names(e)) for e in events]
    owner = u.records.owners({n for _, n in about if n})
    return [
        _without_lead(EventView.of(e))
        for e, name in about
        if name == "" or (name is not None and owns(actor.agencies, owner.get(name)))
    ]


__all__ = ["visible_events"]
