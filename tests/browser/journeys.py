"""The table the browser journeys walk (``test_journeys_in_browser``): one ``Journey`` a shipped
review type, each ``Step`` a step taken by the role that takes it, after recording on the data
forms (``fills``) and the records' pages (``records``) what it needs, on the day ``at`` says.

Answers are keyed by the label a person reads: a date fills the day, month and year; ``True`` /
``False`` ticks or clears a checkbox; a tuple ticks each named box of a group; any other text is
typed, or chosen when the field is a choice (radios, or a list whose option starts with it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

Answer = str | date | bool | tuple[str, ...]
Answers = Mapping[str, Answer]

#: Who signs in for each role (the browser conftest's ``PEOPLE``).
WHO = {
    "reviewer": "rita",
    "chair": "carl",
    "lead_reviewer": "Lena Lead",
    "agency": "pat",
}


@dataclass(frozen=True)
class Record:
    """A record made on its page (``/cases/<id>/records/<slug>``) by ``by`` (default: whoever
    records the step's data): added with ``answers``; or, when ``n`` is set, the ``n``-th record
    listed changed with ``answers`` and sent the document ``upload`` (a file name)."""

    slug: str
    answers: Answers = field(default_factory=dict)
    n: int = 0
    upload: str = ""
    by: str = ""


@dataclass(frozen=True)
class Step:
    """A step by the role that takes it, after recording ``fills`` (group id -> label -> value)
    on the data forms and ``records`` on their pages (by ``by``, default the step's role), the
    injected clock first moved to ``at`` (an ISO instant) when given; ``dates`` are the dates the
    step itself records."""

    role: str
    trigger: str
    fills: Mapping[str, Answers] = field(default_factory=dict)
    dates: Answers = field(default_factory=dict)
    records: tuple[Record, ...] = ()
    at: str = ""
    by: str = ""


@dataclass(frozen=True)
class Journey:
    review_type: str
    title: str
    opening: Answers
    steps: tuple[Step, ...]
    opener: str = "reviewer"


NO = "No"
YES = "Yes"
POLICE, HEALTH = "Northshire Police", "Northshire NHS Trust"
BOTH = f"{POLICE}\n{HEALTH}"
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
CRITERIA_SCR = {
    "Is abuse or neglect known or suspected?": YES,
    "Has the child died (including suspected suicide)?": YES,
    "Has the child been seriously harmed?": NO,
    "Is there cause for concern about how the authority, its partners or others worked "
    "together?": YES,
    "Did the child die in custody, on remand, in a young offender institution, secure training "
    "centre or secure children's home, or while detained under mental-health law?": NO,
}
CRITERIA_SERIOUS_INCIDENT = {
    "Is abuse or neglect known or suspected?": YES,
    "Has the child died (including suspected suicide)?": NO,
    "Has the child been seriously harmed?": YES,
    "Did it happen in the area?": YES,
    "Did it happen outside England while the child was normally resident in the area?": NO,
    "Was the child looked after?": NO,
}


def decision(why: str) -> dict[str, Answers]:
    return {"decision": {"Decision and rationale": why}}


def scoping(scale: str, method: str) -> Answers:
    return {"Scale of the review": scale, "Method": method}


LEAD = {
    "lead_reviewer": {
        "Name of the lead reviewer": "Lena Lead",
        "Organisations the lead reviewer belongs to or has worked for": "Independent Reviews Ltd",
    }
}


def practitioner(agency: str, role: str) -> Record:
    return Record(
        "practitioners", {"Agency": agency, "Role": role, "Date invited": date(2026, 11, 30)}
    )


APPOINT_LENA = Record(
    "lead-appointments",
    {
        "Name": "Lena Lead",
        "Organisations they belong to or have worked for": "Independent Reviews Ltd",
    },
)
MOTHER = Record(
    "family-members",
    {
        "Relationship to the child": "mother",
        "Date invited": date(2026, 11, 30),
        "How the review was explained to them and how they can take part": "A home visit "
        "with the lead reviewer; she may meet them or write.",
        "They contributed to the review": True,
    },
)


def contribution(agency: str, what: str, due: date, **more: Answer) -> Record:
    return Record(
        "contributions", {"Agency": agency, "What is asked for": what, "Due date": due, **more}
    )


def finding(what: str, why: str, kind: str, *sources: str) -> Record:
    answers: dict[str, Answer] = {
        "What happened": what,
        "Why it happened": why,
        "Good practice or a problem": kind,
    }
    if sources:
        answers["Contributions it draws on"] = sources
    return Record("findings", answers)


def action(finding_no: int, agency: str, change: str, due: date) -> Record:
    """An action answering a finding, chosen as the list offers it: "Finding 2 (a problem)"
    (the space keeps "Finding 1" from choosing "Finding 10")."""
    return Record(
        "actions",
        {
            "Which finding it answers": f"Finding {finding_no} ",
            "What will change": change,
            "Owner agency": agency,
            "Due date": due,
            "How success will be measured": "A multi-agency audit in six months.",
        },
        by="reviewer",
    )


def action_done(n: int, done_on: date, by: str = "reviewer") -> Record:
    return Record(
        "actions",
        {
            "Status": "Done",
            "Evidence that it was completed": "Signed by every agency; in the procedures.",
            "Evidence of its impact": "A re-audit shows referrals shared within a day.",
            "Date completed": done_on,
        },
        n=n,
        by=by,
    )


#: The publish step's fills for a serious case review (extend here when publishing asks more).
SCR_PUBLICATION: dict[str, Answers] = {
    "publication": {
        "Date the final report was sent to the national panel": date(2027, 1, 11),
        "The board's response to the report": "The board accepts every finding and the plan.",
        "The report has been checked: it names no child and publishing it would not harm a "
        "surviving child": True,
        "Web address where the report is published": "https://board.example/reports/child-d",
    },
}


#: From scoping to the action plan signed off: a lead appointed, practitioners of both agencies
#: and the mother invited, the police's report sent by the police, a problem and good practice
#: found, the problem answered by an action of the police.
REVIEW = (
    Step(
        "reviewer",
        "appoint_lead",
        {"scoping": scoping("A full review", "Learning together.")} | LEAD,
    ),
    Step("lead_reviewer", "start_involvement"),
    Step(
        "lead_reviewer",
        "begin_findings",
        records=(practitioner(POLICE, "Sergeant"), practitioner(HEALTH, "Health visitor"), MOTHER),
    ),
    Step(
        "lead_reviewer",
        "agree_findings",
        records=(
            contribution(POLICE, "An agency report", date(2026, 12, 4)),
            Record("contributions", n=1, upload="police-report.pdf", by="agency"),
            finding(
                "Referrals were not shared.", "No agreed route.", "A problem", "An agency report"
            ),
            finding("The school raised concerns at once.", "Clear training.", "Good practice"),
        ),
    ),
    Step(
        "chair",
        "sign_off_action_plan",
        records=(action(1, POLICE, "Agree a referral-sharing protocol.", date(2027, 3, 31)),),
    ),
)
PUBLICATION: Answers = {
    "Date the final report was sent to the national panel": date(2026, 11, 30),
    "The board's response to the report": "The board accepts every finding and the plan.",
    "The report has been checked: it names no child and publishing it would not harm a "
    "surviving child": True,
    "Web address where the report is published": "https://board.example/reports/child-l",
}
SIGNED_OFF: Answers = {
    "The local authority has signed off the final report": True,
    "The chief officer of police has signed off the final report": True,
    "The integrated care board has signed off the final report": True,
}
CDR_SUBMITTED = "The review has been submitted to the national child mortality database"
FACTS = "The facts of the case have been gathered"
NO_LCSPR = "No local child safeguarding practice review is recommended"
PANEL_AGREES = "The Panel agrees with the recommendation"
LCSPR_DECIDED = "Date of the decision on a local child safeguarding practice review"

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
}
