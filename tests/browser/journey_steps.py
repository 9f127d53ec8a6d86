"""What the browser journeys (``journeys.JOURNEYS``) are made of: one ``Journey`` a shipped
review type, each ``Step`` a step taken by the role that takes it, after recording on the data
forms (``fills``) and the records' pages (``records``) what it needs, on the day ``at`` says;
and the answers and records several journeys share.

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


#: The injected clock's first day (``tests.conftest.PUBLISHED_AT``): no date recorded is later.
TODAY = date(2026, 11, 30)
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


#: The serious case review's final report: the lead uploads it on its page, the chair signs
#: it off there for the board (``_final_report`` in the test drives that page).
FINAL_REPORT = "final-report"
REPORT_UPLOADED = Record(FINAL_REPORT, upload="child-d-final-report.pdf", by="lead_reviewer")
REPORT_SIGNED_OFF = Record(
    FINAL_REPORT, {"Where the board agreed it (optional)": "Board, 18 January 2027"}, by="chair"
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
