"""The demonstration board behind ``workflow demo``: agencies, a user for every role, and cases
of every shipped review type at every stage.

Cases are opened and moved through the service with the real triggers, by the people whose role
allows each step and with data and records that meet each guard, so every audit trail is a real
one. The reviews carry real records at every stage: the panel, contributions requested from the
agencies (some received, with a document the agency uploaded, one waived, one overdue), the
practitioners and family invited, findings with themes, and actions open, done and overdue,
updated by the agencies' own users. Notifiable incidents that decide on a review open it, linked
(and so does a rapid review that recommends a local practice review).

Running it again adds nothing twice: demo users carry an ``@demo.invalid`` address and demo cases
carry ``data.demo = true`` and a fixed title; a demo case left part-way (an interrupted run) is
moved on to its stage, and the records of a stage are made only where none of their kind exist.
Passwords are never written here: each run gives each demo user a new random one and replaces
the reviewer's API token.
"""

from __future__ import annotations

import secrets
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from pydantic import SecretStr
from sqlmodel import Session, col, select

from workflow.core.errors import AlreadyExists
from workflow.core.roles import Actor, Role
from workflow.services import accounts, documents, records
from workflow.services.cases import Service
from workflow.store.models.cases import Case
from workflow.store.models.records import Theme

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
POLICE_USER, HEALTH_USER, ADMIN_USER = USERS[3], USERS[4], USERS[5]
#: The agency user who reports for an agency, where the demo has one.
AGENCY_USERS = {POLICE: POLICE_USER, HEALTH: HEALTH_USER}
THEMES = (
    ("Information sharing", "Agencies did or did not share what they knew in time."),
    ("Neglect", "Recognising and responding to neglect."),
    ("Voice of the child", "Hearing and recording what the child said and felt."),
    ("Escalation", "Professional challenge and escalation of concerns."),
)

#: Records made before a step: (service, case id, today, the case's agencies).
Making = Callable[["Service", int, date, tuple[str, ...]], None]


@dataclass(frozen=True)
class Step:
    """One step of a demo case: a trigger, who takes it (by role), the data it records."""

    trigger: str
    role: str
    data: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    records: Making | None = None  # the records the step's guards read, made just before it


@dataclass(frozen=True)
class Plan:
    review_type: str
    title: str
    data: Mapping[str, Any]
    steps: tuple[Step, ...] = ()
    # Steps taken on the case its last step opens (a conversion), e.g. into scoping.
    linked_steps: tuple[Step, ...] = ()


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


# -- the records of each stage ----------------------------------------------------------------


def _version(service: Service, case_id: int) -> int:
    with Session(service.db) as s:
        case = s.get(Case, case_id)
        return case.version if case is not None else 0


def _have(service: Service, case_id: int, kind: str) -> list[dict[str, Any]]:
    return list(records.list_records(service, REVIEWER.actor, case_id, kind)["items"])


def _add(service: Service, who: DemoUser, case_id: int, kind: str, /, **fields: Any) -> Any:
    command = records.AddRecord.of(case_id, kind, fields, _version(service, case_id))
    return records.add_record(service, who.actor, command)


def _change(
    service: Service, who: DemoUser, case_id: int, kind: str, record_id: int, /, **fields: Any
) -> Any:
    command = records.ChangeRecord.of(case_id, kind, record_id, fields, _version(service, case_id))
    return records.change_record(service, who.actor, command)


def _reporter(agency: str) -> DemoUser:
    """The agency's own user where the demo has one, else the reviewer records it for them."""
    return AGENCY_USERS.get(agency, REVIEWER)


