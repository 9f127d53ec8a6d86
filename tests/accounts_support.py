"""A pages app with the usual people (cheap password hashes) and settings of the test's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import DEFINITIONS
from tests.test_pages import FAST_HASH, PASSWORD, PEOPLE, sign_in
from web.app import create_app
from workflow.services import accounts
from workflow.services.cases import Service
from workflow.settings import Settings


def add_people(service: Service) -> None:
    with service.store.write() as u:
        for name, (role, agencies) in PEOPLE.items():
            new = accounts.NewUser(name=name, role=role, agencies=agencies)
            accounts.add_user(u, new, service.now()).password_hash = FAST_HASH


def pages_app(service: Service, tmp_path: Path, db_url: str, **sections: Any) -> Any:
    settings = Settings(
        root=tmp_path,
        database_url=db_url,
        secret_key="accounts-test-secret-key-0123456789",
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path,
        **sections,
    )
    app = create_app(settings, service=service)
    app.config.update(TESTING=True)
    return app


def browser(app: Any, address: str = "127.0.0.1") -> FlaskClient:
    c: FlaskClient = app.test_client()
    c.environ_base["REMOTE_ADDR"] = address
    return c


def signs_in(c: FlaskClient, name: str, password: str = PASSWORD) -> int:
    return int(sign_in(c, name, password).status_code)
