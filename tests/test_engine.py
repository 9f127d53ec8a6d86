"""The pure engine, driven with plain values: no database, no clock, no Flask."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from workflow.core.calendar import WorkingCalendar
from workflow.core.deadlines import STALL, DeadlineChange, DeadlineSnapshot, plan_deadlines
from workflow.core.definition import Definition, load
from workflow.core.engine import CaseSnapshot, change_data, fire, merge_data, open_case, options
from workflow.core.errors import (
    InvalidInput,
    PermissionDenied,
    TransitionBlocked,
    TransitionNotAllowed,
)
from workflow.core.events import EventKind
from workflow.core.roles import Actor

CAL = WorkingCalendar()
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # a Monday
REVIEWER = Actor("rita", "reviewer")
CHAIR = Actor("carl", "chair")
LEAD = Actor("Lena Lead", "lead_reviewer")
DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"

MINI = load(
    """
key = "mini"
name = "Mini review"
initial = "open"
data_rules = [{ name = "not_in_future", fields = ["opened_on", "finished_on"] }]
open_guards = [{ name = "required", fields = ["opened_on"] }]

[states.open]
label = "Open"
stall = { after = "5 working days", repeat = "2 working days", escalate_to = ["reviewer"] }

[states.paused]
label = "Paused"

[states.review]
label = "Review"
stall = { after = "10 working days", repeat = "5 working days", escalate_to = ["chair"] }

[states.done]
label = "Done"
final = true

[[transitions]]
trigger = "finish"
source = "open"
dest = "done"
roles = ["reviewer"]
records_date = ["finished_on"]
guards = [{ name = "required", fields = ["outcome", "summary", "finished_on"] }]

[[transitions]]
trigger = "pause"
source = "open"
dest = "paused"
roles = ["reviewer"]

[[transitions]]
trigger = "resume"
source = "paused"
dest = "open"
roles = ["reviewer"]

[[transitions]]
trigger = "touch"
source = "open"
dest = "open"
roles = ["reviewer"]

[[transitions]]
trigger = "to_review"
source = "open"
dest = "review"
roles = ["chair"]
guards = [{ name = "required", fields = ["reason"] }]

[[transitions]]
trigger = "close_review"
source = "review"
dest = "done"
roles = ["chair"]

[timers.limit]
label = "Finish in time"
anchor = "data.opened_on"
duration = "5 working days"
runs_in = ["open"]
met_by = ["finish"]
met_on = "data.finished_on"
escalate_to = ["chair"]

