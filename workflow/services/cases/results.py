"""What the case use cases answer: the case as its reader sees it, its deadlines, the steps open
to the reader, the cases linked to it, its audit trail, and pages of cases.

These are the JSON API's answers too (APIFlask serialises them), so their field descriptions
are the API's documentation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field

from workflow.core.deadlines import DeadlineStatus
from workflow.core.definition import Definition
from workflow.core.engine import TransitionOption
from workflow.services.paging import Page
from workflow.services.results import Instant, Result
from workflow.store.models.cases import Case, Event
from workflow.store.models.time import Deadline


class DeadlineView(Result):
    """A time limit on the case."""

    id: int
    name: str
    label: str
    due_date: date = Field(description="The last permitted day, in Europe/London.")
    due_at: Instant = Field(description="The UTC instant it falls due (the end of due_date).")
    status: DeadlineStatus = Field(
        description="pending, met, missed (fell due before it was met; escalated) or cancelled."
    )
    met_at: Instant | None
    met_date: date | None = Field(description="The day it was met (e.g. data.notified_at).")
    met_late: bool = Field(description="Met after its due date (as the timeliness report says).")
    days_late: int | None = Field(description="How many days after the due date it was met.")
    fired_at: Instant | None
    lateness_seconds: int | None

    @classmethod
    def of(cls, row: Deadline) -> DeadlineView:
        met = row.met_date if row.status == DeadlineStatus.MET else None
        late = (met - row.due_date).days if met is not None else 0
        return cls(
            id=row.id or 0,
            name=row.name,
            label=row.label,
            due_date=row.due_date,
            due_at=row.due_at,
            status=DeadlineStatus(row.status),
            met_at=row.met_at,
            met_date=row.met_date,
            met_late=late > 0,
            days_late=late if late > 0 else None,
            fired_at=row.fired_at,
            lateness_seconds=row.lateness_seconds,
        )


class StepOption(Result):
    """A step open to the reader from the case's current state."""

    trigger: str
    dest: str
    label: str
    allowed: bool = Field(description="Whether the guards allow the step now.")
    blocked_by: list[str] = Field(description="Each unmet requirement, as a sentence.")

    @classmethod
    def of(cls, option: TransitionOption) -> StepOption:
        return cls(
            trigger=option.trigger,
            dest=option.dest,
            label=option.label,
            allowed=option.allowed,
            blocked_by=list(option.blocked_by),
        )


class Relation(StrEnum):
    OPENED_FROM = "opened_from"  # the case this one was opened from
    OPENED = "opened"  # a case this one opened


class LinkedCase(Result):
    """A case linked to this one by a conversion."""

    relation: Relation = Field(
        description=(
            "opened_from: the case this one was opened from (e.g. the notifiable incident); "
            "opened: a case this one opened (e.g. the serious case review it decided on)."
        )
    )
    id: int
    reference: str
    review_type: str
    state: str

    @classmethod
    def of(cls, relation: str, case: Case) -> LinkedCase:
        return cls(
            relation=Relation(relation),
            id=case.id or 0,
            reference=case.reference,
            review_type=case.review_type,
            state=case.state,
        )


class CaseSummary(Result):
    """A case as lists show it: everything but the steps open to the reader and its links."""

    id: int
    reference: str
    review_type: str
    definition_version: int = Field(description="The version of the review type it runs on.")
    state: str
    state_label: str
    final: bool
    version: int = Field(description="Send it back as expected_version when you change the case.")
    title: str
    data: dict[str, Any] = Field(
        description=(
            "The case's named values. lead_reviewer ({name, organisations}) is the lead "
            "appointment in force, kept as a record (GET …/lead-appointments)."
        )
    )
    created_at: Instant
    updated_at: Instant
    created_by: str
    linked_case_id: int | None
    deadlines: list[DeadlineView]

    @classmethod
    def fields_of(
        cls,
        case: Case,
        definition: Definition,
        deadlines: Sequence[Deadline],
        lead: Mapping[str, Any] | None,
        hide_lead: bool = False,
    ) -> dict[str, Any]:
        """The summary's values; ``lead``: the lead reviewer in force, shown as
        ``data.lead_reviewer`` (the contract's form), unless ``hide_lead``."""
        data = dict(case.data)
        if lead is not None:
            data["lead_reviewer"] = dict(lead)
        if hide_lead:
            data.pop("lead_reviewer", None)
        return {
            "id": case.id or 0,
            "reference": case.reference,
            "review_type": case.review_type,
            "definition_version": case.definition_version,
            "state": case.state,
            "state_label": definition.label_of(case.state),
            "final": case.state in definition.final_states,
            "version": case.version,
            "title": case.title,
            "data": data,
            "created_at": case.created_at,
            "updated_at": case.updated_at,
            "created_by": case.created_by,
            "linked_case_id": case.linked_case_id,
            "deadlines": [DeadlineView.of(d) for d in deadlines],
        }


class CaseView(CaseSummary):
    """A case, with the steps open to the reader from its current state and its linked cases."""

    linked_cases: list[LinkedCase] = Field(
        description="Cases linked to this one, both ways, that you may see (conversions)."
    )
    transitions: list[StepOption] = Field(
        description=(
            "The steps available from the current state to the reader, each with whether it "
            "is allowed now and, if not, why."
        )
    )


class CasePage(Page[CaseSummary]):
    """One page of cases, newest first."""


class EventView(Result):
    """One entry of a case's audit trail."""

    seq: int = Field(description="1, 2, 3... in the order things happened.")
    at: Instant
    actor: str
    actor_role: str
    kind: str = Field(
        description=(
            "created, transition, data_changed, deadline_opened, deadline_moved, deadline_met, "
            "deadline_cancelled, deadline_missed, escalated, escalation_acknowledged, migrated, "
            "record_added, record_changed, record_removed (detail: the record and the fields "
            "changed, never their values), case_opened (a step opened a linked case)."
        )
    )
    trigger: str | None
    from_state: str | None
    to_state: str | None
    note: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, e: Event) -> EventView:
        return cls(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            actor_role=e.actor_role,
            kind=e.kind,
            trigger=e.trigger,
            from_state=e.from_state,
            to_state=e.to_state,
            note=e.note,
            detail=dict(e.detail),
        )


__all__ = [
    "CasePage",
    "CaseSummary",
    "CaseView",
    "DeadlineView",
    "EventView",
    "LinkedCase",
    "Relation",
    "StepOption",
]
