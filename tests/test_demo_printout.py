"""Issue 14, the demo's printout: the address served (from --port), the first sweep in one
line instead of every notice, and each agency user's agency in the sign-in table."""

from __future__ import annotations

from click.testing import CliRunner

from workflow.cli import cli
from workflow.services.demo import USERS, FirstSweep, describe
from workflow.services.demo.loader import Board


def _board() -> Board:
    users = tuple((u.name, u.role, f"pw-{i}") for i, u in enumerate(USERS))
    return Board(users=users, token_user="Sam Patel", token="tok", cases=())


def test_the_printout_gives_the_port_served_and_sums_up_the_first_sweep() -> None:
    swept = FirstSweep(fired=25, delivered=25, waiting=0, sender="log")
    lines = describe(_board(), url="http://127.0.0.1:8123/", swept=swept)
    text = "\n".join(lines)
    assert "http://127.0.0.1:8123/" in text and ":5000" not in text
    [sweep] = [line for line in lines if line.startswith("First sweep")]
    assert "25 overdue deadline(s) fired; 25 notice(s) delivered" in sweep
    header = next(i for i, line in enumerate(lines) if line.startswith("name"))
    assert header < 12, "the sign-in table must start near the top of the screen"
    assert "agency" in lines[header]
    for user in USERS:
        [row] = [line for line in lines if line.startswith(user.name + "  ")]
        if user.agencies:
            assert ", ".join(user.agencies) in row
        else:
            assert " - " in row


def test_demo_takes_the_options_serve_takes() -> None:
    result = CliRunner().invoke(cli, ["demo", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--host", "--no-scheduler"):
        assert option in result.output
