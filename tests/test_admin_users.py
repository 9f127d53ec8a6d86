"""``/admin/users``: an administrator disables and enables users and revokes their tokens in the
pages (GOV.UK forms, each a POST with its form token); nobody else may."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.accounts_support import add_people, browser, pages_app, signs_in
from tests.test_pages import submit, text_of
from workflow.services import accounts
from workflow.services.cases import Service


@pytest.fixture
def app(service: Service, tmp_path: Path, db_url: str) -> Any:
    add_people(service)
    return pages_app(service, tmp_path, db_url)


def _user_id(service: Service, name: str) -> int:
    return next(u.id for u in accounts.list_users(service.store, service.now()) if u.name == name)


def test_an_admin_disables_and_enables_a_user_in_the_pages(app: Any, service: Service) -> None:
    rita, ada = browser(app, "198.51.100.4"), browser(app)
    assert signs_in(rita, "rita") == 302 and signs_in(ada, "ada") == 302
    page = ada.get("/admin/users")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/admin/users"' in html  # the admin's navigation links the page
    rid = _user_id(service, "rita")
    done = submit(ada, html, f"disable-{rid}")
    assert done.status_code == 302
    after = ada.get("/admin/users").get_data(as_text=True)
    assert "Disabled rita." in text_of(after)
    assert rita.get("/").status_code == 302  # her session ended at once
    assert signs_in(browser(app, "198.51.100.4"), "rita") == 401
    submit(ada, after, f"enable-{rid}")
    assert signs_in(browser(app, "198.51.100.4"), "rita") == 302


def test_an_admin_revokes_tokens_in_the_pages(app: Any, service: Service) -> None:
    first = accounts.create_token(service.store, "rita", service.now(), 30)
    second = accounts.create_token(service.store, "rita", service.now(), 30)
    ada = browser(app)
    signs_in(ada, "ada")
    rid = _user_id(service, "rita")
    listing = ada.get(f"/admin/users/{rid}/tokens").get_data(as_text=True)
    [one, _] = accounts.list_tokens(service.store, "rita", service.now())
    assert "active" in text_of(listing) and first not in listing
    submit(ada, listing, f"revoke-{one.id}")
    assert accounts.check_token(service.store, first, service.now()) is None
    assert accounts.check_token(service.store, second, service.now()) is not None
    submit(ada, ada.get("/admin/users").get_data(as_text=True), f"revoke-all-{rid}")
    assert accounts.check_token(service.store, second, service.now()) is None


def test_the_users_page_is_for_admins_and_every_button_needs_its_token(
    app: Any, service: Service
) -> None:
    carl = browser(app)
    signs_in(carl, "carl")
    assert carl.get("/admin/users").status_code == 403
    assert carl.post("/admin/users", data={"name": "rita", "action": "disable"}).status_code in (
        400,
        403,
    )
    ada = browser(app)
    signs_in(ada, "ada")
    assert ada.post("/admin/users", data={"name": "rita", "action": "disable"}).status_code == 400
    assert accounts.list_users(service.store, service.now())[0].active
    assert all(u.active for u in accounts.list_users(service.store, service.now()))


def test_an_admin_cannot_disable_themselves_or_act_on_nobody(app: Any, service: Service) -> None:
    ada = browser(app)
    signs_in(ada, "ada")
    html = ada.get("/admin/users").get_data(as_text=True)
    assert f"disable-{_user_id(service, 'ada')}" not in html  # no button for oneself
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    refused = ada.post(
        "/admin/users", data={"csrf_token": token, "name": "ada", "action": "disable"}
    )
    assert refused.status_code == 302
    assert "cannot disable your own account" in text_of(ada.get("/admin/users").get_data(True))
    ada.post("/admin/users", data={"csrf_token": token, "name": "nobody", "action": "enable"})
    assert "There is no user named 'nobody'" in text_of(ada.get("/admin/users").get_data(True))
    bad = ada.post("/admin/users", data={"csrf_token": token, "name": "rita", "action": "delete"})
    assert bad.status_code == 400
    assert ada.get("/admin/users/99999/tokens").status_code == 404
