"""The board's annual report: figures that match the records exactly, served as JSON, CSV and a
printable page with inline SVG charts, written by ``workflow report annual``; and no child named
anywhere (a sentinel name in every case's title and data appears in no export)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import Session, col, select

from tests import records_support as rs
from tests.api_client import Call, assert_error
from tests.conftest import DEFINITIONS, Clock
from tests.test_learning import signed_in
from tests.test_publication import RESPONSE
from workflow.cli import cli
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.roles import Actor
from workflow.services import learning, publication, records
from workflow.services.cases import Service
from workflow.services.learning import NewProduct
from workflow.services.publication import (
    BoardResponse,
    ConfirmHarmCheck,
    DecideNotToPublish,
    DelayPublication,
    Publish,
    RecordResponse,
    SendAdvanceCopies,
)
from workflow.services.reports import annual as annual_report
from workflow.services.reports import timeliness as reports
from workflow.services.time.sweep import sweep
from workflow.store.models.cases import Case, Event
from workflow.store.models.records import Action
from workflow.store.unit import unit_of_work

CHAIR = Actor("carl", "chair")
REVIEWER = Actor("rita", "reviewer")
ADMIN = Actor("ada", "admin")
SENTINEL = "Zebedee Quillfeather"
CHILD = {
    "child_name": SENTINEL,
    "child": {"name": SENTINEL, "date_of_birth": "2019-04-01"},
    "notes": f"{SENTINEL} lived with her grandmother.",
}


def at(clock: Clock, day: str) -> None:
    clock.set(f"{day}T10:00:00+00:00")


def opened(service: Service, clock: Clock, day: str, review_type: str, label: str) -> int:
    at(clock, day)
    case = service.open_case(
        REVIEWER,
        review_type,
        f"{SENTINEL} ({label})",
        {"agencies": ["Police", "Health"], **CHILD},
    )
    return int(case.id)


def force(service: Service, case_id: int, state: str) -> None:
    """Put a case in a state directly: the steps before it are not what this report counts."""
    with unit_of_work(service.db) as s:
        row = s.get(Case, case_id)
        assert row is not None
        row.state = state
        s.add(row)


def v(service: Service, case_id: int) -> int:
    return int(service.get_case(CHAIR, case_id).version)


def add(service: Service, case_id: int, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    command = records.AddRecord.of(case_id, kind, body, v(service, case_id))
    return records.add_record(service, REVIEWER, command).model_dump(mode="json")


def step(service: Service, case_id: int, trigger: str, data: dict[str, Any] | None = None) -> None:
    service.transition(CHAIR, case_id, trigger, v(service, case_id), data=data)


def publish(service: Service, clock: Clock, case_id: int, sent: str, day: str) -> None:
    at(clock, sent)
    response = BoardResponse(**{**RESPONSE, "findings_accepted": [1]})
    publication.record_response(
        service,
        REVIEWER,
        case_id,
        RecordResponse(expected_version=v(service, case_id), response=response),
    )
    publication.send_advance_copies(
        service, REVIEWER, case_id, SendAdvanceCopies(expected_version=v(service, case_id))
    )
    publication.confirm_harm_check(
        service, CHAIR, case_id, ConfirmHarmCheck(expected_version=v(service, case_id))
    )
    signed_off(service, case_id)
    at(clock, day)
    url = f"https://board.example/reviews/{SENTINEL.lower().replace(' ', '-')}"
    publication.publish(
        service, CHAIR, case_id, Publish(expected_version=v(service, case_id), url=url)
    )


def signed_off(service: Service, case_id: int) -> None:
    """A serious case review's final report, uploaded and signed off for the board."""
    if service.get_case(CHAIR, case_id).review_type == "serious_case_review":
        rs.final_report_signed_off(service, {"reviewer": REVIEWER, "chair": CHAIR}, case_id)


def finding(service: Service, case_id: int, kind: str, themes: list[str]) -> None:
    add(
        service,
        case_id,
        "findings",
        {
            "what_happened": f"{SENTINEL} was not seen alone.",
            "why": "Workload.",
            "kind": kind,
            "themes": themes,
        },
    )


