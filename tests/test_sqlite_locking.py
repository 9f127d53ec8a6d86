"""On SQLite, reads never wait for each other (even one inside another), while a unit of work
takes the write lock when it begins, so writers queue instead of failing half-way."""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from workflow.store.unit import unit_of_work


@pytest.fixture
def sqlite_db(db: Engine) -> Engine:
    if db.dialect.name != "sqlite":
        pytest.skip("SQLite locking only")
    return db


@pytest.fixture
def begins(sqlite_db: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(sqlite_db, "before_cursor_execute", record)
    yield seen
    event.remove(sqlite_db, "before_cursor_execute", record)


def test_a_read_inside_a_read_does_not_wait(sqlite_db: Engine, begins: list[str]) -> None:
    with Session(sqlite_db) as outer:
        outer.execute(text("SELECT count(*) FROM review_type_version"))
        with Session(sqlite_db) as inner:
            inner.execute(text("SELECT count(*) FROM review_type_version"))
    assert begins == ["BEGIN DEFERRED", "BEGIN DEFERRED"]


def test_a_unit_of_work_takes_the_write_lock_when_it_begins(
    sqlite_db: Engine, begins: list[str]
) -> None:
    with unit_of_work(sqlite_db) as s:
        s.execute(text("SELECT 1"))
    assert begins == ["BEGIN IMMEDIATE"]
