"""The pure engine and the records: record deadlines follow the records, a change to records is
decided like any other change (data rules with the records as they would be), and guards see
the records given in the snapshot. Plain values only: no database, no clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from workflow.core.calendar import WorkingCalendar
from workflow.core.deadlines import DeadlineChange, DeadlineSnapshot
from workflow.core.definition import load
from workflow.core.engine import CaseSnapshot, change_records, fire, options
from workflow.core.errors import DefinitionError, InvalidInput
from workflow.core.events import NewEvent
from workflow.core.record_deadlines import (
    is_record_deadline,
    plan_record_deadlines,
    record_deadline,
)
from workflow.core.record_kinds import freeze
from workflow.core.roles import Actor

CAL = WorkingCalendar()
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)
REVIEWER = Actor("rita", "reviewer")
LEAD = Actor("Lena Lead", "lead_reviewer")
DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"
SCR = load((DEFINITIONS / "serious_case_review.toml").read_text(encoding="utf-8"))

CHRONOLOGY = {
    "id": 4,
    "agency": "Police",
    "kind": "chronology",
    "requested_on": "2026-11-02",
    "due_date": "2026-12-04",
    "status": "requested",
    "received_on": None,
}
ACTION = {
    "id": 9,
    "number": 1,
    "finding": 1,
    "owner_agency": "Health",
    "due_date": "2027-01-29",
    "status": "open",
    "completed_on": None,
}


def plan(
    records: dict[str, list[dict[str, Any]]] | None,
    current: tuple[DeadlineSnapshot, ...] = (),
    state: str = "findings",
) -> list[DeadlineChange]:
    frozen = freeze(records) if records is not None else None
    return plan_record_deadlines(SCR, state, frozen, current, TODAY)


def row(name: str, status: str = "pending", due: str = "2026-12-04", rid: int = 1) -> Any:
    return DeadlineSnapshot(rid, name, status, date.fromisoformat(due))


def test_names_of_record_deadlines() -> None:
    assert record_deadline("action", 9) == "action:9"
    assert is_record_deadline("action:9") and is_record_deadline("contribution:12")
    assert not any(map(is_record_deadline, ("stall", "completion", "action:", "note:3")))


def test_a_requested_contribution_and_an_open_action_open_their_deadlines() -> None:
    assert plan({"contributions": [CHRONOLOGY], "actions": [ACTION]}) == [
        DeadlineChange(
            "open",
            "contribution:4",
            None,
            date(2026, 12, 4),
            "Chronology from Police",
            ("agency", "reviewer"),
        ),
        DeadlineChange(
            "open", "action:9", None, date(2027, 1, 29), "Action 1 (Health)", ("agency", "chair")
        ),
    ]


def test_settling_meets_on_the_day_it_happened_even_when_missed() -> None:
    received = {**CHRONOLOGY, "status": "received", "received_on": "2026-12-03"}
    assert plan({"contributions": [received]}, (row("contribution:4"),)) == [
        DeadlineChange("meet", "contribution:4", 1, met_date=date(2026, 12, 3))
    ]
    done = {**ACTION, "status": "done", "completed_on": "2027-02-03"}
    late = row("action:9", "missed", "2027-01-29")
    assert plan({"actions": [done]}, (late,)) == [
        DeadlineChange("meet", "action:9", 1, met_date=date(2027, 2, 3))
    ]
    waived = {**CHRONOLOGY, "status": "waived"}
    assert plan({"contributions": [waived]}, (row("contribution:4"),)) == [
        DeadlineChange("meet", "contribution:4", 1, met_date=TODAY)
    ]


def test_a_new_due_date_moves_a_pending_deadline_but_not_a_missed_one() -> None:
    later = {**CHRONOLOGY, "due_date": "2026-12-18"}
    assert plan({"contributions": [later]}, (row("contribution:4"),)) == [
        DeadlineChange("move", "contribution:4", 1, date(2026, 12, 18), "Chronology from Police")
    ]
    assert plan({"contributions": [later]}, (row("contribution:4", "missed"),)) == []


def test_removed_records_and_a_closed_case_cancel_their_deadlines() -> None:
    current = (row("contribution:4"), row("action:9", rid=2))
    assert plan({"contributions": [], "actions": []}, current) == [
        DeadlineChange("cancel", "contribution:4", 1),
        DeadlineChange("cancel", "action:9", 2),
    ]
    assert plan({"contributions": [CHRONOLOGY]}, (row("contribution:4"),), "closed") == [
        DeadlineChange("cancel", "contribution:4", 1)
    ]


def test_records_not_loaded_change_no_deadline() -> None:
    assert plan(None, (row("contribution:4"),)) == []


def test_a_met_deadline_whose_record_opens_again_starts_a_new_run() -> None:
    changes = plan({"contributions": [CHRONOLOGY]}, (row("contribution:4", "met"),))
    assert [(c.op, c.name) for c in changes] == [
        ("cancel", "contribution:4"),
        ("open", "contribution:4"),
    ]


def test_timer_deadlines_are_not_the_records_business() -> None:
    assert plan({"contributions": []}, (row("completion"), row("stall", rid=2))) == []


def case(records: dict[str, list[dict[str, Any]]], state: str = "findings") -> CaseSnapshot:
    data = {"agencies": ["Police"]}
    return CaseSnapshot(state, data, {}, (), freeze(records))


def test_a_change_to_records_is_refused_when_it_breaks_a_data_rule() -> None:
    lead = {
        "id": 1,
        "name": "Pat",
        "organisations": ["POLICE"],
        "appointed_on": "2026-11-30",
        "ended_on": None,
    }
    with pytest.raises(InvalidInput) as caught:
        change_records(SCR, case({"lead_appointments": [lead]}), REVIEWER, (), NOW, CAL)
    assert "they belong to POLICE" in caught.value.details[0]
    with pytest.raises(InvalidInput, match="closed"):
        change_records(SCR, case({}, "closed"), REVIEWER, (), NOW, CAL)


def test_a_change_to_records_restarts_the_stall_clock_and_carries_its_events() -> None:
    stall = DeadlineSnapshot(5, "stall", "pending", date(2026, 12, 10))
    snap = CaseSnapshot("findings", {}, {}, (stall,), freeze({"actions": [ACTION]}))
    event = NewEvent("record_added", detail={"record": "action", "id": 9})
    outcome = change_records(SCR, snap, REVIEWER, (event,), NOW, CAL)
    assert outcome.events == (event,)
    assert [(c.op, c.name) for c in outcome.deadline_changes] == [
        ("restart", "stall"),
        ("open", "action:9"),
    ]
    assert outcome.state == "findings"


def test_guards_see_the_records_in_the_snapshot() -> None:
    finding = {"id": 1, "number": 1, "what_happened": "A", "why": "B", "kind": "good_practice"}
    practitioner = {
        "id": 1,
        "number": 1,
        "agency": "Police",
        "role_title": "PC",
        "invited_on": "2026-11-02",
    }
    family = {
        "id": 1,
        "number": 1,
        "relationship": "mother",
        "invited_on": None,
        "how_explained": "",
        "not_involved_reason": "Declined",
    }
    without = options(SCR, case({}), LEAD, NOW, CAL)
    (agree,) = [o for o in without if o.trigger == "agree_findings"]
    assert agree.allowed is False
    full = case(
        {"findings": [finding], "practitioners": [practitioner], "family_members": [family]}
    )
    (agree,) = [o for o in options(SCR, full, LEAD, NOW, CAL) if o.trigger == "agree_findings"]
    assert (agree.allowed, agree.blocked_by) == (True, ())
    outcome = fire(SCR, full, LEAD, "agree_findings", {}, "", NOW, CAL)
    assert outcome.state == "action_plan"


def test_an_opening_names_a_review_type_and_top_level_keys() -> None:
    source = (DEFINITIONS / "notifiable_incident.toml").read_text(encoding="utf-8")
    d = load(source)
    (decide,) = [t for t in d.transitions if t.trigger == "decide_scr"]
    assert decide.opens is not None and decide.opens.review_type == "serious_case_review"
    assert "criteria" in decide.opens.carry
    broken = source.replace(
        'opens = { review_type = "serious_case_review", carry = ["agencies", ',
        'opens = { review_type = "serious case", colour = 1, carry = ["data.agencies", ',
    )
    with pytest.raises(DefinitionError) as caught:
        load(broken, "ni.toml")
    text = "\n".join(caught.value.details)
    assert "unknown key 'colour'; allowed keys are: review_type, carry" in text
    assert "opens.review_type: must be the key of a review type" in text
    assert "'data.agencies' must be a top-level data key" in text


@pytest.mark.parametrize("path", sorted(DEFINITIONS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_opening_names_a_shipped_review_type(path: Path) -> None:
    shipped = {p.stem for p in DEFINITIONS.glob("*.toml")}
    d = load(path.read_text(encoding="utf-8"), str(path))
    for t in d.transitions:
        if t.opens is not None:
            assert t.opens.review_type in shipped
