"""Benchmark: how late a deadline fires when it is written while ``serve`` runs.

A server process runs the product with its scheduler (the shipped ``config.toml``: it sweeps
every 60 s). This process then writes deadlines at random instants, each due 0.5 to 3 s after it
is written: it moves the ``notification`` deadline of a case of its own, through the store's
write path, as another process (a second ``serve``, the command line) would. No message is
sent by hand: the server hears of them as the product does (PostgreSQL: ``LISTEN/NOTIFY``;
SQLite: its poll of the next due instant, about once a second). It prints the worst and
median lateness (``fired_at - due_at``, ``fired_at`` being when the sweep that fired it began).

    python bench/bench_scheduler.py [--database-url postgresql://...] [--deadlines 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import Server, prepare

from workflow.store.models.time import Deadline
from workflow.store.rows import set_deadline, update_deadlines
from workflow.store.unit import unit_of_work

GOAL_SECONDS = 1.0


def move_due(engine: object, case_id: int, due: datetime) -> int:
    """Move the case's notification deadline to fall due at ``due``; its id."""
    with unit_of_work(engine) as s:  # type: ignore[arg-type]
        query = select(Deadline).where(
            col(Deadline.case_id) == case_id, col(Deadline.name) == "notification"
        )
        row = s.exec(query).one()
        changed: dict[int, set[str]] = {}
        set_deadline(row, changed, due_at=due, claimed_by=None, lease_expires_at=None)
        update_deadlines(s, [row], changed)
        return row.id or 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", metavar="URL")
    parser.add_argument("--deadlines", type=int, default=20)
    args = parser.parse_args(argv)
    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="bench-scheduler-") as tmp:
        folder = Path(tmp)
        bench = prepare(args.database_url, folder)
        cases = bench.cases(args.deadlines)
        server = Server(bench, folder, scheduler=True)
        try:
            time.sleep(2)  # let the first sweep pass: the deadlines are written after it
            written: dict[int, datetime] = {}
            for case_id in cases:
                time.sleep(rng.uniform(0.2, 1.5))
                due = datetime.now(UTC) + timedelta(seconds=rng.uniform(0.5, 3.0))
                written[move_due(bench.service.db, case_id, due)] = due
            lateness = wait_fired(bench.service.db, written, timeout=90)
        finally:
            server.stop()
            bench.service.store.dispose()
    kind = "PostgreSQL" if bench.url.startswith("postgresql") else "SQLite"
    fired = [x for x in lateness if x is not None]
    print(f"{kind}; scheduler interval 60 s; {len(written)} deadlines written by another process")
    print(f"fired: {len(fired)} of {len(written)}")
    if fired:
        worst = max(fired)
        print(
            f"lateness: median {statistics.median(fired):.2f} s, worst {worst:.2f} s "
            f"({'ok' if worst <= GOAL_SECONDS and len(fired) == len(written) else 'FAIL'}: "
            f"goal <= {GOAL_SECONDS:.0f} s)"
        )
    return 0 if fired and len(fired) == len(written) and max(fired) <= GOAL_SECONDS else 1


def wait_fired(engine: object, written: dict[int, datetime], timeout: float) -> list[float | None]:
    deadline = time.monotonic() + timeout
    while True:
        with unit_of_work(engine) as s:  # type: ignore[arg-type]
            rows = s.exec(select(Deadline).where(col(Deadline.id).in_(list(written)))).all()
            fired = {r.id: r.fired_at for r in rows}
        if all(fired.values()) or time.monotonic() > deadline:
            return [
                (f - written[i]).total_seconds() if (f := fired.get(i)) else None for i in written
            ]
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
