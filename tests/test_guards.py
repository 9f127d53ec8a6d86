"""The registry of named guards: each guard met and unmet with the sentence it gives, the
statutory criteria, dates judged in Europe/London, and the registry's parameter checks."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from workflow.core.calendar import WorkingCalendar
from workflow.core.definition import load
from workflow.core.guards import REGISTRY, GuardContext, GuardRegistry, Param
from workflow.core.record_kinds import freeze

CAL = WorkingCalendar()
TODAY = date(2026, 11, 30)
SHIPPED = sorted((Path(__file__).resolve().parent.parent / "definitions").glob("*.toml"))
_INCIDENT = load((SHIPPED[0].parent / "notifiable_incident.toml").read_text(encoding="utf-8"))
_DEATH = load((SHIPPED[0].parent / "child_death_review.toml").read_text(encoding="utf-8"))
#: The criteria of the shipped 2015 notifiable incident (``notifiable`` and ``scr``), as data.
CRITERIA = _INCIDENT.criteria
NOTIFIABLE_QUESTIONS = tuple(CRITERIA["notifiable"].questions)
SCR_QUESTIONS = tuple(CRITERIA["scr"].questions)


def notifiable_criteria_met(data: Mapping[str, Any]) -> bool:
    return CRITERIA["notifiable"].met(data)


def scr_criteria_met(data: Mapping[str, Any]) -> bool:
    return CRITERIA["scr"].met(data)


def run(
    name: str, data: Mapping[str, Any], params: Mapping[str, Any] | None = None, today: date = TODAY
) -> list[str]:
    """Evaluate a guard; a ``records`` key in ``data`` holds the review's records instead."""
    data = dict(data)
    records = freeze(data.pop("records", {}))
    ctx = GuardContext(
        data=data,
        state="any",
        today=today,
        calendar=CAL,
        actor_role="reviewer",
        records=records,
        criteria=CRITERIA,
        choices=_DEATH.choices,
        opened_on=data.pop("_opened_on", None),
    )
    return REGISTRY.evaluate(name, params or {}, ctx)


def answers(**yes: bool) -> dict[str, Any]:
    """Criteria answers: every question answered, false unless named."""
    questions = set(NOTIFIABLE_QUESTIONS) | set(SCR_QUESTIONS)
    return {"criteria": {q: yes.get(q, False) for q in sorted(questions)}}


# The review's records as the guards see them (see workflow.services.records.guard_records).
LEAD = {
    "id": 1,
    "name": "Lena Lead",
    "organisations": ["Independent Reviews Ltd"],
    "appointed_on": "2026-11-02",
    "ended_on": None,
}
FINDING = {
    "id": 1,
    "number": 1,
    "what_happened": "Referral not passed on",
    "why": "No shared record",
    "kind": "problem",
}
GOOD_FINDING = {
    "id": 2,
    "number": 2,
    "what_happened": "Health visitor escalated",
    "why": "Clear pathway",
    "kind": "good_practice",
}
ACTION = {
    "id": 1,
    "number": 1,
    "finding": 1,
    "owner_agency": "Police",
    "due_date": "2027-03-31",
    "status": "open",
    "completion_evidence": "",
    "impact_evidence": "",
}
DONE = {**ACTION, "status": "done", "completion_evidence": "Audit", "impact_evidence": "Survey"}
PRACTITIONER = {
    "id": 1,
    "number": 1,
    "agency": "Police",
    "role_title": "Custody sergeant",
    "invited_on": "2026-11-02",
}
MOTHER = {
    "id": 1,
    "number": 1,
    "relationship": "mother",
    "invited_on": "2026-11-03",
    "how_explained": "Letter",
    "not_involved_reason": "",
}
CHRONOLOGY = {
    "id": 1,
    "agency": "Northshire Police",
    "kind": "chronology",
    "requested_on": "2026-11-02",
    "due_date": "2026-11-27",
    "status": "requested",
    "waived_reason": "",
}
INVOLVED = {"practitioners": [PRACTITIONER], "family_members": [MOTHER]}


