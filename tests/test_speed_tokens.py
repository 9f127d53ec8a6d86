"""The token check (issue 11): one indexed read, then a short in-process cache that any
revocation empties at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from workflow.services import accounts
from workflow.services.accounts import NewUser
from workflow.services.cases import Service
from workflow.store.unit import unit_of_work


def _statements(db: Engine) -> list[str]:
    seen: list[str] = []

    def note(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        seen.append(statement)

    event.listen(db, "before_cursor_execute", note)
    return seen


def _user(service: Service, name: str) -> str:
    accounts.create_user(service.store, NewUser(name=name, role="reviewer"), service.now())
    return accounts.create_token(service.store, name, service.now())


def test_a_known_token_is_read_once_then_remembered(service: Service, db: Engine) -> None:
    token = _user(service, "tina")
    seen = _statements(db)
    first = accounts.actor_for_token(service.store, token)
    reads = len(seen)
    again = accounts.actor_for_token(service.store, token)
    assert first == again and first is not None and first.name == "tina"
    assert [s for s in seen if s.lstrip().upper().startswith("SELECT")][:1]
    assert len(seen) == reads  # the second check sent nothing


def test_a_token_dropped_stops_working_at_once(service: Service, db: Engine) -> None:
    token = _user(service, "tina")
    assert accounts.actor_for_token(service.store, token) is not None
    with service.store.write() as u:
        accounts.issue_token(u, "tina", service.now(), replacing=True)  # drops the others
    assert accounts.actor_for_token(service.store, token) is None


def test_a_user_changed_empties_the_cache(service: Service, db: Engine) -> None:
    token = _user(service, "tina")
    assert accounts.actor_for_token(service.store, token) is not None
    with unit_of_work(db) as s:
        s.execute(
            text("UPDATE user_account SET active = :no WHERE name = :n"), {"no": False, "n": "tina"}
        )
    assert accounts.actor_for_token(service.store, token) is None


def test_an_unknown_token_is_not_remembered(service: Service) -> None:
    assert accounts.actor_for_token(service.store, "not-a-token") is None
    assert service.store.tokens.get(accounts.token_digest("not-a-token")) is not None
    assert not service.store.tokens._entries


def test_a_revocation_through_another_engine_of_the_process_empties_the_cache(
    service: Service, db: Engine
) -> None:
    from workflow.store.db import make_engine

    token = _user(service, "tina")
    assert accounts.actor_for_token(service.store, token) is not None
    other = make_engine(str(db.url.render_as_string(hide_password=False)))  # as a CLI command
    try:
        with unit_of_work(other) as s:
            s.execute(text("DELETE FROM api_token"))
    finally:
        other.dispose()
    assert accounts.actor_for_token(service.store, token) is None
