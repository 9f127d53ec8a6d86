"""Telling the scheduler that a write opened or moved a deadline, so it can wake in time.

A write notes the due instants it wrote on its session (``note_due``); when its unit of work
commits, the instant that comes first is announced:

- in this process, to every subscriber directly (``subscribe``: the scheduler's waker);
- to other processes on PostgreSQL by ``NOTIFY workflow_due`` inside the transaction (delivered
  at commit, never for a write that rolled back), heard by ``listen``. Only instants within
  ``HORIZON`` are sent: a scheduler sweeps at least every interval (at most ``HORIZON``) and
  brings its next wake-up forward to the next due instant it then reads, so later ones need
  no message;
- on SQLite no message crosses processes: a scheduler polls the indexed next due instant
  four times a second (``workflow.services.time.wake``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

log = logging.getLogger(__name__)

CHANNEL = "workflow_due"
#: Instants further ahead than this are not sent to other processes (see the module's text).
HORIZON = timedelta(hours=1)
_KEY = "workflow_due"

Listener = Callable[[datetime], None]
_listeners: list[Listener] = []
_guard = threading.Lock()


def subscribe(listener: Listener) -> None:
    with _guard:
        _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    with _guard:
        if listener in _listeners:
            _listeners.remove(listener)


def note_due(session: Session, instants: Iterable[datetime]) -> None:
    """Note on the session the due instants a write opened or moved deadlines to."""
    found = [i for i in instants if i is not None]
    if found:
        session.info.setdefault(_KEY, []).extend(found)


def first_due(session: Session) -> datetime | None:
    found: list[datetime] = session.info.get(_KEY, [])
    return min(found) if found else None


def before_commit(session: Session) -> None:
    """On PostgreSQL, send the first instant to other processes (delivered at commit)."""
    due = first_due(session)
    if due is None or session.get_bind().dialect.name != "postgresql":
        return
    if due <= datetime.now(UTC) + HORIZON:
        session.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": due.isoformat()})


def after_commit(session: Session) -> None:
    """Tell this process's subscribers of the first instant the committed write noted."""
    due = first_due(session)
    session.info.pop(_KEY, None)
    if due is None:
        return
    with _guard:
        listeners = list(_listeners)
    for listener in listeners:
        try:
            listener(due)
        except Exception:  # a subscriber's failure must not fail a write already committed
            log.exception("a wake-up subscriber failed")


def listen(
    engine: Engine,
    listener: Listener,
    stop: threading.Event,
    ready: threading.Event | None = None,
) -> threading.Thread:
    """On PostgreSQL, a thread that hears ``NOTIFY workflow_due`` from every process and hands
    each instant to ``listener`` until ``stop`` is set (it reconnects after a failure);
    ``ready`` is set once it listens."""
    thread = threading.Thread(
        target=_listen,
        args=(engine, listener, stop, ready or threading.Event()),
        name="workflow-listen",
        daemon=True,
    )
    thread.start()
    return thread


def _listen(
    engine: Engine, listener: Listener, stop: threading.Event, ready: threading.Event
) -> None:
    while not stop.is_set():
        try:
            raw = engine.raw_connection()
            try:
                _hear(raw.driver_connection, listener, stop, ready)
            finally:
                raw.invalidate()  # a listening connection is not returned to the pool
        except Exception:
            log.exception("listening for wake-ups failed; trying again in a second")
            stop.wait(1.0)


def _hear(conn: object, listener: Listener, stop: threading.Event, ready: threading.Event) -> None:
    import psycopg

    assert isinstance(conn, psycopg.Connection)
    conn.rollback()  # the pool may hand it over inside a transaction
    conn.autocommit = True
    conn.execute(f"LISTEN {CHANNEL}")
    ready.set()
    while not stop.is_set():
        for note in conn.notifies(timeout=0.5):
            try:
                listener(datetime.fromisoformat(note.payload))
            except ValueError:
                log.warning("ignored a wake-up that is not an instant: %r", note.payload)


__all__ = [
    "CHANNEL",
    "HORIZON",
    "after_commit",
    "before_commit",
    "first_due",
    "listen",
    "note_due",
    "subscribe",
    "unsubscribe",
]
