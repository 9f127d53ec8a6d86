"""A deadline written while a scheduler runs wakes it in time (issue 11): a write in this
process tells the waker at commit; on PostgreSQL other processes hear it by NOTIFY; on SQLite
a poll reads the next instant a sweep should run, at once when a due deadline waits unclaimed.
Nothing here is timed and no live scheduler thread runs: the job is inspected."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from tests.conftest import Clock, scheduler_settings
from workflow import scheduler as sched
from workflow.core.roles import Actor
from workflow.scheduler import JOB_ID
from workflow.services.cases import Service
from workflow.services.time.senders import LogSender
from workflow.services.time.wake import next_wake
from workflow.settings import Settings
from workflow.store import wakeups
from workflow.store.models.time import Deadline
from workflow.store.rows import insert_deadlines
from workflow.store.unit import unit_of_work

FAR = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return scheduler_settings(db_url, tmp_path)


def _waker(service: Service, settings: Settings, clock: Clock) -> sched.Waker:
    scheduler = BackgroundScheduler(timezone=UTC)
    return sched.configure(scheduler, service, settings, LogSender(), clock, first_run=FAR)


def _next_run(waker: sched.Waker) -> datetime:
    job = waker.scheduler.get_job(JOB_ID)
    assert job is not None
    return job.next_run_time  # type: ignore[no-any-return]


def test_a_write_in_this_process_brings_the_wake_up_forward(
    service: Service, settings: Settings, clock: Clock, reviewer: Actor
) -> None:
    waker = _waker(service, settings, clock)
    wakeups.subscribe(waker.wake_by)
    try:
        view = service.open_case(
            reviewer, "notifiable_incident", "A", {"aware_at": "2026-11-26", "agencies": []}
        )
    finally:
        wakeups.unsubscribe(waker.wake_by)
    due = min(d.due_at for d in view.deadlines)
    assert _next_run(waker) == due < FAR


def test_a_write_that_rolls_back_wakes_nobody(db: Engine) -> None:
    heard: list[datetime] = []
    wakeups.subscribe(heard.append)
    try:
        with pytest.raises(RuntimeError), unit_of_work(db) as s:
            wakeups.note_due(s, [FAR])
            raise RuntimeError("refused")
        with unit_of_work(db) as s:
            wakeups.note_due(s, [FAR, FAR - timedelta(days=1)])
    finally:
        wakeups.unsubscribe(heard.append)
    assert heard == [FAR - timedelta(days=1)]


def test_an_instant_heard_while_a_sweep_runs_is_kept_for_its_reschedule(
    service: Service, settings: Settings, clock: Clock
) -> None:
    waker = _waker(service, settings, clock)
    soon = clock.now + timedelta(minutes=5)
    real_sweep = sched.Sweeper.sweep

    def sweep_and_hear(self: sched.Sweeper, now: datetime) -> list[sched.Fired]:
        waker.wake_by(soon)  # a write lands while the sweep runs
        return real_sweep(self, now)

    sched.Sweeper.sweep = sweep_and_hear  # type: ignore[method-assign]
    try:
        waker()
    finally:
        sched.Sweeper.sweep = real_sweep  # type: ignore[method-assign]
    assert _next_run(waker) == soon


def test_a_later_instant_leaves_an_earlier_wake_up(
    service: Service, settings: Settings, clock: Clock
) -> None:
    waker = _waker(service, settings, clock)
    early = clock.now + timedelta(minutes=1)
    waker.wake_by(early)
    waker.wake_by(early + timedelta(minutes=1))
    assert _next_run(waker) == early
    waker.wake_by(clock.now - timedelta(minutes=1))  # already due: at once
    assert _next_run(waker) == clock.now


def _deadline(case_id: int, due_at: datetime) -> Deadline:
    return Deadline(
        case_id=case_id,
        name="notification",
        due_date=date(2026, 11, 30),
        due_at=due_at,
        opened_at=due_at,
        escalate_to=[],
    )


def test_the_poll_sees_a_deadline_written_already_due_and_unclaimed(
    service: Service, db: Engine, clock: Clock, reviewer: Actor
) -> None:
    case_id = service.open_case(reviewer, "learning_review", "A", {"agencies": []}).id
    before = next_wake(service, clock.now)
    past = clock.now - timedelta(hours=1)
    with unit_of_work(db) as s:
        insert_deadlines(s, [_deadline(case_id, past)])
    assert next_wake(service, clock.now) == past
    assert before is None or before > clock.now


def test_postgresql_tells_other_processes_by_notify(
    service: Service, db: Engine, reviewer: Actor
) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite schedulers poll")
    case_id = service.open_case(reviewer, "learning_review", "A", {"agencies": []}).id
    heard: list[datetime] = []
    got, stop, listening = threading.Event(), threading.Event(), threading.Event()

    def listener(due: datetime) -> None:
        heard.append(due)
        got.set()

    thread = wakeups.listen(db, listener, stop, ready=listening)
    try:
        assert listening.wait(30)
        soon = datetime.now(UTC) + timedelta(minutes=5)
        with unit_of_work(db) as s:  # the write needs no subscriber here: NOTIFY carries it
            insert_deadlines(s, [_deadline(case_id, soon)])
        assert got.wait(30)
    finally:
        stop.set()
        thread.join(5)
    assert heard == [soon]
