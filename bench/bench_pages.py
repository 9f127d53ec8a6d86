"""Benchmark: how fast the dashboard and a case page answer with 100,000 cases stored.

A database is loaded with 100,000 cases (``--cases`` to change) by SQLAlchemy Core bulk inserts:
cases of all four shipped review types spread over their stages and over four agencies, each
with its "created" audit event and the deadlines it would have (stall clocks, the notification
limit of incidents, overdue and due soon among them), and open escalations on one case in
twenty. A few cases are then opened and moved through the real service so the case page shows a
real one with a timeline.

Each page is fetched in-process with Flask's test client, signed in, after a warm-up, and the
median and 95th percentile are printed per page and person. The target is a median under
100 ms; it exits 1 when a median misses it and ``--strict`` is given.

    python bench/bench_pages.py [--cases 100000] [--rounds 30] [--database-url URL] [--strict]

With no ``--database-url`` it uses a new SQLite file in a temporary folder. A PostgreSQL URL is
used as given: its public schema is dropped and remade first.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Engine
from werkzeug.security import generate_password_hash

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from web.app import create_app  # noqa: E402
from workflow.core.calendar import WorkingCalendar  # noqa: E402
from workflow.core.errors import WorkflowError  # noqa: E402
from workflow.core.roles import Actor  # noqa: E402
from workflow.services import accounts, records  # noqa: E402
from workflow.services.cases import Service  # noqa: E402
from workflow.settings import Settings  # noqa: E402
from workflow.store.db import make_engine  # noqa: E402
from workflow.store.models.cases import Case, CaseAgency, Event  # noqa: E402
from workflow.store.models.catalog import ReviewTypeVersion  # noqa: E402
from workflow.store.models.time import Deadline, Escalation  # noqa: E402
from workflow.store.schema import upgrade  # noqa: E402
from workflow.store.unit import Store  # noqa: E402

DEFINITIONS = REPO / "definitions"
TARGET_MS = 100.0
CHUNK = 10_000
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # a Monday morning
AGENCIES = (
    "Northshire Police",
    "Northshire Children's Social Care",
    "Northshire NHS Trust",
    "Harbour Academy",
)
PASSWORD = "benchmark password"
PEOPLE = {
    "rita": ("reviewer", ()),
    "carl": ("chair", ()),
    "pat": ("agency", ("Northshire Police",)),
    "Lena Lead": ("lead_reviewer", ()),
}

CASES: Table = Case.__table__  # type: ignore[attr-defined]
DEADLINES: Table = Deadline.__table__  # type: ignore[attr-defined]
EVENTS: Table = Event.__table__  # type: ignore[attr-defined]
ESCALATIONS: Table = Escalation.__table__  # type: ignore[attr-defined]
CASE_AGENCIES: Table = CaseAgency.__table__  # type: ignore[attr-defined]


def _reset_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i : i + CHUNK]


def load(engine: Engine, service: Service, n: int, seed: int = 7) -> None:
    """Bulk-insert ``n`` cases with their events, deadlines and escalations."""
    rng = random.Random(seed)
    calendar = service.calendar
    with engine.connect() as conn:
        versions = conn.execute(
            select(ReviewTypeVersion.id, ReviewTypeVersion.key, ReviewTypeVersion.version)  # type: ignore[call-overload]
        ).all()
    kinds = []
    for ident, key, version in versions:
        d = service.definition(key, version)
        kinds.append((ident, key, version, d, list(d.states)))
    start_id = 1_000_000  # clear of the ids the service hands out
    cases: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    deadlines: list[dict[str, Any]] = []
    escalations: list[dict[str, Any]] = []
    case_agencies: list[dict[str, Any]] = []
    for i in range(n):
        ident, key, version, d, states = kinds[i % len(kinds)]
        state = rng.choice(states)
        case_id = start_id + i
        names = rng.sample(AGENCIES, rng.randint(1, 3))
        created = NOW - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1440))
        aware = created.date()
        data: dict[str, Any] = {"agencies": names}
        if key == "notifiable_incident":
            data["aware_at"] = aware.isoformat()
        cases.append(
            {
                "id": case_id,
                "reference": f"B{i:07d}",
                "review_type": key,
                "definition_id": ident,
                "definition_version": version,
                "state": state,
                "version": 1,
                "title": f"Child {i}",
                "data": data,
                "milestones": {f"entered:{state}": created.isoformat()},
                "agencies": "|" + "|".join(sorted(a.casefold() for a in names)) + "|",
                "lead_name": "",
                "created_at": created,
                "updated_at": created,
                "created_by": "bench",
                "linked_case_id": None,
                "last_seq": 1,  # its one event below: the next is numbered from it
            }
        )
        case_agencies.extend({"case_id": case_id, "agency": a.casefold()} for a in names)
        events.append(
            {
                "case_id": case_id,
                "seq": 1,
                "at": created,
                "actor": "bench",
                "actor_role": "reviewer",
                "kind": "created",
                "trigger": None,
                "from_state": None,
                "to_state": state,
                "note": "",
                "detail": {},
            }
        )
        # A stall reminder the sweep already raised (missed, no longer current), as every case
        # that ever sat still for a while has, and its escalation.
        old_due = NOW.date() - timedelta(days=rng.randint(1, 400))
        history = _deadline(case_id, "stall", "Progress", old_due, calendar)
        history.update(status="missed", current=False, fired_at=calendar.end_of_day(old_due))
        deadlines.append(history)
        escalations.append(
            _escalation(case_id, "stall", "No progress.", ["chair"], old_due, rng, 0.9)
        )
        if state in d.final_states:
            continue
        # The state's stall clock runs ahead: the sweep restarts it whenever it falls due.
        stall_due = NOW.date() + timedelta(days=rng.randint(0, 60))
        deadlines.append(
            _deadline(case_id, "stall", f"Progress in {d.label_of(state)}", stall_due, calendar)
        )
        for name, timer in d.timers.items():
            if state in timer.runs_in:
                due = NOW.date() + timedelta(days=rng.randint(-20, 40))
                row = _deadline(case_id, name, timer.label, due, calendar)
                if due < NOW.date() and rng.random() < 0.9:  # the sweep has fired most of them
                    row.update(status="missed", fired_at=calendar.end_of_day(due))
                    escalations.append(
                        _escalation(
                            case_id,
                            name,
                            f"{timer.label} was due.",
                            list(timer.escalate_to),
                            due,
                            rng,
                            0.5,
                        )
                    )
                deadlines.append(row)
    with engine.begin() as conn:
        for table, rows in (
            (CASES, cases),
            (CASE_AGENCIES, case_agencies),
            (EVENTS, events),
            (DEADLINES, deadlines),
            (ESCALATIONS, escalations),
        ):
            for chunk in _chunks(rows):
                conn.execute(table.insert(), chunk)
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('\"case\"', 'id'), 2000000)"))
    print(
        f"loaded {len(cases):,} cases, {len(events):,} events, {len(deadlines):,} deadlines, "
        f"{len(escalations):,} escalations"
    )


def _escalation(
    case_id: int,
    name: str,
    reason: str,
    roles: list[str],
    due: date,
    rng: random.Random,
    acknowledged: float,
) -> dict[str, Any]:
    raised = datetime.combine(due + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    done = rng.random() < acknowledged
    return {
        "case_id": case_id,
        "deadline_id": None,
        "deadline_name": name,
        "reason": reason,
        "to_roles": roles,
        "raised_at": raised,
        "acknowledged_by": "carl" if done else None,
        "acknowledged_at": raised + timedelta(days=1) if done else None,
    }


def _deadline(
    case_id: int, name: str, label: str, due: date, calendar: WorkingCalendar
) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "name": name,
        "label": label,
        "status": "pending",
        "current": True,
        "due_date": due,
        "due_at": calendar.end_of_day(due),
        "opened_at": NOW - timedelta(days=30),
        "met_at": None,
        "met_date": None,
        "escalate_to": ["chair"],
        "claimed_by": None,
        "lease_expires_at": None,
        "attempts": 0,
        "fired_at": None,
        "lateness_seconds": None,
    }


def real_case(service: Service) -> int:
    """A serious case review moved through the service to its findings, for the case page."""
    chair, reviewer = Actor("carl", "chair"), Actor("rita", "reviewer")
    agencies = ["Northshire Police", "Northshire NHS Trust"]
    case = service.open_case(reviewer, "serious_case_review", "Child Z", {"agencies": agencies})
    steps: list[tuple[Actor, str, dict[str, Any]]] = [
        (
            chair,
            "decide_scr",
            {
                "criteria": dict.fromkeys(("abuse_or_neglect", "child_died"), True)
                | dict.fromkeys(
                    ("seriously_harmed", "concern_about_working_together", "died_in_custody"), False
                ),
                "decision_rationale": "Criteria met.",
            },
        ),
        (
            reviewer,
            "appoint_lead",
            {
                "scoping": {"scale": "Full", "method": "Systems"},
                "lead_reviewer": {"name": "Lena Lead", "organisations": ["Independent"]},
            },
        ),
        (
            reviewer,
            "start_involvement",
            {  # the national panel was told that the review started, and who leads it
                "panel_told_of_review_at": NOW.date().isoformat(),
                "panel_told_of_lead": "Lena Lead",
            },
        ),
        (reviewer, "begin_findings", {}),  # involvement is records (see ``involve``)
    ]
    for who, trigger, data in steps:
        if trigger == "begin_findings":  # involvement is records now: invite them first
            involve(service, reviewer, case.id, agencies)
            case = service.get_case(reviewer, case.id)
        try:
            case = service.transition(who, case.id, trigger, case.version, "bench", data)
        except WorkflowError as exc:  # the shipped rules changed: this script must follow them
            raise SystemExit(
                f"the real case stops at {case.state} ({trigger}): {exc.message} "
                "Give real_case() what the shipped definition now asks for."
            ) from exc
    print(f"the real case ({case.reference}) is in {case.state}")
    return int(case.id)


def involve(service: Service, actor: Actor, case_id: int, agencies: list[str]) -> None:
    """A practitioner of each agency involved and a parent, invited, as records."""
    invited = (NOW - timedelta(days=3)).date().isoformat()
    wanted: list[tuple[str, dict[str, Any]]] = [
        ("practitioners", {"agency": a, "role_title": "Social worker", "invited_on": invited})
        for a in agencies
    ]
    wanted.append(
        (
            "family_members",
            {"relationship": "Mother", "invited_on": invited, "how_explained": "A meeting."},
        )
    )
    for kind, fields in wanted:
        version = service.get_case(actor, case_id).version
        records.add_record(service, actor, records.AddRecord.of(case_id, kind, fields, version))


def timed(client: Any, url: str, rounds: int) -> tuple[float, float]:
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def sign_in(app: Any, name: str) -> Any:
    import re

    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    response = client.post(
        "/sign-in", data={"csrf_token": token.group(1), "name": name, "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a median misses 100 ms")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file afterwards")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        _reset_postgres(engine)
    upgrade(engine)
    service = Service(Store(engine), WorkingCalendar(), lambda: NOW)
    service.publish_missing(DEFINITIONS)
    with service.store.write() as u:
        for name, (role, agencies) in PEOPLE.items():
            new = accounts.NewUser(name=name, role=role, agencies=list(agencies))
            user = accounts.add_user(u, new, NOW)
            user.password_hash = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
    began = time.perf_counter()
    load(engine, service, args.cases)
    case_id = real_case(service)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text("ANALYZE")
            )  # as autovacuum would have by now; SQLite has no such habit
        stored = conn.execute(select(func.count()).select_from(CASES)).scalar_one()
    print(f"{stored:,} cases stored in {time.perf_counter() - began:.0f} s ({engine.dialect.name})")

    settings = Settings(
        root=folder,
        database_url=url,
        secret_key="bench-secret-key-0123456789abcdef",
        definitions_dir=DEFINITIONS,
        instance_dir=folder,
    )
    app = create_app(settings, service=service)
    police_case = real_police_case = service.open_case(
        Actor("rita", "reviewer"),
        "notifiable_incident",
        "Child P",
        {"aware_at": "2026-11-26", "agencies": ["Northshire Police"]},
    ).id
    del real_police_case
    pages = [
        ("rita", "dashboard", "/"),
        ("carl", "dashboard", "/"),
        ("pat", "dashboard", "/"),
        (
            "rita",
            "dashboard, filtered",
            "/?review_type=notifiable_incident&state=referral&agency=Northshire+Police",
        ),
        ("carl", "dashboard, page 2", "/?cases_after=1050000"),
        ("Lena Lead", "dashboard", "/"),
        ("rita", "case page", f"/cases/{case_id}"),
        ("carl", "case page", f"/cases/{case_id}"),
        ("pat", "case page", f"/cases/{police_case}"),
        ("rita", "case page (bulk-loaded)", "/cases/1000001"),
        ("rita", "all cases", "/cases"),
    ]
    clients = {name: sign_in(app, name) for name in PEOPLE}
    print(f"\n{'page':<28} {'who':<10} {'median ms':>10} {'p95 ms':>8}")
    missed = []
    for who, label, page_url in pages:
        median, p95 = timed(clients[who], page_url, args.rounds)
        mark = "" if median < TARGET_MS else "  <- over the target"
        print(f"{label:<28} {who:<10} {median:>10.1f} {p95:>8.1f}{mark}")
        if median >= TARGET_MS and label.split(",")[0] in ("dashboard", "case page"):
            missed.append(label)
    print(f"\ntarget: median under {TARGET_MS:.0f} ms for the dashboard and a case page")
    print("met" if not missed else f"missed: {', '.join(missed)}")
    engine.dispose()
    if args.keep or args.database_url:
        print(f"kept {folder}" if not args.database_url else "")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