def request_contributions(
    service: Service, case_id: int, today: date, agencies: tuple[str, ...]
) -> None:
    """Scoping: the panel, and a chronology asked of each agency (the last one is already late,
    so the scheduler chases it until it comes)."""
    if not _have(service, case_id, "panel_members"):
        _add(
            service,
            REVIEWER,
            case_id,
            "panel_members",
            name="Ruth Adebayo",
            agency=SOCIAL_CARE,
            role_title="Head of safeguarding",
        )
        _add(
            service,
            REVIEWER,
            case_id,
            "panel_members",
            name="Dr Ian Marsh",
            agency=HEALTH,
            role_title="Designated doctor",
        )
    if not agencies or _have(service, case_id, "contributions"):
        return
    for i, agency in enumerate(agencies):
        late = i == len(agencies) - 1
        _add(
            service,
            REVIEWER,
            case_id,
            "contributions",
            agency=agency,
            kind="chronology",
            requested_on=_day(today, -30),
            due_date=_day(today, -2 if late else 14),
        )
    _add(
        service,
        REVIEWER,
        case_id,
        "contributions",
        agency=agencies[0],
        kind="agency_report",
        requested_on=_day(today, -30),
        due_date=_day(today, 21),
    )


def invite_people(service: Service, case_id: int, today: date, agencies: tuple[str, ...]) -> None:
    """Involvement: a practitioner of each agency invited, and the family invited (told how) or
    the reason recorded — by relationship, never by name."""
    if not _have(service, case_id, "practitioners"):
        roles = ("Social worker", "Health visitor", "Detective constable", "Head of year")
        for i, agency in enumerate(agencies):
            _add(
                service,
                REVIEWER,
                case_id,
                "practitioners",
                agency=agency,
                role_title=roles[i % len(roles)],
                invited_on=_day(today, -20),
                contributed=i % 2 == 0,
                learning_event_attended=i == 0,
            )
    if not _have(service, case_id, "family_members"):
        _add(
            service,
            REVIEWER,
            case_id,
            "family_members",
            relationship="mother",
            invited_on=_day(today, -18),
            contributed=True,
            how_explained="Letter from the chair, then a meeting with the lead reviewer.",
        )
        _add(
            service,
            REVIEWER,
            case_id,
            "family_members",
            relationship="sibling (aged 9)",
            not_involved_reason="Too young to take part; views gathered by the school nurse.",
        )


def _themes(service: Service) -> None:
    with Session(service.db) as s:
        known = {t.name for t in s.exec(select(Theme))}
    for name, description in THEMES:
        if name not in known:
            command = records.SaveTheme.of({"name": name, "description": description})
            records.save_theme(service, ADMIN_USER.actor, command)


def settle_and_find(service: Service, case_id: int, today: date, agencies: tuple[str, ...]) -> None:
    """Findings: each chronology in (the agency uploads it where it has a user of its own), the
    agency report waived with a reason, and two findings with their themes and sources."""
    for c in _have(service, case_id, "contributions"):
        if c["status"] != "requested":
            continue
        if c["kind"] == "agency_report":
            _change(
                service,
                REVIEWER,
                case_id,
                "contributions",
                c["id"],
                status="waived",
                waived_reason="The chronology covers everything the report would add.",
            )
            continue
        who = _reporter(c["agency"])
        if who is not REVIEWER:
            text = (
                f"Chronology from {c['agency']}\n2024-03-02 Referral received.\n"
                "2024-03-04 Strategy discussion held.\n"
            ).encode()
            upload = documents.UploadDocument(
                case_id=case_id,
                contribution_id=c["id"],
                filename="chronology.txt",
                declared_type="text/plain",
                content=text,
                expected_version=_version(service, case_id),
            )
            documents.upload(service, who.actor, upload)
        else:
            _change(
                service,
                REVIEWER,
                case_id,
                "contributions",
                c["id"],
                status="received",
                received_on=_day(today, -3),
            )
    if _have(service, case_id, "findings"):
        return
    _themes(service)
    sources = [c["id"] for c in _have(service, case_id, "contributions")][:2]
    for finding in _findings():
        _add(service, LEAD, case_id, "findings", sources=sources, **finding)


