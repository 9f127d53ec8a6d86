"""The demonstration board behind ``workflow demo``: agencies, a user for every role, and cases
of every shipped review type at every stage.

Cases are opened and moved through the service with the real triggers, by the people whose role
allows each step and with data that meets each guard, so every audit trail is a real one. Running
it again adds nothing twice: demo users carry an ``@demo.invalid`` address and demo cases carry
``data.demo = true`` and a fixed title; a demo case left part-way (an interrupted run) is moved
on to its stage. Passwords are never written here: each run gives each demo user a new random
one and replaces the reviewer's API token.
"""

from __future__ import annotations

import secrets
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, delete, select
from werkzeug.security import generate_password_hash

from workflow import accounts
from workflow.engine import Actor
from workflow.errors import AlreadyExists
from workflow.models import ApiToken, Case, User
from workflow.roles import Role
from workflow.service import Service
from workflow.store import unit_of_work

POLICE = "Northshire Police"
SOCIAL_CARE = "Northshire Children's Social Care"
HEALTH = "Northshire NHS Trust"
SCHOOL = "Harbour Academy"
AGENCIES = (POLICE, SOCIAL_CARE, HEALTH, SCHOOL)
LEAD_ORGANISATION = "Independent Reviews Ltd"
DEMO_DOMAIN = "demo.invalid"  # reserved: never a real mailbox, and marks a demo account
SIGN_IN_URL = "http://127.0.0.1:5000/"


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: str
    agencies: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        return ".".join(self.name.lower().replace("dr ", "").split()) + f"@{DEMO_DOMAIN}"

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role, self.agencies)


REVIEWER = DemoUser("Sam Patel", Role.REVIEWER.value)
CHAIR = DemoUser("Margaret Ellis", Role.CHAIR.value)
LEAD = DemoUser("Dr Jo Okafor", Role.LEAD_REVIEWER.value)
USERS = (
    REVIEWER,
    CHAIR,
    LEAD,
    DemoUser("Alex Morgan", Role.AGENCY.value, (POLICE,)),
    DemoUser("Priya Shah", Role.AGENCY.value, (HEALTH,)),
    DemoUser("Robin Clarke", Role.ADMIN.value),
)
BY_ROLE = {u.role: u for u in (REVIEWER, CHAIR, LEAD)}


@dataclass(frozen=True)
class Step:
    """One step of a demo case: a trigger, who takes it (by role), the data it records."""

    trigger: str
    role: str
    data: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Plan:
    review_type: str
    title: str
    data: Mapping[str, Any]
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class CaseLine:
    review_type: str
    title: str
    reference: str
    state: str
    new: bool


@dataclass(frozen=True)
class Result:
    users: tuple[tuple[str, str, str], ...]  # name, role, password
    token_user: str
    token: str
    cases: tuple[CaseLine, ...]

    @property
    def new_cases(self) -> int:
        return sum(1 for c in self.cases if c.new)


# -- the plans ------------------------------------------------------------------------------


def plans(today: date) -> list[Plan]:
    """Every demo case: one per stage of every shipped review type (dates relative to today)."""
    return [
        *_notifiable(today),
        *_serious(today),
        *_child_death(today),
        *_learning(today),
        *_rapid(today),
        *_local_practice(today),
    ]


def _day(today: date, days: int) -> str:
    return (today + timedelta(days=days)).isoformat()


def _criteria(
    *, died: bool = False, harmed: bool = True, abuse: bool = True, concern: bool | None = None
) -> dict[str, bool]:
    answers = {
        "abuse_or_neglect": abuse,
        "child_died": died,
        "seriously_harmed": harmed,
        "looked_after_child": False,
        "regulated_setting": False,
    }
    if concern is not None:
        answers.update(concern_about_working_together=concern, died_in_custody=False)
    return answers


