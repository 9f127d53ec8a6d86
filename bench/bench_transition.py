"""Benchmark: the cost of one guarded step through the service layer, and whether it grows
with the number of cases stored.

The step is ``notify`` on a notifiable incident in ``referral`` (criteria answered so the guards
pass, its deadlines open): ``Service.transition`` loads the case and its deadlines, the pure
engine decides, and one transaction writes the case (version-checked), the audit events and the
deadline changes (the notification limit met, the stall clock replaced, the chair's decision
limit opened).

Two databases of the same kind are built: one holding 100 cases and one holding 100,000
(10,000 with ``--quick``), loaded by Core executemany from rows the service itself wrote. The
step is timed on 100 cases of each, alternating between the two databases call by call so that
whatever else the machine is doing weighs on both alike, after a warm-up round; and against a
bare SQLAlchemy Core transaction writing the same rows (no reads, no ORM). It prints a table and
two ratios and exits 1 when the service step costs 1.5 times as much or more with the large
database, so it can be used as a check. See bench/README.md.

    python bench/bench_transition.py [--database-url postgresql://...] [--quick]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, delete, event, func, insert, select, text, update
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from workflow.core.audit_chain import EVENT_FIELDS, GENESIS, link
from workflow.core.calendar import WorkingCalendar
from workflow.core.roles import Actor
from workflow.services.cases import Service
from workflow.store.db import make_engine
from workflow.store.models.cases import Case
from workflow.store.schema import upgrade
from workflow.store.unit import Store

REPO = Path(__file__).resolve().parent.parent
DEFINITIONS = REPO / "definitions"
LIMIT = 1.5  # the service step may cost at most this much more with the large database
SMALL = 200
TARGETS = 100  # cases a round steps through on each path (the small database holds both sets)
CHUNK = 5_000  # rows per executemany while loading
SMALL_SCHEMA = "bench_small"  # on PostgreSQL the large database is the public schema

CASES: Table = Case.__table__  # type: ignore[attr-defined]

REVIEWER = Actor("rita", "reviewer")
START = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # a Monday morning
NOTIFIABLE = {
    "abuse_or_neglect": True,
    "child_died": False,
    "seriously_harmed": True,
    "looked_after_child": False,
    "regulated_setting": False,
}
# How each review type is opened for the filler cases (data passing each open guard).
OPENINGS: dict[str, dict[str, Any]] = {
    "notifiable_incident": {
        "aware_at": "2026-11-26",
        "criteria": NOTIFIABLE,
        "agencies": ["Police", "Children's social care"],
    },
    "learning_review": {"agencies": ["Health"]},
    "serious_case_review": {"agencies": ["Police", "Education"]},
    "child_death_review": {"date_of_death": "2026-11-20"},
}
STEP_DATA = {"notified_at": "2026-11-30"}
STEP_NOTE = "Notified Ofsted and the board by secure e-mail."


class Clock:
    """The injected clock (as in tests/conftest.py); it ticks 1 ms a call, so every write
    carries a new ``updated_at`` like a live request would."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


# -- the database ---------------------------------------------------------------------------


def open_databases(url: str | None, folder: Path) -> tuple[Engine, Engine]:
    """Two fresh, migrated databases (small, large): two SQLite files in ``folder``, or on
    PostgreSQL the schema ``bench_small`` and the public schema, each dropped and recreated."""
    if not url:
        return (
            _migrated(make_engine(f"sqlite:///{folder / 'small.db'}")),
            _migrated(make_engine(f"sqlite:///{folder / 'large.db'}")),
        )
    if not url.startswith("postgresql"):
        sys.exit("--database-url takes a PostgreSQL URL; SQLite runs in a temporary directory")
    engines = []
    for schema in (SMALL_SCHEMA, "public"):
        db = make_engine(url, connect_args={"options": f"-c search_path={schema}"})
        with db.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engines.append(_migrated(db))
    return engines[0], engines[1]


