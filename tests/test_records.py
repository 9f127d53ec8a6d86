"""The review's records through the use cases: a change to a record is a change to its case,
independence is kept on every change, agency users see and update only their own agency's
contributions and actions, record deadlines escalate through the sweep under a controlled clock,
conversions carry a notifiable incident's data into the review it opens, and documents are
checked, hashed and served only to those who may have them."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from tests import records_support as rs
from tests.conftest import Clock
from workflow.core.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransitionBlocked,
    VersionConflict,
)
from workflow.core.roles import SYSTEM_ACTOR, Actor
from workflow.services import documents, records
from workflow.services.accounts import NewUser, add_user
from workflow.services.cases import Service
from workflow.services.time.escalations import list_escalations
from workflow.services.time.sweep import sweep
from workflow.store.models.cases import AccessLog, Event
from workflow.store.models.time import Deadline, Escalation, Notice

AGENCIES = ["Police", "Health"]
SCR_MET = {
    "criteria": {
        "abuse_or_neglect": True,
        "child_died": True,
        "seriously_harmed": False,
        "concern_about_working_together": True,
        "died_in_custody": False,
    },
    "decision_rationale": "Regulation 5 criteria met.",
}
SCOPING = {"scoping": {"scale": "full", "method": "systems"}}
HEALTH = Actor("hal", "agency", ("Health",))


@pytest.fixture
def scr(service: Service, reviewer: Actor, chair: Actor) -> dict[str, Any]:
    """A serious case review in scoping, the agencies involved recorded."""
    case = service.open_case(reviewer, "serious_case_review", "Child A", {"agencies": AGENCIES})
    return service.transition(chair, case.id, "decide_scr", case.version, data=SCR_MET)


def events_of(service: Service, case_id: int, *kinds: str) -> list[dict[str, Any]]:
    return [e for e in service.events(SYSTEM_ACTOR, case_id) if e.kind in kinds]


# -- a change to a record is a change to its case -------------------------------------------------


def test_adding_a_record_bumps_the_case_and_audits_it_without_its_values(
    service: Service, reviewer: Actor, scr: dict[str, Any]
) -> None:
    added = records.add_record(
        service,
        reviewer,
        records.AddRecord.of(
            scr.id,
            "family_members",
            {
                "relationship": "mother",
                "how_explained": "Letter about her son Tom",
                "invited_on": None,
            },
            scr.version,
        ),
    )
    assert added.case_version == scr.version + 1
    assert added.relationship == "mother" and added.number == 1
    (event,) = events_of(service, scr.id, "record_added")
    assert event.detail == {
        "record": "family member",
        "id": added.id,
        "label": "Family member " + str(added.id),
        "fields": ["how_explained", "invited_on", "relationship"],
    }
    assert "Tom" not in json.dumps(
        [e.model_dump(mode="json") for e in service.events(SYSTEM_ACTOR, scr.id)]
    )
    changed = records.change_record(
        service,
        reviewer,
        records.ChangeRecord.of(
            scr.id,
            "family_members",
            added.id,
            {"invited_on": "2026-11-20"},
            added.case_version,
        ),
    )
    assert changed.case_version == added.case_version + 1
    (event,) = events_of(service, scr.id, "record_changed")
    assert event.detail["fields"] == ["invited_on"]
    removed = records.remove_record(
        service,
        reviewer,
        records.RemoveRecord.of(scr.id, "family_members", added.id, changed.case_version),
    )
    assert removed.model_dump() == {
        "removed": added.id,
        "case_version": changed.case_version + 1,
    }
    assert rs.listed(service, reviewer, scr.id, "family_members") == []


def test_a_stale_version_is_refused_and_changes_nothing(
    service: Service, reviewer: Actor, scr: dict[str, Any]
) -> None:
    rs.add(service, reviewer, scr.id, "panel_members", name="Ruth", agency="Health")
    with pytest.raises(VersionConflict):
        records.add_record(
            service,
            reviewer,
            records.AddRecord.of(
                scr.id, "panel_members", {"name": "Ian", "agency": "Police"}, scr.version
            ),
        )
    assert [p["name"] for p in rs.listed(service, reviewer, scr.id, "panel_members")] == ["Ruth"]
    with pytest.raises(InvalidInput, match="expected_version"):
        records.AddRecord.of(scr.id, "panel_members", {"name": "x"}, None)


def test_bad_fields_are_reported_at_once(
    service: Service, reviewer: Actor, scr: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        rs.add(
            service,
            reviewer,
            scr.id,
            "contributions",
            agency=" ",
            kind="letter",
            due_date="soon",
            colour="red",
        )
    assert caught.value.details == [
        "colour: not a field of a contribution; its fields are: agency, kind, requested_on, "
        "due_date, status, received_on, waived_reason",
        "agency: must not be empty",
        "kind: must be one of chronology, agency_report, other; got 'letter'",
        "due_date: must be a date like 2026-11-30; got 'soon'",
    ]
    with pytest.raises(InvalidInput) as caught:
        rs.add(
            service,
            reviewer,
            scr.id,
            "contributions",
            agency="Police",
            kind="chronology",
            requested_on="2026-11-20",
            due_date="2026-11-10",
            status="waived",
        )
    assert caught.value.details == [
        "due_date: cannot be before requested_on",
        "waived_reason: record why the contribution is waived",
    ]
    with pytest.raises(InvalidInput, match="in the future"):
        rs.add(
            service,
            reviewer,
            scr.id,
            "practitioners",
            agency="Police",
            role_title="PC",
            invited_on="2026-12-01",
        )
    assert events_of(service, scr.id, "record_added") == []


def test_records_of_a_closed_case_no_longer_change(
    service: Service, reviewer: Actor, chair: Actor
) -> None:
    case = service.open_case(reviewer, "serious_case_review", "Child B", {})
    declined = service.transition(
        chair,
        case.id,
        "decline",
        case.version,
        data={
            **SCR_MET,
            "criteria": {
                **SCR_MET["criteria"],
                "child_died": False,
                "concern_about_working_together": False,
            },
        },
    )
    assert declined.final is False  # the national panel is still to be told
    told = service.transition(reviewer, case.id, "tell_national_panel", declined.version)
    assert told.final is True
    with pytest.raises(InvalidInput, match="closed"):
        rs.add(service, reviewer, case.id, "panel_members", name="Ruth", agency="Health")


def test_record_keys_in_data_are_refused_with_where_to_record_them(
    service: Service, reviewer: Actor, scr: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.update_data(reviewer, scr.id, {"findings": [{"what_happened": "x"}]}, scr.version)
    assert caught.value.details == [
        "data.findings is no longer kept in the case's data: record it at "
        "/api/v1/cases/<id>/findings (and the case page's records)."
    ]


# -- independence: on appointment and on every later change of either ------------------------------


@pytest.mark.parametrize("organisation", ["Police", "police", "  POLICE "])
def test_a_lead_from_an_agency_involved_cannot_be_appointed(
    service: Service, reviewer: Actor, scr: dict[str, Any], organisation: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        rs.appoint(
            service,
            reviewer,
            scr.id,
            name="Pat Officer",
            organisations=["Consulting", organisation],
        )
    assert caught.value.details == [
        f"The lead reviewer Pat Officer (appointed on 2026-11-30) is not independent of the "
        f"case: they belong to {organisation.strip()}, whose actions are under review; appoint "
        "someone from outside those agencies."
    ]
    assert rs.listed(service, reviewer, scr.id, "lead_appointments") == []
    assert service.get_case(reviewer, scr.id).version == scr.version


def test_independence_is_kept_when_the_agencies_change_later(
    service: Service, reviewer: Actor, chair: Actor, scr: dict[str, Any]
) -> None:
    rs.appoint(service, reviewer, scr.id, name="Lena Lead", organisations=["Northshire Trust"])
    version = rs.version(service, scr.id)
    with pytest.raises(InvalidInput) as caught:
        service.update_data(
            reviewer, scr.id, {"agencies": [*AGENCIES, " northshire trust"]}, version
        )
    assert (
        "they belong to Northshire Trust, whose actions are under review"
        in (caught.value.details[0])
    )
    # Nor slipped in with a step.
    with pytest.raises(TransitionBlocked) as blocked:
        service.transition(
            chair,
            scr.id,
            "appoint_lead",
            version,
            data={**SCOPING, "agencies": ["Northshire Trust"]},
        )
    assert "Lena Lead" in blocked.value.details[0]
    assert service.get_case(reviewer, scr.id).data["agencies"] == AGENCIES
    ok = service.update_data(reviewer, scr.id, {"agencies": [*AGENCIES, "School"]}, version)
    assert ok.version == version + 1


def test_independence_is_kept_when_the_leads_organisations_change_later(
    service: Service, reviewer: Actor, scr: dict[str, Any]
) -> None:
    lead = rs.appoint(service, reviewer, scr.id)
    with pytest.raises(InvalidInput) as caught:
        rs.change(
            service,
            reviewer,
            scr.id,
            "lead_appointments",
            lead["id"],
            organisations=["Independent Reviews Ltd", "HEALTH"],
        )
    assert "they belong to HEALTH" in caught.value.details[0]
    (kept,) = rs.listed(service, reviewer, scr.id, "lead_appointments")
    assert kept["organisations"] == ["Independent Reviews Ltd"]


def test_a_new_appointment_ends_the_one_in_force_and_the_lead_sees_the_case(
    service: Service, reviewer: Actor, lead: Actor, scr: dict[str, Any]
) -> None:
    with pytest.raises(NotFound):
        service.get_case(lead, scr.id)
    rs.appoint(service, reviewer, scr.id, name="Someone Else", organisations=[])
    rs.appoint(service, reviewer, scr.id, name=" lena lead ", organisations=[])
    first, second = rs.listed(service, reviewer, scr.id, "lead_appointments")
    assert (first["current"], first["end_reason"]) == (False, "Replaced by lena lead")
    assert second["current"] is True
    seen = service.get_case(lead, scr.id)  # the lead's name, ignoring case and spaces
    assert seen.data["lead_reviewer"] == {"name": "lena lead", "organisations": []}
    with pytest.raises(PermissionDenied):
        rs.appoint(service, lead, scr.id)  # a lead does not appoint leads


def test_the_lead_reviewer_named_in_data_is_the_appointment_record(
    service: Service, reviewer: Actor, chair: Actor, scr: dict[str, Any]
) -> None:
    lead = {"name": "Lena Lead", "organisations": ["Independent Reviews Ltd"]}
    done = service.transition(
        chair, scr.id, "appoint_lead", scr.version, data={**SCOPING, "lead_reviewer": lead}
    )
    assert done.state == "lead_appointed"
    assert done.data["lead_reviewer"] == lead
    (appointment,) = rs.listed(service, reviewer, scr.id, "lead_appointments")
    assert appointment["name"] == "Lena Lead" and appointment["created_by"] == chair.name
    kinds = [e.kind for e in service.events(SYSTEM_ACTOR, scr.id)]
    assert kinds[-3:] == ["record_added", "data_changed", "transition"]
    again = service.update_data(reviewer, scr.id, {"lead_reviewer": lead}, done.version)
    assert len(rs.listed(service, reviewer, scr.id, "lead_appointments")) == 1
    ended = service.update_data(reviewer, scr.id, {"lead_reviewer": None}, again.version)
    assert "lead_reviewer" not in ended.data
    (appointment,) = rs.listed(service, reviewer, scr.id, "lead_appointments")
    assert (appointment["current"], appointment["end_reason"]) == (False, "Ended")
    (step,) = ended.transitions
    assert step.blocked_by[0] == (
        "No lead reviewer is appointed: record the lead reviewer's appointment (name, "
        "organisations and the date appointed)."
    )
    assert step.blocked_by[1:] == [  # the national panel told the review started, and who leads
        "Record the panel told of review at (data.panel_told_of_review_at).",
        "Record the panel told of lead (data.panel_told_of_lead).",
    ]


# -- each guard reads the records --------------------------------------------------------------


def _to_findings(service: Service, actors: dict[str, Actor], scr: dict[str, Any]) -> int:
    chair, reviewer, lead = actors["chair"], actors["reviewer"], actors["lead"]
    case = service.transition(
        chair,
        scr.id,
        "appoint_lead",
        scr.version,
        data={**SCOPING, "lead_reviewer": rs.LEAD},
    )
    case = service.transition(
        lead, case.id, "start_involvement", case.version, data=rs.PANEL_TOLD_OF_REVIEW
    )
    rs.involve(service, reviewer, case.id, tuple(AGENCIES), request_from=None)
    service.transition(lead, case.id, "begin_findings", rs.version(service, case.id))
    return int(case.id)


@pytest.fixture
def actors(reviewer: Actor, chair: Actor, lead: Actor) -> dict[str, Actor]:
    return {"reviewer": reviewer, "chair": chair, "lead": lead}


def test_findings_wait_for_every_contribution_received_or_waived_with_a_reason(
    service: Service, actors: dict[str, Actor], scr: dict[str, Any]
) -> None:
    reviewer, lead = actors["reviewer"], actors["lead"]
    case_id = _to_findings(service, actors, scr)
    rs.add(service, lead, case_id, "findings", what_happened="A", why="B", kind="problem")
    police = rs.add(
        service,
        reviewer,
        case_id,
        "contributions",
        agency="Police",
        kind="chronology",
        requested_on="2026-11-02",
        due_date="2026-11-20",
    )
    health = rs.add(
        service,
        reviewer,
        case_id,
        "contributions",
        agency="Health",
        kind="agency_report",
        requested_on="2026-11-03",
        due_date="2026-12-20",
    )

    def refusal() -> list[str]:
        with pytest.raises(TransitionBlocked) as caught:
            service.transition(lead, case_id, "agree_findings", rs.version(service, case_id))
        return caught.value.details

    assert refusal() == [
        "The chronology requested from Police on 2026-11-02 is neither received nor waived.",
        "The agency report requested from Health on 2026-11-03 is neither received nor waived.",
    ]
    rs.change(service, reviewer, case_id, "contributions", police["id"], status="received")
    assert refusal() == [
        "The agency report requested from Health on 2026-11-03 is neither received nor waived."
    ]
    rs.change(
        service,
        reviewer,
        case_id,
        "contributions",
        health["id"],
        status="waived",
        waived_reason="No contact with the family in the period",
    )
    done = service.transition(lead, case_id, "agree_findings", rs.version(service, case_id))
    assert done.state == "action_plan"


def test_sign_off_and_completion_name_the_findings_and_actions(
    service: Service, actors: dict[str, Actor], scr: dict[str, Any]
) -> None:
    reviewer, lead, chair = actors["reviewer"], actors["lead"], actors["chair"]
    case_id = _to_findings(service, actors, scr)
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(lead, case_id, "agree_findings", rs.version(service, case_id))
    assert caught.value.details == ["Record at least one finding, saying what happened and why."]
    first = rs.add(service, lead, case_id, "findings", what_happened="Referral not passed on")
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(lead, case_id, "agree_findings", rs.version(service, case_id))
    assert caught.value.details == [
        "Finding 1: record why it happened.",
        "Finding 1: say whether it shows good practice or a problem.",
    ]
    rs.change(
        service,
        lead,
        case_id,
        "findings",
        first["id"],
        why="No shared record",
        kind="good_practice",
    )
    rs.add(service, lead, case_id, "findings", what_happened="Late", why="Workload", kind="problem")
    service.transition(lead, case_id, "agree_findings", rs.version(service, case_id))
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(chair, case_id, "sign_off_action_plan", rs.version(service, case_id))
    assert caught.value.details == [
        "Finding 2 (problem) has no action with an owner agency and a due date: add one."
    ]
    action = rs.add(
        service,
        reviewer,
        case_id,
        "actions",
        finding=2,
        description="Triage",
        owner_agency="Health",
        due_date="2027-02-01",
    )
    service.transition(chair, case_id, "sign_off_action_plan", rs.version(service, case_id))
    # Publication does not wait for the actions (here: not published, reasons sent)…
    service.transition(chair, case_id, "prepare_publication", rs.version(service, case_id))
    rs.final_report_signed_off(service, {"reviewer": reviewer, "chair": chair}, case_id)
    service.transition(
        chair,
        case_id,
        "decide_not_to_publish",
        rs.version(service, case_id),
        data={"not_published_reasons": "Protects a sibling", "panel_told_at": "2026-11-30"},
    )
    # … closing the review does.
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(chair, case_id, "close", rs.version(service, case_id))
    assert caught.value.details == [
        "Action 1 (finding 2, Health, due 2027-02-01) is still open: record it done.",
        "Action 1 (finding 2, Health, due 2027-02-01) has no evidence of completion: record it.",
        "Action 1 (finding 2, Health, due 2027-02-01) has no evidence of impact: record it.",
    ]
    rs.change(
        service,
        HEALTH,
        case_id,
        "actions",
        action["id"],
        status="done",
        completion_evidence="Triage in place",
    )
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(chair, case_id, "close", rs.version(service, case_id))
    assert caught.value.details == [
        "Action 1 (finding 2, Health, due 2027-02-01) has no evidence of impact: record it."
    ]
    rs.change(
        service,
        HEALTH,
        case_id,
        "actions",
        action["id"],
        impact_evidence="Audit: every referral triaged in a day",
    )
    done = service.transition(chair, case_id, "close", rs.version(service, case_id))
    assert done.state == "closed"


def test_a_finding_with_actions_cannot_be_removed(
    service: Service, actors: dict[str, Actor], scr: dict[str, Any]
) -> None:
    reviewer = actors["reviewer"]
    finding = rs.add(service, reviewer, scr.id, "findings", what_happened="A", kind="problem")
    rs.add(
        service,
        reviewer,
        scr.id,
        "actions",
        finding=1,
        description="Fix",
        owner_agency="Police",
        due_date="2027-01-01",
    )
    with pytest.raises(InvalidInput, match="Finding 1 has 1 action"):
        rs.remove(service, reviewer, scr.id, "findings", finding["id"])
    with pytest.raises(InvalidInput, match="there is no finding 7"):
        rs.add(
            service,
            reviewer,
            scr.id,
            "actions",
            finding=7,
            description="Fix",
            owner_agency="Police",
            due_date="2027-01-01",
        )


# -- agency users: their own agency's contributions and actions only ------------------------------


def _plan(service: Service, reviewer: Actor, case_id: int) -> dict[str, dict[str, Any]]:
    rs.add(service, reviewer, case_id, "findings", what_happened="A", why="B", kind="problem")
    made = {
        "police_action": rs.add(
            service,
            reviewer,
            case_id,
            "actions",
            finding=1,
            description="Police checks",
            owner_agency="Police",
            due_date="2027-01-15",
        ),
        "health_action": rs.add(
            service,
            reviewer,
            case_id,
            "actions",
            finding=1,
            description="Health triage",
            owner_agency="Health",
            due_date="2027-01-20",
        ),
        "police_chronology": rs.add(
            service,
            reviewer,
            case_id,
            "contributions",
            agency=" police",
            kind="chronology",
            due_date="2026-12-10",
        ),
        "health_chronology": rs.add(
            service,
            reviewer,
            case_id,
            "contributions",
            agency="Health",
            kind="chronology",
            due_date="2026-12-10",
        ),
    }
    rs.add(service, reviewer, case_id, "family_members", relationship="mother")
    rs.add(service, reviewer, case_id, "panel_members", name="Ruth", agency="Health")
    rs.add(service, reviewer, case_id, "practitioners", agency="Police", role_title="PC")
    return made


def test_an_agency_user_sees_only_their_agencys_actions_and_contributions(
    service: Service, reviewer: Actor, police: Actor, scr: dict[str, Any]
) -> None:
    made = _plan(service, reviewer, scr.id)
    actions = rs.listed(service, police, scr.id, "actions")
    assert [a["id"] for a in actions] == [made["police_action"]["id"]]
    contributions = rs.listed(service, police, scr.id, "contributions")
    assert [c["id"] for c in contributions] == [made["police_chronology"]["id"]]
    for kind in (
        "family_members",
        "panel_members",
        "practitioners",
        "findings",
        "lead_appointments",
    ):
        with pytest.raises(PermissionDenied, match="only their own agency's contributions"):
            rs.listed(service, police, scr.id, kind)
    summary = records.actions_summary(service, police, scr.id).model_dump(mode="json")
    assert (summary["total"], [a["agency"] for a in summary["by_agency"]]) == (1, ["Police"])
    shown = service.get_case(police, scr.id).deadlines
    names = {d.name for d in shown}
    assert f"action:{made['police_action']['id']}" in names
    assert f"action:{made['health_action']['id']}" not in names
    assert f"contribution:{made['health_chronology']['id']}" not in names
    everyone = {d.name for d in service.get_case(reviewer, scr.id).deadlines}
    assert f"action:{made['health_action']['id']}" in everyone


def test_an_agency_user_updates_only_their_own_actions_progress(
    service: Service, reviewer: Actor, police: Actor, scr: dict[str, Any]
) -> None:
    made = _plan(service, reviewer, scr.id)
    mine, theirs = made["police_action"], made["health_action"]
    done = rs.change(
        service,
        police,
        scr.id,
        "actions",
        mine["id"],
        status="done",
        completion_evidence="Checks added",
        impact_evidence="Audit",
    )
    assert (done["status"], done["completed_on"]) == ("done", "2026-11-30")
    with pytest.raises(NotFound):
        rs.change(service, police, scr.id, "actions", theirs["id"], status="done")
    with pytest.raises(PermissionDenied, match="not description, due_date"):
        rs.change(
            service,
            police,
            scr.id,
            "actions",
            mine["id"],
            description="x",
            due_date="2028-01-01",
        )
    with pytest.raises(PermissionDenied):
        rs.add(
            service,
            police,
            scr.id,
            "actions",
            finding=1,
            description="x",
            owner_agency="Police",
            due_date="2027-01-01",
        )
    with pytest.raises(PermissionDenied):
        rs.remove(service, police, scr.id, "actions", mine["id"])
    untouched = [a for a in rs.listed(service, reviewer, scr.id, "actions")]
    assert [a["status"] for a in untouched] == ["done", "open"]


def test_an_agency_user_records_their_contribution_received_but_cannot_waive_it(
    service: Service, reviewer: Actor, police: Actor, scr: dict[str, Any]
) -> None:
    made = _plan(service, reviewer, scr.id)
    mine, theirs = made["police_chronology"], made["health_chronology"]
    with pytest.raises(PermissionDenied, match="received, not requested or waived"):
        rs.change(service, police, scr.id, "contributions", mine["id"], status="waived")
    got = rs.change(service, police, scr.id, "contributions", mine["id"], status="received")
    assert (got["status"], got["received_by"], got["received_on"]) == (
        "received",
        police.name,
        "2026-11-30",
    )
    with pytest.raises(NotFound):
        rs.change(service, police, scr.id, "contributions", theirs["id"], status="received")


def test_an_agency_of_another_case_sees_nothing(
    service: Service, reviewer: Actor, scr: dict[str, Any]
) -> None:
    stranger = Actor("sam", "agency", ("Fire Service",))
    with pytest.raises(NotFound):
        rs.listed(service, stranger, scr.id, "actions")


# -- record deadlines through the sweep, under a controlled clock --------------------------------


@pytest.fixture
def people(service: Service) -> None:
    with service.store.write() as u:
        for name, role, agencies in [
            ("rita", "reviewer", []),
            ("carl", "chair", []),
            ("pat", "agency", ["Police"]),
            ("hal", "agency", ["Health"]),
        ]:
            new = NewUser(name=name, role=role, agencies=agencies, email=f"{name}@example.org")
            add_user(u, new, service.now())


def _deadline(service: Service, name: str) -> Deadline:
    with Session(service.db) as s:
        return s.exec(
            select(Deadline).where(Deadline.name == name).order_by(col(Deadline.id).desc())
        ).first()  # type: ignore[return-value]


def _notices(service: Service, deadline: str) -> list[str]:
    """Who was told of the escalation of ``deadline``."""
    with Session(service.db) as s:
        rows = s.exec(
            select(Notice.recipient)
            .join(Escalation, col(Escalation.id) == col(Notice.escalation_id))
            .where(Escalation.deadline_name == deadline)
        )
        return sorted(rows)


@pytest.mark.usefixtures("people")
def test_a_slipped_contribution_chases_its_agency_and_the_reviewer(
    service: Service, clock: Clock, reviewer: Actor, police: Actor, scr: dict[str, Any]
) -> None:
    c = rs.add(
        service,
        reviewer,
        scr.id,
        "contributions",
        agency="Police",
        kind="chronology",
        due_date="2026-12-04",
    )
    row = _deadline(service, f"contribution:{c['id']}")
    assert (row.status, row.due_date.isoformat(), row.label) == (
        "pending",
        "2026-12-04",
        "Chronology from Police",
    )
    assert row.due_at.isoformat() == "2026-12-05T00:00:00+00:00"
    assert [f for f in sweep(service, row.due_at - timedelta(seconds=1)) if ":" in f.deadline] == []
    clock.set("2026-12-07T09:00:00+00:00")
    fired = [f for f in sweep(service, clock.now) if ":" in f.deadline]
    assert [(f.deadline, f.outcome, f.to_roles) for f in fired] == [
        (f"contribution:{c['id']}", "escalated", ("agency", "reviewer"))
    ]
    assert _notices(service, f"contribution:{c['id']}") == ["pat", "rita"]  # not Health's user
    (escalation,) = list_escalations(service, police, open_only=True).items
    assert escalation.reason.startswith(
        "The chronology requested from Police on 2026-11-30 on case "
    )
    assert "is neither received nor waived" in escalation.reason
    assert list_escalations(service, HEALTH).items == ()
    # Received late: the deadline is met, on the day it came.
    rs.change(service, police, scr.id, "contributions", c["id"], status="received")
    row = _deadline(service, f"contribution:{c['id']}")
    assert (row.status, row.met_date.isoformat() if row.met_date else None) == (
        "met",  # met late: one truth with the timeliness report
        "2026-12-07",
    )
    met = events_of(service, scr.id, "deadline_met")[-1]
    assert met.detail == {
        "deadline": f"contribution:{c['id']}",
        "met_date": "2026-12-07",
        "on_time": False,
        "days_late": (row.met_date - row.due_date).days if row.met_date else None,
        "escalations_resolved": [escalation.id],  # meeting it resolves its escalation
    }
    clock.advance(days=30)
    assert [f for f in sweep(service, clock.now) if ":" in f.deadline] == []


def _health_action(service: Service, reviewer: Actor, case_id: int) -> dict[str, Any]:
    """A problem finding and its action for Health, due Friday 15 January 2027."""
    rs.add(service, reviewer, case_id, "findings", what_happened="A", kind="problem")
    return rs.add(
        service,
        reviewer,
        case_id,
        "actions",
        finding=1,
        description="Triage",
        owner_agency="Health",
        due_date="2027-01-15",
    )


@pytest.mark.usefixtures("people")
def test_an_overdue_action_escalates_to_its_agency_and_the_chair_T8(
    service: Service, clock: Clock, reviewer: Actor, scr: dict[str, Any]
) -> None:
    a = _health_action(service, reviewer, scr.id)
    name = f"action:{a['id']}"
    moved = rs.change(service, reviewer, scr.id, "actions", a["id"], due_date="2027-01-29")
    assert moved["due_date"] == "2027-01-29"
    row = _deadline(service, name)
    assert (row.status, row.due_date.isoformat()) == ("pending", "2027-01-29")
    clock.set("2027-01-29T23:00:00+00:00")
    assert [f for f in sweep(service, clock.now) if f.deadline == name] == []
    clock.set("2027-02-01T08:00:00+00:00")
    (fired,) = [f for f in sweep(service, clock.now) if f.deadline == name]
    assert (fired.outcome, fired.to_roles) == ("escalated", ("agency", "chair"))
    assert fired.lateness_seconds == 2 * 86_400 + 8 * 3_600
    assert _notices(service, name) == ["carl", "hal"]  # Health's user, not Police's
    with Session(service.db) as s:
        (escalation,) = s.exec(select(Escalation).where(Escalation.deadline_name == name)).all()
    assert escalation.reason.startswith("Action 1 (finding 1, Health, due 2027-01-29) on case ")
    assert "(T8) was due by the end of Friday 29 January 2027 and is not done" in (
        escalation.reason
    )
    assert "Triage" not in escalation.reason
    rs.change(service, HEALTH, scr.id, "actions", a["id"], status="done")
    assert _deadline(service, name).status == "met"  # met late, as the timeliness report says
    assert _deadline(service, name).met_date is not None


@pytest.mark.usefixtures("people")
def test_an_action_still_overdue_is_reminded_every_five_working_days_until_done(
    service: Service, clock: Clock, reviewer: Actor, scr: dict[str, Any]
) -> None:
    """``remind_every`` of the definition's ``[record_deadlines.action]``: while a missed action
    stays not done, those told are told again each period — once a period however often the
    sweep runs — and doing it ends the reminders and resolves every escalation about it. The
    reminders are not time limits: the case and the timeliness report show only the action's."""
    a = _health_action(service, reviewer, scr.id)
    name, reminder = f"action:{a['id']}", f"reminder:action:{a['id']}"
    clock.set("2027-01-16T08:00:00+00:00")
    (first,) = [f for f in sweep(service, clock.now) if "action:" in f.deadline]
    assert (first.deadline, first.outcome) == (name, "escalated")
    # The next reminder: 5 working days after the day it fell due.
    assert (_deadline(service, reminder).status, str(_deadline(service, reminder).due_date)) == (
        "pending",
        "2027-01-22",
    )
    clock.set("2027-01-22T23:00:00+00:00")  # the last day of the period is not over
    assert [f for f in sweep(service, clock.now) if "action:" in f.deadline] == []
    clock.set("2027-01-23T00:00:01+00:00")
    (again,) = [f for f in sweep(service, clock.now) if "action:" in f.deadline]
    assert (again.deadline, again.outcome, again.to_roles) == (
        reminder,
        "reminded",
        ("agency", "chair"),
    )
    assert [f for f in sweep(service, clock.now) if "action:" in f.deadline] == []  # once
    assert _notices(service, reminder) == ["carl", "hal"]  # Health's user, not Police's
    with Session(service.db) as s:
        told = s.exec(select(Escalation).where(Escalation.deadline_name == reminder)).one()
    assert told.reason.startswith("Reminder: Action 1 (Health) on case ")
    assert "still overdue: it was due by the end of Friday 15 January 2027" in told.reason
    assert "reminded every 5 working days until it is" in told.reason
    assert str(_deadline(service, reminder).due_date) == "2027-01-29"  # and the next one set
    shown = service.get_case(reviewer, scr.id)
    assert [x.name for x in shown.deadlines if "action:" in x.name] == [name]

    rs.change(service, HEALTH, scr.id, "actions", a["id"], status="done")
    assert _deadline(service, name).status == "met"
    assert _deadline(service, reminder).status == "cancelled"
    with Session(service.db) as s:
        about = s.exec(
            select(Escalation).where(col(Escalation.deadline_name).in_([name, reminder]))
        ).all()
    assert len(about) == 2 and all(e.acknowledged_by == "system (deadline met)" for e in about)
    clock.advance(days=30)
    assert [f for f in sweep(service, clock.now) if "action:" in f.deadline] == []


