"""The registry of named guards: each guard met and unmet with the sentence it gives, the
statutory criteria, dates judged in Europe/London, and the registry's parameter checks."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from workflow.calendar import WorkingCalendar
from workflow.definition import load
from workflow.guards import REGISTRY, GuardContext, GuardRegistry, Param
from workflow.guards.criteria import (
    NOTIFIABLE_QUESTIONS,
    SCR_QUESTIONS,
    notifiable_criteria_met,
    scr_criteria_met,
)

CAL = WorkingCalendar()
TODAY = date(2026, 11, 30)
SHIPPED = sorted((Path(__file__).resolve().parent.parent / "definitions").glob("*.toml"))


def run(
    name: str, data: Mapping[str, Any], params: Mapping[str, Any] | None = None, today: date = TODAY
) -> list[str]:
    ctx = GuardContext(data=data, state="any", today=today, calendar=CAL, actor_role="reviewer")
    return REGISTRY.evaluate(name, params or {}, ctx)


def answers(**yes: bool) -> dict[str, Any]:
    """Criteria answers: every question answered, false unless named."""
    questions = set(NOTIFIABLE_QUESTIONS) | set(SCR_QUESTIONS)
    return {"criteria": {q: yes.get(q, False) for q in sorted(questions)}}


LEAD = {"name": "Lena Lead", "organisations": ["Independent Reviews Ltd"]}
FINDING = {"what_happened": "Referral not passed on", "why": "No shared record", "kind": "problem"}
GOOD_FINDING = {
    "what_happened": "Health visitor escalated",
    "why": "Clear pathway",
    "kind": "good_practice",
}
ACTION = {"finding": 1, "owner_agency": "Police", "due_date": "2027-03-31"}
DONE = {**ACTION, "status": "done", "completion_evidence": "Audit", "impact_evidence": "Survey"}
INVOLVED = {"practitioners_invited": True, "family_invited": True, "family_how": "Letter"}

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
        "notifiable_criteria_answered",
        {},
        answers(),
        {"criteria": {"child_died": True}},
        [
            "data.criteria.abuse_or_neglect",
            "is abuse or neglect known or suspected",
            "data.criteria.looked_after_child",
        ],
    ),
    (
        "notifiable_criteria_met",
        {},
        answers(abuse_or_neglect=True, child_died=True),
        answers(),
        ["meet none of the notifiable-incident criteria", "record it as not notifiable"],
    ),
    (
        "notifiable_criteria_not_met",
        {},
        answers(),
        answers(abuse_or_neglect=True, seriously_harmed=True),
        ["meet the notifiable-incident criteria", "must be notified"],
    ),
    (
        "scr_criteria_answered",
        {},
        answers(),
        {"criteria": {}},
        ["data.criteria.concern_about_working_together", "data.criteria.died_in_custody"],
    ),
    (
        "scr_criteria_not_met",
        {},
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
        {"agencies": ["Police"], "lead_reviewer": LEAD},
        {
            "agencies": ["Police", "Health"],
            "lead_reviewer": {"name": "Pat", "organisations": ["Police"]},
        },
        ["not independent", "they belong to Police", "appoint someone from outside"],
    ),
    (
        "involvement_recorded",
        {},
        {"involvement": INVOLVED},
        {"involvement": {}},
        [
            "Invite the practitioners",
            "data.involvement.practitioners_invited",
            "Invite the family",
            "data.involvement.family_not_involved_reason",
        ],
    ),
    (
        "findings_recorded",
        {},
        {"findings": [FINDING, GOOD_FINDING]},
        {"findings": [{"what_happened": "x", "kind": "bad"}]},
        [
            "Finding 1: record why it happened (data.findings[0].why)",
            "Finding 1: say whether it shows good practice or a problem",
        ],
    ),
    (
        "problem_findings_have_actions",
        {},
        {"findings": [FINDING], "actions": [ACTION]},
        {"findings": [GOOD_FINDING, FINDING], "actions": []},
        ["Finding 2 is a problem and has no action", "finding = 2"],
    ),
    (
        "actions_complete",
        {},
        {"actions": [DONE]},
        {"actions": [ACTION]},
        ["Action 1 is still open", "evidence of completion", "evidence of impact"],
    ),
    (
        "death_in_scope",
        {},
        {"age_at_death": 3, "stillbirth": False, "planned_termination": False},
        {"age_at_death": 18, "stillbirth": True, "planned_termination": False},
        ["covers children under 18", "does not cover a stillbirth"],
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
    assert bool(run("scr_criteria_not_met", data)) is met


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
    assert (run("notifiable_criteria_met", data) == []) is met
    assert (run("notifiable_criteria_not_met", data) == []) is (not met)


def test_notifiable_criteria_every_combination_follows_domain() -> None:
    for values in itertools.product([True, False], repeat=len(NOTIFIABLE_QUESTIONS)):
        a = dict(zip(NOTIFIABLE_QUESTIONS, values, strict=True))
        assert notifiable_criteria_met({"criteria": a}) is _notifiable(a), a


@pytest.mark.parametrize(
    "name", ["scr_criteria_not_met", "notifiable_criteria_met", "notifiable_criteria_not_met"]
)
def test_criteria_decisions_need_every_answer_first(name: str) -> None:
    # "Yes" is not an answer the product reads: it wants true or false.
    unmet = run(name, {"criteria": {"abuse_or_neglect": "yes"}})
    assert any("data.criteria.abuse_or_neglect" in s for s in unmet)
    assert all(s.startswith("Answer yes or no") for s in unmet)


# -- independence and the principles of a review ---------------------------------------------


@pytest.mark.parametrize("organisation", ["police", "POLICE", "  Police  ", "Police\t"])
def test_independence_is_case_insensitive_and_ignores_spaces(organisation: str) -> None:
    data = {
        "agencies": [" Health ", "Police"],
        "lead_reviewer": {"name": "Pat", "organisations": ["Consulting", organisation]},
    }
    unmet = run("lead_reviewer_independent", data)
    assert len(unmet) == 1
    assert f"they belong to {organisation.strip()}, whose actions are under review" in unmet[0]
    assert "Consulting" not in unmet[0]


def test_independence_names_every_overlapping_organisation() -> None:
    data = {
        "agencies": ["Police", "health trust"],
        "lead_reviewer": {"name": "Pat", "organisations": ["Health Trust", "Police"]},
    }
    assert "belong to Health Trust, Police," in run("lead_reviewer_independent", data)[0]


def test_independence_needs_the_lead_and_their_organisations() -> None:
    unmet = run("lead_reviewer_independent", {"agencies": ["Police"], "lead_reviewer": {}})
    assert unmet == [
        "Record the lead reviewer's name (data.lead_reviewer.name).",
        "Record the lead reviewer's organisations (data.lead_reviewer.organisations), an empty "
        "list if none, so independence can be checked.",
    ]
    no_orgs = {"agencies": ["Police"], "lead_reviewer": {"name": "Pat", "organisations": []}}
    assert run("lead_reviewer_independent", no_orgs) == []


@pytest.mark.parametrize(
    ("involvement", "met"),
    [
        (INVOLVED, True),
        ({"practitioners_invited": True, "family_not_involved_reason": "Parent in custody"}, True),
        ({"practitioners_invited": True, "family_invited": True}, False),  # not told how
        ({"practitioners_invited": False, "family_invited": True, "family_how": "Visit"}, False),
        ({"family_invited": True, "family_how": "Visit"}, False),
        ({"practitioners_invited": True}, False),
    ],
)
def test_involvement_of_practitioners_and_family(involvement: dict[str, Any], met: bool) -> None:
    assert (run("involvement_recorded", {"involvement": involvement}) == []) is met


def test_family_invited_without_how_says_so() -> None:
    data = {"involvement": {"practitioners_invited": True, "family_invited": True}}
    assert run("involvement_recorded", data) == [
        "Record how the family was told about the review and how to take part "
        "(data.involvement.family_how)."
    ]


def test_findings_needs_at_least_one() -> None:
    assert run("findings_recorded", {}) == [
        "Record at least one finding (data.findings) saying what happened and why."
    ]


def test_actions_need_an_owner_and_a_valid_due_date() -> None:
    data = {"findings": [FINDING], "actions": [{"finding": 1, "due_date": "end of March"}]}
    text = " ".join(run("problem_findings_have_actions", data))
    assert "Action 1: record an owner agency (data.actions[0].owner_agency)." in text
    assert "data.actions[0].due_date must be a date" in text
    assert "Finding 1 is a problem and has no action" in text


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