def plan_actions(service: Service, case_id: int, today: date, agencies: tuple[str, ...]) -> None:
    """Action plan: the problem finding answered by two actions, one already overdue (T8)."""
    if _have(service, case_id, "actions"):
        return
    problem = next(f for f in _have(service, case_id, "findings") if f["kind"] == "problem")
    _add(
        service,
        REVIEWER,
        case_id,
        "actions",
        finding=problem["number"],
        description="Strategy discussions always include health, by phone if need be.",
        owner_agency=SOCIAL_CARE,
        due_date=_day(today, 90),
        success_measure="Health present at 9 in 10 strategy discussions, audited quarterly.",
    )
    owner = next((a for a in agencies if a in AGENCY_USERS), agencies[-1])
    _add(
        service,
        REVIEWER,
        case_id,
        "actions",
        finding=problem["number"],
        description="Share the information held on adults in the household at referral.",
        owner_agency=owner,
        due_date=_day(today, -7),
        success_measure="Every referral audited shows the household checks done.",
    )
    mine = [a for a in _have(service, case_id, "actions") if a["owner_agency"] == owner]
    _change(service, _reporter(owner), case_id, "actions", mine[0]["id"], status="in_progress")


def complete_actions(
    service: Service, case_id: int, today: date, agencies: tuple[str, ...]
) -> None:
    """Monitoring done: each action completed with evidence, by its agency where it can."""
    for a in _have(service, case_id, "actions"):
        if a["status"] == "done":
            continue
        _change(
            service,
            _reporter(a["owner_agency"]),
            case_id,
            "actions",
            a["id"],
            status="done",
            completion_evidence="Procedure revised and briefed to every team.",
            impact_evidence="Audit of 20 cases three months on: 19 met the standard.",
        )


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
    # In the serious case review it opened: the decision carried over, then scoping.
    scr_opened = Step("decide_scr", "chair", note="Decided on the notifiable incident.")
    appoint_opened = Step(
        "appoint_lead",
        "reviewer",
        {
            "scoping": {"scale": "One year, two agencies", "method": "Systems review"},
            "lead_reviewer": _lead(),
        },
        records=request_contributions,
    )
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
        # The decision opens the review, linked, with the incident's agencies and dates.
        Plan(key, "Child E", data(4), (notify, scr), (scr_opened, appoint_opened)),
        Plan(key, "Child F", data(4), (notify, learning), (Step("commission", "chair"),)),
        Plan(key, "Child G", data(3), (notify, no_review)),
        Plan(key, "Child H", data(4), (notify, no_review, told)),
    ]


def _lead() -> dict[str, Any]:
    return {"name": LEAD.name, "organisations": [LEAD_ORGANISATION]}


def _findings() -> list[dict[str, Any]]:
    return [
        {
            "kind": "good_practice",
            "what_happened": "The school nurse shared her concerns with social care the same day.",
            "why": "A clear referral pathway that staff had been trained to use.",
            "themes": ["Information sharing", "Voice of the child"],
        },
        {
            "kind": "problem",
            "what_happened": "Police and health information was not brought to the strategy "
            "discussion.",
            "why": "The meeting was arranged at short notice without the health partner.",
            "themes": ["Information sharing", "Escalation"],
        },
    ]


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
        records=request_contributions,
    )
    involve = Step("start_involvement", "lead_reviewer")
    findings = Step("begin_findings", "lead_reviewer", records=invite_people)
    agree = Step("agree_findings", "lead_reviewer", records=settle_and_find)
    sign_off = Step("sign_off_action_plan", "chair", records=plan_actions)

    def monitored(sent_days_ago: int) -> Step:
        return Step(
            "complete_monitoring",
            "chair",
            {"report_sent_at": _day(today, -sent_days_ago)},
            "Final report sent to the national panel and Ofsted.",
            records=complete_actions,
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
        records=request_contributions,
    )
    involve = Step("start_involvement", "lead_reviewer")
    findings = Step("begin_findings", "lead_reviewer", records=invite_people)
    agree = Step("agree_findings", "lead_reviewer", records=settle_and_find)
    sign_off = Step("sign_off_action_plan", "chair", records=plan_actions)
    close = Step("close", "chair", records=complete_actions)
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
        records=request_contributions,
    )
    involve = Step("start_involvement", "lead_reviewer")
    findings = Step("begin_findings", "lead_reviewer", records=invite_people)
    agree = Step("agree_findings", "lead_reviewer", records=settle_and_find)
    sign_off = Step("sign_off_action_plan", "chair", records=plan_actions)
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
    close = Step("close", "chair", records=complete_actions)
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
    lines = tuple(line for plan in plans(today) for line in _load_case(service, plan, today))
    return Result(users, REVIEWER.name, token, lines)


