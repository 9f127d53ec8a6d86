"""The records of each stage of a demo review, made just before the step whose guards read
them, by the people who would make them: the panel and the contributions asked of each agency
(scoping), the practitioners and family invited (involvement), the contributions settled and
the findings with their themes (findings), the actions planned (action plan) and completed
(monitoring). Each function makes its records only where none of their kind exist yet, so a
run left part-way is finished, not doubled.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.services import documents, records
from workflow.services.cases import Service
from workflow.services.demo.people import (
    ADMIN_USER,
    AGENCY_USERS,
    HEALTH,
    LEAD,
    REVIEWER,
    SOCIAL_CARE,
    DemoUser,
    reporter,
)
from workflow.services.demo.steps import day

THEMES = (
    ("Information sharing", "Agencies did or did not share what they knew in time."),
    ("Neglect", "Recognising and responding to neglect."),
    ("Voice of the child", "Hearing and recording what the child said and felt."),
    ("Escalation", "Professional challenge and escalation of concerns."),
)


def _version(service: Service, case_id: int) -> int:
    with service.store.read() as u:
        case = u.demo.case(case_id)
        return case.version if case is not None else 0


def _have(service: Service, case_id: int, kind: str) -> list[dict[str, Any]]:
    return [
        r.model_dump() for r in records.list_records(service, REVIEWER.actor, case_id, kind).items
    ]


def _add(service: Service, who: DemoUser, case_id: int, kind: str, /, **fields: Any) -> Any:
    command = records.AddRecord.of(case_id, kind, fields, _version(service, case_id))
    return records.add_record(service, who.actor, command)


def _change(
    service: Service, who: DemoUser, case_id: int, kind: str, record_id: int, /, **fields: Any
) -> Any:
    command = records.ChangeRecord.of(case_id, kind, record_id, fields, _version(service, case_id))
    return records.change_record(service, who.actor, command)


def _themes(service: Service) -> None:
    with service.store.read() as u:
        known = u.demo.theme_names()
    for name, description in THEMES:
        if name not in known:
            command = records.SaveTheme.of({"name": name, "description": description})
            records.save_theme(service, ADMIN_USER.actor, command)


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
            requested_on=day(today, -30),
            due_date=day(today, -2 if late else 14),
        )
    _add(
        service,
        REVIEWER,
        case_id,
        "contributions",
        agency=agencies[0],
        kind="agency_report",
        requested_on=day(today, -30),
        due_date=day(today, 21),
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
                invited_on=day(today, -20),
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
            invited_on=day(today, -18),
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
        who = reporter(c["agency"])
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
                received_on=day(today, -3),
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
        due_date=day(today, 90),
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
        due_date=day(today, -7),
        success_measure="Every referral audited shows the household checks done.",
    )
    mine = [a for a in _have(service, case_id, "actions") if a["owner_agency"] == owner]
    _change(service, reporter(owner), case_id, "actions", mine[0]["id"], status="in_progress")


def complete_actions(
    service: Service, case_id: int, today: date, agencies: tuple[str, ...]
) -> None:
    """Monitoring done: each action completed with evidence, by its agency where it can."""
    for a in _have(service, case_id, "actions"):
        if a["status"] == "done":
            continue
        _change(
            service,
            reporter(a["owner_agency"]),
            case_id,
            "actions",
            a["id"],
            status="done",
            completion_evidence="Procedure revised and briefed to every team.",
            impact_evidence="Audit of 20 cases three months on: 19 met the standard.",
        )


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