@pytest.mark.usefixtures("people")
def test_a_reminder_whose_action_is_done_tells_no_one(
    service: Service, clock: Clock, reviewer: Actor, scr: dict[str, Any]
) -> None:
    """The safety net behind the cancelling: a reminder that falls due when its action is done
    (written by a change that did not read the actions) ends without telling anyone."""
    from workflow.store.models.records import Action

    a = _health_action(service, reviewer, scr.id)
    clock.set("2027-01-16T08:00:00+00:00")
    sweep(service, clock.now)
    with Session(service.db) as s:
        row = s.get(Action, a["id"])
        assert row is not None
        row.status = "done"
        s.add(row)
        s.commit()
    clock.set("2027-01-23T00:00:01+00:00")
    reminder = f"reminder:action:{a['id']}"
    (ended,) = [f for f in sweep(service, clock.now) if "action:" in f.deadline]
    assert (ended.deadline, ended.outcome, ended.escalation_id) == (
        reminder,
        "reminder_ended",
        None,
    )
    assert _deadline(service, reminder).status == "cancelled"
    assert _notices(service, reminder) == []


def test_removing_a_record_cancels_its_deadline_and_closing_the_case_too(
    service: Service, reviewer: Actor, chair: Actor
) -> None:
    case = service.open_case(reviewer, "serious_case_review", "Child C", {"agencies": AGENCIES})
    c1 = rs.add(
        service,
        reviewer,
        case.id,
        "contributions",
        agency="Police",
        kind="chronology",
        due_date="2026-12-10",
    )
    c2 = rs.add(
        service,
        reviewer,
        case.id,
        "contributions",
        agency="Health",
        kind="chronology",
        due_date="2026-12-10",
    )
    rs.remove(service, reviewer, case.id, "contributions", c1["id"])
    assert _deadline(service, f"contribution:{c1['id']}").status == "cancelled"
    criteria = {**SCR_MET["criteria"], "child_died": False, "concern_about_working_together": False}
    service.transition(
        chair,
        case.id,
        "decline",
        rs.version(service, case.id),
        data={"criteria": criteria, "decision_rationale": "Not met"},
    )
    # Declined, the national panel still to be told; once told, the case is closed.
    service.transition(reviewer, case.id, "tell_national_panel", rs.version(service, case.id))
    assert _deadline(service, f"contribution:{c2['id']}").status == "cancelled"
    assert _deadline(service, f"contribution:{c2['id']}").current is False


