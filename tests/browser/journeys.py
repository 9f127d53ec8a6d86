"""The table the browser journeys walk (``test_journeys_in_browser``): one ``Journey`` a shipped
review type, from opening to a final stage, each step by the role that takes it (what a journey
is made of, and the answers several share: ``journey_steps``).
"""

from __future__ import annotations

from datetime import date

from tests.browser.journey_steps import (
    APPOINT_LENA,
    BOTH,
    CDR_SUBMITTED,
    CRITERIA_NOT_SCR,
    CRITERIA_SCR,
    CRITERIA_SERIOUS_INCIDENT,
    FACTS,
    HEALTH,
    LCSPR_DECIDED,
    NO,
    NO_LCSPR,
    PANEL_AGREES,
    POLICE,
    PUBLICATION,
    REPORT_SIGNED_OFF,
    REPORT_UPLOADED,
    REVIEW,
    SCR_PUBLICATION,
    SIGNED_OFF,
    TODAY,
    Journey,
    Record,
    Step,
    action,
    action_done,
    contribution,
    decision,
    finding,
    scoping,
)

JOURNEYS = {
    "notifiable_incident": Journey(
        "notifiable_incident",
        "Child J",
        {"Date the local authority became aware": date(2026, 11, 26), "Agencies involved": POLICE},
        (
            Step("reviewer", "notify", {"criteria": CRITERIA_NOT_SCR}),
            Step(
                "chair", "decide_no_review", decision("Below the threshold; learnt in supervision.")
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
        {"Agencies involved": POLICE},
        (Step("chair", "decline", decision("No further learning beyond the audit.")),),
    ),
    "serious_incident": Journey(
        "serious_incident",
        "Child S",
        {"Date the local authority became aware": date(2026, 11, 26), "Agencies involved": BOTH},
        (
            Step("reviewer", "notify", {"criteria": CRITERIA_SERIOUS_INCIDENT}),
            Step("chair", "start_rapid_review", at="2026-12-01T10:00:00+00:00"),
        ),
    ),
    "rapid_review": Journey(
        "rapid_review",
        "Child R",
        {"Date notified": date(2026, 11, 27), "Agencies involved": BOTH},
        (
            Step("reviewer", "gather"),
            Step("reviewer", "hold_meeting", {"other": {FACTS: True}}),
            Step(
                "chair",
                "send_to_panel",
                {
                    "other": {
                        "Immediate learning identified": "Referrals were not shared at once.",
                        "The rapid review's recommendation": NO_LCSPR,
                    }
                },
                dates={"Date the rapid review was sent to the national panel": date(2026, 11, 30)},
            ),
            Step(
                "reviewer",
                "record_panel_response",
                {"other": {"The national panel's response": PANEL_AGREES}},
                dates={"Date of the national panel's response": date(2026, 12, 3)},
                at="2026-12-03T10:00:00+00:00",
            ),
            Step(
                "chair",
                "decide_no_lcspr",
                decision("The rapid review found the learning; the Panel agrees."),
                dates={LCSPR_DECIDED: date(2026, 12, 3)},
            ),
            Step(
                "reviewer",
                "tell_panel",
                dates={"Date the national panel was told": date(2026, 12, 3)},
            ),
        ),
    ),
    "local_practice_review": Journey(
        "local_practice_review",
        "Child L",
        {"Agencies involved": BOTH},
        (
            Step(
                "chair",
                "commission",
                decision("The rapid review found learning a local review would draw out."),
                dates={LCSPR_DECIDED: date(2026, 11, 30)},
            ),
            *REVIEW,
            Step(
                "chair",
                "publish",
                {"publication": PUBLICATION, "other": SIGNED_OFF},
                at="2026-12-10T10:00:00+00:00",
            ),
            Step("chair", "close", records=(action_done(1, date(2026, 12, 10), by="agency"),)),
        ),
    ),
    "child_death_review": Journey(
        "child_death_review",
        "Child C",
        {"Date of death": date(2026, 11, 28), "Agencies involved": BOTH},
        (
            Step(
                "reviewer",
                "notify",
                {
                    "death": {
                        "Age at death, in years": "2",
                        "Was it a stillbirth?": NO,
                        "Was it a planned termination of pregnancy?": NO,
                    },
                    "dates": {
                        "Date the National Child Mortality Database was notified": date(
                            2026, 11, 30
                        )
                    },
                },
                dates={"Date notified": date(2026, 11, 30)},
            ),
            Step(
                "reviewer",
                "start_joint_agency_response",
                {"death": {"Was the death expected?": NO}},
            ),
            Step(
                "reviewer",
                "complete_joint_agency_response",
                {"other": {"Summary of the joint agency response": "Police and health visited."}},
                dates={"Date the joint agency response was completed": date(2026, 11, 30)},
            ),
            Step(
                "chair",
                "hold_review_meeting",
                {"cdr_review": {"Information from every agency involved has been gathered": True}},
            ),
            Step(
                "reviewer",
                "refer_to_panel",
                dates={"Date of the review meeting": date(2026, 11, 30)},
            ),
            Step(
                "chair",
                "complete_panel_review",
                {
                    "cdr_review": {
                        "Outcome of the overview panel": "A sudden infection; care was timely.",
                        "Were modifiable factors identified?": NO,
                    },
                    "other": {"Category of death": "Infection"},
                },
                dates={"Date of the overview panel": date(2026, 11, 30)},
            ),
            Step(
                "reviewer",
                "close",
                {"cdr_review": {CDR_SUBMITTED: True}},
                dates={"Date the analysis return was submitted": date(2026, 12, 1)},
                # A review cannot close on the day it opened.
                at="2026-12-01T10:00:00+00:00",
            ),
        ),
    ),
    "good_practice_review": Journey(
        "good_practice_review",
        "Family G",
        {"Agencies involved": BOTH},
        (
            Step("chair", "commission", decision("Swift joint working worth sharing.")),
            Step(
                "reviewer",
                "start_gathering",
                {"scoping": scoping("A proportionate review", "Accounts, then a learning event.")},
                # No data form asks for a lead here: appointed on the lead appointments' page.
                records=(APPOINT_LENA,),
            ),
            Step(
                "reviewer",
                "begin_findings",
                records=(
                    contribution(POLICE, "An agency report", date(2026, 12, 4)),
                    contribution(HEALTH, "An agency report", date(2026, 12, 4)),
                    Record("contributions", n=1, upload="police-account.pdf", by="agency"),
                    Record("contributions", {"Status": "Received"}, n=2),
                ),
            ),
            Step(
                "lead_reviewer",
                "agree_findings",
                records=(
                    finding(
                        "Police and health visited together within a day.",
                        "A shared duty rota.",
                        "Good practice",
                        "An agency report from Northshire Police",
                        "An agency report from Northshire NHS Trust",
                    ),
                    finding("The GP was told late.", "Not on the rota.", "A problem"),
                ),
            ),
            Step(
                "chair",
                "sign_off_action_plan",
                records=(action(2, POLICE, "Add the GP to the rota.", date(2027, 2, 26)),),
            ),
            Step("chair", "close", records=(action_done(1, date(2026, 11, 30), by="agency"),)),
        ),
    ),
    "multi_agency_audit": Journey(
        "multi_agency_audit",
        "Neglect audit 2026",
        {"Agencies involved": BOTH},
        (
            Step(
                "chair",
                "commission",
                decision("Neglect referrals rose this year.")
                | {"other": {"Theme of the audit": "Neglect of children under five."}},
            ),
            Step(
                "reviewer",
                "start_audit",
                {"scoping": scoping("Ten cases an agency", "Each agency audits its own cases.")},
            ),
            Step(
                "reviewer",
                "begin_findings",
                records=(
                    contribution(POLICE, "An agency report", date(2026, 12, 11)),
                    contribution(HEALTH, "An agency report", date(2026, 12, 11)),
                    Record("contributions", n=1, upload="police-audit.pdf", by="agency"),
                    Record(
                        "contributions",
                        {"Status": "Waived", "If waived, why": "Its cases were in the 2025 audit."},
                        n=2,
                    ),
                ),
            ),
            Step(
                "chair",
                "agree_findings",
                records=(finding("Neglect was seen late.", "No shared threshold.", "A problem"),),
                by="reviewer",
            ),
            Step(
                "chair",
                "sign_off_action_plan",
                records=(action(1, POLICE, "Adopt the graded care profile.", date(2027, 3, 31)),),
            ),
            Step("chair", "close", records=(action_done(1, date(2026, 11, 30), by="agency"),)),
        ),
    ),
    # Published with the final report uploaded by the lead and signed off by the chair for the
    # board, a week after the copies went to the national panel; closed once the action is done.
    "serious_case_review": Journey(
        "serious_case_review",
        "Child D",
        {"Agencies involved": BOTH},
        (
            Step(
                "chair",
                "decide_scr",
                {"criteria": CRITERIA_SCR} | decision("The criteria are met: a review is held."),
            ),
            REVIEW[0],  # the reviewer scopes and appoints Lena Lead
            Step(
                "lead_reviewer",
                "start_involvement",
                {
                    "dates": {"Date the national panel was told the review started": TODAY},
                    "other": {"Who the national panel was told leads the review": "Lena Lead"},
                },
            ),
            *REVIEW[2:],  # involvement, findings, the action plan signed off
            Step("reviewer", "prepare_publication"),
            Step(
                "chair",
                "publish",
                SCR_PUBLICATION,
                records=(REPORT_UPLOADED, REPORT_SIGNED_OFF),
                at="2027-01-19T10:00:00+00:00",
            ),
            Step("chair", "close", records=(action_done(1, date(2027, 1, 19), by="agency"),)),
        ),
    ),
}
