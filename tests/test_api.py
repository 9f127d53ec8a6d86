"""The JSON API under /api/v1, driven from outside as a script or another system would: every
call, every status code of the contract, the one error body, agency scoping, paging, the
overdue filter, the OpenAPI document, and that a refused request changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from tests.api_client import API, MAX_BODY, PAGE_SIZE, Call, assert_error
from tests.conftest import DEFINITIONS, Clock
from web import errors
from workflow.core.errors import (
    AlreadyExists,
    DefinitionError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    TransitionBlocked,
    TransitionNotAllowed,
    VersionConflict,
    WorkflowError,
)
from workflow.services.accounts import user_named
from workflow.services.cases import Service
from workflow.store.models.cases import Case, Event
from workflow.store.models.catalog import ReviewTypeVersion
from workflow.store.models.time import Deadline

CRITERIA = {
    "abuse_or_neglect": True,
    "child_died": False,
    "seriously_harmed": True,
    "looked_after_child": False,
    "regulated_setting": False,
}
NEW_TYPE = """schema = 1
key = "peer_challenge_review"
name = "Good-practice review"
initial = "open"
open_roles = ["reviewer"]

[states.open]
label = "Open"

[states.closed]
label = "Closed"
final = true

[[transitions]]
trigger = "close"
source = "open"
dest = "closed"
roles = ["reviewer"]
guards = []
"""
BAD_TYPE = """key = "broken"
name = "Broken"
initial = "a"
bogus = 1

[states.a]

