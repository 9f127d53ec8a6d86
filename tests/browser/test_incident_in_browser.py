"""A reviewer in a real browser: sign in, open a notifiable incident, see its deadline, try the
blocked step and read why, record what is missing, take the step, read the timeline, sign out.
Also: the GOV.UK styling and the diagram come from the app itself, every form works without
JavaScript, and the sign-in form is usable from the keyboard with a linked error summary."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM, NO_CHROMIUM, PASSWORD, shoot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
]

GOVUK_GREEN = "rgb(15, 122, 82)"  # a GOV.UK Frontend 6 primary button


def sign_in(page: Any, name: str = "rita") -> None:
    page.goto("/")
    assert "/sign-in" in page.url
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_a_reviewer_takes_a_notifiable_incident_through_its_first_step(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    # GOV.UK Frontend's CSS is served by the app and applied (in Arial: not on GOV.UK).
    button = page.get_by_role("button", name="Sign in")
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") == GOVUK_GREEN
    assert button.evaluate("e => getComputedStyle(e).fontFamily").startswith("arial")
    header = page.locator(".govuk-generic-header").first
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 12, 12)"
    shoot(page, "01-sign-in")
    sign_in(page)
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    shoot(page, "02-dashboard-empty")

    # Open a notifiable incident from its form.
    page.get_by_role("link", name="Open a case").first.click()
    page.get_by_role("link", name="Open a notifiable incident").click()
    expect(page.get_by_role("heading", name="Open a notifiable incident")).to_be_visible()
    page.get_by_label("Title").fill("Child A")
    aware = page.get_by_role("group", name="Date the local authority became aware")
    aware.get_by_label("Day").fill("26")
    aware.get_by_label("Month").fill("11")
    aware.get_by_label("Year").fill("2026")
    page.get_by_label("Agencies involved").fill("Northshire Police\nNorthshire NHS Trust")
    page.get_by_role("button", name="Open the notifiable incident").click()
    expect(page.get_by_text("Opened notifiable incident")).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_text("Referral")

    # Its deadline: due by the end of the 5th working day after becoming aware.
    deadlines = page.get_by_test_id("case-deadlines")
    expect(deadlines).to_contain_text("Notify Ofsted and the board")
    expect(deadlines).to_contain_text("3 December 2026")
    expect(deadlines).to_contain_text("3 working days left")

    # The dashboard lists it among the deadlines due soon, with the working days left.
    page.get_by_role("link", name="Dashboard").first.click()
    due = page.get_by_test_id("deadlines")
    expect(due).to_contain_text("Notify Ofsted and the board")
    expect(due).to_contain_text("3 working days left")
    expect(page.get_by_test_id("needing-action")).to_contain_text("Child A")
    shoot(page, "03-dashboard-deadline-due")
    due.get_by_role("link").first.click()
    expect(page.get_by_test_id("state")).to_have_text("Referral")

    # The diagram is drawn in the page, by the app's own Mermaid, current state highlighted.
    expect(page.locator("html")).to_have_attribute("data-diagram", "drawn", timeout=20_000)
    diagram = page.get_by_test_id("diagram")
    expect(diagram.locator("svg")).to_be_visible()
    expect(diagram.locator("svg g.s_active")).to_have_count(1)
    expect(diagram.locator("svg g.s_active")).to_contain_text("Referral")
    # Edges carry the steps' labels, not trigger keys; the drawing fits the width and zooms.
    expect(diagram.locator("svg")).to_contain_text("Record notification to Ofsted and the board")
    assert "decide_scr" not in diagram.locator("svg").text_content()
    frame_width = page.locator(".app-diagram-frame").evaluate("e => e.clientWidth")
    assert (
        diagram.locator("svg").evaluate("e => e.getBoundingClientRect().width") <= frame_width + 1
    )
    page.get_by_role("button", name="Zoom in").click()
    zoomed = diagram.locator("svg").evaluate("e => e.getBoundingClientRect().width")
    assert zoomed > frame_width
    page.get_by_role("button", name="Fit to width").click()
    shoot(page, "04-case-page-referral")

    # The step is blocked: its button is disabled and each missing requirement is listed.
    step = page.locator("#step-notify")
    notify = step.get_by_role("button", name="Record notification to Ofsted and the board")
    expect(notify).to_be_disabled()
    reasons = page.get_by_test_id("reasons-notify")
    expect(reasons).to_contain_text("is abuse or neglect known or suspected?")
    expect(reasons).to_contain_text("has the child been seriously harmed?")
    step.scroll_into_view_if_needed()
    step.screenshot(path=str(ARTIFACTS / "05-blocked-step.png"))

    # Record the missing answers from the link beside the reasons.
    step.get_by_role("link", name=re.compile("Record criteria")).click()
    expect(page.get_by_role("heading", name="Criteria")).to_be_visible()
    answers = {
        "Is abuse or neglect known or suspected?": "Yes",
        "Has the child died (including suspected suicide)?": "No",
        "Has the child been seriously harmed?": "Yes",
        "Was the child looked after?": "No",
        "Was the child in a regulated setting or service?": "No",
    }
    for question, answer in answers.items():
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    shoot(page, "06-record-criteria")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved: Criteria.")).to_be_visible()

    # Now the step can be taken.
    notify = page.locator("#step-notify").get_by_role(
        "button", name="Record notification to Ofsted and the board"
    )
    expect(notify).to_be_enabled()
    page.locator("#step-notify").get_by_label("Note for the case record (optional)").fill(
        "Sent to Ofsted and the board by secure email."
    )
    notify.click()
    expect(page.get_by_text("The case is now at Notified")).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_text("Notified")
    expect(page.get_by_test_id("case-deadlines")).to_contain_text("Met")

    # The timeline says who did what, when, with the note.
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text(
        "Record notification to Ofsted and the board: from Referral to Notified"
    )
    expect(timeline).to_contain_text("Sent to Ofsted and the board by secure email.")
    expect(timeline).to_contain_text("by rita (reviewer)")
    expect(page.locator("html")).to_have_attribute("data-diagram", "drawn", timeout=20_000)
    expect(page.get_by_test_id("diagram").locator("svg g.s_active")).to_contain_text("Notified")
    shoot(page, "07-case-page-notified")

    page.goto("/")
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    shoot(page, "08-dashboard-after")

    # Sign out.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    assert "/sign-in" in page.url
    shoot(page, "09-signed-out")

    assert page.watch.outside == [], "requests left the app"
    assert page.watch.errors == [], page.watch.errors


def test_forms_work_without_javascript(browser: Any, live_server: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False, base_url=live_server)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/cases/new/notifiable_incident")
        page.get_by_label("Title").fill("Child B")
        aware = page.get_by_role("group", name="Date the local authority became aware")
        aware.get_by_label("Day").fill("31")
        aware.get_by_label("Month").fill("2")
        aware.get_by_label("Year").fill("2026")
        page.get_by_role("button", name="Open the notifiable incident").click()
        # A bad date: the error summary links to the field and the message sits beside it.
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("must be a real date")
        expect(page.locator("#data__aware_at-error")).to_contain_text("must be a real date")
        assert summary.get_by_role("link").first.get_attribute("href") == "#data__aware_at-day"
        shoot(page, "10-no-js-validation")
        aware.get_by_label("Day").fill("27")
        page.get_by_role("button", name="Open the notifiable incident").click()
        expect(page.get_by_test_id("state")).to_have_text("Referral")
        # Without JavaScript the diagram is a readable list of stages and steps, not Mermaid.
        words = page.get_by_test_id("diagram-words")
        expect(words).to_contain_text("Referral (the current stage)")
        expect(words).to_contain_text("Record notification to Ofsted and the board (reviewer")
        expect(page.get_by_test_id("diagram")).to_be_hidden()
        assert "stateDiagram-v2" not in page.locator("main").inner_text()
        page.get_by_role("link", name=re.compile("Record decision and rationale")).first.click()
        page.get_by_label("Decision and rationale").fill("Recorded without JavaScript.")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Saved: Decision and rationale.")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_text("You have signed out.")).to_be_visible()
    finally:
        context.close()


def test_sign_in_from_the_keyboard_with_a_linked_error_summary(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/sign-in")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.get_by_role("button", name="Sign in").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(summary).to_contain_text("Enter your name")
    summary.get_by_role("link", name="Enter your name").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Name")).to_be_focused()
    page.keyboard.type("rita")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    assert page.watch.errors == [], page.watch.errors
