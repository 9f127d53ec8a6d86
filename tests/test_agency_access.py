"""Who gets in, as an agency (issue 13), through the API: one rule on the ``case_agency`` rows
for a case opened by id and for lists, whole names only (a name holding ``|`` matches no other
agency); and an agency reads only its own agency's part of the audit trail and never the lead
reviewer. Also the register's API (documented in the OpenAPI document)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import records_support as rs
from tests.api_client import Call, assert_error
from workflow.core.roles import Actor
from workflow.services.accounts import NewUser, add_user, issue_token
from workflow.services.cases import Service

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


def token_for(service: Service, name: str, agencies: list[str]) -> str:
    with service.store.write() as u:
        add_user(u, NewUser(name=name, role="agency", agencies=agencies), service.now())
        return issue_token(u, name, service.now())


def get(client: Any, token: str, path: str) -> Any:
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    ("case_agencies", "user_agencies"),
    [
        (["Police|Health"], ["Police"]),  # a case's piped name is not two agencies
        (["Police", "Social Care"], ["Police|Social Care"]),  # nor a user's
    ],
)
def test_a_name_holding_a_pipe_is_one_whole_name_by_id_and_in_lists(
    service: Service,
    reviewer: Actor,
    client: Any,
    tokens: dict[str, str],
    case_agencies: list[str],
    user_agencies: list[str],
) -> None:
    case = service.open_case(
        reviewer, "serious_case_review", "Child A", {"agencies": case_agencies}
    )
    token = token_for(service, "piper", user_agencies)
    assert_error(get(client, token, f"/cases/{case.id}"), 404, "not_found")
    assert_error(get(client, token, f"/cases/{case.id}/events"), 404, "not_found")
    assert get(client, token, "/cases").json["items"] == []


def test_an_agency_of_the_case_sees_it_by_id_and_in_lists(
    service: Service, reviewer: Actor, client: Any
) -> None:
    case = service.open_case(
        reviewer, "serious_case_review", "Child A", {"agencies": ["Police|Health", "Police"]}
    )
    for agencies in (["police"], ["Police|Health"]):
        token = token_for(service, f"u-{agencies[0]}", agencies)
        assert get(client, token, f"/cases/{case.id}").status_code == 200
        assert [c["id"] for c in get(client, token, "/cases").json["items"]] == [case.id]


@pytest.fixture
def busy_case(service: Service, reviewer: Actor, chair: Actor) -> Any:
    """A serious case review with a lead, people, the family, the panel, and a contribution
    and an action for each of two agencies."""
    opened = service.open_case(
        reviewer, "serious_case_review", "Child A", {"agencies": ["Police", "Health"]}
    )
    case = service.transition(chair, opened.id, "decide_scr", opened.version, data=SCR_MET)
    rs.appoint(service, reviewer, case.id, name="Lena Lead", organisations=["Reviews Ltd"])
    rs.add(service, reviewer, case.id, "panel_members", name="Dr P", agency="Health")
    rs.add(service, reviewer, case.id, "practitioners", agency="Health", role_title="GP")
    rs.add(service, reviewer, case.id, "family_members", relationship="mother")
    for agency in ("Police", "Health"):
        rs.add(
            service,
            reviewer,
            case.id,
            "contributions",
            agency=agency,
            kind="chronology",
            due_date="2026-12-20",
        )
    finding = rs.add(
        service, reviewer, case.id, "findings", what_happened="x", why="y", kind="problem"
    )
    for agency in ("Police", "Health"):
        rs.add(
            service,
            reviewer,
            case.id,
            "actions",
            finding=finding["number"],
            description=f"{agency} to train staff",
            owner_agency=agency,
            due_date="2027-01-20",
        )
    return case


def test_an_agency_reads_only_its_own_part_of_the_trail(
    busy_case: Any, call: Call, service: Service
) -> None:
    whole = call("reviewer", "get", f"/cases/{busy_case.id}/events").json
    seen = call("police", "get", f"/cases/{busy_case.id}/events").json
    records = {(e["detail"].get("record"), e["kind"]) for e in seen if "record" in e["detail"]}
    assert records == {("contribution", "record_added"), ("action", "record_added")}
    ids = {e["detail"]["id"] for e in seen if "record" in e["detail"]}
    police_own = {
        r["id"]
        for kind in ("contributions", "actions")
        for r in rs.listed(service, Actor("pat", "agency", ("Police",)), busy_case.id, kind)
    }
    assert ids == police_own
    deadlines = {e["detail"]["deadline"] for e in seen if "deadline" in e["detail"]}
    assert deadlines and all(
        not d.startswith(("contribution:", "action:")) or int(d.partition(":")[2]) in police_own
        for d in deadlines
    )
    # The reviewer's trail has what the agency's lacks: people, family, panel, findings, the
    # other agency's records and deadlines.
    nouns = {e["detail"].get("record") for e in whole}
    assert {"lead reviewer appointment", "panel member", "family member", "practitioner"} <= nouns
    assert len(whole) > len(seen)


def test_an_agency_never_reads_the_lead_reviewer(busy_case: Any, call: Call) -> None:
    assert "lead_reviewer" in call("reviewer", "get", f"/cases/{busy_case.id}").json["data"]
    case = call("police", "get", f"/cases/{busy_case.id}").json
    assert "lead_reviewer" not in case["data"]
    listed = call("police", "get", "/cases").json["items"]
    assert all("lead_reviewer" not in c["data"] for c in listed)
    r = call("police", "get", f"/cases/{busy_case.id}/lead-appointments")
    assert r.status_code == 403


# -- the register's API --------------------------------------------------------------------------


def test_the_register_through_the_api(call: Call) -> None:
    r = call("reviewer", "post", "/agencies", json={"name": "Northshire Police"})
    assert_error(r, 403, "forbidden")
    r = call("admin", "post", "/agencies", json={"name": "Northshire Police", "aliases": ["NP"]})
    assert r.status_code == 201, r.json
    police = r.json
    r = call("admin", "post", "/agencies", json={"name": "np"})
    assert_error(r, 409, "already_exists")
    r = call("admin", "post", "/agencies", json={"name": "Northshire Police Authority"})
    assert r.status_code == 201
    r = call("admin", "patch", f"/agencies/{police['id']}", json={"aliases": ["Police"]})
    assert r.json["aliases"] == ["Police"]
    assert_error(
        call("admin", "patch", "/agencies/99999", json={"active": False}), 404, "not_found"
    )
    names = [a["name"] for a in call("police", "get", "/agencies").json["items"]]
    assert names == ["Northshire Police", "Northshire Police Authority"]
    r = call(
        "reviewer",
        "post",
        "/cases",
        json={"review_type": "serious_case_review", "title": "A", "data": {"agencies": ["Polce"]}},
    )
    error = assert_error(r, 422, "invalid_input")
    assert "Did you mean Northshire Police?" in error["details"][0]


def test_the_chair_confirms_through_the_api(call: Call, service: Service) -> None:
    for name in ("Northshire Police", "Northshire Police Authority"):
        call("admin", "post", "/agencies", json={"name": name})
    opened = call(
        "reviewer",
        "post",
        "/cases",
        json={
            "review_type": "serious_case_review",
            "title": "A",
            "data": {"agencies": ["Northshire Police"]},
        },
    ).json
    body = {
        "organisation": "Northshire Police Authority",
        "agency": "Northshire Police",
        "reason": "The authority holds the force to account; it does not police.",
        "expected_version": opened["version"],
    }
    assert_error(
        call("reviewer", "post", f"/cases/{opened['id']}/independence-confirmations", json=body),
        403,
        "forbidden",
    )
    r = call("chair", "post", f"/cases/{opened['id']}/independence-confirmations", json=body)
    assert r.status_code == 201, r.json
    assert r.json["case_version"] == opened["version"] + 1
    r = call("chair", "post", f"/cases/{opened['id']}/independence-confirmations", json=body)
    assert_error(r, 409, "version_conflict")
    listed = call("reviewer", "get", f"/cases/{opened['id']}/independence-confirmations").json
    assert [c["organisation"] for c in listed["items"]] == ["Northshire Police Authority"]


def test_the_openapi_document_describes_the_register(call: Call) -> None:
    paths = call("reviewer", "get", "/openapi.json").json["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/agencies"])
    assert "patch" in paths["/api/v1/agencies/{agency_id}"]
    assert "post" in paths["/api/v1/cases/{case_id}/independence-confirmations"]
