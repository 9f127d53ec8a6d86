"""Issue 14 in a real browser: every main page at phone width (390 px) without sideways
scrolling, axe-core finding no violation of any impact, error pages for every page route, and
the removal of a record asked to be confirmed. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, shoot
from tests.browser.test_incident_in_browser import sign_in
from workflow.core.roles import Actor
from workflow.services.cases import Service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def board(service: Service, reviewer: Actor) -> dict[str, Any]:
    """A notifiable incident and a learning review with records, to show on the pages."""
    incident = service.open_case(
        reviewer,
        "notifiable_incident",
        "Child A",
        {"aware_at": date(2026, 11, 26).isoformat(), "agencies": ["Northshire Police"]},
    )
    review = service.open_case(
        reviewer, "learning_review", "Family B", {"agencies": ["Northshire Police"]}
    )
    scr = service.open_case(
        reviewer, "serious_case_review", "Child C", {"agencies": ["Northshire Police"]}
    )
    return {"incident": incident, "review": review, "scr": scr}


def main_pages(board: dict[str, Any]) -> dict[str, str]:
    incident, review = board["incident"], board["review"]
    return {
        "dashboard": "/",
        "all-cases": "/cases",
        "choose-type": "/cases/new",
        "open-incident": "/cases/new/notifiable_incident",
        "incident": f"/cases/{incident.id}",
        "review": f"/cases/{review.id}",
        "review-findings": f"/cases/{review.id}/records/findings",
        "final-report": f"/cases/{board['scr'].id}/final-report",
        "annual-report": "/reports/annual?year=2026",
        "themes": "/learning/themes",
    }


def _wide(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_every_main_page_fits_a_phone_without_sideways_scrolling(
    browser: Any, live_server: str, board: dict[str, Any]
) -> None:
    context = browser.new_context(viewport=PHONE, base_url=live_server)
    page = context.new_page()
    try:
        sign_in(page)
        too_wide = {}
        for name, url in main_pages(board).items():
            page.goto(url)
            page.wait_for_load_state("load")
            width = _wide(page)
            shoot(page, f"phone-{name}")
            if width > PHONE["width"]:
                too_wide[name] = width
            problems = _axe(page)  # what scrolls inside itself must stay accessible
            assert problems == [], (name, problems)
        assert too_wide == {}, f"pages wider than {PHONE['width']} px: {too_wide}"
    finally:
        context.close()


def _axe(page: Any) -> list[str]:
    """Every axe-core violation on the page, of any impact (minor included)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def test_axe_finds_no_violation_on_the_main_pages(page: Any, board: dict[str, Any]) -> None:
    pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
    page.goto("/sign-in")
    found = {"sign-in": _axe(page)}
    sign_in(page)
    for name, url in main_pages(board).items():
        page.goto(url)
        page.wait_for_load_state("load")
        found[name] = _axe(page)
    found = {k: v for k, v in found.items() if v}
    assert found == {}, found


def test_error_pages_and_confirmed_removal_work_without_javascript(
    browser: Any, live_server: str, board: dict[str, Any], service: Service, reviewer: Actor
) -> None:
    from playwright.sync_api import expect

    from workflow.services import records

    review = board["review"]
    add = records.AddRecord.of(
        review.id,
        "practitioners",
        {"agency": "Northshire Police", "role_title": "GP"},
        review.version,
    )
    records.add_record(service, reviewer, add)
    context = browser.new_context(java_script_enabled=False, base_url=live_server)
    page = context.new_page()
    try:
        sign_in(page)
        # A step's address loaded again: a page with a way back, not JSON.
        incident = board["incident"]
        page.goto(f"/cases/{incident.id}/steps/notify")
        expect(
            page.get_by_role("heading", name="That cannot be done from this address")
        ).to_be_visible()
        shoot(page, "error-405-step-address")
        page.get_by_test_id("way-back").click()
        expect(page.get_by_test_id("state")).to_be_visible()
        page.goto("/no-such-page")
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        shoot(page, "error-404")

        # Remove asks first, on its own page.
        page.goto(f"/cases/{review.id}/records/practitioners")
        page.get_by_role("button", name="Remove Practitioner 1: GP, Northshire Police").click()
        expect(
            page.get_by_role("heading", name=re.compile("Are you sure you want to remove"))
        ).to_be_visible()
        shoot(page, "remove-confirm")
        page.get_by_role("link", name="No, keep it").click()
        expect(page.get_by_test_id("record")).to_have_count(1)
        page.get_by_role("button", name="Remove Practitioner 1: GP, Northshire Police").click()
        page.get_by_role("button", name="Yes, remove it").click()
        expect(page.get_by_text("Removed Practitioner 1: GP, Northshire Police.")).to_be_visible()
        expect(page.get_by_test_id("no-records")).to_be_visible()
    finally:
        context.close()


def test_a_reviewer_subscribes_to_their_deadlines(page: Any, board: dict[str, Any]) -> None:
    from icalendar import Calendar
    from playwright.sync_api import expect

    sign_in(page)
    page.get_by_role("link", name="Your deadlines in your calendar").click()
    page.get_by_role("button", name="Make my feed address").click()
    address = page.get_by_test_id("feed-address").inner_text()
    shoot(page, "calendar-feed-address")
    feed = page.request.get(address)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    [event] = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert str(event["summary"]).startswith(board["incident"].reference)
    assert "Child A" not in feed.text()
    expect(page.get_by_role("button", name="Stop my feed")).to_be_visible()