def _notifiable(today: date) -> list[Plan]:
    key = "notifiable_incident"

    def data(aware_days_ago: int) -> dict[str, Any]:
        return {
            "demo": True,
            "aware_at": _day(today, -aware_days_ago),
            "agencies": [POLICE, SOCIAL_CARE],
            "summary": "Admitted to hospital with injuries not consistent with the account given.",
        }

    notify = Step(
        "notify",
        "reviewer",
        {"criteria": _criteria()},
        "Notified to Ofsted and the board by secure e-mail.",
    )
    rationale = "Chair's decision recorded after reading the rapid information from agencies."
    scr = Step(
        "decide_scr",
        "chair",
        {"criteria": _criteria(concern=True), "decision_rationale": rationale},
    )
    learning = Step(
        "decide_learning_review",
        "chair",
        {"criteria": _criteria(concern=False), "decision_rationale": rationale},
    )
    no_review = Step(
        "decide_no_review",
        "chair",
        {"criteria": _criteria(concern=False), "decision_rationale": rationale},
    )
    told = Step("tell_national_panel", "reviewer", {}, "Reasons sent to the national panel.")
    not_notifiable = Step(
        "not_notifiable",
        "reviewer",
        {
            "criteria": _criteria(harmed=False, abuse=False),
            "decision_rationale": "Accidental injury; no abuse or neglect known or suspected.",
        },
    )
    return [
        Plan(key, "Child A", data(1)),
        Plan(key, "Child B", data(15)),  # in referral past its 5 working days: overdue
        Plan(key, "Child C", data(3), (notify,)),
        Plan(key, "Child D", data(2), (not_notifiable,)),
        Plan(key, "Child E", data(4), (notify, scr)),
        Plan(key, "Child F", data(4), (notify, learning)),
        Plan(key, "Child G", data(3), (notify, no_review)),
        Plan(key, "Child H", data(4), (notify, no_review, told)),
    ]


def _lead() -> dict[str, Any]:
    return {"name": LEAD.name, "organisations": [LEAD_ORGANISATION]}


def _findings() -> list[dict[str, str]]:
    return [
        {
            "kind": "good_practice",
            "what_happened": "The school nurse shared her concerns with social care the same day.",
            "why": "A clear referral pathway that staff had been trained to use.",
        },
        {
            "kind": "problem",
            "what_happened": "Police and health information was not brought to the strategy "
            "discussion.",
            "why": "The meeting was arranged at short notice without the health partner.",
        },
    ]


def _actions(today: date, done: bool) -> list[dict[str, Any]]:
    action: dict[str, Any] = {
        "finding": 2,
        "description": "Strategy discussions always include health, by phone if need be.",
        "owner_agency": SOCIAL_CARE,
        "due_date": _day(today, 90),
        "status": "done" if done else "open",
    }
    if done:
        action.update(
            completion_evidence="Revised strategy discussion procedure issued.",
            impact_evidence="Audit of 20 strategy discussions: health present in 19.",
        )
    return [action]


