"""Loading the demonstration board: its users (new passwords each run, the reviewer's token
replaced), then each planned case opened and moved to its stage through the service, with the
real triggers, by the people whose role allows each step.

Running it again adds nothing twice: a demo case is found by its type and title (and
``data.demo``); one left part-way by an interrupted run is moved on to its stage; the cases a
step opened (a conversion) are found through their link. Real accounts are never touched: if a
demo name is taken by one, nothing is loaded.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, timedelta

from pydantic import SecretStr

from workflow.core.definition import Definition
from workflow.core.errors import AlreadyExists
from workflow.services import accounts
from workflow.services.cases import CaseView, Service
from workflow.services.demo.people import BY_ROLE, DEMO_DOMAIN, REVIEWER, USERS
from workflow.services.demo.plans import plans
from workflow.services.demo.register import load_register
from workflow.services.demo.steps import Plan, Step, day
from workflow.store.models.cases import Case


@dataclass(frozen=True)
class CaseLine:
    """A case on the board, as the printout lists it."""

    review_type: str
    title: str
    reference: str
    state: str
    new: bool


@dataclass(frozen=True)
class Board:
    """What a run loaded: each user with the password it set, the reviewer's token, the cases."""

    users: tuple[tuple[str, str, str], ...]  # name, role, password
    token_user: str
    token: str
    cases: tuple[CaseLine, ...]

    @property
    def new_cases(self) -> int:
        return sum(1 for c in self.cases if c.new)


@dataclass(frozen=True)
class _Position:
    """Where a case stands: enough to take its next step."""

    id: int
    reference: str
    definition_version: int
    state: str
    version: int

    @classmethod
    def of(cls, case: CaseView) -> _Position:
        return cls(case.id, case.reference, case.definition_version, case.state, case.version)


def load(service: Service) -> Board:
    """Load the board into an initialised database (schema upgraded, review types published)."""
    users, token = _load_users(service)
    load_register(service)
    today = service.calendar.local_date(service.now())
    lines = tuple(line for plan in plans(today) for line in _load_case(service, plan, today))
    return Board(users, REVIEWER.name, token, lines)


def expected_cases(service: Service, today: date) -> int:
    """How many cases the board holds: one per plan, and one more for each step that opens a
    linked case (a conversion)."""
    total = 0
    for plan in plans(today):
        d = service.definition(plan.review_type)
        state, opened = d.initial, 0
        for step in plan.steps:
            t = d.find(step.trigger, state)
            if t is None:
                break
            opened += t.opens is not None
            state = t.dest
        total += 1 + opened
    return total


# -- the users ------------------------------------------------------------------------------


def _load_users(service: Service) -> tuple[tuple[tuple[str, str, str], ...], str]:
    """Create or refresh the demo users with new passwords and a new reviewer token, or change
    nothing when a name is taken by an account that is not a demo one."""
    now = service.now()
    out = []
    with service.store.write() as u:
        existing = accounts.accounts_named(u, [user.name for user in USERS])
        taken = [n for n, user in existing.items() if not user.email.endswith(f"@{DEMO_DOMAIN}")]
        if taken:
            raise AlreadyExists(
                "The demo was not loaded: its user names are taken by real accounts, whose "
                "passwords it will not change. Load the demo into a database of its own.",
                [f"A user named '{n}' exists already." for n in sorted(taken)],
            )
        for demo_user in USERS:
            password = secrets.token_urlsafe(12)
            new = accounts.NewUser(
                name=demo_user.name,
                role=demo_user.role,
                agencies=demo_user.agencies,
                email=demo_user.email,
                password=SecretStr(password),
            )
            row = existing.get(demo_user.name)
            if row is None:
                accounts.add_user(u, new, now)
            else:
                accounts.reset_user(u, row, new)
            out.append((demo_user.name, demo_user.role, password))
        # Each run replaces the reviewer's token, as it replaces every password.
        token = accounts.issue_token(u, REVIEWER.name, now, replacing=True)
    return tuple(out), token


# -- the cases ------------------------------------------------------------------------------


def _load_case(service: Service, plan: Plan, today: date) -> list[CaseLine]:
    """The planned case at its stage, then each case its steps opened at theirs."""
    line, case_id = _drive(service, plan, today, _found(service, plan))
    out = [line]
    with service.store.read() as u:
        opened = u.demo.opened_by(case_id)
    for linked in opened:
        data = dict(linked.data)
        new = data.get("demo") is not True
        if new:
            # Opened by the conversion with the incident's own data; marked as the demo's.
            service.update_data(
                REVIEWER.actor, linked.id or 0, {"demo": True}, linked.version, "Demo board."
            )
        follow = Plan(linked.review_type, linked.title, data | {"demo": True}, plan.linked_steps)
        found = _position(service, linked.id or 0)
        out.append(replace(_drive(service, follow, today, found)[0], new=new))
    return out


def _found(service: Service, plan: Plan) -> _Position | None:
    with service.store.read() as u:
        case = u.demo.demo_case(plan.review_type, plan.title)
        return _read(case) if case is not None else None


def _position(service: Service, case_id: int) -> _Position | None:
    # Read from the row, not through get_case: nobody looked at the case, so no access is logged.
    with service.store.read() as u:
        case = u.demo.case(case_id)
        return _read(case) if case is not None else None


def _read(case: Case) -> _Position:
    return _Position(
        case.id or 0, case.reference, case.definition_version, case.state, case.version
    )


def _agencies(service: Service, case_id: int) -> tuple[str, ...]:
    """The agencies the case names (a step may have named them; a case left part-way by an
    interrupted run may name fewer than its plan)."""
    with service.store.read() as u:
        case = u.demo.case(case_id)
        return tuple(case.data.get("agencies") or ()) if case is not None else ()


def _drive(
    service: Service, plan: Plan, today: date, found: _Position | None
) -> tuple[CaseLine, int]:
    """Open the case (unless found) and take the steps it has not taken yet."""
    if found is None:
        opener = service
        if plan.opened_days_ago:
            earlier = service.now() - timedelta(days=plan.opened_days_ago)
            opener = Service(service.store, service.calendar, lambda: earlier, service.page_size)
        case = _Position.of(
            opener.open_case(REVIEWER.actor, plan.review_type, plan.title, dict(plan.data))
        )
    else:
        case = found
    d = service.definition(plan.review_type, case.definition_version)
    for step in _steps_left(d, plan.steps, case.state):
        if step.records is not None:
            step.records(service, case.id, today, _agencies(service, case.id))
            case = _position(service, case.id) or case
        taken = service.transition(
            BY_ROLE[step.role].actor,
            case.id,
            step.trigger,
            case.version,
            step.note,
            {**step.data, **{k: day(today, n) for k, n in step.dated.items()}},
        )
        case = _Position.of(taken)
    line = CaseLine(plan.review_type, plan.title, case.reference, case.state, found is None)
    return line, case.id


def _steps_left(d: Definition, steps: tuple[Step, ...], state: str) -> tuple[Step, ...]:
    """The steps after the one that led to ``state`` (none, if the case left the plan's path)."""
    states = [d.initial]
    for step in steps:
        t = d.find(step.trigger, states[-1])
        states.append(t.dest if t else "")
    return steps[states.index(state) :] if state in states else ()
