"""The scheduler's configuration and its wake-up rule. No live scheduler runs here: the job is
inspected, and the job's function is called with an injected clock, as the field notes advise
(a scheduler thread would see real or frozen time, not the test's)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session, select

from tests.conftest import Clock, scheduler_settings
from workflow import scheduler as sched
from workflow.core.roles import Actor
from workflow.scheduler import DELIVERY, DELIVERY_JOB_ID, JOB_ID, MIN_GAP, build, next_wake
from workflow.services.cases import Service
from workflow.services.time.senders import LogSender
from workflow.settings import Settings
from workflow.store.models.accounts import User
from workflow.store.models.time import Deadline, Notice
from workflow.store.unit import unit_of_work

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return scheduler_settings(db_url, tmp_path)


# -- the job --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "blocking, kind", [(False, BackgroundScheduler), (True, BlockingScheduler)]
)
def test_two_interval_jobs_in_memory_that_never_misfire_each_on_a_thread_of_its_own(
    settings: Settings, service: Service, blocking: bool, kind: Any
) -> None:
    scheduler, _ = build(settings, service, blocking=blocking, sender=LogSender())
    assert scheduler.__class__ is kind
    assert not scheduler.running
    jobs = scheduler.get_jobs()
    assert [j.id for j in jobs] == [JOB_ID, DELIVERY_JOB_ID]
    for job in jobs:
        assert isinstance(job.trigger, IntervalTrigger)
        assert job.trigger.interval == timedelta(seconds=settings.scheduler.interval_seconds)
        assert job.misfire_grace_time is None
        assert job.coalesce is True
        assert job.max_instances == 1
    # Memory only: nothing of the scheduler is stored, so processes never share a job store.
    assert list(scheduler._jobstores) == ["default"]
    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
    # One sweep at a time in this process, and the delivery on a thread of its own: a slow
    # mail server never holds back the sweep.
    assert [j.executor for j in jobs] == ["default", DELIVERY]
    for alias in ("default", DELIVERY):
        executor = scheduler._executors[alias]
        assert isinstance(executor, ThreadPoolExecutor)
        assert executor._pool._max_workers == 1
    assert str(scheduler.timezone) == "UTC"


def test_the_job_runs_at_once_then_every_interval(settings: Settings, service: Service) -> None:
    first = datetime(2030, 1, 1, tzinfo=UTC)
    scheduler = BackgroundScheduler(timezone=UTC)
    sched.configure(scheduler, service, settings, LogSender(), first_run=first)
    job = scheduler.get_job(JOB_ID)
    assert job.next_run_time == first
    assert job.trigger.get_next_fire_time(first, first) == first + HOUR


# -- when to wake -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "due, expected",
    [
        (None, None),  # nothing pending
        (NOW + 2 * HOUR, None),  # the interval comes first
        (NOW + HOUR, None),  # exactly the interval: no change
        (NOW + timedelta(minutes=10), NOW + timedelta(minutes=10)),  # sooner: wake then
        (NOW - timedelta(minutes=1), NOW + MIN_GAP),  # overdue (held by another): soon
        (NOW, NOW + MIN_GAP),
    ],
)
def test_next_wake(due: datetime | None, expected: datetime | None) -> None:
    assert next_wake(NOW, HOUR, due) == expected


def add_user(service: Service, name: str, role: str) -> None:
    with unit_of_work(service.db) as s:
        s.add(User(name=name, role=role, email=f"{name}@x.example", created_at=NOW))


def test_a_wake_up_sweeps_delivers_and_brings_the_next_one_forward(
    settings: Settings, service: Service, reviewer: Actor, clock: Clock
) -> None:
    add_user(service, "rita", "reviewer")
    overdue = service.open_case(reviewer, "notifiable_incident", "A", {"aware_at": "2026-11-20"})
    clock.set("2026-12-07T23:30:00+00:00")
    upcoming = service.open_case(reviewer, "notifiable_incident", "B", {"aware_at": "2026-12-07"})
    clock.set("2026-12-08T00:30:00+00:00")
    scheduler, waker = build(settings, service, sender=LogSender())
    scheduler.modify_job(JOB_ID, next_run_time=clock() + HOUR)
    scheduler.modify_job(DELIVERY_JOB_ID, next_run_time=clock() + HOUR)

    fired = waker()  # what the job does, at the injected instant
    assert {(f.case, f.deadline) for f in fired} == {
        (overdue.reference, "notification"),
        (overdue.reference, "stall"),
    }
    # The sweep made notices: it woke the delivery job (its own thread) to send them now.
    assert scheduler.get_job(DELIVERY_JOB_ID).next_run_time == clock()
    assert waker.courier is not None
    waker.courier()  # what the delivery job does
    with Session(service.db) as s:
        assert {n.status for n in s.exec(select(Notice))} == {"delivered"}
        pending = {
            (d.case_id, d.name): d.due_at
            for d in s.exec(select(Deadline).where(Deadline.status == "pending"))
        }
    # Case A's next stall reminder falls due at the end of 10 Dec, case B's limits later:
    # all beyond the hour, so the interval stands ...
    assert pending[(overdue.id, "stall")] == datetime(2026, 12, 11, tzinfo=UTC)
    assert min(pending.values()) > clock() + HOUR
    assert scheduler.get_job(JOB_ID).next_run_time == clock() + HOUR

    # ... but with one due in 20 minutes, the next wake-up is brought forward to it.
    clock.set("2026-12-10T23:40:00+00:00")
    scheduler.modify_job(JOB_ID, next_run_time=clock() + HOUR)
    assert waker() == []
    assert scheduler.get_job(JOB_ID).next_run_time == datetime(2026, 12, 11, tzinfo=UTC)
    assert (upcoming.id, "notification") in pending


def test_a_failing_sweep_does_not_kill_the_job(
    settings: Settings,
    service: Service,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, waker = build(settings, service, sender=LogSender())

    def broken(self: Any, now: datetime) -> list[Any]:
        raise RuntimeError("database went away")

    monkeypatch.setattr(sched.Sweeper, "sweep", broken)
    assert waker() == []
    assert "the sweep failed" in caplog.text


# -- one scheduler per process ----------------------------------------------------------------


def test_start_background_starts_once_per_process(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Any] = []

    class Inert:
        running = False

        def start(self) -> None:
            self.running = True
            started.append(self)

        def shutdown(self, wait: bool = True) -> None:
            self.running = False

    monkeypatch.setattr(sched, "build", lambda settings, service=None: (Inert(), None))
    first = sched.start_background(settings)
    assert first is not None
    assert sched.start_background(settings) is first
    assert len(started) == 1
    first.shutdown()
    assert not started[0].running
    second = sched.start_background(settings)
    assert second is not None and second is not first and len(started) == 2
    second.shutdown()
