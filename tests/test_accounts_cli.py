"""``workflow tokens create/list/revoke`` and ``workflow users list/disable/enable``, and the
password rules (NIST SP 800-63B) as ``workflow users create`` applies them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time
from sqlalchemy.engine import Engine

from tests.test_cli import ENV_NAMES, write_config
from workflow.cli import cli
from workflow.services import accounts
from workflow.services.accounts import password_problems
from workflow.store.unit import Store


@pytest.fixture
def run(db: Engine, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The command on the test's database (already initialised)."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKFLOW_SECRET_KEY", "accounts-cli-test-secret")
    config = write_config(tmp_path / "board", db_url)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, ["--config", str(config), *args], input=input)

    return invoke


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def refused(result: Result) -> Result:
    assert result.exit_code == 1, (result.output, result.exception)
    assert "Traceback" not in result.output and result.stderr.strip()
    return result


@pytest.fixture
def carl(run: Any) -> str:
    ok(run("users", "create", "carl", "--role", "chair", input=""))
    return "carl"


def test_tokens_expire_after_the_configured_days_or_expires_in(
    run: Any, carl: str, db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_ACCOUNTS__TOKEN_EXPIRES_IN_DAYS", "7")
    with freeze_time("2026-12-01 09:00:00"):
        default = ok(run("tokens", "create", carl)).stdout.strip()
        short = ok(run("tokens", "create", carl, "--expires-in", "1")).stdout.strip()
        listed = ok(run("tokens", "list", carl)).stdout
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert f"{(start + timedelta(days=7)).isoformat()}  active" in listed
    assert f"{(start + timedelta(days=1)).isoformat()}  active" in listed
    assert default not in listed and short not in listed  # never the token itself
    with freeze_time("2026-12-03 09:00:00"):
        assert accounts.actor_for_token(Store(db), short) is None
        assert accounts.actor_for_token(Store(db), default) is not None
        assert "expired" in ok(run("tokens", "list", carl)).stdout
    assert "--expires-in" in refused_usage(run("tokens", "create", carl, "--expires-in", "0"))


def refused_usage(result: Result) -> str:
    assert result.exit_code == 2, result.output
    return result.output


def test_tokens_revoke_one_or_all(run: Any, carl: str, db: Engine) -> None:
    first = ok(run("tokens", "create", carl)).stdout.strip()
    second = ok(run("tokens", "create", carl)).stdout.strip()
    ids = [int(line.split()[0]) for line in ok(run("tokens", "list", carl)).stdout.splitlines()[1:]]
    assert "Revoked token" in ok(run("tokens", "revoke", carl, str(ids[0]))).stdout
    assert accounts.actor_for_token(Store(db), first) is None
    assert accounts.actor_for_token(Store(db), second) is not None
    assert "Already revoked" in ok(run("tokens", "revoke", carl, str(ids[0]))).stdout
    assert "Revoked 1 token of carl" in ok(run("tokens", "revoke", carl, "--all")).stdout
    assert accounts.actor_for_token(Store(db), second) is None
    assert ok(run("tokens", "list", carl)).stdout.count("revoked") == 2


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["carl"], "either a TOKEN_ID or --all"),
        (["carl", "1", "--all"], "either a TOKEN_ID or --all"),
        (["carl", "999"], "'carl' has no token 999"),
        (["nobody", "--all"], "There is no user named 'nobody'"),
    ],
)
def test_tokens_revoke_refuses_with_a_sentence(
    run: Any, carl: str, args: list[str], says: str
) -> None:
    assert says in refused(run("tokens", "revoke", *args)).stderr


def test_users_list_disable_and_enable(run: Any, carl: str, db: Engine) -> None:
    token = ok(run("tokens", "create", carl)).stdout.strip()
    listed = ok(run("users", "list")).stdout
    assert any(
        line.split()[:4] == ["carl", "chair", "enabled", "1"] for line in listed.splitlines()
    )
    assert "Disabled carl" in ok(run("users", "disable", carl)).stdout
    assert accounts.actor_for_token(Store(db), token) is None
    assert "carl  chair          disabled" in ok(run("users", "list")).stdout
    ok(run("users", "enable", carl))
    assert accounts.actor_for_token(Store(db), token) is not None
    for command in ("disable", "enable"):
        assert "There is no user named 'nobody'" in refused(run("users", command, "nobody")).stderr
    assert "no user named 'nobody'" in refused(run("tokens", "list", "nobody")).stderr


# -- passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "password", "says"),
    [
        ("rita", "aaaaaaaaaa", "at least 12 characters long (this one has 10)"),
        ("rita", "aaaaaaaaaaaa", "repeats a character"),
        ("rita", "abcdefghijklmn", "follows the alphabet"),
        ("rita", "password1234", "list of common passwords"),
        ("rita", "Sunshine2026!", "list of common passwords"),
        ("rita", "iloveyou iloveyou", "repeats"),
        ("Rita Jones", "rita jones 2026", "must not be or contain the user's name"),
        ("margaretellis", "MargaretEllis", "must not be or contain the user's name"),
        ("Sam Patel", "SAM-PATEL-2026", "must not be or contain the user's name"),
        ("Sam Patel", "patel12345678", "must not be or contain the user's name"),
    ],
)
def test_weak_passwords_are_refused_with_a_clear_sentence(
    run: Any, name: str, password: str, says: str
) -> None:
    result = refused(run("users", "create", name, "--role", "reviewer", input=password + "\n"))
    assert says in result.stderr
    assert name not in ok(run("users", "list")).stdout


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "Tea at 4 by the canal", "Z8#kq!v2Lm@9wR"]
)
def test_long_uncommon_passwords_are_accepted(password: str) -> None:
    assert password_problems(password, "Margaret Ellis") == []


def test_the_blocklist_is_the_shipped_list_of_common_passwords() -> None:
    from workflow.services.accounts.policy import common_passwords

    words = common_passwords()
    assert len(words) >= 30_000 - 100 and "password" in words and "qwerty123456" in words
