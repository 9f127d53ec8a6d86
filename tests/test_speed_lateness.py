"""A deadline fires on time however long the work before it takes (issue 11): the sweep reads
the clock again between its batches, so what falls due while a long backlog is fired is fired
in the same wake-up, not after it; and notices are delivered on a thread of their own, so a
mail server that does not answer never holds a deadline back. The clock is injected and moves
as the sweep works; nothing is timed (the threads wait on events, never on the clock)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.conftest import Clock, scheduler_settings
from workflow import scheduler as sched
from workflow.core.roles import Actor
from workflow.services.cases import Service
from workflow.services.time.senders import LogSender, Sender
from workflow.settings import Settings
from workflow.store.models.time import Deadline, Notice
from workflow.store.notices import Outgoing
from workflow.store.rows import insert_deadlines
from workflow.store.unit import unit_of_work

FAR = datetime(2030, 1, 1, tzinfo=UTC)
STEP = timedelta(seconds=20)  # how far the clock moves each time the sweep reads it


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return scheduler_settings(db_url, tmp_path, batch=2)


class Moving:
    """The injected clock, moved on by ``STEP`` each time it is read: the sweep takes time."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def __call__(self) -> datetime:
        self.clock.advance(seconds=STEP.total_seconds())
        return self.clock.now


def _deadlines(db: Engine, case_id: int, dues: list[datetime]) -> list[int]:
    new = [
        Deadline(
            case_id=case_id,
            name="notification",
            due_date=date(2026, 11, 30),
            due_at=due,
            opened_at=due - timedelta(days=1),
            escalate_to=[],
        )
        for due in dues
    ]
    with unit_of_work(db) as s:
        insert_deadlines(s, new)
    return [d.id for d in new if d.id is not None]


@pytest.fixture
def case_id(service: Service, reviewer: Actor) -> Iterator[int]:
    yield service.open_case(reviewer, "learning_review", "Late", {"agencies": []}).id


def _waker(service: Service, settings: Settings, clock: Moving, sender: Sender) -> sched.Waker:
    scheduler = BackgroundScheduler(timezone=UTC)
    return sched.configure(scheduler, service, settings, sender, clock, first_run=FAR)


def test_a_deadline_due_during_a_long_sweep_fires_in_its_next_batch(
    service: Service, settings: Settings, clock: Clock, db: Engine, case_id: int
) -> None:
    start = clock.now
    backlog = _deadlines(db, case_id, [start - timedelta(hours=1)] * 3)  # two batches
    soon = _deadlines(db, case_id, [start + timedelta(seconds=30)])  # due as batch one ends
    waker = _waker(service, settings, Moving(clock), LogSender())
    fired = {f.deadline_id: f for f in waker()}
    assert set(backlog) <= set(fired)
    assert soon[0] in fired, "the deadline that fell due mid-sweep waited for the next wake-up"
    assert fired[soon[0]].lateness_seconds <= STEP.total_seconds()


class StuckSender(LogSender):
    """A mail server that does not answer until the test lets it."""

    def __init__(self) -> None:
        super().__init__()
        self.sending, self.answer = threading.Event(), threading.Event()

    def send(self, notice: Outgoing) -> None:
        self.sending.set()
        assert self.answer.wait(30), "the test never let the mail server answer"
        super().send(notice)


def test_a_deadline_due_while_a_notice_is_being_sent_fires_without_waiting_for_it(
    service: Service, settings: Settings, clock: Clock, db: Engine, case_id: int
) -> None:
    start = clock.now
    with unit_of_work(db) as s:  # a notice waiting in the outbox
        s.add(
            Notice(
                recipient="rita",
                address="rita@example.org",
                subject="s",
                body="b",
                next_attempt_at=start - timedelta(minutes=1),
            )
        )
    soon = _deadlines(db, case_id, [start + timedelta(seconds=50)])
    sender = StuckSender()
    waker = _waker(service, settings, Moving(clock), sender)
    assert waker.courier is not None
    delivery = threading.Thread(target=waker.courier)
    delivery.start()
    try:
        assert sender.sending.wait(30), "the delivery job never tried the notice"
        clock.advance(minutes=1)  # the mail server is still thinking; the deadline falls due
        fired = {f.deadline_id for f in waker()}  # the sweep, on its own thread
        assert soon[0] in fired, "the deadline waited for the mail server"
    finally:
        sender.answer.set()
        delivery.join(30)
    assert not delivery.is_alive()
    with unit_of_work(db) as s:
        assert [n.status for n in s.exec(select(Notice))] == ["delivered"]
