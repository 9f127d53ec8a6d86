"""The demo board's incidents, at every stage: notifiable incidents (one overdue in referral,
one found not notifiable, and decisions that open a serious case review or a learning review,
linked), rapid reviews up to their recommendation, and child deaths up to the panel's close."""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.services.demo.people import HEALTH, POLICE, SOCIAL_CARE
from workflow.services.demo.stages import request_contributions
from workflow.services.demo.steps import Plan, Step, criteria, day, lead_reviewer, rationale

# -- notifiable incidents -------------------------------------------------------------------

DECIDED = "Chair's decision recorded after reading the rapid information from agencies."
NOTIFY = Step(
    "notify",
    "reviewer",
    {"criteria": criteria()},
    "Notified to Ofsted and the board by secure e-mail.",
)
DECIDE_SCR = Step("decide_scr", "chair", {"criteria": criteria(concern=True), **rationale(DECIDED)})
DECIDE_LEARNING = Step(
    "decide_learning_review", "chair", {"criteria": criteria(concern=False), **rationale(DECIDED)}
)
DECIDE_NO_REVIEW = Step(
    "decide_no_review", "chair", {"criteria": criteria(concern=False), **rationale(DECIDED)}
)
TOLD = Step("tell_national_panel", "reviewer", {}, "Reasons sent to the national panel.")
NOT_NOTIFIABLE = Step(
    "not_notifiable",
    "reviewer",
    {
        "criteria": criteria(harmed=False, abuse=False),
        **rationale("Accidental injury; no abuse or neglect known or suspected."),
    },
)
# In the serious case review a decision opened: the decision carried over, then scoping.
# The review opened by the decision starts in scoping: the chair is not asked again.
SCR_OPENED = (
    Step(
        "appoint_lead",
        "reviewer",
        {
            "scoping": {"scale": "One year, two agencies", "method": "Systems review"},
            "lead_reviewer": lead_reviewer(),
        },
        records=request_contributions,
    ),
)


def notifiable(today: date) -> list[Plan]:
    key = "notifiable_incident"

    def data(aware_days_ago: int) -> dict[str, Any]:
        return {
            "demo": True,
            "aware_at": day(today, -aware_days_ago),
            "agencies": [POLICE, SOCIAL_CARE],
            "summary": "Admitted to hospital with injuries not consistent with the account given.",
        }

    return [
        Plan(key, "Child A", data(1)),
        Plan(key, "Child B", data(15)),  # in referral past its 5 working days: overdue
        Plan(key, "Child C", data(3), (NOTIFY,)),
        Plan(key, "Child D", data(2), (NOT_NOTIFIABLE,)),
        # The decision opens the review, linked, with the incident's agencies and dates.
        Plan(key, "Child E", data(4), (NOTIFY, DECIDE_SCR), SCR_OPENED),
        Plan(key, "Child F", data(4), (NOTIFY, DECIDE_LEARNING), (Step("commission", "chair"),)),
        Plan(key, "Child G", data(3), (NOTIFY, DECIDE_NO_REVIEW)),
        Plan(key, "Child H", data(4), (NOTIFY, DECIDE_NO_REVIEW, TOLD)),
        Plan(
            key, "Child I", data(4), (NOTIFY, DECIDE_LEARNING, TOLD), (Step("commission", "chair"),)
        ),
    ]


# -- rapid reviews --------------------------------------------------------------------------

GATHER = Step("gather", "reviewer", {"agencies": [POLICE, SOCIAL_CARE, HEALTH]})
MEET = Step("hold_meeting", "reviewer", {"facts_gathered": True})
AGREED = {
    **rationale("The partners agreed at the rapid review meeting."),
    "immediate_learning": "Information about the father was not shared with health.",
}