def test_a_contribution_back_to_requested_opens_a_new_run(
    service: Service, reviewer: Actor, scr: dict[str, Any]
) -> None:
    c = rs.add(
        service,
        reviewer,
        scr.id,
        "contributions",
        agency="Police",
        kind="other",
        due_date="2026-12-10",
        status="received",
    )
    assert _deadline(service, f"contribution:{c['id']}") is None
    rs.change(service, reviewer, scr.id, "contributions", c["id"], status="requested")
    row = _deadline(service, f"contribution:{c['id']}")
    assert (row.status, row.current) == ("pending", True)
    assert rs.listed(service, reviewer, scr.id, "contributions")[0]["received_on"] is None


# -- conversions ------------------------------------------------------------------------------


NOTIFY = {
    "criteria": {
        "abuse_or_neglect": True,
        "child_died": True,
        "seriously_harmed": False,
        "looked_after_child": False,
        "regulated_setting": False,
    }
}


def _notified(service: Service, reviewer: Actor) -> dict[str, Any]:
    incident = service.open_case(
        reviewer,
        "notifiable_incident",
        "Child D",
        {"aware_at": "2026-11-25", "agencies": AGENCIES, "summary": "Injuries at home"},
    )
    return service.transition(
        reviewer,
        incident.id,
        "notify",
        incident.version,
        data=NOTIFY | {"notified_at": "2026-11-26"},
    )


