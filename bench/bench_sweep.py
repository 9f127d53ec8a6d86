"""Benchmark: the sweep's cost follows what is due, not what is stored.

Two SQLite files in a temporary folder hold the same shipped review types and two users; one
holds 1,000 pending deadlines that are not due, the other 1,000,000 (each on a case of its own),
bulk-inserted with SQLAlchemy Core (INSERT … SELECT, the rows generated in SQL). Each round
adds 100 due notification deadlines (T1, on cases of their own) to both and times one sweep of
each at the same instant: claim, then fire each in one transaction with its case (deadline
missed, escalation with its sentence, two audit events, two notices, the case version bumped).
Rounds alternate between the two files so that whatever else the machine does weighs on both
alike; the medians are compared.

The same writes are also timed as bare SQLAlchemy Core transactions, one per deadline, with no
reads and no ORM: what the sweep adds on top of the writes it has to make.

It prints a table and the ratio of the two sweeps and exits 1 when the sweep among 1,000,000
costs 2 times as much or more than among 1,000 (the ``(status, due_at)`` index keeps the claim
on the due rows only).

    python bench/bench_sweep.py [--large 1000000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.engine import Engine

from workflow.core.calendar import WorkingCalendar
from workflow.services.cases import Service
from workflow.services.time.sweep import Sweeper, claim_due
from workflow.store.db import make_engine
from workflow.store.models.accounts import User
from workflow.store.models.cases import Case, Event
from workflow.store.models.catalog import ReviewTypeVersion
from workflow.store.models.time import Deadline, Escalation, Notice
from workflow.store.schema import upgrade
from workflow.store.unit import Store as DbStore

REPO = Path(__file__).resolve().parent.parent
DEFINITIONS = REPO / "definitions"
LIMIT = 2.0
DUE = 100
CHUNK = 250_000
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
DUE_DATE = date(2026, 11, 27)  # 5 working days after 20 Nov: fell due before NOW
FAR = date(2031, 6, 30)  # the pending ones that are not due

CASES: Table = Case.__table__  # type: ignore[attr-defined]
DEADLINES: Table = Deadline.__table__  # type: ignore[attr-defined]
EVENTS: Table = Event.__table__  # type: ignore[attr-defined]
ESCALATIONS: Table = Escalation.__table__  # type: ignore[attr-defined]
NOTICES: Table = Notice.__table__  # type: ignore[attr-defined]
USERS: Table = User.__table__  # type: ignore[attr-defined]
VERSIONS: Table = ReviewTypeVersion.__table__  # type: ignore[attr-defined]
CAL = WorkingCalendar()


class Store:
    """One SQLite file with ``pending`` deadlines that are not due."""

    def __init__(self, folder: Path, name: str, pending: int) -> None:
        self.pending = pending
        self.db: Engine = make_engine(f"sqlite:///{folder / name}.db")
        upgrade(self.db)
        self.service = Service(DbStore(self.db), CAL, lambda: NOW)
        self.service.publish_missing(DEFINITIONS)
        with self.db.begin() as conn:
            self.definition_id = conn.execute(
                select(VERSIONS.c.id).where(VERSIONS.c.key == "notifiable_incident")
            ).scalar_one()
            conn.execute(
                insert(USERS),
                [
                    {
                        "name": n,
                        "role": r,
                        "agencies": [],
                        "email": f"{n}@board.example",
                        "password_hash": "",
                        "active": True,
                        "created_at": NOW,
                    }
                    for n, r in (("rita", "reviewer"), ("carl", "chair"))
                ],
            )
        self.serial = 0
        started = time.perf_counter()
        for count in chunks(pending):
            self.add(count, FAR)
        self.load_seconds = time.perf_counter() - started

    def add(self, count: int, due_date: date) -> list[int]:
        """``count`` notifiable incidents in referral, each with its T1 deadline pending, written
        by two INSERT … SELECT statements (rows generated in SQL, so a million load quickly)."""
        first = self.serial
        self.serial += count
        with self.db.begin() as conn:
            after = conn.execute(select(func.coalesce(func.max(CASES.c.id), 0))).scalar_one()
            conn.execute(
                INSERT_CASES,
                {
                    "first": first,
                    "last": first + count - 1,
                    "definition": self.definition_id,
                    "data": json.dumps({"aware_at": "2026-11-20"}),
                    "milestones": json.dumps({"entered:referral": NOW.isoformat()}),
                    "now": stored(NOW),
                },
            )
            conn.execute(
                INSERT_DEADLINES,
                {
                    "after": after,
                    "due_date": due_date.isoformat(),
                    "due_at": stored(CAL.end_of_day(due_date)),
                    "now": stored(NOW),
                    "roles": json.dumps(["reviewer", "chair"]),
                },
            )
            return list(conn.execute(select(CASES.c.id).where(CASES.c.id > after)).scalars())


# SQLite's storage of the columns as SQLAlchemy writes them: dates ISO, instants
# "YYYY-MM-DD HH:MM:SS.ffffff" in UTC (workflow.store.db.UTCDateTime), JSON as text, booleans 0/1.
INSERT_CASES = text("""
    INSERT INTO "case" (reference, review_type, definition_id, definition_version, state,
                        version, title, data, milestones, agencies, lead_name, created_at,
                        updated_at, created_by, linked_case_id)
    WITH RECURSIVE n(i) AS (SELECT :first UNION ALL SELECT i + 1 FROM n WHERE i < :last)
    SELECT printf('NI-2026-%08d', i), 'notifiable_incident', :definition, 1, 'referral', 1,
           'Child ' || i, :data, :milestones, '', '', :now, :now, 'bench', NULL
    FROM n
