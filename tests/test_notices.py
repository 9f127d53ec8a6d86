"""The outbox: notices are delivered at least once, retried with backoff while the mail server
is down, never lost, claimed with a lease like deadlines; delivered through the log or through
``smtplib`` to a throwaway SMTP server started here on 127.0.0.1."""

from __future__ import annotations

import logging
import secrets
import socket
import socketserver
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from tests.conftest import DEFINITIONS
from workflow.core.errors import InvalidInput
from workflow.core.roles import Actor
from workflow.services.cases import Service
from workflow.services.time.notices import (
    Outgoing,
    backoff,
    claim_notices,
    deliver_due,
    next_attempt,
)
from workflow.services.time.senders import LogSender, SmtpSender, make_sender
from workflow.services.time.sweep import sweep
from workflow.settings import Settings
from workflow.store.models.accounts import User
from workflow.store.models.time import Notice
from workflow.store.unit import unit_of_work

T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def add_users(service: Service, **people: str) -> None:
    with unit_of_work(service.db) as s:
        for name, role in people.items():
            s.add(User(name=name, role=role, email=f"{name}@board.example", created_at=T0))


@pytest.fixture
def outbox(service: Service, reviewer: Actor) -> list[Notice]:
    """Two notices (reviewer and chair) from a missed notification deadline."""
    add_users(service, rita="reviewer", carl="chair")
    service.open_case(reviewer, "notifiable_incident", "Child A", {"aware_at": "2026-11-20"})
    assert [f.deadline for f in sweep(service, T0)] == ["notification"]
    return notices(service)


def ids(rows: list[Notice]) -> list[int]:
    return sorted(n.id or 0 for n in rows)


def notices(service: Service) -> list[Notice]:
    with Session(service.db) as s:
        return list(s.exec(select(Notice).order_by(col(Notice.id))))


class FlakySender:
    """Fails ``failures`` times per notice, then delivers; counts every try."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.tries: dict[int, int] = {}
        self.sent: list[int] = []

    def send(self, notice: Outgoing) -> None:
        self.tries[notice.id] = self.tries.get(notice.id, 0) + 1
        if self.tries[notice.id] <= self.failures:
            raise ConnectionRefusedError(111, "Connection refused")
        self.sent.append(notice.id)


# -- delivery and retries -------------------------------------------------------------------


def test_the_log_sender_delivers_each_notice_once(
    service: Service, outbox: list[Notice], caplog: pytest.LogCaptureFixture
) -> None:
    assert [(n.recipient, n.status) for n in outbox] == [("rita", "pending"), ("carl", "pending")]
    with caplog.at_level(logging.INFO, logger="workflow.services.time.notices"):
        done = deliver_due(service, LogSender(), T0)
    assert sorted(done.delivered) == ids(outbox)
    assert all("Escalation on case" in r.getMessage() for r in caplog.records)
    after = notices(service)
    assert [(n.status, n.delivered_at, n.attempts, n.claimed_by) for n in after] == [
        ("delivered", T0, 1, None)
    ] * 2
    assert deliver_due(service, LogSender(), T0 + timedelta(days=1)).delivered == ()


def test_a_failing_sender_is_retried_with_backoff_until_delivered(
    service: Service, outbox: list[Notice]
) -> None:
    sender = FlakySender(failures=3)
    now = T0
    first = deliver_due(service, sender, now)
    assert sorted(first.retrying) == ids(outbox) and first.delivered == ()
    for n in notices(service):
        assert (n.status, n.attempts, n.next_attempt_at) == (
            "pending",
            1,
            now + timedelta(minutes=1),
        )
        assert "ConnectionRefusedError" in n.last_error
    # Not before the backoff is over.
    assert deliver_due(service, sender, now + timedelta(seconds=59)).retrying == ()
    waits = []
    while not sender.sent or len(sender.sent) < len(outbox):
        due = next_attempt(service, now)
        assert due is not None
        waits.append(due - now)
        now = due
        deliver_due(service, sender, now)
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert sorted(sender.sent) == ids(outbox)  # once each
    assert all(t == 4 for t in sender.tries.values())
    assert [(n.status, n.attempts, n.last_error) for n in notices(service)] == [
        ("delivered", 4, "")
    ] * 2


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(a).total_seconds() for a in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]
    assert backoff(1000) == timedelta(hours=1)


def test_a_dead_senders_claims_are_sent_after_the_lease(
    service: Service, outbox: list[Notice]
) -> None:
    claimed = claim_notices(service, T0, "dead", lease_seconds=300)
    assert sorted(n.id for n in claimed) == ids(outbox)
    sender = FlakySender(failures=0)
    deliver_due(service, sender, T0 + timedelta(seconds=299))
    assert sender.sent == []
    deliver_due(service, sender, T0 + timedelta(seconds=300))
    assert sorted(sender.sent) == ids(outbox)
    deliver_due(service, sender, T0 + timedelta(hours=1))
    assert len(sender.sent) == len(outbox)


# -- SMTP -----------------------------------------------------------------------------------


class SmtpServer(socketserver.ThreadingTCPServer):
    """Just enough of an SMTP server for smtplib: it can refuse for a while or for good."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.messages: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.busy = 0  # answer MAIL FROM with 451 this many times
        self.unknown_users: set[str] = set()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpServer

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 test.local ESMTP")
        sender, in_data = "", False
        rcpts: list[str] = []
        data: list[bytes] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if in_data:
                if line == b".\r\n":
                    self.server.messages.append(b"".join(data))
                    self.server.envelopes.append((sender, rcpts))
                    data, in_data = [], False
                    self.reply("250 2.0.0 queued")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line.decode().strip()
            verb = command.split(":")[0].split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test.local")
            elif verb == "MAIL":
                if self.server.busy > 0:
                    self.server.busy -= 1
                    self.reply("451 4.3.2 try again later")
                else:
                    sender, rcpts = command.split(":", 1)[1].strip(" <>"), []
                    self.reply("250 2.1.0 ok")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip(" <>")
                if address in self.server.unknown_users:
                    self.reply("550 5.1.1 no such user")
                else:
                    rcpts.append(address)
                    self.reply("250 2.1.5 ok")
            elif verb == "DATA":
                self.reply("354 end with .")
                in_data = True
            elif verb in ("RSET", "NOOP"):
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 5.5.1 not implemented")


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: the mail server is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def smtp_sender(port: int) -> SmtpSender:
    return SmtpSender(
        {"host": "127.0.0.1", "port": port, "from": "reviews@board.example", "timeout": 5}
    )