def test_deciding_on_an_scr_opens_it_linked_with_the_incidents_data(
    service: Service, reviewer: Actor, chair: Actor, police: Actor
) -> None:
    incident = _notified(service, reviewer)
    decision = {
        "criteria": {
            **NOTIFY["criteria"],
            "concern_about_working_together": True,
            "died_in_custody": False,
        },
        "decision_rationale": "Regulation 5 met: a child died and abuse is suspected.",
    }
    assert service.get_case(chair, incident.id).linked_cases == []
    decided = service.transition(chair, incident.id, "decide_scr", incident.version, data=decision)
    assert decided.state == "scr_decided"
    (link,) = decided.linked_cases
    # The review starts after the decision: it is not asked for again.
    assert (link.relation, link.review_type, link.state) == (
        "opened",
        "serious_case_review",
        "scoping",
    )
    review = service.get_case(chair, link.id)
    assert review.title == "Child D"
    assert review.linked_case_id == incident.id
    assert review.data == {
        "agencies": AGENCIES,
        "aware_at": "2026-11-25",
        "notified_at": "2026-11-26",
        "criteria": decision["criteria"],
        "decision_rationale": decision["decision_rationale"],
    }
    assert "summary" not in review.data  # only what the definition carries
    assert [c.model_dump() for c in review.linked_cases] == [
        {
            "relation": "opened_from",
            "id": incident.id,
            "reference": incident.reference,
            "review_type": "notifiable_incident",
            "state": "scr_decided",
        }
    ]
    (opened,) = events_of(service, incident.id, "case_opened")
    assert opened.detail == {
        "case": review.reference,
        "case_id": review.id,
        "review_type": "serious_case_review",
    }
    created = events_of(service, review.id, "created")[0]
    assert created.detail["opened_from"] == incident.reference
    # The decision is not taken again on the review: it is already in scoping.
    assert review.state == "scoping"
    assert "decide_scr" not in [t.trigger for t in review.transitions]
    # An agency involved sees both, linked both ways.
    assert [c.id for c in service.get_case(police, incident.id).linked_cases] == [review.id]


