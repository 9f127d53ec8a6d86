"""The notice outbox's rows: queueing a notice, claiming the due ones for a delivery round,
recording each try's result, and the next instant one may be tried."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlmodel import Session, col
from sqlmodel import select as select_rows

from workflow.store.claims import Claimable, claim_batch, earliest
from workflow.store.models.accounts import User
from workflow.store.models.time import Notice, NoticeStatus

NOTICES = Claimable(
    cast(Table, Notice.__table__),  # type: ignore[attr-defined]
    "next_attempt_at",
    NoticeStatus.PENDING,
)
_RELEASED: dict[str, Any] = {"claimed_by": None, "lease_expires_at": None}


@dataclass(frozen=True)
class Outgoing:
    """One claimed notice, as a sender sees it."""

    id: int
    recipient: str
    address: str
    subject: str
    body: str
    attempts: int


OUTGOING = ("id", "recipient", "address", "subject", "body", "attempts")


class NoticeRepository:
    """Notices to people (``notice``), kept until delivered, and who can be told."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def active_holders(self, roles: Sequence[str]) -> list[User]:
        """Active users holding one of ``roles``, oldest account first."""
        query = (
            select_rows(User)
            .where(col(User.role).in_(list(roles)), col(User.active).is_(True))
            .order_by(col(User.id))
        )
        return list(self._session.exec(query))

    def queue(self, notice: Notice) -> None:
        """Put the notice in the outbox (sent after the unit commits)."""
        self._session.add(notice)

    def claim_due(
        self, now: datetime, owner: str, lease_seconds: int, limit: int
    ) -> list[Outgoing]:
        """Claim up to ``limit`` notices due at ``now`` for ``owner``, oldest first (the unit
        must commit before any is sent)."""
        conn = self._session.connection()
        rows = claim_batch(conn, NOTICES, now, owner, lease_seconds, limit, OUTGOING)
        return [Outgoing(**row._mapping) for row in rows]

    def delivered(self, notice_id: int, owner: str, now: datetime) -> None:
        """Record that ``owner`` delivered the notice at ``now``."""
        self._finish(
            notice_id, owner, status=NoticeStatus.DELIVERED, delivered_at=now, last_error=""
        )

    def failed(self, notice_id: int, owner: str, reason: str) -> None:
        """Record that the notice can never be delivered, and why."""
        self._finish(notice_id, owner, status=NoticeStatus.FAILED, last_error=reason)

    def retry(self, notice_id: int, owner: str, at: datetime, reason: str) -> None:
        """Record a failed try: the notice waits until ``at`` for the next."""
        self._finish(notice_id, owner, next_attempt_at=at, last_error=reason)

    def _finish(self, notice_id: int, owner: str, **values: Any) -> None:
        # Only a claim still held changes the row: a claimer whose lease ran out (and whose
        # notice another claimer took) records nothing over the other's result.
        t = NOTICES.table
        mine = (t.c.id == notice_id, t.c.claimed_by == owner, t.c.status == NoticeStatus.PENDING)
        self._session.connection().execute(update(t).where(*mine).values(**values, **_RELEASED))

    def next_attempt(self, now: datetime) -> datetime | None:
        """The earliest future instant at which a pending notice may be tried (or its lease
        ends)."""
        t = NOTICES.table
        pending = t.c.status == NoticeStatus.PENDING
        conn = self._session.connection()
        waiting = conn.execute(
            select(func.min(t.c.next_attempt_at)).where(pending, t.c.next_attempt_at > now)
        )
        held = conn.execute(
            select(func.min(t.c.lease_expires_at)).where(pending, t.c.lease_expires_at > now)
        )
        return earliest(waiting.scalar(), held.scalar())