""")
INSERT_DEADLINES = text("""
    INSERT INTO deadline (case_id, name, label, status, "current", due_date, due_at, opened_at,
                          escalate_to, attempts)
    SELECT id, 'notification', 'Notify Ofsted and the board', 'pending', 1, :due_date,
           :due_at, :now, :roles, 0
    FROM "case" WHERE id > :after ORDER BY id
""")


def stored(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def chunks(total: int) -> Iterator[int]:
    while total > 0:
        yield min(CHUNK, total)
        total -= CHUNK


def timed_sweep(store: Store) -> tuple[float, float]:
    """Seconds for a sweep of DUE due deadlines, and for claiming them alone."""
    store.add(DUE, DUE_DATE)
    gc.collect()
    started = time.perf_counter()
    fired = Sweeper(store.service, owner="bench", batch=200).sweep(NOW)
    seconds = time.perf_counter() - started
    assert len(fired) == DUE, f"fired {len(fired)}, expected {DUE}"
    store.add(DUE, DUE_DATE)
    started = time.perf_counter()
    claimed = claim_due(store.service, NOW, "claim-only", 300, 200)
    claim_seconds = time.perf_counter() - started
    assert len(claimed) == DUE
    with store.db.begin() as conn:  # let them go again, so they don't pile up
        conn.execute(
            update(DEADLINES)
            .where(DEADLINES.c.claimed_by == "claim-only")
            .values(status="cancelled", claimed_by=None, lease_expires_at=None)
        )
    return seconds, claim_seconds


def timed_bare(store: Store) -> float:
    """The same writes as the sweep, as bare Core transactions, one per deadline."""
    ids = store.add(DUE, DUE_DATE)
    with store.db.connect() as conn:
        rows = list(
            conn.execute(
                select(DEADLINES.c.id, DEADLINES.c.case_id).where(DEADLINES.c.case_id.in_(ids))
            )
        )
        seqs = dict(
            conn.execute(
                select(EVENTS.c.case_id, func.max(EVENTS.c.seq))
                .where(EVENTS.c.case_id.in_(ids))
                .group_by(EVENTS.c.case_id)
            ).all()
        )
    gc.collect()
    started = time.perf_counter()
    for deadline_id, case_id in rows:
        with store.db.begin() as conn:
            conn.execute(
                update(DEADLINES)
                .where(DEADLINES.c.id == deadline_id)
                .values(status="missed", fired_at=NOW, lateness_seconds=100, claimed_by=None)
            )
            conn.execute(
                update(CASES)
                .where(CASES.c.id == case_id)
                .values(version=CASES.c.version + 1, updated_at=NOW)
            )
            inserted = conn.execute(
                insert(ESCALATIONS).values(
                    case_id=case_id,
                    deadline_id=deadline_id,
                    deadline_name="notification",
                    reason="x" * 200,
                    to_roles=["reviewer", "chair"],
                    raised_at=NOW,
                )
            ).inserted_primary_key
            assert inserted is not None
            escalation_id = inserted[0]
            seq = seqs.get(case_id, 0)
            conn.execute(
                insert(EVENTS),
                [
                    {
                        "case_id": case_id,
                        "seq": seq + k,
                        "at": NOW,
                        "actor": "scheduler",
                        "actor_role": "system",
                        "kind": kind,
                        "trigger": None,
                        "from_state": None,
                        "to_state": None,
                        "note": "",
                        "detail": {"deadline": "notification"},
                    }
                    for k, kind in ((1, "deadline_missed"), (2, "escalated"))
                ],
            )
            conn.execute(
                insert(NOTICES),
                [
                    {
                        "escalation_id": escalation_id,
                        "recipient": who,
                        "address": f"{who}@x",
                        "subject": "s",
                        "body": "b" * 300,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": NOW,
                        "last_error": "",
                    }
                    for who in ("rita", "carl")
                ],
            )
    return time.perf_counter() - started


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        folder = Path(tmp)
        print(f"loading {args.small:,} and {args.large:,} pending deadlines (SQLite, {folder})")
        stores = [Store(folder, "small", args.small), Store(folder, "large", args.large)]
        for s in stores:
            print(f"  {s.pending:>10,} pending: loaded in {s.load_seconds:.1f} s")
        for s in stores:  # warm-up: caches, parsed definitions, SQLite pages
            timed_sweep(s)
        sweeps: dict[int, list[float]] = {s.pending: [] for s in stores}
        claims: dict[int, list[float]] = {s.pending: [] for s in stores}
        bare: dict[int, list[float]] = {s.pending: [] for s in stores}
        for _ in range(args.rounds):
            for s in stores:  # alternate, so machine load weighs on both alike
                seconds, claim_seconds = timed_sweep(s)
                sweeps[s.pending].append(seconds)
                claims[s.pending].append(claim_seconds)
                bare[s.pending].append(timed_bare(s))
        print(f"\nsweep of {DUE} due deadlines, median of {args.rounds} rounds:")
        print(
            f"  {'pending, not due':>18} | {'sweep':>11} | {'per deadline':>12} | "
            f"{'claim only':>11} | {'bare writes':>11} | sweep / bare"
        )
        med = {}
        for s in stores:
            sweep_m = statistics.median(sweeps[s.pending])
            bare_m = statistics.median(bare[s.pending])
            med[s.pending] = sweep_m
            print(
                f"  {s.pending:>18,} | {ms(sweep_m)} | {ms(sweep_m / DUE)}  | "
                f"{ms(statistics.median(claims[s.pending]))} | {ms(bare_m)} | "
                f"{sweep_m / bare_m:.2f}x"
            )
        for s in stores:
            s.db.dispose()
    ratio = med[args.large] / med[args.small]
    verdict = "ok" if ratio < LIMIT else "TOO SLOW"
    print(
        f"\nratio, {args.large:,} / {args.small:,} pending: {ratio:.2f} "
        f"(must be < {LIMIT:g}): {verdict}"
    )
    return 0 if ratio < LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
