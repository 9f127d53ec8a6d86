"""``workflow agencies``: the register kept from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from tests.test_cli import write_config
from workflow.cli import cli


@pytest.fixture
def run(tmp_path: Path, db: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    # ``db``: this test's own copy of the template (on PostgreSQL the worker's database is
    # reused from test to test, so it must be made afresh).
    del db
    for name in ("WORKFLOW_CONFIG", "WORKFLOW_DATABASE_URL", "WORKFLOW_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    config = write_config(tmp_path / "site", db_url)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--config", str(config), *args])

    assert invoke("init").exit_code == 0
    return invoke


def test_add_change_list_retire_and_restore(run: Any) -> None:
    added = run("agencies", "add", "Northshire County Council")
    assert added.exit_code == 0, added.output
    added = run(
        "agencies",
        "add",
        "Northshire Children's Services",
        "--alias",
        "NCS",
        "--parent",
        "Northshire County Council",
    )
    assert added.exit_code == 0, added.output
    assert added.output == (
        "Added Northshire Children's Services\talso: NCS\tpart of: Northshire County Council\n"
    )
    changed = run("agencies", "change", "ncs", "--rename", "Northshire Children's Social Care")
    assert changed.exit_code == 0, changed.output
    assert run("agencies", "retire", "Northshire County Council").exit_code == 0
    assert run("agencies", "list").output == (
        "Northshire Children's Social Care\talso: NCS\tpart of: Northshire County Council\n"
    )
    assert "Northshire County Council\tretired" in run("agencies", "list", "--all").output
    assert run("agencies", "restore", "Northshire County Council").exit_code == 0
    assert len(run("agencies", "list").output.splitlines()) == 2


def test_mistakes_are_a_message_and_exit_1(run: Any) -> None:
    run("agencies", "add", "Northshire Police", "--alias", "Police")
    taken = run("agencies", "add", "police")
    assert taken.exit_code == 1
    assert "'police' is already in the register, as Northshire Police" in taken.output
    unknown = run("agencies", "change", "Nowhere", "--rename", "X")
    assert unknown.exit_code == 1 and "no agency 'Nowhere'" in unknown.output
    orphan = run("agencies", "add", "Northshire Schools", "--parent", "Nowhere")
    assert orphan.exit_code == 1 and "add it first" in orphan.output
