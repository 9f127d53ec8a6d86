"""Benchmark (and the multi-process test's engine): two ``workflow serve --no-scheduler`` and
two ``workflow scheduler`` processes on one PostgreSQL database, under load.

While the four processes run, eight clients step cases through both servers (each case is
stepped by two clients at once, one per server, with the same expected version: exactly one
may win, the other must get 409) and the deadlines of other cases are moved, by this process,
to fall due a second or two later. Then it checks: every acknowledged write is in the database
(each case's version and audit trail count the writes acknowledged on it), and every deadline
fired exactly once (one ``deadline_missed`` event and one escalation each). It prints the
counts, the throughput and the worst lateness.

    python bench/bench_processes.py --database-url postgresql://... [--cases 80 --deadlines 20]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import Bench, Client, free_port, prepare
from bench_scheduler import move_due

from workflow.store.models.cases import Case, Event
from workflow.store.models.time import Deadline, Escalation
from workflow.store.unit import unit_of_work


@dataclass
class Result:
    acknowledged: int = 0
    conflicts: int = 0
    other: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # acknowledged writes not found
    fired_once: int = 0
    deadlines: int = 0
    misfired: list[str] = field(default_factory=list)  # not fired, or fired twice
    worst_lateness: float = 0.0
    seconds: float = 0.0


class Processes:
    """Two servers without a scheduler and two schedulers, as the README's deployment."""

    def __init__(self, bench: Bench, folder: Path) -> None:
        self.ports = [free_port(), free_port()]
        py = [sys.executable, "-m", "workflow"]
        commands = [[*py, "serve", "--no-scheduler", "--port", str(p)] for p in self.ports]
        commands += [[*py, "scheduler"], [*py, "scheduler"]]
        self.procs = [
            subprocess.Popen(c, env=bench.env, cwd=folder, stderr=subprocess.DEVNULL)
            for c in commands
        ]
        for port in self.ports:
            _wait_listening(port)

    def stop(self) -> None:
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def _wait_listening(port: int) -> None:
    import socket

    for _ in range(600):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"no server on port {port}")


def _step_both_ways(bench: Bench, ports: Sequence[int], cases: Sequence[int], out: Result) -> None:
    """Each case is stepped through both servers at once with the same expected version."""
    lock = threading.Lock()
    acknowledged: dict[int, int] = {}

    def client(port: int, mine: Sequence[int], start: threading.Barrier) -> None:
        c = Client(port, bench.token)
        start.wait()
        for case_id in mine:
            status, body = c.call(
                "PATCH", f"/api/v1/cases/{case_id}", {"data": {"p": port}, "expected_version": 1}
            )
            with lock:
                if status == 200:
                    out.acknowledged += 1
                    acknowledged[case_id] = acknowledged.get(case_id, 0) + 1
                elif status == 409:
                    out.conflicts += 1
                else:
                    out.other.append(f"{status}: {body}")
        c.close()

    groups = [cases[k::4] for k in range(4)]
    start = threading.Barrier(8)
    threads = [
        threading.Thread(target=client, args=(port, group, start))
        for group in groups
        for port in ports
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _check_kept(bench, acknowledged, out)


def _check_kept(bench: Bench, acknowledged: dict[int, int], out: Result) -> None:
    with unit_of_work(bench.service.db) as s:
        for case_id, n in acknowledged.items():
            case = s.get(Case, case_id)
            changes = s.execute(
                select(func.count())
                .select_from(Event)
                .where(col(Event.case_id) == case_id, col(Event.kind) == "data_changed")
            ).scalar()
            if n != 1 or case is None or case.version != 2 or changes != 1:
                out.lost.append(
                    f"case {case_id}: {n} acknowledged, version "
                    f"{case.version if case else None}, {changes} changes"
                )


def _check_fired(bench: Bench, written: dict[int, datetime], out: Result, timeout: float) -> None:
    end = time.monotonic() + timeout
    while True:
        with unit_of_work(bench.service.db) as s:
            rows = s.exec(select(Deadline).where(col(Deadline.id).in_(list(written)))).all()
            escalations = dict(
                s.execute(
                    select(Escalation.deadline_id, func.count())
                    .where(col(Escalation.deadline_id).in_(list(written)))
                    .group_by(Escalation.deadline_id)
                ).all()
            )
        if all(r.fired_at for r in rows) or time.monotonic() > end:
            break
        time.sleep(0.5)
    out.deadlines = len(written)
    for r in rows:
        if r.fired_at is None or escalations.get(r.id) != 1:
            out.misfired.append(
                f"deadline {r.id}: fired_at {r.fired_at}, {escalations.get(r.id, 0)} escalations"
            )
        else:
            out.fired_once += 1
            out.worst_lateness = max(
                out.worst_lateness, (r.fired_at - written[r.id or 0]).total_seconds()
            )


def run(
    database_url: str, folder: Path, cases: int = 80, deadlines: int = 20, settle: float = 5.0
) -> Result:
    bench = prepare(database_url, folder)
    stepped, timed = bench.cases(cases), bench.cases(deadlines)
    out = Result()
    procs = Processes(bench, folder)
    try:
        time.sleep(settle)  # the schedulers start (and listen) while the servers do
        began = time.perf_counter()
        writer = threading.Thread(target=_step_both_ways, args=(bench, procs.ports, stepped, out))
        writer.start()
        written = {}
        for case_id in timed:
            due = datetime.now(UTC) + timedelta(seconds=1 + (case_id % 3) * 0.5)
            written[move_due(bench.service.db, case_id, due)] = due
        writer.join()
        out.seconds = time.perf_counter() - began
        _check_fired(bench, written, out, timeout=120)
    finally:
        procs.stop()
        bench.service.store.dispose()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        metavar="URL",
        required=True,
        help="a PostgreSQL database (its public schema is dropped and recreated)",
    )
    parser.add_argument("--cases", type=int, default=80)
    parser.add_argument("--deadlines", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-processes-") as tmp:
        r = run(args.database_url, Path(tmp), args.cases, args.deadlines)
    print("2 x workflow serve --no-scheduler, 2 x workflow scheduler, one PostgreSQL database")
    print(
        f"writes: {r.acknowledged} acknowledged, {r.conflicts} refused with 409 "
        f"(each case was changed through both servers at once), {len(r.other)} other answers, "
        f"{len(r.lost)} acknowledged writes missing; {r.seconds:.1f} s"
    )
    print(
        f"deadlines: {r.fired_once} of {r.deadlines} fired exactly once; "
        f"{len(r.misfired)} not; worst lateness {r.worst_lateness:.2f} s"
    )
    for problem in [*r.other, *r.lost, *r.misfired][:10]:
        print("  ", problem)
    ok = not (r.other or r.lost or r.misfired) and r.acknowledged == args.cases
    print("ok" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