def seed_year(service: Service, clock: Clock) -> dict[str, int]:
    """A board's 2026, with things just before and after it, in the order they happened (see
    each figure's test)."""
    at(clock, "2025-01-02")
    for name in ("Neglect", "Information sharing", "Domestic abuse"):
        records.save_theme(service, ADMIN, records.SaveTheme.of({"name": name}))
    ids: dict[str, int] = {}

    # SCR5: published in 2025; twelve months later, in 2026, the chair is reminded and takes
    # it down.
    ids["scr5"] = opened(service, clock, "2025-01-06", "serious_case_review", "scr5")
    finding(service, ids["scr5"], "problem", ["Neglect"])
    force(service, ids["scr5"], "publication")
    publish(service, clock, ids["scr5"], "2025-03-03", "2025-03-10")

    # SCR1: opened in 2025 with a finding; its action plan signed off (completed) and the
    # report published in 2026; four actions, two done in 2026.
    ids["scr1"] = opened(service, clock, "2025-12-01", "serious_case_review", "scr1")
    finding(service, ids["scr1"], "problem", ["Neglect"])
    force(service, ids["scr1"], "action_plan")

    # LPR1: opened 2026; published in 2026 (which completes a local practice review).
    ids["lpr1"] = opened(service, clock, "2026-01-05", "local_practice_review", "lpr1")
    finding(service, ids["lpr1"], "problem", ["Information sharing"])
    force(service, ids["lpr1"], "publication")

    at(clock, "2026-02-02")
    finding(service, ids["scr1"], "good_practice", ["Information sharing"])
    for owner, due in (
        ("Health", "2026-05-31"),
        ("Police", "2026-06-30"),
        ("Police", "2026-09-30"),
        ("Health", "2027-02-28"),
    ):
        add(
            service,
            ids["scr1"],
            "actions",
            {
                "finding": 1,
                "description": f"{SENTINEL} plan",
                "owner_agency": owner,
                "due_date": due,
            },
        )
    by_due = {
        a["due_date"]: a["id"]
        for a in records.list_records(service, REVIEWER, ids["scr1"], "actions").model_dump(
            mode="json"
        )["items"]
    }

    # Learning reviews: one commissioned, one declined, in 2026 (and one opened in 2027).
    ids["lr1"] = opened(service, clock, "2026-02-02", "learning_review", "lr1")
    at(clock, "2026-02-03")
    step(service, ids["lr1"], "commission", {"decision_rationale": f"Insight into {SENTINEL}"})
    ids["lr2"] = opened(service, clock, "2026-03-02", "learning_review", "lr2")
    at(clock, "2026-03-03")
    step(service, ids["lr2"], "decline", {"decision_rationale": "Single-agency learning"})

    at(clock, "2026-03-11")
    assert [f.outcome for f in sweep(service) if f.deadline == "website"] == ["escalated"]
    step(service, ids["scr5"], "withdraw")
    step(service, ids["scr5"], "close")  # it has no actions: nothing is left to monitor

    at(clock, "2026-04-01")
    step(service, ids["scr1"], "sign_off_action_plan")
    force(service, ids["scr1"], "publication")

    # SCR2: opened 2026, not published.
    ids["scr2"] = opened(service, clock, "2026-05-04", "serious_case_review", "scr2")
    finding(service, ids["scr2"], "problem", ["Neglect", "Domestic abuse"])
    force(service, ids["scr2"], "publication")

    at(clock, "2026-05-20")
    done = {"status": "done", "completion_evidence": "Protocol signed"}
    records.change_record(
        service,
        REVIEWER,
        records.ChangeRecord.of(
            ids["scr1"],
            "actions",
            by_due["2026-05-31"],
            {**done, "impact_evidence": "Audit: referrals now shared"},
            v(service, ids["scr1"]),
        ),
    )
    publish(service, clock, ids["scr1"], "2026-06-01", "2026-06-10")
    at(clock, "2026-07-01")
    signed_off(service, ids["scr2"])
    publication.decide_not_to_publish(
        service,
        CHAIR,
        ids["scr2"],
        DecideNotToPublish(
            expected_version=v(service, ids["scr2"]),
            reasons=f"{SENTINEL}'s siblings",
            panel_told_on=date(2026, 7, 1),
        ),
    )
    step(service, ids["scr2"], "close")  # it has no actions: nothing is left to monitor
    at(clock, "2026-07-10")
    records.change_record(
        service,
        REVIEWER,
        records.ChangeRecord.of(
            ids["scr1"], "actions", by_due["2026-06-30"], done, v(service, ids["scr1"])
        ),
    )

    # SCR3: opened 2026, publication delayed.
    ids["scr3"] = opened(service, clock, "2026-08-03", "serious_case_review", "scr3")
    finding(service, ids["scr3"], "problem", ["Domestic abuse"])
    force(service, ids["scr3"], "publication")
    at(clock, "2026-09-01")
    publication.delay(
        service,
        CHAIR,
        ids["scr3"],
        DelayPublication(
            expected_version=v(service, ids["scr3"]),
            reason=f"Trial of {SENTINEL}'s father",
            review_date=date(2027, 3, 1),
        ),
    )

    at(clock, "2026-10-01")
    signed = {"local_authority": True, "police": True, "health": True}  # by the three partners
    service.update_data(CHAIR, ids["lpr1"], {"report_signed_off": signed}, v(service, ids["lpr1"]))
    publish(service, clock, ids["lpr1"], "2026-10-01", "2026-10-15")
    ids["lr3"] = opened(service, clock, "2027-01-11", "learning_review", "lr3")

    # Learning products: a bulletin in March 2026; a thematic presentation in December 2026
    # and again in January 2027.
    at(clock, "2027-01-15")
    refs = {k: service.get_case(CHAIR, i).reference for k, i in ids.items()}
    learning.create_product(
        service,
        REVIEWER,
        NewProduct.model_validate(
            {
                "kind": "bulletin",
                "title": f"What {SENTINEL} taught us",
                "cases": [refs["scr1"]],
                "deliveries": [
                    {"delivered_on": "2026-03-10", "reach": 40, "agencies_reached": ["Police"]}
                ],
            }
        ),
    )
    learning.create_product(
        service,
        REVIEWER,
        NewProduct.model_validate(
            {
                "kind": "thematic_presentation",
                "title": "Neglect across reviews",
                "cases": [refs["scr1"], refs["scr2"], refs["scr5"]],
                "themes": ["Neglect"],
                "audience_agencies": ["Health"],
                "deliveries": [
                    {"delivered_on": "2026-12-01", "reach": 25},
                    {"delivered_on": "2027-01-10", "reach": 30, "agencies_reached": ["Education"]},
                ],
            }
        ),
    )
    return ids