[[transitions]]
trigger = "t"
source = "a"
dest = "nowhere"
roles = ["nobody"]
"""


# -- fixtures ---------------------------------------------------------------------------------


def ni_body(title: str = "Child A", **data: Any) -> dict[str, Any]:
    data.setdefault("aware_at", "2026-11-27")
    return {"review_type": "notifiable_incident", "title": title, "data": data}


@pytest.fixture
def open_case(call: Call) -> Callable[..., dict[str, Any]]:
    def do(title: str = "Child A", who: str = "reviewer", **data: Any) -> dict[str, Any]:
        r = call(who, "post", "/cases", json=ni_body(title, **data))
        assert r.status_code == 201, r.json
        return dict(r.json)

    return do


def stored(service: Service) -> dict[str, Any]:
    """Everything a request could change, read straight from the database."""
    with Session(service.db) as s:
        cases = [
            (c.id, c.state, c.version, dict(c.data), c.title, c.definition_version)
            for c in s.exec(select(Case).order_by(col(Case.id)))
        ]
        events = [
            (e.case_id, e.seq, e.kind, e.trigger, e.from_state, e.to_state, e.note)
            for e in s.exec(select(Event).order_by(col(Event.id)))
        ]
        deadlines = [
            (d.id, d.name, d.status, d.due_date, d.current)
            for d in s.exec(select(Deadline).order_by(col(Deadline.id)))
        ]
        versions = s.exec(select(func.count()).select_from(ReviewTypeVersion)).one()
    return {"cases": cases, "events": events, "deadlines": deadlines, "versions": versions}


# -- authentication ---------------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/review-types"),
    ("get", "/review-types/notifiable_incident"),
    ("put", "/review-types/notifiable_incident"),
    ("post", "/cases"),
    ("get", "/cases"),
    ("get", "/cases/1"),
    ("patch", "/cases/1"),
    ("post", "/cases/1/transitions"),
    ("get", "/cases/1/events"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_call_without_a_token_gets_401(call: Call, method: str, path: str) -> None:
    r = call("", method, path, json={})
    error = assert_error(r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in error["message"]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_call_with_an_unknown_token_gets_401(call: Call, method: str, path: str) -> None:
    r = call("", method, path, json={}, headers={"Authorization": "Bearer not-a-real-token"})
    error = assert_error(r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert "not recognised" in error["message"]


def test_another_kind_of_authorization_gets_401(call: Call) -> None:
    r = call("", "get", "/cases", headers={"Authorization": "Basic cml0YTpwYXNzd29yZA=="})
    assert_error(r, 401, "unauthorized")


def test_the_token_of_a_deactivated_user_gets_401(
    call: Call, service: Service, tokens: dict[str, str]
) -> None:
    assert call("reviewer", "get", "/cases").status_code == 200
    with service.store.write() as u:
        user_named(u, "rita").active = False
    assert_error(call("reviewer", "get", "/cases"), 401, "unauthorized")


# -- review types -----------------------------------------------------------------------------


def test_list_review_types_gives_the_latest_version_of_each(call: Call) -> None:
    r = call("police", "get", "/review-types")
    assert r.status_code == 200
    by_key = {t["key"]: t for t in r.json}
    shipped = {p.stem for p in DEFINITIONS.glob("*.toml")}
    assert set(by_key) == shipped
    ni = by_key["notifiable_incident"]
    assert {"key", "name", "version", "initial", "states"} <= set(ni)
    assert ni["version"] == 1 and ni["initial"] == "referral"
    assert "referral" in [s["key"] for s in ni["states"]]


def test_get_review_type_shows_source_states_transitions_and_timers(call: Call) -> None:
    r = call("reviewer", "get", "/review-types/notifiable_incident")
    assert r.status_code == 200
    body = r.json
    assert {"key", "name", "version", "source", "states", "transitions", "timers"} <= set(body)
    assert body["source"] == (DEFINITIONS / "notifiable_incident.toml").read_text("utf-8")
    notify = next(t for t in body["transitions"] if t["trigger"] == "notify")
    assert notify["source"] == ["referral"]
    assert notify["dest"] == "notified"
    assert set(notify["roles"]) == {"reviewer", "chair"}
    assert "notification" in [t["name"] for t in body["timers"]]


def test_get_unknown_review_type_is_404(call: Call) -> None:
    error = assert_error(call("reviewer", "get", "/review-types/nope"), 404, "not_found")
    assert "notifiable_incident" in error["message"]  # names the ones that exist
    assert_error(
        call("reviewer", "get", "/review-types/notifiable_incident?version=9"), 404, "not_found"
    )


def test_publish_makes_the_next_version_and_open_cases_keep_theirs(
    call: Call, open_case: Callable[..., dict[str, Any]]
) -> None:
    before = open_case("Opened on version 1")
    source = (DEFINITIONS / "notifiable_incident.toml").read_text("utf-8")
    source = source.replace('name = "Notifiable incident"', 'name = "Notifiable incident (2)"')

    r = call("admin", "put", "/review-types/notifiable_incident", json={"source": source})

    assert r.status_code == 201, r.json
    assert r.json == {"key": "notifiable_incident", "version": 2}
    assert r.headers["Location"].endswith(f"{API}/review-types/notifiable_incident")
    latest = call("reviewer", "get", "/review-types/notifiable_incident").json
    assert latest["version"] == 2 and latest["name"] == "Notifiable incident (2)"
    first = call("reviewer", "get", "/review-types/notifiable_incident?version=1").json
    assert first["version"] == 1 and first["name"] == "Notifiable incident"
    assert call("reviewer", "get", f"/cases/{before['id']}").json["definition_version"] == 1
    assert open_case("Opened on version 2")["definition_version"] == 2


def test_publish_a_new_review_type_starts_at_version_1(call: Call) -> None:
    r = call("admin", "put", "/review-types/peer_challenge_review", json={"source": NEW_TYPE})
    assert r.status_code == 201
    assert r.json == {"key": "peer_challenge_review", "version": 1}
    keys = [t["key"] for t in call("reviewer", "get", "/review-types").json]
    assert "peer_challenge_review" in keys


@pytest.mark.parametrize("who", ["reviewer", "chair", "lead", "police"])
def test_only_an_admin_may_publish(call: Call, who: str) -> None:
    r = call(who, "put", "/review-types/peer_challenge_review", json={"source": NEW_TYPE})
    error = assert_error(r, 403, "forbidden")
    assert "admin" in error["message"]


def test_publish_an_invalid_definition_lists_every_problem(call: Call) -> None:
    r = call("admin", "put", "/review-types/broken", json={"source": BAD_TYPE})
    error = assert_error(r, 422, "invalid_definition")
    details = error["details"]
    assert len(details) == 4, details
    assert any("bogus" in d for d in details)
    assert any("nowhere" in d for d in details)
    assert any("nobody" in d for d in details)
    assert any("final" in d for d in details)
    assert "4 problems" in error["message"]


def test_publish_needs_the_key_of_the_address(call: Call) -> None:
    r = call("admin", "put", "/review-types/other_key", json={"source": NEW_TYPE})
    error = assert_error(r, 422, "invalid_definition")
    assert len(error["details"]) == 1
    assert "peer_challenge_review" in error["details"][0] and "other_key" in error["details"][0]


def test_publish_toml_that_does_not_parse_is_422(call: Call) -> None:
    r = call("admin", "put", "/review-types/x", json={"source": "key = "})
    error = assert_error(r, 422, "invalid_definition")
    assert "TOML" in error["details"][0]


def test_publish_without_source_is_invalid_input(call: Call) -> None:
    r = call("admin", "put", "/review-types/x", json={"toml": NEW_TYPE})
    error = assert_error(r, 422, "invalid_input")
    assert error["details"] == [
        "source: Missing data for required field.",
        "toml: Unknown field.",
    ]


# -- cases ------------------------------------------------------------------------------------

CASE_KEYS = {
    "id",
    "reference",
    "review_type",
    "definition_version",
    "state",
    "version",
    "title",
    "data",
    "created_at",
    "updated_at",
    "deadlines",
    "transitions",
}


def test_open_case_answers_201_with_the_case(call: Call, service: Service) -> None:
    r = call("reviewer", "post", "/cases", json=ni_body(agencies=["Police"]))
    assert r.status_code == 201, r.json
    case = r.json
    assert set(case) >= CASE_KEYS
    assert case["review_type"] == "notifiable_incident"
    assert case["state"] == "referral"
    assert case["title"] == "Child A"
    assert case["data"] == {"aware_at": "2026-11-27", "agencies": ["Police"]}
    assert case["definition_version"] == 1
    assert r.headers["Location"].endswith(f"{API}/cases/{case['id']}")
    assert datetime.fromisoformat(case["created_at"]).utcoffset() is not None
    [deadline] = case["deadlines"]
    assert {"name", "due_date", "due_at", "status"} <= set(deadline)
    assert deadline["name"] == "notification" and deadline["status"] == "pending"
    assert deadline["due_date"] == "2026-12-04"  # end of the 5th working day after 27 Nov
    assert datetime.fromisoformat(deadline["due_at"]).utcoffset() == timedelta(0)
    notify = next(t for t in case["transitions"] if t["trigger"] == "notify")
    assert {"trigger", "dest", "allowed", "blocked_by"} <= set(notify)
    assert notify["allowed"] is False and len(notify["blocked_by"]) == 5
    assert call("reviewer", "get", f"/cases/{case['id']}").json == case


def test_open_case_with_missing_fields_lists_each(call: Call) -> None:
    r = call("reviewer", "post", "/cases", json={"data": []})
    error = assert_error(r, 422, "invalid_input")
    assert error["details"] == [
        "data: Not a valid mapping type.",
        "review_type: Missing data for required field.",
        "title: Missing data for required field.",
    ]


def test_open_case_with_a_blank_title_is_invalid_input(call: Call) -> None:
    error = assert_error(
        call("reviewer", "post", "/cases", json=ni_body(title="  ")), 422, "invalid_input"
    )
    assert any("title" in d for d in error["details"])


def test_open_case_of_an_unknown_review_type_is_invalid_input(call: Call) -> None:
    body = {"review_type": "nope", "title": "Child A", "data": {}}
    error = assert_error(call("reviewer", "post", "/cases", json=body), 422, "invalid_input")
    assert error["details"][0].startswith("review_type: ")
    assert "notifiable_incident" in error["details"][0]


def test_open_case_breaking_a_rule_of_the_review_type_is_invalid_input(call: Call) -> None:
    r = call("reviewer", "post", "/cases", json=ni_body(aware_at="2027-01-01"))
    error = assert_error(r, 422, "invalid_input")
    assert any("aware_at" in d for d in error["details"])
    body = {"review_type": "notifiable_incident", "title": "Child A", "data": {}}
    error = assert_error(call("reviewer", "post", "/cases", json=body), 422, "invalid_input")
    assert any("aware_at" in d for d in error["details"])


@pytest.mark.parametrize("who", ["police", "lead", "admin"])
def test_open_case_by_a_role_that_may_not_is_403(call: Call, who: str) -> None:
    assert_error(call(who, "post", "/cases", json=ni_body()), 403, "forbidden")


def test_get_a_case_that_does_not_exist_is_404(call: Call) -> None:
    error = assert_error(call("reviewer", "get", "/cases/999"), 404, "not_found")
    assert "999" in error["message"]
    assert_error(call("reviewer", "get", "/cases/999/events"), 404, "not_found")
    assert_error(call("reviewer", "get", "/cases/not-a-number"), 404, "not_found")


def test_patch_merges_data_key_by_key(call: Call, open_case: Callable[..., Any]) -> None:
    case = open_case(agencies=["Police"], keep="me")
    body = {
        "data": {"keep": None, "agencies": ["Police", "Health"], "new": {"a": 1}},
        "expected_version": case["version"],
        "note": "Health joined",
    }
    r = call("reviewer", "patch", f"/cases/{case['id']}", json=body)
    assert r.status_code == 200, r.json
    assert r.json["data"] == {
        "aware_at": "2026-11-27",
        "agencies": ["Police", "Health"],
        "new": {"a": 1},
    }
    assert r.json["version"] > case["version"]
    events = call("reviewer", "get", f"/cases/{case['id']}/events").json
    assert events[-1]["kind"] == "data_changed" and events[-1]["note"] == "Health joined"


def test_patch_with_a_stale_version_is_409(call: Call, open_case: Callable[..., Any]) -> None:
    case = open_case()
    first = {"data": {"x": 1}, "expected_version": case["version"]}
    assert call("reviewer", "patch", f"/cases/{case['id']}", json=first).status_code == 200
    second = {"data": {"x": 2}, "expected_version": case["version"]}
    error = assert_error(
        call("reviewer", "patch", f"/cases/{case['id']}", json=second), 409, "version_conflict"
    )
    assert "Reload" in error["message"]


def test_patch_without_expected_version_says_which_field(
    call: Call, open_case: Callable[..., Any]
) -> None:
    case = open_case()
    r = call("reviewer", "patch", f"/cases/{case['id']}", json={"data": {"x": 1}})
    error = assert_error(r, 422, "invalid_input")
    assert error["details"] == ["expected_version: Missing data for required field."]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"data": {"x": 1}, "expected_version": "1"}, "expected_version: Not a valid integer."),
        ({"data": {"x": 1}, "expected_version": 1.5}, "expected_version: Not a valid integer."),
        ({"data": "x", "expected_version": 1}, "data: Not a valid mapping type."),
        ({"data": {"x": 1}, "expected_version": 1, "note": 3}, "note: Not a valid string."),
    ],
)
def test_patch_with_wrong_types_is_invalid_input(
    call: Call, open_case: Callable[..., Any], body: dict[str, Any], detail: str
) -> None:
    case = open_case()
    error = assert_error(
        call("reviewer", "patch", f"/cases/{case['id']}", json=body), 422, "invalid_input"
    )
    assert error["details"] == [detail]


def test_patch_with_nothing_to_change_is_invalid_input(
    call: Call, open_case: Callable[..., Any]
) -> None:
    case = open_case()
    body = {"data": {}, "expected_version": case["version"]}
    assert_error(call("reviewer", "patch", f"/cases/{case['id']}", json=body), 422, "invalid_input")


def test_an_agency_user_may_not_change_data(call: Call, open_case: Callable[..., Any]) -> None:
    case = open_case(agencies=["Police"])
    body = {"data": {"x": 1}, "expected_version": case["version"]}
    assert_error(call("police", "patch", f"/cases/{case['id']}", json=body), 403, "forbidden")


def test_transition_merges_data_before_guards_and_meets_the_deadline(
    call: Call, open_case: Callable[..., Any]
) -> None:
    case = open_case()
    body = {
        "trigger": "notify",
        "expected_version": case["version"],
        "note": "Sent to Ofsted",
        "data": {"criteria": CRITERIA},
    }
    r = call("reviewer", "post", f"/cases/{case['id']}/transitions", json=body)
    assert r.status_code == 200, r.json
    after = r.json
    assert after["state"] == "notified"
    assert after["version"] > case["version"]
    assert after["data"]["criteria"] == CRITERIA
    assert after["data"]["notified_at"] == "2026-11-30"  # today, recorded by the step
    notification = next(d for d in after["deadlines"] if d["name"] == "notification")
    assert notification["status"] == "met"
    events = call("reviewer", "get", f"/cases/{case['id']}/events").json
    step = next(e for e in events if e["kind"] == "transition")
    assert (step["trigger"], step["from_state"], step["to_state"]) == (
        "notify",
        "referral",
        "notified",
    )
    assert step["note"] == "Sent to Ofsted" and step["actor"] == "rita"


def test_a_blocked_transition_lists_each_unmet_requirement(
    call: Call, open_case: Callable[..., Any]
) -> None:
    case = open_case()
    body = {"trigger": "notify", "expected_version": case["version"], "note": ""}
    r = call("reviewer", "post", f"/cases/{case['id']}/transitions", json=body)
    error = assert_error(r, 422, "blocked")
    assert len(error["details"]) == 5
    assert all(d.startswith("Answer yes or no") for d in error["details"])
    assert "notify" in error["message"]


@pytest.mark.parametrize("trigger", ["decide_scr", "fly"])
def test_a_trigger_that_does_not_leave_the_state_is_not_available(
    call: Call, open_case: Callable[..., Any], trigger: str
) -> None:
    case = open_case()
    body = {"trigger": trigger, "expected_version": case["version"]}
    r = call("chair", "post", f"/cases/{case['id']}/transitions", json=body)
    error = assert_error(r, 422, "not_available")
    assert trigger in error["message"]


def test_a_role_that_may_not_take_the_step_is_403(
    call: Call, open_case: Callable[..., Any]
) -> None:
    case = open_case(criteria=CRITERIA)
    body = {"trigger": "notify", "expected_version": case["version"]}
    notified = call("reviewer", "post", f"/cases/{case['id']}/transitions", json=body).json
    decide = {
        "trigger": "decide_scr",
        "expected_version": notified["version"],
        "data": {"decision_rationale": "Criteria met"},
    }
    r = call("reviewer", "post", f"/cases/{case['id']}/transitions", json=decide)
    error = assert_error(r, 403, "forbidden")
    assert "chair" in error["message"]


def test_a_transition_with_a_stale_version_is_409(
    call: Call, open_case: Callable[..., Any]
) -> None:
    case = open_case(criteria=CRITERIA)
    patch = {"data": {"x": 1}, "expected_version": case["version"]}
    assert call("reviewer", "patch", f"/cases/{case['id']}", json=patch).status_code == 200
    body = {"trigger": "notify", "expected_version": case["version"]}
    r = call("reviewer", "post", f"/cases/{case['id']}/transitions", json=body)
    assert_error(r, 409, "version_conflict")


def test_a_stale_version_is_409_even_when_the_step_has_left_the_state(
    call: Call, open_case: Callable[..., Any]
) -> None:
    """Someone else took the step first: the caller is told to reload, not that it is closed."""
    case = open_case(criteria=CRITERIA)
    body = {"trigger": "notify", "expected_version": case["version"]}
    assert call("chair", "post", f"/cases/{case['id']}/transitions", json=body).status_code == 200
    r = call("reviewer", "post", f"/cases/{case['id']}/transitions", json=body)
    assert_error(r, 409, "version_conflict")


def test_a_transition_without_trigger_is_invalid_input(
    call: Call, open_case: Callable[..., Any]
) -> None:
    case = open_case()
    r = call("reviewer", "post", f"/cases/{case['id']}/transitions", json={})
    error = assert_error(r, 422, "invalid_input")
    assert error["details"] == [
        "expected_version: Missing data for required field.",
        "trigger: Missing data for required field.",
    ]


def test_events_are_the_audit_trail_oldest_first(call: Call, open_case: Callable[..., Any]) -> None:
    case = open_case(criteria=CRITERIA)
    body = {"trigger": "notify", "expected_version": case["version"], "note": "done"}
    call("reviewer", "post", f"/cases/{case['id']}/transitions", json=body)
    r = call("reviewer", "get", f"/cases/{case['id']}/events")
    assert r.status_code == 200
    events = r.json
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["kind"] == "created"
    for e in events:
        assert {"seq", "at", "actor", "kind", "trigger", "from_state", "to_state", "note"} <= set(e)
        assert datetime.fromisoformat(e["at"]).utcoffset() is not None


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_nothing_can_edit_or_delete_the_audit_trail(
    call: Call, open_case: Callable[..., Any], method: str
) -> None:
    case = open_case()
    r = call("reviewer", method, f"/cases/{case['id']}/events", json={})
    error = assert_error(r, 405, "method_not_allowed")
    assert "GET" in error["message"]
    assert "GET" in r.headers["Allow"]


# -- agency scoping ---------------------------------------------------------------------------


def test_an_agency_user_sees_only_its_agencies_cases(
    call: Call, open_case: Callable[..., Any]
) -> None:
    police = open_case("Police case", agencies=["Police", "Health"])
    health = open_case("Health case", agencies=["Health"])
    open_case("Nobody's case")

    listed = call("police", "get", "/cases").json
    assert [c["id"] for c in listed["items"]] == [police["id"]]
    assert call("police", "get", f"/cases/{police['id']}").status_code == 200
    assert call("police", "get", f"/cases/{police['id']}/events").status_code == 200

    for path in (f"/cases/{health['id']}", f"/cases/{health['id']}/events"):
        error = assert_error(call("police", "get", path), 404, "not_found")
        assert "Health" not in error["message"]
    patch = {"data": {"x": 1}, "expected_version": health["version"]}
    assert_error(call("police", "patch", f"/cases/{health['id']}", json=patch), 404, "not_found")
    step = {"trigger": "notify", "expected_version": health["version"]}
    r = call("police", "post", f"/cases/{health['id']}/transitions", json=step)
    assert_error(r, 404, "not_found")

    both = call("health", "get", "/cases").json["items"]
    assert {c["id"] for c in both} == {police["id"], health["id"]}
    assert len(call("reviewer", "get", "/cases").json["items"]) == 3


def test_a_lead_reviewer_sees_only_the_cases_they_lead(
    call: Call, open_case: Callable[..., Any]
) -> None:
    led = open_case("Led", lead_reviewer={"name": "Lena Lead", "organisations": ["Independent"]})
    other = open_case("Not led")
    assert [c["id"] for c in call("lead", "get", "/cases").json["items"]] == [led["id"]]
    assert_error(call("lead", "get", f"/cases/{other['id']}"), 404, "not_found")


# -- listing, paging, filters -----------------------------------------------------------------


def test_paging_walks_every_case_once_newest_first(
    call: Call, open_case: Callable[..., Any]
) -> None:
    ids = [open_case(f"Child {i}")["id"] for i in range(7)]
    seen: list[int] = []
    pages = 0
    query = "/cases?limit=3"
    while True:
        r = call("reviewer", "get", query)
        assert r.status_code == 200
        page = r.json
        assert set(page) == {"items", "next_after"}
        assert len(page["items"]) <= 3
        seen += [c["id"] for c in page["items"]]
        pages += 1
        if page["next_after"] is None:
            break
        query = f"/cases?limit=3&after={page['next_after']}"
    assert pages == 3
    assert seen == sorted(ids, reverse=True)


def test_the_default_page_is_the_configured_page_size(
    call: Call, open_case: Callable[..., Any]
) -> None:
    for i in range(PAGE_SIZE + 1):
        open_case(f"Child {i}")
    page = call("reviewer", "get", "/cases").json
    assert len(page["items"]) == PAGE_SIZE
    assert page["next_after"] == page["items"][-1]["id"]
    rest = call("reviewer", "get", f"/cases?after={page['next_after']}").json
    assert len(rest["items"]) == 1 and rest["next_after"] is None


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("limit=0", "limit: Must be greater than or equal to 1 and less than or equal to 200."),
        ("limit=201", "limit: Must be greater than or equal to 1 and less than or equal to 200."),
        ("limit=many", "limit: Not a valid integer."),
        ("after=x", "after: Not a valid integer."),
        ("overdue=perhaps", "overdue: Not a valid boolean."),
    ],
)
def test_bad_query_parameters_are_invalid_input(call: Call, query: str, detail: str) -> None:
    error = assert_error(call("reviewer", "get", f"/cases?{query}"), 422, "invalid_input")
    assert error["details"] == [detail]


def test_filter_by_review_type_and_state(call: Call, open_case: Callable[..., Any]) -> None:
    ni = open_case("Incident", criteria=CRITERIA)
    scr = call(
        "chair",
        "post",
        "/cases",
        json={"review_type": "serious_case_review", "title": "SCR", "data": {}},
    )
    assert scr.status_code == 201, scr.json
    step = {"trigger": "notify", "expected_version": ni["version"]}
    assert call("reviewer", "post", f"/cases/{ni['id']}/transitions", json=step).status_code == 200
    still = open_case("Still in referral")

    def ids(query: str) -> list[int]:
        r = call("reviewer", "get", f"/cases?{query}")
        assert r.status_code == 200
        return [c["id"] for c in r.json["items"]]

    assert ids("review_type=notifiable_incident") == [still["id"], ni["id"]]
    assert ids("review_type=serious_case_review") == [scr.json["id"]]
    assert ids("review_type=notifiable_incident&state=notified") == [ni["id"]]
    assert ids("state=referral&review_type=notifiable_incident") == [still["id"]]
    assert ids("review_type=nothing_like_it") == []


def test_overdue_lists_cases_with_a_deadline_past_due(
    call: Call, open_case: Callable[..., Any], clock: Clock
) -> None:
    late = open_case("Late", aware_at="2026-11-27")
    later = open_case("Later", aware_at="2026-11-30")
    met = open_case("Notified in time", aware_at="2026-11-27", criteria=CRITERIA)
    step = {"trigger": "notify", "expected_version": met["version"]}
    assert call("reviewer", "post", f"/cases/{met['id']}/transitions", json=step).status_code == 200
    due_at = datetime.fromisoformat(late["deadlines"][0]["due_at"])
    assert due_at < datetime.fromisoformat(later["deadlines"][0]["due_at"])

    assert call("reviewer", "get", "/cases?overdue=true").json["items"] == []
    clock.now = due_at - timedelta(seconds=1)
    assert call("reviewer", "get", "/cases?overdue=true").json["items"] == []
    clock.now = due_at + timedelta(seconds=1)
    overdue = call("reviewer", "get", "/cases?overdue=true").json["items"]
    assert [c["id"] for c in overdue] == [late["id"]]
    assert len(call("reviewer", "get", "/cases?overdue=false").json["items"]) == 3


# -- the error body for HTTP-level errors -----------------------------------------------------


def test_malformed_json_is_400(call: Call) -> None:
    r = call("reviewer", "post", "/cases", data='{"title": ', content_type="application/json")
    error = assert_error(r, 400, "bad_request")
    assert "JSON" in error["message"]


def test_a_body_not_sent_as_json_is_400(call: Call) -> None:
    r = call("reviewer", "post", "/cases", data="title=Child+A", content_type="text/plain")
    error = assert_error(r, 400, "bad_request")
    assert "Content-Type: application/json" in error["message"]


def test_a_json_body_that_is_not_an_object_is_invalid_input(call: Call) -> None:
    error = assert_error(call("reviewer", "post", "/cases", json=[1, 2]), 422, "invalid_input")
    assert error["details"] == ['The request body must be a JSON object, e.g. {"key": "value"}.']


def test_a_body_over_the_configured_size_is_413(call: Call) -> None:
    body = ni_body(notes="x" * (MAX_BODY + 1))
    error = assert_error(call("reviewer", "post", "/cases", json=body), 413, "too_large")
    assert str(MAX_BODY) in error["message"]


def test_an_unknown_address_is_404(call: Call) -> None:
    error = assert_error(call("reviewer", "get", "/nothing-here"), 404, "not_found")
    assert "/api/v1/openapi.json" in error["message"]


def test_a_method_not_offered_is_405(call: Call) -> None:
    error = assert_error(call("reviewer", "delete", "/cases"), 405, "method_not_allowed")
    assert "GET" in error["message"] and "POST" in error["message"]


def test_an_internal_error_is_500_in_the_same_shape(
    call: Call, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> list[dict[str, Any]]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(service, "review_types", broken)
    error = assert_error(call("reviewer", "get", "/review-types"), 500, "internal_error")
    assert "disk" not in error["message"]  # internals are logged, not shown


ERRORS: list[tuple[WorkflowError, int, str]] = [
    (InvalidInput("The case was not opened.", ["title: missing"]), 422, "invalid_input"),
    (DefinitionError([Problem("f", "key", "is wrong")]), 422, "invalid_definition"),
    (
        TransitionNotAllowed("'x' cannot be taken from 'Referral'.", trigger="x", state="referral"),
        422,
        "not_available",
    ),
    (TransitionBlocked("'x' is blocked until each listed is met.", ["a", "b"]), 422, "blocked"),
    (VersionConflict("The case is at version 3, not 2; reload it."), 409, "version_conflict"),
    (NotFound("There is no case 9 that you can see."), 404, "not_found"),
    (PermissionDenied("A reviewer may not do this; ask a chair."), 403, "forbidden"),
    (AlreadyExists("A user named 'x' exists already; choose another."), 409, "already_exists"),
]


@pytest.mark.parametrize(("exc", "status", "code"), ERRORS)
def test_each_typed_error_has_its_status_and_code(
    app: APIFlask, exc: WorkflowError, status: int, code: str
) -> None:
    with app.test_request_context(f"{API}/cases"):
        body, got_status, _headers = errors.process_error(errors.http_error(exc))  # type: ignore[misc]
    assert got_status == status
    assert body == {"error": {"code": code, "message": exc.message, "details": exc.details}}


# -- a refused request changes nothing --------------------------------------------------------


REFUSALS: dict[str, Callable[[Call, dict[str, Any]], Any]] = {
    "400 malformed JSON": lambda call, c: call(
        "reviewer", "patch", f"/cases/{c['id']}", data="{", content_type="application/json"
    ),
    "401 no token": lambda call, c: call(
        "", "patch", f"/cases/{c['id']}", json={"data": {"x": 1}, "expected_version": c["version"]}
    ),
    "403 role": lambda call, c: call(
        "police",
        "patch",
        f"/cases/{c['id']}",
        json={"data": {"x": 1}, "expected_version": c["version"]},
    ),
    "403 step role": lambda call, c: call(
        "police",
        "post",
        f"/cases/{c['id']}/transitions",
        json={"trigger": "notify", "expected_version": c["version"], "data": {"x": 1}},
    ),
    "403 publish": lambda call, c: call(
        "reviewer", "put", "/review-types/peer_challenge_review", json={"source": NEW_TYPE}
    ),
    "404 other agency": lambda call, c: call("health", "get", f"/cases/{c['id']}"),
    "409 stale version": lambda call, c: call(
        "reviewer",
        "post",
        f"/cases/{c['id']}/transitions",
        json={
            "trigger": "notify",
            "expected_version": c["version"] - 1,
            "data": {"criteria": CRITERIA},
        },
    ),
    "413 too large": lambda call, c: call(
        "reviewer",
        "patch",
        f"/cases/{c['id']}",
        json={"data": {"x": "y" * MAX_BODY}, "expected_version": c["version"]},
    ),
    "422 blocked with data": lambda call, c: call(
        "reviewer",
        "post",
        f"/cases/{c['id']}/transitions",
        json={
            "trigger": "notify",
            "expected_version": c["version"],
            "data": {"criteria": {"abuse_or_neglect": True}, "x": 1},
        },
    ),
    "422 not available": lambda call, c: call(
        "chair",
        "post",
        f"/cases/{c['id']}/transitions",
        json={"trigger": "decide_scr", "expected_version": c["version"], "data": {"x": 1}},
    ),
    "422 data rule": lambda call, c: call(
        "reviewer",
        "patch",
        f"/cases/{c['id']}",
        json={"data": {"aware_at": "2030-01-01"}, "expected_version": c["version"]},
    ),
    "422 wrong type": lambda call, c: call(
        "reviewer", "patch", f"/cases/{c['id']}", json={"data": {"x": 1}, "expected_version": "2"}
    ),
    "422 invalid definition": lambda call, c: call(
        "admin", "put", "/review-types/broken", json={"source": BAD_TYPE}
    ),
    "422 open invalid case": lambda call, c: call(
        "reviewer", "post", "/cases", json=ni_body(aware_at="2030-01-01")
    ),
}


@pytest.mark.parametrize("refusal", list(REFUSALS))
def test_a_refused_request_changes_nothing(
    call: Call, open_case: Callable[..., Any], service: Service, refusal: str
) -> None:
    case = open_case(agencies=["Police"])
    patch = {"data": {"y": 1}, "expected_version": case["version"]}
    case = call("reviewer", "patch", f"/cases/{case['id']}", json=patch).json
    before = stored(service)

    r = REFUSALS[refusal](call, case)

    status = int(refusal.split()[0])
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.json["error"]["code"]
    assert stored(service) == before


# -- the OpenAPI document ---------------------------------------------------------------------

OPERATIONS = {
    f"{API}/review-types": {"get"},
    f"{API}/review-types/{{key}}": {"get", "put"},
    f"{API}/cases": {"get", "post"},
    f"{API}/cases/{{id}}": {"get", "patch"},
    f"{API}/cases/{{id}}/transitions": {"post"},
    f"{API}/cases/{{id}}/events": {"get"},
}


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not ref:
        return node
    assert ref.startswith("#/")
    target: Any = spec
    for part in ref[2:].split("/"):
        target = target[part]
    return dict(target)


def test_the_openapi_document_describes_every_call(client: FlaskClient) -> None:
    r = client.get(f"{API}/openapi.json")
    assert r.status_code == 200
    spec = r.json
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]
    assert "next_after" in spec["info"]["description"]  # paging is documented

    schemes = spec["components"]["securitySchemes"]
    [(scheme_name, scheme)] = schemes.items()
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"

    error_schema = _resolve(spec, {"$ref": "#/components/schemas/ErrorBody"})
    info = _resolve(spec, error_schema["properties"]["error"])
    assert {"code", "message", "details"} <= set(info["properties"])

    for path, methods in OPERATIONS.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), path
        for method in methods:
            op = spec["paths"][path][method]
            assert op["summary"] and op["responses"]
            assert op["security"] == [{scheme_name: []}], (path, method)
            unauthorized = op["responses"]["401"]["content"]["application/json"]["schema"]
            assert unauthorized == {"$ref": "#/components/schemas/ErrorBody"}
            if method in ("post", "put", "patch"):
                body = op["requestBody"]["content"]["application/json"]["schema"]
                assert _resolve(spec, body)["properties"], (path, method)
                assert "422" in op["responses"]
            for status, response in op["responses"].items():
                assert response["description"]
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}

    params = {p["name"]: p for p in spec["paths"][f"{API}/cases"]["get"]["parameters"]}
    assert {"review_type", "state", "overdue", "limit", "after"} <= set(params)
    assert all(p["in"] == "query" and p["description"] for p in params.values())
    assert params["limit"]["schema"]["maximum"] == 200
    assert "next_after" in params["after"]["description"]
    assert "next_after" in spec["paths"][f"{API}/cases"]["get"]["description"]
    transition = spec["paths"][f"{API}/cases/{{id}}/transitions"]["post"]
    assert {"403", "404", "409", "422"} <= set(transition["responses"])
    body = _resolve(spec, transition["requestBody"]["content"]["application/json"]["schema"])
    assert {"trigger", "expected_version", "note", "data"} <= set(body["properties"])
    assert {"trigger", "expected_version"} <= set(body["required"])
    put = spec["paths"][f"{API}/review-types/{{key}}"]["put"]
    assert "201" in put["responses"] and "403" in put["responses"]
    case = _resolve(spec, {"$ref": "#/components/schemas/CaseView"})
    assert set(case["properties"]) >= CASE_KEYS
