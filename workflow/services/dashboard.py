"""The dashboard: what the person should act on, what falls due, what was escalated to them —
and the case page's linked cases. Read only: reading a case (which is audited) is the case
service's.

Each list is scoped by the one access rule (``workflow.store.visibility``), narrowed by the board's
filters and keyset-paged; the store's read model (``workflow.store.dashboard``) says how each
is walked. What a list offers is worked out here from the definitions, which are small: the
states in which the person's role has a step, the roles any review type escalates to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Generic, TypeVar

from workflow.core.deadlines import DeadlineStatus
from workflow.core.definition import Definition
from workflow.core.record_deadlines import ACTION_ESCALATE_TO, CONTRIBUTION_ESCALATE_TO
from workflow.core.roles import Actor
from workflow.services.results import Command, Result
from workflow.store import dashboard as model
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

MAX_PAGE = 100
LINKED_MAX = 100
DeadlineKey = tuple[datetime, int]  # (due_at, id): where a page of deadlines carries on
ItemT = TypeVar("ItemT")
RowT = TypeVar("RowT")


class BoardQuery(Command):
    """What the person narrowed the board to (empty: no filter) and where each list's page
    starts (None: the first page)."""

    review_type: str = ""
    state: str = ""
    agency: str = ""
    cases_after: int | None = None
    deadlines_after: DeadlineKey | None = None
    escalations_after: int | None = None
    limit: int = 20
    soon: int = 5  # working days ahead that count as "due soon"


class Page(Result, Generic[ItemT]):
    """One page of a list; ``next_after`` (None on the last page) is where the next starts."""

    items: list[ItemT]
    next_after: int | None


def _cut(rows: Sequence[RowT], limit: int) -> tuple[list[RowT], bool]:
    """The page of ``rows`` (read with one more than ``limit``), and whether there is more."""
    return list(rows[:limit]), len(rows) > limit


class StateChoice(Result):
    key: str
    label: str


class ReviewTypeChoice(Result):
    """The latest version of a review type, as filters and "open a case" offer it."""

    key: str
    name: str
    version: int
    states: list[StateChoice]
    open_roles: list[str]


class ActionLine(Result):
    """A case in a state where the person's role has a step (allowed or blocked)."""

    id: int
    reference: str
    title: str
    review_type: str
    type_name: str
    state: str
    stage: str
    updated_at: datetime
    steps: list[str]


class DueLine(Result):
    """A deadline missed or falling due soon, with its case."""

    id: int
    case_id: int
    reference: str
    title: str
    review_type: str
    type_name: str
    state: str
    stage: str
    name: str
    label: str
    status: DeadlineStatus
    due_date: date
    due_at: datetime


class DuePage(Result):
    """Deadlines soonest first; ``next_after`` (``due_at`` and id, as text) carries on."""

    items: list[DueLine]
    next_after: str | None


class EscalationLine(Result):
    """An escalation raised to the person's role and not yet acknowledged."""

    id: int
    case_id: int
    reference: str
    title: str
    review_type: str
    type_name: str
    deadline_name: str
    reason: str
    raised_at: datetime
    to_roles: list[str]


class Board(Result):
    today: date
    horizon: datetime
    action: Page[ActionLine]
    due: DuePage
    escalations: Page[EscalationLine]
    agencies: list[str]


class LinkedLine(Result):
    """A case linked to this one, as the case page lists it."""

    id: int
    reference: str
    title: str
    opened_from: bool  # the case this one was opened from (else one opened from this one)


# -- the board --------------------------------------------------------------------------------


def board(service: Service, actor: Actor, query: BoardQuery) -> Board:
    """The three lists of the person's dashboard, and the agencies to filter by."""
    today = service.calendar.local_date(service.now())
    horizon = service.calendar.end_of_day(service.calendar.add_working_days(today, query.soon))
    filters = model.CaseFilter(query.review_type, query.state, query.agency)
    with service.store.read() as u:
        versions = _versions(service, u)
        names = {d.key: d.name for d in versions.values()}
        where = u.dashboard.narrowing(actor, filters)
        return Board(
            today=today,
            horizon=horizon,
            action=_action(u, actor, where, versions, names, query),
            due=_due(u, actor, where, versions, names, query, horizon),
            escalations=_escalations(u, actor, where, versions, names, query),
            agencies=_agencies(u),
        )


def _versions(service: Service, u: Unit) -> dict[int, Definition]:
    """Every published definition version by id (a small table; each is parsed once)."""
    return {row.id or 0: service.definitions.parsed(row) for row in u.catalog.all()}


def _limit(query: BoardQuery) -> int:
    return min(max(query.limit, 1), MAX_PAGE)


def _stage(d: Definition | None, state: str) -> str:
    return d.label_of(state) if d else state


def _offered(
    versions: Mapping[int, Definition], role: str, review_type: str
) -> dict[int, list[str]]:
    """For each definition version (of ``review_type``, when given): the states offering
    ``role`` a step."""
    offered = {}
    for version_id, d in versions.items():
        if review_type and d.key != review_type:
            continue
        states = sorted({s for t in d.transitions if role in t.roles for s in t.sources})
        if states:
            offered[version_id] = states
    return offered