def _serious(today: date) -> list[Plan]:
    key = "serious_case_review"
    data = {"demo": True, "agencies": [POLICE, SOCIAL_CARE, HEALTH]}
    decide = Step(
        "decide_scr",
        "chair",
        {
            "criteria": _criteria(concern=True),
            "decision_rationale": "Regulation 5 criteria met: serious harm, abuse suspected, and "
            "concern about how agencies worked together.",
        },
    )
    decline = Step(
        "decline",
        "chair",
        {
            "criteria": _criteria(concern=False),
            "decision_rationale": "Criteria not met; single-agency learning taken forward instead.",
        },
    )
    appoint = Step(
        "appoint_lead",
        "chair",
        {
            "scoping": {
                "scale": "Two years before the incident; three agencies",
                "method": "Systems approach with practitioner learning events",
            },
            "lead_reviewer": _lead(),
        },
    )
    involve = Step("start_involvement", "lead_reviewer")
    findings = Step(
        "begin_findings",
        "lead_reviewer",
        {
            "involvement": {
                "practitioners_invited": True,
                "family_invited": True,
                "family_how": "Letter from the chair, then a meeting with the lead reviewer.",
            }
        },
    )
    agree = Step("agree_findings", "lead_reviewer", {"findings": _findings()})
    sign_off = Step("sign_off_action_plan", "chair", {"actions": _actions(today, done=False)})

    def monitored(sent_days_ago: int) -> Step:
        return Step(
            "complete_monitoring",
            "chair",
            {
                "actions": _actions(today, done=True),
                "report_sent_at": _day(today, -sent_days_ago),
            },
            "Final report sent to the national panel and Ofsted.",
        )

    def publish(title: str, days_ago: int) -> Step:
        slug = title.lower().replace(" ", "-")
        return Step(
            "publish",
            "chair",
            {
                "board_response": "The board accepts every recommendation.",
                "harm_check_confirmed": True,
                "publication_url": f"https://northshire-safeguarding.example/reviews/{slug}",
                "published_at": _day(today, -days_ago),
            },
        )

    not_published = Step(
        "decide_not_to_publish",
        "chair",
        {
            "not_published_reasons": "Publication would put the surviving siblings at risk.",
            "panel_told_at": _day(today, -1),
        },
    )
    delay = Step("delay_publication", "chair", {"delay_reason": "Criminal trial not yet held."})
    # Withdrawn only after twelve months on the website: that report went out long ago.
    withdraw = Step("withdraw", "chair", note="Twelve months on the website have passed.")
    start = (decide, appoint, involve, findings, agree, sign_off)
    line = (*start, monitored(14))
    return [
        Plan(key, "Sibling group A", data),
        Plan(key, "Sibling group B", data, (decline,)),
        *[
            Plan(key, f"Sibling group {letter}", data, line[:n])
            for letter, n in zip("CDEFGHI", range(1, 8), strict=True)
        ],
        Plan(key, "Sibling group J", data, (*line, delay)),
        Plan(key, "Sibling group K", data, (*line, publish("Sibling group K", 0))),
        Plan(key, "Sibling group L", data, (*line, not_published)),
        Plan(
            key,
            "Sibling group M",
            data,
            (*start, monitored(420), publish("Sibling group M", 400), withdraw),
        ),
    ]


def _child_death(today: date) -> list[Plan]:
    key = "child_death_review"
    data = {"demo": True, "date_of_death": _day(today, -10), "agencies": [HEALTH, POLICE]}
    notify = Step(
        "notify",
        "reviewer",
        {
            "age_at_death": 1,
            "stillbirth": False,
            "planned_termination": False,
        },
    )
    out = Step(
        "out_of_scope",
        "reviewer",
        {
            "stillbirth": True,
            "decision_rationale": "A stillbirth: outside the child death review.",
        },
    )
    gather = Step("gather_information", "reviewer", {"expected_death": False})
    meeting = Step("hold_review_meeting", "reviewer", {"information_complete": True})
    panel = Step("refer_to_panel", "reviewer")
    close = Step(
        "close",
        "chair",
        {
            "panel_outcome": "Death reviewed; learning shared on safe sleeping.",
            "modifiable_factors": "Yes: unsafe sleeping arrangement.",
            "national_database_submitted": True,
        },
    )
    line = (notify, gather, meeting, panel, close)
    return [
        Plan(key, "Young person A", data),
        Plan(key, "Young person B", data, (out,)),
        *[
            Plan(key, f"Young person {letter}", data, line[:n])
            for letter, n in zip("CDEFG", range(1, 6), strict=True)
        ],
    ]


def _learning(today: date) -> list[Plan]:
    key = "learning_review"
    data = {"demo": True, "agencies": [SOCIAL_CARE, SCHOOL]}
    commission = Step(
        "commission",
        "chair",
        {
            "decision_rationale": "Below the SCR threshold; useful learning on neglect and school "
            "attendance.",
        },
    )
    decline = Step(
        "decline",
        "chair",
        {
            "decision_rationale": "The learning is already covered by a recent thematic review.",
        },
    )
    appoint = Step(
        "appoint_lead",
        "reviewer",
        {
            "scoping": {
                "scale": "Proportionate: one year, two agencies",
                "method": "Practitioner workshop and case file audit",
            },
            "lead_reviewer": _lead(),
        },
    )
    involve = Step("start_involvement", "lead_reviewer")
    findings = Step(
        "begin_findings",
        "lead_reviewer",
        {
            "involvement": {
                "practitioners_invited": True,
                "family_not_involved_reason": "The family declined, in writing, to take part.",
            }
        },
    )
    agree = Step("agree_findings", "lead_reviewer", {"findings": _findings()})
    sign_off = Step("sign_off_action_plan", "chair", {"actions": _actions(today, done=False)})
    close = Step("close", "chair", {"actions": _actions(today, done=True)})
    line = (commission, appoint, involve, findings, agree, sign_off, close)
    return [
        Plan(key, "Family A", data),
        Plan(key, "Family B", data, (decline,)),
        *[
            Plan(key, f"Family {letter}", data, line[:n])
            for letter, n in zip("CDEFGHI", range(1, 8), strict=True)
        ],
    ]