def _migrated(db: Engine) -> Engine:
    upgrade(db)
    return db


def describe(db: Engine, folder: Path) -> str:
    with db.connect() as conn:
        if db.dialect.name == "sqlite":
            version = conn.exec_driver_sql("select sqlite_version()").scalar()
            journal = conn.exec_driver_sql("pragma journal_mode").scalar()
            sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(
                int(conn.exec_driver_sql("pragma synchronous").scalar() or 0), "?"
            )
            return f"SQLite {version} ({journal}, synchronous={sync}) in {folder}"
        version = conn.exec_driver_sql("show server_version").scalar()
        where = db.url.render_as_string(hide_password=True)
        return f"PostgreSQL {version} at {where} (schemas {SMALL_SCHEMA} and public)"


def settle(db: Engine) -> None:
    """After a bulk load, what a database in service would have done by itself, so it does not
    happen in the middle of a timing: PostgreSQL's autovacuum analyses the tables; SQLite
    checkpoints its write-ahead log. (SQLite is not ANALYZEd: the product never does it.)"""
    if db.dialect.name == "postgresql":
        # Only this schema's tables (found by the engine's search_path): a database-wide VACUUM
        # after loading the small schema recorded the other's still-empty tables as empty, and
        # the foreign-key checks of its 100,000-case load then scanned whole tables (11 minutes
        # instead of 15 seconds).
        quote = db.dialect.identifier_preparer.quote
        tables = ", ".join(quote(t.name) for t in SQLModel.metadata.sorted_tables)
        with db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"VACUUM ANALYZE {tables}")
        return
    raw = db.raw_connection()  # outside a transaction: make_engine's connections BEGIN first
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


PG_SIZE = """
    select sum(pg_total_relation_size(c.oid)) from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r'
"""


def database_size(db: Engine) -> str:
    with db.connect() as conn:
        if db.dialect.name == "sqlite":
            pages = conn.exec_driver_sql("pragma page_count").scalar() or 0
            size = conn.exec_driver_sql("pragma page_size").scalar() or 0
            total = int(pages) * int(size)
        else:
            total = int(conn.exec_driver_sql(PG_SIZE).scalar() or 0)
    return f"{total / 2**20:.1f} MiB"


# -- rows: copied from cases the service itself opened ----------------------------------------


def _children() -> list[Table]:
    """Every table whose rows belong to a case (``case_id`` referencing it), parents first."""
    return [
        t
        for t in SQLModel.metadata.sorted_tables
        if any(fk.parent.name == "case_id" and fk.column.table is CASES for fk in t.foreign_keys)
    ]


CHILDREN = _children()
# The audit trail: the database refuses UPDATE and DELETE on these (migration 0002), so a reset
# leaves their rows and the next step appends after them.
APPEND_ONLY = frozenset({"event", "access_log"})


@dataclass(frozen=True)
class Rows:
    """What the bare step must know of a target case, read (untimed) when it was reset."""

    ids: dict[str, list[int]]  # table name -> the ids of the case's rows, oldest first
    next_seq: dict[str, int]  # append-only table with a seq column -> the case's next seq


Step = Callable[[int, int, Rows], None]  # (case id, expected version, its rows)


def _has_id(table: Table) -> bool:
    return "id" in table.c


def _without(row: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in names}


@dataclass(frozen=True)
class Template:
    """The rows one case is stored as (ids left out): the case row and, by table name, the
    rows that belong to it, oldest first."""

    case: dict[str, Any]
    children: dict[str, list[dict[str, Any]]]


def template_of(db: Engine, case_id: int) -> Template:
    with db.connect() as conn:
        case = dict(conn.execute(select(CASES).where(CASES.c.id == case_id)).one()._mapping)
        children = {}
        for table in CHILDREN:
            order = [table.c.id] if _has_id(table) else list(table.primary_key.columns)
            query = select(table).where(table.c.case_id == case_id).order_by(*order)
            children[table.name] = [_without(dict(r._mapping), "id") for r in conn.execute(query)]
    return Template(_without(case, "id"), children)