def test_a_learning_review_decision_opens_one_and_no_review_opens_none(
    service: Service, reviewer: Actor, chair: Actor
) -> None:
    below = {
        "criteria": {
            **NOTIFY["criteria"],
            "child_died": False,
            "seriously_harmed": True,
            "concern_about_working_together": False,
            "died_in_custody": False,
        },
        "decision_rationale": "Below the threshold; useful learning.",
    }
    first = _notified(service, reviewer)
    learning = service.transition(
        chair, first.id, "decide_learning_review", first.version, data=below
    )
    (link,) = learning.linked_cases
    assert link.review_type == "learning_review"
    second = _notified(service, reviewer)
    none = service.transition(chair, second.id, "decide_no_review", second.version, data=below)
    assert none.linked_cases == []
    assert [d.name for d in none.deadlines if d.status == "pending"] == ["panel_notice"]
    (notice,) = [d for d in none.deadlines if d.name == "panel_notice"]
    assert notice.due_date == date(2026, 12, 14)  # T3: 14 days


def test_a_decision_whose_review_cannot_be_opened_is_not_saved(
    service: Service, reviewer: Actor, chair: Actor, admin: Actor
) -> None:
    source = service.review_type("notifiable_incident").source
    broken = source.replace(
        'opens = { review_type = "serious_case_review"', 'opens = { review_type = "no_such_review"'
    )
    service.publish(admin, broken, expected_key="notifiable_incident")
    incident = _notified(service, reviewer)
    before = service.count_cases()
    with pytest.raises(InvalidInput, match="no such review, which is not a published"):
        service.transition(
            chair,
            incident.id,
            "decide_scr",
            incident.version,
            data={
                "criteria": {
                    **NOTIFY["criteria"],
                    "concern_about_working_together": True,
                    "died_in_custody": False,
                },
                "decision_rationale": "Met",
            },
        )
    assert service.count_cases() == before
    assert service.get_case(chair, incident.id).state == "notified"


