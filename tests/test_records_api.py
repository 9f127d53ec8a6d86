"""The records API under /api/v1/cases/{id}/…, driven as a script or another system would: a
serious case review from referral to closed with each guard refusing, the missing record named,
until it is supplied; agency scoping; documents (multipart upload, 413, type checks, download
scoping); themes; the progress summary; and the OpenAPI document."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest

from tests import records_support as rs
from tests.api_client import Call, assert_error
from tests.conftest import Clock

CRITERIA = {
    "abuse_or_neglect": True,
    "child_died": True,
    "seriously_harmed": False,
    "concern_about_working_together": True,
    "died_in_custody": False,
}
AGENCIES = ["Police", "Health"]


def _ok(r: Any, status: int = 200) -> dict[str, Any]:
    assert r.status_code == status, r.get_data(as_text=True)
    return dict(r.json)


def _open(call: Call, **data: Any) -> dict[str, Any]:
    body = {"review_type": "serious_case_review", "title": "Child A", "data": data}
    return _ok(call("reviewer", "post", "/cases", json=body), 201)


def _version(call: Call, case_id: int) -> int:
    return int(_ok(call("reviewer", "get", f"/cases/{case_id}"))["version"])


def _add(call: Call, who: str, case_id: int, kind: str, /, status: int = 201, **fields: Any) -> Any:
    body = {**fields, "expected_version": _version(call, case_id)}
    r = call(who, "post", f"/cases/{case_id}/{kind}", json=body)
    return _ok(r, status) if status < 400 else r


def _patch(call: Call, who: str, case_id: int, kind: str, rid: int, /, **fields: Any) -> Any:
    body = {**fields, "expected_version": _version(call, case_id)}
    return call(who, "patch", f"/cases/{case_id}/{kind}/{rid}", json=body)


def _step(call: Call, who: str, case_id: int, trigger: str, **data: Any) -> Any:
    body = {"trigger": trigger, "expected_version": _version(call, case_id), "data": data}
    return call(who, "post", f"/cases/{case_id}/transitions", json=body)


def _blocked(call: Call, who: str, case_id: int, trigger: str, **data: Any) -> list[str]:
    return list(assert_error(_step(call, who, case_id, trigger, **data), 422, "blocked")["details"])


def _upload(
    call: Call, who: str, case_id: int, cid: int, name: str, content: bytes, ctype: str
) -> Any:
    form = {
        "file": (io.BytesIO(content), name, ctype),
        "expected_version": str(_version(call, case_id)),
    }
    return call(
        who,
        "post",
        f"/cases/{case_id}/contributions/{cid}/documents",
        data=form,
        content_type="multipart/form-data",
    )


def test_a_serious_case_review_from_referral_to_closed_through_the_api(
    call: Call, clock: Clock
) -> None:
    case = _open(call, agencies=AGENCIES)
    cid = case["id"]
    assert (
        _ok(_step(call, "chair", cid, "decide_scr", criteria=CRITERIA, decision_rationale="Met"))[
            "state"
        ]
        == "scoping"
    )

    # Appointing the lead: refused until an independent lead is recorded.
    assert _blocked(call, "chair", cid, "appoint_lead") == [
        "Record the scale of the review in scoping (data.scoping.scale).",
        "Record the method of the review in scoping (data.scoping.method).",
        "No lead reviewer is appointed: record the lead reviewer's appointment (name, "
        "organisations and the date appointed).",
    ]
    refused = _add(
        call,
        "reviewer",
        cid,
        "lead-appointments",
        status=422,
        name="Pat Officer",
        organisations=["police "],
    )
    assert assert_error(refused, 422, "invalid_input")["details"] == [
        "The lead reviewer Pat Officer (appointed on 2026-11-30) is not independent of the "
        "case: they belong to police, whose actions are under review; appoint someone from "
        "outside those agencies."
    ]
    _add(
        call,
        "reviewer",
        cid,
        "lead-appointments",
        name="Lena Lead",
        organisations=["Independent Reviews Ltd"],
    )
    scoping = {"scale": "Two years", "method": "Systems review"}
    assert _ok(_step(call, "chair", cid, "appoint_lead", scoping=scoping))["state"] == (
        "lead_appointed"
    )
    # Independence is kept: the agencies cannot now take in the lead's organisation.
    body = {"data": {"agencies": [*AGENCIES, "Independent Reviews Ltd"]}}
    body["expected_version"] = _version(call, cid)
    assert_error(call("reviewer", "patch", f"/cases/{cid}", json=body), 422, "invalid_input")

    assert any(
        "data.panel_told_of_review_at" in s
        for s in _blocked(call, "lead", cid, "start_involvement")
    )
    _ok(_step(call, "lead", cid, "start_involvement", **rs.PANEL_TOLD_OF_REVIEW))
    assert _blocked(call, "lead", cid, "begin_findings") == [
        "Invite the practitioners of Police: no practitioner of theirs is recorded as invited "
        "(agency, role and the date invited).",
        "Invite the practitioners of Health: no practitioner of theirs is recorded as invited "
        "(agency, role and the date invited).",
        "Invite the family, including surviving children: record each family member (by "
        "relationship, never by name) with the date invited and how the review was explained, "
        "or the reason they are not involved.",
    ]
    for agency in AGENCIES:
        _add(
            call,
            "lead",
            cid,
            "practitioners",
            agency=agency,
            role_title="Team manager",
            invited_on="2026-11-20",
        )
    mother = _add(
        call, "lead", cid, "family-members", relationship="mother", invited_on="2026-11-21"
    )
    assert _blocked(call, "lead", cid, "begin_findings") == [
        "Family member 1 (mother) was invited on 2026-11-21, but how the review was explained "
        "to them is not recorded."
    ]
    _ok(_patch(call, "lead", cid, "family-members", mother["id"], how_explained="Home visit"))
    chronology = _add(
        call,
        "reviewer",
        cid,
        "contributions",
        agency="Police",
        kind="chronology",
        due_date="2026-12-11",
    )
    _ok(_step(call, "lead", cid, "begin_findings"))

    assert _blocked(call, "lead", cid, "agree_findings") == [
        "The chronology requested from Police on 2026-11-30 is neither received nor waived.",
        "Record at least one finding, saying what happened and why.",
    ]
    # The police send their chronology: received, by them, with its hash.
    sent = _ok(
        _upload(
            call,
            "police",
            cid,
            chronology["id"],
            "chronology.txt",
            b"2026-11-02 Referral",
            "text/plain",
        ),
        201,
    )
    assert sent["sha256"] == hashlib.sha256(b"2026-11-02 Referral").hexdigest()
    finding = _add(
        call,
        "lead",
        cid,
        "findings",
        what_happened="Referral not shared",
        why="No common record",
        kind="problem",
        sources=[chronology["id"]],
    )
    assert finding["number"] == 1
    _ok(_step(call, "lead", cid, "agree_findings"))

    assert _blocked(call, "chair", cid, "sign_off_action_plan") == [
        "Finding 1 (problem) has no action with an owner agency and a due date: add one."
    ]
    action = _add(
        call,
        "reviewer",
        cid,
        "actions",
        finding=1,
        description="Shared record",
        owner_agency="Police",
        due_date="2027-03-31",
    )
    _ok(_step(call, "chair", cid, "sign_off_action_plan"))
    # Publication does not wait for the actions; closing the review does.
    _ok(_step(call, "chair", cid, "prepare_publication", report_sent_at="2026-11-20"))
    rs.api_final_report_signed_off(call, cid)
    published = _step(
        call,
        "chair",
        cid,
        "publish",
        board_response="The board accepts every finding.",
        publication_url="https://board.example/scr/child-a",
        harm_check_confirmed=True,
    )
    assert _ok(published)["state"] == "published"

    assert _blocked(call, "chair", cid, "close") == [
        "Action 1 (finding 1, Police, due 2027-03-31) is still open: record it done.",
        "Action 1 (finding 1, Police, due 2027-03-31) has no evidence of completion: record it.",
        "Action 1 (finding 1, Police, due 2027-03-31) has no evidence of impact: record it.",
    ]
    # The police report their own action done.
    _ok(
        _patch(
            call,
            "police",
            cid,
            "actions",
            action["id"],
            status="done",
            completion_evidence="Record in use",
            impact_evidence="Audit: all shared",
        )
    )
    summary = _ok(call("chair", "get", f"/cases/{cid}/actions/summary"))
    assert (summary["total"], summary["done"], summary["done_with_impact"]) == (1, 1, 1)
    clock.set("2027-12-01T09:00:00+00:00")
    withdrawn = _ok(_step(call, "chair", cid, "withdraw"))
    assert (withdrawn["state"], withdrawn["final"]) == ("no_longer_published", False)
    closed = _ok(_step(call, "chair", cid, "close"))
    assert (closed["state"], closed["final"]) == ("closed", True)
    kinds = [e["kind"] for e in _ok_list(call("reviewer", "get", f"/cases/{cid}/events"))]
    assert kinds.count("record_added") >= 8 and "record_changed" in kinds
    # A closed case's records no longer change.
    assert_error(
        _add(call, "reviewer", cid, "panel-members", status=422, name="Ruth", agency="Health"),
        422,
        "invalid_input",
    )


def _ok_list(r: Any) -> list[dict[str, Any]]:
    assert r.status_code == 200, r.get_data(as_text=True)
    return list(r.json)


def test_agency_users_see_and_update_only_their_own_through_the_api(call: Call) -> None:
    case = _open(call, agencies=AGENCIES)
    cid = case["id"]
    _add(call, "reviewer", cid, "findings", what_happened="A", kind="problem")
    police = _add(
        call,
        "reviewer",
        cid,
        "actions",
        finding=1,
        description="P",
        owner_agency="Police",
        due_date="2027-01-01",
    )
    health = _add(
        call,
        "reviewer",
        cid,
        "actions",
        finding=1,
        description="H",
        owner_agency="Health",
        due_date="2027-01-01",
    )
    _add(call, "reviewer", cid, "family-members", relationship="father")
    listed = _ok(call("police", "get", f"/cases/{cid}/actions"))
    assert [a["id"] for a in listed["items"]] == [police["id"]]
    assert listed["case_version"] == _version(call, cid)
    for kind in ("family-members", "panel-members", "practitioners", "findings"):
        assert_error(call("police", "get", f"/cases/{cid}/{kind}"), 403, "forbidden")
    assert_error(
        _patch(call, "police", cid, "actions", health["id"], status="done"), 404, "not_found"
    )
    assert_error(
        _patch(call, "police", cid, "actions", police["id"], owner_agency="Health"),
        403,
        "forbidden",
    )
    assert (
        _ok(_patch(call, "police", cid, "actions", police["id"], status="in_progress"))["status"]
        == "in_progress"
    )
    assert _ok(call("health", "get", f"/cases/{cid}/actions/summary"))["total"] == 1
    lists = _ok(call("reviewer", "get", "/cases"))
    assert "father" not in str(lists)


def test_a_stale_version_is_a_conflict_and_bad_fields_are_listed(call: Call) -> None:
    cid = _open(call)["id"]
    stale = _version(call, cid)
    _add(call, "reviewer", cid, "panel-members", name="Ruth", agency="Health")
    r = call(
        "reviewer",
        "post",
        f"/cases/{cid}/panel-members",
        json={"name": "Ian", "agency": "Police", "expected_version": stale},
    )
    assert_error(r, 409, "version_conflict")
    r = call(
        "reviewer",
        "post",
        f"/cases/{cid}/contributions",
        json={
            "agency": "Police",
            "kind": "letter",
            "colour": "red",
            "expected_version": _version(call, cid),
        },
    )
    details = assert_error(r, 422, "invalid_input")["details"]
    assert any(d.startswith("colour:") for d in details)
    assert any(d.startswith("kind:") for d in details)
    assert any(d.startswith("due_date:") for d in details)
    members = _ok(call("reviewer", "get", f"/cases/{cid}/panel-members"))["items"]
    removed = call(
        "reviewer",
        "delete",
        f"/cases/{cid}/panel-members/{members[0]['id']}?expected_version={stale}",
    )
    assert_error(removed, 409, "version_conflict")
    removed = call(
        "reviewer",
        "delete",
        f"/cases/{cid}/panel-members/{members[0]['id']}?expected_version={_version(call, cid)}",
    )
    assert _ok(removed)["removed"] == members[0]["id"]
    r = call(
        "reviewer", "post", f"/cases/{cid}/findings", data="not json", content_type="text/plain"
    )
    assert_error(r, 400, "bad_request")


def test_documents_through_the_api(call: Call, app: Any) -> None:
    app.extensions["workflow.settings"] = type(
        "S", (), {"max_document_bytes": 64 * 1024, "page_size": 4}
    )()
    cid = _open(call, agencies=AGENCIES)["id"]
    c = _add(
        call,
        "reviewer",
        cid,
        "contributions",
        agency="Police",
        kind="chronology",
        due_date="2026-12-11",
    )
    # Larger than any other request body (MAX_BODY) but within the document limit.
    big = b"a" * (40 * 1024)
    doc = _ok(_upload(call, "police", cid, c["id"], "long.txt", big, "text/plain"), 201)
    too_big = _upload(call, "police", cid, c["id"], "huge.txt", b"a" * (70 * 1024), "text/plain")
    assert_error(too_big, 413, "too_large")
    wrong = _upload(call, "police", cid, c["id"], "photo.png", b"\x89PNG", "image/png")
    assert "not accepted" in assert_error(wrong, 422, "invalid_input")["message"]
    assert_error(
        _upload(call, "health", cid, c["id"], "x.txt", b"x", "text/plain"), 404, "not_found"
    )
    got = call("police", "get", f"/cases/{cid}/documents/{doc['id']}")
    assert got.status_code == 200 and got.data == big
    assert got.headers["X-Content-SHA256"] == hashlib.sha256(big).hexdigest()
    assert got.headers["Content-Disposition"] == "attachment; filename*=UTF-8''long.txt"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert_error(call("health", "get", f"/cases/{cid}/documents/{doc['id']}"), 404, "not_found")
    assert call("admin", "get", f"/cases/{cid}/documents/{doc['id']}").status_code == 200


def test_themes_are_kept_by_admins(call: Call) -> None:
    made = _ok(call("admin", "post", "/themes", json={"name": "Neglect"}), 201)
    assert made == {"id": made["id"], "name": "Neglect", "description": "", "active": True}
    assert_error(call("reviewer", "post", "/themes", json={"name": "X"}), 403, "forbidden")
    assert_error(call("admin", "post", "/themes", json={"name": "neglect"}), 409, "already_exists")
    retired = call("admin", "patch", f"/themes/{made['id']}", json={"active": False})
    assert _ok(retired)["active"] is False
    assert _ok_list(call("police", "get", "/themes")) == []
    assert len(_ok_list(call("police", "get", "/themes?include_inactive=true"))) == 1


def test_the_openapi_document_describes_the_records(call: Call) -> None:
    spec = _ok(call("", "get", "/openapi.json"))
    paths = spec["paths"]
    for kind in (
        "lead-appointments",
        "panel-members",
        "practitioners",
        "family-members",
        "contributions",
        "findings",
        "actions",
    ):
        assert set(paths[f"/api/v1/cases/{{id}}/{kind}"]) >= {"get", "post"}
        assert set(paths[f"/api/v1/cases/{{id}}/{kind}/{{record_id}}"]) >= {"patch", "delete"}
    assert "get" in paths["/api/v1/cases/{id}/actions/summary"]
    upload = paths["/api/v1/cases/{id}/contributions/{contribution_id}/documents"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "413" in upload["responses"]
    assert {"get", "post"} <= set(paths["/api/v1/themes"])
    schemas = spec["components"]["schemas"]
    # A record as shown is nested in its list's schema (pydantic's $defs): "ActionList.ActionOut".
    assert "FindingIn" in schemas and any(n.split(".")[-1] == "ActionOut" for n in schemas)
    assert "linked_cases" in schemas["CaseView"]["properties"]


@pytest.mark.parametrize("who", ["police", "health"])
def test_linked_cases_are_shown_to_agencies_involved(call: Call, who: str) -> None:
    incident = _ok(
        call(
            "reviewer",
            "post",
            "/cases",
            json={
                "review_type": "notifiable_incident",
                "title": "Child B",
                "data": {"aware_at": "2026-11-27", "agencies": AGENCIES},
            },
        ),
        201,
    )
    iid = incident["id"]
    notifiable = {k: CRITERIA[k] for k in ("abuse_or_neglect", "child_died", "seriously_harmed")}
    notifiable |= {"looked_after_child": False, "regulated_setting": False}
    _ok(_step(call, "reviewer", iid, "notify", criteria=notifiable))
    decided = _ok(
        _step(
            call,
            "chair",
            iid,
            "decide_scr",
            criteria=notifiable | CRITERIA,
            decision_rationale="Met",
        )
    )
    (link,) = decided["linked_cases"]
    seen = _ok(call(who, "get", f"/cases/{link['id']}"))
    assert seen["linked_cases"][0]["reference"] == incident["reference"]
    assert seen["data"]["agencies"] == AGENCIES


def test_each_field_is_checked_by_its_kind_and_a_body_must_be_an_object(call: Call) -> None:
    cid = _open(call)["id"]
    version = _version(call, cid)
    r = call(
        "reviewer",
        "post",
        f"/cases/{cid}/findings",
        json={"what_happened": 7, "number": 0, "sources": ["a"], "expected_version": version},
    )
    assert assert_error(r, 422, "invalid_input")["details"] == [
        "number: must be a whole number from 1",
        "sources: must be a list of record ids",
        "what_happened: must be text",
    ]
    r = call("reviewer", "patch", f"/cases/{cid}/findings/1", json=[1, 2])
    assert assert_error(r, 422, "invalid_input")["details"] == [
        'The request body must be a JSON object, e.g. {"key": "value"}.'
    ]
    r = call(
        "reviewer",
        "post",
        f"/cases/{cid}/panel-members",
        json={"name": "Ian", "agency": "Police", "expected_version": "1"},
    )
    assert [d.split(":")[0] for d in assert_error(r, 422, "invalid_input")["details"]] == [
        "expected_version"
    ]
    assert _version(call, cid) == version
