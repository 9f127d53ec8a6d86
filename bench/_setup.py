"""What the HTTP, scheduler and multi-process benchmarks share: a fresh database (a new SQLite
file, or the PostgreSQL database named, whose public schema is dropped and recreated), the
environment that points the product at it, a reviewer with an API token, cases to step, and
servers started as processes of their own."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from workflow.core.calendar import WorkingCalendar
from workflow.core.roles import Actor
from workflow.services import accounts
from workflow.services.accounts import NewUser
from workflow.services.cases import Service
from workflow.store.db import make_engine
from workflow.store.unit import Store

REPO = Path(__file__).resolve().parent.parent
REVIEWER = Actor("bench", "reviewer")
NOTIFIABLE = {
    "abuse_or_neglect": True,
    "child_died": False,
    "seriously_harmed": True,
    "looked_after_child": False,
    "regulated_setting": False,
}


def opening(today: date) -> dict[str, Any]:
    aware = today - timedelta(days=2)
    return {"aware_at": aware.isoformat(), "criteria": NOTIFIABLE, "agencies": ["Police"]}


@dataclass
class Bench:
    url: str
    env: dict[str, str]
    service: Service
    token: str

    def cases(self, n: int) -> list[int]:
        today = datetime.now(UTC).date()
        return [
            self.service.open_case(REVIEWER, "notifiable_incident", f"Child {i}", opening(today)).id
            for i in range(n)
        ]


def prepare(database_url: str | None, folder: Path) -> Bench:
    """A migrated database with the shipped review types and a reviewer with a token."""
    url = database_url or f"sqlite:///{folder / 'bench.db'}"
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    env = os.environ | {
        "WORKFLOW_DATABASE_URL": url,
        "WORKFLOW_SECRET_KEY": "bench-" + "0" * 32,
        "PYTHONPATH": str(REPO),
        "WORKFLOW_CONFIG": str(REPO / "config.toml"),  # the shipped settings (60 s interval)
    }
    subprocess.run(
        [sys.executable, "-m", "workflow", "init"],
        env=env,
        check=True,
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    service = Service(Store(make_engine(url)), WorkingCalendar())
    accounts.create_user(service.store, NewUser(name="bench", role="reviewer"), service.now())
    token = accounts.create_token(service.store, "bench", service.now())
    return Bench(url, env, service, token)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``bench/_server.py`` in a process of its own."""

    def __init__(self, bench: Bench, folder: Path, scheduler: bool = False) -> None:
        self.port = free_port()
        args = [sys.executable, str(REPO / "bench" / "_server.py"), str(self.port)]
        self.proc = subprocess.Popen(
            [*args, *(["--scheduler"] if scheduler else [])],
            env=bench.env,
            cwd=folder,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "ready" not in line:
            raise RuntimeError(f"the server did not start: {line!r}")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


class Client:
    """One keep-alive connection."""

    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def close(self) -> None:
        self.conn.close()

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        payload = None if body is None else json.dumps(body)
        self.conn.request(method, path, body=payload, headers=self.headers)
        answer = self.conn.getresponse()
        data = answer.read()
        return answer.status, json.loads(data) if data else None


def percentile(sample: Sequence[float], p: float) -> float:
    ordered = sorted(sample)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def now() -> float:
    return time.perf_counter()
