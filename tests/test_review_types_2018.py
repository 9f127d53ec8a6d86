"""Issue 12: criteria as data, and the 2018/2023 chain (serious incident -> rapid review -> local
child safeguarding practice review) and the child death review, driven through the service."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Clock
from workflow.core.definition import load
from workflow.core.errors import DefinitionError, TransitionBlocked
from workflow.core.roles import Actor
from workflow.services.cases.service import Service

DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"
SI_YES = {
    "abuse_or_neglect": True,
    "child_died": True,
    "seriously_harmed": False,
    "in_area": True,
    "outside_england_resident": False,
    "looked_after_child": False,
}
AGENCIES = ["Police", "Children's Social Care"]


def _text(key: str) -> str:
    return (DEFINITIONS / f"{key}.toml").read_text(encoding="utf-8")


def _deadline(case: Any, name: str) -> Any:
    (found,) = [d for d in case.deadlines if d.name == name]
    return found


# -- criteria as data --------------------------------------------------------------------------


def test_a_rule_naming_an_unknown_question_is_refused_with_its_line() -> None:
    text = _text("serious_incident").replace(
        '{ any_of = ["in_area", "outside_england_resident"] }',
        '{ any_of = ["in_the_area", "outside_england_resident"] }',
    )
    with pytest.raises(DefinitionError) as caught:
        load(text, "serious_incident.toml")
    (problem,) = caught.value.problems
    assert problem.key == "criteria.serious_incident.rule"
    assert "unknown question 'in_the_area'" in problem.message
    assert "in_area" in problem.message  # the questions it knows
    assert problem.line is not None
    assert "in_the_area" in text.splitlines()[problem.line - 1]


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('criteria = "serious_incident" }', 'criteria = "s16c" }', "unknown criteria 's16c'"),
        ("rule.all_of = [\n", "rule.none_of = [\n", "must be a question's key"),
    ],
)
def test_a_guard_or_rule_that_does_not_hold_together_is_refused(
    old: str, new: str, words: str
) -> None:
    text = _text("serious_incident")
    assert old in text
    with pytest.raises(DefinitionError) as caught:
        load(text.replace(old, new, 1), "serious_incident.toml")
    assert any(words in p.message for p in caught.value.problems), caught.value.problems
    assert all(p.line for p in caught.value.problems)


def test_a_choice_guard_needs_the_choices_table() -> None:
    text = _text("child_death_review").replace("[choices.modifiable_factors]", "[choices.other]")
    with pytest.raises(DefinitionError) as caught:
        load(text, "child_death_review.toml")
    assert any(
        "'modifiable_factors' has no [choices.modifiable_factors] table" in p.message
        for p in caught.value.problems
    )


def test_the_2015_and_2018_criteria_are_two_definitions_of_one_guard() -> None:
    incident, serious = load(_text("notifiable_incident")), load(_text("serious_incident"))
    # Serious harm with abuse, outside the area and not resident: notifiable in 2015 (no place
    # test), not a serious incident under s16C.
    answers = {"criteria": {**SI_YES, "child_died": False, "seriously_harmed": True}}
    answers["criteria"] |= {"in_area": False, "regulated_setting": False}
    assert incident.criteria["notifiable"].met(answers) is True
    assert serious.criteria["serious_incident"].met(answers) is False
    answers["criteria"]["outside_england_resident"] = True
    assert serious.criteria["serious_incident"].met(answers) is True


# -- serious incident notification -----------------------------------------------------------


def test_serious_incident_notification_then_rapid_review_15_working_days_after_notified_at(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case = service.open_case(reviewer, "serious_incident", "Child S", {"aware_at": "2026-11-30"})
    assert case.state == "referral"
    notification = _deadline(case, "notification")
    assert notification.due_date == date(2026, 12, 7)  # end of the 5th working day after
    assert notification.status == "pending"
    case = service.transition(
        reviewer,
        case.id,
        "notify",
        case.version,
        data={"criteria": SI_YES} | {"agencies": AGENCIES},
    )
    assert case.state == "notified"
    assert case.data["notified_at"] == "2026-11-30"
    assert _deadline(case, "notification").status == "met"

    clock.set("2026-12-02T09:00:00+00:00")
    case = service.transition(chair, case.id, "start_rapid_review", case.version)
    assert case.state == "rapid_review_started"
    (link,) = case.linked_cases
    assert link.review_type == "rapid_review"
    rapid = service.get_case(reviewer, link.id)
    assert rapid.data["notified_at"] == "2026-11-30"
    deadline = _deadline(rapid, "rapid_review")
    # 15 working days after Monday 30 Nov 2026 (25 and 28 Dec are bank holidays).
    assert deadline.due_date == date(2026, 12, 21)


def test_a_looked_after_childs_death_goes_to_the_secretary_of_state_and_ofsted(
    service: Service, reviewer: Actor
) -> None:
    case = service.open_case(reviewer, "serious_incident", "Child L", {"aware_at": "2026-11-30"})
    answers = {"criteria": SI_YES | {"looked_after_child": True}}
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(reviewer, case.id, "notify", case.version, data=answers)
    assert any("data.sos_ofsted_notified_at" in s for s in caught.value.details)
    case = service.transition(
        reviewer,
        case.id,
        "notify",
        case.version,
        data=answers | {"sos_ofsted_notified_at": "2026-11-30"},
    )
    assert case.state == "notified"


def test_notify_is_refused_when_the_2018_criteria_are_not_met(
    service: Service, reviewer: Actor
) -> None:
    case = service.open_case(reviewer, "serious_incident", "Child N", {"aware_at": "2026-11-30"})
    answers = {"criteria": SI_YES | {"in_area": False}}
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(reviewer, case.id, "notify", case.version, data=answers)
    assert any("do not meet the serious incident criteria" in s for s in caught.value.details)


# -- rapid review to the local practice review -----------------------------------------------


def _rapid_review_to_panel_response(service: Service, reviewer: Actor, chair: Actor) -> Any:
    case = service.open_case(
        reviewer, "rapid_review", "Child R", {"notified_at": "2026-11-23", "agencies": AGENCIES}
    )
    case = service.transition(reviewer, case.id, "gather", case.version)
    case = service.transition(
        reviewer, case.id, "hold_meeting", case.version, data={"facts_gathered": True}
    )
    case = service.transition(
        chair,
        case.id,
        "send_to_panel",
        case.version,
        data={"immediate_learning": "Share records", "recommendation": "local_practice_review"},
    )
    assert _deadline(case, "rapid_review").status == "met"
    return service.transition(
        reviewer, case.id, "record_panel_response", case.version, data={"panel_response": "agrees"}
    )


def test_the_decision_for_a_local_practice_review_opens_it_with_six_months_from_the_decision(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case = _rapid_review_to_panel_response(service, reviewer, chair)
    assert case.data["panel_response"] == "agrees"
    case = service.transition(
        chair,
        case.id,
        "commission_lcspr",
        case.version,
        data={"decision_rationale": "Learning for the partnership"},
    )
    (link,) = case.linked_cases
    lpr = service.get_case(chair, link.id)
    assert lpr.review_type == "local_practice_review"
    assert lpr.data["lcspr_decided_at"] == "2026-11-30"
    clock.set("2026-12-04T09:00:00+00:00")
    lpr = service.transition(chair, lpr.id, "commission", lpr.version)
    assert lpr.data["lcspr_decided_at"] == "2026-11-30"  # the decision is not re-dated
    completion = _deadline(lpr, "completion")
    assert completion.due_date == date(2027, 5, 30)


def test_no_local_practice_review_needs_its_reasons_sent_to_the_panel(
    service: Service, reviewer: Actor, chair: Actor
) -> None:
    case = _rapid_review_to_panel_response(service, reviewer, chair)
    with pytest.raises(TransitionBlocked):
        service.transition(chair, case.id, "decide_no_lcspr", case.version)
    case = service.transition(
        chair, case.id, "decide_no_lcspr", case.version, data={"decision_rationale": "Covered"}
    )
    case = service.transition(reviewer, case.id, "tell_panel", case.version)
    assert case.state == "closed_no_lcspr"
    assert case.data["panel_told_at"] == "2026-11-30"


# -- child death review ------------------------------------------------------------------------


def test_child_death_notifications_have_policy_deadlines_from_the_definition(
    service: Service, reviewer: Actor
) -> None:
    case = service.open_case(
        reviewer, "child_death_review", "Child D", {"date_of_death": "2026-11-27"}
    )
    d = service.definition("child_death_review")
    for name in ("cdop_notification", "ncmd_notification"):
        deadline = _deadline(case, name)
        assert str(d.timers[name].duration) == "2 working days"
        assert deadline.due_date == date(2026, 12, 1)
    assert len(d.choices["death_category"].values) == 10


def test_a_suspected_abuse_death_opens_a_linked_serious_incident(
    service: Service, reviewer: Actor
) -> None:
    case = service.open_case(
        reviewer, "child_death_review", "Child E", {"date_of_death": "2026-11-27"}
    )
    case = service.transition(
        reviewer,
        case.id,
        "notify",
        case.version,
        data={
            "age_at_death": 1,
            "stillbirth": False,
            "planned_termination": False,
            "ncmd_notified_at": "2026-11-28",
        },
    )
    case = service.transition(
        reviewer,
        case.id,
        "refer_serious_incident",
        case.version,
        data={"abuse_or_neglect_suspected": True, "aware_at": "2026-11-29", "agencies": AGENCIES},
    )
    assert case.state == "notification"
    (link,) = case.linked_cases
    incident = service.get_case(reviewer, link.id)
    assert incident.review_type == "serious_incident"
    assert _deadline(incident, "notification").due_date == date(2026, 12, 4)


def test_the_annual_report_counts_child_deaths_by_category_and_modifiable_factors(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    from workflow.services.reports.annual.report import annual

    case = service.open_case(
        reviewer, "child_death_review", "Child F", {"date_of_death": "2026-11-27"}
    )
    steps: list[tuple[str, dict[str, Any]]] = [
        (
            "notify",
            {
                "age_at_death": 1,
                "stillbirth": False,
                "planned_termination": False,
                "ncmd_notified_at": "2026-11-28",
            },
        ),
        ("gather_information", {"expected_death": True, "agencies": AGENCIES}),
        ("hold_review_meeting", {"information_complete": True}),
        ("refer_to_panel", {}),
        (
            "complete_panel_review",
            {
                "panel_outcome": "Reviewed",
                "death_category": "infection",
                "modifiable_factors": "no",
            },
        ),
    ]
    for trigger, data in steps:
        case = service.transition(reviewer, case.id, trigger, case.version, data=data)
    report = annual(service, chair, 2026)
    counts = {
        (r.field, r.value): r.count
        for r in report.classifications
        if r.review_type == "child_death_review"
    }
    assert len([k for k in counts if k[0] == "death_category"]) == 10
    assert counts[("death_category", "infection")] == 1
    assert counts[("death_category", "malignancy")] == 0
    assert counts[("modifiable_factors", "no")] == 1
    assert counts[("modifiable_factors", "yes")] == 0
    assert "Child F" not in report.model_dump_json()
    _the_counts_are_in_the_csv_and_the_printed_report(report)


def _the_counts_are_in_the_csv_and_the_printed_report(report: Any) -> None:
    """The same counts reach the CSV export and the printable HTML, not only the JSON."""
    import csv
    import io

    from web.presentation.annual import render_document
    from workflow.services.reports.annual import to_csv

    rows = [
        r for r in csv.DictReader(io.StringIO(to_csv(report))) if r["section"] == "classifications"
    ]
    cdr = {
        (r["measure"], r["item"]): r["value"]
        for r in rows
        if r["review_type"] == "child_death_review"
    }
    assert cdr[("death_category", "Infection")] == "1"
    assert cdr[("death_category", "Malignancy")] == "0"
    assert cdr[("modifiable_factors", "No")] == "1"
    assert len([k for k in cdr if k[0] == "death_category"]) == 10

    html = render_document(report, {"child_death_review": "Child death review"})
    section = html[html.index('id="classifications"') :]
    assert "Child death review: death category" in section
    assert re.search(r"Infection</td>\s*<td[^>]*>1</td>", section)
    assert re.search(r"Malignancy</td>\s*<td[^>]*>0</td>", section)
    assert "Child death review: modifiable factors" in section
    assert re.search(r"Insufficient information</td>\s*<td[^>]*>0</td>", section)