def open_one(svc: Service, review_type: str) -> int:
    view = svc.open_case(REVIEWER, review_type, f"Template {review_type}", OPENINGS[review_type])
    return int(view.id)


def bulk_insert(db: Engine, templates: Sequence[Template], count: int, first: int) -> list[int]:
    """Insert ``count`` cases cycling through ``templates``, with the rows that belong to them,
    by Core executemany; returns the new case ids in order.

    The case ids are given rather than returned: an INSERT ... RETURNING executemany is turned
    into huge multi-row statements that psycopg parses slowly (loading took about 1.5 times as
    long).
    """
    with db.begin() as conn:
        top = int(conn.execute(select(func.max(CASES.c.id))).scalar() or 0)
        ids = list(range(top + 1, top + 1 + count))
        for start in range(0, count, CHUNK):
            rows = []
            owned: dict[str, list[dict[str, Any]]] = {t.name: [] for t in CHILDREN}
            for i in range(start, min(start + CHUNK, count)):
                t = templates[i % len(templates)]
                prefix = str(t.case["reference"]).split("-", 1)[0]
                name = f"{prefix}-B{first + i:07d}"
                mine = {n: [r | {"case_id": ids[i]} for r in rs] for n, rs in t.children.items()}
                # A copy's events are a hash chain of their own (the case id is in each hash):
                # linked here, so the cases the service steps keep a trail that verifies.
                head = link(GENESIS, mine["event"], EVENT_FIELDS)
                rows.append(
                    t.case
                    | {"id": ids[i], "reference": name, "title": f"Child {first + i}"}
                    | {"last_hash": head}
                )
                for table_name, owned_rows in mine.items():
                    owned[table_name] += owned_rows
            conn.execute(insert(CASES), rows)
            for table in CHILDREN:
                if owned[table.name]:
                    conn.execute(insert(table), owned[table.name])
        if db.dialect.name == "postgresql":  # the service's next case must not reuse an id
            conn.execute(
                text(
                    """select setval(pg_get_serial_sequence('"case"', 'id'), """
                    """(select max(id) from "case"))"""
                )
            )
    return ids


def reset(db: Engine, ids: Sequence[int], t: Template) -> dict[int, Rows]:
    """Put the target cases back as ``t`` (untimed, between rounds): the case row and the rows
    that belong to it, except the audit trail, which only grows. Returns what the bare step
    must know of each case."""
    found = {i: Rows({}, {}) for i in ids}
    with db.begin() as conn:
        for table in reversed(CHILDREN):
            if table.name not in APPEND_ONLY:
                conn.execute(delete(table).where(table.c.case_id.in_(ids)))
        values = _without(t.case, "reference", "title")
        conn.execute(update(CASES).where(CASES.c.id.in_(ids)).values(**values))
        for table in CHILDREN:
            if table.name in APPEND_ONLY:
                if "seq" in table.c:
                    query = (
                        select(table.c.case_id, func.max(table.c.seq))
                        .where(table.c.case_id.in_(ids))
                        .group_by(table.c.case_id)
                    )
                    for case_id, top in conn.execute(query):
                        found[case_id].next_seq[table.name] = int(top or 0) + 1
                        if table.name != "event":
                            continue
                        # The case row numbers its next events from its last one and links
                        # them to its hash (so the service's cases keep a chain that verifies).
                        head = select(table.c.hash).where(
                            table.c.case_id == case_id, table.c.seq == top
                        )
                        conn.execute(
                            update(CASES)
                            .where(CASES.c.id == case_id)
                            .values(last_seq=int(top or 0), last_hash=head.scalar_subquery())
                        )
                continue
            rows = [row | {"case_id": i} for i in ids for row in t.children[table.name]]
            if not rows:
                continue
            conn.execute(insert(table), rows)
            if _has_id(table):
                query = (
                    select(table.c.case_id, table.c.id)
                    .where(table.c.case_id.in_(ids))
                    .order_by(table.c.id)
                )
                for case_id, row_id in conn.execute(query):
                    found[case_id].ids.setdefault(table.name, []).append(row_id)
    return found