SEND = Step(
    "send_to_panel",
    "chair",
    {**AGREED, "recommendation": "local_practice_review"},
)
RESPONSE = Step("record_panel_response", "reviewer", {"panel_response": "agrees"})
RAPID_LINE = (
    GATHER,
    MEET,
    SEND,
    RESPONSE,
    Step("decide_no_lcspr", "chair", rationale("The Panel will review it nationally.")),
    Step("tell_panel", "reviewer"),
)


def rapid(today: date) -> list[Plan]:
    key = "rapid_review"
    data = {"demo": True, "notified_at": day(today, -6)}
    return [
        *[
            Plan(key, f"Infant {letter}", data, RAPID_LINE[:n])
            for letter, n in zip("ABCDE", (0, 1, 2, 3, 4), strict=True)
        ],
        Plan(key, "Infant F", data, RAPID_LINE[:5]),
        Plan(key, "Infant G", data, RAPID_LINE),
        Plan(
            key,
            "Infant H",
            data,
            (*RAPID_LINE[:4], Step("commission_lcspr", "chair", rationale("The Panel agrees."))),
        ),
    ]


SI_ANSWERS = {
    "abuse_or_neglect": True,
    "child_died": False,
    "seriously_harmed": True,
    "in_area": True,
    "outside_england_resident": False,
    "looked_after_child": False,
}


def serious_incidents(today: date) -> list[Plan]:
    key = "serious_incident"
    data = {"demo": True, "aware_at": day(today, -2), "agencies": [POLICE, SOCIAL_CARE]}
    notify = Step("notify", "reviewer", {"criteria": SI_ANSWERS})
    not_notifiable = Step(
        "not_notifiable",
        "reviewer",
        {
            "criteria": SI_ANSWERS | {"abuse_or_neglect": False},
            **rationale("No abuse or neglect is known or suspected."),
        },
    )
    return [
        Plan(key, "Infant P", data),
        Plan(key, "Infant Q", data, (notify,)),
        Plan(key, "Infant R", data, (notify, Step("start_rapid_review", "reviewer"))),
        Plan(key, "Infant S", data, (not_notifiable,)),
    ]


# -- child deaths ---------------------------------------------------------------------------

DEATH_LINE = (
    Step(
        "notify",
        "reviewer",
        {"age_at_death": 1, "stillbirth": False, "planned_termination": False},
        dated={"ncmd_notified_at": -9},
    ),
    Step("start_joint_agency_response", "reviewer", {"expected_death": False}),
    Step(
        "complete_joint_agency_response",
        "reviewer",
        {"jar_summary": "Joint home visit by the police and the paediatrician."},
    ),
    Step("hold_review_meeting", "reviewer", {"information_complete": True}),
    Step("refer_to_panel", "reviewer"),
    Step(
        "complete_panel_review",
        "chair",
        {
            "panel_outcome": "Death reviewed; learning shared on safe sleeping.",
            "death_category": "sudden_unexplained",
            "modifiable_factors": "yes",
        },
    ),
    Step("close", "chair", {"national_database_submitted": True}),
)
OUT_OF_SCOPE = Step(
    "out_of_scope",
    "reviewer",
    {"stillbirth": True, **rationale("A stillbirth: outside the child death review.")},
)


def child_death(today: date) -> list[Plan]:
    key = "child_death_review"
    data = {"demo": True, "date_of_death": day(today, -10), "agencies": [HEALTH, POLICE]}
    return [
        Plan(key, "Young person A", data),
        Plan(key, "Young person B", data, (OUT_OF_SCOPE,)),
        *[
            Plan(key, f"Young person {letter}", data, DEATH_LINE[:n])
            for letter, n in zip("CDEFGH", range(1, 7), strict=True)
        ],
        # Opened the day before: a review never closes on the day it opened.
        Plan(key, "Young person I", data, DEATH_LINE, opened_days_ago=1),
        Plan(
            key,
            "Young person J",
            data,
            (
                DEATH_LINE[0],
                Step("gather_information", "reviewer", {"expected_death": True}),
                *DEATH_LINE[3:-1],
            ),
        ),
    ]