def test_a_rapid_review_recommending_a_local_practice_review_opens_it(
    service: Service, reviewer: Actor, chair: Actor
) -> None:
    case = service.open_case(
        reviewer,
        "rapid_review",
        "Infant A",
        {"notified_at": "2026-11-20", "agencies": AGENCIES},
    )
    case = service.transition(reviewer, case.id, "gather", case.version)
    case = service.transition(
        reviewer, case.id, "hold_meeting", case.version, data={"facts_gathered": True}
    )
    case = service.transition(
        chair,
        case.id,
        "send_to_panel",
        case.version,
        data={"immediate_learning": "Share with health", "recommendation": "local_practice_review"},
    )
    case = service.transition(
        chair, case.id, "record_panel_response", case.version, data={"panel_response": "agrees"}
    )
    sent = service.transition(
        chair, case.id, "commission_lcspr", case.version, data={"decision_rationale": "Agreed"}
    )
    (link,) = sent.linked_cases
    lpr = service.get_case(chair, link.id)
    assert lpr.review_type == "local_practice_review"
    assert lpr.data == {
        "agencies": AGENCIES,
        "notified_at": "2026-11-20",
        "immediate_learning": "Share with health",
        "decision_rationale": "Agreed",
        "lcspr_decided_at": "2026-11-30",
        "panel_response": "agrees",
    }


