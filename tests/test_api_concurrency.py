"""Eight people change one case at the same moment, each with the version they read: exactly one
change is saved (200) and the other seven are told so (409), on SQLite and on PostgreSQL.

The app runs in a real threaded WSGI server on a random port; each writer is a thread with its
own HTTP connection, released together by a barrier (nothing sleeps).
"""

from __future__ import annotations

import http.client
import json
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.conftest import DEFINITIONS
from web.app import create_app
from workflow.services.accounts import NewUser, add_user, issue_token
from workflow.services.cases import Service
from workflow.settings import Settings

WRITERS = 8
CRITERIA = {
    "abuse_or_neglect": True,
    "child_died": False,
    "seriously_harmed": True,
    "looked_after_child": False,
    "regulated_setting": False,
}


class Server:
    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Authorization": f"Bearer {self.token}"}
            payload = None
            if body is not None:
                payload = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            conn.request(method, f"/api/v1{path}", body=payload, headers=headers)
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"null")
        finally:
            conn.close()


@pytest.fixture
def server(db_url: str, tmp_path: Path, service: Service) -> Iterator[Server]:
    settings = Settings(
        root=tmp_path,
        database_url=db_url,
        secret_key=secrets.token_urlsafe(32),
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path / "instance",
    )
    app = create_app(settings, service=service)
    with service.store.write() as u:
        add_user(u, NewUser(name="rita", role="reviewer"), service.now())
        token = issue_token(u, "rita", service.now())
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(httpd.server_port, token)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def race(server: Server, method: str, path: str, bodies: list[Any]) -> list[tuple[int, Any]]:
    """Send each body from its own thread, all released at once; answers in thread order."""
    barrier = threading.Barrier(len(bodies))
    answers: list[tuple[int, Any] | BaseException | None] = [None] * len(bodies)

    def write(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            answers[i] = server.request(method, path, bodies[i])
        except BaseException as exc:  # reported below, in the test's thread
            answers[i] = exc

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for a in answers:
        if not isinstance(a, tuple):
            raise AssertionError(f"a writer did not get an answer: {a!r}")
    return [a for a in answers if isinstance(a, tuple)]


def open_case(server: Server) -> dict[str, Any]:
    status, case = server.request(
        "POST",
        "/cases",
        {
            "review_type": "notifiable_incident",
            "title": "Child A",
            "data": {"aware_at": "2026-11-27", "criteria": CRITERIA},
        },
    )
    assert status == 201, case
    return dict(case)


def assert_one_winner(answers: list[tuple[int, Any]]) -> int:
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] + [409] * (WRITERS - 1), [a[1] for a in answers]
    for status, body in answers:
        if status == 409:
            assert body["error"]["code"] == "version_conflict"
    return next(i for i, (status, _) in enumerate(answers) if status == 200)


def test_concurrent_data_changes_one_wins_seven_conflict(server: Server) -> None:
    case = open_case(server)
    bodies = [
        {"data": {"writer": i}, "expected_version": case["version"], "note": f"writer {i}"}
        for i in range(WRITERS)
    ]

    answers = race(server, "PATCH", f"/cases/{case['id']}", bodies)

    winner = assert_one_winner(answers)
    status, after = server.request("GET", f"/cases/{case['id']}")
    assert status == 200
    assert after["data"]["writer"] == winner
    assert after["version"] == answers[winner][1]["version"] > case["version"]
    _, events = server.request("GET", f"/cases/{case['id']}/events")
    changes = [e for e in events if e["kind"] == "data_changed"]
    assert [e["note"] for e in changes] == [f"writer {winner}"]


def test_concurrent_transitions_one_wins_seven_conflict(server: Server) -> None:
    case = open_case(server)
    bodies = [
        {"trigger": "notify", "expected_version": case["version"], "note": f"writer {i}"}
        for i in range(WRITERS)
    ]

    answers = race(server, "POST", f"/cases/{case['id']}/transitions", bodies)

    winner = assert_one_winner(answers)
    status, after = server.request("GET", f"/cases/{case['id']}")
    assert status == 200
    assert after["state"] == "notified"
    _, events = server.request("GET", f"/cases/{case['id']}/events")
    steps = [e for e in events if e["kind"] == "transition"]
    assert [e["note"] for e in steps] == [f"writer {winner}"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
