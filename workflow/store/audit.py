"""The audit trail's hash chains in the database (``workflow.core.audit_chain`` says what they
are): linking new entries before they are inserted, and reading the chains back to verify them.

- Events: a chain per case. New events link to the case's event before them, whose hash the
  case row keeps (``last_hash``, beside ``last_seq``, written in the same transaction as the
  events; ``hash_before`` reads it from the trail when the row does not know it); two writers
  of one case cannot fork it, since ``(case_id, seq)`` is unique.
- The access log: one chain. Its head (``audit_head``) is locked (``FOR UPDATE`` on PostgreSQL;
  SQLite writes one transaction at a time) while entries are linked, so they follow one
  another; ``seq`` is unique as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, tuple_
from sqlmodel import Session, col, select

from workflow.core.audit_chain import ACCESS_FIELDS, EVENT_FIELDS, GENESIS, link
from workflow.store.models.cases import AccessLog, AuditHead, Case, Event

ACCESS_CHAIN = "access_log"
#: Rows read at a time when verifying.
BATCH = 1000


#: Built once (every step runs it): building the expression cost more than running it.
_HASH_BEFORE = (
    select(Event.hash)
    .where(col(Event.case_id) == bindparam("case_id"), col(Event.seq) < bindparam("seq"))
    .order_by(col(Event.seq).desc())
    .limit(1)
)


def hash_before(session: Session, case_id: int, seq: int) -> str:
    """The hash of the case's last event before ``seq`` (GENESIS before the first)."""
    found = session.execute(_HASH_BEFORE, {"case_id": case_id, "seq": seq}).scalar()
    return str(found) if found is not None else GENESIS


def link_events(previous: str, rows: Sequence[dict[str, Any]]) -> str:
    """Set each new event row's ``hash`` (rows in seq order, as dicts of Event's columns); the
    last one's (``previous`` when there are none)."""
    return link(previous, rows, EVENT_FIELDS)


def append_access(
    session: Session, case_ids: Iterable[int], actor: str, action: str, now: datetime
) -> None:
    """Add access-log entries, linked onto the one chain, and move its head."""
    ids = list(case_ids)
    if not ids:
        return
    head = session.exec(
        select(AuditHead).where(col(AuditHead.chain) == ACCESS_CHAIN).with_for_update()
    ).first()
    if head is None:  # a database made before the head was kept starts it here
        head = AuditHead(chain=ACCESS_CHAIN, seq=0, hash=GENESIS)
    rows: list[dict[str, Any]] = [
        {"seq": head.seq + i, "case_id": c, "at": now, "actor": actor, "action": action}
        for i, c in enumerate(ids, start=1)
    ]
    head.hash = link(head.hash, rows, ACCESS_FIELDS)
    head.seq += len(rows)
    session.add_all(AccessLog(**row) for row in rows)
    session.add(head)


class AuditRepository:
    """Reading the chains back, entry after entry, to verify them."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def events(self) -> Iterator[dict[str, Any]]:
        """Every event, case after case, each case's in seq order (read a batch at a time)."""
        after = (0, 0)
        while True:
            query = (
                select(Event)
                .where(tuple_(col(Event.case_id), col(Event.seq)) > tuple_(*after))
                .order_by(col(Event.case_id), col(Event.seq))
                .limit(BATCH)
            )
            rows = [row.model_dump() for row in self._session.exec(query)]
            yield from rows
            if len(rows) < BATCH:
                return
            after = (rows[-1]["case_id"], rows[-1]["seq"])

    def access(self) -> Iterator[dict[str, Any]]:
        """The access log in chain order (read a batch at a time)."""
        after = 0
        while True:
            query = (
                select(AccessLog)
                .where(col(AccessLog.seq) > after)
                .order_by(col(AccessLog.seq))
                .limit(BATCH)
            )
            rows = [row.model_dump() for row in self._session.exec(query)]
            yield from rows
            if len(rows) < BATCH:
                return
            after = rows[-1]["seq"]

    def case_heads(self) -> dict[int, str]:
        """Each case's recorded chain head (``case.last_hash``), where the row knows it."""
        query = select(Case.id, Case.last_hash).where(col(Case.last_hash) != "")
        return {int(i): str(h) for i, h in self._session.execute(query)}

    def access_head(self) -> str | None:
        head = self._session.get(AuditHead, ACCESS_CHAIN)
        return head.hash if head is not None else None


__all__ = [
    "ACCESS_CHAIN",
    "AuditRepository",
    "append_access",
    "hash_before",
    "link_events",
]
