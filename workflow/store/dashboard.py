"""The dashboard's read model: the few columns its lists show (never a case's JSON data), each
list narrowed to the cases its reader may see (``visibility``) and the board's filters, read by
a keyset walk over an indexed order that stops after a page, so a page costs about the same
with 100 cases or 100,000 (``bench/bench_pages.py`` measures it).

When the access rule and the filters leave only a few cases (a lead reviewer's, one stage of one
review type), their ids are read first (``narrowing``) and each list starts from them instead
of walking its index past everyone else's.

- cases offering a step: newest first by primary key, over the (definition version, states)
  pairs the service worked out from the definitions;
- deadlines missed or due by a horizon: soonest first by ``(due_at, id)``, missed and pending
  ones each walked in due order through a status-and-due index and merged;
- open escalations: newest first by primary key, in bounded batches, kept when sent to the
  reader's role (a JSON list no database indexes portably).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, String, and_, cast, or_, select
from sqlmodel import Session, col

from workflow.core.deadlines import DeadlineStatus
from workflow.core.roles import Actor, Role
from workflow.store.models.accounts import User
from workflow.store.models.cases import Case
from workflow.store.models.time import Deadline, Escalation, a_time_limit
from workflow.store.visibility import case_filter, own_records_only

#: A query of any columns, narrowed and walked without changing what it selects.
Query = TypeVar("Query", bound="Select[*tuple[Any, ...]]")

NARROW = 2_000  # up to this many candidate cases, lists start from the cases themselves
ESCALATION_BATCH = 500  # open escalations read at a time, newest first
ESCALATION_BATCHES = 10  # at most this many batches for one page


@dataclass(frozen=True)
class CaseFilter:
    """What a board is narrowed to; empty strings mean no filter. ``agency`` is matched against
    the case's folded agencies."""

    review_type: str = ""
    state: str = ""
    agency: str = ""

    @property
    def folded_agency(self) -> str:
        return " ".join(self.agency.split()).casefold()

    @property
    def narrows(self) -> bool:
        return bool(self.review_type or self.state or self.folded_agency)


@dataclass(frozen=True)
class Narrowing:
    """The cases a board's lists look at: those the reader may see that the filters let
    through, or, when those are few, the ids of those cases (``ids``)."""

    reader: Actor
    filters: CaseFilter = CaseFilter()
    ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class CaseLine:
    id: int
    reference: str
    title: str
    review_type: str
    definition_id: int
    state: str
    updated_at: datetime


@dataclass(frozen=True)
class DeadlineLine:
    id: int
    case_id: int
    reference: str
    title: str
    review_type: str
    definition_id: int
    state: str
    name: str
    label: str
    status: str
    due_date: date
    due_at: datetime
    case_version: int  # a deadline changes only with its case: the case's version and time
    case_updated_at: datetime


@dataclass(frozen=True)
class EscalationLine:
    id: int
    case_id: int
    reference: str
    title: str
    review_type: str
    deadline_name: str
    reason: str
    raised_at: datetime
    to_roles: tuple[str, ...]


@dataclass(frozen=True)
class EscalationWalk:
    """The open escalations a walk kept, and where a next walk carries on (the id to read below;
    None when the walk reached the oldest)."""

    found: list[EscalationLine]
    resume_before: int | None


_CASE_COLUMNS = (
    col(Case.id),
    col(Case.reference),
    col(Case.title),
    col(Case.review_type),
    col(Case.definition_id),
    col(Case.state),
)
_DEADLINE_COLUMNS = (
    col(Deadline.id),
    col(Deadline.case_id),
    *_CASE_COLUMNS[1:],
    col(Deadline.name),
    col(Deadline.label),
    col(Deadline.status),
    col(Deadline.due_date),
    col(Deadline.due_at),
    col(Case.version),
    col(Case.updated_at),
)
_ESCALATION_COLUMNS = (
    col(Escalation.id),
    col(Escalation.case_id),
    col(Case.reference),
    col(Case.title),
    col(Case.review_type),
    col(Escalation.deadline_name),
    col(Escalation.reason),
    col(Escalation.raised_at),
    col(Escalation.to_roles),
)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _narrowed(query: Query, where: Narrowing, case_id: Any = None) -> Query:
    """``query`` narrowed to the board's cases: by the candidate ids when there are few (through
    ``case_id``, the query's own case id column), else by the access rule and the filters."""
    if where.ids is not None:
        return query.where((case_id if case_id is not None else col(Case.id)).in_(where.ids))
    condition = case_filter(where.reader)
    if condition is not None:
        query = query.where(condition)
    filters = where.filters
    if filters.review_type:
        query = query.where(col(Case.review_type) == filters.review_type)
    if filters.state:
        query = query.where(col(Case.state) == filters.state)
    if filters.folded_agency:
        # Checked on each candidate case as the page is walked (Case.agencies is "|a|b|", kept
        # in step with case_agency by the store): a join to case_agency would first list every
        # case of the agency.
        pattern = f"%|{_like_escape(filters.folded_agency)}|%"
        query = query.where(col(Case.agencies).like(pattern, escape="\\"))
    return query


