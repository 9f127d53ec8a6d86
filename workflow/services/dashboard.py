"""Read-only queries behind the dashboard and the case page's linked cases.

Each query is scoped by the one access rule (``access.case_filter``), selects only the columns a
page shows (never the case's JSON data), and is keyset-paged with ``LIMIT n + 1`` over an indexed
order, so a page costs about the same with 100 cases or 100,000 (``bench/bench_pages.py``
measures it). When the rule and the filters leave only a few cases (a lead reviewer's, one stage
of one review type), their ids are read first and each query starts from them instead.

- cases needing the person's action: newest first by primary key, over the cases whose review
  type version and state offer the person's role a step (worked out from the definitions, which
  are small, not from the cases);
- deadlines overdue or due soon: soonest first, by ``(due_at, id)``, missed and pending ones each
  walked in due order through a status-and-due index and merged;
- open escalations for the person's role: newest first by primary key, in bounded batches.

Nothing here writes: reading a case (which is audited) goes through the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from workflow.core.deadlines import STALL, DeadlineStatus
from workflow.core.definition import Definition
from workflow.core.record_deadlines import ACTION_ESCALATE_TO, CONTRIBUTION_ESCALATE_TO
from workflow.core.roles import Actor, Role
from workflow.services import access, catalog
from workflow.store.models.accounts import User
from workflow.store.models.cases import Case
from workflow.store.models.catalog import ReviewTypeVersion
from workflow.store.models.time import Deadline, Escalation
from workflow.store.unit import Unit
from workflow.store.visibility import own_records_only

T = TypeVar("T")
MAX_PAGE = 100
NARROW = 2_000  # up to this many candidate cases, queries start from the cases themselves
ESCALATION_BATCH = 500  # open escalations read at a time, newest first
ESCALATION_BATCHES = 10  # at most this many batches for one page


@dataclass(frozen=True)
class Filters:
    """What the person narrowed the dashboard to; empty strings mean no filter."""

    review_type: str = ""
    state: str = ""
    agency: str = ""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_after: str | None  # pass back as ``after`` for the next page; None on the last


@dataclass(frozen=True)
class CaseRow:
    id: int
    reference: str
    title: str
    review_type: str
    definition_id: int
    state: str
    updated_at: datetime


@dataclass(frozen=True)
class DeadlineRow:
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


@dataclass(frozen=True)
class EscalationRow:
    id: int
    case_id: int
    reference: str
    title: str
    review_type: str
    deadline_name: str
    reason: str
    raised_at: datetime
    to_roles: tuple[str, ...]


_CASE_COLUMNS = (
    col(Case.id),
    col(Case.reference),
    col(Case.title),
    col(Case.review_type),
    col(Case.definition_id),
    col(Case.state),
)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _limit(limit: int) -> int:
    return min(max(limit, 1), MAX_PAGE)


@dataclass(frozen=True)
class Candidates:
    """The cases a dashboard's lists start from, worked out once per page (see candidates)."""

    ids: list[int] | None


def candidates(db: Engine, actor: Actor, filters: Filters = Filters()) -> Candidates:
    """Work out once which few cases (if few) the lists of one dashboard page start from."""
    with Session(db) as s:
        return Candidates(_candidate_ids(s, actor, filters))


def _ids(s: Session, actor: Actor, filters: Filters, given: Candidates | None) -> list[int] | None:
    return given.ids if given is not None else _candidate_ids(s, actor, filters)


def _candidate_ids(session: Session, actor: Actor, filters: Filters) -> list[int] | None:
    """The ids of the cases the actor may see and the filters let through, when there are few
    of them (a lead reviewer's cases, one stage of one review type...), else None.

    A short list lets each query start from those cases instead of walking its ordered index
    past everyone else's; a long one is better checked row by row during the walk.
    """
    narrowed = access.case_filter(actor) is not None or any(
        (filters.review_type, filters.state, filters.agency.strip())
    )
    if not narrowed:
        return None
    query = _scoped(select(col(Case.id)), actor, filters).limit(NARROW + 1)
    ids = session.execute(query).scalars().all()
    return list(ids) if len(ids) <= NARROW else None


def _scoped(
    query: Any,
    actor: Actor,
    filters: Filters,
    ids: list[int] | None = None,
    case_id: Any = None,
) -> Any:
    """``query`` narrowed to the actor's cases and the filters: by ``ids`` from
    ``_candidate_ids`` when given (through ``case_id``, the query's own case id column), else by
    the access rule and the filters themselves."""
    if ids is not None:
        return query.where((case_id if case_id is not None else col(Case.id)).in_(ids))
    scope = access.case_filter(actor)
    if scope is not None:
        query = query.where(scope)
    if filters.review_type:
        query = query.where(col(Case.review_type) == filters.review_type)
    if filters.state:
        query = query.where(col(Case.state) == filters.state)
    agency = " ".join(filters.agency.split()).casefold()
    if agency:
        # Checked on each candidate case as the page is walked (Case.agencies is "|a|b|", kept
        # in step with case_agency by the store): a join to case_agency would first list every
        # case of the agency.
        query = query.where(col(Case.agencies).like(f"%|{_like_escape(agency)}|%", escape="\\"))
    return query