# -- documents ----------------------------------------------------------------------------------


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _contribution(service: Service, reviewer: Actor, case_id: int, agency: str) -> dict[str, Any]:
    return rs.add(
        service,
        reviewer,
        case_id,
        "contributions",
        agency=agency,
        kind="chronology",
        due_date="2026-12-10",
    )


def _upload(
    service: Service,
    actor: Actor,
    case_id: int,
    cid: int,
    name: str,
    ctype: str,
    content: bytes,
    limit: int = 1000,
) -> dict[str, Any]:
    command = documents.UploadDocument(
        case_id=case_id,
        contribution_id=cid,
        filename=name,
        declared_type=ctype,
        content=content,
        expected_version=rs.version(service, case_id),
        max_bytes=limit,
    )
    return documents.upload(service, actor, command).model_dump(mode="json")


def test_an_upload_is_hashed_kept_and_records_the_contribution_received(
    service: Service, reviewer: Actor, police: Actor, scr: dict[str, Any]
) -> None:
    c = _contribution(service, reviewer, scr.id, "Police")
    doc = _upload(
        service, police, scr.id, c["id"], "../../Chronology Child A.pdf", "application/pdf", PDF
    )
    assert doc["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (doc["filename"], doc["size_bytes"], doc["agency"]) == (
        "Chronology Child A.pdf",
        len(PDF),
        "Police",
    )
    (listed,) = rs.listed(service, police, scr.id, "contributions")
    assert (listed["status"], listed["received_by"]) == ("received", police.name)
    assert [d["id"] for d in listed["documents"]] == [doc["id"]]
    assert "content" not in listed["documents"][0]
    trail = json.dumps([e.model_dump(mode="json") for e in service.events(SYSTEM_ACTOR, scr.id)])
    assert "Chronology Child A" not in trail and doc["sha256"] in trail
    got = documents.download(service, reviewer, scr.id, doc["id"])
    assert (got.content, got.content_type) == (PDF, "application/pdf")


@pytest.mark.parametrize(
    ("name", "ctype", "content", "words"),
    [
        ("big.txt", "text/plain", b"x" * 1001, "the limit is 1,000 bytes"),
        ("empty.txt", "text/plain", b"", "The file is empty"),
        ("run.exe", "application/octet-stream", b"MZ", "not accepted; send one of: .csv"),
        ("photo.pdf", "image/png", PDF, "type (image/png) does not match its name (.pdf)"),
        ("fake.pdf", "application/pdf", b"hello", "content is not a PDF"),
        ("fake.docx", "", b"%PDF-", "content is not a Word document"),
        ("notes.txt", "text/plain", b"\xff\xfe\x00a", "content is not plain text (UTF-8)"),
        ("", "text/plain", b"abc", "Send the file with its name"),
    ],
)
def test_uploads_are_checked_for_size_and_type(
    service: Service,
    reviewer: Actor,
    scr: dict[str, Any],
    name: str,
    ctype: str,
    content: bytes,
    words: str,
) -> None:
    c = _contribution(service, reviewer, scr.id, "Police")
    version = rs.version(service, scr.id)
    with pytest.raises(InvalidInput) as caught:
        _upload(service, reviewer, scr.id, c["id"], name, ctype, content)
    assert words in caught.value.message
    assert isinstance(caught.value, documents.DocumentTooLarge) is (name == "big.txt")
    assert rs.version(service, scr.id) == version
    assert rs.listed(service, reviewer, scr.id, "contributions")[0]["documents"] == []


@pytest.mark.parametrize(
    ("name", "ctype", "content"),
    [
        (
            "chronology.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04rest",
        ),
        ("timeline.csv", "application/vnd.ms-excel", b"date,what\n2026-11-02,Referral\n"),
        ("letter.rtf", "text/rtf", b"{\\rtf1 hello}"),
        ("NOTES.TXT", "text/plain; charset=utf-8", "Café".encode()),
    ],
)
def test_allowed_types_are_kept_under_their_canonical_type(
    service: Service, reviewer: Actor, scr: dict[str, Any], name: str, ctype: str, content: bytes
) -> None:
    c = _contribution(service, reviewer, scr.id, "Police")
    doc = _upload(service, reviewer, scr.id, c["id"], name, ctype, content)
    suffix = name.lower().rsplit(".", 1)[1]
    assert doc["content_type"] == documents.FILE_TYPES[f".{suffix}"].content_type