def recs(**kinds: list[dict[str, Any]]) -> dict[str, Any]:
    return {"records": kinds}


# guard, params, data that meets it, data that does not, words the unmet sentences contain.
CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any], list[str]]] = [
    (
        "confirmed",
        {"fields": ["harm_check_confirmed"]},
        {"harm_check_confirmed": True},
        {"harm_check_confirmed": False},
        ["Confirm the harm check confirmed (data.harm_check_confirmed = true)."],
    ),
    (
        "required",
        {"fields": ["decision_rationale", "scoping.scale"]},
        {"decision_rationale": "Criteria met", "scoping": {"scale": "full"}},
        {"decision_rationale": "", "scoping": {}},
        [
            "Record the decision rationale (data.decision_rationale).",
            "Record the scale (data.scoping.scale).",
        ],
    ),
    (
        "not_in_future",
        {"fields": ["aware_at"]},
        {"aware_at": "2026-11-30"},
        {"aware_at": "2026-12-01"},
        ["aware at (data.aware_at) is 2026-12-01", "in the future", "today is 2026-11-30"],
    ),
    (
        "not_before",
        {"field": "notified_at", "other": "aware_at"},
        {"aware_at": "2026-11-20", "notified_at": "2026-11-20"},
        {"aware_at": "2026-11-20", "notified_at": "2026-11-19"},
        [
            "notified at (data.notified_at, 2026-11-19) cannot be before the aware at "
            "(data.aware_at, 2026-11-20)"
        ],
    ),
    (
        "elapsed_since",
        {"field": "report_sent_at", "duration": "1 week"},
        {"report_sent_at": "2026-11-23"},
        {"report_sent_at": "2026-11-24"},
        [
            "At least 1 week must pass after the report sent at (2026-11-24)",
            "earliest day is 2026-12-01",
        ],
    ),
    (
        "criteria_answered",
        {"criteria": "notifiable"},
        answers(),
        {"criteria": {"child_died": True}},
        [
            "data.criteria.abuse_or_neglect",
            "is abuse or neglect known or suspected",
            "data.criteria.looked_after_child",
        ],
    ),
    (
        "criteria_met",
        {"criteria": "notifiable"},
        answers(abuse_or_neglect=True, child_died=True),
        answers(),
        ["meet none of the notifiable-incident criteria", "record it as not notifiable"],
    ),
    (
        "criteria_not_met",
        {"criteria": "notifiable"},
        answers(),
        answers(abuse_or_neglect=True, seriously_harmed=True),
        ["meet the notifiable-incident criteria", "must be notified"],
    ),
    (
        "required_when_met",
        {"criteria": "notifiable", "fields": ["sos_ofsted_notified_at"]},
        answers(child_died=True, looked_after_child=True)
        | {"sos_ofsted_notified_at": "2026-11-30"},
        answers(child_died=True, looked_after_child=True),
        ["The answers show the notifiable-incident criteria", "data.sos_ofsted_notified_at"],
    ),
    (
        "chosen",
        {"fields": ["modifiable_factors"]},
        {"modifiable_factors": "insufficient_information"},
        {"modifiable_factors": "maybe"},
        [
            "data.modifiable_factors",
            "insufficient_information (Insufficient information)",
            "'maybe'",
        ],
    ),
    (
        "equals",
        {"field": "expected_death", "value": False},
        {"expected_death": False},
        {"expected_death": True},
        ["data.expected_death to be no (it is yes)"],
    ),
    (
        "not_on_opening_day",
        {},
        {"_opened_on": date(2026, 11, 27)},
        {"_opened_on": TODAY},
        ["cannot close on the day it opened"],
    ),
    (
        "criteria_answered",
        {"criteria": "scr"},
        answers(),
        {"criteria": {}},
        ["data.criteria.concern_about_working_together", "data.criteria.died_in_custody"],
    ),
    (
        "criteria_not_met",
        {"criteria": "scr"},
        answers(abuse_or_neglect=True, seriously_harmed=True),
        answers(abuse_or_neglect=True, child_died=True),
        ["meet the serious case review criteria (Regulation 5)", "must be held"],
    ),
    (
        "agencies_recorded",
        {},
        {"agencies": ["Police", "Health"]},
        {"agencies": []},
        ["Record the agencies involved", "data.agencies"],
    ),
    (
        "scoping_recorded",
        {},
        {"scoping": {"scale": "full", "method": "SCIE systems"}},
        {"scoping": {"scale": "full"}},
        ["Record the method of the review", "data.scoping.method"],
    ),
    (
        "lead_reviewer_independent",
        {},
        {"agencies": ["Police"], **recs(lead_appointments=[LEAD])},
        {
            "agencies": ["Police", "Health"],
            **recs(lead_appointments=[{**LEAD, "name": "Pat", "organisations": ["Police"]}]),
        },
        [
            "The lead reviewer Pat (appointed on 2026-11-02) is not independent",
            "they belong to Police",
            "appoint someone from outside",
        ],
    ),
    (
        "independence_kept",
        {},
        {"agencies": ["Police"]},  # nobody appointed yet: nothing to keep
        {
            "agencies": ["Health", "police "],
            **recs(lead_appointments=[{**LEAD, "name": "Pat", "organisations": ["POLICE"]}]),
        },
        ["The lead reviewer Pat", "not independent of the case: they belong to POLICE"],
    ),
    (
        "involvement_recorded",
        {},
        {"agencies": ["Police"], **recs(**INVOLVED)},
        {"agencies": ["Police", "Health"], **recs(practitioners=[PRACTITIONER])},
        [
            "Invite the practitioners of Health: no practitioner of theirs is recorded",
            "Invite the family, including surviving children",
        ],
    ),
    (
        "contributions_settled",
        {},
        recs(contributions=[{**CHRONOLOGY, "status": "received"}]),
        recs(contributions=[CHRONOLOGY]),
        [
            "The chronology requested from Northshire Police on 2026-11-02 is neither received "
            "nor waived."
        ],
    ),
    (
        "findings_recorded",
        {},
        recs(findings=[FINDING, GOOD_FINDING]),
        recs(findings=[{"number": 1, "what_happened": "x", "why": "", "kind": ""}]),
        [
            "Finding 1: record why it happened.",
            "Finding 1: say whether it shows good practice or a problem.",
        ],
    ),
    (
        "problem_findings_have_actions",
        {},
        recs(findings=[FINDING], actions=[ACTION]),
        recs(findings=[GOOD_FINDING, {**FINDING, "number": 3}], actions=[ACTION]),
        ["Finding 3 (problem) has no action with an owner agency and a due date: add one."],
    ),
    (
        "actions_complete",
        {},
        recs(actions=[DONE]),
        recs(actions=[ACTION]),
        [
            "Action 1 (finding 1, Police, due 2027-03-31) is still open: record it done.",
            "Action 1 (finding 1, Police, due 2027-03-31) has no evidence of completion",
            "has no evidence of impact",
        ],
    ),
    (
        "death_in_scope",
        {},
        {"age_at_death": 3, "stillbirth": False, "planned_termination": False},
        {"age_at_death": 18, "stillbirth": True, "planned_termination": False},
        ["covers children under 18", "does not cover a stillbirth"],
    ),
    # Publication (more cases in tests/test_publication.py).
    (
        "board_response_recorded",
        {},
        {"board_response": "The board accepts every finding."},
        {"board_response": {"findings_accepted": [1], "priorities": ["Sharing"]}},
        ["(data.board_response.actions)", "(data.board_response.monitoring)"],
    ),
    (
        "advance_copies_sent",
        {"recipients": ["national_panel", "ofsted", "dfe"], "duration": "1 week"},
        {"report_sent_at": "2026-11-20", "advance_copies": {"dfe": "2026-11-23"}},
        {"report_sent_at": "2026-11-20", "advance_copies": {"dfe": "2026-11-24"}},
        ["advance copy to DfE (data.advance_copies.dfe, 2026-11-24)", "2026-12-01"],
    ),
    (
        "published_as_explained",
        {},
        {"published_as": "learning_brief", "withheld_reasons": "Would identify a sibling"},
        {"published_as": "learning_brief"},
        ["Only a learning brief is to be published", "(data.withheld_reasons)"],
    ),
    (
        "final_report_signed_off",
        {},
        {
            "final_report": {"document": 3, "sha256": "b" * 64},
            "final_report_signed_off": {"by": "carl", "on": "2026-12-01", "sha256": "b" * 64},
        },
        {
            "final_report": {"document": 4, "sha256": "c" * 64},
            "final_report_signed_off": {"by": "carl", "on": "2026-12-01", "sha256": "b" * 64},
        },
        ["replaced after the board signed it off on 2026-12-01", "signs off the report now"],
    ),
]