@pytest.fixture
def year(service: Service, clock: Clock) -> dict[str, int]:
    ids = seed_year(service, clock)
    at(clock, "2027-01-15")  # the year is over when the report is made
    return ids


def report(service: Service, **kw: Any) -> dict[str, Any]:
    """The 2026 report as the JSON API gives it."""
    return annual_report.annual(service, CHAIR, 2026, **kw).model_dump(mode="json")


def reviews_of(r: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {x["review_type"]: x for x in r["reviews"]}


def test_reviews_opened_completed_published_by_type(service: Service, year: dict[str, int]) -> None:
    r = report(service)
    assert r["period"] | {"as_of": None} == {
        "year": 2026,
        "start_month": 1,
        "label": "2026",
        "from": "2026-01-01",
        "to": "2026-12-31",
        "as_of": None,
        "complete": True,
    }
    rows = reviews_of(r)
    figures = {
        k: tuple(rows[k][m] for m in annual_report.REVIEW_MEASURES)
        for k in ("serious_case_review", "local_practice_review", "learning_review")
    }
    # opened, completed, published, not published, delayed
    assert figures == {
        "serious_case_review": (2, 1, 1, 1, 1),
        "local_practice_review": (1, 1, 1, 0, 0),
        "learning_review": (2, 0, 0, 0, 0),
    }
    assert rows["notifiable_incident"]["opened"] == 0
    # A review ends when it is closed, its actions done (one not published, one withdrawn).
    assert rows["serious_case_review"]["ended"] == [
        {"state": "closed", "label": "Closed: every action done", "count": 2}
    ]
    assert rows["learning_review"]["ended"] == [
        {"state": "declined", "label": "Not commissioned", "count": 1}
    ]
    refs = {k: service.get_case(CHAIR, i).reference for k, i in year.items()}
    assert r["publications"] == [
        {
            "case": refs["scr1"],
            "review_type": "serious_case_review",
            "published_on": "2026-06-10",
            "published_as": "full_report",
        },
        {
            "case": refs["lpr1"],
            "review_type": "local_practice_review",
            "published_on": "2026-10-15",
            "published_as": "full_report",
        },
    ]


def test_decisions_and_timeliness_against_each_limit(
    service: Service, year: dict[str, int]
) -> None:
    r = report(service)
    decisions = {(d["review_type"], d["trigger"]): d["count"] for d in r["decisions"]}
    assert decisions == {
        ("learning_review", "commission"): 1,
        ("learning_review", "decline"): 1,
        ("local_practice_review", "publish"): 1,
        ("serious_case_review", "close"): 2,
        ("serious_case_review", "decide_not_to_publish"): 1,
        ("serious_case_review", "delay_publication"): 1,
        ("serious_case_review", "publish"): 1,
        ("serious_case_review", "sign_off_action_plan"): 1,
        ("serious_case_review", "withdraw"): 1,
    }
    labels = {(d["review_type"], d["trigger"]): d["label"] for d in r["decisions"]}
    assert labels[("serious_case_review", "sign_off_action_plan")] == "Sign off the action plan"
    # The same figures as the timeliness report for the year, limit by limit.
    assert r["timeliness"] == [
        row.model_dump(mode="json")
        for row in reports.timeliness(service, None, date(2026, 1, 1), date(2026, 12, 31)).deadlines
    ]
    website = next(t for t in r["timeliness"] if t["deadline"] == "website")
    # The minimum period ended, the chair was reminded and took the report down after it.
    assert (website["limit"], website["met_late"], website["total"]) == ("T6", 1, 1)
    limits = {t["limit"] for t in r["timeliness"]}
    assert {"T6", "T8"} <= limits


def test_actions_completed_overdue_and_with_impact(service: Service, year: dict[str, int]) -> None:
    actions = report(service)["actions"]
    assert actions["as_of"] == "2026-12-31"
    assert actions["totals"] == {
        "due": 3,
        "completed": 2,
        "completed_on_time": 1,
        "completed_late": 1,
        "impact_evidenced": 1,
        "open_at_end": 2,
        "overdue_at_end": 1,
    }
    assert actions["by_agency"] == [
        {
            "agency": "Health",
            "due": 1,
            "completed": 1,
            "completed_on_time": 1,
            "completed_late": 0,
            "impact_evidenced": 1,
            "open_at_end": 1,
            "overdue_at_end": 0,
        },
        {
            "agency": "Police",
            "due": 2,
            "completed": 1,
            "completed_on_time": 0,
            "completed_late": 1,
            "impact_evidenced": 0,
            "open_at_end": 1,
            "overdue_at_end": 1,
        },
    ]
    # The figures are the records': recount them from the action rows.
    with Session(service.db) as s:
        rows = list(s.exec(select(Action)))
    done = [
        a
        for a in rows
        if a.completed_on and date(2026, 1, 1) <= a.completed_on <= date(2026, 12, 31)
    ]
    assert actions["totals"]["completed"] == len(done)
    assert actions["totals"]["due"] == sum(1 for a in rows if a.due_date.year == 2026)


def test_a_year_still_running_counts_open_and_overdue_as_of_today(
    service: Service, clock: Clock, year: dict[str, int]
) -> None:
    at(clock, "2026-08-01")
    r = report(service)
    assert r["period"]["complete"] is False
    # On 1 August 2026 the action due on 30 June (done 10 July) was done; the one due on
    # 30 September was not yet due; the one done on 20 May was done.
    assert r["actions"]["as_of"] == "2026-08-01"
    assert r["actions"]["totals"]["overdue_at_end"] == 0
    assert r["actions"]["totals"]["open_at_end"] == 2


def test_learning_products_and_their_reach(service: Service, year: dict[str, int]) -> None:
    lr = report(service)["learning"]
    assert (lr["products"], lr["deliveries"], lr["reach"]) == (2, 2, 65)
    kinds = {k["kind"]: (k["products"], k["deliveries"], k["reach"]) for k in lr["by_kind"]}
    assert kinds["bulletin"] == (1, 1, 40)
    assert kinds["thematic_presentation"] == (1, 1, 25)
    assert kinds["event"] == (0, 0, 0)
    assert lr["agencies_reached"] == [
        {"agency": "Health", "deliveries": 1},
        {"agency": "Police", "deliveries": 1},
    ]


def test_recurring_themes_of_the_year(service: Service, year: dict[str, int]) -> None:
    themes = report(service)["themes"]
    # Findings recorded in 2026: SCR1's good practice (Information sharing), SCR2 (Neglect,
    # Domestic abuse), SCR3 (Domestic abuse), LPR1 (Information sharing).
    assert (themes["findings"], themes["reviews"], themes["recurring"]) == (4, 4, 2)
    rows = {t["theme"]: t for t in themes["rows"]}
    assert (rows["Domestic abuse"]["reviews"], rows["Domestic abuse"]["recurring"]) == (2, True)
    assert rows["Domestic abuse"]["seen_before"] is False
    assert (
        rows["Information sharing"]["reviews"],
        rows["Information sharing"]["good_practice"],
    ) == (2, 1)
    assert (
        rows["Neglect"]["findings"],
        rows["Neglect"]["recurring"],
        rows["Neglect"]["seen_before"],
    ) == (1, False, True)
    assert rows["Information sharing"]["review_types"] == [
        "local_practice_review",
        "serious_case_review",
    ]


def test_the_year_can_start_in_april(service: Service, year: dict[str, int]) -> None:
    r = report(service, start_month=4)
    assert (r["period"]["label"], r["period"]["from"], r["period"]["to"]) == (
        "2026-27",
        "2026-04-01",
        "2027-03-31",
    )
    rows = reviews_of(r)
    assert rows["learning_review"]["opened"] == 1  # lr3, January 2027
    assert rows["serious_case_review"]["completed"] == 1  # signed off on 1 April 2026
    assert r["learning"]["reach"] == 25 + 30


def test_bad_years_and_roles_are_refused(service: Service) -> None:
    with pytest.raises(InvalidInput) as caught:
        annual_report.annual(service, CHAIR, 1066, 13)
    assert len(caught.value.details) == 2
    with pytest.raises(PermissionDenied):
        annual_report.annual(service, Actor("pat", "agency", ("Police",)), 2026)


# -- the outputs, and no child named anywhere ---------------------------------------------------


def no_child_named(text: str, where: str) -> None:
    folded = text.casefold()
    for form in (SENTINEL, "Quillfeather", "zebedee-quillfeather", "2019-04-01", "grandmother"):
        assert form.casefold() not in folded, f"{form!r} appears in {where}"


def test_csv_rows_match_the_json(service: Service, year: dict[str, int]) -> None:
    r = annual_report.annual(service, CHAIR, 2026)
    text = annual_report.to_csv(r)
    lines = text.splitlines()
    assert lines[0] == "section,review_type,item,measure,value"
    assert "reviews,serious_case_review,,opened,2" in lines
    assert "actions,,all agencies,overdue_at_end,1" in lines
    assert "learning,,all kinds,reach,65" in lines
    assert "themes,,Domestic abuse,recurring,yes" in lines
    assert len(lines) == 1 + len(annual_report.csv_rows(r))


def test_the_api_serves_json_and_csv_and_names_no_child(
    service: Service, clock: Clock, call: Call
) -> None:
    seed_year(service, clock)
    at(clock, "2027-01-15")
    r = call("chair", "get", "/reports/annual?year=2026")
    assert r.status_code == 200
    assert r.json == annual_report.annual(service, CHAIR, 2026).model_dump(mode="json")
    no_child_named(r.get_data(as_text=True), "the JSON")
    csv = call("reviewer", "get", "/reports/annual?year=2026&format=csv")
    assert csv.status_code == 200
    assert csv.mimetype == "text/csv"
    assert 'filename="annual-report-2026.csv"' in csv.headers["Content-Disposition"]
    assert csv.get_data(as_text=True) == annual_report.to_csv(
        annual_report.AnnualReport.model_validate(r.json)
    )
    no_child_named(csv.get_data(as_text=True), "the CSV")
    assert (
        call("admin", "get", "/reports/annual?year=2026&start_month=4").json["period"]["label"]
        == "2026-27"
    )
    assert_error(call("police", "get", "/reports/annual?year=2026"), 403, "forbidden")
    assert_error(call("chair", "get", "/reports/annual"), 422, "invalid_input")
    assert_error(call("chair", "get", "/reports/annual?year=2026&format=pdf"), 422, "invalid_input")
    spec = call("chair", "get", "/openapi.json").json
    assert "/api/v1/reports/annual" in spec["paths"]


def test_the_printable_page_has_charts_and_names_no_child(
    service: Service, clock: Clock, app: Any
) -> None:
    seed_year(service, clock)
    at(clock, "2027-01-15")
    assert app.test_client().get("/reports/annual?year=2026").status_code == 302
    chair = signed_in(app, service, "carl", "chair")
    page = chair.get("/reports/annual?year=2026")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Case reviews in 2026" in html
    assert html.count("<svg") == 5 and 'role="img"' in html
    assert "http://www.w3.org/2000/svg" in html and "cdn" not in html.casefold()
    assert "@media print" in html
    assert 'data-measure="overdue_at_end">1<' in html
    no_child_named(html, "the page")
    for path in ("/reports/annual.csv?year=2026", "/reports/annual.json?year=2026"):
        download = chair.get(path)
        assert download.status_code == 200
        no_child_named(download.get_data(as_text=True), path)
    assert json.loads(
        chair.get("/reports/annual.json?year=2026").get_data()
    ) == annual_report.annual(service, CHAIR, 2026).model_dump(mode="json")
    assert chair.get("/reports/annual?year=soon").status_code == 400
    assert signed_in(app, service, "pat", "agency").get("/reports/annual").status_code == 403


def test_the_command_writes_the_same_files(
    service: Service, clock: Clock, tmp_path: Path, db_url: str
) -> None:
    seed_year(service, clock)
    config = tmp_path / "config.toml"
    config.write_text(
        f'database_url = "{db_url}"\ndefinitions_dir = "{DEFINITIONS.as_posix()}"\n',
        encoding="utf-8",
    )
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        cli, ["--config", str(config), "report", "annual", "--year", "2025", "--out", str(out)]
    )
    assert result.exit_code == 0, (result.output, result.exception)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["annual-report-2025.csv", "annual-report-2025.html", "annual-report-2025.json"]
    assert result.output.splitlines() == [
        str(out / n)
        for n in ("annual-report-2025.json", "annual-report-2025.csv", "annual-report-2025.html")
    ]
    written = json.loads((out / "annual-report-2025.json").read_text(encoding="utf-8"))
    expected = annual_report.annual(service, None, 2025).model_dump(mode="json")
    for r in (written, expected):
        r["period"].pop("as_of")
    assert written == expected
    assert reviews_of(written)["serious_case_review"]["published"] == 1  # SCR5, March 2025
    csv = (out / "annual-report-2025.csv").read_text(encoding="utf-8")
    assert "reviews,serious_case_review,,published,1" in csv.splitlines()
    html = (out / "annual-report-2025.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "<script" not in html
    for f in out.iterdir():
        no_child_named(f.read_text(encoding="utf-8"), f.name)
    bad = CliRunner().invoke(cli, ["--config", str(config), "report", "annual", "--year", "1900"])
    assert bad.exit_code == 1 and "year" in bad.output


# -- the demonstration board ----------------------------------------------------------------------


def test_the_demo_boards_report_matches_its_records(service: Service) -> None:
    from workflow.services import demo

    demo.load(service)
    today = service.calendar.local_date(service.now())
    r = annual_report.annual(service, CHAIR, today.year).model_dump(mode="json")
    with Session(service.db) as s:
        cases = list(s.exec(select(Case)))
        chair_steps = Counter(
            (rtype, trigger)
            for rtype, trigger, when in s.exec(
                select(Case.review_type, Event.trigger, Event.at)
                .join(Case, col(Case.id) == col(Event.case_id))
                .where(Event.kind == "transition", Event.actor_role == "chair")
            )
            if service.calendar.local_date(when).year == today.year
        )
        actions = list(s.exec(select(Action)))
    opened = Counter(
        c.review_type for c in cases if service.calendar.local_date(c.created_at).year == today.year
    )
    assert {x["review_type"]: x["opened"] for x in r["reviews"] if x["opened"]} == dict(opened)
    assert {(d["review_type"], d["trigger"]): d["count"] for d in r["decisions"]} == dict(
        chair_steps
    )
    assert r["actions"]["totals"]["open_at_end"] == sum(1 for a in actions if a.status != "done")
    assert r["actions"]["totals"]["completed"] == sum(
        1
        for a in actions
        if a.status == "done" and a.completed_on and a.completed_on.year == today.year
    )
    ended = Counter(
        (c.review_type, c.state)
        for c in cases
        if c.state in service.definition(c.review_type).final_states
    )
    assert {
        (x["review_type"], e["state"]): e["count"] for x in r["reviews"] for e in x["ended"]
    } == dict(ended)
    for c in cases:
        assert c.title not in json.dumps(r)
