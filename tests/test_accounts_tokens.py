"""Tokens expire and can be revoked; a disabled user's tokens stop; ``last_used_at`` is written
at most once a minute. The check reads the database, so what one process revokes every other
process refuses at its next call (two apps on one database stand for two processes)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.conftest import DEFINITIONS, Clock
from web.app import create_app
from workflow.core.calendar import WorkingCalendar
from workflow.core.errors import NotFound
from workflow.services import accounts
from workflow.services.accounts import NewUser, TokenStatus
from workflow.services.cases import Service
from workflow.settings import Settings
from workflow.store.unit import Store


@pytest.fixture
def rita(service: Service) -> str:
    with service.store.write() as u:
        accounts.add_user(u, NewUser(name="rita", role="reviewer"), service.now())
    return "rita"


def _app(db_url: str, tmp_path: Path, service: Service) -> object:
    settings = Settings(
        root=tmp_path,
        database_url=db_url,
        secret_key=secrets.token_urlsafe(32),
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path / "instance",
    )
    return create_app(settings, service=service)


def _status(app: object, token: str) -> int:
    client = app.test_client()  # type: ignore[attr-defined]
    return int(
        client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code
    )


def test_a_token_revoked_by_one_process_gets_401_at_once_on_another(
    service: Service, rita: str, db: Engine, db_url: str, tmp_path: Path, clock: Clock
) -> None:
    # Two services on one database, each with its own engine and app: two processes.
    other = Service(Store(db), WorkingCalendar(), clock)
    first, second = _app(db_url, tmp_path, service), _app(db_url, tmp_path / "2", other)
    token = accounts.create_token(service.store, rita, service.now(), 30)
    kept = accounts.create_token(service.store, rita, service.now(), 30)
    assert _status(first, token) == 200 and _status(second, token) == 200
    [one, _] = accounts.list_tokens(service.store, rita, service.now())
    assert accounts.revoke_tokens(service.store, rita, service.now(), one.id) == 1
    assert _status(first, token) == 401
    assert _status(second, token) == 401
    assert _status(second, kept) == 200  # only the one revoked
    assert accounts.revoke_tokens(service.store, rita, service.now()) == 1
    assert _status(second, kept) == 401


def test_a_disabled_users_tokens_get_401_until_enabled(
    service: Service, rita: str, db_url: str, tmp_path: Path
) -> None:
    app = _app(db_url, tmp_path, service)
    token = accounts.create_token(service.store, rita, service.now(), 30)
    accounts.set_active(service.store, rita, False, service.now())
    assert _status(app, token) == 401
    accounts.set_active(service.store, rita, True, service.now())
    assert _status(app, token) == 200


def test_a_token_expires_after_its_days(service: Service, rita: str, clock: Clock) -> None:
    token = accounts.create_token(service.store, rita, service.now(), 2)
    [view] = accounts.list_tokens(service.store, rita, service.now())
    assert view.expires_at == service.now() + timedelta(days=2)
    clock.advance(days=2, seconds=-1)
    assert accounts.check_token(service.store, token, service.now()) is not None
    clock.advance(seconds=1)
    assert accounts.check_token(service.store, token, service.now()) is None
    [view] = accounts.list_tokens(service.store, rita, service.now())
    assert view.status is TokenStatus.EXPIRED


def test_expiry_follows_the_real_clock_too(service: Service, rita: str) -> None:
    with freeze_time("2026-12-01 09:00:00"):
        token = accounts.create_token(service.store, rita, datetime.now(UTC), 1)
        assert accounts.actor_for_token(service.store, token) is not None
    with freeze_time("2026-12-02 09:00:01"):
        assert accounts.actor_for_token(service.store, token) is None


def test_last_used_is_written_at_most_once_a_minute(
    service: Service, rita: str, clock: Clock, db: Engine
) -> None:
    token = accounts.create_token(service.store, rita, service.now(), 30)
    start = service.now()
    writes: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE API_TOKEN"):
            writes.append(statement)

    event.listen(db, "before_cursor_execute", count)
    try:
        for seconds in (0, 20, 59):
            clock.set((start + timedelta(seconds=seconds)).isoformat())
            assert accounts.check_token(service.store, token, service.now()) is not None
        assert len(writes) == 1
        clock.set((start + timedelta(seconds=61)).isoformat())
        accounts.check_token(service.store, token, service.now())
        assert len(writes) == 2
    finally:
        event.remove(db, "before_cursor_execute", count)
    [view] = accounts.list_tokens(service.store, rita, service.now())
    assert view.last_used_at == start + timedelta(seconds=61)


def test_revoking_a_token_of_someone_else_is_refused(service: Service, rita: str) -> None:
    with service.store.write() as u:
        accounts.add_user(u, NewUser(name="carl", role="chair"), service.now())
    accounts.create_token(service.store, "carl", service.now(), 30)
    [carls] = accounts.list_tokens(service.store, "carl", service.now())
    with pytest.raises(NotFound, match="has no token"):
        accounts.revoke_tokens(service.store, rita, service.now(), carls.id)
    assert accounts.list_tokens(service.store, "carl", service.now())[0].revoked_at is None


def test_a_revocation_tells_the_in_process_listeners(service: Service, rita: str) -> None:
    heard: list[str] = []
    accounts.on_credentials_changed(lambda: heard.append("changed"))
    accounts.create_token(service.store, rita, service.now(), 30)
    accounts.revoke_tokens(service.store, rita, service.now())
    accounts.set_active(service.store, rita, False, service.now())
    assert len(heard) == 2