def test_every_registered_guard_is_tried_both_ways() -> None:
    assert {c[0] for c in CASES} == set(REGISTRY.guards)


@pytest.mark.parametrize(
    ("name", "params", "met", "unmet", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_guard_met_and_unmet(
    name: str, params: dict[str, Any], met: dict[str, Any], unmet: dict[str, Any], words: list[str]
) -> None:
    assert REGISTRY.check(name, params) == []
    assert run(name, met, params) == []
    sentences = run(name, unmet, params)
    assert sentences, f"{name} let {unmet} through"
    text = " ".join(sentences)
    for w in words:
        assert w in text, f"{name}: {w!r} not in {sentences}"
    for s in sentences:
        assert s[0].isupper() and s.endswith((".", "?")), s


# -- required and dates -----------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "\n\t", [], {}])
def test_required_treats_empty_values_as_missing(value: Any) -> None:
    assert run("required", {"outcome": value}, {"fields": ["outcome"]}) == [
        "Record the outcome (data.outcome)."
    ]


@pytest.mark.parametrize("value", [False, 0, "no", ["x"]])
def test_required_accepts_any_recorded_answer(value: Any) -> None:
    assert run("required", {"outcome": value}, {"fields": ["outcome"]}) == []


@pytest.mark.parametrize("value", [False, None, "yes", 1, "true"])
def test_confirmed_accepts_only_true(value: Any) -> None:
    assert run("confirmed", {"done": value}, {"fields": ["done"]}) == [
        "Confirm the done (data.done = true)."
    ]


@pytest.mark.parametrize(
    ("value", "today", "future"),
    [
        ("2026-11-30", date(2026, 11, 30), False),
        ("2026-12-01", date(2026, 11, 30), True),
        # Winter: London is on GMT, so 23:30 UTC is still the same day there.
        ("2026-11-30T23:30:00+00:00", date(2026, 11, 30), False),
        # Summer: London is on BST, so 23:30 UTC is already the next day there.
        ("2026-06-30T23:30:00+00:00", date(2026, 6, 30), True),
        ("2026-07-01T00:30:00+01:00", date(2026, 6, 30), True),
        ("2026-06-30T22:59:59+00:00", date(2026, 6, 30), False),
        ("2026-12-01T01:00:00+05:00", date(2026, 11, 30), False),  # 20:00 on the 30th in London
        (None, date(2026, 11, 30), False),  # not recorded: nothing to judge
    ],
)
def test_not_in_future_judges_instants_in_london(
    value: str | None, today: date, future: bool
) -> None:
    unmet = run("not_in_future", {"aware_at": value}, {"fields": ["aware_at"]}, today=today)
    assert bool(unmet) is future, unmet
    if future:
        assert "in the future" in unmet[0]
        assert today.isoformat() in unmet[0]


def test_the_summer_instant_is_reported_as_its_london_date() -> None:
    unmet = run(
        "not_in_future",
        {"aware_at": "2026-06-30T23:30:00+00:00"},
        {"fields": ["aware_at"]},
        today=date(2026, 6, 30),
    )
    assert "is 2026-07-01, which is in the future" in unmet[0]


@pytest.mark.parametrize(
    "value", ["30/11/2026", "2026-13-01", "yesterday", 20261130, True, "2026-11-3"]
)
def test_malformed_dates_say_how_to_write_them(value: Any) -> None:
    unmet = run("not_in_future", {"aware_at": value}, {"fields": ["aware_at"]})
    assert len(unmet) == 1
    assert "data.aware_at must be a date" in unmet[0]
    assert "like 2026-11-30" in unmet[0]
    assert repr(value) in unmet[0]


def test_not_in_future_reports_each_field() -> None:
    unmet = run(
        "not_in_future",
        {"a": "2027-01-01", "b": "nonsense", "c": "2026-01-01"},
        {"fields": ["a", "b", "c"]},
    )
    assert len(unmet) == 2
    assert "data.a" in unmet[0] and "data.b" in unmet[1]


def test_not_before_ignores_a_missing_date_and_reports_a_malformed_one() -> None:
    params = {"field": "notified_at", "other": "aware_at"}
    assert run("not_before", {"notified_at": "2026-11-01"}, params) == []
    unmet = run("not_before", {"notified_at": "soon", "aware_at": "2026-11-01"}, params)
    assert "data.notified_at must be a date" in unmet[0]


def test_elapsed_since_needs_the_date_and_counts_months() -> None:
    params = {"field": "published_at", "duration": "12 months"}
    assert run("elapsed_since", {}, params) == ["Record the published at (data.published_at)."]
    assert run("elapsed_since", {"published_at": "2025-11-30"}, params) == []
    unmet = run("elapsed_since", {"published_at": "2025-12-01"}, params)
    assert "earliest day is 2026-12-01" in unmet[0]


# -- the statutory criteria -------------------------------------------------------------------


def _regulation_5(a: Mapping[str, bool]) -> bool:
    """domain.md: abuse/neglect AND (death OR (serious harm AND concern)); custody death always."""
    return (
        a["abuse_or_neglect"]
        and (a["child_died"] or (a["seriously_harmed"] and a["concern_about_working_together"]))
    ) or a["died_in_custody"]


def _notifiable(a: Mapping[str, bool]) -> bool:
    """domain.md criteria 1-4."""
    return (
        (a["child_died"] and a["abuse_or_neglect"])
        or (a["seriously_harmed"] and a["abuse_or_neglect"])
        or (a["child_died"] and a["looked_after_child"])
        or (a["child_died"] and a["regulated_setting"])
    )


@pytest.mark.parametrize(
    ("yes", "met"),
    [
        ({"abuse_or_neglect", "child_died"}, True),
        ({"abuse_or_neglect", "seriously_harmed", "concern_about_working_together"}, True),
        ({"abuse_or_neglect", "seriously_harmed"}, False),  # harm without concern
        ({"seriously_harmed", "concern_about_working_together"}, False),  # no abuse or neglect
        ({"child_died"}, False),  # death without abuse or neglect
        ({"abuse_or_neglect"}, False),
        ({"died_in_custody"}, True),  # always, abuse or not
        ({"died_in_custody", "child_died"}, True),
        (set(), False),
    ],
    ids=lambda v: "+".join(sorted(v)) if isinstance(v, set) else str(v),
)
def test_scr_criteria(yes: set[str], met: bool) -> None:
    data = answers(**dict.fromkeys(yes, True))
    assert scr_criteria_met(data) is met
    # Declining is blocked exactly when the criteria are met.
    assert bool(run("criteria_not_met", data, {"criteria": "scr"})) is met


def test_scr_criteria_every_combination_follows_regulation_5() -> None:
    for values in itertools.product([True, False], repeat=len(SCR_QUESTIONS)):
        a = dict(zip(SCR_QUESTIONS, values, strict=True))
        assert scr_criteria_met({"criteria": a}) is _regulation_5(a), a


@pytest.mark.parametrize(
    ("yes", "met"),
    [
        ({"child_died", "abuse_or_neglect"}, True),  # 1
        ({"seriously_harmed", "abuse_or_neglect"}, True),  # 2
        ({"child_died", "looked_after_child"}, True),  # 3: abuse need not be suspected
        ({"child_died", "regulated_setting"}, True),  # 4: likewise
        ({"child_died"}, False),
        ({"seriously_harmed"}, False),
        ({"seriously_harmed", "looked_after_child"}, False),  # 3 and 4 need a death
        ({"abuse_or_neglect", "regulated_setting"}, False),
        (set(), False),
    ],
    ids=lambda v: "+".join(sorted(v)) if isinstance(v, set) else str(v),
)
def test_notifiable_criteria(yes: set[str], met: bool) -> None:
    data = answers(**dict.fromkeys(yes, True))
    assert notifiable_criteria_met(data) is met
    assert (run("criteria_met", data, {"criteria": "notifiable"}) == []) is met
    assert (run("criteria_not_met", data, {"criteria": "notifiable"}) == []) is (not met)


def test_notifiable_criteria_every_combination_follows_domain() -> None:
    for values in itertools.product([True, False], repeat=len(NOTIFIABLE_QUESTIONS)):
        a = dict(zip(NOTIFIABLE_QUESTIONS, values, strict=True))
        assert notifiable_criteria_met({"criteria": a}) is _notifiable(a), a


@pytest.mark.parametrize(
    ("name", "criteria"),
    [
        ("criteria_not_met", "scr"),
        ("criteria_met", "notifiable"),
        ("criteria_not_met", "notifiable"),
    ],
)
def test_criteria_decisions_need_every_answer_first(name: str, criteria: str) -> None:
    # "Yes" is not an answer the product reads: it wants true or false.
    unmet = run(name, {"criteria": {"abuse_or_neglect": "yes"}}, {"criteria": criteria})
    assert any("data.criteria.abuse_or_neglect" in s for s in unmet)
    assert all(s.startswith("Answer yes or no") for s in unmet)


# -- independence and the principles of a review ---------------------------------------------


@pytest.mark.parametrize("organisation", ["police", "POLICE", "  Police  ", "Police\t"])
def test_independence_is_case_insensitive_and_ignores_spaces(organisation: str) -> None:
    pat = {**LEAD, "name": "Pat", "organisations": ["Consulting", organisation]}
    data = {"agencies": [" Health ", "Police"], **recs(lead_appointments=[pat])}
    for name in ("lead_reviewer_independent", "independence_kept"):
        unmet = run(name, data)
        assert len(unmet) == 1
        assert f"they belong to {organisation.strip()}, whose actions are under review" in unmet[0]
        assert "Consulting" not in unmet[0]


def test_independence_names_every_overlapping_organisation() -> None:
    pat = {**LEAD, "name": "Pat", "organisations": ["Health Trust", "Police"]}
    data = {"agencies": ["Police", "health trust"], **recs(lead_appointments=[pat])}
    assert "belong to Health Trust, Police," in run("lead_reviewer_independent", data)[0]


def test_independence_reads_only_the_appointment_in_force() -> None:
    ended = {**LEAD, "id": 1, "organisations": ["Police"], "ended_on": "2026-11-10"}
    now = {**LEAD, "id": 2, "appointed_on": "2026-11-10"}
    data = {"agencies": ["Police"], **recs(lead_appointments=[ended, now])}
    assert run("lead_reviewer_independent", data) == []
    assert run("independence_kept", data) == []


def test_independence_needs_an_appointment_but_the_data_rule_does_not() -> None:
    assert run("lead_reviewer_independent", {"agencies": ["Police"]}) == [
        "No lead reviewer is appointed: record the lead reviewer's appointment (name, "
        "organisations and the date appointed)."
    ]
    assert run("independence_kept", {"agencies": ["Police"]}) == []
    no_orgs = {"agencies": ["Police"], **recs(lead_appointments=[{**LEAD, "organisations": []}])}
    assert run("lead_reviewer_independent", no_orgs) == []


INVITED_SW = {**PRACTITIONER, "id": 2, "number": 2, "agency": "Health", "role_title": "Nurse"}


@pytest.mark.parametrize(
    ("kinds", "unmet"),
    [
        (INVOLVED, []),
        (
            {
                "practitioners": [PRACTITIONER],
                "family_members": [
                    {**MOTHER, "invited_on": None, "not_involved_reason": "Parent in custody"}
                ],
            },
            [],
        ),
        (
            {"practitioners": [PRACTITIONER], "family_members": [{**MOTHER, "how_explained": ""}]},
            [
                "Family member 1 (mother) was invited on 2026-11-03, but how the review was "
                "explained to them is not recorded."
            ],
        ),
        (
            {
                "practitioners": [{**PRACTITIONER, "invited_on": None}],
                "family_members": [MOTHER],
            },
            [
                "Invite the practitioners of Police: no practitioner of theirs is recorded as "
                "invited (agency, role and the date invited).",
                "Practitioner 1 (Custody sergeant, Police) has no date invited: record when they "
                "were invited.",
            ],
        ),
        (
            {"practitioners": [PRACTITIONER, INVITED_SW], "family_members": []},
            [
                "Invite the family, including surviving children: record each family member (by "
                "relationship, never by name) with the date invited and how the review was "
                "explained, or the reason they are not involved."
            ],
        ),
        (
            {
                "practitioners": [PRACTITIONER],
                "family_members": [{**MOTHER, "invited_on": None}],
            },
            [
                "Family member 1 (mother) is neither invited nor recorded with a reason for not "
                "being involved."
            ],
        ),
    ],
)
def test_involvement_names_each_missing_record(kinds: dict[str, Any], unmet: list[str]) -> None:
    assert run("involvement_recorded", {"agencies": ["Police "], "records": kinds}) == unmet


def test_involvement_with_no_agencies_asks_for_practitioners() -> None:
    assert run("involvement_recorded", recs(family_members=[MOTHER])) == [
        "Invite the practitioners of the agencies involved: record each practitioner invited "
        "(agency, role and the date invited)."
    ]


@pytest.mark.parametrize(
    ("contribution", "unmet"),
    [
        ({"status": "received"}, []),
        ({"status": "waived", "waived_reason": "The agency had no contact with the family"}, []),
        (
            {"status": "waived", "waived_reason": " "},
            [
                "The chronology requested from Northshire Police on 2026-11-02 is waived without "
                "a reason: record why."
            ],
        ),
        (
            {"kind": "agency_report"},
            [
                "The agency report requested from Northshire Police on 2026-11-02 is neither "
                "received nor waived."
            ],
        ),
    ],
)
def test_contributions_settled_names_each_one(
    contribution: dict[str, Any], unmet: list[str]
) -> None:
    assert run("contributions_settled", recs(contributions=[CHRONOLOGY | contribution])) == unmet


def test_no_contribution_requested_is_nothing_to_settle() -> None:
    assert run("contributions_settled", {}) == []


def test_findings_needs_at_least_one() -> None:
    assert run("findings_recorded", {}) == [
        "Record at least one finding, saying what happened and why."
    ]


def test_an_action_without_an_owner_does_not_answer_its_finding() -> None:
    data = recs(findings=[FINDING], actions=[{**ACTION, "owner_agency": " "}])
    assert run("problem_findings_have_actions", data) == [
        "Finding 1 (problem) has no action with an owner agency and a due date: add one."
    ]
    # Good practice needs no action.
    assert run("problem_findings_have_actions", recs(findings=[GOOD_FINDING])) == []


def test_every_action_is_named_by_number_finding_owner_and_due_date() -> None:
    second = {**DONE, "id": 2, "number": 2, "finding": 3, "owner_agency": "Health"}
    data = recs(actions=[{**DONE, "impact_evidence": ""}, {**second, "status": "in_progress"}])
    assert run("actions_complete", data) == [
        "Action 1 (finding 1, Police, due 2027-03-31) has no evidence of impact: record it.",
        "Action 2 (finding 3, Health, due 2027-03-31) is still open: record it done.",
    ]


def test_death_in_scope_needs_the_answers() -> None:
    unmet = run("death_in_scope", {})
    assert "Record the child's age at death in years (data.age_at_death)." in unmet
    assert "Answer whether the death was a stillbirth (data.stillbirth = true or false)." in unmet
    assert len(unmet) == 3


# -- the registry -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "problem"),
    [
        ("nope", {}, "unknown guard 'nope'; known guards are: actions_complete"),
        ("required", {}, "guard 'required' needs the parameter 'fields' (the data keys"),
        (
            "required",
            {"fields": ["a"], "extra": 1},
            "guard 'required' has no parameter 'extra'; its parameters: fields",
        ),
        (
            "agencies_recorded",
            {"fields": ["a"]},
            "guard 'agencies_recorded' has no parameter 'fields'; its parameters: none",
        ),
        ("required", {"fields": "a"}, "parameter 'fields' must be a non-empty list of data keys"),
        ("required", {"fields": []}, "parameter 'fields' must be a non-empty list of data keys"),
        ("required", {"fields": [""]}, "parameter 'fields' must be a non-empty list of data keys"),
        ("not_before", {"field": "", "other": "b"}, "parameter 'field' must be a non-empty string"),
        ("not_before", {"field": 3, "other": "b"}, "parameter 'field' must be a non-empty string"),
        (
            "elapsed_since",
            {"field": "a", "duration": 7},
            "parameter 'duration' must be a duration like '1 week'",
        ),
        (
            "elapsed_since",
            {"field": "a", "duration": "1 fortnight"},
            "guard 'elapsed_since': parameter 'duration': unknown unit 'fortnight'",
        ),
    ],
)
def test_registry_checks_parameters(name: str, params: dict[str, Any], problem: str) -> None:
    problems = REGISTRY.check(name, params)
    assert len(problems) == 1
    assert problem in problems[0]


def test_a_guard_cannot_be_registered_twice() -> None:
    registry = GuardRegistry()

    @registry.register("x", params=(Param("f", "field"),))
    def x(ctx: GuardContext, f: str) -> list[str]:
        """Says what is missing."""
        return [f"Record {f}."]

    with pytest.raises(ValueError, match="registered twice"):
        registry.register("x")(x)
    assert registry.guards["x"].doc == "Says what is missing."
    ctx = GuardContext({}, "s", TODAY, CAL)
    assert registry.evaluate("x", {"f": "y"}, ctx) == ["Record y."]


def _guards_used(path: Path) -> set[str]:
    d = load(path.read_text(encoding="utf-8"), str(path))
    refs = [*d.open_guards, *d.data_rules, *(g for t in d.transitions for g in t.guards)]
    return {g.name for g in refs}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_guard_a_shipped_definition_uses_is_documented(path: Path) -> None:
    for name in _guards_used(path):
        guard = REGISTRY.guards[name]
        assert len(guard.doc) > 20, f"guard {name} has no docstring"
        for p in guard.params:
            assert p.doc, f"parameter {p.name} of {name} is not documented"