def _rapid(today: date) -> list[Plan]:
    key = "rapid_review"
    data = {"demo": True, "notification_sent_at": _day(today, -6)}
    gather = Step("gather", "reviewer", {"agencies": [POLICE, SOCIAL_CARE, HEALTH]})
    meet = Step("hold_meeting", "reviewer", {"facts_gathered": True})
    sent = {
        "decision_rationale": "The partners agreed at the rapid review meeting.",
        "immediate_learning": "Information about the father was not shared with health.",
    }
    return [
        Plan(key, "Infant A", data),
        Plan(key, "Infant B", data, (gather,)),
        Plan(key, "Infant C", data, (gather, meet)),
        Plan(key, "Infant D", data, (gather, meet, Step("recommend_lcspr", "chair", sent))),
        Plan(key, "Infant E", data, (gather, meet, Step("no_lcspr", "chair", sent))),
    ]


def _local_practice(today: date) -> list[Plan]:
    key = "local_practice_review"
    data = {"demo": True, "agencies": [POLICE, HEALTH]}
    commission = Step(
        "commission",
        "chair",
        {"decision_rationale": "The rapid review recommended a local practice review."},
    )
    decline = Step(
        "decline",
        "chair",
        {"decision_rationale": "The national panel is reviewing the case itself."},
    )
    appoint = Step(
        "appoint_lead",
        "reviewer",
        {
            "scoping": {"scale": "Two years, two agencies", "method": "Systems review"},
            "lead_reviewer": _lead(),
        },
    )
    involve = Step("start_involvement", "lead_reviewer")
    findings = Step(
        "begin_findings",
        "lead_reviewer",
        {
            "involvement": {
                "practitioners_invited": True,
                "family_invited": True,
                "family_how": "A letter, then a meeting with the lead reviewer at home.",
            }
        },
    )
    agree = Step("agree_findings", "lead_reviewer", {"findings": _findings()})
    sign_off = Step("sign_off_action_plan", "chair", {"actions": _actions(today, done=False)})
    publish = Step(
        "publish",
        "chair",
        {
            "report_sent_at": _day(today, -10),
            "board_response": "The partners accept every finding; progress is reported quarterly.",
            "harm_check_confirmed": True,
            "publication_url": "https://partnership.example/lcspr-infant",
        },
    )
    not_published = Step(
        "decide_not_to_publish",
        "chair",
        {
            "not_published_reasons": "Publication would identify a surviving sibling.",
            "panel_told_at": _day(today, -1),
        },
    )
    close = Step("close", "chair", {"actions": _actions(today, done=True)})
    line = (commission, appoint, involve, findings, agree, sign_off, publish, close)
    return [
        Plan(key, "Young child A", data),
        Plan(key, "Young child B", data, (decline,)),
        *[
            Plan(key, f"Young child {letter}", data, line[:n])
            for letter, n in zip("CDEFGHIJ", range(1, 9), strict=True)
        ],
        Plan(key, "Young child K", data, (*line[:6], not_published)),
    ]


# -- loading --------------------------------------------------------------------------------


def load(service: Service) -> Result:
    """Load the board into an initialised database (schema upgraded, review types published)."""
    users, token = _load_users(service)
    today = service.calendar.local_date(service.now())
    lines = tuple(_load_case(service, plan) for plan in plans(today))
    return Result(users, REVIEWER.name, token, lines)


