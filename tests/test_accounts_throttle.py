"""Sign-in throttling, counted in the database by name and by address: an attacker is slowed,
the rightful user signing in from elsewhere is not; unknown names cost the same work."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from tests.accounts_support import add_people, browser, pages_app, signs_in
from tests.conftest import Clock
from tests.test_pages import PASSWORD, sign_in
from workflow.core.calendar import WorkingCalendar
from workflow.services import accounts
from workflow.services.accounts import SessionRules, SignInLimits, sessions
from workflow.services.cases import Service
from workflow.store.unit import Store

LIMITS = {"max_failed_logins_per_address": 6, "max_failed_logins_per_name": 4}


@pytest.fixture
def app(service: Service, tmp_path: Path, db_url: str) -> Any:
    add_people(service)
    return pages_app(service, tmp_path, db_url, web={"max_failed_logins": 3}, accounts=LIMITS)


def test_an_attacker_is_stopped_but_the_user_signs_in_from_elsewhere(app: Any) -> None:
    attacker, user = browser(app, "203.0.113.9"), browser(app, "198.51.100.4")
    for _ in range(3):
        assert signs_in(attacker, "rita", "guess one more") == 401
    assert signs_in(attacker, "rita") == 429  # even the right password, from there
    assert signs_in(user, "rita") == 302


def test_the_wait_ends_after_the_window(app: Any, clock: Clock) -> None:
    attacker = browser(app, "203.0.113.9")
    for _ in range(3):
        signs_in(attacker, "rita", "guess one more")
    assert signs_in(attacker, "rita") == 429
    clock.advance(minutes=14, seconds=59)
    assert signs_in(attacker, "rita") == 429  # refused attempts do not lengthen the wait
    clock.advance(seconds=1)
    assert signs_in(attacker, "rita") == 302


def test_a_refusal_says_when_to_retry(app: Any, clock: Clock) -> None:
    attacker = browser(app, "203.0.113.9")
    for _ in range(3):
        signs_in(attacker, "rita", "guess one more")
        clock.advance(minutes=1)  # failures at 0, 1 and 2 minutes: the first ages out at 15
    clock.advance(minutes=2)  # now 5 minutes after the first
    refused = sign_in(attacker, "rita")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(10 * 60)
    assert "Wait 10 minutes" in refused.get_data(as_text=True)
    clock.advance(minutes=9, seconds=59, microseconds=500000)
    assert sign_in(attacker, "rita").headers["Retry-After"] == "1"  # rounded up, never 0
    clock.advance(seconds=1)
    assert signs_in(attacker, "rita") == 302


def test_one_address_trying_many_names_waits(app: Any) -> None:
    sprayer = browser(app, "203.0.113.9")
    for name in ("rita", "carl", "pat", "hana", "ada", "nobody"):
        assert signs_in(sprayer, name, "Summer2026!") == 401
    assert signs_in(sprayer, "Lena Lead") == 429
    assert signs_in(browser(app, "198.51.100.4"), "Lena Lead") == 302


def test_a_name_guessed_from_many_addresses_stays_open_to_the_users_own(app: Any) -> None:
    home = browser(app, "198.51.100.4")
    assert signs_in(home, "rita") == 302
    for n in range(4):
        assert signs_in(browser(app, f"203.0.113.{n}"), "rita", "guess one more") == 401
    assert signs_in(browser(app, "203.0.113.200"), "rita") == 429  # a new address waits
    assert signs_in(browser(app, "198.51.100.4"), "rita") == 302  # where rita signed in before
    assert signs_in(browser(app, "203.0.113.200"), "carl") == 302  # other names are open


def test_the_count_is_shared_by_every_process_and_survives_a_restart(
    app: Any, service: Service, db: Engine, tmp_path: Path, db_url: str, clock: Clock
) -> None:
    attacker = browser(app, "203.0.113.9")
    assert signs_in(attacker, "rita", "guess one more") == 401
    assert signs_in(attacker, "rita", "guess one more") == 401
    # Another process (its own engine, service and app): it counts the failures already made.
    other = Service(Store(db), WorkingCalendar(), clock)
    restarted = pages_app(other, tmp_path / "2", db_url, web={"max_failed_logins": 3})
    assert signs_in(browser(restarted, "203.0.113.9"), "rita", "guess one more") == 401
    assert signs_in(attacker, "rita") == 429
    assert signs_in(browser(restarted, "203.0.113.9"), "rita") == 429


def test_a_right_password_forgives_that_addresses_mistakes(app: Any) -> None:
    c = browser(app, "198.51.100.4")
    assert signs_in(c, "rita", "typo in it now") == 401
    assert signs_in(c, "rita", "typo in it again") == 401
    assert signs_in(c, "rita") == 302
    c = browser(app, "198.51.100.4")  # a new browser, the same address
    assert signs_in(c, "rita", "typo in it now") == 401
    assert signs_in(c, "rita", "typo in it again") == 401
    assert signs_in(c, "rita") == 302


# -- the same work for every name -----------------------------------------------------------


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = sessions.check_password_hash

    def counting(stored: str, password: str) -> bool:
        seen.append(stored)
        return real(stored, password)

    monkeypatch.setattr(sessions, "check_password_hash", counting)
    return seen


def _attempt(service: Service, name: str, password: str, address: str = "192.0.2.1") -> Any:
    limits = SignInLimits(per_name_and_address=3, per_address=50, per_name=20, window=_WINDOW)
    rules = SessionRules(idle=_WINDOW, longest=_WINDOW * 10)
    return accounts.attempt_sign_in(
        service.store, name, password, address, service.now(), limits, rules
    )


_WINDOW = timedelta(minutes=15)


def test_unknown_names_wrong_passwords_and_disabled_users_cost_one_hash_each(
    app: Any, service: Service, hashes: list[str]
) -> None:
    with service.store.write() as u:
        accounts.add_user(u, accounts.NewUser(name="robot", role="reviewer"), service.now())
    accounts.set_active(service.store, "carl", False, service.now())
    cases = [
        ("nobody at all", "guess one more"),  # unknown name
        ("rita", "guess one more"),  # wrong password
        ("carl", PASSWORD),  # disabled, even with the right password
        ("robot", "guess one more"),  # a user with no password (tokens only)
        ("rita", PASSWORD),  # right
    ]
    for name, password in cases:
        before = len(hashes)
        outcome = _attempt(service, name, password)
        assert len(hashes) == before + 1, name
        assert (outcome.account is not None) == (name == "rita" and password == PASSWORD)
    unknown, wrong = hashes[0], hashes[1]
    assert unknown == sessions.dummy_hash() and wrong != unknown


def test_a_throttled_attempt_checks_no_password(service: Service, hashes: list[str]) -> None:
    add_people(service)
    for _ in range(3):
        assert _attempt(service, "rita", "guess one more").account is None
    count = len(hashes)
    outcome = _attempt(service, "rita", PASSWORD)
    assert outcome.throttled and outcome.account is None and len(hashes) == count
