"""Shared fixtures: a fresh database (SQLite by default, PostgreSQL when
``WORKFLOW_TEST_DATABASE_URL`` names one), a calendar, a controllable clock, the service and
the usual people."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from workflow.core.calendar import WorkingCalendar
from workflow.core.roles import Actor
from workflow.services.cases import Service
from workflow.store.db import make_engine
from workflow.store.schema import upgrade
from workflow.store.unit import Store

pytest_plugins = ("tests.api_client",)

REPO = Path(__file__).resolve().parent.parent
DEFINITIONS = REPO / "definitions"
PG_URL = os.environ.get("WORKFLOW_TEST_DATABASE_URL", "")


class Clock:
    """An injected clock: tests set and advance it; nothing sleeps."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, iso: str) -> None:
        self.now = datetime.fromisoformat(iso).astimezone(UTC)

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def _reset_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def pg_url(worker_id: str) -> str:
    """PostgreSQL URL for this test worker: each pytest-xdist worker gets a database of its own."""
    if not PG_URL or worker_id == "master":
        return PG_URL
    url = make_url(PG_URL)
    name = f"{url.database}_{worker_id}"
    admin = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if found.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def db_url(tmp_path: Path, pg_url: str) -> Iterator[str]:
    """A URL to an empty database; on PostgreSQL the public schema is dropped and remade."""
    if pg_url:
        yield pg_url
    else:
        yield f"sqlite:///{tmp_path / f'test-{uuid.uuid4().hex[:8]}.db'}"


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    if db_url.startswith("postgresql"):
        _reset_postgres(engine)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))


@pytest.fixture
def service(db: Engine, calendar: WorkingCalendar, clock: Clock) -> Service:
    svc = Service(Store(db), calendar, clock)
    svc.publish_missing(DEFINITIONS)
    return svc


@pytest.fixture
def reviewer() -> Actor:
    return Actor("rita", "reviewer")


@pytest.fixture
def chair() -> Actor:
    return Actor("carl", "chair")


@pytest.fixture
def admin() -> Actor:
    return Actor("ada", "admin")


@pytest.fixture
def lead() -> Actor:
    return Actor("Lena Lead", "lead_reviewer")


@pytest.fixture
def police() -> Actor:
    return Actor("pat", "agency", ("Police",))


__all__ = ["DEFINITIONS", "PG_URL", "REPO", "Clock", "SQLModel"]
