"""Issue 12, every statutory rule right: each test here failed on main before its rule.

Through the use cases (the service), with the clock injected; the sweep is called with ``now``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests import records_support as rs
from tests.conftest import DEFINITIONS, Clock
from tests.test_publication import (
    confirm_harm_check,
    publish,
    put_in_publication,
    respond,
    send_copies,
)
from tests.test_shipped import (
    ACTION_OPEN,
    NOTIFY,
    RATIONALE,
    REVIEW_STEPS,
    SCR_MET,
    SCR_NOT_MET,
    Step,
    _drive,
)
from workflow.core import engine
from workflow.core.calendar import WorkingCalendar, parse_duration
from workflow.core.definition import load
from workflow.core.errors import DefinitionError, InvalidInput, PermissionDenied, TransitionBlocked
from workflow.core.roles import SYSTEM_ACTOR, Actor
from workflow.services.cases import CaseView, Service
from workflow.services.reports.annual.report import annual as annual_report
from workflow.services.reports.timeliness import timeliness
from workflow.services.time.escalations import list_escalations
from workflow.services.time.results import FireOutcome
from workflow.services.time.sweep import sweep
from workflow.settings import SettingsError, load_settings

Actors = dict[str, Actor]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def escalations(service: Service, actor: Actor, open_only: bool = False) -> list[Any]:
    return list(list_escalations(service, actor, open_only=open_only).items)


NOTIFIABLE = {
    "abuse_or_neglect": True,
    "child_died": True,
    "seriously_harmed": False,
    "looked_after_child": False,
    "regulated_setting": False,
}


def due(case: object, name: str) -> date:
    return next(d.due_date for d in case.deadlines if d.name == name)  # type: ignore[attr-defined]


# -- 6. each timer names its calendar ----------------------------------------------------------


def test_a_closure_day_does_not_move_the_statutory_5_day_notification(
    service: Service, clock: Clock, reviewer: Actor
) -> None:
    clock.set("2026-12-01T10:00:00+00:00")
    board = WorkingCalendar(closure_days=[date(2026, 12, 2)])
    closed_board = Service(service.store, board, clock)
    case = closed_board.open_case(
        reviewer, "notifiable_incident", "Child A", {"aware_at": "2026-12-01"}
    )
    # Aware on Tuesday 1 December 2026: the 5th working day after is Tuesday 8 December, whatever
    # the board's own closure days.
    assert due(case, "notification") == date(2026, 12, 8)
    # The board's policy limits still count its closure days where the definition says so.
    assert board.last_day(date(2026, 12, 1), parse_duration("5 working days")) == date(2026, 12, 9)


# -- 1. advance copies a week before the publication date (T5) ---------------------------------


def test_advance_copies_are_judged_against_the_publication_date(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)
    respond(service, reviewer, case_id)
    send_copies(service, reviewer, case_id, sent_on=date(2026, 11, 23))
    confirm_harm_check(service, chair, case_id)
    rs.final_report_signed_off(service, {"reviewer": reviewer, "chair": chair}, case_id)
    clock.set("2026-12-01T10:00:00+00:00")
    with pytest.raises(TransitionBlocked) as refused:
        publish(service, chair, case_id, published_on=date(2026, 11, 24))
    assert (
        "At least 1 week must pass after the advance copy to Ofsted "
        "(data.advance_copies.ofsted, 2026-11-23); the earliest day is 2026-11-30 to publish, "
        "not 2026-11-24 (the publication date, data.published_at)."
    ) in refused.value.unmet
    done = publish(service, chair, case_id, published_on=date(2026, 11, 30))
    assert done.state == "published"
    assert done.data["published_at"] == "2026-11-30"


# -- the serious case review, end to end -------------------------------------------------------


@pytest.fixture
def people(reviewer: Actor, chair: Actor, lead: Actor, police: Actor, admin: Actor) -> Actors:
    return {
        "reviewer": reviewer,
        "chair": chair,
        "lead": lead,
        "police": police,
        "admin": admin,
        "system": SYSTEM_ACTOR,
    }


def scr_in_monitoring(service: Service, people: Actors) -> CaseView:
    """A serious case review whose action plan is signed off; its action still open."""
    case = service.open_case(people["reviewer"], "serious_case_review", "Child S", {})
    steps = (Step("decide_scr", "chair", SCR_MET | RATIONALE), *REVIEW_STEPS)
    done: CaseView = _drive(service, people, case, steps)
    assert done.state == "monitoring"
    return done


def publish_now(service: Service, people: Actors, case: CaseView) -> CaseView:
    rs.final_report_signed_off(service, dict(people), case.id)
    case = service.get_case(people["chair"], case.id)
    data = {
        "report_sent_at": "2026-11-20",
        "board_response": "Accepted in full",
        "harm_check_confirmed": True,
        "publication_url": "https://lscb.example/scr-s",
    }
    return service.transition(people["chair"], case.id, "publish", case.version, data=data)


# -- 2. publication does not wait for the actions; closing does --------------------------------


def test_an_scr_is_published_with_its_actions_open_and_closed_only_when_they_are_done(
    service: Service, people: Actors
) -> None:
    case = scr_in_monitoring(service, people)
    case = service.transition(people["chair"], case.id, "prepare_publication", case.version)
    published = publish_now(service, people, case)
    assert published.state == "published"
    # The actions go on being monitored after publication: the action's deadline still runs.
    assert [(d.name, d.status) for d in published.deadlines if d.name.startswith("action:")] == [
        ("action:1", "pending")
    ]
    with pytest.raises(TransitionBlocked) as refused:
        service.transition(people["chair"], case.id, "close", published.version)
    assert any(ACTION_OPEN in r for r in refused.value.unmet)
    rs.complete(service, people["reviewer"], case.id)
    closed = service.transition(people["chair"], case.id, "close", rs.version(service, case.id))
    assert (closed.state, closed.final) == ("closed", True)


# -- 5. the end of the 12 months on the website reminds the chair; only a person withdraws -----


def test_the_end_of_the_website_period_reminds_the_chair_and_withdraws_nothing(
    service: Service, clock: Clock, people: Actors
) -> None:
    case = scr_in_monitoring(service, people)
    case = service.transition(people["chair"], case.id, "prepare_publication", case.version)
    published = publish_now(service, people, case)
    assert due(published, "website") == date(2027, 11, 30)
    fired = [
        f for f in sweep(service, utc("2027-12-01T00:30:00+00:00")) if f.case == case.reference
    ]
    # The action fell due long ago and escalated too; the website period only reminds.
    assert [(f.deadline, f.outcome) for f in fired if f.deadline == "website"] == [
        ("website", FireOutcome.ESCALATED)
    ]
    after = service.get_case(people["chair"], case.id)
    assert after.state == "published"
    open_ones = escalations(service, people["chair"], open_only=True)
    assert [(e.case, e.deadline, e.to_role) for e in open_ones if e.deadline == "website"] == [
        (case.reference, "website", ("chair",))
    ]
    with pytest.raises(PermissionDenied):
        service.transition(SYSTEM_ACTOR, case.id, "withdraw", after.version)
    clock.set("2027-12-01T10:00:00+00:00")
    withdrawn = service.transition(people["chair"], case.id, "withdraw", after.version)
    assert withdrawn.state == "no_longer_published"


# -- 3. any decision not to hold an SCR starts the 14-day notice to the national panel (T3) ----


@pytest.mark.parametrize(
    ("review_type", "steps", "decision", "waiting"),
    [
        ("notifiable_incident", (NOTIFY,), "decide_no_review", "no_review_decided"),
        ("notifiable_incident", (NOTIFY,), "decide_learning_review", "learning_review_decided"),
        ("serious_case_review", (), "decline", "declined"),
    ],
)
def test_any_decision_not_to_hold_an_scr_opens_the_panel_notice(
    service: Service,
    clock: Clock,
    people: Actors,
    review_type: str,
    steps: tuple[Step, ...],
    decision: str,
    waiting: str,
) -> None:
    data = {"aware_at": "2026-11-27"} if review_type == "notifiable_incident" else {}
    case = _drive(
        service, people, service.open_case(people["reviewer"], review_type, "C", data), steps
    )
    clock.set("2026-12-03T10:00:00+00:00")
    decided = service.transition(
        people["chair"], case.id, decision, case.version, data=SCR_NOT_MET | RATIONALE
    )
    assert decided.state == waiting
    notice = [d for d in decided.deadlines if d.name == "panel_notice"]
    assert [(d.due_date, d.status) for d in notice] == [(date(2026, 12, 17), "pending")]
    clock.set("2026-12-10T10:00:00+00:00")
    told = service.transition(people["reviewer"], case.id, "tell_national_panel", decided.version)
    assert told.final
    notice = [d for d in told.deadlines if d.name == "panel_notice"]
    assert [d.status for d in notice] == ["met"]


# -- 4. the SCR opened from an incident starts after the decision, taken once ------------------


def test_the_scr_opened_from_an_incident_starts_after_the_decision_with_its_t4_from_it(
    service: Service, clock: Clock, people: Actors
) -> None:
    incident = service.open_case(
        people["reviewer"], "notifiable_incident", "Child A", {"aware_at": "2026-11-27"}
    )
    incident = _drive(service, people, incident, (NOTIFY,))
    clock.set("2026-12-03T10:00:00+00:00")
    decided = service.transition(
        people["chair"], incident.id, "decide_scr", incident.version, data=SCR_MET | RATIONALE
    )
    (link,) = decided.linked_cases
    scr = service.get_case(people["chair"], link.id)
    assert scr.state == "scoping"
    assert "decide_scr" not in [t.trigger for t in scr.transitions]
    assert due(scr, "completion") == date(2027, 6, 3)  # 6 months from the decision
    # The decision is recorded once: the annual report counts one decision to hold an SCR.
    report = annual_report(service, people["chair"], 2026)
    held = [d for d in report.decisions if d.trigger == "decide_scr"]
    assert [(d.review_type, d.count) for d in held] == [("notifiable_incident", 1)]


# -- 7. a notification recorded late: met late, by how much; its escalation resolved -----------


@pytest.mark.parametrize(
    ("notified_at", "late", "days_late", "on_time", "met_late"),
    [("2026-12-10", True, 2, 0, 1), ("2026-12-08", False, None, 1, 0)],
)
def test_a_notification_recorded_late_shows_met_as_the_timeliness_report_counts_it(
    service: Service,
    clock: Clock,
    people: Actors,
    notified_at: str,
    late: bool,
    days_late: int | None,
    on_time: int,
    met_late: int,
) -> None:
    clock.set("2026-12-01T10:00:00+00:00")
    case = service.open_case(
        people["reviewer"], "notifiable_incident", "Child N", {"aware_at": "2026-12-01"}
    )
    assert due(case, "notification") == date(2026, 12, 8)
    fired = sweep(service, utc("2026-12-09T00:30:00+00:00"))
    assert [(f.deadline, f.outcome) for f in fired if f.deadline != "stall"] == [
        ("notification", FireOutcome.ESCALATED)
    ]

    def open_notification_escalations() -> list[str]:
        found = escalations(service, people["chair"], open_only=True)
        return [e.deadline for e in found if e.deadline == "notification"]

    assert open_notification_escalations() == ["notification"]
    missed = service.get_case(people["reviewer"], case.id)
    assert [d.status for d in missed.deadlines if d.name == "notification"] == ["missed"]

    clock.set("2026-12-10T11:00:00+00:00")
    data = {**{"criteria": NOTIFIABLE}, "notified_at": notified_at}
    notified = service.transition(people["reviewer"], case.id, "notify", missed.version, data=data)
    (row,) = [d for d in notified.deadlines if d.name == "notification"]
    assert (row.status, row.met_late, row.days_late) == ("met", late, days_late)
    assert row.met_date == date.fromisoformat(notified_at)
    # Meeting the deadline resolves its escalation.
    assert open_notification_escalations() == []
    report = timeliness(service, "notifiable_incident")
    (counted,) = [t for t in report.deadlines if t.deadline == "notification"]
    assert (counted.met_on_time, counted.met_late, counted.missed) == (on_time, met_late, 0)
    assert counted.lateness_days.worst == days_late


# -- the board's framework and the annual report's year, from config.toml ----------------------


def test_the_framework_offers_its_review_types_for_new_cases_and_open_cases_keep_theirs(
    service: Service,
    clock: Clock,
    people: Actors,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reviewer = people["reviewer"]
    kept = service.open_case(reviewer, "notifiable_incident", "Child A", {"aware_at": "2026-11-27"})
    config = tmp_path / "config.toml"
    config.write_text(
        '[framework]\nreview_types = ["rapid_review", "local_practice_review"]\n'
        "[reports]\nannual_start_month = 4\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("WORKFLOW_SECRET_KEY", "k")
    settings = load_settings(config)
    assert settings.framework.review_types == ("rapid_review", "local_practice_review")
    partnership = Service(
        service.store,
        service.calendar,
        clock,
        offered=settings.framework.review_types,
        annual_start_month=settings.reports.annual_start_month,
    )
    with pytest.raises(InvalidInput) as refused:
        partnership.open_case(reviewer, "serious_case_review", "Child B", {})
    assert "does not offer a serious case review for new cases" in refused.value.message
    opened = partnership.open_case(
        reviewer, "rapid_review", "Child C", {"notified_at": "2026-11-27"}
    )
    assert opened.review_type == "rapid_review"
    # The incident opened before keeps its type and its steps.
    notified = partnership.transition(
        reviewer, kept.id, "notify", kept.version, data={"criteria": NOTIFIABLE}
    )
    assert notified.state == "notified"
    # The annual report's year starts in April, as the board reports.
    report = annual_report(partnership, people["chair"], 2026)
    assert (report.period.start_month, report.period.label) == (4, "2026-27")


def test_unknown_framework_and_report_keys_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_SECRET_KEY", "k")
    config = tmp_path / "config.toml"
    config.write_text(
        "[framework]\nreview_type = []\n[reports]\nannual_start_month = 13\n", encoding="utf-8"
    )
    with pytest.raises(SettingsError) as refused:
        load_settings(config)
    text = str(refused.value)
    assert "framework.review_type" in text
    assert "reports.annual_start_month" in text


# -- 9. who hears of a slipped action is the definition's to say -------------------------------


def _planned_good_practice_review(service: Service, people: Actors) -> None:
    """A good-practice review with a problem finding and its action, due 2027-03-31."""
    case = service.open_case(people["reviewer"], "good_practice_review", "Child G", {})
    rs.add(
        service,
        people["reviewer"],
        case.id,
        "findings",
        what_happened="Late referral",
        why="Unclear pathway",
        kind="problem",
    )
    rs.plan(service, people["reviewer"], case.id)


def test_who_hears_of_an_overdue_action_is_a_value_of_the_definition(
    service: Service, clock: Clock, people: Actors, admin: Actor
) -> None:
    source = (DEFINITIONS / "good_practice_review.toml").read_text(encoding="utf-8")
    told = 'escalate_to = ["agency", "chair"]'
    assert source.count(told) == 1
    service.publish(admin, source.replace(told, 'escalate_to = ["reviewer"]'))
    _planned_good_practice_review(service, people)
    fired = sweep(service, utc("2027-04-01T00:30:00+00:00"))
    assert [(f.deadline, f.to_roles) for f in fired if f.deadline.startswith("action:")] == [
        ("action:1", ("reviewer",))
    ]


def test_how_often_an_overdue_action_is_reminded_is_a_value_of_the_definition(
    service: Service, clock: Clock, people: Actors, admin: Actor
) -> None:
    """Left out, those told hear once; a definition's ``remind_every`` that is not a duration
    is refused with where it is and what a duration looks like."""
    source = (DEFINITIONS / "good_practice_review.toml").read_text(encoding="utf-8")
    every = 'remind_every = "5 working days"'
    assert source.count(every) == 2
    with pytest.raises(DefinitionError) as refused:
        load(source.replace(every, 'remind_every = "weekly"'))
    assert "record_deadlines.action.remind_every" in str(refused.value)
    assert "record_deadlines.contribution.remind_every" in str(refused.value)
    service.publish(admin, source.replace(every, ""))
    _planned_good_practice_review(service, people)
    fired = [
        (f.deadline, f.outcome)
        for at in ("2027-04-01T00:30:00+00:00", "2027-05-01T00:30:00+00:00")
        for f in sweep(service, utc(at))
        if "action:" in f.deadline
    ]
    assert fired == [("action:1", "escalated")]  # once, and no reminder after


# -- the definition keys these rules added -----------------------------------------------------

TINY = """schema = 1
key = "tiny"
name = "Tiny"
initial = "open"

