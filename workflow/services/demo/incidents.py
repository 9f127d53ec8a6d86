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


def rapid(today: date) -> list[Plan]:
    key = "rapid_review"
    data = {"demo": True, "notification_sent_at": day(today, -6)}
    return [
        Plan(key, "Infant A", data),
        Plan(key, "Infant B", data, (GATHER,)),
        Plan(key, "Infant C", data, (GATHER, MEET)),
        Plan(key, "Infant D", data, (GATHER, MEET, Step("recommend_lcspr", "chair", AGREED))),
        Plan(key, "Infant E", data, (GATHER, MEET, Step("no_lcspr", "chair", AGREED))),
    ]


# -- child deaths ---------------------------------------------------------------------------

DEATH_LINE = (
    Step(
        "notify", "reviewer", {"age_at_death": 1, "stillbirth": False, "planned_termination": False}
    ),
    Step("gather_information", "reviewer", {"expected_death": False}),
    Step("hold_review_meeting", "reviewer", {"information_complete": True}),
    Step("refer_to_panel", "reviewer"),
    Step(
        "close",
        "chair",
        {
            "panel_outcome": "Death reviewed; learning shared on safe sleeping.",
            "modifiable_factors": "Yes: unsafe sleeping arrangement.",
            "national_database_submitted": True,
        },
    ),
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
            for letter, n in zip("CDEFG", range(1, 6), strict=True)
        ],
    ]
