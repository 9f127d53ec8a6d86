"""The sweep: due deadlines fire exactly once, as the scheduler, in one transaction with their
case; met or cancelled ones never fire; a dead sweeper's claims fire after their lease; a sweep
after downtime catches up and says how late it was. Time is always an injected ``now``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from tests import records_support as rs
from tests.conftest import Clock
from workflow.core.roles import SYSTEM_ACTOR, Actor
from workflow.services.cases import Service
from workflow.services.time.results import FireOutcome
from workflow.services.time.sweep import Sweeper, claim_due, next_due, sweep
from workflow.store.models.accounts import User
from workflow.store.models.cases import Case, Event
from workflow.store.models.time import Deadline, Escalation, Notice
from workflow.store.unit import unit_of_work

YES_NOTIFIABLE = {
    "abuse_or_neglect": True,
    "child_died": True,
    "seriously_harmed": False,
    "looked_after_child": False,
    "regulated_setting": False,
}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def open_incident(
    service: Service, actor: Actor, aware_at: str = "2026-11-30", **data: Any
) -> dict[str, Any]:
    return service.open_case(
        actor, "notifiable_incident", "Child A", {"aware_at": aware_at, **data}
    )


def deadline(service: Service, case_id: int, name: str) -> Deadline:
    with Session(service.db) as s:
        rows = list(
            s.exec(
                select(Deadline)
                .where(Deadline.case_id == case_id, Deadline.name == name)
                .order_by(col(Deadline.id))
            )
        )
    assert rows, f"no deadline {name}"
    return rows[-1]


def events(service: Service, case_id: int, kind: str | None = None) -> list[Event]:
    with Session(service.db) as s:
        query = select(Event).where(Event.case_id == case_id).order_by(col(Event.seq))
        rows = list(s.exec(query))
    return [e for e in rows if kind is None or e.kind == kind]


def names(fired: list[Any], case_ref: str | None = None) -> list[str]:
    return [f.deadline for f in fired if case_ref is None or f.case == case_ref]


def add_user(
    service: Service, name: str, role: str, agencies: tuple[str, ...] = (), active: bool = True
) -> None:
    with unit_of_work(service.db) as s:
        s.add(
            User(
                name=name,
                role=role,
                agencies=list(agencies),
                email=f"{name}@board.example",
                active=active,
                created_at=service.now(),
            )
        )


# -- when a deadline fires --------------------------------------------------------------------


def test_a_tick_before_the_due_instant_fires_nothing(service: Service, reviewer: Actor) -> None:
    case = open_incident(service, reviewer)  # aware Mon 30 Nov: due by the end of Mon 7 Dec
    row = deadline(service, case.id, "notification")
    assert row.due_date == date(2026, 12, 7)
    assert row.due_at == utc("2026-12-08T00:00:00+00:00")
    assert sweep(service, row.due_at - timedelta(seconds=1)) == []
    assert deadline(service, case.id, "notification").status == "pending"
    assert events(service, case.id, "deadline_missed") == []


def test_a_deadline_fires_at_its_due_instant(service: Service, reviewer: Actor) -> None:
    case = open_incident(service, reviewer)
    row = deadline(service, case.id, "notification")
    fired = sweep(service, row.due_at)
    assert "notification" in names(fired)
    assert [f.lateness_seconds for f in fired if f.deadline == "notification"] == [0]


def test_T1_missed_escalates_to_reviewer_and_chair_as_the_scheduler(
    service: Service, reviewer: Actor, clock: Clock
) -> None:
    add_user(service, "rita", "reviewer")
    add_user(service, "carl", "chair")
    add_user(service, "old", "chair", active=False)
    add_user(service, "ada", "admin")
    add_user(service, "pat", "agency", ("Police",))
    case = open_incident(service, reviewer, "2026-11-20")  # due by the end of Fri 27 Nov
    at = utc("2026-11-30T10:00:00+00:00")
    fired = [f for f in sweep(service, at) if f.deadline == "notification"]
    assert len(fired) == 1
    f = fired[0]
    assert (f.case, f.outcome, f.to_roles) == (
        case.reference,
        FireOutcome.ESCALATED,
        ("reviewer", "chair"),
    )
    assert f.due_at == utc("2026-11-28T00:00:00+00:00")
    assert f.fired_at == at
    assert f.lateness_seconds == 2 * 86400 + 10 * 3600

    row = deadline(service, case.id, "notification")
    assert (row.status, row.fired_at, row.lateness_seconds) == ("missed", at, f.lateness_seconds)
    assert (row.claimed_by, row.lease_expires_at, row.attempts) == (None, None, 1)
    after = service.get_case(reviewer, case.id)
    assert after.version == case.version + 1  # a write like a person's
    assert [d.status for d in after.deadlines if d.name == "notification"] == ["missed"]

    with Session(service.db) as s:
        escalation = s.exec(select(Escalation)).one()
        notices = list(s.exec(select(Notice).order_by(col(Notice.recipient))))
    assert escalation.to_roles == ["reviewer", "chair"]
    assert escalation.deadline_name == "notification"
    assert escalation.deadline_id == row.id
    assert "T1" in escalation.reason and "Friday 27 November 2026" in escalation.reason
    assert "2 days 10 hours" in escalation.reason
    # Every active user holding a role told: not the inactive chair, admin or agency user.
    assert [n.recipient for n in notices] == ["carl", "rita"]
    assert all(n.escalation_id == escalation.id and n.status == "pending" for n in notices)

    missed = events(service, case.id, "deadline_missed")
    escalated = [
        e for e in events(service, case.id, "escalated") if e.detail["deadline"] == "notification"
    ]
    assert len(missed) == len(escalated) == 1
    for e in (*missed, *escalated):
        assert (e.actor, e.actor_role, e.at) == (SYSTEM_ACTOR.name, "system", at)
    assert escalated[0].note == escalation.reason
    assert escalated[0].detail["escalation"] == escalation.id


def test_a_missed_deadline_can_still_be_met_and_is_not_fired_again(
    service: Service, reviewer: Actor
) -> None:
    case = open_incident(service, reviewer, "2026-11-20", criteria=YES_NOTIFIABLE)
    sweep(service, utc("2026-11-30T10:00:00+00:00"))
    case = service.get_case(reviewer, case.id)
    service.transition(reviewer, case.id, "notify", case.version)
    row = deadline(service, case.id, "notification")
    # Met late: one truth, met (and how late), as the timeliness report counts it.
    assert row.status == "met" and row.met_date == date(2026, 11, 30)
    assert "notification" not in names(sweep(service, utc("2027-06-01T00:00:00+00:00")))


def test_a_sweep_after_downtime_catches_up_and_records_how_late(
    service: Service, reviewer: Actor, clock: Clock
) -> None:
    cases = [open_incident(service, reviewer, f"2026-11-{day}") for day in (23, 24, 25)]
    later = utc("2027-01-15T09:30:00+00:00")  # the scheduler was down for weeks
    fired = [f for f in sweep(service, later) if f.deadline == "notification"]
    assert sorted(f.case for f in fired) == sorted(c.reference for c in cases)
    for f in fired:
        row = deadline(service, f.case_id, "notification")
        assert row.fired_at == later
        assert row.lateness_seconds == int((later - row.due_at).total_seconds()) > 30 * 86400
    assert [f.due_at for f in fired] == sorted(f.due_at for f in fired)  # oldest first


def test_each_deadline_fires_once_however_often_swept(service: Service, reviewer: Actor) -> None:
    case = open_incident(service, reviewer, "2026-11-20")
    at = utc("2026-11-30T10:00:00+00:00")
    first = sweep(service, at)
    assert names(first) == ["notification"]
    assert sweep(service, at) == []
    assert names(sweep(service, at + timedelta(hours=1))) == []
    assert len(events(service, case.id, "deadline_missed")) == 1


def test_small_batches_still_catch_up_on_everything(service: Service, reviewer: Actor) -> None:
    for _ in range(7):
        open_incident(service, reviewer, "2026-11-20")
    fired = Sweeper(service, batch=2).sweep(utc("2026-11-30T10:00:00+00:00"))
    assert names(fired) == ["notification"] * 7


# -- met and cancelled deadlines never fire ---------------------------------------------------


def test_a_met_deadline_never_fires(service: Service, reviewer: Actor) -> None:
    case = open_incident(service, reviewer, criteria=YES_NOTIFIABLE)
    service.transition(reviewer, case.id, "notify", case.version)
    row = deadline(service, case.id, "notification")
    assert row.status == "met"
    fired = sweep(service, utc("2030-01-01T00:00:00+00:00"))
    assert "notification" not in names(fired)
    assert deadline(service, case.id, "notification").fired_at is None


def test_a_cancelled_deadline_never_fires(service: Service, reviewer: Actor) -> None:
    answers = {**YES_NOTIFIABLE, "abuse_or_neglect": False, "child_died": False}
    case = open_incident(service, reviewer, criteria=answers, decision_rationale="Not met.")
    service.transition(reviewer, case.id, "not_notifiable", case.version)
    assert deadline(service, case.id, "notification").status == "cancelled"
    assert sweep(service, utc("2030-01-01T00:00:00+00:00")) == []
    assert deadline(service, case.id, "notification").fired_at is None


def test_a_deadline_met_after_it_was_claimed_does_not_fire(
    service: Service, reviewer: Actor
) -> None:
    case = open_incident(service, reviewer, criteria=YES_NOTIFIABLE)
    due = deadline(service, case.id, "notification").due_at
    claimed = claim_due(service, due, "sweeper-1", lease_seconds=300)
    assert (deadline(service, case.id, "notification").id, case.id) in claimed
    service.transition(reviewer, case.id, "notify", case.version)  # a person, first
    sweeper = Sweeper(service, owner="sweeper-1")
    row = deadline(service, case.id, "notification")
    assert sweeper.fire_claimed(row.id or 0, case.id, due) is None
    assert deadline(service, case.id, "notification").status == "met"
    assert events(service, case.id, "deadline_missed") == []


# -- a sweeper that dies after claiming ---------------------------------------------------------


def test_a_dead_sweepers_claims_fire_once_after_the_lease(
    service: Service, reviewer: Actor
) -> None:
    cases = [open_incident(service, reviewer, "2026-11-20") for _ in range(3)]
    now = utc("2026-11-30T10:00:00+00:00")
    claimed = claim_due(service, now, "dead-sweeper", lease_seconds=300)
    assert sorted(c for _, c in claimed) == sorted(c.id for c in cases)
    # It dies here. Before the lease expires nobody else may fire them ...
    assert sweep(service, now + timedelta(seconds=60)) == []
    assert sweep(service, now + timedelta(seconds=299)) == []
    # ... after it, the next sweep fires each exactly once.
    fired = sweep(service, now + timedelta(seconds=301))
    assert sorted(f.case_id for f in fired) == sorted(c.id for c in cases)
    assert sweep(service, now + timedelta(seconds=900)) == []
    for c in cases:
        row = deadline(service, c.id, "notification")
        assert (row.status, row.attempts) == ("missed", 2)
        assert len(events(service, c.id, "deadline_missed")) == 1


def test_a_claim_is_exclusive_while_its_lease_lasts(service: Service, reviewer: Actor) -> None:
    open_incident(service, reviewer, "2026-11-20")
    now = utc("2026-11-30T10:00:00+00:00")
    first = claim_due(service, now, "a", lease_seconds=300)
    assert len(first) == 1
    assert claim_due(service, now, "b", lease_seconds=300) == []
    assert claim_due(service, now + timedelta(seconds=300), "b") == first  # lease over
    # The first owner lost it: finishing its claim fires nothing.
    assert Sweeper(service, owner="a").fire_claimed(first[0][0], first[0][1], now) is None
    assert Sweeper(service, owner="b").fire_claimed(first[0][0], first[0][1], now) is not None


# -- anchors corrected --------------------------------------------------------------------------


def test_correcting_the_anchor_later_moves_the_deadline_audited(
    service: Service, reviewer: Actor
) -> None:
    case = open_incident(service, reviewer, "2026-11-20")
    old = deadline(service, case.id, "notification")
    assert old.due_date == date(2026, 11, 27)
    changed = service.update_data(
        reviewer,
        case.id,
        {"aware_at": "2026-11-26"},
        case.version,
        note="aware_at was mistyped",
    )
    new = deadline(service, case.id, "notification")
    assert new.id == old.id and new.due_date == date(2026, 12, 3)
    assert new.due_at == utc("2026-12-04T00:00:00+00:00")
    assert [d.due_date for d in changed.deadlines if d.name == "notification"] == [
        date(2026, 12, 3)
    ]
    moved = events(service, case.id, "deadline_moved")
    assert [(e.detail["from"], e.detail["to"], e.actor) for e in moved] == [
        ("2026-11-27", "2026-12-03", "rita")
    ]
    # The old due instant has passed but the corrected limit has not: nothing fires.
    assert "notification" not in names(sweep(service, utc("2026-12-01T00:00:00+00:00")))
    assert names(sweep(service, new.due_at)) == ["notification"]


def test_correcting_the_anchor_earlier_makes_it_fall_due_sooner(
    service: Service, reviewer: Actor
) -> None:
    case = open_incident(service, reviewer, "2026-11-30")  # due by the end of Mon 7 Dec
    at = utc("2026-12-02T12:00:00+00:00")
    assert "notification" not in names(sweep(service, at))
    service.update_data(reviewer, case.id, {"aware_at": "2026-11-23"}, case.version)
    row = deadline(service, case.id, "notification")
    assert row.due_date == date(2026, 11, 30)
    fired = [f for f in sweep(service, at) if f.deadline == "notification"]
    assert len(fired) == 1 and fired[0].lateness_seconds == 36 * 3600


# -- stall --------------------------------------------------------------------------------------


def test_a_stall_escalates_then_repeats_until_someone_acts(
    service: Service, reviewer: Actor, clock: Clock
) -> None:
    add_user(service, "rita", "reviewer")
    case = open_incident(service, reviewer, criteria=YES_NOTIFIABLE)
    stall = deadline(service, case.id, "stall")
    assert stall.due_date == date(2026, 12, 7)  # referral: 5 working days without progress
    fired = [f for f in sweep(service, stall.due_at) if f.deadline == "stall"]
    assert [(f.outcome, f.to_roles) for f in fired] == [(FireOutcome.STALLED, ("reviewer",))]
    with Session(service.db) as s:
        rows = list(
            s.exec(select(Deadline).where(Deadline.name == "stall").order_by(col(Deadline.id)))
        )
        escalation = s.exec(select(Escalation).where(Escalation.deadline_name == "stall")).one()
    assert [(r.status, r.current) for r in rows] == [("missed", False), ("pending", True)]
    assert rows[1].due_date == date(2026, 12, 9)  # repeats every 2 working days
    assert "no progress in Referral since Monday 30 November 2026" in escalation.reason
    # The notification fell due at the same instant: two writes by the scheduler.
    assert service.get_case(reviewer, case.id).version == case.version + 2

    # Nobody acts: it repeats, once per interval.
    assert sweep(service, rows[1].due_at - timedelta(seconds=1)) == []
    again = sweep(service, rows[1].due_at)
    assert [(f.deadline, f.outcome) for f in again] == [("stall", FireOutcome.STALLED)]
    third = deadline(service, case.id, "stall")
    assert (third.status, third.due_date) == ("pending", date(2026, 12, 11))

    # Someone acts: the stall clock restarts from the day of the change.
    clock.set("2026-12-11T09:00:00+00:00")
    current = service.get_case(reviewer, case.id)
    service.update_data(reviewer, case.id, {"reference_note": "called LA"}, current.version)
    restarted = deadline(service, case.id, "stall")
    assert restarted.id == third.id and restarted.due_date == date(2026, 12, 18)
    assert "stall" not in names(sweep(service, third.due_at))
    stall_escalations = [
        e for e in events(service, case.id, "escalated") if e.detail["deadline"] == "stall"
    ]
    assert len(stall_escalations) == 2
    assert all(e.actor_role == "system" for e in stall_escalations)


def test_a_late_sweep_raises_one_stall_reminder_not_a_burst(
    service: Service, reviewer: Actor
) -> None:
    case = open_incident(service, reviewer)
    late = utc("2027-02-03T15:00:00+00:00")  # weeks of reminders were never raised
    fired = [f for f in sweep(service, late) if f.deadline == "stall"]
    assert len(fired) == 1
    nxt = deadline(service, case.id, "stall")
    assert nxt.status == "pending" and nxt.due_at > late
    assert nxt.due_date == date(2027, 2, 5)  # 2 working days after the day it was raised


# -- timers that take a step --------------------------------------------------------------------

SCR_DATA: dict[str, Any] = {
    # The national panel told that the review started and who leads it.
    "panel_told_of_review_at": "2026-10-01",
    "panel_told_of_lead": "Lena Lead",
    "criteria": {
        "abuse_or_neglect": True,
        "child_died": True,
        "seriously_harmed": False,
        "concern_about_working_together": False,
        "died_in_custody": False,
    },
    "decision_rationale": "Regulation 5 criteria met.",
    "agencies": ["Police", "Health"],
    "scoping": {"scale": "full", "method": "systems"},
    "lead_reviewer": {"name": "Lena Lead", "organisations": []},
    "board_response": "Accepted in full.",
    "harm_check_confirmed": True,
    "publication_url": "https://board.example/scr/child-a",
    "report_sent_at": "2026-11-02",
}


def published_scr(service: Service, chair: Actor, reviewer: Actor) -> dict[str, Any]:
    case = service.open_case(chair, "serious_case_review", "Child B", SCR_DATA)
    for actor, trigger in [
        (chair, "decide_scr"),
        (chair, "appoint_lead"),
        (chair, "start_involvement"),
        (reviewer, "begin_findings"),
        (chair, "agree_findings"),
        (chair, "sign_off_action_plan"),
        (chair, "prepare_publication"),
        (chair, "publish"),
    ]:
        if trigger == "begin_findings":  # the people involved and a finding are records
            rs.involve(service, reviewer, case.id, ("Police", "Health"), request_from=None)
            rs.add(
                service,
                reviewer,
                case.id,
                "findings",
                what_happened="A",
                why="B",
                kind="good_practice",
            )
            case = service.get_case(reviewer, case.id)
        if trigger == "publish":
            rs.final_report_signed_off(service, {"reviewer": reviewer, "chair": chair}, case.id)
            case = service.get_case(reviewer, case.id)
        case = service.transition(actor, case.id, trigger, case.version)
    assert case.state == "published"
    return case


def test_T6_reminds_the_chair_and_never_withdraws_the_report(
    service: Service, chair: Actor, reviewer: Actor
) -> None:
    case = published_scr(service, chair, reviewer)
    website = deadline(service, case.id, "website")
    assert website.due_date == date(2027, 11, 30)  # 12 months from publication (30 Nov 2026)
    assert sweep(service, website.due_at - timedelta(seconds=1)) == []
    fired = sweep(service, website.due_at + timedelta(minutes=5))
    assert [(f.deadline, f.outcome, f.trigger) for f in fired] == [
        ("website", FireOutcome.ESCALATED, None)
    ]
    after = service.get_case(chair, case.id)
    assert after.state == "published"
    assert events(service, case.id, "transition")[-1].trigger == "publish"
    (escalated,) = events(service, case.id, "escalated")
    assert escalated.detail["deadline"] == "website"
    assert sweep(service, utc("2030-01-01T00:00:00+00:00")) == []


LAPSE = """
key = "lapse_test"
name = "Lapse test"
initial = "open"
[states.open]
label = "Open"
[states.lapsed]
label = "Lapsed"
final = true
[[transitions]]
trigger = "lapse"
source = "open"
dest = "lapsed"
roles = ["system", "chair"]
guards = [{ name = "required", fields = ["lapse_reason"] }]
[timers.expiry]
label = "Expiry"
limit = "TX"
anchor = "data.start"
duration = "3 working days"
runs_in = ["open"]
met_by = ["lapse"]
fire = "lapse"
"""


def test_a_step_the_guards_refuse_escalates_with_the_reasons(
    service: Service, admin: Actor, chair: Actor
) -> None:
    service.publish(admin, LAPSE)
    add_user(service, "carl", "chair")
    case = service.open_case(chair, "lapse_test", "Child C", {"start": "2026-11-30"})
    row = deadline(service, case.id, "expiry")
    fired = sweep(service, row.due_at)
    assert [(f.deadline, f.outcome, f.trigger) for f in fired] == [
        ("expiry", FireOutcome.REFUSED, "lapse")
    ]
    # No escalate_to: the people who could take the step themselves are told.
    assert fired[0].to_roles == ("chair",)
    after = service.get_case(chair, case.id)
    assert after.state == "open" and after.version == case.version + 1
    assert deadline(service, case.id, "expiry").status == "missed"
    with Session(service.db) as s:
        escalation = s.exec(select(Escalation)).one()
        assert [n.recipient for n in s.exec(select(Notice))] == ["carl"]
    assert "could not take the step 'lapse'" in escalation.reason
    assert "Record the lapse reason (data.lapse_reason)." in escalation.reason
    missed = events(service, case.id, "deadline_missed")
    assert [(e.trigger, e.actor_role) for e in missed] == [("lapse", "system")]


def test_a_step_the_guards_allow_is_taken(service: Service, admin: Actor, chair: Actor) -> None:
    service.publish(admin, LAPSE)
    case = service.open_case(
        chair, "lapse_test", "Child D", {"start": "2026-11-30", "lapse_reason": "expired"}
    )
    row = deadline(service, case.id, "expiry")
    fired = sweep(service, row.due_at)
    assert [(f.outcome, f.trigger) for f in fired] == [(FireOutcome.FIRED, "lapse")]
    assert service.get_case(chair, case.id).state == "lapsed"


def test_a_step_taken_also_tells_the_roles_the_timer_names(
    service: Service, admin: Actor, chair: Actor
) -> None:
    service.publish(
        admin, LAPSE.replace('fire = "lapse"', 'fire = "lapse"\nescalate_to = ["chair"]')
    )
    add_user(service, "carl", "chair")
    case = service.open_case(
        chair, "lapse_test", "Child E", {"start": "2026-11-30", "lapse_reason": "expired"}
    )
    fired = sweep(service, deadline(service, case.id, "expiry").due_at)
    assert [(f.outcome, f.to_roles) for f in fired] == [(FireOutcome.FIRED, ("chair",))]
    assert deadline(service, case.id, "expiry").status == "met"
    with Session(service.db) as s:
        assert list(s.exec(select(Escalation))) == []  # nothing went wrong: no escalation
        notices = list(s.exec(select(Notice)))
    assert [(n.recipient, n.escalation_id) for n in notices] == [("carl", None)]
    assert "took the step 'lapse'" in notices[0].body and "Lapsed" in notices[0].body


# -- the next due instant -----------------------------------------------------------------------


def test_next_due_is_the_earliest_future_due_instant_or_lease(
    service: Service, reviewer: Actor
) -> None:
    now = utc("2026-11-30T10:00:00+00:00")
    assert next_due(service, now) is None
    case = open_incident(service, reviewer)
    assert next_due(service, now) == deadline(service, case.id, "notification").due_at
    open_incident(service, reviewer, "2026-11-20")  # already due
    claim_due(service, now, "other", lease_seconds=120)
    assert next_due(service, now) == now + timedelta(seconds=120)


@pytest.mark.parametrize(
    "seconds, words",
    [
        (0, "less than a minute"),
        (59, "less than a minute"),
        (60, "1 minute"),
        (3 * 3600 + 120, "3 hours 2 minutes"),
        (86400, "1 day"),
        (2 * 86400 + 3600, "2 days 1 hour"),
    ],
)
def test_lateness_in_words(seconds: int, words: str) -> None:
    from workflow.services.time.words import say_lateness

    assert say_lateness(seconds) == words


def test_cases_untouched_by_a_sweep_keep_their_version(service: Service, reviewer: Actor) -> None:
    due = open_incident(service, reviewer, "2026-11-20")
    calm = open_incident(service, reviewer)
    sweep(service, utc("2026-11-30T10:00:00+00:00"))
    with Session(service.db) as s:
        versions = {c.id: c.version for c in s.exec(select(Case))}
    assert versions == {due.id: due.version + 1, calm.id: calm.version}
