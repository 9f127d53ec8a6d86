"""Issue 14: the whole journey of each shipped review type through the pages alone, in
Chromium, by the roles that take each step: open it from its form, record on the data forms
what each step needs (following the links beside the blocked step), take the step as the person
whose role it is, until a final stage. Driven by ``JOURNEYS``, one entry a review type: a type
added to ``definitions/`` gets its journey by adding an entry here.
Screenshots: ``test-artifacts/journey-<type>-<n>.png``."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, shoot
from tests.browser.journey_steps import FINAL_REPORT, NO, WHO, YES, Answers, Record, Step
from tests.browser.journeys import JOURNEYS
from tests.browser.test_incident_in_browser import sign_in
from tests.conftest import Clock
from workflow.services.cases import Service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
]


def _fill(page: Any, answers: Answers) -> None:
    for label, value in answers.items():
        if isinstance(value, date):
            group = page.get_by_role("group", name=label, exact=True)
            group.get_by_label("Day").fill(str(value.day))
            group.get_by_label("Month").fill(str(value.month))
            group.get_by_label("Year").fill(str(value.year))
        elif isinstance(value, bool):
            box = page.get_by_label(label, exact=True)
            box.check() if value else box.uncheck()
        elif isinstance(value, tuple):
            group = page.get_by_role("group", name=label, exact=True)
            for name in value:
                # A regular expression meets the label's text as written, spaces and all.
                group.get_by_label(re.compile(rf"^\s*{re.escape(name)}")).check()
        elif value in (YES, NO) or not _has_box(page, label):
            page.get_by_role("group", name=label, exact=True).get_by_label(
                value, exact=True
            ).check()
        else:
            _type_or_choose(page.get_by_label(label, exact=True), value)


def _has_box(page: Any, label: str) -> bool:
    """Whether ``label`` names a box of its own (else a group of choices); waits for either."""
    box = page.get_by_label(label, exact=True)
    box.or_(page.get_by_role("group", name=label, exact=True)).first.wait_for()
    return bool(box.count())


def _type_or_choose(box: Any, value: str) -> None:
    if box.evaluate("e => e.tagName") != "SELECT":
        box.fill(value)
        return
    options = box.locator("option").all_inner_texts()
    chosen = next(o for o in options if o.strip().startswith(value))
    box.select_option(label=chosen)


def _goto(page: Any, url: str) -> None:
    """Go to ``url``, signing in again first when the session has ended (the injected clock
    moved past the idle timeout)."""
    page.goto(url)
    if "/sign-in" in page.url:
        sign_in(page, page.who)
        page.goto(url)


def _open_form(page: Any, case_url: str, trigger: str, address: str) -> None:
    """Go to the form by the case page's links: the one beside the blocked step when it has
    one, else the page's own link to it (a data group's, or the review's records')."""
    _goto(page, case_url)
    link = page.locator(f"#step-{trigger} a[href*='{address}']")
    if not link.count():
        path = urlparse(case_url).path + address
        link = page.locator(f"main a[href='{path}'], main a[href^='{path}#']")
    assert link.count(), f"the case page links to no {address} form"
    link.first.click()
    # Wait for the form's page: a click does not wait for the navigation it starts, and a fill
    # made before the page came is lost with the case page (once, under load, the day of a date
    # went missing while its month and year, filled a moment later, arrived).
    page.wait_for_url(lambda url: address in urlparse(url).path)


def _saved(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)


def _final_report(page: Any, case_url: str, trigger: str, record: Record) -> None:
    """On the final report's page (by the link beside the blocked step): upload the report, or
    sign it off for the board (the box ticked, where the board agreed it given)."""
    _open_form(page, case_url, trigger, f"/{FINAL_REPORT}")
    if record.upload:
        form = page.locator("#upload-final-report")
        form.locator("input[type=file]").set_input_files(
            {"name": record.upload, "mimeType": "application/pdf", "buffer": b"%PDF-1.7 report"}
        )
        form.get_by_role("button", name="Upload", exact=True).click()
        _saved(page)
        return
    form = page.locator("#sign-off")
    for label, value in record.answers.items():
        form.get_by_label(label, exact=True).fill(str(value))
    form.get_by_label(re.compile("^The board has agreed this final report")).check()
    form.get_by_role("button", name="Sign off the final report").click()
    _saved(page)


def _make(page: Any, case_url: str, trigger: str, record: Record) -> None:
    if record.slug == FINAL_REPORT:
        _final_report(page, case_url, trigger, record)
        return
    _open_form(page, case_url, trigger, f"/records/{record.slug}")
    card = page.get_by_test_id("record").nth(record.n - 1)
    if record.upload:
        card.locator("input[type=file]").set_input_files(
            {"name": record.upload, "mimeType": "application/pdf", "buffer": b"%PDF-1.7 x"}
        )
        card.get_by_role("button", name="Upload", exact=True).click()
        _saved(page)
        card = page.get_by_test_id("record").nth(record.n - 1)
    if not record.answers:
        return
    cards = page.get_by_test_id("record")
    # The page the link led to, once it is there: the list (cards) or a record's own form.
    cards.first.or_(page.locator("#record-form")).first.wait_for()
    if record.n and cards.count():
        # On the list (whose form adds one), not on its own form (where a blocked step's link
        # may lead straight): open it.
        card.get_by_role("link", name=re.compile("^Change")).first.click()
    form = page.locator("#record-form")
    _fill(form, record.answers)
    form.get_by_role("button", name="Save", exact=True).click()
    _saved(page)


def _state(page: Any) -> str:
    return str(page.get_by_test_id("state").inner_text())


@pytest.mark.parametrize("key", sorted(JOURNEYS))
def test_the_whole_journey_of_a_review_type_through_the_pages(
    browser: Any, live_server: str, service: Service, clock: Clock, key: str
) -> None:
    from playwright.sync_api import expect

    journey = JOURNEYS[key]
    d = service.definition(key)
    people: dict[str, Any] = {}

    def as_role(role: str) -> Any:
        if role not in people:
            context = browser.new_context(
                base_url=live_server, viewport={"width": 1280, "height": 900}
            )
            people[role] = context.new_page()
            people[role].who = WHO[role]
            sign_in(people[role], WHO[role])
        return people[role]

    try:
        page = as_role(journey.opener)
        page.goto(f"/cases/new/{key}")
        page.get_by_label("Title").fill(journey.title)
        _fill(page, journey.opening)
        page.get_by_role("button", name=re.compile(f"^Open the {d.name.lower()}$")).click()
        expect(page.get_by_test_id("state")).to_have_text(d.label_of(d.initial))
        case_url = page.url
        state = d.initial
        for n, step in enumerate(journey.steps, 1):
            state = _take(as_role, d, case_url, state, step, clock)
            shoot(as_role(step.role), f"journey-{key}-{n}")
        assert d.states[state].final, f"{key} ended at {state}, not a final stage"
        page = as_role(journey.steps[-1].role)
        expect(page.get_by_text("This case is closed: there are no more steps.")).to_be_visible()
    except Exception:
        for role, p in people.items():  # where each person was when it went wrong
            shoot(p, f"journey-{key}-failed-{role}")
        raise
    finally:
        for p in people.values():
            p.context.close()


def _take(as_role: Any, d: Any, case_url: str, state: str, step: Step, clock: Clock) -> str:
    from playwright.sync_api import expect

    if step.at:
        clock.set(step.at)
    recorder = step.by or step.role
    for group, answers in step.fills.items():
        page = as_role(recorder)
        _open_form(page, case_url, step.trigger, f"/record/{group}")
        _fill(page, answers)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Saved:")
    for record in step.records:
        _make(as_role(record.by or recorder), case_url, step.trigger, record)
    page = as_role(step.role)
    _goto(page, case_url)
    t = d.find(step.trigger, state)
    assert t is not None, (d.key, step.trigger, state)
    box = page.locator(f"#step-{step.trigger}")
    _fill(box, step.dates)
    box.get_by_role("button", name=t.label).click()
    expect(page.get_by_test_id("state")).to_have_text(d.label_of(t.dest))
    return str(t.dest)


def test_every_journey_reaches_a_final_stage_of_its_type(service: Service) -> None:
    """The journeys stay true to the definitions: each step exists where it is taken, by a role
    that may take it, and the last one ends the review."""
    for key, journey in JOURNEYS.items():
        d = service.definition(key)
        state = d.initial
        for step in journey.steps:
            t = d.find(step.trigger, state)
            assert t is not None and step.role in t.roles, (key, step.trigger)
            state = t.dest
        assert d.states[state].final, key
