"""Leased claims: how several processes share out due rows so each is handled by one of them.

A claimable table (``deadline``, ``notice``) has ``status``, a due column, ``claimed_by``,
``lease_expires_at`` and ``attempts``. A claim marks a batch of due, pending rows that no live
lease holds with the claimer's name, a lease expiry and one more attempt, in the caller's
transaction, which must commit before any outside effect. A crashed claimer's rows become
claimable again when the lease ends. Each dialect gets the strategy the field notes measured
fastest while claiming each row exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, Table, and_, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement


@dataclass(frozen=True)
class Claimable:
    """A table whose rows are claimed: the column that says when a row is due, and the status
    a row waits in until it is handled."""

    table: Table
    due_column: str
    pending: str

    def due(self, now: datetime) -> ColumnElement[bool]:
        """Pending rows that are due and not held by a live lease."""
        t = self.table
        return and_(t.c.status == self.pending, t.c[self.due_column] <= now, unleased(t, now))

    def oldest_due(self, now: datetime, limit: int) -> Select[tuple[int]]:
        """The ids of the oldest claimable rows, at most ``limit``."""
        t = self.table
        order = (t.c[self.due_column], t.c.id)
        return select(t.c.id).where(self.due(now)).order_by(*order).limit(limit)


def unleased(table: Table, now: datetime) -> ColumnElement[bool]:
    """Rows no live lease holds: never claimed, released, or their claimer's lease is over."""
    return or_(table.c.lease_expires_at.is_(None), table.c.lease_expires_at <= now)


def claim_batch(
    conn: Connection,
    rows: Claimable,
    now: datetime,
    owner: str,
    lease_seconds: int,
    limit: int,
    returning: Sequence[str],
) -> list[Row[Any]]:
    """Claim up to ``limit`` due rows for ``owner``, oldest first, and return the claimed rows'
    ``returning`` columns. Two claimers never get the same row while its lease lasts."""
    values = {
        "claimed_by": owner,
        "lease_expires_at": now + timedelta(seconds=lease_seconds),
        "attempts": rows.table.c.attempts + 1,
    }
    claim = _STRATEGIES.get(conn.dialect.name, _claim_row_by_row)
    return claim(conn, rows, now, values, limit, [rows.table.c[n] for n in returning])


def _claim_skip_locked(
    conn: Connection,
    rows: Claimable,
    now: datetime,
    values: dict[str, Any],
    limit: int,
    cols: list[Any],
) -> list[Row[Any]]:
    """PostgreSQL: lock a batch, skipping rows another claimer has locked, then mark it."""
    table = rows.table
    ids = list(
        conn.execute(rows.oldest_due(now, limit).with_for_update(skip_locked=True)).scalars()
    )
    if not ids:
        return []
    marked = update(table).where(table.c.id.in_(ids)).values(values).returning(*cols)
    return list(conn.execute(marked))


def _claim_in_one_update(
    conn: Connection,
    rows: Claimable,
    now: datetime,
    values: dict[str, Any],
    limit: int,
    cols: list[Any],
) -> list[Row[Any]]:
    """SQLite: one ``UPDATE … WHERE id IN (SELECT … LIMIT n) … RETURNING``.

    SQLite runs it under the write lock (a unit of work begins IMMEDIATE), and the repeated
    guard keeps the claim exact even without it. The guard is written so no index can serve it
    (``status || ''``): the rows are found by id from the list, not by a scan of every pending
    row, which is what follows the number stored."""
    table = rows.table
    guard = and_(table.c.status.concat("") == rows.pending, unleased(table, now))
    chosen = rows.oldest_due(now, limit)
    marked = update(table).where(table.c.id.in_(chosen), guard).values(values).returning(*cols)
    return list(conn.execute(marked))


def _claim_row_by_row(
    conn: Connection,
    rows: Claimable,
    now: datetime,
    values: dict[str, Any],
    limit: int,
    cols: list[Any],
) -> list[Row[Any]]:
    """Any other database: one guarded update per row; the row count says who won it."""
    table, due = rows.table, rows.due(now)
    won = []
    for row_id in conn.execute(rows.oldest_due(now, limit)).scalars():
        result = conn.execute(update(table).where(table.c.id == row_id, due).values(values))
        if result.rowcount == 1:
            won.append(conn.execute(select(*cols).where(table.c.id == row_id)).one())
    return won


_Strategy = Callable[
    [Connection, Claimable, datetime, dict[str, Any], int, list[Any]], list[Row[Any]]
]
_STRATEGIES: dict[str, _Strategy] = {
    "postgresql": _claim_skip_locked,
    "sqlite": _claim_in_one_update,
}


def earliest(*instants: datetime | None) -> datetime | None:
    """The earliest of the instants given that are not None."""
    found = [x for x in instants if x is not None]
    return min(found) if found else None