def test_documents_are_served_only_to_the_review_and_the_agency_that_sent_them(
    service: Service,
    reviewer: Actor,
    chair: Actor,
    admin: Actor,
    police: Actor,
    scr: dict[str, Any],
) -> None:
    rs.appoint(service, reviewer, scr.id)
    c = _contribution(service, reviewer, scr.id, "Police")
    doc = _upload(service, police, scr.id, c["id"], "c.txt", "text/plain", b"chronology")
    lead = Actor("Lena Lead", "lead_reviewer")
    for who in (reviewer, chair, admin, lead, police):
        assert documents.download(service, who, scr.id, doc["id"]).content == b"chronology"
    for who in (HEALTH, Actor("x", "lead_reviewer")):
        with pytest.raises(NotFound):
            documents.download(service, who, scr.id, doc["id"])
    with pytest.raises(NotFound):  # nor uploaded by another agency for Police's contribution
        _upload(service, HEALTH, scr.id, c["id"], "c.txt", "text/plain", b"x")
    with Session(service.db) as s:
        reads = s.exec(select(AccessLog.actor).where(AccessLog.action == "download document")).all()
    assert sorted(reads) == sorted(a.name for a in (reviewer, chair, admin, lead, police))
    with pytest.raises(PermissionDenied):
        documents.remove(service, police, scr.id, doc["id"], rs.version(service, scr.id))
    documents.remove(service, reviewer, scr.id, doc["id"], rs.version(service, scr.id))
    with pytest.raises(NotFound):
        documents.download(service, reviewer, scr.id, doc["id"])


# -- themes ---------------------------------------------------------------------------------


def test_admins_keep_the_themes_and_findings_use_them(
    service: Service, admin: Actor, reviewer: Actor, scr: dict[str, Any]
) -> None:
    theme = records.save_theme(
        service, admin, records.SaveTheme.of({"name": "Neglect", "description": "Signs"})
    )
    records.save_theme(service, admin, records.SaveTheme.of({"name": "Information sharing"}))
    with pytest.raises(AlreadyExists):
        records.save_theme(service, admin, records.SaveTheme.of({"name": " neglect "}))
    with pytest.raises(PermissionDenied):
        records.save_theme(service, reviewer, records.SaveTheme.of({"name": "Escalation"}))
    c = _contribution(service, reviewer, scr.id, "Police")
    finding = rs.add(
        service,
        reviewer,
        scr.id,
        "findings",
        what_happened="A",
        themes=["NEGLECT", "Information sharing"],
        sources=[c["id"]],
    )
    assert (finding["themes"], finding["sources"]) == (
        ["Information sharing", "Neglect"],
        [c["id"]],
    )
    records.save_theme(service, admin, records.SaveTheme.of({"active": False}, theme.id))
    assert [t.name for t in records.list_themes(service, reviewer)] == ["Information sharing"]
    with pytest.raises(InvalidInput) as caught:
        rs.add(
            service,
            reviewer,
            scr.id,
            "findings",
            what_happened="B",
            themes=["Neglect"],
            sources=[999],
        )
    assert caught.value.details == [
        "themes: 'Neglect' is not a theme in use; ask an administrator to add it",
        "sources: there is no contribution 999 on this case",
    ]
    # The finding keeps its theme.
    assert rs.listed(service, reviewer, scr.id, "findings")[0]["themes"] == [
        "Information sharing",
        "Neglect",
    ]


# -- the progress summary, and what lists never show ----------------------------------------------


def test_the_action_summary_counts_progress_per_agency(
    service: Service, reviewer: Actor, chair: Actor, scr: dict[str, Any], clock: Clock
) -> None:
    made = _plan(service, reviewer, scr.id)
    rs.change(
        service,
        reviewer,
        scr.id,
        "actions",
        made["police_action"]["id"],
        status="done",
        impact_evidence="Audit",
    )
    clock.set("2027-01-18T12:00:00+00:00")
    summary = records.actions_summary(service, chair, scr.id).model_dump(mode="json")
    assert {k: summary[k] for k in ("total", "open", "done", "done_with_impact", "overdue")} == {
        "total": 2,
        "open": 1,
        "done": 1,
        "done_with_impact": 1,
        "overdue": 0,
    }
    clock.set("2027-01-21T12:00:00+00:00")
    summary = records.actions_summary(service, chair, scr.id).model_dump(mode="json")
    assert summary["overdue"] == 1 and summary["percent_done"] == 50
    assert summary["overdue_actions"] == [
        {
            "id": made["health_action"]["id"],
            "number": 2,
            "finding": 1,
            "owner_agency": "Health",
            "due_date": "2027-01-20",
            "status": "open",
        }
    ]
    assert [(a["agency"], a["done"]) for a in summary["by_agency"]] == [
        ("Health", 0),
        ("Police", 1),
    ]


def test_family_details_never_appear_in_lists_of_cases(
    service: Service, reviewer: Actor, scr: dict[str, Any]
) -> None:
    rs.add(
        service,
        reviewer,
        scr.id,
        "family_members",
        relationship="grandmother (Edna)",
        not_involved_reason="Lives abroad",
    )
    page = service.list_cases(reviewer)
    assert "Edna" not in page.model_dump_json()
    assert "Edna" not in service.get_case(reviewer, scr.id).model_dump_json()
    with Session(service.db) as s:
        assert "Edna" not in json.dumps([e.detail for e in s.exec(select(Event))])


@pytest.mark.usefixtures("people")
def test_the_dashboard_shows_an_agency_only_its_own_record_deadlines_and_escalations(
    service: Service, clock: Clock, reviewer: Actor, police: Actor, scr: dict[str, Any]
) -> None:
    from workflow.services import dashboard

    made = _plan(service, reviewer, scr.id)
    ahead = dashboard.BoardQuery(soon=300)  # working days: further than every deadline made
    names = {r.name for r in dashboard.board(service, police, ahead).due.items}
    assert f"action:{made['police_action']['id']}" in names
    assert f"contribution:{made['police_chronology']['id']}" in names
    assert f"action:{made['health_action']['id']}" not in names
    assert f"contribution:{made['health_chronology']['id']}" not in names
    everything = {r.name for r in dashboard.board(service, reviewer, ahead).due.items}
    assert f"action:{made['health_action']['id']}" in everything
    clock.set("2026-12-14T09:00:00+00:00")
    sweep(service, clock.now)
    shown = dashboard.board(service, police, dashboard.BoardQuery())
    raised = {e.deadline_name for e in shown.escalations.items}
    assert raised == {f"contribution:{made['police_chronology']['id']}"}
