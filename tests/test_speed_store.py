"""The cheap step (issue 11): a step reads only what its guards declare they read, numbers its
events from the case row, writes its rows in a few batched statements, and on SQLite queues
its writers on one lock in the process. Counted, never timed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import set_committed_value

from tests.conftest import DEFINITIONS, Clock
from workflow.core import engine
from workflow.core.deadlines import DeadlineSnapshot, DeadlineStatus
from workflow.core.definition import load
from workflow.core.record_deadlines import plan_record_deadlines
from workflow.core.roles import Actor
from workflow.services import audit
from workflow.services.cases import Service
from workflow.services.cases.loading import kinds_read, step_kinds
from workflow.services.time import escalations
from workflow.services.time.sweep import sweep
from workflow.store.db import writer_lock
from workflow.store.models.cases import Case, Event
from workflow.store.unit import unit_of_work

NOTIFIABLE = {
    "abuse_or_neglect": True,
    "child_died": False,
    "seriously_harmed": True,
    "looked_after_child": False,
    "regulated_setting": False,
}
OPENING = {"aware_at": "2026-11-26", "criteria": NOTIFIABLE, "agencies": ["Police"]}


@contextmanager
def counted(db: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT"):
            seen.append(statement)

    event.listen(db, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db, "before_cursor_execute", note)


def _notify(service: Service, reviewer: Actor, case_id: int) -> Any:
    return service.transition(reviewer, case_id, "notify", 1, "sent", {"notified_at": "2026-11-30"})


def test_a_warm_step_sends_the_fewest_statements(
    service: Service, db: Engine, reviewer: Actor
) -> None:
    first = service.open_case(reviewer, "notifiable_incident", "A", OPENING).id
    second = service.open_case(reviewer, "notifiable_incident", "B", OPENING).id
    _notify(service, reviewer, first)  # warms the definition the store remembers
    with counted(db) as sent:
        view = _notify(service, reviewer, second)
    # Read the case and its deadlines; write the case (with the head of its audit chain: the
    # new events were linked to the one the row named), the deadlines changed and those opened,
    # the events (one statement each). Nothing else: no record (notify's guards read none), no
    # escalation to resolve (the deadline it meets is still pending, and only the sweep raises
    # escalations, on a deadline it marks missed), no max(seq), no read of the trail, no second
    # read of the deadlines, no read of linked cases (it was opened from none and opened none).
    tables = [" ".join(s.split()[:4]).upper() for s in sent]
    expected = [
        ("SELECT", '"CASE".ID'),
        ("SELECT", "DEADLINE.ID"),
        ("UPDATE", '"CASE"'),
        ("UPDATE", "DEADLINE"),
        ("INSERT", "DEADLINE"),
        ("INSERT", "EVENT"),
    ]
    assert len(tables) == len(expected), sent
    for said, (verb, what) in zip(tables, expected, strict=True):
        assert said.startswith(verb) and what in said, (said, sent)
    assert not any("max(" in s.lower() for s in sent)
    # The answer is built from what the step held, the deadlines it opened among them.
    assert view.state == "notified"
    assert view == service.get_case(reviewer, second)


def test_events_are_numbered_from_the_case_row(
    service: Service, db: Engine, reviewer: Actor
) -> None:
    case_id = service.open_case(reviewer, "notifiable_incident", "A", OPENING).id
    _notify(service, reviewer, case_id)
    with unit_of_work(db) as s:
        query = select(Event.seq).where(Event.case_id == case_id).order_by(Event.seq)
        seqs = [row[0] for row in s.execute(query)]
        case = s.get(Case, case_id)
        assert case is not None
        top = s.execute(select(func.max(Event.seq)).where(Event.case_id == case_id)).scalar()
    assert seqs == list(range(1, len(seqs) + 1))
    assert case.last_seq == top == len(seqs)
    assert [e.seq for e in service.events(reviewer, case_id)] == seqs


def test_appending_events_alone_moves_the_case_rows_last_seq(
    service: Service, db: Engine, reviewer: Actor
) -> None:
    from workflow.core.events import EventKind, NewEvent

    case_id = service.open_case(reviewer, "notifiable_incident", "A", OPENING).id
    with service.store.write() as u:
        case = u.cases.get(case_id)
        assert case is not None
        u.cases.append_events(case, reviewer, [NewEvent(EventKind.DATA_CHANGED)] * 2, service.now())
    view = _notify(service, reviewer, case_id)  # the version did not move, the numbering did
    seqs = [e.seq for e in service.events(reviewer, case_id)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert view.version == 2


def test_a_stale_version_is_refused_by_the_row_update(
    service: Service, db: Engine, reviewer: Actor
) -> None:
    import pytest

    from workflow.core.errors import VersionConflict
    from workflow.store.rows import update_case

    case_id = service.open_case(reviewer, "notifiable_incident", "A", OPENING).id
    with service.store.write() as u:
        case = u.cases.get(case_id)
        assert case is not None
        case_version = case.version
    with pytest.raises(VersionConflict), unit_of_work(db) as s:
        stale = s.get(Case, case_id)
        assert stale is not None
        from sqlalchemy.orm.attributes import set_committed_value

        set_committed_value(stale, "version", case_version - 1)
        update_case(s, stale, {"title": "changed"}, 0)


def test_only_the_kinds_the_guards_read_are_loaded(reviewer: Actor) -> None:
    scr = load((DEFINITIONS / "serious_case_review.toml").read_text(), "scr")
    ni = load((DEFINITIONS / "notifiable_incident.toml").read_text(), "ni")
    notify = ni.find("notify", "referral")
    assert notify is not None
    assert step_kinds(ni, notify, reviewer, has_lead=False) == set()
    assert step_kinds(ni, notify, reviewer, has_lead=True) == {"lead_appointments"}
    guards = [g for t in scr.transitions for g in t.guards]
    assert {"practitioners", "family_members", "findings", "actions"} <= kinds_read(guards)
    # An unknown step loads everything: the engine refuses it and says why.
    assert "findings" in step_kinds(ni, None, reviewer, has_lead=False)


def test_record_deadlines_of_a_kind_not_loaded_are_left_alone() -> None:
    d = load((DEFINITIONS / "serious_case_review.toml").read_text(), "scr")
    final = d.final_states[0]
    current = [DeadlineSnapshot(7, "action:3", DeadlineStatus.PENDING, _day(), True)]
    # Closing the case with the actions loaded cancels the action's deadline…
    assert plan_record_deadlines(d, final, {"actions": ()}, current, _day())
    # …and without them (another kind loaded) changes nothing of it.
    assert plan_record_deadlines(d, final, {"findings": ()}, current, _day()) == []


def _day() -> Any:
    from datetime import date

    return date(2026, 12, 1)


def test_sqlite_writers_queue_on_one_lock_and_readers_do_not(service: Service, db: Engine) -> None:
    lock = writer_lock(db)
    if db.dialect.name != "sqlite":
        assert lock is None
        return
    assert lock is not None
    taken: list[bool] = []

    def try_lock() -> None:
        got = lock.acquire(blocking=False)
        taken.append(got)
        if got:
            lock.release()

    with service.store.read():
        other = threading.Thread(target=try_lock)
        other.start()
        other.join()
    with service.store.write():
        other = threading.Thread(target=try_lock)
        other.start()
        other.join()
    assert taken == [True, False]


def test_the_case_row_keeps_the_head_of_its_audit_chain_whoever_appends(
    service: Service, db: Engine, reviewer: Actor, chair: Actor, clock: Clock
) -> None:
    """Steps, data changes, a sweep's escalation and its acknowledgement (which appends without
    a new version) all move ``last_hash`` to the hash of the last event; the chain verifies."""
    case_id = service.open_case(reviewer, "notifiable_incident", "A", OPENING).id
    clock.set("2026-12-15T10:00:00+00:00")  # the 5-day notification is missed
    fired = sweep(service)
    assert any(f.deadline == "notification" for f in fired)
    page = escalations.list_escalations(service, chair, open_only=True)
    (escalation,) = [e for e in page.items if e.deadline == "notification"]
    escalations.acknowledge(service, chair, escalation.id)
    _heads_match(db, case_id)
    version = service.get_case(reviewer, case_id).version
    service.update_data(reviewer, case_id, {"agencies": ["Police", "Health"]}, version)
    assert audit.verify(service.store).intact
    _heads_match(db, case_id)


def test_a_change_read_before_an_append_links_onto_the_trail_as_it_now_is(
    service: Service, db: Engine, reviewer: Actor
) -> None:
    """The row's head is used only when the trail is where the row was read; otherwise (an
    acknowledgement appended meanwhile, here made stale by hand) the events are linked onto
    the trail as it is, and the head moves to them."""
    case_id = service.open_case(reviewer, "notifiable_incident", "A", OPENING).id
    with service.store.write() as u:
        case = u.cases.get(case_id)
        assert case is not None
        before = case.last_seq
        set_committed_value(case, "last_seq", before - 1)  # as if read before an append
        outcome = engine.change_data(
            service.definition("notifiable_incident"),
            u.cases.snapshot(case, u.cases.all_deadlines(case_id)),
            reviewer,
            {"agencies": ["Police"]},
            service.now(),
            service.calendar,
        )
        u.cases.save(case, outcome, reviewer, service.now(), service.calendar)
    assert audit.verify(service.store).intact
    _heads_match(db, case_id)


def _heads_match(db: Engine, case_id: int) -> None:
    with unit_of_work(db) as s:
        case = s.get(Case, case_id)
        assert case is not None
        last = s.execute(
            select(Event.seq, Event.hash).where(Event.case_id == case_id).order_by(Event.seq.desc())
        ).first()
    assert last is not None
    assert (case.last_seq, case.last_hash) == (last[0], last[1])
