"""The timeliness report: per kind of deadline, met on time, met late, missed and open, with the
median and worst lateness, for a period and a review type; as a use case, at
``GET /api/v1/reports/timeliness`` and as ``workflow report timeliness``."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import DEFINITIONS, Clock
from web.app import create_app
from workflow.cli import time as cli_time
from workflow.core.calendar import WorkingCalendar
from workflow.core.errors import InvalidInput, NotFound, PermissionDenied
from workflow.core.roles import Actor
from workflow.services.accounts import NewUser, add_user, issue_token
from workflow.services.cases import Service
from workflow.services.reports.timeliness import Lateness, tally, timeliness
from workflow.services.time.sweep import sweep
from workflow.settings import Settings
from workflow.store.models.time import Deadline

NOTIFIABLE = {
    "abuse_or_neglect": True,
    "child_died": True,
    "seriously_harmed": False,
    "looked_after_child": False,
    "regulated_setting": False,
}
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def incident(service: Service, who: Actor, aware_at: str, **data: Any) -> dict[str, Any]:
    return service.open_case(
        who, "notifiable_incident", "Child", {"aware_at": aware_at, "criteria": NOTIFIABLE, **data}
    )


def notify(service: Service, who: Actor, case: dict[str, Any], notified_at: str) -> None:
    case = service.get_case(who, case.id)
    service.transition(who, case.id, "notify", case.version, data={"notified_at": notified_at})


@pytest.fixture
def board(service: Service, reviewer: Actor, clock: Clock) -> dict[str, dict[str, Any]]:
    """Notification deadlines (T1) of every kind, all due in November 2026; today is 30 Nov."""
    cases = {
        "on_time": incident(service, reviewer, "2026-11-20"),  # due 27 Nov
        "late": incident(service, reviewer, "2026-11-16"),  # due 23 Nov
        "missed": incident(service, reviewer, "2026-11-13"),  # due 20 Nov
        "missed_then_met": incident(service, reviewer, "2026-11-19"),  # due 26 Nov
    }
    notify(service, reviewer, cases["on_time"], "2026-11-26")
    notify(service, reviewer, cases["late"], "2026-11-25")
    # The scheduler last ran on 27 Nov: the missed ones were escalated.
    escalated = sweep(service, datetime(2026, 11, 27, 1, 0, tzinfo=UTC))
    assert sorted(f.case for f in escalated) == sorted(
        cases[k].reference for k in ("missed", "missed_then_met")
    )
    cases["overdue"] = incident(service, reviewer, "2026-11-18")  # due 25 Nov, not swept yet
    notify(service, reviewer, cases["missed_then_met"], "2026-11-30")
    cases["open"] = incident(service, reviewer, "2026-11-30")  # due 7 Dec
    answers = {**NOTIFIABLE, "abuse_or_neglect": False, "child_died": False}
    cancelled = service.open_case(
        reviewer,
        "notifiable_incident",
        "Child",
        {"aware_at": "2026-11-17", "criteria": answers, "decision_rationale": "Not met."},
    )
    service.transition(reviewer, cancelled.id, "not_notifiable", cancelled.version)
    return cases


def kind(report: Any, name: str) -> Any:
    if isinstance(report, dict):  # the command line's JSON
        return next(k for k in report["deadlines"] if k["deadline"] == name)
    found = [k for k in report.deadlines if k.deadline == name]
    assert len(found) == 1, report
    return found[0]


def test_each_deadline_is_counted_in_its_kind(service: Service, board: Any) -> None:
    report = timeliness(service, "notifiable_incident", *NOVEMBER)
    assert (report.review_type, report.from_, report.to) == ("notifiable_incident", *NOVEMBER)
    assert [k.deadline for k in report.deadlines] == ["notification"]  # no stall
    t1 = kind(report, "notification")
    assert (t1.label, t1.limit) == ("Notify Ofsted and the board", "T1")
    assert {
        k: getattr(t1, k) for k in ("total", "met_on_time", "met_late", "missed", "open", "overdue")
    } == {
        "total": 5,
        "met_on_time": 1,
        "met_late": 2,
        "missed": 1,
        "open": 1,
        "overdue": 1,
    }
    # Late: met 2 days late, missed-then-met 4 days late, missed and still open 10 days.
    assert t1.lateness_days == Lateness(median=4, worst=10)


def test_the_period_is_the_due_date(service: Service, board: Any) -> None:
    everything = timeliness(service, "notifiable_incident")
    t1 = kind(everything, "notification")
    assert t1.total == 6 and t1.open == 2  # the one due in December too
    decision = kind(everything, "decision")  # T2 opened by each notification
    assert (decision.limit, decision.open, decision.total) == ("T2", 3, 3)
    december = timeliness(service, None, date(2026, 12, 1), None)
    assert {k.deadline for k in december.deadlines} == {"notification", "decision"}
    assert kind(december, "notification").total == 1
    assert timeliness(service, None, date(2026, 10, 1), date(2026, 10, 31)).deadlines == ()


def test_the_review_type_filters(service: Service, board: Any, chair: Actor) -> None:
    scr = service.open_case(
        chair,
        "serious_case_review",
        "Child S",
        {
            "criteria": {
                "abuse_or_neglect": True,
                "child_died": True,
                "seriously_harmed": False,
                "concern_about_working_together": False,
                "died_in_custody": False,
            },
            "decision_rationale": "Met.",
        },
    )
    service.transition(chair, scr.id, "decide_scr", scr.version)
    assert {k.review_type for k in timeliness(service).deadlines} == {
        "notifiable_incident",
        "serious_case_review",
    }
    only_scr = timeliness(service, "serious_case_review")
    assert [(k.deadline, k.limit, k.open) for k in only_scr.deadlines] == [("completion", "T4", 1)]
    with pytest.raises(NotFound):
        timeliness(service, "no_such_type")


def test_bad_periods_and_roles_are_refused(service: Service, police: Actor) -> None:
    with pytest.raises(InvalidInput, match="before it starts"):
        timeliness(service, None, date(2026, 12, 1), date(2026, 11, 1))
    with pytest.raises(PermissionDenied):
        timeliness(service, actor=police)


def test_tally_rules_on_plain_rows() -> None:
    cal = WorkingCalendar()
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)

    def row(status: str, due: str, met: str | None = None, name: str = "x") -> Deadline:
        d = date.fromisoformat(due)
        return Deadline(
            case_id=1,
            name=name,
            status=status,
            due_date=d,
            due_at=cal.end_of_day(d),
            opened_at=now,
            met_date=date.fromisoformat(met) if met else None,
        )

    rows = [
        row("met", "2026-11-10", "2026-11-10"),  # on the day: on time
        row("missed", "2026-11-10", "2026-11-09"),  # escalated, but the date shows on time
        row("met", "2026-11-10", "2026-11-13"),  # 3 days late
        row("missed", "2026-11-25"),  # 5 days late and counting
        row("pending", "2026-12-01"),
        row("cancelled", "2026-11-01"),
        row("pending", "2026-11-01", name="stall"),
    ]
    out = tally(((r, "t") for r in rows), now, cal)
    assert list(out) == [("t", "x")]
    view = out[("t", "x")].view()
    assert (view.met_on_time, view.met_late, view.missed, view.open) == (2, 1, 1, 1)
    assert view.lateness_days == Lateness(median=4, worst=5)
    assert view.overdue == 0


# -- the API and the command line ---------------------------------------------------------------


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        root=tmp_path,
        database_url=db_url,
        secret_key=secrets.token_hex(16),
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path,
    )


def test_get_reports_timeliness(service: Service, board: Any, settings: Settings) -> None:
    with service.store.write() as u:
        add_user(u, NewUser(name="carl", role="chair"), service.now())
        add_user(u, NewUser(name="pat", role="agency", agencies=("Police",)), service.now())
        chair_token = issue_token(u, "carl", service.now())
        agency_token = issue_token(u, "pat", service.now())
    client = create_app(settings, service=service).test_client()
    url = "/api/v1/reports/timeliness?review_type=notifiable_incident&from=2026-11-01&to=2026-11-30"
    r = client.get(url, headers={"Authorization": f"Bearer {chair_token}"})
    assert r.status_code == 200, r.json
    expected = timeliness(service, "notifiable_incident", *NOVEMBER)
    assert r.json == expected.model_dump(mode="json", by_alias=True)
    assert set(r.json) == {"review_type", "from", "to", "as_of", "deadlines"}
    denied: Any = client.get(url, headers={"Authorization": f"Bearer {agency_token}"})
    assert denied.status_code == 403 and denied.json["error"]["code"] == "forbidden"
    bad: Any = client.get(
        "/api/v1/reports/timeliness?from=30/11/2026",
        headers={"Authorization": f"Bearer {chair_token}"},
    )
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid_input"
    assert any("from" in d for d in bad.json["error"]["details"])
    unknown = client.get(
        "/api/v1/reports/timeliness?review_type=nope",
        headers={"Authorization": f"Bearer {chair_token}"},
    )
    assert unknown.status_code == 404


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'instance_dir = "{tmp_path / "instance"}"\n', encoding="utf-8")
    return config


def test_workflow_report_timeliness_prints_json(
    service: Service, board: Any, db_url: str, tmp_path: Path
) -> None:
    env = {"WORKFLOW_DATABASE_URL": db_url, "WORKFLOW_SECRET_KEY": "x" * 32}
    args = [
        "--config",
        str(write_config(tmp_path)),
        "report",
        "timeliness",
        "--review-type",
        "notifiable_incident",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
    ]
    result = CliRunner().invoke(cli_time.main, args, env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    t1 = kind(report, "notification")
    assert (t1["met_on_time"], t1["met_late"], t1["missed"], t1["open"]) == (1, 2, 1, 1)
    bad = CliRunner().invoke(cli_time.main, [*args[:4], "--from", "yesterday"], env=env)
    assert bad.exit_code == 1 and "2026-04-01" in bad.output


def test_the_commands_join_the_workflow_group() -> None:
    from workflow.cli import cli

    assert {"tick", "scheduler", "report"} <= set(cli.commands)
