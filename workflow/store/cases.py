"""The case aggregate's rows: cases, their deadlines as shown, their audit trail, who read them,
who leads them (for lists), and the keyset pages of the cases a reader may see.

``CaseRepository`` is what services use (``unit.cases``); writing an engine outcome is
``save`` (the SQL lives in ``workflow.store.outcomes``, whose functions are re-exported here for
the code that still calls them with a session).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, func, or_
from sqlmodel import Session, col, select

from workflow.core.calendar import WorkingCalendar
from workflow.core.deadlines import DeadlineStatus
from workflow.core.engine import CaseSnapshot, Outcome
from workflow.core.events import NewEvent
from workflow.core.roles import Actor
from workflow.store import audit
from workflow.store.models.cases import Case, Event
from workflow.store.models.records import LeadAppointment
from workflow.store.models.time import Deadline, a_time_limit
from workflow.store.outcomes import (
    append_events,
    apply_outcome,
    current_deadlines,
    folded_agencies,
    new_reference,
    reference_prefix,
    snapshot,
)
from workflow.store.visibility import Scope

#: The milestone a case gets when one of its steps opens a linked case (the first time): a case
#: without it, and opened from none, has no linked cases to read.
OPENED_LINKED = "opened:linked_case"


@dataclass(frozen=True)
class CaseFilter:
    """What a list of cases is narrowed to. ``overdue_at``: only cases with a deadline that fell
    due by then and was not met in time."""

    review_type: str | None = None
    state: str | None = None
    overdue_at: datetime | None = None


#: Built once: the step and the sweep run them on every change.
_ALL_DEADLINES = (
    select(Deadline).where(col(Deadline.case_id) == bindparam("case_id")).order_by(col(Deadline.id))
)
_FOR_CHANGE = select(Case).where(col(Case.id) == bindparam("case_id")).with_for_update()


class CaseRepository:
    """Cases (``case``) and what hangs on them: deadlines, events, reads, lead appointments."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # -- reading cases -------------------------------------------------------------------------

    def get(self, case_id: int) -> Case | None:
        return self._session.get(Case, case_id)

    def for_change(self, case_id: int) -> Case | None:
        """The case, locked for this transaction (PostgreSQL; SQLite locks the database): a
        change locks its case row before its deadlines, so every writer takes them in one order."""
        return self._session.scalars(_FOR_CHANGE, {"case_id": case_id}).first()

    def by_reference(self, reference: str) -> Case | None:
        return self._session.exec(select(Case).where(col(Case.reference) == reference)).first()

    def count(self) -> int:
        return int(self._session.exec(select(func.count()).select_from(Case)).one())

    def page(self, scope: Scope, only: CaseFilter, after: int | None, fetch: int) -> list[Case]:
        """Up to ``fetch`` cases the scope admits, narrowed by ``only``, newest first, with ids
        below ``after`` (keyset paging: see ``workflow.services.paging``)."""
        query = select(Case)
        for condition in (scope.condition(), *_narrowing(only)):
            if condition is not None:
                query = query.where(condition)
        if after is not None:
            query = query.where(col(Case.id) < after)
        return list(self._session.exec(query.order_by(col(Case.id).desc()).limit(fetch)))

    def linked_to(self, case: Case) -> list[tuple[str, Case]]:
        """The cases linked to this one: the one it was opened from (``opened_from``), then the
        ones it opened (``opened``), oldest first."""
        if case.id is None:
            return []
        if case.linked_case_id is None and OPENED_LINKED not in (case.milestones or {}):
            return []  # opened from none and opened none (its milestones say): nothing to read
        # One read for both ways: the case it was opened from, and those it opened.
        condition = col(Case.linked_case_id) == case.id
        if case.linked_case_id is not None:
            condition = or_(condition, col(Case.id) == case.linked_case_id)
        query = select(Case).where(condition).order_by(col(Case.id))
        rows = list(self._session.exec(query))
        found = [("opened_from", c) for c in rows if c.id == case.linked_case_id]
        return found + [("opened", c) for c in rows if c.linked_case_id == case.id]

    def snapshot(
        self,
        case: Case,
        deadlines: Sequence[Deadline],
        records: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    ) -> CaseSnapshot:
        """The case as the engine sees it, with its records as the guards read them (the
        records' services shape them: ``workflow.services.records.plain_records``)."""
        return snapshot(case, deadlines, records)

    # -- deadlines -----------------------------------------------------------------------------

    def current_deadlines(self, case_id: int) -> list[Deadline]:
        """The deadlines that take part in the engine's decisions."""
        return current_deadlines(self._session, case_id)

    def all_deadlines(self, case_id: int) -> list[Deadline]:
        """Every deadline of the case, current or not, oldest first (one read serves the
        engine's decision, which takes the current ones, and the answer, which shows them)."""
        return list(self._session.scalars(_ALL_DEADLINES, {"case_id": case_id}))

    def shown_deadlines(self, case_ids: Sequence[int]) -> dict[int, list[Deadline]]:
        """Every deadline of each case but its stall clock, oldest first, by case id."""
        out: dict[int, list[Deadline]] = {}
        if not case_ids:
            return out
        query = (
            select(Deadline)
            .where(col(Deadline.case_id).in_(case_ids), a_time_limit())
            .order_by(col(Deadline.id))
        )
        for row in self._session.exec(query):
            out.setdefault(row.case_id, []).append(row)
        return out

    # -- lead appointments ---------------------------------------------------------------------

    def leads_of(self, case_ids: Sequence[int]) -> dict[int, list[LeadAppointment]]:
        """The lead appointments in force of each case, oldest first, by case id."""
        out: dict[int, list[LeadAppointment]] = {}
        if not case_ids:
            return out
        query = (
            select(LeadAppointment)
            .where(
                col(LeadAppointment.case_id).in_(case_ids),
                col(LeadAppointment.ended_on).is_(None),
            )
            .order_by(col(LeadAppointment.appointed_on), col(LeadAppointment.id))
        )
        for row in self._session.exec(query):
            out.setdefault(row.case_id, []).append(row)
        return out

    # -- writing -------------------------------------------------------------------------------

    def save(
        self,
        case: Case,
        outcome: Outcome,
        actor: Actor,
        now: datetime,
        calendar: WorkingCalendar,
        expected_version: int | None = None,
        deadlines: Sequence[Deadline] | None = None,
    ) -> list[Deadline]:
        """Write the engine's outcome for the case (a new case is added): the row, checked
        against ``expected_version``, its events and its deadline changes. ``deadlines``: its
        current deadlines, when already read in this unit. Every save of an existing case raises
        its version. Returns the deadlines it opened, with their ids."""
        return apply_outcome(
            self._session,
            case,
            outcome,
            actor,
            now,
            calendar,
            expected_version,
            deadlines,
        )

    def append_events(
        self, case: Case, actor: Actor, events: Sequence[NewEvent], now: datetime
    ) -> None:
        """Append to the case's audit trail (append-only)."""
        append_events(self._session, case, actor, events, now)

    def flush(self) -> None:
        """Write what is pending now (a new case gets its id), without committing."""
        self._session.flush()

    # -- the audit trail and the access log ----------------------------------------------------

    def events(self, case_id: int) -> list[Event]:
        """The case's audit trail, oldest first."""
        query = select(Event).where(col(Event.case_id) == case_id).order_by(col(Event.seq))
        return list(self._session.exec(query))

    def log_access(self, case_ids: Iterable[int], actor: str, action: str, now: datetime) -> None:
        """Record that ``actor`` read these cases (case data is about children)."""
        audit.append_access(self._session, case_ids, actor, action, now)


def _narrowing(only: CaseFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if only.review_type:
        conditions.append(col(Case.review_type) == only.review_type)
    if only.state:
        conditions.append(col(Case.state) == only.state)
    if only.overdue_at is not None:
        conditions.append(_overdue(only.overdue_at))
    return conditions


def _overdue(now: datetime) -> ColumnElement[bool]:
    """A current deadline (not a stall clock) that was missed, or is pending and past due."""
    return exists().where(
        col(Deadline.case_id) == col(Case.id),
        col(Deadline.current).is_(True),
        a_time_limit(),
        or_(
            col(Deadline.status) == DeadlineStatus.MISSED,
            and_(col(Deadline.status) == DeadlineStatus.PENDING, col(Deadline.due_at) <= now),
        ),
    )


__all__ = [
    "OPENED_LINKED",
    "CaseFilter",
    "CaseRepository",
    "append_events",
    "apply_outcome",
    "current_deadlines",
    "folded_agencies",
    "new_reference",
    "reference_prefix",
    "snapshot",
]