def _load_users(service: Service) -> tuple[tuple[tuple[str, str, str], ...], str]:
    """Create or refresh the demo users with new passwords and a new reviewer token, or change
    nothing when a name is taken by an account that is not a demo one."""
    now = service.now()
    out = []
    with unit_of_work(service.db) as s:
        existing = {
            u.name: u
            for u in s.exec(select(User).where(col(User.name).in_([u.name for u in USERS])))
        }
        taken = [n for n, u in existing.items() if not u.email.endswith(f"@{DEMO_DOMAIN}")]
        if taken:
            raise AlreadyExists(
                "The demo was not loaded: its user names are taken by real accounts, whose "
                "passwords it will not change. Load the demo into a database of its own.",
                [f"A user named '{n}' exists already." for n in sorted(taken)],
            )
        for demo_user in USERS:
            password = secrets.token_urlsafe(12)
            user = existing.get(demo_user.name)
            if user is None:
                accounts.create_user(
                    s,
                    demo_user.name,
                    demo_user.role,
                    demo_user.agencies,
                    password,
                    now,
                    demo_user.email,
                )
            else:
                user.password_hash = generate_password_hash(password)
                user.role = demo_user.role
                user.agencies = list(demo_user.agencies)
                user.active = True
                s.add(user)
            out.append((demo_user.name, demo_user.role, password))
        s.flush()
        reviewer = accounts.user_named(s, REVIEWER.name)
        # Each run replaces the reviewer's token, as it replaces every password.
        s.exec(delete(ApiToken).where(col(ApiToken.user_id) == reviewer.id))
        token = accounts.create_token(s, REVIEWER.name, now)
    return tuple(out), token


def _find(service: Service, plan: Plan) -> Case | None:
    with Session(service.db) as s:
        rows = s.exec(
            select(Case)
            .where(
                Case.review_type == plan.review_type,
                Case.title == plan.title,
            )
            .order_by(col(Case.id))
        )
        return next((c for c in rows if c.data.get("demo") is True), None)


def _load_case(service: Service, plan: Plan) -> CaseLine:
    opener = REVIEWER.actor
    found = _find(service, plan)
    case: dict[str, Any]
    if found is None:
        case = service.open_case(opener, plan.review_type, plan.title, dict(plan.data))
        new = True
    else:
        # Read from the row, not through get_case: nobody looked at the case, so no access is
        # logged.
        case = {
            "id": found.id,
            "reference": found.reference,
            "definition_version": found.definition_version,
            "state": found.state,
            "version": found.version,
        }
        new = False
    d = service.definition(plan.review_type, case["definition_version"])
    states = [d.initial]
    for step in plan.steps:
        t = d.find(step.trigger, states[-1])
        states.append(t.dest if t else "")
    if case["state"] in states:
        for step in plan.steps[states.index(case["state"]) :]:
            case = service.transition(
                BY_ROLE[step.role].actor,
                case["id"],
                step.trigger,
                case["version"],
                step.note,
                dict(step.data),
            )
    return CaseLine(plan.review_type, plan.title, case["reference"], case["state"], new)


# -- the report -----------------------------------------------------------------------------


def describe(result: Result, config: str | None = None) -> list[str]:
    """What ``workflow demo`` prints: who can sign in, with what, and what is on the board."""
    total = len(result.cases)
    lines = [
        f"Demo board ready: {total} cases ({result.new_cases} new), {len(result.users)} users, "
        f"agencies: {', '.join(AGENCIES)}.",
        "",
    ]
    by_type: dict[str, list[str]] = {}
    for c in result.cases:
        by_type.setdefault(c.review_type, []).append(f"{c.title} ({c.state})")
    for key, items in by_type.items():
        lines.append(f"{key}: {'; '.join(items)}")
    width = max(len(n) for n, _, _ in result.users)
    lines += [
        "",
        f"{'name':<{width}}  {'role':<13}  password",
        f"{'-' * width}  {'-' * 13}  --------",
    ]
    lines += [f"{n:<{width}}  {r:<13}  {p}" for n, r, p in result.users]
    serve = "workflow serve" if not config else f"workflow --config {shlex.quote(config)} serve"
    lines += [
        "",
        f"Sign in: run '{serve}', open {SIGN_IN_URL} and use a name and password above.",
        "These passwords are new on every run of 'workflow demo'; earlier ones no longer work.",
        f"API token for {result.token_user} (reviewer):",
        result.token,
        f'  curl -H "Authorization: Bearer <token>" {SIGN_IN_URL}api/v1/cases',
    ]
    return lines


__all__ = ["AGENCIES", "USERS", "Result", "describe", "load", "plans"]
