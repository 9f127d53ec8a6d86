"""The demo board's reviews, at every stage: serious case reviews (up to publication, a delay,
a decision not to publish and a withdrawal), learning reviews and local practice reviews.

Each runs the same line of work: the decision, the lead appointed after scoping (contributions
asked of the agencies), involvement (practitioners and family invited), findings (the
contributions settled, findings with themes), the action plan signed off, and its monitoring.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.services.demo import final_reports
from workflow.services.demo.people import HEALTH, POLICE, SCHOOL, SOCIAL_CARE
from workflow.services.demo.stages import (
    complete_actions,
    invite_people,
    plan_actions,
    request_contributions,
    settle_and_find,
)
from workflow.services.demo.steps import Plan, Step, criteria, day, lead_reviewer, rationale

INVOLVE = Step(
    "start_involvement",
    "lead_reviewer",
    {"panel_told_of_lead": "Dr Jo Okafor"},
    dated={"panel_told_of_review_at": 0},
)
FINDINGS = Step("begin_findings", "lead_reviewer", records=invite_people)
AGREE = Step("agree_findings", "lead_reviewer", records=settle_and_find)
SIGN_OFF = Step("sign_off_action_plan", "chair", records=plan_actions)
CLOSE = Step("close", "chair", records=complete_actions)


def line_of_work(decision: Step, appointed_by: str, scale: str, method: str) -> tuple[Step, ...]:
    """From the decision to the action plan signed off."""
    appoint = Step(
        "appoint_lead",
        appointed_by,
        {"scoping": {"scale": scale, "method": method}, "lead_reviewer": lead_reviewer()},
        records=request_contributions,
    )
    return (decision, appoint, INVOLVE, FINDINGS, AGREE, SIGN_OFF)


def staged(key: str, name: str, data: dict[str, Any], line: tuple[Step, ...]) -> list[Plan]:
    """One case at each stage of ``line``: ``<name> C`` one step in, ``D`` two…"""
    letters = "CDEFGHIJKLMNOP"[: len(line)]
    return [
        Plan(key, f"{name} {letter}", data, line[:n])
        for letter, n in zip(letters, range(1, len(line) + 1), strict=True)
    ]


# -- serious case reviews -------------------------------------------------------------------

SCR_START = line_of_work(
    Step(
        "decide_scr",
        "chair",
        {
            "criteria": criteria(concern=True),
            **rationale(
                "Regulation 5 criteria met: serious harm, abuse suspected, and concern about how "
                "agencies worked together."
            ),
        },
    ),
    "chair",
    "Two years before the incident; three agencies",
    "Systems approach with practitioner learning events",
)
SCR_DECLINED = Step(
    "decline",
    "chair",
    {
        "criteria": criteria(concern=False),
        **rationale("Criteria not met; single-agency learning taken forward instead."),
    },
)
DELAYED = Step("delay_publication", "chair", {"delay_reason": "Criminal trial not yet held."})
# Withdrawn only after twelve months on the website: that report went out long ago.
WITHDRAWN = Step("withdraw", "chair", note="Twelve months on the website have passed.")


PANEL_TOLD = Step("tell_national_panel", "reviewer", note="Reasons sent to the national panel.")


def _monitored(today: date, sent_days_ago: int) -> Step:
    """Publication prepared while the actions go on being monitored."""
    return Step(
        "prepare_publication",
        "chair",
        {"report_sent_at": day(today, -sent_days_ago)},
        "Final report sent to the national panel and Ofsted.",
        records=final_reports.upload,
    )


def _published(today: date, title: str, days_ago: int) -> Step:
    slug = title.lower().replace(" ", "-")
    return Step(
        "publish",
        "chair",
        {
            "board_response": "The board accepts every recommendation.",
            "harm_check_confirmed": True,
            "publication_url": f"https://northshire-safeguarding.example/reviews/{slug}",
            "published_at": day(today, -days_ago),
        },
        records=final_reports.sign_off,
    )


def serious(today: date) -> list[Plan]:
    key, name = "serious_case_review", "Sibling group"
    data: dict[str, Any] = {"demo": True, "agencies": [POLICE, SOCIAL_CARE, HEALTH]}
    line = (*SCR_START, _monitored(today, 14))
    not_published = Step(
        "decide_not_to_publish",
        "chair",
        {
            "not_published_reasons": "Publication would put the surviving siblings at risk.",
            "panel_told_at": day(today, -1),
        },
        records=final_reports.sign_off,
    )
    withdrawn = (*SCR_START, _monitored(today, 420), _published(today, f"{name} M", 400))
    return [
        Plan(key, f"{name} A", data),
        Plan(key, f"{name} B", data, (SCR_DECLINED,)),
        *staged(key, name, data, line),
        Plan(key, f"{name} J", data, (*line, DELAYED)),
        Plan(key, f"{name} K", data, (*line, _published(today, f"{name} K", 0))),
        Plan(key, f"{name} L", data, (*line, not_published)),
        Plan(key, f"{name} M", data, (*withdrawn, WITHDRAWN)),
        Plan(key, f"{name} N", data, (SCR_DECLINED, PANEL_TOLD)),
        Plan(key, f"{name} P", data, (*line, _published(today, f"{name} P", 0), CLOSE)),
    ]


# -- learning reviews -----------------------------------------------------------------------

LEARNING_LINE = (
    *line_of_work(
        Step(
            "commission",
            "chair",
            rationale("Below the SCR threshold; useful learning on neglect and school attendance."),
        ),
        "reviewer",
        "Proportionate: one year, two agencies",
        "Practitioner workshop and case file audit",
    ),
    CLOSE,
)
LEARNING_DECLINED = Step(
    "decline", "chair", rationale("The learning is already covered by a recent thematic review.")
)


def learning(today: date) -> list[Plan]:
    key, name = "learning_review", "Family"
    data: dict[str, Any] = {"demo": True, "agencies": [SOCIAL_CARE, SCHOOL]}
    return [
        Plan(key, f"{name} A", data),
        Plan(key, f"{name} B", data, (LEARNING_DECLINED,)),
        *staged(key, name, data, LEARNING_LINE),
    ]


# -- local practice reviews -----------------------------------------------------------------

LOCAL_START = line_of_work(
    Step("commission", "chair", rationale("The rapid review recommended a local practice review.")),
    "reviewer",
    "Two years, two agencies",
    "Systems review",
)
LOCAL_DECLINED = Step(
    "decline", "chair", rationale("The national panel is reviewing the case itself.")
)


def local_practice(today: date) -> list[Plan]:
    key, name = "local_practice_review", "Young child"
    data: dict[str, Any] = {"demo": True, "agencies": [POLICE, HEALTH]}
    published = Step(
        "publish",
        "chair",
        {
            "report_sent_at": day(today, -16),
            "board_response": "The partners accept every finding; progress is reported quarterly.",
            "harm_check_confirmed": True,
            "publication_url": "https://partnership.example/lcspr-infant",
            "report_signed_off": {"local_authority": True, "police": True, "health": True},
        },
    )
    not_published = Step(
        "decide_not_to_publish",
        "chair",
        {
            "not_published_reasons": "Publication would identify a surviving sibling.",
            "panel_told_at": day(today, -1),
            "secretary_of_state_told_at": day(today, -1),
        },
    )
    return [
        Plan(key, f"{name} A", data),
        Plan(key, f"{name} B", data, (LOCAL_DECLINED,)),
        *staged(key, name, data, (*LOCAL_START, published, CLOSE)),
        Plan(key, f"{name} K", data, (*LOCAL_START, not_published)),
    ]