# -- the two ways of taking the step ----------------------------------------------------------


@dataclass(frozen=True)
class Writes:
    """What one step wrote, captured from the service: the changed case columns; by table, the
    changed columns of existing rows (by position), the rows appended, and the id-less rows
    replaced as a whole."""

    case: dict[str, Any]
    updated: dict[str, list[tuple[int, dict[str, Any]]]]
    inserted: dict[str, list[dict[str, Any]]]
    replaced: dict[str, list[dict[str, Any]]]

    def summary(self) -> str:
        parts = ["case: 1 updated"]
        for name in sorted({*self.updated, *self.inserted, *self.replaced}):
            done = [
                f"{len(self.updated[name])} updated" if name in self.updated else "",
                f"{len(self.inserted[name])} inserted" if name in self.inserted else "",
                f"{len(self.replaced[name])} replaced" if name in self.replaced else "",
            ]
            parts.append(f"{name}: {', '.join(d for d in done if d)}")
        return "; ".join(parts)


def capture(db: Engine, case_id: int, before: Template) -> Writes:
    after = template_of(db, case_id)
    case = {
        k: v
        for k, v in after.case.items()
        if before.case.get(k) != v and k not in ("version", "last_seq")
    }
    updated, inserted, replaced = {}, {}, {}
    for table in CHILDREN:
        old, new = before.children[table.name], after.children[table.name]
        if not _has_id(table):
            if old != new:
                replaced[table.name] = [_without(r, "case_id") for r in new]
            continue
        changes = []
        for pos, (was, now) in enumerate(zip(old, new, strict=False)):
            diff = {k: v for k, v in now.items() if was.get(k) != v}
            if diff:
                changes.append((pos, diff))
        if changes and table.name in APPEND_ONLY:
            raise RuntimeError(f"the step changed rows of the append-only {table.name}")
        if changes:
            updated[table.name] = changes
        if len(new) > len(old):
            inserted[table.name] = [_without(r, "case_id") for r in new[len(old) :]]
        elif len(new) < len(old):
            raise RuntimeError(f"the step deleted rows of {table.name}; teach capture() that")
    return Writes(case, updated, inserted, replaced)


def bare_step(db: Engine, w: Writes) -> Step:
    """The same rows written by SQLAlchemy Core in one transaction, with no reads: the case
    UPDATE with its version check, each changed row UPDATEd by id, each table's new rows in
    one executemany."""
    tables = {t.name: t for t in CHILDREN}
    case_update = (
        update(CASES)
        .where(CASES.c.id == bindparam("b_id"), CASES.c.version == bindparam("b_version"))
        .values(version=CASES.c.version + 1, last_seq=bindparam("b_last"), **w.case)
    )
    appended = len(w.inserted.get("event", []))
    row_updates = [
        (
            name,
            pos,
            update(tables[name]).where(tables[name].c.id == bindparam("b_id")).values(**values),
        )
        for name, changes in w.updated.items()
        for pos, values in changes
    ]

    def owned(name: str, rows: list[dict[str, Any]], case_id: int, of: Rows) -> list[Any]:
        out = [r | {"case_id": case_id} for r in rows]
        if name in of.next_seq:  # the audit trail of the case goes on from where it is
            out = [r | {"seq": of.next_seq[name] + k} for k, r in enumerate(out)]
        return out

    def step(case_id: int, version: int, of: Rows) -> None:
        with db.begin() as conn:
            last = of.next_seq.get("event", 1) + appended - 1
            done = conn.execute(
                case_update, {"b_id": case_id, "b_version": version, "b_last": last}
            )
            if done.rowcount != 1:
                raise RuntimeError(f"case {case_id} is not at version {version}")
            for name, pos, query in row_updates:
                conn.execute(query, {"b_id": of.ids[name][pos]})
            for name, rows in w.replaced.items():
                table = tables[name]
                conn.execute(delete(table).where(table.c.case_id == case_id))
                if rows:
                    conn.execute(insert(table), owned(name, rows, case_id, of))
            for name, rows in w.inserted.items():
                conn.execute(insert(tables[name]), owned(name, rows, case_id, of))

    return step