[timers.review_limit]
label = "Review in a month"
anchor = "entered:review"
duration = "1 month"
runs_in = ["review"]
met_by = ["close_review"]
escalate_to = ["chair"]
""",
    "mini.toml",
)


def shipped(key: str) -> Definition:
    path = DEFINITIONS / f"{key}.toml"
    return load(path.read_text(encoding="utf-8"), str(path))


def ops(changes: Any) -> list[tuple[str, str]]:
    return [(c.op, c.name) for c in changes]


def case(
    state: str = "open",
    data: dict[str, Any] | None = None,
    deadlines: tuple[DeadlineSnapshot, ...] = (),
    **milestones: str,
) -> CaseSnapshot:
    return CaseSnapshot(
        state,
        data if data is not None else {"opened_on": "2026-11-30"},
        dict(milestones),
        deadlines,
    )


LIMIT = DeadlineSnapshot(1, "limit", "pending", date(2026, 12, 7))
STALL_ROW = DeadlineSnapshot(2, STALL, "pending", date(2026, 12, 7))


# -- data -------------------------------------------------------------------------------------


def test_merge_replaces_keys_and_null_removes_them() -> None:
    stored = {"a": 1, "b": {"x": 1, "y": 2}, "c": "keep"}
    merged = merge_data(stored, {"a": 2, "b": {"x": 9}, "c": None, "d": [1]})
    assert merged == {"a": 2, "b": {"x": 9}, "d": [1]}  # key by key: b replaced whole
    assert stored == {"a": 1, "b": {"x": 1, "y": 2}, "c": "keep"}  # not changed in place
    assert merge_data(stored, {"missing": None}) == stored


# -- opening ----------------------------------------------------------------------------------


def test_open_case_needs_the_open_guards() -> None:
    d = shipped("notifiable_incident")
    with pytest.raises(InvalidInput) as caught:
        open_case(d, REVIEWER, {}, NOW, CAL)
    assert caught.value.details == ["Record the aware at (data.aware_at)."]
    assert "notifiable incident cannot be opened" in caught.value.message


@pytest.mark.parametrize("aware_at", ["2026-12-01", "2026-12-01T00:30:00+00:00"])
def test_open_case_refuses_a_date_of_awareness_in_the_future(aware_at: str) -> None:
    d = shipped("notifiable_incident")
    with pytest.raises(InvalidInput) as caught:
        open_case(d, REVIEWER, {"aware_at": aware_at}, NOW, CAL)
    (detail,) = caught.value.details
    assert "data.aware_at" in detail and "in the future" in detail and "2026-11-30" in detail


def test_open_case_runs_every_data_rule_at_once() -> None:
    d = shipped("notifiable_incident")
    data = {"aware_at": "2026-11-20", "notified_at": "2026-11-19", "panel_told_at": "2027-01-01"}
    with pytest.raises(InvalidInput) as caught:
        open_case(d, REVIEWER, data, NOW, CAL)
    text = " ".join(caught.value.details)
    assert "panel told at" in text and "cannot be before the aware at" in text


def test_open_case_opens_the_case_its_audit_and_its_deadlines() -> None:
    d = shipped("notifiable_incident")
    out = open_case(d, REVIEWER, {"aware_at": "2026-11-27", "junk": None}, NOW, CAL)
    assert out.state == "referral"
    assert out.data == {"aware_at": "2026-11-27"}
    assert out.milestones == {"entered:referral": NOW.isoformat()}
    (event,) = out.events
    assert (event.kind, event.to_state, event.detail) == (
        EventKind.CREATED,
        "referral",
        {"data": {"aware_at": "2026-11-27"}},
    )
    by_name = {c.name: c for c in out.deadline_changes}
    assert by_name["notification"].op == "open"
    assert by_name["notification"].due_date == date(2026, 12, 4)  # Fri 27 Nov + 5 working days
    assert by_name["notification"].escalate_to == ("reviewer", "chair")
    assert by_name[STALL].op == "open"
    assert by_name[STALL].label == "Progress in Referral"


# -- a step -----------------------------------------------------------------------------------


def test_unknown_trigger_lists_the_steps_of_the_type() -> None:
    with pytest.raises(TransitionNotAllowed) as caught:
        fire(MINI, case(), REVIEWER, "explode", {}, "", NOW, CAL)
    assert "'explode' is not a step of the mini review" in caught.value.message
    assert "finish, pause, resume, touch, to_review, close_review" in caught.value.message


def test_trigger_not_from_this_state_lists_the_steps_available_there() -> None:
    with pytest.raises(TransitionNotAllowed) as caught:
        fire(MINI, case("paused"), REVIEWER, "finish", {}, "", NOW, CAL)
    assert "'finish' cannot be taken from 'Paused'" in caught.value.message
    assert "steps available there: resume" in caught.value.message
    with pytest.raises(TransitionNotAllowed, match=r"none \(the case is closed\)"):
        fire(MINI, case("done"), REVIEWER, "finish", {}, "", NOW, CAL)


def test_wrong_role_is_refused_before_guards_run() -> None:
    with pytest.raises(PermissionDenied) as caught:
        fire(MINI, case(), CHAIR, "finish", {}, "", NOW, CAL)  # guards unmet too
    assert caught.value.message == "A chair may not 'finish'; it is open to: reviewer."


def test_blocked_step_lists_every_unmet_requirement() -> None:
    with pytest.raises(TransitionBlocked) as caught:
        fire(MINI, case(), REVIEWER, "finish", {"summary": ""}, "", NOW, CAL)
    assert caught.value.details == [
        "Record the outcome (data.outcome).",
        "Record the summary (data.summary).",
    ]
    assert "'finish' is blocked" in caught.value.message


def test_data_rules_run_on_every_step_with_the_merged_data() -> None:
    with pytest.raises(TransitionBlocked) as caught:
        fire(MINI, case(), REVIEWER, "pause", {"opened_on": "2027-01-01"}, "", NOW, CAL)
    assert "in the future" in caught.value.details[0]


def test_allowed_step_moves_the_case_and_audits_it() -> None:
    patch = {"outcome": "ok", "summary": "fine"}
    out = fire(MINI, case(), REVIEWER, "finish", patch, "all done", NOW, CAL)
    assert out.state == "done"
    assert out.data == {"opened_on": "2026-11-30", **patch, "finished_on": "2026-11-30"}
    assert out.milestones["trigger:finish"] == NOW.isoformat()
    assert out.milestones["entered:done"] == NOW.isoformat()
    kinds = [(e.kind, e.trigger, e.from_state, e.to_state, e.note) for e in out.events]
    assert kinds == [
        (EventKind.DATA_CHANGED, "finish", None, None, ""),
        (EventKind.TRANSITION, "finish", "open", "done", "all done"),
    ]
    assert out.events[0].detail == {"changed": {**patch, "finished_on": "2026-11-30"}}


def test_a_key_removed_by_a_step_is_audited() -> None:
    snap = case(data={"opened_on": "2026-11-30", "draft": "x"})
    out = fire(MINI, snap, REVIEWER, "pause", {"draft": None}, "", NOW, CAL)
    assert "draft" not in out.data
    assert out.events[0].kind == EventKind.DATA_CHANGED
    assert out.events[0].detail == {"changed": {"draft": None}}


def test_a_step_without_data_changes_writes_only_the_transition() -> None:
    out = fire(MINI, case(), REVIEWER, "pause", {}, "", NOW, CAL)
    assert [e.kind for e in out.events] == [EventKind.TRANSITION]


@pytest.mark.parametrize(
    ("now", "today"),
    [
        (datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "2026-11-30"),  # GMT: same day
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "2026-07-01"),  # BST: next day in London
    ],
)
def test_records_date_stamps_today_in_london_when_absent(now: datetime, today: str) -> None:
    snap = case(data={"opened_on": "2026-06-01", "outcome": "ok", "summary": "s"})
    out = fire(MINI, snap, REVIEWER, "finish", {}, "", now, CAL)
    assert out.data["finished_on"] == today


def test_records_date_keeps_a_date_already_given() -> None:
    snap = case(data={"opened_on": "2026-11-20", "outcome": "ok", "summary": "s"})
    out = fire(MINI, snap, REVIEWER, "finish", {"finished_on": "2026-11-25"}, "", NOW, CAL)
    assert out.data["finished_on"] == "2026-11-25"


def test_options_list_only_the_actors_steps_with_what_blocks_them() -> None:
    reviewer = {o.trigger: o for o in options(MINI, case(), REVIEWER, NOW, CAL)}
    assert set(reviewer) == {"finish", "pause", "touch"}
    assert reviewer["pause"].allowed and reviewer["pause"].blocked_by == ()
    assert reviewer["finish"].dest == "done"
    assert not reviewer["finish"].allowed
    assert reviewer["finish"].blocked_by == (
        "Record the outcome (data.outcome).",
        "Record the summary (data.summary).",
    )
    chair = options(MINI, case(), CHAIR, NOW, CAL)
    assert [(o.trigger, o.allowed, o.blocked_by) for o in chair] == [
        ("to_review", False, ("Record the reason (data.reason).",))
    ]
    assert options(MINI, case("done"), REVIEWER, NOW, CAL) == []
    assert options(MINI, case(), LEAD, NOW, CAL) == []


def test_a_date_the_step_records_counts_as_recorded_for_its_guards() -> None:
    # finish requires finished_on, which it stamps itself: neither fire nor options block on it.
    ready = case(data={"opened_on": "2026-11-30", "outcome": "ok", "summary": "s"})
    (finish,) = [o for o in options(MINI, ready, REVIEWER, NOW, CAL) if o.trigger == "finish"]
    assert finish.allowed
    assert fire(MINI, ready, REVIEWER, "finish", {}, "", NOW, CAL).state == "done"


# -- deadlines --------------------------------------------------------------------------------


def plan(
    old: str | None,
    new: str,
    trigger: str | None = None,
    data: dict[str, Any] | None = None,
    current: tuple[DeadlineSnapshot, ...] = (),
    today: date = date(2026, 11, 30),
    milestones: dict[str, str] | None = None,
) -> list[DeadlineChange]:
    return plan_deadlines(
        MINI,
        old_state=old,
        new_state=new,
        trigger=trigger,
        data=data if data is not None else {"opened_on": "2026-11-30"},
        milestones=milestones or {},
        current=current,
        today=today,
        calendar=CAL,
    )


def test_deadlines_open_when_the_case_is_opened() -> None:
    changes = plan(None, "open")
    assert ops(changes) == [("open", "limit"), ("open", STALL)]
    limit = changes[0]
    assert (limit.due_date, limit.label, limit.escalate_to) == (
        date(2026, 12, 7),
        "Finish in time",
        ("chair",),
    )


def test_no_anchor_no_deadline() -> None:
    assert ops(plan(None, "open", data={})) == [("open", STALL)]


def test_a_met_by_trigger_meets_the_deadline_on_the_met_on_date() -> None:
    changes = plan(
        "open",
        "done",
        "finish",
        {"opened_on": "2026-11-30", "finished_on": "2026-12-02"},
        (LIMIT, STALL_ROW),
        today=date(2026, 12, 3),
    )
    assert ops(changes) == [("meet", "limit"), ("cancel", "limit"), ("cancel", STALL)]
    assert changes[0].met_date == date(2026, 12, 2)
    assert changes[0].deadline_id == 1


def test_meeting_without_a_met_on_date_uses_today() -> None:
    changes = plan("open", "done", "finish", current=(LIMIT,), today=date(2026, 12, 3))
    assert changes[0].op == "meet" and changes[0].met_date == date(2026, 12, 3)


def test_a_missed_deadline_can_still_be_met_late() -> None:
    missed = DeadlineSnapshot(1, "limit", "missed", date(2026, 12, 7))
    changes = plan("open", "done", "finish", current=(missed,), today=date(2026, 12, 9))
    assert ops(changes)[0] == ("meet", "limit")


def test_leaving_the_states_a_timer_runs_in_cancels_it() -> None:
    changes = plan("open", "paused", "pause", current=(LIMIT, STALL_ROW))
    assert ("cancel", "limit") in ops(changes)
    assert ("meet", "limit") not in ops(changes)


def test_re_entering_opens_a_fresh_run() -> None:
    changes = plan("paused", "open", "resume", current=())
    assert ops(changes) == [("open", "limit"), ("open", STALL)]


def test_re_entering_replaces_a_run_left_over_from_before() -> None:
    # A row still current from an earlier run (met, say) does not stop a fresh run on re-entry.
    left_over = DeadlineSnapshot(1, "limit", "met", date(2026, 12, 7))
    changes = plan("paused", "open", "resume", current=(left_over,))
    assert [(c.op, c.name, c.deadline_id) for c in changes if c.name == "limit"] == [
        ("cancel", "limit", 1),
        ("open", "limit", None),
    ]


def test_staying_inside_changes_nothing_but_the_stall_clock() -> None:
    changes = plan("open", "open", "touch", current=(LIMIT, STALL_ROW), today=date(2026, 12, 1))
    assert ops(changes) == [("restart", STALL)]
    assert changes[0].due_date == date(2026, 12, 8)


def test_the_deadline_moves_when_its_anchor_changes() -> None:
    changes = plan("open", "open", None, {"opened_on": "2026-11-23"}, (LIMIT,))
    (move,) = [c for c in changes if c.name == "limit"]
    assert (move.op, move.deadline_id, move.due_date) == ("move", 1, date(2026, 11, 30))


def test_the_deadline_is_cancelled_when_its_anchor_is_removed() -> None:
    changes = plan("open", "open", None, {}, (LIMIT,))
    assert ("cancel", "limit") in ops(changes)


def test_a_met_deadline_is_not_moved_or_reopened() -> None:
    met = DeadlineSnapshot(1, "limit", "met", date(2026, 12, 7))
    changes = plan("open", "open", None, {"opened_on": "2026-11-23"}, (met,))
    assert [c for c in changes if c.name == "limit"] == []


def test_an_entered_anchor_counts_from_the_day_the_state_was_entered() -> None:
    stamp = datetime(2026, 6, 30, 23, 30, tzinfo=UTC).isoformat()  # 1 July in London
    changes = plan("open", "review", "to_review", current=(), milestones={"entered:review": stamp})
    (review,) = [c for c in changes if c.name == "review_limit"]
    assert (review.op, review.due_date) == ("open", date(2026, 8, 1))


def test_rows_not_current_take_no_part() -> None:
    old = DeadlineSnapshot(1, "limit", "cancelled", date(2026, 12, 7), current=False)
    assert ("open", "limit") in ops(plan("open", "open", None, current=(old,)))


def test_stall_clock_restarts_on_progress_in_the_same_state() -> None:
    changes = plan("open", "open", None, current=(LIMIT, STALL_ROW), today=date(2026, 12, 2))
    (stall,) = [c for c in changes if c.name == STALL]
    assert (stall.op, stall.deadline_id, stall.due_date) == ("restart", 2, date(2026, 12, 9))


def test_a_new_state_gets_its_own_stall_clock() -> None:
    changes = plan(
        "open",
        "review",
        "to_review",
        current=(LIMIT, STALL_ROW),
        milestones={"entered:review": NOW.isoformat()},
    )
    stalls = [c for c in changes if c.name == STALL]
    assert [(c.op, c.deadline_id) for c in stalls] == [("cancel", 2), ("open", None)]
    fresh = stalls[1]
    assert fresh.label == "Progress in Review"
    assert fresh.escalate_to == ("chair",)  # the new state's, not the old one's "reviewer"
    assert fresh.due_date == date(2026, 12, 14)  # its own 10 working days


def test_a_state_without_a_stall_rule_cancels_the_clock() -> None:
    changes = plan("open", "paused", "pause", current=(STALL_ROW,))
    assert ops(changes) == [("cancel", STALL)]
    missed = DeadlineSnapshot(2, STALL, "missed", date(2026, 12, 7))
    assert ops(plan("open", "done", "finish", current=(missed,))) == [("cancel", STALL)]


def test_an_escalated_stall_clock_starts_again_on_progress() -> None:
    missed = DeadlineSnapshot(2, STALL, "missed", date(2026, 12, 7))
    changes = plan("open", "open", None, current=(missed,), today=date(2026, 12, 10))
    stalls = [(c.op, c.deadline_id, c.due_date) for c in changes if c.name == STALL]
    assert stalls == [("cancel", 2, None), ("open", None, date(2026, 12, 17))]


# -- changing data ----------------------------------------------------------------------------


def test_change_data_runs_the_data_rules() -> None:
    d = shipped("notifiable_incident")
    snap = CaseSnapshot("referral", {"aware_at": "2026-11-27"})
    with pytest.raises(InvalidInput) as caught:
        change_data(d, snap, REVIEWER, {"aware_at": "2026-12-25"}, NOW, CAL)
    assert "in the future" in caught.value.details[0]


def test_change_data_moves_the_notification_deadline_and_audits_the_change() -> None:
    d = shipped("notifiable_incident")
    row = DeadlineSnapshot(7, "notification", "pending", date(2026, 12, 4))
    snap = CaseSnapshot("referral", {"aware_at": "2026-11-27", "x": 1}, {}, (row,))
    out = change_data(d, snap, REVIEWER, {"aware_at": "2026-11-26", "x": None}, NOW, CAL, "typo")
    assert out.state == "referral"
    assert out.data == {"aware_at": "2026-11-26"}
    (event,) = out.events
    assert (event.kind, event.note) == (EventKind.DATA_CHANGED, "typo")
    assert event.detail == {"changed": {"aware_at": "2026-11-26", "x": None}}
    assert [
        (c.op, c.deadline_id, c.due_date) for c in out.deadline_changes if c.name == "notification"
    ] == [("move", 7, date(2026, 12, 3))]
