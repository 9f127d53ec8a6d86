"""What the board's annual report reads: every case's opening, every step taken on a case, the
publication each published case recorded, and every action. Plain facts, no titles and no free
text of a case's data, so a report built on them names no child.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workflow.core.events import EventKind
from workflow.store.models.cases import Case, Event
from workflow.store.models.records import Action


@dataclass(frozen=True)
class CaseOpened:
    id: int
    reference: str
    review_type: str
    created_at: datetime


@dataclass(frozen=True)
class StepTaken:
    """A transition of the audit trail: which case, when, the trigger, where it led, by whom."""

    case_id: int
    at: datetime
    trigger: str | None
    to_state: str | None
    actor_role: str


@dataclass(frozen=True)
class PublicationRecorded:
    """What the ``publish`` step recorded in a case's data, as written there."""

    published_at: object
    published_as: object


class ReportsReadModel:
    """The read-only queries of the annual report."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def cases(self) -> list[CaseOpened]:
        query = select(Case.id, Case.reference, Case.review_type, Case.created_at)
        return [
            CaseOpened(int(cid or 0), ref, rtype, created)
            for cid, ref, rtype, created in self._session.exec(query)
        ]

    def steps(self) -> list[StepTaken]:
        """Every transition, case by case, in the order they were taken."""
        query = (
            sa_select(
                col(Event.case_id),
                col(Event.at),
                col(Event.trigger),
                col(Event.to_state),
                col(Event.actor_role),
            )
            .where(col(Event.kind) == EventKind.TRANSITION)
            .order_by(col(Event.case_id), col(Event.seq))
        )
        return [StepTaken(int(cid), *rest) for cid, *rest in self._session.execute(query)]

    def publications(self, case_ids: Collection[int]) -> dict[int, PublicationRecorded]:
        """The publication date and form each of these cases recorded."""
        if not case_ids:
            return {}
        query = select(Case).where(col(Case.id).in_(case_ids))
        return {
            c.id or 0: PublicationRecorded(c.data.get("published_at"), c.data.get("published_as"))
            for c in self._session.exec(query)
        }

    def data_of(
        self, case_ids: Collection[int], keys: Collection[str]
    ) -> dict[int, dict[str, object]]:
        """The named top-level data keys of these cases, as written there."""
        if not case_ids:
            return {}
        query = select(Case).where(col(Case.id).in_(case_ids))
        return {
            c.id or 0: {k: c.data.get(k) for k in keys if k in c.data}
            for c in self._session.exec(query)
        }

    def actions(self) -> list[Action]:
        return list(self._session.exec(select(Action)))