def _int_after(after: str | None) -> int | None:
    try:
        return int(after) if after else None
    except ValueError:
        return None


# -- cases needing action -------------------------------------------------------------------


def action_states(session: Session, role: str, review_type: str = "") -> dict[int, list[str]]:
    """For each published definition version: the states offering ``role`` a step."""
    query = select(ReviewTypeVersion)
    if review_type:
        query = query.where(col(ReviewTypeVersion.key) == review_type)
    out: dict[int, list[str]] = {}
    for (row,) in session.execute(query):
        d = catalog.DEFINITIONS.parsed(row)
        states = sorted({s for t in d.transitions if role in t.roles for s in t.sources})
        if states:
            out[row.id or 0] = states
    return out


def needing_action(
    db: Engine,
    actor: Actor,
    filters: Filters = Filters(),
    after: str | None = None,
    limit: int = 20,
    given: Candidates | None = None,
) -> Page[CaseRow]:
    """Cases in a state where the actor's role has a step (allowed or blocked), newest first."""
    limit = _limit(limit)
    with Session(db) as s:
        pairs = action_states(s, actor.role, filters.review_type)
        if not pairs:
            return Page([], None)
        offered = or_(
            *[
                and_(col(Case.definition_id) == definition_id, col(Case.state).in_(states))
                for definition_id, states in pairs.items()
            ]
        )
        query = select(*_CASE_COLUMNS, col(Case.updated_at)).where(offered)
        query = _scoped(query, actor, filters, _ids(s, actor, filters, given))
        after_id = _int_after(after)
        if after_id is not None:
            query = query.where(col(Case.id) < after_id)
        rows = s.execute(query.order_by(col(Case.id).desc()).limit(limit + 1)).all()
    items = [CaseRow(*row) for row in rows[:limit]]
    more = len(rows) > limit
    return Page(items, str(items[-1].id) if more and items else None)


# -- deadlines ------------------------------------------------------------------------------


def _deadline_after(after: str | None) -> tuple[datetime, int] | None:
    if not after:
        return None
    stamp, _, ident = after.rpartition("_")
    try:
        return datetime.fromisoformat(stamp), int(ident)
    except ValueError:
        return None


def deadlines_due(
    db: Engine,
    actor: Actor,
    horizon: datetime,
    filters: Filters = Filters(),
    after: str | None = None,
    limit: int = 20,
    given: Candidates | None = None,
) -> Page[DeadlineRow]:
    """Current deadlines of visible cases that were missed or fall due by ``horizon``, soonest
    (so most overdue) first. Stall clocks are left out: they show as escalations.

    Missed and pending deadlines are read by two queries that each walk a status-and-due index
    in order and stop after a page, then merged: one query with an ``OR`` of the two would read
    every matching row and sort them all. (Missed rows are only useful while current; an index
    on ``(status, current, due_at)`` lets the walk skip the stall reminders already raised.)
    A person who sees only a few cases has those cases' deadlines read directly instead.
    """
    limit = _limit(limit)
    key = _deadline_after(after)
    columns = (
        col(Deadline.id),
        col(Deadline.case_id),
        col(Case.reference),
        col(Case.title),
        col(Case.review_type),
        col(Case.definition_id),
        col(Case.state),
        col(Deadline.name),
        col(Deadline.label),
        col(Deadline.status),
        col(Deadline.due_date),
        col(Deadline.due_at),
    )
    base = (
        select(*columns)
        .join(Case, col(Case.id) == col(Deadline.case_id))
        .where(col(Deadline.current) == True, col(Deadline.name) != STALL)  # noqa: E712
    )
    if actor.role == Role.AGENCY.value:
        base = base.where(own_records_only(actor, col(Deadline.name)))
    rows: list[Any] = []
    with Session(db) as s:
        ids = _ids(s, actor, filters, given)
        if ids is not None:
            # Few cases: read all their current deadlines (a handful each) and choose here.
            query = _scoped(base, actor, filters, ids, col(Deadline.case_id))
            for row in s.execute(query):
                due = row.status == DeadlineStatus.MISSED or (
                    row.status == DeadlineStatus.PENDING and row.due_at <= horizon
                )
                if due and (key is None or (row.due_at, row.id) > key):
                    rows.append(row)
        else:
            pending = and_(
                col(Deadline.status) == DeadlineStatus.PENDING, col(Deadline.due_at) <= horizon
            )
            missed = col(Deadline.status) == DeadlineStatus.MISSED
            for which in (missed, pending):
                query = _scoped(base.where(which), actor, filters)
                if key is not None:
                    due_at, ident = key
                    query = query.where(
                        col(Deadline.due_at) >= due_at,
                        or_(col(Deadline.due_at) > due_at, col(Deadline.id) > ident),
                    )
                query = query.order_by(col(Deadline.due_at), col(Deadline.id)).limit(limit + 1)
                rows.extend(s.execute(query).all())
    rows.sort(key=lambda r: (r.due_at, r.id))
    items = [DeadlineRow(*row) for row in rows[:limit]]
    more = len(rows) > limit
    last = items[-1] if items else None
    return Page(items, f"{last.due_at.isoformat()}_{last.id}" if more and last else None)


