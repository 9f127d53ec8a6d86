"""Issue 14: the whole journey of each shipped review type through the pages alone, in
Chromium, by the roles that take each step: open it from its form, record on the data forms
what each step needs (following the links beside the blocked step), take the step as the person
whose role it is, until a final stage. Driven by ``JOURNEYS``, one entry a review type: a type
added to ``definitions/`` gets its journey by adding an entry here.
Screenshots: ``test-artifacts/journey-<type>-<n>.png``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, shoot
from tests.browser.test_incident_in_browser import sign_in
from workflow.services.cases import Service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
]

WHO = {"reviewer": "rita", "chair": "carl"}
Answers = Mapping[str, str | date]


@dataclass(frozen=True)
class Step:
    """A step by the role that takes it, after recording ``fills`` (group id -> label -> value)
    on the data forms; ``dates`` are the dates the step itself records."""

    role: str
    trigger: str
    fills: Mapping[str, Answers] = field(default_factory=dict)
    dates: Answers = field(default_factory=dict)


@dataclass(frozen=True)
class Journey:
    review_type: str
    title: str
    opening: Answers
    steps: tuple[Step, ...]
    opener: str = "reviewer"


NO = "No"
YES = "Yes"
CRITERIA_NOT_SCR = {
    "Is abuse or neglect known or suspected?": YES,
    "Has the child died (including suspected suicide)?": NO,
    "Has the child been seriously harmed?": YES,
    "Is there cause for concern about how the authority, its partners or others worked "
    "together?": NO,
    "Was the child looked after?": NO,
    "Was the child in a regulated setting or service?": NO,
    "Did the child die in custody, on remand, in a young offender institution, secure training "
    "centre or secure children's home, or while detained under mental-health law?": NO,
}

JOURNEYS = {
    "notifiable_incident": Journey(
        "notifiable_incident",
        "Child J",
        {
            "Date the local authority became aware": date(2026, 11, 26),
            "Agencies involved": "Northshire Police",
        },
        (
            Step("reviewer", "notify", {"criteria": CRITERIA_NOT_SCR}),
            Step(
                "chair",
                "decide_no_review",
                {
                    "decision": {
                        "Decision and rationale": "Below the threshold; learnt in supervision."
                    }
                },
            ),
            Step(
                "reviewer",
                "tell_national_panel",
                dates={"Date the national panel was told": date(2026, 11, 30)},
            ),
        ),
    ),
    "learning_review": Journey(
        "learning_review",
        "Family K",
        {"Agencies involved": "Northshire Police"},
        (
            Step(
                "chair",
                "decline",
                {"decision": {"Decision and rationale": "No further learning beyond the audit."}},
            ),
        ),
    ),
}


def _fill(page: Any, answers: Answers) -> None:
    for label, value in answers.items():
        if isinstance(value, date):
            group = page.get_by_role("group", name=label)
            group.get_by_label("Day").fill(str(value.day))
            group.get_by_label("Month").fill(str(value.month))
            group.get_by_label("Year").fill(str(value.year))
        elif value in (YES, NO):
            page.get_by_role("group", name=label).get_by_label(value, exact=True).check()
        else:
            page.get_by_label(label, exact=True).fill(value)


def _state(page: Any) -> str:
    return str(page.get_by_test_id("state").inner_text())


@pytest.mark.parametrize("key", sorted(JOURNEYS))
def test_the_whole_journey_of_a_review_type_through_the_pages(
    browser: Any, live_server: str, service: Service, key: str
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
            page = as_role(step.role)
            for group, answers in step.fills.items():
                page.goto(f"{case_url}/record/{group}")
                _fill(page, answers)
                page.get_by_role("button", name="Save", exact=True).click()
                banner = page.locator(".govuk-notification-banner--success")
                expect(banner).to_contain_text("Saved:")
            page.goto(case_url)
            t = d.find(step.trigger, state)
            assert t is not None, (key, step.trigger, state)
            box = page.locator(f"#step-{step.trigger}")
            _fill(box, step.dates)
            box.get_by_role("button", name=t.label).click()
            expect(page.get_by_test_id("state")).to_have_text(d.label_of(t.dest))
            shoot(page, f"journey-{key}-{n}")
            state = t.dest
        assert d.states[state].final, f"{key} ended at {state}, not a final stage"
        expect(page.get_by_text("This case is closed: there are no more steps.")).to_be_visible()
    finally:
        for p in people.values():
            p.context.close()


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
