"""An administrator in a real browser: edit the learning review, see an unreachable state
refused with its name and line, publish version 2, see the open case stay on version 1, move it
with a dry run first, and find it all in the recent changes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, shoot
from tests.browser.test_incident_in_browser import sign_in
from tests.test_administration import LR, LR_V2, UNREACHABLE
from workflow.core.roles import Actor
from workflow.services.cases import Service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
]


def test_an_admin_changes_the_learning_review_in_the_browser(
    page: Any, service: Service, reviewer: Actor
) -> None:
    from playwright.sync_api import expect

    old = service.open_case(reviewer, LR, "Family A", {})
    sign_in(page, "ada")
    page.get_by_role("link", name="Review types").first.click()
    page.get_by_role("link", name="Learning review", exact=True).click()
    expect(page.get_by_role("heading", name="Edit the definition")).to_be_visible()

    page.get_by_label("Definition (TOML)").fill(UNREACHABLE)
    page.get_by_role("button", name="Save draft").click()
    line = UNREACHABLE.splitlines().index("[states.orphaned]") + 1
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(f"Line {line}: states.orphaned")
    expect(summary).to_contain_text("'orphaned' cannot be reached")
    expect(page.get_by_text("Draft saved by ada")).to_be_visible()
    shoot(page, "11-admin-draft-refused")

    page.get_by_label("Definition (TOML)").fill(LR_V2)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_test_id("changes")).to_contain_text("state 'monitoring_actions' added")
    page.get_by_role("button", name="Publish as a new version").click()
    page.wait_for_url(re.compile(rf"/admin/review-types/{LR}/migrate$"))
    expect(page.get_by_text(f"Published {LR} version 2")).to_be_visible()
    assert service.get_case(reviewer, old.id).definition_version == 1

    page.get_by_label("Move open cases from version").select_option("1")
    page.get_by_label("to version").select_option("2")
    page.get_by_role("button", name="Dry run").click()
    expect(page.get_by_text("Dry run: version 1 to 2")).to_be_visible()
    expect(page.get_by_role("cell", name=old.reference)).to_be_visible()
    shoot(page, "12-admin-migration-dry-run")
    assert service.get_case(reviewer, old.id).definition_version == 1
    page.get_by_role("button", name="Apply to the cases listed").click()
    expect(page.get_by_text("Applied: version 1 to 2")).to_be_visible()
    assert service.get_case(reviewer, old.id).definition_version == 2

    page.get_by_role("link", name="Review types").first.click()
    changes = page.locator("table").nth(1)
    expect(changes).to_contain_text("migration applied")
    expect(changes).to_contain_text("published")
    assert not page.watch.outside, page.watch.outside
