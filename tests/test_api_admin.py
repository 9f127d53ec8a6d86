"""The administrators' JSON API: drafts, preview, publish, export, migrations; admins only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_client import Call, assert_error
from tests.test_administration import LR, LR_V1, LR_V2, UNREACHABLE

ADMIN_CALLS = [
    ("get", "/admin/catalogue", None),
    ("get", "/admin/audit", None),
    ("get", f"/review-types/{LR}/versions", None),
    ("get", f"/review-types/{LR}/export", None),
    ("post", f"/review-types/{LR}/preview", {"source": LR_V2}),
    ("get", f"/review-types/{LR}/draft", None),
    ("put", f"/review-types/{LR}/draft", {"source": LR_V2}),
    ("delete", f"/review-types/{LR}/draft", None),
    ("post", f"/review-types/{LR}/draft/publish", None),
    ("post", f"/review-types/{LR}/migrations", {"from_version": 1, "to_version": 1}),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
@pytest.mark.parametrize("who", ["reviewer", "chair", "police"])
def test_every_admin_call_is_403_for_others(
    call: Call, who: str, method: str, path: str, body: Any
) -> None:
    kw = {"json": body} if body is not None else {}
    assert_error(call(who, method, path, **kw), 403, "forbidden")


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
def test_every_admin_call_needs_a_token(call: Call, method: str, path: str, body: Any) -> None:
    kw = {"json": body} if body is not None else {}
    assert_error(call("", method, path, **kw), 401, "unauthorized")


def test_an_admin_drafts_previews_publishes_and_migrates(call: Call) -> None:
    r = call(
        "reviewer", "post", "/cases", json={"review_type": LR, "title": "Family A", "data": {}}
    )
    assert r.status_code == 201
    old_case = r.get_json()
    bad = call("admin", "put", f"/review-types/{LR}/draft", json={"source": UNREACHABLE})
    assert bad.status_code == 200
    problems = bad.get_json()["preview"]["problems"]
    assert problems[0]["line"] and "orphaned" in problems[0]["message"]
    refused = call("admin", "post", f"/review-types/{LR}/draft/publish")
    body = assert_error(refused, 422, "invalid_definition")
    assert any("'orphaned' cannot be reached" in d for d in body["details"])
    good = call(
        "admin",
        "put",
        f"/review-types/{LR}/draft",
        json={"source": LR_V2, "expected_version": bad.get_json()["version"]},
    )
    assert good.get_json()["preview"]["valid"] is True
    stale = call(
        "admin",
        "put",
        f"/review-types/{LR}/draft",
        json={"source": LR_V1, "expected_version": bad.get_json()["version"]},
    )
    assert_error(stale, 409, "version_conflict")
    published = call("admin", "post", f"/review-types/{LR}/draft/publish")
    assert published.status_code == 201 and published.get_json() == {"key": LR, "version": 2}
    assert call("reviewer", "get", f"/cases/{old_case['id']}").get_json()["definition_version"] == 1
    exported = call("admin", "get", f"/review-types/{LR}/export?version=1")
    assert exported.status_code == 200 and exported.get_data(as_text=True) == LR_V1
    assert "attachment" in exported.headers["Content-Disposition"]
    plan = call(
        "admin", "post", f"/review-types/{LR}/migrations", json={"from_version": 1, "to_version": 2}
    )
    assert plan.status_code == 200
    [planned] = plan.get_json()["cases"]
    assert planned["outcome"] == "planned" and planned["to_state"] == "referral"
    applied = call(
        "admin",
        "post",
        f"/review-types/{LR}/migrations",
        json={
            "from_version": 1,
            "to_version": 2,
            "dry_run": False,
            "cases": [{"id": planned["id"], "version": planned["version"]}],
        },
    )
    assert applied.get_json()["cases"][0]["outcome"] == "migrated"
    assert call("reviewer", "get", f"/cases/{old_case['id']}").get_json()["definition_version"] == 2
    audit = [e["action"] for e in call("admin", "get", f"/admin/audit?key={LR}").get_json()]
    assert audit[:4] == ["migration_applied", "published", "draft_saved", "draft_saved"]


def test_the_openapi_document_lists_the_admin_calls(call: Call) -> None:
    paths = call("", "get", "/openapi.json").get_json()["paths"]
    assert "/api/v1/review-types/{key}/draft" in paths
    assert "/api/v1/review-types/{key}/migrations" in paths
    assert "/api/v1/admin/catalogue" in paths