[states.open]
label = "Open"

[states.done]
final = true

[[transitions]]
trigger = "finish"
source = "open"
dest = "done"
roles = ["chair"]

[timers.policy]
anchor = "data.start"
duration = "5 working days"
runs_in = ["open"]
met_by = ["finish"]
escalate_to = ["chair"]
CALENDAR
"""


def test_a_timer_counts_the_board_closure_days_only_when_its_definition_says_so() -> None:
    board = WorkingCalendar(closure_days=[date(2026, 12, 2)])
    now = utc("2026-12-01T10:00:00+00:00")
    data = {"start": "2026-12-01"}
    for line, expected in (("", date(2026, 12, 8)), ('calendar = "board"', date(2026, 12, 9))):
        d = load(TINY.replace("CALENDAR", line))
        outcome = engine.open_case(d, Actor("carl", "chair"), data, now, board)
        (opened,) = [c for c in outcome.deadline_changes if c.name == "policy"]
        assert opened.due_date == expected
    with pytest.raises(DefinitionError) as refused:
        load(TINY.replace("CALENDAR", 'calendar = "closures"'))
    assert "timers.policy.calendar" in str(refused.value)
    assert "'bank_holidays', 'board'" in str(refused.value)


def test_a_case_cannot_be_opened_in_a_state_it_could_not_be_open_in() -> None:
    d = load(TINY.replace("CALENDAR", ""))
    now = utc("2026-12-01T10:00:00+00:00")
    with pytest.raises(InvalidInput, match="cannot be opened in 'done'"):
        engine.open_case(d, Actor("carl", "chair"), {}, now, WorkingCalendar(), state="done")
