"""What the audit trail records: the kinds of event and an event the engine decides to append."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    CREATED = "created"
    TRANSITION = "transition"
    DATA_CHANGED = "data_changed"
    DEADLINE_OPENED = "deadline_opened"
    DEADLINE_MOVED = "deadline_moved"
    DEADLINE_MET = "deadline_met"
    DEADLINE_CANCELLED = "deadline_cancelled"
    DEADLINE_MISSED = "deadline_missed"
    ESCALATED = "escalated"
    ESCALATION_ACKNOWLEDGED = "escalation_acknowledged"  # someone told has it in hand
    RECORD_ADDED = "record_added"
    RECORD_CHANGED = "record_changed"
    RECORD_REMOVED = "record_removed"
    CASE_OPENED = "case_opened"  # a step opened a linked case (a conversion)
    MIGRATED = "migrated"  # an administrator moved the case to another version of its type


@dataclass(frozen=True)
class NewEvent:
    """An entry the engine decided to append to a case's audit trail."""

    kind: str
    trigger: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    note: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)
