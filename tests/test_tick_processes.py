"""``workflow tick`` from outside, as real processes: four started together over the same due
deadlines fire each exactly once (SQLite and PostgreSQL, whichever the suite runs on), and a
sweeper killed with SIGKILL after claiming leaves its deadlines to fire once after the lease.

The processes import everything first and then wait on a line of standard input, so the test
releases all four at the same moment: the race is real, nothing sleeps."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from tests.conftest import REPO
from workflow.core.roles import Actor
from workflow.services.cases import Service
from workflow.store.models.accounts import User
from workflow.store.models.cases import Event
from workflow.store.models.time import Deadline, Escalation, Notice
from workflow.store.unit import unit_of_work

pytestmark = pytest.mark.slow

CASES = 60
LEASE = 300
AT = datetime(2026, 12, 20, 0, 0, tzinfo=UTC)  # both limits of every case have fallen due
# Import the product, wait for the starting gun, then run the real command line.
GATED_MAIN = "import sys, workflow.cli\nsys.stdin.readline()\nworkflow.cli.main(sys.argv[1:])\n"
CLAIM_AND_HANG = (
    "import sys\n"
    "from datetime import datetime\n"
    "from workflow.settings import load_settings\n"
    "from workflow.runtime import build_service\n"
    "from workflow.services.time.sweep import claim_due\n"
    "settings = load_settings(sys.argv[1])\n"
    "service = build_service(settings)\n"
    "claimed = claim_due(service, datetime.fromisoformat(sys.argv[2]), 'doomed',\n"
    "                    settings.scheduler.lease_seconds, 1000)\n"
    "print(len(claimed), flush=True)\n"
    "sys.stdin.readline()  # hangs here until killed\n"
)


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "config.toml"
    config.write_text(
        f'instance_dir = "{tmp_path / "instance"}"\n'
        "[scheduler]\n"
        f"lease_seconds = {LEASE}\n"
        "batch = 5  # small batches: many claim rounds per process, so they interleave\n"
        "[notices]\n"
        'sender = "log"\n',
        encoding="utf-8",
    )
    out = {k: v for k, v in os.environ.items() if not k.startswith("WORKFLOW_")}
    out |= {
        "WORKFLOW_CONFIG": str(config),
        "WORKFLOW_DATABASE_URL": db_url,
        "WORKFLOW_SECRET_KEY": "s" * 48,
    }
    return out


def workflow(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workflow", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def fired_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def due_cases(service: Service, reviewer: Actor, n: int) -> list[dict[str, Any]]:
    with unit_of_work(service.db) as s:
        s.add(User(name="rita", role="reviewer", email="rita@x.example", created_at=service.now()))
        s.add(User(name="carl", role="chair", email="carl@x.example", created_at=service.now()))
    return [
        service.open_case(reviewer, "notifiable_incident", f"Child {i}", {"aware_at": "2026-11-20"})
        for i in range(n)
    ]


def test_init_is_safe_to_run_again_before_ticking(service: Service, env: dict[str, str]) -> None:
    result = workflow(env, "init")
    assert result.returncode == 0, result.stderr
    tick = workflow(env, "tick", "--at", "2026-11-30T10:00:00+00:00")
    assert (tick.returncode, tick.stdout) == (0, "")


def test_four_tick_processes_fire_each_deadline_exactly_once(
    service: Service, reviewer: Actor, env: dict[str, str]
) -> None:
    cases = due_cases(service, reviewer, CASES)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", GATED_MAIN, "tick", "--at", AT.isoformat()],
            env=env,
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for p in procs:  # the starting gun: all four are waiting on this line
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
        outputs.append(fired_lines(out))

    every = [item for out in outputs for item in out]
    counts = Counter((item["case"], item["deadline"]) for item in every)
    expected = {(c.reference, name) for c in cases for name in ("notification", "stall")}
    assert set(counts) == expected
    assert set(counts.values()) == {1}, [k for k, v in counts.items() if v > 1]
    for item in every:
        assert datetime.fromisoformat(item["fired_at"]) == AT
        assert datetime.fromisoformat(item["due_at"]) < AT
    sharing = [len(out) for out in outputs]
    assert sum(sharing) == 2 * CASES
    print("deadlines fired per process:", sharing)

    with Session(service.db) as s:
        fired = list(s.exec(select(Deadline).where(col(Deadline.fired_at).is_not(None))))
        missed_events = s.exec(
            select(func.count()).select_from(Event).where(Event.kind == "deadline_missed")
        ).one()
        escalations = s.exec(select(func.count()).select_from(Escalation)).one()
        notices = list(s.exec(select(Notice)))
    assert len(fired) == 2 * CASES
    assert {(d.attempts, d.status) for d in fired} == {(1, "missed")}  # claimed once each
    assert missed_events == CASES and escalations == 2 * CASES
    # Notices too went out once each: reviewer and chair for T1, the reviewer for the stall.
    assert len(notices) == 3 * CASES
    assert {(n.status, n.attempts) for n in notices} == {("delivered", 1)}


def test_a_sweeper_killed_after_claiming_leaves_them_to_fire_once_after_the_lease(
    service: Service, reviewer: Actor, env: dict[str, str]
) -> None:
    cases = due_cases(service, reviewer, 5)
    doomed = subprocess.Popen(
        [sys.executable, "-c", CLAIM_AND_HANG, env["WORKFLOW_CONFIG"], AT.isoformat()],
        env=env,
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert doomed.stdout is not None
    assert doomed.stdout.readline().strip() == str(2 * len(cases))
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate(timeout=30)
    assert doomed.returncode == -signal.SIGKILL

    before = workflow(env, "tick", "--at", (AT + timedelta(seconds=LEASE - 1)).isoformat())
    assert before.returncode == 0, before.stderr
    assert fired_lines(before.stdout) == []  # the lease still holds

    after = workflow(env, "tick", "--at", (AT + timedelta(seconds=LEASE)).isoformat())
    assert after.returncode == 0, after.stderr
    items = fired_lines(after.stdout)
    assert Counter((i["case"], i["deadline"]) for i in items) == Counter(
        {(c.reference, name): 1 for c in cases for name in ("notification", "stall")}
    )
    again = workflow(env, "tick", "--at", (AT + timedelta(seconds=2 * LEASE)).isoformat())
    assert fired_lines(again.stdout) == []
    with Session(service.db) as s:
        rows = list(s.exec(select(Deadline).where(col(Deadline.fired_at).is_not(None))))
    assert {(r.attempts, r.claimed_by) for r in rows} == {(2, None)}


def test_a_tick_before_anything_is_due_prints_nothing(
    service: Service, reviewer: Actor, env: dict[str, str]
) -> None:
    service.open_case(reviewer, "notifiable_incident", "Child", {"aware_at": "2026-11-30"})
    result = workflow(env, "tick", "--at", "2026-12-07T23:59:59+00:00")  # due at 8 Dec 00:00
    assert (result.returncode, result.stdout) == (0, "")
    due = workflow(env, "tick", "--at", "2026-12-08")  # a bare date: its London midnight
    assert result.returncode == 0, due.stderr
    assert sorted(i["deadline"] for i in fired_lines(due.stdout)) == ["notification", "stall"]


def test_a_bad_instant_is_refused(env: dict[str, str], service: Service) -> None:
    result = workflow(env, "tick", "--at", "next tuesday")
    assert result.returncode == 2
    assert "ISO 8601" in result.stderr
