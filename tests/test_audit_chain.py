"""The audit trail cannot be rewritten by the back door, and it is tamper-evident: each entry
carries a hash of its content and of the entry before it in its chain (each case's events; the
one access log), and ``workflow audit verify`` exits 0 when every chain is intact and 1 naming
the first entry that is not (issue 13)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from tests.conftest import DEFINITIONS
from workflow.cli import cli
from workflow.core.audit_chain import EVENT_FIELDS, GENESIS, ChainCheck, entry_hash, link
from workflow.core.roles import Actor
from workflow.services import audit
from workflow.services.cases import Service


@pytest.fixture
def cases(service: Service, reviewer: Actor) -> list[int]:
    """Two cases with a few events each, read a few times (access-log entries)."""
    ids = []
    for title in ("Child A", "Child B"):
        case = service.open_case(reviewer, "notifiable_incident", title, {"aware_at": "2026-11-27"})
        service.update_data(reviewer, case.id, {"agencies": ["Police"]}, case.version)
        service.get_case(reviewer, case.id)
        service.events(reviewer, case.id)
        ids.append(int(case.id))
    service.list_cases(reviewer)
    return ids


@pytest.fixture
def run(tmp_path: Path, db_url: str, db: Engine, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("WORKFLOW_CONFIG", "WORKFLOW_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKFLOW_SECRET_KEY", "a-secret-key-for-the-audit-tests-0123456789")
    config = tmp_path / "board" / "config.toml"
    config.parent.mkdir()
    config.write_text(
        f'database_url = "{db_url}"\ndefinitions_dir = "{DEFINITIONS.as_posix()}"\n',
        encoding="utf-8",
    )

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--config", str(config), *args])

    return invoke


def sql(db: Engine, statement: str, **params: Any) -> None:
    with db.begin() as conn:
        conn.execute(text(statement), params)


@pytest.fixture
def tamper(db: Engine) -> Iterator[Any]:
    """As someone who can drop the triggers would: change the trail behind the product."""
    is_pg = db.dialect.name == "postgresql"

    def do(statement: str, **params: Any) -> None:
        with db.begin() as conn:
            if is_pg:
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            else:
                for t in ("event", "access_log"):
                    for a in ("update", "delete"):
                        conn.execute(text(f"DROP TRIGGER IF EXISTS {t}_no_{a}"))
            conn.execute(text(statement), params)

    yield do


def test_every_entry_carries_its_hash_and_the_chains_verify(
    service: Service, cases: list[int], run: Any
) -> None:
    with service.db.connect() as conn:
        hashes = conn.execute(text("SELECT hash FROM event")).scalars().all()
        logged = conn.execute(text("SELECT seq, hash FROM access_log ORDER BY seq")).all()
    assert len(hashes) >= 6 and all(len(h) == 64 for h in hashes)
    assert [s for s, _ in logged] == list(range(1, len(logged) + 1))
    verdict = audit.verify(service.store)
    assert verdict.intact and verdict.cases == 2 and verdict.access_entries == len(logged)
    result = run("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "The audit trail is intact" in result.output


@pytest.mark.parametrize(
    ("statement", "names"),
    [
        ("UPDATE event SET note = 'rewritten' WHERE case_id = :b AND seq = 2", "event entry"),
        ("UPDATE event SET detail = '{}' WHERE case_id = :b AND seq = 1", "event entry"),
        ("DELETE FROM event WHERE case_id = :a AND seq = 1", "expected seq 1"),
        # The last events of a case cut off its end: the case row still names its chain's head.
        (
            "DELETE FROM event WHERE case_id = :b AND seq = "
            "(SELECT max(seq) FROM event WHERE case_id = :b)",
            "entries were cut off its end",
        ),
        ("UPDATE access_log SET actor = 'someone else' WHERE seq = 2", "access_log entry"),
        ("DELETE FROM access_log WHERE seq = 1", "expected seq 1"),
        ("DELETE FROM access_log WHERE seq = (SELECT max(seq) FROM access_log)", "cut off"),
    ],
)
def test_verify_names_the_first_entry_that_was_tampered_with(
    service: Service, cases: list[int], run: Any, tamper: Any, statement: str, names: str
) -> None:
    tamper(statement, a=cases[0], b=cases[1])
    verdict = audit.verify(service.store)
    assert not verdict.intact
    assert names in str(verdict.broken)
    result = run("audit", "verify")
    assert result.exit_code == 1, result.output
    assert "tampered with" in result.stderr and names in result.stderr


def test_the_break_names_the_case_and_entry(
    service: Service, cases: list[int], tamper: Any
) -> None:
    tamper("UPDATE event SET actor = 'x' WHERE case_id = :b AND seq = 2", b=cases[1])
    broken = str(audit.verify(service.store).broken)
    assert f"in the events of case {cases[1]}" in broken and "(seq 2)" in broken


@pytest.mark.parametrize("table", ["event", "access_log"])
def test_sqlite_insert_or_replace_cannot_rewrite_an_entry(
    service: Service, cases: list[int], table: str
) -> None:
    if service.db.dialect.name != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    columns = "id, case_id, seq, at, actor, actor_role, kind, note, detail, hash"
    rewrite = {
        "event": f"INSERT OR REPLACE INTO event ({columns}) SELECT id, case_id, seq, at, "
        "'mallory', actor_role, kind, 'rewritten', detail, hash FROM event WHERE id = 1",
        "access_log": "INSERT OR REPLACE INTO access_log (id, seq, case_id, at, actor, action, "
        "hash) SELECT id, seq, case_id, at, 'mallory', action, hash FROM access_log WHERE id = 1",
    }[table]
    moved = {  # a new id, but the place of an entry in its chain
        "event": f"REPLACE INTO event ({columns}) SELECT 9999, case_id, seq, at, 'mallory', "
        "actor_role, kind, note, detail, hash FROM event WHERE id = 1",
        "access_log": "REPLACE INTO access_log (id, seq, case_id, at, actor, action, hash) "
        "SELECT 9999, seq, case_id, at, 'mallory', action, hash FROM access_log WHERE id = 1",
    }[table]
    for statement in (rewrite, moved):
        with pytest.raises(DBAPIError, match="append-only"):
            sql(service.db, statement)
    assert audit.verify(service.store).intact


@pytest.mark.parametrize("table", ["event", "access_log"])
def test_postgresql_refuses_truncate_and_upserts_of_the_trail(
    service: Service, cases: list[int], table: str
) -> None:
    if service.db.dialect.name != "postgresql":
        pytest.skip("TRUNCATE triggers are PostgreSQL's")
    with pytest.raises(DBAPIError, match="append-only"):
        sql(service.db, f"TRUNCATE {table} CASCADE")
    upsert = (
        f"INSERT INTO {table} SELECT * FROM {table} WHERE id = 1 "
        "ON CONFLICT (id) DO UPDATE SET actor = 'mallory'"
    )
    with pytest.raises(DBAPIError, match="append-only"):
        sql(service.db, upsert)
    assert audit.verify(service.store).intact


def test_the_update_and_delete_triggers_still_hold(service: Service, cases: list[int]) -> None:
    for statement in ("UPDATE event SET hash = 'x'", "DELETE FROM access_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            sql(service.db, statement)


def test_a_chain_links_in_memory_before_any_insert() -> None:
    rows: list[dict[str, Any]] = [
        {"case_id": 1, "seq": i, "at": None, "kind": "k", "detail": {"b": 1, "a": [2]}}
        for i in (1, 2, 3)
    ]
    last = link(GENESIS, rows, EVENT_FIELDS)
    assert last == rows[-1]["hash"]
    assert rows[1]["hash"] == entry_hash(rows[0]["hash"], rows[1], EVENT_FIELDS)
    check = ChainCheck("event", "case 1", EVENT_FIELDS)
    assert all(check.feed(r) for r in rows) and check.end(last)
    rows[1]["detail"] = {"a": [2], "b": 2}
    check = ChainCheck("event", "case 1", EVENT_FIELDS)
    assert check.feed(rows[0]) and not check.feed(rows[1])
    assert check.broken is not None and check.broken.seq == 2


def test_verify_reads_the_chains_a_batch_at_a_time(
    service: Service, cases: list[int], tamper: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = audit.verify(service.store)
    monkeypatch.setattr("workflow.store.audit.BATCH", 2)
    assert audit.verify(service.store) == whole
    tamper("UPDATE access_log SET action = 'x' WHERE seq = 5")
    assert "(seq 5)" in str(audit.verify(service.store).broken)
