"""The command line as a user drives it: every command, its output and its exit status.

Each test gets a config.toml of its own naming a fresh database (a temporary SQLite file, or the
PostgreSQL database in ``WORKFLOW_TEST_DATABASE_URL``, emptied first).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time
from sqlalchemy import func, text
from sqlmodel import Session, select

from tests.conftest import DEFINITIONS
from workflow.cli import cli
from workflow.cli import serve as serve_module
from workflow.cli.definitions import diagram_text
from workflow.cli.serve import WebServer, make_server
from workflow.core.calendar import WorkingCalendar
from workflow.core.definition import load, problems_in
from workflow.core.roles import Actor
from workflow.services import demo as demo_board
from workflow.services.accounts import actor_for_token, sign_in
from workflow.services.cases import Service
from workflow.settings import load_settings
from workflow.store.db import make_engine
from workflow.store.models.accounts import User
from workflow.store.models.cases import Case, Event
from workflow.store.models.catalog import ReviewTypeVersion
from workflow.store.unit import Store

SHIPPED = sorted(p.stem for p in DEFINITIONS.glob("*.toml"))
BAD_DEFINITION = """\
key = "broken"
name = "Broken"
initial = "start"
colour = "blue"

[states.start]
label = "Start"
"""
ENV_NAMES = ("WORKFLOW_CONFIG", "WORKFLOW_DATABASE_URL", "WORKFLOW_SECRET_KEY")


def reset(url: str) -> None:
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def write_config(folder: Path, url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.toml"
    config.write_text(
        f'database_url = "{url}"\ndefinitions_dir = "{DEFINITIONS.as_posix()}"\n',
        encoding="utf-8",
    )
    return config


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def config(tmp_path: Path, db_url: str) -> Path:
    reset(db_url)
    return write_config(tmp_path / "board", db_url)


@pytest.fixture
def run(config: Path) -> Any:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, ["--config", str(config), *args], input=input)

    return invoke


@pytest.fixture
def engine(config: Path, db_url: str) -> Iterator[Any]:
    e = make_engine(db_url)
    yield e
    e.dispose()


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def user_error(result: Result) -> Result:
    """Exit 1 with a message on standard error and no traceback."""
    assert result.exit_code == 1, (result.output, result.exception)
    assert result.stderr.strip()
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


# -- the group ------------------------------------------------------------------------------


def test_help_lists_every_command_of_the_contract() -> None:
    result = ok(CliRunner().invoke(cli, ["--help"]))
    for command in ("init", "serve", "scheduler", "definitions", "users", "tokens", "demo"):
        assert command in result.output
    assert set(cli.commands) >= {
        "init",
        "serve",
        "scheduler",
        "definitions",
        "users",
        "tokens",
        "demo",
    }


def test_a_missing_config_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "nope.toml"), "init"])
    user_error(result)
    assert "does not exist" in result.stderr


def test_a_database_without_schema_tells_you_to_run_init(run: Any) -> None:
    result = user_error(run("tokens", "create", "anyone"))
    assert "workflow init" in result.stderr


# -- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "setting", "line"),
    [
        (
            "tick",
            'page_size = "lots"',
            'page_size = "lots" is not allowed; use a whole number of at least 1.',
        ),
        (
            "init",
            "[web]\nmax_failed_loginz = 5",
            "web.max_failed_loginz is not a setting; [web] has: max_failed_logins, "
            "session_cookie_secure.",
        ),
        (
            "serve",
            '[notices]\nsender = "pigeon"',
            'notices.sender = "pigeon" is not allowed; use one of: log, smtp.',
        ),
        (
            "tick",
            '[calendar]\nclosure_days = ["24 December"]',
            'calendar.closure_days[0] = "24 December" is not allowed; use a list of dates, like '
            '["2026-12-24"].',
        ),
        ("init", 'colour = "blue"', "colour is not a setting; the file has: accounts, calendar,"),
    ],
)
def test_a_wrong_setting_stops_start_up_with_one_line(
    run: Any, config: Path, command: str, setting: str, line: str
) -> None:
    config.write_text(config.read_text(encoding="utf-8") + setting + "\n", encoding="utf-8")
    result = user_error(run(command))
    assert result.stderr.splitlines() == [result.stderr.strip()]  # one line, no traceback
    assert result.stderr.startswith(f"{config}: {line}")


def test_a_wrong_environment_variable_is_named_instead_of_the_file(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_SCHEDULER__BATCH", "0")
    result = user_error(run("tick"))
    assert result.stderr.strip() == (
        'WORKFLOW_SCHEDULER__BATCH: scheduler.batch = "0" is not allowed; use a whole number '
        "of at least 1."
    )


def test_the_secret_key_never_comes_from_the_file(run: Any, config: Path) -> None:
    config.write_text(config.read_text(encoding="utf-8") + 'secret_key = "x"\n', encoding="utf-8")
    result = user_error(run("init"))
    assert result.stderr.startswith(f"{config}: secret_key does not belong in the file")
    assert "WORKFLOW_SECRET_KEY" in result.stderr and '"x"' not in result.stderr


def test_settings_from_the_file_then_the_environment(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.write_text(
        config.read_text(encoding="utf-8")
        + 'instance_dir = "var"\n[scheduler]\nbatch = 7\nlease_seconds = 60\n'
        + '[notices]\nsender = "smtp"\n[notices.smtp]\nhost = "mail.example"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("WORKFLOW_SCHEDULER__LEASE_SECONDS", "90")
    monkeypatch.setenv("WORKFLOW_SMTP_PASSWORD", "from the environment")
    monkeypatch.setenv("WORKFLOW_NOTICES__SMTP__FROM", "reviews@board.example")
    settings = load_settings(config)
    assert settings.instance_dir == config.parent / "var"  # relative to the file's folder
    assert (settings.scheduler.batch, settings.scheduler.lease_seconds) == (7, 90)
    assert settings.notices.smtp.connection() == {
        "host": "mail.example",
        "port": 25,
        "from": "reviews@board.example",
        "user": "",
        "password": "from the environment",
        "starttls": False,
        "timeout": 10.0,
    }
    assert "from the environment" not in repr(settings)


def test_without_a_secret_key_one_is_made_once_for_the_instance(config: Path) -> None:
    first = load_settings(config).secret_key.get_secret_value()
    kept = config.parent / "instance" / "secret_key"
    assert kept.read_text() == first and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert load_settings(config).secret_key.get_secret_value() == first


# -- init -----------------------------------------------------------------------------------


def test_init_publishes_each_definition_once_and_is_safe_to_repeat(run: Any, engine: Any) -> None:
    first = ok(run("init"))
    for key in SHIPPED:
        assert f"Published {key} version 1." in first.output
    second = ok(run("init"))
    assert "Published" not in second.output
    assert "already published" in second.output
    with Session(engine) as s:
        rows = s.exec(select(ReviewTypeVersion.key, ReviewTypeVersion.version)).all()
    assert sorted(rows) == [(key, 1) for key in SHIPPED]


def test_init_reads_the_config_named_by_the_environment(
    config: Path, engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_CONFIG", str(config))
    ok(CliRunner().invoke(cli, ["init"]))
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(ReviewTypeVersion)).one() == len(SHIPPED)


def test_the_database_url_in_the_environment_wins(
    tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.db"
    monkeypatch.setenv("WORKFLOW_DATABASE_URL", f"sqlite:///{other}")
    ok(run("init"))
    assert other.is_file()


# -- definitions ----------------------------------------------------------------------------


def test_validate_accepts_the_shipped_definitions() -> None:
    files = [str(p) for p in sorted(DEFINITIONS.glob("*.toml"))]
    result = ok(CliRunner().invoke(cli, ["definitions", "validate", *files]))
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == len(files)


def test_validate_prints_one_line_per_problem_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text(BAD_DEFINITION, encoding="utf-8")
    good = str(DEFINITIONS / "learning_review.toml")
    result = CliRunner().invoke(cli, ["definitions", "validate", good, str(bad)])
    user_error(result)
    expected = [str(p) for p in problems_in(BAD_DEFINITION, str(bad))]
    assert len(expected) >= 2
    assert result.stderr.splitlines() == expected
    assert all(line.startswith(f"{bad}: ") for line in result.stderr.splitlines())
    assert any("colour" in line for line in result.stderr.splitlines())


def test_validate_reports_unreadable_files_and_bad_toml_on_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    not_toml = tmp_path / "not.toml"
    not_toml.write_text("key = \n[[", encoding="utf-8")
    result = user_error(
        CliRunner().invoke(cli, ["definitions", "validate", str(missing), str(not_toml)])
    )
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{missing}: ")
    assert lines[1].startswith(f"{not_toml}: ")


def test_validate_needs_a_file() -> None:
    result = CliRunner().invoke(cli, ["definitions", "validate"])
    assert result.exit_code == 2  # click's usage error


@pytest.mark.parametrize("key", SHIPPED)
def test_diagram_is_mermaid_state_diagram_of_the_latest_version(run: Any, key: str) -> None:
    ok(run("init"))
    result = ok(run("definitions", "diagram", key))
    assert result.stdout.startswith("stateDiagram-v2\n")
    d = load((DEFINITIONS / f"{key}.toml").read_text(encoding="utf-8"))
    for state in d.states:
        assert state in result.stdout
    assert f"[*] --> {d.initial}" in result.stdout


def test_diagram_of_an_unknown_key_exits_1(run: Any) -> None:
    ok(run("init"))
    result = user_error(run("definitions", "diagram", "no_such_review"))
    assert "no_such_review" in result.stderr


def test_diagram_text_turns_a_title_block_into_a_comment() -> None:
    text = "---\nA title\n---\nstateDiagram-v2\n  a --> b\n"
    assert diagram_text(text, "T") == "stateDiagram-v2\n  %% T\n  a --> b\n"
    assert diagram_text("stateDiagram-v2\n", "T") == "stateDiagram-v2\n  %% T\n"


# -- users and tokens -----------------------------------------------------------------------


def test_users_create_reads_the_password_from_stdin(run: Any, engine: Any) -> None:
    ok(run("init"))
    result = ok(
        run(
            "users",
            "create",
            "Pat Police",
            "--role",
            "agency",
            "--agency",
            "Police",
            "--agency",
            "Probation",
            "--email",
            "pat@example.org",
            input="a long password\n",
        )
    )
    assert "Pat Police" in result.stdout
    with Session(engine) as s:
        user = s.exec(select(User).where(User.name == "Pat Police")).one()
        assert (user.role, user.agencies, user.email) == (
            "agency",
            ["Police", "Probation"],
            "pat@example.org",
        )
        assert "a long password" not in user.password_hash
    assert sign_in(Store(engine), "Pat Police", "a long password") is not None


def test_users_create_refuses_a_name_that_exists(run: Any, engine: Any) -> None:
    ok(run("init"))
    ok(run("users", "create", "rita", "--role", "reviewer", input="first password\n"))
    result = user_error(run("users", "create", "rita", "--role", "chair", input="second pass!\n"))
    assert "rita" in result.stderr and "exists" in result.stderr
    with Session(engine) as s:
        user = s.exec(select(User).where(User.name == "rita")).one()
        assert user.role == "reviewer"
    assert sign_in(Store(engine), "rita", "first password") is not None


@pytest.mark.parametrize(
    ("args", "password", "says"),
    [
        (["--role", "wizard"], "long enough password", "Unknown role"),
        (["--role", "agency"], "long enough password", "--agency"),
        (["--role", "reviewer"], "short", "at least"),
    ],
)
def test_users_create_refuses_bad_input(
    run: Any, engine: Any, args: list[str], password: str, says: str
) -> None:
    ok(run("init"))
    result = user_error(run("users", "create", "newcomer", *args, input=password + "\n"))
    assert says in result.stderr
    with Session(engine) as s:
        assert s.exec(select(User).where(User.name == "newcomer")).first() is None


def test_users_create_without_a_password_makes_a_token_only_user(run: Any, engine: Any) -> None:
    ok(run("init"))
    result = ok(run("users", "create", "robot", "--role", "reviewer", input=""))
    assert "token" in result.stderr
    with Session(engine) as s:
        user = s.exec(select(User).where(User.name == "robot")).one()
        assert user.password_hash == ""
    assert sign_in(Store(engine), "robot", "") is None


def test_tokens_create_prints_one_line_that_authenticates(run: Any, engine: Any) -> None:
    ok(run("init"))
    ok(run("users", "create", "carl", "--role", "chair", input="chair password\n"))
    result = ok(run("tokens", "create", "carl"))
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].strip() == lines[0] and len(lines[0]) >= 32
    user = actor_for_token(Store(engine), lines[0])
    assert user is not None and user.name == "carl"
    assert actor_for_token(Store(engine), lines[0] + "x") is None
    again = ok(run("tokens", "create", "carl")).stdout.strip()
    assert again != lines[0]


def test_tokens_create_for_an_unknown_user_exits_1(run: Any) -> None:
    ok(run("init"))
    result = user_error(run("tokens", "create", "nobody"))
    assert "nobody" in result.stderr and result.stdout == ""


# -- serve and scheduler wiring -------------------------------------------------------------


class FakeHandle:
    def __init__(self) -> None:
        self.stopped = False

    def shutdown(self) -> None:
        self.stopped = True


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {"handles": []}

    def make_server(app: Any, host: str, port: int) -> WebServer:
        seen.update(app=app, host=host, port=port)
        return WebServer(lambda: None, lambda: seen.update(closed=True), f"http://{host}:{port}/")

    def start_background(settings: Any, service: Any = None) -> FakeHandle:
        handle = FakeHandle()
        seen["handles"].append(handle)
        return handle

    monkeypatch.setattr(serve_module, "make_server", make_server)
    monkeypatch.setattr("workflow.scheduler.start_background", start_background)
    return seen


def test_serve_runs_the_scheduler_and_stops_it_at_exit(
    run: Any, fake_server: dict[str, Any]
) -> None:
    ok(run("init"))
    ok(run("serve", "--host", "0.0.0.0", "--port", "8123"))
    assert (fake_server["host"], fake_server["port"]) == ("0.0.0.0", 8123)
    assert "workflow.service" in fake_server["app"].extensions
    [handle] = fake_server["handles"]
    assert handle.stopped and fake_server["closed"]


def test_serve_without_the_scheduler(run: Any, fake_server: dict[str, Any]) -> None:
    ok(run("init"))
    ok(run("serve", "--no-scheduler"))
    assert (fake_server["host"], fake_server["port"]) == ("127.0.0.1", 5000)
    assert fake_server["handles"] == []


def test_serve_under_a_reloader_child_starts_no_second_scheduler(
    run: Any, fake_server: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(run("init"))
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    ok(run("serve"))
    assert fake_server["handles"] == []


def test_serve_reports_a_port_in_use(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ok(run("init"))

    def busy(app: Any, host: str, port: int) -> Any:
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(serve_module, "make_server", busy)
    result = user_error(run("serve", "--no-scheduler", "--port", "8124"))
    assert "8124" in result.stderr


@pytest.mark.parametrize("waitress", [True, False])
def test_the_server_is_waitress_when_installed_else_werkzeug(
    waitress: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not waitress:
        monkeypatch.setitem(sys.modules, "waitress.server", None)  # import fails
    else:
        pytest.importorskip("waitress")
    app = object()
    server = make_server(app, "127.0.0.1", 0)
    try:
        assert server.url.startswith("http://127.0.0.1:") and not server.url.endswith(":0/")
        owner = getattr(server.run, "__self__", None)
        assert type(owner).__module__.startswith("waitress" if waitress else "werkzeug")
    finally:
        server.close()


def test_scheduler_command_runs_the_scheduler_with_these_settings(
    run: Any, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    monkeypatch.setattr("workflow.scheduler.run_forever", lambda *a, **k: calls.append(a))
    ok(run("init"))
    ok(run("scheduler"))
    [(settings, *_)] = calls
    assert settings.root == config.parent


# -- demo -----------------------------------------------------------------------------------


def _table(output: str) -> dict[str, tuple[str, str]]:
    rows = {}
    names = {u.name for u in demo_board.USERS}
    for line in output.splitlines():
        for name in names:
            if line.startswith(name + "  "):
                # name, role, agency (a dash when none), password
                parts = line[len(name) :].split()
                rows[name] = (parts[0], parts[-1])
    return rows


def test_demo_loads_every_stage_and_is_safe_to_run_again(run: Any, engine: Any) -> None:
    first = ok(run("demo"))
    with Session(engine) as s:
        cases = s.exec(select(Case)).all()
        states = {(c.review_type, c.state) for c in cases}
        count = len(cases)
        users = s.exec(select(func.count()).select_from(User)).one()
    expected = set()
    for key in SHIPPED:
        d = load((DEFINITIONS / f"{key}.toml").read_text(encoding="utf-8"))
        expected |= {(key, state) for state in d.states}
    assert states == expected
    assert all(c.data.get("demo") is True for c in cases)
    assert users == len(demo_board.USERS)
    passwords = _table(first.stdout)
    assert {n: r for n, (r, _) in passwords.items()} == {u.name: u.role for u in demo_board.USERS}
    assert "workflow" in first.stdout and "serve" in first.stdout
    assert "http://127.0.0.1:5000/" in first.stdout
    token = first.stdout.split("(reviewer):\n", 1)[1].splitlines()[0]

    second = ok(run("demo"))
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Case)).one() == count
        assert s.exec(select(func.count()).select_from(User)).one() == users
    store = Store(engine)
    new_passwords = _table(second.stdout)
    for name, (_, password) in new_passwords.items():
        assert sign_in(store, name, password) is not None
        assert password != passwords[name][1]
        assert sign_in(store, name, passwords[name][1]) is None
    new_token = second.stdout.split("(reviewer):\n", 1)[1].splitlines()[0]
    reviewer = actor_for_token(store, new_token)
    assert reviewer is not None and reviewer.role == "reviewer"
    assert actor_for_token(store, token) is None  # each run replaces the demo token


def test_demo_cases_have_real_audit_trails(run: Any, engine: Any) -> None:
    ok(run("demo"))
    with Session(engine) as s:
        closed = s.exec(
            select(Case).where(
                Case.review_type == "serious_case_review", Case.state == "no_longer_published"
            )
        ).one()
        events = s.exec(
            select(Event).where(Event.case_id == closed.id).order_by(Event.seq)  # type: ignore[arg-type]
        ).all()
        titles = [c.title for c in s.exec(select(Case))]
    steps = [(e.trigger, e.actor_role) for e in events if e.kind == "transition"]
    assert steps[0] == ("decide_scr", "chair")
    assert ("start_involvement", "lead_reviewer") in steps
    assert steps[-1] == ("withdraw", "chair")
    assert events[0].kind == "created"
    assert all(t.split()[0] in {"Child", "Sibling", "Young", "Family", "Infant"} for t in titles)


def test_demo_leaves_real_accounts_alone(run: Any, engine: Any) -> None:
    ok(run("init"))
    ok(
        run(
            "users",
            "create",
            demo_board.REVIEWER.name,
            "--role",
            "chair",
            input="the real password\n",
        )
    )
    result = user_error(run("demo"))
    assert demo_board.REVIEWER.name in result.stderr
    assert sign_in(Store(engine), demo_board.REVIEWER.name, "the real password") is not None
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Case)).one() == 0


def test_demo_moves_on_a_case_left_part_way(run: Any, engine: Any) -> None:
    ok(run("init"))
    service = Service(Store(engine), WorkingCalendar())
    part_way = service.open_case(
        Actor("interrupted run", "reviewer"),
        "serious_case_review",
        "Sibling group M",
        {"demo": True, "agencies": ["Northshire Police"]},
    )
    # The board's dates are relative to its day: the test and the command agree on which.
    with freeze_time("2026-11-30 10:00:00", tick=True):
        ok(run("demo"))
    with Session(engine) as s:
        rows = s.exec(select(Case).where(Case.title == "Sibling group M")).all()
        total = s.exec(select(func.count()).select_from(Case)).one()
    assert [(c.id, c.state) for c in rows] == [(part_way.id, "no_longer_published")]
    assert total == demo_board.expected_cases(
        Service(Store(engine), WorkingCalendar()), date(2026, 11, 30)
    )


# -- the real console script ----------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env["WORKFLOW_SECRET_KEY"] = "test-secret-key-not-for-production"
    return env


def _script() -> str:
    exe = Path(sys.executable).with_name("workflow")
    return str(exe) if exe.exists() else "workflow"


@pytest.mark.slow
def test_console_script_end_to_end(config: Path, tmp_path: Path) -> None:
    env = _env()
    cfg = ["--config", str(config)]

    def call(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [_script(), *cfg, *args],
            input=input,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    first = call("init")
    assert first.returncode == 0, first.stderr
    assert call("init").returncode == 0
    created = call("users", "create", "ada", "--role", "admin", input="admin password\n")
    assert created.returncode == 0, created.stderr
    duplicate = call("users", "create", "ada", "--role", "admin", input="admin password\n")
    assert duplicate.returncode == 1 and "exists" in duplicate.stderr
    assert "Traceback" not in duplicate.stderr
    token = call("tokens", "create", "ada")
    assert token.returncode == 0 and len(token.stdout.splitlines()) == 1
    diagram = call("definitions", "diagram", "notifiable_incident")
    assert diagram.returncode == 0 and diagram.stdout.startswith("stateDiagram-v2")
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_DEFINITION, encoding="utf-8")
    validate = call("definitions", "validate", str(bad))
    assert validate.returncode == 1
    assert validate.stderr.splitlines() == [str(p) for p in problems_in(BAD_DEFINITION, str(bad))]


@pytest.mark.slow
def test_python_dash_m_workflow_is_the_same_program(config: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workflow", "--config", str(config), "init"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Published" in result.stdout
