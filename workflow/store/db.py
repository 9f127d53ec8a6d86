"""Database engines: SQLite tuned for safe concurrent use, PostgreSQL by URL, UTC everywhere."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, TypeDecorator, create_engine, event
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

log = logging.getLogger(__name__)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware instants as UTC and always returns them aware (SQLite drops offsets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing a naive datetime: pass an aware instant")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


SQLITE_BEGIN = "workflow_sqlite_begin"

_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_GUARD = threading.Lock()


def writer_lock(engine: Engine) -> threading.RLock | None:
    """The one lock this process's writers to an SQLite database queue on before ``BEGIN
    IMMEDIATE`` (None for other databases, whose rows lock themselves). Waiting here costs
    nothing; waiting on SQLite's busy timeout means sleeping and retrying, which made the
    slowest writes wait a hundred times as long as the median."""
    if engine.dialect.name != "sqlite":
        return None
    key = str(engine.url)
    with _WRITERS_GUARD:
        return _WRITERS.setdefault(key, threading.RLock())


@contextmanager
def queued(engine: Engine) -> Iterator[None]:
    """Hold the engine's writer lock (if it has one) for the block."""
    lock = writer_lock(engine)
    if lock is None:
        yield
        return
    with lock:
        yield


def writing(engine: Engine) -> Engine:
    """The engine for a transaction that will write: on SQLite it begins IMMEDIATE. (Making
    the option engine costs about 11 µs, nothing beside a step's few milliseconds.)"""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``. SQLite files get WAL, foreign keys, a busy timeout and FULL sync
    (an acknowledged commit survives a crash); ``postgresql://`` URLs use psycopg 3."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy issue BEGIN itself so a transaction takes the write lock up front.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # Reads begin deferred, so they never wait on each other (even nested); a unit of
            # work asks for IMMEDIATE (see ``writing``), so writers queue for the lock up front
            # instead of failing to upgrade a read lock half-way through.
            mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def display_url(url: str) -> str:
    """The database URL with any password hidden, fit to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # an unparseable URL is reported by the engine; never echo it raw
        return "<database URL>"


def database_problem(error: BaseException) -> str | None:
    """The first line of what the database said, when ``error`` is the database refusing to
    be used (unreachable, no schema, a driver's complaint); None for any other error."""
    if not isinstance(error, SQLAlchemyError):
        return None
    said = str(getattr(error, "orig", None) or error).strip().splitlines()
    return said[0] if said else type(error).__name__