def _own_records(query: Query, name: Any, reader: Actor) -> Query:
    """An agency reader sees no other agency's record deadlines (``name``: the column naming
    the deadline); everyone else sees them all."""
    if reader.role != Role.AGENCY.value:
        return query
    return query.where(own_records_only(reader, name))


class DashboardRepository:
    """The dashboard's lists and the case page's linked cases (read only)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def narrowing(self, reader: Actor, filters: CaseFilter = CaseFilter()) -> Narrowing:
        """Work out once which cases a board's lists look at (see ``Narrowing``)."""
        where = Narrowing(reader, filters)
        if case_filter(reader) is None and not filters.narrows:
            return where
        query = _narrowed(select(col(Case.id)), where).limit(NARROW + 1)
        ids = self._session.execute(query).scalars().all()
        return where if len(ids) > NARROW else Narrowing(reader, filters, tuple(ids))

    def cases_offering(
        self,
        where: Narrowing,
        offered: Mapping[int, Sequence[str]],
        before: int | None,
        fetch: int,
    ) -> list[CaseLine]:
        """Up to ``fetch`` cases in one of the ``offered`` states of their definition version
        (by version id), newest first, below id ``before``."""
        if not offered:
            return []
        in_offered = or_(
            *[
                and_(col(Case.definition_id) == version_id, col(Case.state).in_(states))
                for version_id, states in offered.items()
            ]
        )
        query = _narrowed(select(*_CASE_COLUMNS, col(Case.updated_at)).where(in_offered), where)
        if before is not None:
            query = query.where(col(Case.id) < before)
        rows = self._session.execute(query.order_by(col(Case.id).desc()).limit(fetch))
        return [CaseLine(*row) for row in rows]

    def deadlines_due(
        self,
        where: Narrowing,
        horizon: datetime,
        after: tuple[datetime, int] | None,
        fetch: int,
    ) -> list[DeadlineLine]:
        """Up to ``fetch`` current deadlines (stall clocks aside: they show as escalations) that
        were missed or fall due by ``horizon``, soonest first, after the key ``after``.

        One query with an ``OR`` of missed and pending would read every matching row and sort
        them all; two walks of the status-and-due index, merged, stop after a page each.
        (Missed rows are only useful while current; an index on ``(status, current, due_at)``
        lets the walk skip the stall reminders already raised.)
        """
        base = (
            select(*_DEADLINE_COLUMNS)
            .join(Case, col(Case.id) == col(Deadline.case_id))
            .where(col(Deadline.current) == True, a_time_limit())  # noqa: E712
        )
        base = _own_records(base, col(Deadline.name), where.reader)
        if where.ids is not None:
            rows = self._due_among(_narrowed(base, where, col(Deadline.case_id)), horizon, after)
        else:
            rows = self._due_walks(_narrowed(base, where), horizon, after, fetch)
        rows.sort(key=lambda line: (line.due_at, line.id))
        return rows[:fetch]

    def _due_among(
        self,
        query: Select[*tuple[Any, ...]],
        horizon: datetime,
        after: tuple[datetime, int] | None,
    ) -> list[DeadlineLine]:
        # Few cases: read all their current deadlines (a handful each) and choose here.
        found = []
        for row in self._session.execute(query):
            line = DeadlineLine(*row)
            due = line.status == DeadlineStatus.MISSED or (
                line.status == DeadlineStatus.PENDING and line.due_at <= horizon
            )
            if due and (after is None or (line.due_at, line.id) > after):
                found.append(line)
        return found

    def _due_walks(
        self,
        base: Select[*tuple[Any, ...]],
        horizon: datetime,
        after: tuple[datetime, int] | None,
        fetch: int,
    ) -> list[DeadlineLine]:
        pending = and_(
            col(Deadline.status) == DeadlineStatus.PENDING, col(Deadline.due_at) <= horizon
        )
        missed = col(Deadline.status) == DeadlineStatus.MISSED
        found: list[DeadlineLine] = []
        for which in (missed, pending):
            query = base.where(which)
            if after is not None:
                due_at, ident = after
                query = query.where(
                    col(Deadline.due_at) >= due_at,
                    or_(col(Deadline.due_at) > due_at, col(Deadline.id) > ident),
                )
            query = query.order_by(col(Deadline.due_at), col(Deadline.id)).limit(fetch)
            found.extend(DeadlineLine(*row) for row in self._session.execute(query))
        return found

    def escalations_open_to(
        self,
        where: Narrowing,
        role: str,
        before: int | None,
        wanted: int,
    ) -> EscalationWalk:
        """Escalations not yet acknowledged and sent to ``role``, newest first below id
        ``before``, until ``wanted`` are found or the bounded walk stops (then a page is shorter
        and the next walk carries on where this one stopped).

        The walk reads only each escalation's id and its roles as the stored JSON text (a role
        is a plain word, so ``"chair"`` in that text is the role in the list), without the ORM:
        most of what it reads is sent to other roles. The rows kept are read whole after.
        """
        walk = (
            select(col(Escalation.id), cast(col(Escalation.to_roles), String))
            .join(Case, col(Case.id) == col(Escalation.case_id))
            .where(col(Escalation.acknowledged_at).is_(None))
        )
        walk = _narrowed(
            _own_records(walk, col(Escalation.deadline_name), where.reader),
            where,
            col(Escalation.case_id),
        )
        connection = self._session.connection()
        wanted_ids: list[int] = []
        cursor = before
        resume: int | None = None
        for _ in range(ESCALATION_BATCHES):
            query = walk if cursor is None else walk.where(col(Escalation.id) < cursor)
            query = query.order_by(col(Escalation.id).desc()).limit(ESCALATION_BATCH)
            batch = connection.execute(query).all()
            wanted_ids.extend(
                ident for ident, roles in batch if ident and f'"{role}"' in (roles or "")
            )
            if len(batch) < ESCALATION_BATCH:
                resume = None
                break
            cursor = resume = batch[-1][0]
            if len(wanted_ids) >= wanted:
                break
        # Only the first ``wanted`` matter: a page, and whether there is more.
        return EscalationWalk(self._escalations(wanted_ids[:wanted], role), resume)

    def _escalations(self, ids: Sequence[int], role: str) -> list[EscalationLine]:
        if not ids:
            return []
        query = (
            select(*_ESCALATION_COLUMNS)
            .join(Case, col(Case.id) == col(Escalation.case_id))
            .where(col(Escalation.id).in_(ids))
            .order_by(col(Escalation.id).desc())
        )
        rows = self._session.connection().execute(query)
        return [_escalation(row) for row in rows if role in (row.to_roles or ())]

    def linked_cases(
        self, reader: Actor, case_id: int, linked_case_id: int | None, limit: int
    ) -> list[CaseLine]:
        """The case this one was opened from and the cases opened from it, that ``reader`` may
        see."""
        links: list[ColumnElement[bool]] = [col(Case.linked_case_id) == case_id]
        if linked_case_id is not None:
            links.append(col(Case.id) == linked_case_id)
        query = select(*_CASE_COLUMNS, col(Case.updated_at)).where(or_(*links))
        query = _narrowed(query, Narrowing(reader)).order_by(col(Case.id)).limit(limit)
        return [CaseLine(*row) for row in self._session.execute(query)]

    def agencies_of_active_users(self) -> list[list[str]]:
        """The agencies each active user works for (for the board's agency filter)."""
        query = select(col(User.agencies)).where(col(User.active) == True)  # noqa: E712
        return [list(agencies or []) for agencies in self._session.execute(query).scalars()]


def _escalation(row: Any) -> EscalationLine:
    return EscalationLine(
        id=row.id,
        case_id=row.case_id,
        reference=row.reference,
        title=row.title,
        review_type=row.review_type,
        deadline_name=row.deadline_name,
        reason=row.reason,
        raised_at=row.raised_at,
        to_roles=tuple(row.to_roles or ()),
    )


__all__ = [
    "CaseFilter",
    "CaseLine",
    "DashboardRepository",
    "DeadlineLine",
    "EscalationLine",
    "EscalationWalk",
    "Narrowing",
]
