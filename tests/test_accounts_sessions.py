"""Sessions end on the server: at sign-out (the old cookie, replayed, opens nothing), when the
user is disabled, after the idle time, and after the longest lifetime."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from freezegun import freeze_time
from sqlalchemy.engine import Engine

from tests.accounts_support import add_people, browser, pages_app, signs_in
from tests.conftest import Clock
from tests.test_pages import submit
from workflow.core.calendar import WorkingCalendar
from workflow.services import accounts
from workflow.services.cases import Service
from workflow.store.unit import Store


@pytest.fixture
def app(service: Service, tmp_path: Path, db_url: str) -> Any:
    add_people(service)
    return pages_app(
        service, tmp_path, db_url, accounts={"session_idle_minutes": 30, "session_max_hours": 12}
    )


def _cookie(c: FlaskClient) -> str:
    found = c.get_cookie("session")
    assert found is not None
    return found.value


def _replayed(app: Any, cookie: str) -> FlaskClient:
    c: FlaskClient = app.test_client()
    c.set_cookie("session", cookie)
    return c


def test_a_cookie_replayed_after_sign_out_opens_nothing(app: Any) -> None:
    c = browser(app)
    assert signs_in(c, "rita") == 302
    cookie = _cookie(c)
    assert _replayed(app, cookie).get("/").status_code == 200  # the copy works while signed in
    response = submit(c, c.get("/").get_data(as_text=True), "/sign-out")
    assert response.status_code == 302
    assert _replayed(app, cookie).get("/").status_code == 302
    assert _replayed(app, cookie).get("/cases").headers["Location"].startswith("/sign-in")


def test_signing_out_ends_only_that_session(app: Any) -> None:
    laptop, phone = browser(app), browser(app)
    assert signs_in(laptop, "rita") == 302 and signs_in(phone, "rita") == 302
    submit(laptop, laptop.get("/").get_data(as_text=True), "/sign-out")
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 200


def test_disabling_a_user_ends_their_sessions_at_once(app: Any, service: Service) -> None:
    c = browser(app)
    assert signs_in(c, "rita") == 302
    cookie = _cookie(c)
    accounts.set_active(service.store, "rita", False, service.now())
    assert c.get("/").status_code == 302
    accounts.set_active(service.store, "rita", True, service.now())
    assert _replayed(app, cookie).get("/").status_code == 302  # enabling opens no old session
    assert signs_in(browser(app), "rita") == 302


def test_a_session_ends_after_the_idle_time(db: Engine, tmp_path: Path, db_url: str) -> None:
    # The service reads the real clock here; freezegun moves it.
    service = Service(Store(db), WorkingCalendar())
    add_people(service)
    app = pages_app(service, tmp_path, db_url, accounts={"session_idle_minutes": 30})
    with freeze_time("2026-12-01 09:00:00") as frozen:
        c = browser(app)
        assert signs_in(c, "rita") == 302
        for _ in range(4):  # each request within the idle time keeps it open
            frozen.tick(29 * 60)
            assert c.get("/").status_code == 200
        frozen.tick(30 * 60)
        assert c.get("/").status_code == 302
        assert signs_in(c, "rita") == 302  # signing in again opens a new one


def test_a_session_ends_after_its_longest_life_however_busy(app: Any, clock: Clock) -> None:
    c = browser(app)
    assert signs_in(c, "rita") == 302
    for _ in range(11 * 4 + 3):  # a request every 15 minutes for 11 h 45 min
        clock.advance(minutes=15)
        assert c.get("/").status_code == 200
    clock.advance(minutes=15)
    assert c.get("/").status_code == 302