# -- escalations ----------------------------------------------------------------------------


def escalation_roles(db: Engine) -> set[str]:
    """Every role a published review type escalates to (by a timer or a stall rule), and
    those a record's deadline escalates to (an agency's contribution or action)."""
    roles: set[str] = {*CONTRIBUTION_ESCALATE_TO, *ACTION_ESCALATE_TO}
    for d in definitions(db).values():
        for timer in d.timers.values():
            roles.update(timer.escalate_to)
        for state in d.states.values():
            if state.stall is not None:
                roles.update(state.stall.escalate_to)
    return roles


def open_escalations(
    db: Engine,
    actor: Actor,
    filters: Filters = Filters(),
    after: str | None = None,
    limit: int = 20,
    given: Candidates | None = None,
) -> Page[EscalationRow]:
    """Escalations raised to the actor's role and not yet acknowledged, newest first.

    Open escalations are walked newest first in batches and kept when sent to the role (a JSON
    list a database cannot index portably): a condition on it would mislead the planner into
    reading and sorting every open escalation. The walk is bounded; when it stops early the
    page is shorter and its "more" link carries on from where it stopped.
    """
    limit = _limit(limit)
    if actor.role not in escalation_roles(db):
        return Page([], None)  # no review type escalates to this role: nothing to look through
    base = (
        select(
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
        .join(Case, col(Case.id) == col(Escalation.case_id))
        .where(col(Escalation.acknowledged_at).is_(None))
    )
    if actor.role == Role.AGENCY.value:
        base = base.where(own_records_only(actor, col(Escalation.deadline_name)))
    cursor = _int_after(after)
    found: list[Any] = []
    exhausted = False
    with Session(db) as s:
        ids = _ids(s, actor, filters, given)
        base = _scoped(base, actor, filters, ids, col(Escalation.case_id))
        for _ in range(ESCALATION_BATCHES):
            query = base if cursor is None else base.where(col(Escalation.id) < cursor)
            batch = s.execute(
                query.order_by(col(Escalation.id).desc()).limit(ESCALATION_BATCH)
            ).all()
            for row in batch:
                if actor.role in (row.to_roles or ()):
                    found.append(row)
            if len(batch) < ESCALATION_BATCH:
                exhausted = True
                break
            cursor = batch[-1].id
            if len(found) > limit:
                break
    items = [
        EscalationRow(
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
        for row in found[:limit]
    ]
    if len(found) > limit:
        return Page(items, str(items[-1].id))
    # The walk stopped before the end: carry on after the last escalation it read.
    return Page(items, None if exhausted or cursor is None else str(cursor))


# -- the case page ----------------------------------------------------------------------------


def linked_cases(
    db: Engine, actor: Actor, case_id: int, linked_case_id: int | None
) -> list[CaseRow]:
    """The case this one was opened from and the cases opened from it, that the actor may see."""
    links = [col(Case.linked_case_id) == case_id]
    if linked_case_id is not None:
        links.append(col(Case.id) == linked_case_id)
    query = select(*_CASE_COLUMNS, col(Case.updated_at)).where(or_(*links))
    query = _scoped(query, actor, Filters())
    with Session(db) as s:
        rows = s.execute(query.order_by(col(Case.id)).limit(MAX_PAGE)).all()
    return [CaseRow(*row) for row in rows]


@dataclass(frozen=True)
class ReviewType:
    key: str
    name: str
    version: int
    definition: Definition


def review_types(db: Engine) -> list[ReviewType]:
    """The latest version of each review type, parsed (one query)."""
    with Session(db) as s:
        return [
            ReviewType(row.key, row.name, row.version, catalog.DEFINITIONS.parsed(row))
            for row in Unit(s).catalog.latest()
        ]


def definitions(db: Engine) -> dict[int, Definition]:
    """Every published definition version by id (a small table; each is parsed once)."""
    with Session(db) as s:
        return {
            row.id or 0: catalog.DEFINITIONS.parsed(row)
            for (row,) in s.execute(select(ReviewTypeVersion))
        }


def known_agencies(db: Engine) -> list[str]:
    """Agency names the board's users work for, for the dashboard's agency filter."""
    with Session(db) as s:
        lists: Sequence[Any] = (
            s.execute(
                select(col(User.agencies)).where(col(User.active) == True)  # noqa: E712
            )
            .scalars()
            .all()
        )
    names = {str(a).strip() for agencies in lists for a in (agencies or []) if str(a).strip()}
    return sorted(names, key=str.casefold)


__all__ = [
    "Candidates",
    "CaseRow",
    "DeadlineRow",
    "EscalationRow",
    "Filters",
    "Page",
    "ReviewType",
    "action_states",
    "candidates",
    "deadlines_due",
    "definitions",
    "escalation_roles",
    "known_agencies",
    "linked_cases",
    "needing_action",
    "open_escalations",
    "review_types",
]
