"""The administrators' pages, as an admin would use them: edit the learning review, see an
unreachable state refused with its name and line, publish version 2, see old cases stay on
version 1, move one with a dry run first, and find it all in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.test_administration import LR, LR_V2, UNREACHABLE
from tests.test_pages import FAST_HASH, PEOPLE, as_user, submit, text_of
from web.app import create_app
from workflow.core.roles import Actor
from workflow.services import accounts
from workflow.services.administration import audit
from workflow.services.cases import Service
from workflow.settings import Settings


@pytest.fixture
def admin_app(tmp_path: Any, db_url: str, service: Service) -> Any:
    from tests.conftest import DEFINITIONS

    settings = Settings(
        root=tmp_path,
        database_url=db_url,
        secret_key="admin-pages-test-secret-0123456789",
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path,
    )
    with service.store.write() as u:
        for name, (role, agencies) in PEOPLE.items():
            new = accounts.NewUser(name=name, role=role, agencies=agencies)
            accounts.add_user(u, new, service.now()).password_hash = FAST_HASH
    app = create_app(settings, service=service)
    app.config.update(TESTING=True)
    return app


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_an_admin_edits_publishes_and_migrates_in_the_browser(
    admin_app: Any, service: Service, reviewer: Actor
) -> None:
    old = service.open_case(reviewer, LR, "Family A", {})
    c = as_user(admin_app, "ada")
    index = page(c, "/admin/")
    assert f'href="/admin/review-types/{LR}">Learning review</a>' in index
    editor = page(c, f"/admin/review-types/{LR}")
    refused = submit(c, editor, f"/admin/review-types/{LR}", {"source": UNREACHABLE, "save": "1"})
    text = text_of(refused.get_data(as_text=True))
    line = UNREACHABLE.splitlines().index("[states.orphaned]") + 1
    assert f"Line {line}: states.orphaned: state 'orphaned' cannot be reached" in text
    saved = submit(
        c,
        refused.get_data(as_text=True),
        f"/admin/review-types/{LR}",
        {"source": LR_V2, "publish": "1"},
    )
    assert saved.status_code == 302 and saved.location.endswith(f"/admin/review-types/{LR}/migrate")
    assert service.review_type(LR).version == 2
    assert service.get_case(reviewer, old.id).definition_version == 1
    migrate = page(c, f"/admin/review-types/{LR}/migrate")
    dry = submit(
        c,
        migrate,
        f"/admin/review-types/{LR}/migrate",
        {"from_version": "1", "to_version": "2", "dry_run": "1"},
    )
    dry_html = dry.get_data(as_text=True)
    assert "Dry run: version 1 to 2" in text_of(dry_html)
    assert old.reference in dry_html
    assert service.get_case(reviewer, old.id).definition_version == 1  # nothing yet
    applied = submit(
        c,
        dry_html,
        f"/admin/review-types/{LR}/migrate",
        {"from_version": "1", "to_version": "2", "apply": "1"},
    )
    assert "Applied: version 1 to 2" in text_of(applied.get_data(as_text=True))
    assert service.get_case(reviewer, old.id).definition_version == 2
    actions = [e.action for e in audit.entries(service, Actor("ada", "admin"), LR)]
    assert actions[:4] == ["migration_applied", "published", "draft_saved", "draft_saved"]


@pytest.mark.parametrize("name", ["rita", "carl", "Lena Lead", "pat"])
def test_admin_pages_are_refused_to_everyone_else(admin_app: Any, name: str) -> None:
    c = as_user(admin_app, name)
    for url in ("/admin/", f"/admin/review-types/{LR}", f"/admin/review-types/{LR}/migrate"):
        assert c.get(url).status_code == 403


def test_admin_pages_need_sign_in_and_their_form_token(admin_app: Any, service: Service) -> None:
    anonymous = admin_app.test_client()
    assert anonymous.get("/admin/").status_code == 302
    c = as_user(admin_app, "ada")
    editor = page(c, f"/admin/review-types/{LR}")
    refused = submit(
        c,
        editor,
        f"/admin/review-types/{LR}",
        {"source": LR_V2, "publish": "1"},
        drop=("csrf_token",),
    )
    assert refused.status_code == 400
    assert service.review_type(LR).version == 1
