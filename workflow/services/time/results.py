"""What the time use cases answer: a deadline the sweep fired, an escalation and a page of them,
what a delivery round of the outbox did."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Self

from pydantic import Field

from workflow.services.results import Command, Instant, Result
from workflow.store.models.time import Escalation


class FireOutcome(StrEnum):
    """What firing a deadline did."""

    ESCALATED = "escalated"  # a limit was missed: the roles told were told
    FIRED = "fired"  # the timer's step was taken by the scheduler
    REFUSED = "fire_refused"  # the timer's step was not allowed: escalated instead
    STALLED = "stall_escalated"  # no progress in the state: a reminder, and the next one set
    REMINDED = "reminded"  # a missed contribution or action still unsettled: told again
    REMINDER_ENDED = "reminder_ended"  # its record was settled, removed or its case closed


class Fired(Result):
    """One deadline a sweep fired."""

    case: str = Field(description="The case's reference.")
    case_id: int
    deadline: str = Field(description="The deadline's name.")
    deadline_id: int
    due_date: date
    due_at: Instant
    fired_at: Instant
    lateness_seconds: int = Field(description="How long after its due instant it fired.")
    outcome: FireOutcome
    trigger: str | None = None
    escalation_id: int | None = None
    to_roles: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The line ``workflow tick`` prints for it."""
        return {
            "case": self.case,
            "deadline": self.deadline,
            "due_date": self.due_date.isoformat(),
            "due_at": self.due_at.isoformat(),
            "fired_at": self.fired_at.isoformat(),
            "lateness_seconds": self.lateness_seconds,
            "outcome": str(self.outcome),
            "trigger": self.trigger,
            "escalation": self.escalation_id,
            "to_roles": list(self.to_roles),
        }


class EscalationView(Result):
    """An escalation as people see it."""

    id: int
    case: str = Field(description="The case's reference.")
    case_id: int
    deadline: str = Field(
        description="The deadline's name (a timer of the review type, or 'stall')."
    )
    reason: str = Field(description="Why, as a sentence: which limit, due when, how late.")
    raised_at: Instant
    to_role: tuple[str, ...] = Field(description="The roles told.")
    acknowledged_by: str | None = None
    acknowledged_at: Instant | None = None

    @classmethod
    def of(cls, e: Escalation, reference: str) -> Self:
        return cls(
            id=e.id or 0,
            case=reference,
            case_id=e.case_id,
            deadline=e.deadline_name,
            reason=e.reason,
            raised_at=e.raised_at,
            to_role=tuple(e.to_roles),
            acknowledged_by=e.acknowledged_by,
            acknowledged_at=e.acknowledged_at,
        )


class EscalationPage(Result):
    """Escalations newest first, paged by key."""

    items: tuple[EscalationView, ...]
    next_after: int | None = Field(
        description="Pass it as after to get the next page; null on the last page."
    )


class Acknowledgement(Command):
    """That a person has an escalation in hand."""

    note: str = Field(default="", description="What is being done, for the audit trail.")


class Delivery(Result):
    """What a delivery round of the outbox did, by notice id."""

    delivered: tuple[int, ...] = ()
    retrying: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()
