"""A server killed with SIGKILL loses nothing it acknowledged.

A real ``workflow serve`` process takes writes over HTTP (cases opened, steps taken) from
several clients at once; once enough are acknowledged it is killed with SIGKILL mid-stream. A
fresh process on the same database must then show every acknowledged write, exactly as
acknowledged. Writes in flight at the kill may or may not be there: only acknowledgements count.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from tests.conftest import DEFINITIONS
from workflow.core.calendar import WorkingCalendar
from workflow.store.db import make_engine
from workflow.store.models.cases import Case

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="POSIX")]

WRITERS = 4
ACKNOWLEDGED = 40  # kill once at least this many writes were acknowledged
READY_SECONDS = 60.0
ENV_NAMES = ("WORKFLOW_CONFIG", "WORKFLOW_DATABASE_URL", "WORKFLOW_SECRET_KEY")


def _script() -> str:
    exe = Path(sys.executable).with_name("workflow")
    return str(exe) if exe.exists() else "workflow"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Board:
    config: Path
    env: dict[str, str]
    folder: Path
    db_url: str

    def call(self, *args: str, input: str | None = None) -> str:
        result = subprocess.run(
            [_script(), "--config", str(self.config), *args],
            input=input,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


class Server:
    """``workflow serve --no-scheduler`` in a child process, ready when its port accepts."""

    def __init__(self, board: Board, name: str) -> None:
        self.port = _free_port()
        self.log = board.folder / f"{name}.log"
        self.process = subprocess.Popen(
            [
                _script(),
                "--config",
                str(board.config),
                "serve",
                "--no-scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=board.env,
        )
        self._listening = False
        self._told = threading.Event()  # it said it listens, or its output ended
        self._copier = threading.Thread(target=self._copy_output, daemon=True)
        self._copier.start()
        self._wait_ready()

    def _copy_output(self) -> None:
        """Copy the server's output to its log, noting the line ``serve`` logs once its socket
        is bound ("serving on …")."""
        assert self.process.stdout is not None
        with self.process.stdout as output, self.log.open("wb") as log:
            for line in output:
                log.write(line)
                log.flush()
                if not self._listening and b"serving on " in line:
                    self._listening = True
                    self._told.set()
        self._told.set()  # the output ended: the process is gone

    def _wait_ready(self) -> None:
        if not self._told.wait(READY_SECONDS):
            pytest.fail(
                f"the server did not listen within {READY_SECONDS}s:\n{self.log.read_text()}"
            )
        if not self._listening:
            pytest.fail(f"the server exited early:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._copier.join(timeout=20)  # its output ends with it; the copier closes the pipe

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)
        assert self.process.returncode == -signal.SIGKILL
        self._copier.join(timeout=20)


class Api:
    def __init__(self, port: int, token: str) -> None:
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, json.loads(exc.read() or b"null")


@dataclass(frozen=True)
class Ack:
    case_id: int
    reference: str
    state: str
    version: int
    title: str


@pytest.fixture
def board(tmp_path: Path, db_url: str) -> Iterator[Board]:
    if db_url.startswith("postgresql"):
        engine = make_engine(db_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    folder = tmp_path / "board"
    folder.mkdir()
    config = folder / "config.toml"
    config.write_text(
        f'database_url = "{db_url}"\ndefinitions_dir = "{DEFINITIONS.as_posix()}"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env["WORKFLOW_SECRET_KEY"] = "crash-test-secret-key"
    yield Board(config, env, folder, db_url)


def _writer(
    api: Api,
    number: int,
    aware_at: str,
    acks: list[Ack],
    lock: threading.Condition,
    stop: threading.Event,
) -> None:
    """Open cases and notify them, recording each write the server acknowledged."""
    i = 0
    while not stop.is_set():
        i += 1
        title = f"Child W{number}-{i}"
        body = {
            "review_type": "notifiable_incident",
            "title": title,
            "data": {"aware_at": aware_at},
        }
        try:
            status, case = api.call("POST", "/cases", body)
            if status != 201:
                raise AssertionError(f"opening a case answered {status}: {case}")
            with lock:
                acks.append(
                    Ack(case["id"], case["reference"], case["state"], case["version"], title)
                )
                lock.notify_all()
            step = {
                "trigger": "notify",
                "expected_version": case["version"],
                "note": "",
                "data": {
                    "criteria": {
                        "abuse_or_neglect": True,
                        "child_died": False,
                        "seriously_harmed": True,
                        "looked_after_child": False,
                        "regulated_setting": False,
                    }
                },
            }
            status, case = api.call("POST", f"/cases/{case['id']}/transitions", step)
            if status != 200:
                raise AssertionError(f"the step answered {status}: {case}")
            with lock:
                acks.append(
                    Ack(case["id"], case["reference"], case["state"], case["version"], title)
                )
                lock.notify_all()
        except (OSError, http.client.HTTPException, json.JSONDecodeError):
            return  # the server is gone: whatever was not acknowledged does not count


def test_a_killed_server_loses_nothing_it_acknowledged(board: Board) -> None:
    board.call("init")
    board.call(
        "users", "create", "crash reviewer", "--role", "reviewer", input="crash test password\n"
    )
    token = board.call("tokens", "create", "crash reviewer").strip()
    aware_at = WorkingCalendar().local_date(datetime.now(UTC) - timedelta(days=1)).isoformat()

    server = Server(board, "first")
    acks: list[Ack] = []
    lock = threading.Condition()  # writers say when they append; the test waits on it
    stop = threading.Event()
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            _writer(Api(server.port, token), n, aware_at, acks, lock, stop)
        except BaseException as exc:
            with lock:
                errors.append(exc)
                lock.notify_all()

    threads = [threading.Thread(target=guarded, args=(n,), daemon=True) for n in range(WRITERS)]
    try:
        for t in threads:
            t.start()
        with lock:
            lock.wait_for(lambda: len(acks) >= ACKNOWLEDGED or bool(errors), timeout=120)
        server.kill()  # SIGKILL while the writers are still sending
        stop.set()
        for t in threads:
            t.join(timeout=60)
    finally:
        stop.set()
        server.stop()
    assert not errors, errors[0]
    assert len(acks) >= ACKNOWLEDGED

    # The newest acknowledgement of each case is what the server promised it kept.
    promised: dict[int, Ack] = {}
    for ack in acks:
        if ack.case_id not in promised or ack.version > promised[ack.case_id].version:
            promised[ack.case_id] = ack

    second = Server(board, "second")
    try:
        api = Api(second.port, token)
        for ack in promised.values():
            status, case = api.call("GET", f"/cases/{ack.case_id}")
            assert status == 200, case
            assert (case["reference"], case["title"]) == (ack.reference, ack.title)
            assert case["version"] >= ack.version
            if ack.state == "notified":
                assert (case["state"], case["version"]) == ("notified", ack.version)
            status, events = api.call("GET", f"/cases/{ack.case_id}/events")
            assert status == 200
            events = events["items"] if isinstance(events, dict) else events
            triggers = [e["trigger"] for e in events if e["trigger"]]
            if ack.state == "notified":
                assert "notify" in triggers
    finally:
        second.stop()

    # And straight from the database, without the web layer in between.
    engine = make_engine(board.db_url)
    try:
        with Session(engine) as session:
            stored = {c.id: c for c in session.exec(select(Case))}
    finally:
        engine.dispose()
    for ack in promised.values():
        row = stored[ack.case_id]
        assert row.reference == ack.reference
        # A write may commit in the instant before the kill, its answer lost on the way: the
        # row is then newer than what was promised, never older.
        assert row.version >= ack.version
        if row.version == ack.version or ack.state == "notified":
            assert row.state == ack.state
