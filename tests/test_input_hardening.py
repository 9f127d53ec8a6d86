"""Bad input of every kind gets a 4xx with a sentence and changes nothing; API answers are not
cached or sniffed; refused attempts are logged (issue 13)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from tests.api_client import Call, assert_error
from workflow.core.safe_json import InputRefused, Limits, check, loads
from workflow.services.cases import Service

BIG = 2**64 + 1


@pytest.fixture
def case(call: Call) -> dict[str, Any]:
    body = {
        "review_type": "notifiable_incident",
        "title": "Child A",
        "data": {"aware_at": "2026-11-27"},
    }
    r = call("reviewer", "post", "/cases", json=body)
    assert r.status_code == 201, r.json
    return dict(r.json)


def raw(call: Call, method: str, path: str, text: str, who: str = "reviewer") -> Any:
    return call(
        who,
        method,
        path,
        data=text.encode("utf-8", "surrogatepass"),
        content_type="application/json",
    )


def unchanged(call: Call, case: dict[str, Any]) -> None:
    now = call("reviewer", "get", f"/cases/{case['id']}")
    assert now.status_code == 200
    assert now.json["version"] == case["version"]
    assert now.json["data"] == case["data"]


def patch_text(case: dict[str, Any], data: str) -> str:
    return f'{{"expected_version": {case["version"]}, "data": {data}}}'


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ('{"\\udfff": "x"}', "lone surrogate"),
        ('{"note": "a\\ud800b"}', "lone surrogate"),
        ('{"note": NaN}', "NaN is not a number"),
        ('{"note": Infinity}', "Infinity is not a number"),
        ('{"note": -Infinity}', "-Infinity is not a number"),
        ('{"note": 1e999}', "not a finite number"),
        ('{"note": "a\\u0000b"}', "NUL character"),
        ('{"a\\u0000": "b"}', "NUL character"),
        (f'{{"note": {BIG}}}', "numbers must lie between"),
    ],
)
def test_a_value_no_database_can_hold_is_refused_with_a_sentence(
    call: Call, case: dict[str, Any], data: str, says: str
) -> None:
    r = raw(call, "patch", f"/cases/{case['id']}", patch_text(case, data))
    error = assert_error(r, 400, "bad_request")
    assert says in error["message"]
    unchanged(call, case)


def test_json_nested_5000_deep_is_refused(call: Call, case: dict[str, Any]) -> None:
    deep = "[" * 5000 + "]" * 5000
    r = raw(call, "patch", f"/cases/{case['id']}", patch_text(case, f'{{"x": {deep}}}'))
    assert "nested more than 32 levels" in assert_error(r, 400, "bad_request")["message"]
    shallow_enough = "[" * 40 + "]" * 40  # beyond the limit, yet short of the recursion limit
    r = raw(call, "patch", f"/cases/{case['id']}", patch_text(case, f'{{"x": {shallow_enough}}}'))
    assert_error(r, 400, "bad_request")
    unchanged(call, case)


def test_a_version_beyond_64_bits_is_refused(call: Call, case: dict[str, Any]) -> None:
    r = raw(call, "patch", f"/cases/{case['id']}", f'{{"expected_version": {BIG}, "data": {{}}}}')
    assert_error(r, 400, "bad_request")
    r = raw(
        call,
        "post",
        f"/cases/{case['id']}/findings",
        f'{{"expected_version": 1, "number": {BIG}, "what_happened": "x"}}',
    )
    assert_error(r, 400, "bad_request")
    unchanged(call, case)


@pytest.mark.parametrize(
    "path",
    [f"/cases/{BIG}", f"/cases/{BIG}/events", f"/cases/1/findings/{BIG}", f"/themes/{BIG}"],
)
def test_an_id_beyond_64_bits_is_not_found(call: Call, path: str) -> None:
    method = "patch" if path.startswith("/themes") or "/findings/" in path else "get"
    assert_error(call("admin", method, path, json={}), 404, "not_found")


@pytest.mark.parametrize("query", [f"after={BIG}", f"limit={BIG}", f"after=-{BIG}"])
def test_a_query_number_beyond_64_bits_is_refused(call: Call, query: str) -> None:
    error = assert_error(call("reviewer", "get", f"/cases?{query}"), 400, "bad_request")
    assert "largest number accepted" in error["message"]


def small_limits(settings: Any, service: Service, length: int) -> Any:
    from web.app import create_app
    from workflow.settings import LimitSettings

    small = settings.model_copy(update={"limits": LimitSettings(max_string_length=length)})
    return create_app(small, service=service).test_client()


def test_a_string_over_the_configured_length_is_refused_saying_the_limit(
    settings: Any, service: Service, tokens: dict[str, str], case: dict[str, Any]
) -> None:
    client = small_limits(settings, service, 100)
    auth = {"Authorization": f"Bearer {tokens['reviewer']}"}
    body = {"expected_version": case["version"], "data": {"note": "x" * 101}}
    r = client.patch(f"/api/v1/cases/{case['id']}", json=body, headers=auth)
    error = assert_error(r, 400, "bad_request")
    assert "data.note is 101 characters long; at most 100 are allowed" in error["message"]
    r = client.get("/api/v1/cases?review_type=" + "x" * 101, headers=auth)
    assert "at most 100 are allowed" in assert_error(r, 400, "bad_request")["message"]
    body["data"] = {"note": "x" * 100}
    assert client.patch(f"/api/v1/cases/{case['id']}", json=body, headers=auth).status_code == 200


def test_the_default_limit_is_20000_characters() -> None:
    check("x" * 20_000, Limits())
    with pytest.raises(InputRefused, match="at most 20,000"):
        check("x" * 20_001, Limits())


def test_the_checker_is_iterative_and_names_the_place() -> None:
    limits = Limits(max_string=3, max_depth=3)
    with pytest.raises(InputRefused, match=r"a\.b\[1\] is 4 characters"):
        check({"a": {"b": ["ok", "long"]}}, limits)
    with pytest.raises(InputRefused, match="nested more than 3"):
        check([[[[[1]]]]], limits)
    assert loads(b'{"a": [1, 2.5, true, null]}', Limits()) == {"a": [1, 2.5, True, None]}
    with pytest.raises(json.JSONDecodeError):
        loads("{", Limits())


def test_api_answers_are_not_cached_nor_sniffed(call: Call, case: dict[str, Any]) -> None:
    for r in (
        call("reviewer", "get", f"/cases/{case['id']}"),
        call("reviewer", "get", "/nothing-here"),
        call("", "get", "/cases"),
        call("reviewer", "get", "/openapi.json"),
    ):
        assert r.headers["Cache-Control"] == "no-store"
        assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_refused_attempts_are_logged_with_actor_and_path_but_no_secret(
    call: Call, case: dict[str, Any], tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="web.api.refused")
    assert call("police", "get", f"/cases/{case['id']}?secret=hush").status_code == 404
    assert call("reviewer", "put", "/review-types/x", json={"source": ""}).status_code == 403
    lines = [r.getMessage() for r in caplog.records if r.name == "web.api.refused"]
    assert lines == [
        f"refused 404: GET /api/v1/cases/{case['id']} by pat (agency)",
        "refused 403: PUT /api/v1/review-types/x by rita (reviewer)",
    ]
    assert not any(t in line for line in lines for t in tokens.values())
    assert not any("hush" in line for line in lines)


def test_the_document_declares_the_400_and_413_answers(call: Call) -> None:
    spec = call("reviewer", "get", "/openapi.json").json
    operations = [
        op
        for path, ops in spec["paths"].items()
        if path.startswith("/api/v1")
        for op in ops.values()
        if isinstance(op, dict) and "responses" in op
    ]
    assert operations
    for op in operations:
        assert "400" in op["responses"], op.get("operationId")
        if "requestBody" in op:
            assert "413" in op["responses"], op.get("operationId")


# -- themes: one theme whatever the case, accents and spacing of its name ---------------------


def test_a_theme_name_clash_is_409_with_a_sentence_never_500(call: Call) -> None:
    first = call("admin", "post", "/themes", json={"name": "Équipe"})
    assert first.status_code == 201, first.json
    for same in ("Équipe", "équipe", "Equipe", "  EQUIPE ", "E\u0301quipe"):
        error = assert_error(
            call("admin", "post", "/themes", json={"name": same}), 409, "already_exists"
        )
        assert "ignoring case, accents and spacing" in error["message"]
    other = call("admin", "post", "/themes", json={"name": "Neglect"})
    assert other.status_code == 201
    r = call("admin", "patch", f"/themes/{other.json['id']}", json={"name": "equipe"})
    assert_error(r, 409, "already_exists")
    names = [t["name"] for t in call("admin", "get", "/themes").json]
    assert sorted(names) == ["Neglect", "Équipe"]
    renamed = call("admin", "patch", f"/themes/{other.json['id']}", json={"name": "NEGLECT"})
    assert renamed.status_code == 200 and renamed.json["name"] == "NEGLECT"


def test_the_database_keeps_one_theme_per_key_even_without_the_check(service: Service) -> None:
    from workflow.core.errors import AlreadyExists
    from workflow.store.models.records import Theme

    with service.store.write() as u:
        u.themes.save(Theme(name="Équipe"))
    with pytest.raises(AlreadyExists), service.store.write() as u:
        u.themes.save(Theme(name="equipe"))
    with service.store.read() as u:
        assert [t.name for t in u.themes.listed()] == ["Équipe"]


def test_a_page_form_with_a_nul_character_is_refused_with_a_sentence(
    settings: Any, service: Service
) -> None:
    from web.app import create_app

    client = create_app(settings, service=service).test_client()
    r = client.post("/sign-in", data={"name": "rita\x00", "password": "x"})
    assert r.status_code == 400
    assert "contains a NUL character" in r.get_data(as_text=True)