def service_step(svc: Service) -> Step:
    def step(case_id: int, version: int, _of: Rows) -> None:
        view = svc.transition(REVIEWER, case_id, "notify", version, STEP_NOTE, dict(STEP_DATA))
        if view.state != "notified":
            raise RuntimeError(f"case {case_id} ended in {view.state}")

    return step


# -- timing -----------------------------------------------------------------------------------


@contextmanager
def counting(db: Engine) -> Iterator[list[str]]:
    """The SQL statements sent inside the block (BEGIN excluded: only SQLite sends it)."""
    seen: list[str] = []

    def note(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            seen.append(statement)

    event.listen(db, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db, "before_cursor_execute", note)


@dataclass
class Side:
    """One database with its service, the cases a round steps through and the two ways of
    taking the step."""

    db: Engine
    svc: Service
    target: Template  # the rows of a target case before the step
    ids: list[int]
    steps: dict[str, Step]
    statements: dict[str, int]
    rows: dict[int, Rows]
    writes: str = ""
    cases: int = 0

    @property
    def version(self) -> int:
        return int(self.target.case["version"])

    def reset(self) -> None:
        self.rows = reset(self.db, self.ids, self.target)


def build(db: Engine, cases: int) -> Side:
    """Fill ``db`` with ``cases`` cases and pick TARGETS notifiable incidents in referral
    spread over them. The first case of each review type is opened by the service; the rest
    are copies of its rows. Beyond SMALL, the review types take turns."""
    svc = Service(Store(db), WorkingCalendar(), Clock(START))
    svc.publish_missing(DEFINITIONS)
    first = open_one(svc, "notifiable_incident")
    target = template_of(db, first)
    templates = [target]
    if cases > SMALL:
        others = [k for k in OPENINGS if k != "notifiable_incident"]
        templates += [template_of(db, open_one(svc, k)) for k in others]
    loaded = bulk_insert(db, templates, cases - svc.count_cases(), first=1)
    settle(db)
    ids = evenly([first, *loaded[:: len(templates)]], 2 * TARGETS)

    # Take the step once through the service, counting its SQL, and capture the rows it wrote:
    # the bare transaction writes exactly those.
    side = Side(db, svc, target, ids, {"service": service_step(svc)}, {}, {})
    with svc.store.read() as u:  # warm: the store remembers the definition a case runs on
        svc.definitions.of_version(u, int(target.case["definition_id"]))
    for name in ("service", "bare"):
        rows = reset(db, [first], target)
        with counting(db) as sent:
            side.steps[name](first, side.version, rows[first])
        side.statements[name] = len(sent)
        if name == "service":
            writes = capture(db, first, target)
            side.steps["bare"], side.writes = bare_step(db, writes), writes.summary()
    side.cases = svc.count_cases()
    return side


def measure(sides: Sequence[Side], rounds: int) -> dict[tuple[int, str], list[float]]:
    """A warm-up round and ``rounds`` timed rounds. Calls alternate call by call between the
    service and the bare path (each on cases of its own: every step needs its case in
    ``referral``) and between the databases (small, large, then large, small, ...), so a burst
    of load on the machine lands on all four alike; the cases are put back between rounds
    (untimed)."""
    out: dict[tuple[int, str], list[float]] = {}
    for side in sides:
        side.reset()
    paths = ("service", "bare")
    for r in range(rounds + 1):
        gc.collect()
        for i in range(TARGETS):
            for side in sides if i % 2 == 0 else reversed(sides):
                for name in paths if (i // 2) % 2 == 0 else reversed(paths):
                    case_id = side.ids[2 * i + paths.index(name)]
                    step, rows = side.steps[name], side.rows[case_id]
                    t0 = time.perf_counter()
                    step(case_id, side.version, rows)
                    elapsed = time.perf_counter() - t0
                    if r:
                        out.setdefault((side.cases, name), []).append(elapsed)
        for side in sides:
            side.reset()
    return out


def evenly(items: Sequence[int], n: int) -> list[int]:
    if len(items) <= n:
        return list(items)
    return [items[(i * (len(items) - 1)) // (n - 1)] for i in range(n)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f}"


def report(
    sides: Sequence[Side],
    times: Mapping[tuple[int, str], list[float]],
    rounds: int,
    setup: float,
    sizes: Sequence[str],
) -> float:
    small, large = sides
    print(f"step: notify on a notifiable incident; rows written: {small.writes}")
    print(
        f"SQL statements per warm step (besides BEGIN and COMMIT): "
        f"{small.statements['service']} through the service, {small.statements['bare']} bare"
    )
    print(
        f"{TARGETS} cases a round, 1 warm-up round, {rounds} timed rounds; "
        f"setup {setup:.1f} s; database sizes {' and '.join(sizes)}\n"
    )
    header = ("cases stored", "path", "median ms", "p10 ms", "p90 ms", "n")
    widths = (12, 7, 9, 8, 8, 4)
    print(" | ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    medians: dict[tuple[int, str], float] = {}
    for side in sides:
        for name in ("service", "bare"):
            sample = times[side.cases, name]
            deciles = statistics.quantiles(sample, n=10)
            medians[side.cases, name] = statistics.median(sample)
            cells = (
                f"{side.cases:,}",
                name,
                ms(medians[side.cases, name]),
                ms(deciles[0]),
                ms(deciles[-1]),
                str(len(sample)),
            )
            print(" | ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
    print()
    for side in sides:
        overhead = medians[side.cases, "service"] / medians[side.cases, "bare"]
        print(f"ours / bare, {side.cases:,} cases stored: {overhead:.2f}")
    growth = medians[large.cases, "service"] / medians[small.cases, "service"]
    bare_growth = medians[large.cases, "bare"] / medians[small.cases, "bare"]
    verdict = "ok" if growth < LIMIT else f"FAIL: must stay under {LIMIT}"
    print(
        f"service step, {large.cases:,} / {small.cases:,} cases stored: {growth:.2f} "
        f"({verdict}; bare: {bare_growth:.2f})"
    )
    return growth


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="run on this PostgreSQL database (its public schema and the schema "
        f"{SMALL_SCHEMA} are dropped and recreated); default: two new SQLite "
        "files in a temporary directory",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 10,000 cases and 1 timed round (not 100,000 and 3)",
    )
    args = parser.parse_args(argv)
    large_count = 10_000 if args.quick else 100_000
    rounds = 1 if args.quick else 3

    with tempfile.TemporaryDirectory(prefix="bench-transition-") as folder:
        began = time.perf_counter()
        small_db, large_db = open_databases(args.database_url, Path(folder))
        try:
            print(describe(large_db, Path(folder)))
            sides = (build(small_db, SMALL), build(large_db, large_count))
            setup = time.perf_counter() - began
            times = measure(sides, rounds)
            sizes = [database_size(side.db) for side in sides]
        finally:
            small_db.dispose()
            large_db.dispose()
    growth = report(sides, times, rounds, setup, sizes)
    print(f"whole run: {time.perf_counter() - began:.0f} s")
    return 0 if growth < LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
