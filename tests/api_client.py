"""Fixtures for driving the JSON API as the usual people, each with an API token.

Loaded for every test module by ``tests/conftest.py`` (``pytest_plugins``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient

from tests.conftest import DEFINITIONS
from web.app import create_app
from workflow.services.accounts import NewUser, add_user, issue_token
from workflow.services.cases import Service
from workflow.settings import Settings

API = "/api/v1"
MAX_BODY = 16 * 1024  # above the largest shipped definition, so PUT works; small enough for 413
PAGE_SIZE = 4
PEOPLE = {
    "reviewer": ("rita", "reviewer", []),
    "chair": ("carl", "chair", []),
    "admin": ("ada", "admin", []),
    "lead": ("Lena Lead", "lead_reviewer", []),
    "police": ("pat", "agency", ["Police"]),
    "health": ("hal", "agency", ["Health"]),
}


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        root=tmp_path,
        database_url=db_url,
        secret_key=secrets.token_urlsafe(32),
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path / "instance",
        max_body_bytes=MAX_BODY,
        page_size=PAGE_SIZE,
    )


@pytest.fixture
def app(settings: Settings, service: Service) -> APIFlask:
    return create_app(settings, service=service)


@pytest.fixture
def client(app: APIFlask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def tokens(service: Service) -> dict[str, str]:
    out = {}
    with service.store.write() as u:
        for who, (name, role, agencies) in PEOPLE.items():
            add_user(u, NewUser(name=name, role=role, agencies=agencies), service.now())
            out[who] = issue_token(u, name, service.now())
    return out


Call = Callable[..., Any]


@pytest.fixture
def call(client: FlaskClient, tokens: dict[str, str]) -> Call:
    """``call("reviewer", "get", "/cases")``: the request, as that person, with their token."""

    def do(who: str, method: str, path: str, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}))
        if who:
            headers["Authorization"] = f"Bearer {tokens[who]}"
        return client.open(f"{API}{path}", method=method.upper(), headers=headers, **kw)

    return do


def assert_error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.is_json, r.get_data(as_text=True)
    body = r.json
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"].endswith((".", "?"))
    assert len(error["message"]) > 20  # a sentence, not a reason phrase
    assert isinstance(error["details"], list)
    assert all(isinstance(d, str) for d in error["details"])
    return dict(error)
