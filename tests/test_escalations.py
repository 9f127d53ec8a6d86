"""Escalations: who is told (agency users only of their agencies' cases), listing them
(``GET /api/v1/escalations?open=true`` per the contract), acknowledging them (any role told,
once, audited), through the use cases and the JSON API."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from tests.conftest import DEFINITIONS, Clock
from web.app import create_app
from workflow.core.errors import NotFound, PermissionDenied
from workflow.core.events import EventKind
from workflow.core.roles import Actor
from workflow.services.accounts import NewUser, add_user, issue_token
from workflow.services.cases import Service
from workflow.services.time import escalations
from workflow.services.time.results import Acknowledgement
from workflow.services.time.sweep import sweep
from workflow.settings import Settings
from workflow.store.models.cases import Event
from workflow.store.models.time import Escalation, Notice

API = "/api/v1"
PEOPLE = {
    "reviewer": ("rita", "reviewer", []),
    "chair": ("carl", "chair", []),
    "admin": ("ada", "admin", []),
    "police": ("pat", "agency", ["Police"]),
    "health": ("hal", "agency", ["Health"]),
}
AGENCY_TIMER = """
key = "action_check"
name = "Action check"
initial = "open"
[states.open]
label = "Open"
[states.done]
label = "Done"
final = true
[[transitions]]
trigger = "finish"
source = "open"
dest = "done"
roles = ["agency", "chair"]
[timers.action]
label = "Complete the agency's action"
limit = "T8"
anchor = "data.action_set_at"
duration = "10 working days"
runs_in = ["open"]
met_by = ["finish"]
escalate_to = ["agency", "chair"]
"""
LATE = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        root=tmp_path,
        database_url=db_url,
        secret_key=secrets.token_urlsafe(32),
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path / "instance",
        page_size=3,
    )


@pytest.fixture
def tokens(service: Service) -> dict[str, str]:
    out = {}
    with service.store.write() as u:
        for who, (name, role, agencies) in PEOPLE.items():
            new = NewUser(name=name, role=role, agencies=agencies, email=f"{name}@board.example")
            add_user(u, new, service.now())
            out[who] = issue_token(u, name, service.now())
    return out


@pytest.fixture
def app(settings: Settings, service: Service) -> APIFlask:
    return create_app(settings, service=service)


@pytest.fixture
def client(app: APIFlask) -> FlaskClient:
    return app.test_client()


Call = Callable[..., Any]


@pytest.fixture
def call(client: FlaskClient, tokens: dict[str, str]) -> Call:
    def do(who: str, method: str, path: str, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
        return client.open(f"{API}{path}", method=method.upper(), headers=headers, **kw)

    return do


def actor(who: str) -> Actor:
    name, role, agencies = PEOPLE[who]
    return Actor(name, role, tuple(agencies))


@pytest.fixture
def agency_cases(
    service: Service, admin: Actor, chair: Actor, tokens: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """One case involving the police, one the health service, each with its limit missed."""
    service.publish(admin, AGENCY_TIMER)
    cases = {
        agency: service.open_case(
            chair,
            "action_check",
            f"Child {agency}",
            {"agencies": [agency], "action_set_at": "2026-11-02"},
        )
        for agency in ("Police", "Health")
    }
    fired = sweep(service, LATE)
    assert sorted(f.case for f in fired) == sorted(c.reference for c in cases.values())
    return cases


def escalation_of(service: Service, case_id: int) -> Escalation:
    with Session(service.db) as s:
        return s.exec(select(Escalation).where(Escalation.case_id == case_id)).one()


# -- who is told --------------------------------------------------------------------------------


def test_agency_users_are_told_only_of_their_agencies_cases(
    service: Service, agency_cases: dict[str, dict[str, Any]]
) -> None:
    with Session(service.db) as s:
        notices = list(s.exec(select(Notice).order_by(col(Notice.id))))
    by_case: dict[int, list[str]] = {}
    for n in notices:
        esc = escalation_of_id(service, n.escalation_id or 0)
        by_case.setdefault(esc.case_id, []).append(n.recipient)
    assert sorted(by_case[agency_cases["Police"].id]) == ["carl", "pat"]
    assert sorted(by_case[agency_cases["Health"].id]) == ["carl", "hal"]
    assert {n.address for n in notices if n.recipient == "pat"} == {"pat@board.example"}
    assert all(
        agency_cases["Police"].reference in n.subject for n in notices if n.recipient == "pat"
    )


def escalation_of_id(service: Service, escalation_id: int) -> Escalation:
    with Session(service.db) as s:
        found = s.get(Escalation, escalation_id)
    assert found is not None
    return found


# -- listing ------------------------------------------------------------------------------------


def test_list_shows_the_escalations_of_the_cases_one_may_see(
    service: Service, agency_cases: dict[str, dict[str, Any]]
) -> None:
    everything = escalations.list_escalations(service, actor("chair")).items
    assert sorted(i.case for i in everything) == sorted(c.reference for c in agency_cases.values())
    police = escalations.list_escalations(service, actor("police")).items
    assert [i.case for i in police] == [agency_cases["Police"].reference]


def test_get_escalations_answers_the_contracts_shape(
    call: Call, agency_cases: dict[str, dict[str, Any]]
) -> None:
    r = call("reviewer", "get", "/escalations?open=true")
    assert r.status_code == 200, r.json
    items = r.json["items"]
    assert len(items) == 2
    for item in items:
        assert {"id", "case", "deadline", "reason", "raised_at", "to_role"} <= set(item)
        assert item["deadline"] == "action"
        assert item["to_role"] == ["agency", "chair"]
        assert datetime.fromisoformat(item["raised_at"]) == LATE
        assert "T8" in item["reason"] and "has not been met" in item["reason"]
    assert r.json["next_after"] is None


def test_open_true_leaves_out_acknowledged_ones(
    call: Call, service: Service, agency_cases: dict[str, dict[str, Any]]
) -> None:
    esc = escalation_of(service, agency_cases["Police"].id)
    r = call("police", "post", f"/escalations/{esc.id}/acknowledge", json={"note": "on it"})
    assert r.status_code == 200, r.json
    open_items = call("chair", "get", "/escalations?open=true").json["items"]
    assert [i["case"] for i in open_items] == [agency_cases["Health"].reference]
    every = call("chair", "get", "/escalations").json["items"]
    assert len(every) == 2
    acked = next(i for i in every if i["id"] == esc.id)
    assert acked["acknowledged_by"] == "pat" and acked["acknowledged_at"]


def test_escalations_are_paged_by_key(
    call: Call, service: Service, chair: Actor, clock: Clock
) -> None:
    for i in range(5):
        service.open_case(chair, "notifiable_incident", f"Child {i}", {"aware_at": "2026-11-20"})
    sweep(service, clock())
    first = call("chair", "get", "/escalations?limit=2").json
    second = call("chair", "get", f"/escalations?limit=2&after={first['next_after']}").json
    third = call("chair", "get", f"/escalations?limit=2&after={second['next_after']}").json
    ids = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert len(ids) == len(set(ids)) == 5 and ids == sorted(ids, reverse=True)
    assert third["next_after"] is None


def test_unknown_query_parameters_are_ignored(
    call: Call, agency_cases: dict[str, dict[str, Any]]
) -> None:
    r = call("chair", "get", "/escalations?open=true&utm_source=mail")
    assert r.status_code == 200, r.json
    assert len(r.json["items"]) == 2
    bad = call("chair", "get", "/escalations?limit=0")
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid_input"


def test_escalations_need_a_token(call: Call) -> None:
    r = call("", "get", "/escalations")
    assert r.status_code == 401
    assert r.json["error"]["code"] == "unauthorized"


# -- acknowledging ------------------------------------------------------------------------------


def test_a_role_told_acknowledges_once_and_it_is_audited(
    call: Call, service: Service, agency_cases: dict[str, dict[str, Any]], clock: Clock
) -> None:
    case = agency_cases["Police"]
    esc = escalation_of(service, case.id)
    before = service.get_case(actor("chair"), case.id).version
    clock.set("2027-03-01T10:15:00+00:00")
    r = call("chair", "post", f"/escalations/{esc.id}/acknowledge", json={"note": "Chasing."})
    assert r.status_code == 200, r.json
    assert r.json["acknowledged_by"] == "carl"
    assert datetime.fromisoformat(r.json["acknowledged_at"]) == clock()
    # Again, by another role told: nothing changes, the answer shows the first.
    again = call("police", "post", f"/escalations/{esc.id}/acknowledge")
    assert again.status_code == 200 and again.json["acknowledged_by"] == "carl"
    with Session(service.db) as s:
        trail = list(
            s.exec(
                select(Event).where(
                    Event.case_id == case.id, Event.kind == EventKind.ESCALATION_ACKNOWLEDGED
                )
            )
        )
    assert [(e.actor, e.actor_role, e.note, e.detail["escalation"]) for e in trail] == [
        ("carl", "chair", "Chasing.", esc.id)
    ]
    # It is the trail that records it; the case itself is not changed.
    assert service.get_case(actor("chair"), case.id).version == before


def test_a_role_not_told_may_not_acknowledge(
    call: Call, service: Service, agency_cases: dict[str, dict[str, Any]]
) -> None:
    esc = escalation_of(service, agency_cases["Police"].id)
    for who in ("reviewer", "admin"):
        r = call(who, "post", f"/escalations/{esc.id}/acknowledge", json={})
        assert r.status_code == 403, r.json
        assert r.json["error"]["code"] == "forbidden"
        assert "agency and chair" in r.json["error"]["message"]
    assert escalation_of(service, agency_cases["Police"].id).acknowledged_at is None


def test_an_agency_user_cannot_acknowledge_another_agencys_escalation(
    call: Call, service: Service, agency_cases: dict[str, dict[str, Any]]
) -> None:
    esc = escalation_of(service, agency_cases["Health"].id)
    r = call("police", "post", f"/escalations/{esc.id}/acknowledge", json={})
    assert r.status_code == 404
    assert r.json["error"]["code"] == "not_found"
    assert call("chair", "post", "/escalations/999999/acknowledge", json={}).status_code == 404


def test_acknowledge_use_case_errors(
    service: Service, agency_cases: dict[str, dict[str, Any]]
) -> None:
    esc = escalation_of(service, agency_cases["Health"].id)
    with pytest.raises(PermissionDenied):
        escalations.acknowledge(service, actor("reviewer"), esc.id or 0)
    with pytest.raises(NotFound):
        escalations.acknowledge(service, actor("police"), esc.id or 0)
    view = escalations.acknowledge(
        service, actor("health"), esc.id or 0, Acknowledgement(note="done")
    )
    assert view.acknowledged_by == "hal"


def test_the_endpoints_are_in_the_openapi_document(call: Call, client: FlaskClient) -> None:
    spec: Any = client.get(f"{API}/openapi.json").json
    paths = spec["paths"]
    assert "get" in paths[f"{API}/escalations"]
    assert "post" in paths[f"{API}/escalations/{{id}}/acknowledge"]
    assert "get" in paths[f"{API}/reports/timeliness"]
    params = {p["name"] for p in paths[f"{API}/escalations"]["get"]["parameters"]}
    assert "open" in params
