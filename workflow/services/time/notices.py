"""The outbox: delivering notices to people, at least once, whatever the mail server does.

Escalations put notices in the ``notice`` table in the same transaction that raises them. A
delivery round claims due notices exactly like the sweep claims deadlines (owner, lease, one
more attempt) and commits before sending, so a sender that crashes mid-way leaves its claims to
be retried after the lease: delivery is at least once, and each message carries a stable
``Message-ID`` so a receiver can drop a duplicate. A failed send is retried with exponential
backoff; a permanent refusal (a 5xx answer, no address) is kept as ``failed`` with its reason,
never dropped.

Senders are chosen in config (``[notices] sender``): ``log`` for development, ``smtp`` for
``smtplib`` with ``[notices.smtp]`` host, port, from (user and password from the environment).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.engine import Engine

from workflow.core.errors import InvalidInput
from workflow.services.time.sweep import (
    DEFAULT_BATCH,
    DEFAULT_LEASE_SECONDS,
    claim_batch,
    default_owner,
)
from workflow.settings import Settings
from workflow.store.models.time import Notice

log = logging.getLogger(__name__)

NOTICES = cast(Table, Notice.__table__)  # type: ignore[attr-defined]
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 3_600
SENDERS = ("log", "smtp")


@dataclass(frozen=True)
class Outgoing:
    """One claimed notice, as a sender sees it."""

    id: int
    recipient: str
    address: str
    subject: str
    body: str
    attempts: int


class PermanentFailure(Exception):
    """The notice can never be delivered as it stands; retrying will not help."""


class Sender(Protocol):
    def send(self, notice: Outgoing) -> None:
        """Deliver the notice or raise; ``PermanentFailure`` stops its retries."""


class LogSender:
    """Development: the notice is written to the log, which counts as delivered."""

    def send(self, notice: Outgoing) -> None:
        log.info(
            "notice %s to %s <%s>: %s\n%s",
            notice.id,
            notice.recipient,
            notice.address or "no address",
            notice.subject,
            notice.body,
        )


class SmtpSender:
    """Mail through an SMTP server with the standard library."""

    def __init__(self, smtp: Mapping[str, Any]) -> None:
        self.host = str(smtp.get("host", "localhost"))
        self.port = int(smtp.get("port", 25))
        self.sender = str(smtp.get("from", ""))
        self.user = str(smtp.get("user", ""))
        self.password = str(smtp.get("password", ""))
        self.starttls = bool(smtp.get("starttls", False))
        self.timeout = float(smtp.get("timeout", 10))
        if not self.sender:
            raise InvalidInput(
                "Set the address notices are sent from: [notices.smtp] from = "
                '"reviews@board.example" in config.toml, or WORKFLOW_SMTP_FROM.'
            )

    def message(self, notice: Outgoing) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = notice.address
        msg["Subject"] = notice.subject
        msg["Date"] = formatdate(localtime=False)
        # Stable across retries: a receiver that sees it twice can drop the copy.
        domain = self.sender.rpartition("@")[2] or "workflow.invalid"
        msg["Message-ID"] = f"<notice-{notice.id}@{domain}>"
        msg.set_content(notice.body)
        return msg

    def send(self, notice: Outgoing) -> None:
        if not notice.address:
            raise PermanentFailure(
                f"{notice.recipient} has no e-mail address; add one to their account."
            )
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(self.message(notice))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"the mail server refused {notice.address}: {exc}") from exc
            raise
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600 and not isinstance(exc, smtplib.SMTPAuthenticationError):
                raise PermanentFailure(f"the mail server refused the message: {exc}") from exc
            raise


def make_sender(settings: Settings) -> Sender:
    if settings.notices.sender == "log":
        return LogSender()
    if settings.notices.sender == "smtp":
        return SmtpSender(settings.notices.smtp.connection())
    raise InvalidInput(
        f"Unknown notice sender '{settings.notices.sender}' ([notices] sender or "
        f"WORKFLOW_NOTICE_SENDER); use one of: {', '.join(SENDERS)}."
    )


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after ``attempts`` failed ones: 1, 2, 4 … minutes, at most
    an hour."""
    exponent = min(max(attempts - 1, 0), 16)
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2**exponent, MAX_RETRY_SECONDS))


@dataclass
class Delivery:
    """What a delivery round did, by notice id."""

    delivered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def claim_notices(
    db: Engine,
    now: datetime,
    owner: str,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    limit: int = DEFAULT_BATCH,
) -> list[Outgoing]:
    columns = ("id", "recipient", "address", "subject", "body", "attempts")
    with db.begin() as conn:
        rows = claim_batch(
            conn, NOTICES, now, "next_attempt_at", owner, lease_seconds, limit, columns
        )
    return [Outgoing(**row._mapping) for row in rows]


def deliver_due(
    db: Engine,
    sender: Sender,
    now: datetime,
    *,
    owner: str | None = None,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    batch: int = DEFAULT_BATCH,
) -> Delivery:
    """Send every notice due at ``now``; each send is recorded as soon as it is known."""
    owner = owner or default_owner()
    done = Delivery()
    while True:
        claimed = claim_notices(db, now, owner, lease_seconds, batch)
        for notice in claimed:
            _deliver(db, sender, notice, now, owner, done)
        if len(claimed) < batch:
            break
    return done


def _deliver(
    db: Engine, sender: Sender, notice: Outgoing, now: datetime, owner: str, done: Delivery
) -> None:
    t = NOTICES
    mine = (t.c.id == notice.id, t.c.claimed_by == owner, t.c.status == PENDING)
    released = {"claimed_by": None, "lease_expires_at": None}
    try:
        sender.send(notice)
    except PermanentFailure as exc:
        log.error("notice %s to %s cannot be delivered: %s", notice.id, notice.recipient, exc)
        with db.begin() as conn:
            conn.execute(
                update(t).where(*mine).values(status=FAILED, last_error=str(exc), **released)
            )
        done.failed.append(notice.id)
        return
    except Exception as exc:  # a refused connection, a timeout, a 4xx: try again later
        wait = backoff(notice.attempts)
        log.warning(
            "notice %s to %s not delivered (attempt %d): %s; retrying in %s",
            notice.id,
            notice.recipient,
            notice.attempts,
            exc or type(exc).__name__,
            wait,
        )
        with db.begin() as conn:
            conn.execute(
                update(t)
                .where(*mine)
                .values(
                    next_attempt_at=now + wait,
                    last_error=f"{type(exc).__name__}: {exc}",
                    **released,
                )
            )
        done.retrying.append(notice.id)
        return
    with db.begin() as conn:
        conn.execute(
            update(t)
            .where(*mine)
            .values(status=DELIVERED, delivered_at=now, last_error="", **released)
        )
    done.delivered.append(notice.id)


def next_attempt(db: Engine, now: datetime) -> datetime | None:
    """The earliest future instant at which a pending notice may be tried (or its lease ends)."""
    t = NOTICES
    pending = t.c.status == PENDING
    with db.connect() as conn:
        waiting = conn.execute(
            select(func.min(t.c.next_attempt_at)).where(pending, t.c.next_attempt_at > now)
        ).scalar()
        held = conn.execute(
            select(func.min(t.c.lease_expires_at)).where(pending, t.c.lease_expires_at > now)
        ).scalar()
    found = [x for x in (waiting, held) if x is not None]
    return min(found) if found else None


__all__ = [
    "Delivery",
    "LogSender",
    "Outgoing",
    "PermanentFailure",
    "Sender",
    "SmtpSender",
    "backoff",
    "claim_notices",
    "deliver_due",
    "make_sender",
    "next_attempt",
]