def _action(
    u: Unit,
    actor: Actor,
    where: model.Narrowing,
    versions: Mapping[int, Definition],
    names: Mapping[str, str],
    query: BoardQuery,
) -> Page[ActionLine]:
    """Cases in a state where the actor's role has a step (allowed or blocked), newest first."""
    limit = _limit(query)
    offered = _offered(versions, actor.role, query.review_type)
    rows = u.dashboard.cases_offering(where, offered, query.cases_after, limit + 1)
    kept, more = _cut(rows, limit)
    items = []
    for row in kept:
        d = versions.get(row.definition_id)
        steps = d.transitions_from(row.state) if d else ()
        items.append(
            ActionLine(
                id=row.id,
                reference=row.reference,
                title=row.title,
                review_type=row.review_type,
                type_name=names.get(row.review_type, row.review_type),
                state=row.state,
                stage=_stage(d, row.state),
                updated_at=row.updated_at,
                steps=[t.label or t.trigger for t in steps if actor.role in t.roles],
            )
        )
    return Page(items=items, next_after=kept[-1].id if more and kept else None)


def deadline_key(text: str | None) -> DeadlineKey | None:
    """The key a ``DuePage.next_after`` names (None when it names none)."""
    stamp, _, ident = (text or "").rpartition("_")
    try:
        return datetime.fromisoformat(stamp), int(ident)
    except ValueError:
        return None


def _due(
    u: Unit,
    actor: Actor,
    where: model.Narrowing,
    versions: Mapping[int, Definition],
    names: Mapping[str, str],
    query: BoardQuery,
    horizon: datetime,
) -> DuePage:
    """Deadlines missed or falling due by ``horizon``, soonest (so most overdue) first."""
    limit = _limit(query)
    rows = u.dashboard.deadlines_due(where, horizon, query.deadlines_after, limit + 1)
    items = [
        DueLine(
            id=row.id,
            case_id=row.case_id,
            reference=row.reference,
            title=row.title,
            review_type=row.review_type,
            type_name=names.get(row.review_type, row.review_type),
            state=row.state,
            stage=_stage(versions.get(row.definition_id), row.state),
            name=row.name,
            label=row.label,
            status=DeadlineStatus(row.status),
            due_date=row.due_date,
            due_at=row.due_at,
        )
        for row in rows[:limit]
    ]
    last = items[-1] if len(rows) > limit and items else None
    return DuePage(items=items, next_after=f"{last.due_at.isoformat()}_{last.id}" if last else None)


def escalation_roles(versions: Mapping[int, Definition]) -> set[str]:
    """Every role a published review type escalates to (by a timer or a stall rule), and
    those a record's deadline escalates to (an agency's contribution or action)."""
    roles: set[str] = {*CONTRIBUTION_ESCALATE_TO, *ACTION_ESCALATE_TO}
    for d in versions.values():
        for timer in d.timers.values():
            roles.update(timer.escalate_to)
        for state in d.states.values():
            if state.stall is not None:
                roles.update(state.stall.escalate_to)
    return roles


def _escalations(
    u: Unit,
    actor: Actor,
    where: model.Narrowing,
    versions: Mapping[int, Definition],
    names: Mapping[str, str],
    query: BoardQuery,
) -> Page[EscalationLine]:
    """Escalations raised to the actor's role and not yet acknowledged, newest first."""
    if actor.role not in escalation_roles(versions):
        return Page(items=[], next_after=None)  # nothing escalates to this role
    limit = _limit(query)
    walk = u.dashboard.escalations_open_to(where, actor.role, query.escalations_after, limit + 1)
    kept, more = _cut(walk.found, limit)
    items = [
        EscalationLine(
            id=row.id,
            case_id=row.case_id,
            reference=row.reference,
            title=row.title,
            review_type=row.review_type,
            type_name=names.get(row.review_type, row.review_type),
            deadline_name=row.deadline_name,
            reason=row.reason,
            raised_at=row.raised_at,
            to_roles=list(row.to_roles),
        )
        for row in kept
    ]
    if more and kept:
        return Page(items=items, next_after=kept[-1].id)
    # A walk that stopped early carries on after the last escalation it read.
    return Page(items=items, next_after=walk.resume_before)


def _agencies(u: Unit) -> list[str]:
    """Agency names the board's users work for, for the agency filter."""
    lists = u.dashboard.agencies_of_active_users()
    names = {str(a).strip() for agencies in lists for a in agencies if str(a).strip()}
    return sorted(names, key=str.casefold)


# -- review types and linked cases --------------------------------------------------------------


def review_types(service: Service) -> list[ReviewTypeChoice]:
    """The latest version of each review type (one query)."""
    with service.store.read() as u:
        latest = service.definitions.latest(u)
    return [
        ReviewTypeChoice(
            key=row.key,
            name=row.name,
            version=row.version,
            states=[StateChoice(key=s.key, label=s.label) for s in d.states.values()],
            open_roles=list(d.open_roles),
        )
        for row, d in latest
    ]


def linked_cases(
    service: Service, actor: Actor, case_id: int, linked_case_id: int | None
) -> list[LinkedLine]:
    """The case this one was opened from and the cases opened from it, that the actor may see."""
    with service.store.read() as u:
        rows = u.dashboard.linked_cases(actor, case_id, linked_case_id, LINKED_MAX)
    return [
        LinkedLine(
            id=row.id,
            reference=row.reference,
            title=row.title,
            opened_from=row.id == linked_case_id,
        )
        for row in rows
    ]


__all__ = [
    "ActionLine",
    "Board",
    "BoardQuery",
    "DueLine",
    "DuePage",
    "EscalationLine",
    "LinkedLine",
    "Page",
    "ReviewTypeChoice",
    "StateChoice",
    "board",
    "deadline_key",
    "escalation_roles",
    "linked_cases",
    "review_types",
]
