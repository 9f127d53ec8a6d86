"""The deadline rows as the sweep and the reports use them: claiming the due ones, finishing a
claim, the next instant something falls due, and the rows a timeliness report counts.

Opening, moving, meeting and cancelling deadlines happen with the case change that causes
them (``workflow.store.cases``); this module holds the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple, cast

from sqlalchemy import Table, func, select, update
from sqlmodel import Session, col
from sqlmodel import select as select_rows

from workflow.core.deadlines import DeadlineStatus
from workflow.core.record_deadlines import CONTRIBUTION
from workflow.core.roles import Role
from workflow.store.claims import Claimable, claim_batch, earliest
from workflow.store.models.cases import Case, Event
from workflow.store.models.records import Action, Contribution, Finding
from workflow.store.models.time import Deadline, a_time_limit

DEADLINES = Claimable(
    cast(Table, Deadline.__table__),  # type: ignore[attr-defined]
    "due_at",
    DeadlineStatus.PENDING,
)


class Claim(NamedTuple):
    """A deadline a sweeper has claimed, and its case."""

    deadline_id: int
    case_id: int


@dataclass(frozen=True)
class ActionOfDeadline:
    """The action a record deadline (``action:<id>``) is for, numbered as its case shows it."""

    action: Action
    number: int
    finding: int | None


class DeadlineRepository:
    """Deadline rows (``deadline``), for the sweep and the reports."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def claim_due(self, now: datetime, owner: str, lease_seconds: int, limit: int) -> list[Claim]:
        """Claim up to ``limit`` due deadlines for ``owner``, oldest first (the unit must commit
        before they are fired)."""
        conn = self._session.connection()
        rows = claim_batch(conn, DEADLINES, now, owner, lease_seconds, limit, ("id", "case_id"))
        return [Claim(int(r._mapping["id"]), int(r._mapping["case_id"])) for r in rows]

    def finish_claim(self, deadline_id: int, owner: str, now: datetime) -> Deadline | None:
        """Release ``owner``'s claim on the deadline and mark it fired at ``now``, if it is still
        pending and still claimed by ``owner``: of all the transactions that might fire the row,
        one gets it. None when the row is no longer ``owner``'s to fire."""
        t = DEADLINES.table
        finished = self._session.connection().execute(
            update(t)
            .where(t.c.id == deadline_id, t.c.status == DeadlineStatus.PENDING)
            .where(t.c.claimed_by == owner)
            .values(claimed_by=None, lease_expires_at=None, fired_at=now)
        )
        return self._session.get(Deadline, deadline_id) if finished.rowcount == 1 else None

    def next_due(self, now: datetime) -> datetime | None:
        """The next instant at which a sweep will find something to fire: the earliest future
        due instant, or the earliest lease of a due row another sweeper holds."""
        t = DEADLINES.table
        pending = t.c.status == DeadlineStatus.PENDING
        conn = self._session.connection()
        upcoming = conn.execute(select(func.min(t.c.due_at)).where(pending, t.c.due_at > now))
        held = conn.execute(
            select(func.min(t.c.lease_expires_at)).where(
                pending, t.c.due_at <= now, t.c.lease_expires_at > now
            )
        )
        return earliest(upcoming.scalar(), held.scalar())

    def next_wake(self, now: datetime) -> datetime | None:
        """When a sweep should next run: the next due instant (``next_due``), or at once (an
        instant already past) when a due deadline waits that no sweeper has claimed (one
        written already due, by another process). Read through ``ix_deadline_open``."""
        t = DEADLINES.table
        waiting = select(func.min(t.c.due_at)).where(
            t.c.status == DeadlineStatus.PENDING,
            t.c.current.is_(True),
            t.c.due_at <= now,
            t.c.claimed_by.is_(None),
        )
        overdue = self._session.connection().execute(waiting).scalar()
        return earliest(overdue, self.next_due(now))

    def save(self, row: Deadline) -> None:
        """Keep the changes made to the row (written with the unit)."""
        self._session.add(row)

    def last_progress(self, case: Case) -> datetime:
        """When a person last changed the case (what a stall clock counts from): its newest
        event not written by the scheduler, or its creation."""
        last = self._session.exec(
            select_rows(func.max(Event.at)).where(
                col(Event.case_id) == case.id, col(Event.actor_role) != Role.SYSTEM.value
            )
        ).first()
        return last or case.created_at

    def counted(
        self, review_type: str | None, start: date | None, end: date | None
    ) -> list[tuple[Deadline, str]]:
        """The deadlines a timeliness report counts, each with its case's review type: those
        due from ``start`` to ``end`` (either may be open), of one review type or all, leaving
        out stall reminders and cancelled deadlines."""
        query = select_rows(Deadline, Case.review_type).join(Case, col(Case.id) == Deadline.case_id)
        query = query.where(a_time_limit(), col(Deadline.status) != DeadlineStatus.CANCELLED)
        if review_type:
            query = query.where(Case.review_type == review_type)
        if start:
            query = query.where(col(Deadline.due_date) >= start)
        if end:
            query = query.where(col(Deadline.due_date) <= end)
        return [(row, kind) for row, kind in self._session.exec(query)]

    def owner_agency(self, name: str) -> str | None:
        """The agency that owns the record a record deadline (``contribution:<id>``,
        ``action:<id>``) is for; None when that record is gone."""
        kind, _, record_id = name.partition(":")
        if kind == CONTRIBUTION:
            contribution = self._session.get(Contribution, int(record_id))
            return contribution.agency if contribution is not None else None
        action = self._session.get(Action, int(record_id))
        return action.owner_agency if action is not None else None

    def contribution_of(self, name: str) -> Contribution | None:
        """The contribution a ``contribution:<id>`` deadline is for (None when it is gone)."""
        return self._session.get(Contribution, int(name.partition(":")[2]))

    def action_of(self, name: str) -> ActionOfDeadline | None:
        """The action an ``action:<id>`` deadline is for (None when it is gone)."""
        action = self._session.get(Action, int(name.partition(":")[2]))
        if action is None:
            return None
        finding = self._session.get(Finding, action.finding_id)
        # Actions are numbered in the order they were added, as the case shows them.
        number = self._session.exec(
            select_rows(func.count())
            .select_from(Action)
            .where(col(Action.case_id) == action.case_id, col(Action.id) <= action.id)
        ).one()
        return ActionOfDeadline(action, number, finding.number if finding else None)