def test_smtp_delivers_through_a_real_server(
    service: Service, outbox: list[Notice], smtp_server: SmtpServer
) -> None:
    done = deliver_due(service, smtp_sender(smtp_server.port), T0)
    assert sorted(done.delivered) == ids(outbox)
    assert sorted(r for _, rcpts in smtp_server.envelopes for r in rcpts) == [
        "carl@board.example",
        "rita@board.example",
    ]
    mails = [message_from_bytes(m) for m in smtp_server.messages]
    by_to = {m["To"]: m for m in mails}
    rita = by_to["rita@board.example"]
    assert rita["From"] == "reviews@board.example"
    assert rita["Subject"].startswith("Escalation on case NI-")
    assert rita["Message-ID"] == f"<notice-{outbox[0].id}@board.example>"
    assert "T1" in rita.get_payload()


def test_smtp_down_then_busy_then_up_never_loses_a_notice(
    service: Service, outbox: list[Notice], smtp_server: SmtpServer
) -> None:
    sender = smtp_sender(closed_port())
    assert len(deliver_due(service, sender, T0).retrying) == 2  # connection refused
    assert all(n.status == "pending" and n.last_error for n in notices(service))
    sender.port = smtp_server.port
    smtp_server.busy = 2  # the server is back but answers 451 to both
    later = T0 + timedelta(minutes=1)
    assert len(deliver_due(service, sender, later).retrying) == 2
    assert smtp_server.messages == []
    assert [n.next_attempt_at for n in notices(service)] == [later + timedelta(minutes=2)] * 2
    done = deliver_due(service, sender, later + timedelta(minutes=2))
    assert sorted(done.delivered) == ids(outbox)
    assert len(smtp_server.messages) == 2
    assert [(n.status, n.attempts) for n in notices(service)] == [("delivered", 3)] * 2


def test_a_permanent_refusal_is_kept_as_failed_not_retried(
    service: Service, outbox: list[Notice], smtp_server: SmtpServer
) -> None:
    smtp_server.unknown_users.add("carl@board.example")
    done = deliver_due(service, smtp_sender(smtp_server.port), T0)
    rita, carl = notices(service)
    assert (rita.status, carl.status) == ("delivered", "failed")
    assert done.failed == (carl.id,)
    assert "550" in carl.last_error
    assert deliver_due(service, smtp_sender(smtp_server.port), T0 + timedelta(days=2)).failed == ()


def test_a_notice_without_an_address_fails_under_smtp(smtp_server: SmtpServer) -> None:
    from workflow.services.time.senders import PermanentFailure

    with pytest.raises(PermanentFailure, match="no e-mail address"):
        smtp_sender(smtp_server.port).send(Outgoing(1, "nobody", "", "s", "b", 1))
    assert smtp_server.messages == []


# -- configuration --------------------------------------------------------------------------


def settings_with(tmp_path: Path, **kw: Any) -> Settings:
    return Settings(
        root=tmp_path,
        database_url="sqlite://",
        secret_key=secrets.token_hex(8),
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path,
        **kw,
    )


def test_the_sender_is_chosen_in_config(tmp_path: Path) -> None:
    assert isinstance(make_sender(settings_with(tmp_path)), LogSender)
    smtp = make_sender(
        settings_with(
            tmp_path,
            notices={
                "sender": "smtp",
                "smtp": {"host": "mail", "port": "2525", "from": "a@b.example"},
            },
        )
    )
    assert isinstance(smtp, SmtpSender) and (smtp.host, smtp.port) == ("mail", 2525)
    with pytest.raises(InvalidInput, match="from"):
        make_sender(settings_with(tmp_path, notices={"sender": "smtp", "smtp": {"host": "mail"}}))
    with pytest.raises(InvalidInput, match="log, smtp"):  # refused where the settings are made
        make_sender(settings_with(tmp_path, notices={"sender": "pigeon"}))


def test_next_attempt_is_the_earliest_waiting_notice(
    service: Service, outbox: list[Notice]
) -> None:
    assert next_attempt(service, T0) is None  # due now, not in the future
    deliver_due(service, FlakySender(failures=1), T0)
    assert next_attempt(service, T0) == T0 + timedelta(minutes=1)
