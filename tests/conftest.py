"""Shared fixtures: a fresh database (SQLite by default, PostgreSQL when
``WORKFLOW_TEST_DATABASE_URL`` names one), a calendar, a controllable clock, the service and
the usual people."""

from __future__ import annotations

import os
import secrets
import shutil
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
from workflow.settings import Settings
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


#: The instant the template's review types are published at (the ``clock`` fixture's start).
PUBLISHED_AT = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _admin_engine() -> Engine:
    """A connection to the server's maintenance database, for creating and dropping others."""
    url = make_url(PG_URL).set(drivername="postgresql+psycopg", database="postgres")
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _recreate(admin: Engine, name: str, template: str | None = None) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        like = f' TEMPLATE "{template}"' if template else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{like}'))


def _build(url: str) -> None:
    """Migrate an empty database and publish the shipped review types into it."""
    engine = make_engine(url)
    upgrade(engine)
    Service(Store(engine), WorkingCalendar(), lambda: PUBLISHED_AT).publish_missing(DEFINITIONS)
    if url.startswith("sqlite"):
        with engine.connect() as conn:  # fold the WAL into the file, so a copy is whole
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


@pytest.fixture(scope="session")
def pg_url(worker_id: str) -> str:
    """PostgreSQL URL for this test worker: each pytest-xdist worker gets a database of its own."""
    if not PG_URL:
        return ""
    url = make_url(PG_URL)
    name = f"{url.database}_{worker_id}"
    admin = _admin_engine()
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if found.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def template(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The migrated schema with the shipped review types published, built once per test session
    (and per worker): a SQLite file, or a PostgreSQL template database. Each test gets a copy."""
    if pg_url:
        name = f"{make_url(pg_url).database}_template"
        admin = _admin_engine()
        _recreate(admin, name)
        admin.dispose()
        _build(make_url(pg_url).set(database=name).render_as_string(hide_password=False))
        return name
    path = tmp_path_factory.mktemp("template") / "template.db"
    _build(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def db_url(tmp_path: Path, pg_url: str) -> Iterator[str]:
    """A URL to a database of this test's own: on SQLite a new file, on PostgreSQL this worker's
    database (empty unless the ``db`` fixture filled it)."""
    if pg_url:
        yield pg_url
    else:
        yield f"sqlite:///{tmp_path / f'test-{uuid.uuid4().hex[:8]}.db'}"


@pytest.fixture
def db(db_url: str, template: str) -> Iterator[Engine]:
    """The database at ``db_url``, a copy of the template: migrated, review types published."""
    if db_url.startswith("postgresql"):
        admin = _admin_engine()
        _recreate(admin, make_url(db_url).database or "", template)
        admin.dispose()
    else:
        shutil.copyfile(template, make_url(db_url).database or "")
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def empty_db(db_url: str) -> Iterator[Engine]:
    """The database at ``db_url``, empty: no schema at all (for the tests of migrating)."""
    if db_url.startswith("postgresql"):
        admin = _admin_engine()
        _recreate(admin, make_url(db_url).database or "")
        admin.dispose()
    engine = make_engine(db_url)
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
    return Service(Store(db), calendar, clock)


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


def scheduler_settings(db_url: str, tmp_path: Path, batch: int = 50) -> Settings:
    """Settings for a scheduler under test: an hour between its own wake-ups (the tests wake
    it), a two-minute lease, ``batch`` deadlines claimed at a time."""
    return Settings(
        root=tmp_path,
        database_url=db_url,
        secret_key=secrets.token_hex(16),
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path,
        scheduler={"interval_seconds": 3600, "lease_seconds": 120, "batch": batch},
    )