def expected_cases(service: Service, today: date) -> int:
    """How many cases the board holds: one per plan, and one more for each step that opens a
    linked case (a conversion)."""
    total = 0
    for plan in plans(today):
        d = service.definition(plan.review_type)
        state, opened = d.initial, 0
        for step in plan.steps:
            t = d.find(step.trigger, state)
            if t is None:
                break
            opened += t.opens is not None
            state = t.dest
        total += 1 + opened
    return total


def _load_users(service: Service) -> tuple[tuple[tuple[str, str, str], ...], str]:
    """Create or refresh the demo users with new passwords and a new reviewer token, or change
    nothing when a name is taken by an account that is not a demo one."""
    now = service.now()
    out = []
    with service.store.write() as u:
        existing = accounts.accounts_named(u, [user.name for user in USERS])
        taken = [n for n, user in existing.items() if not user.email.endswith(f"@{DEMO_DOMAIN}")]
        if taken:
            raise AlreadyExists(
                "The demo was not loaded: its user names are taken by real accounts, whose "
                "passwords it will not change. Load the demo into a database of its own.",
                [f"A user named '{n}' exists already." for n in sorted(taken)],
            )
        for demo_user in USERS:
            password = secrets.token_urlsafe(12)
            new = accounts.NewUser(
                name=demo_user.name,
                role=demo_user.role,
                agencies=demo_user.agencies,
                email=demo_user.email,
                password=SecretStr(password),
            )
            row = existing.get(demo_user.name)
            if row is None:
                accounts.add_user(u, new, now)
            else:
                accounts.reset_user(u, row, new)
            out.append((demo_user.name, demo_user.role, password))
        # Each run replaces the reviewer's token, as it replaces every password.
        token = accounts.issue_token(u, REVIEWER.name, now, replacing=True)
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


def _load_case(service: Service, plan: Plan, today: date) -> list[CaseLine]:
    line = _drive(service, plan, today)
    out = [line]
    for linked in _opened_by(service, line.reference):
        data = dict(linked.data)
        new = data.get("demo") is not True
        if new:
            # Opened by the conversion with the incident's own data; marked as the demo's.
            service.update_data(
                REVIEWER.actor, linked.id or 0, {"demo": True}, linked.version, "Demo board."
            )
        follow = Plan(linked.review_type, linked.title, data | {"demo": True}, plan.linked_steps)
        out.append(replace(_drive(service, follow, today, linked), new=new))
    return out


def _agencies(service: Service, case_id: int) -> tuple[str, ...]:
    """The agencies the case names (a step may have named them; a case left part-way by an
    interrupted run may name fewer than its plan)."""
    with Session(service.db) as s:
        case = s.get(Case, case_id)
        return tuple(case.data.get("agencies") or ()) if case is not None else ()


def _opened_by(service: Service, reference: str) -> list[Case]:
    with Session(service.db) as s:
        source = s.exec(select(Case).where(Case.reference == reference)).first()
        if source is None:
            return []
        return list(
            s.exec(select(Case).where(col(Case.linked_case_id) == source.id).order_by(col(Case.id)))
        )


def _drive(service: Service, plan: Plan, today: date, found: Case | None = None) -> CaseLine:
    opener = REVIEWER.actor
    if found is None:
        found = _find(service, plan)
    else:
        with Session(service.db) as s:
            found = s.get(Case, found.id)
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
            if step.records is not None:
                step.records(service, case["id"], today, _agencies(service, case["id"]))
                case["version"] = _version(service, case["id"])
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
