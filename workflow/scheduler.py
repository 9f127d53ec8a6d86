"""The scheduler: APScheduler 3 wakes the sweep and the notice outbox; it stores nothing else.

Two interval jobs, kept in memory (a job store cannot be shared by processes, and business
timers live in the ``deadline`` table, not here), with ``misfire_grace_time=None`` so a wake-up
missed while the machine was busy still runs, ``coalesce=True`` so a backlog runs once and
``max_instances=1``, each on a worker thread of its own: the sweep (``Waker``) fires what is due,
and the delivery (``Courier``) sends the notices in the outbox. Apart, a slow mail server never
holds back a deadline that falls due while it answers. After each wake-up the next one is
brought forward to the next due instant (a deadline; for the delivery, a notice to retry) when
that comes before the interval would; a sweep that made notices wakes the delivery at once.

Several scheduler processes may run at once (``workflow serve`` in several places, or
``workflow scheduler``): the sweep's claims make that safe, each deadline still fires once.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from workflow.runtime import build_service
from workflow.services.cases import Service
from workflow.services.time.leases import default_owner
from workflow.services.time.notices import deliver_due, next_attempt
from workflow.services.time.results import Fired
from workflow.services.time.senders import Sender, make_sender
from workflow.services.time.sweep import Sweeper, next_due
from workflow.services.time.wake import Hearing, hear
from workflow.settings import Settings

log = logging.getLogger(__name__)

JOB_ID = "workflow-sweep"
DELIVERY_JOB_ID = "workflow-deliver"
DELIVERY = "delivery"  # the delivery job's executor: a thread of its own
MIN_GAP = timedelta(seconds=1)  # never wake sooner than this after a sweep, even if due
HEARD_GAP = timedelta(milliseconds=100)  # the same, for an instant a write told us of


def bring_forward(scheduler: BaseScheduler, job_id: str, wake: datetime) -> bool:
    """Run the job at ``wake`` if that is sooner than its next run; whether it was moved."""
    job = scheduler.get_job(job_id)
    current = getattr(job, "next_run_time", None) if job is not None else None
    if job is None or (current is not None and wake >= current):
        return False
    scheduler.modify_job(job_id, next_run_time=wake)
    return True


def next_wake(now: datetime, interval: timedelta, due: datetime | None) -> datetime | None:
    """When to wake next if sooner than the interval: the next due instant (but not within
    ``MIN_GAP`` of now); None when the interval comes first or nothing is due."""
    if due is None:
        return None
    wake = max(due, now + MIN_GAP)
    return wake if wake < now + interval else None


class Waker:
    """The job: one sweep, one delivery round, then bring the next wake-up forward if needed."""

    def __init__(
        self,
        service: Service,
        settings: Settings,
        sender: Sender,
        scheduler: BaseScheduler,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.service = service
        self.settings = settings
        self.sender = sender
        self.scheduler = scheduler
        self.clock = clock or service.now
        self.interval = timedelta(seconds=settings.scheduler.interval_seconds)
        self.owner = default_owner()
        self._lock = threading.Lock()
        self._wanted: datetime | None = None  # the earliest due instant heard of since a sweep
        self._wanted_lock = threading.Lock()
        self.hearing: Hearing | None = None
        self.courier: Courier | None = None

    def hear(self) -> Hearing:
        """Start hearing of due instants written here or in other processes."""
        self.hearing = hear(self.service, self.wake_by)
        return self.hearing

    def stop_hearing(self) -> None:
        if self.hearing is not None:
            self.hearing.stop()

    def __call__(self) -> list[Fired]:
        with self._lock:
            self._pop_wanted()  # this sweep covers everything due by now
            now = self.clock()
            fired: list[Fired] = []
            try:
                fired = self._sweeper().sweep(now)
            except Exception:  # the next wake-up tries again; the scheduler must not die
                log.exception("the sweep failed; it will run again at the next wake-up")
            if fired and self.courier is not None:
                self.courier.wake()  # the notices of what fired go out now, on their thread
            self.reschedule(self.clock())
            return fired

    def _sweeper(self) -> Sweeper:
        return Sweeper(
            self.service,
            owner=self.owner,
            lease_seconds=self.settings.scheduler.lease_seconds,
            batch=self.settings.scheduler.batch,
            clock=self.clock,  # read between batches: a long sweep does not hold back the due
        )

    def wake_by(self, due: datetime) -> None:
        """A write opened or moved a deadline due at ``due``: wake by then if the next wake-up
        is later (at once when it is already due). Called from other threads."""
        with self._wanted_lock:
            self._wanted = due if self._wanted is None else min(self._wanted, due)
        job = self.scheduler.get_job(JOB_ID)
        current = getattr(job, "next_run_time", None) if job is not None else None
        if job is None or (current is not None and current <= due):
            return
        wake = max(due, self.clock())
        self.scheduler.modify_job(JOB_ID, next_run_time=wake)
        log.debug("a write brought the next wake-up forward to %s", wake.isoformat())

    def _pop_wanted(self) -> datetime | None:
        """The earliest due instant heard of since the last call (a sweep forgets, as it
        begins, what it is about to cover; what is heard while it runs is kept)."""
        with self._wanted_lock:
            wanted, self._wanted = self._wanted, None
            return wanted

    def next_due(self, now: datetime) -> datetime | None:
        """The next instant a deadline falls due."""
        return next_due(self.service, now)

    def reschedule(self, now: datetime) -> datetime | None:
        """Bring the interval job forward to the next due instant when that is sooner."""
        try:
            heard = self._pop_wanted()
            wake = next_wake(now, self.interval, self.next_due(now))
            if heard is not None:
                # Heard of while this sweep ran (a write, another process): written on purpose,
                # so not held back by MIN_GAP, only by HEARD_GAP.
                heard = max(heard, now + HEARD_GAP)
                wake = heard if wake is None else min(wake, heard)
        except Exception:
            log.exception("could not work out the next due instant; waking at the interval")
            return None
        if wake is None:
            return None
        if bring_forward(self.scheduler, JOB_ID, wake):
            log.debug("next wake-up brought forward to %s", wake.isoformat())
        return wake


class Courier:
    """The delivery job: sends the notices in the outbox, on a thread apart from the sweep's,
    then brings its next wake-up forward to the next retry when that is sooner."""

    def __init__(
        self,
        service: Service,
        settings: Settings,
        sender: Sender,
        scheduler: BaseScheduler,
        owner: str,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.service = service
        self.settings = settings
        self.sender = sender
        self.scheduler = scheduler
        self.owner = owner
        self.clock = clock or service.now
        self.interval = timedelta(seconds=settings.scheduler.interval_seconds)
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            try:
                deliver_due(
                    self.service,
                    self.sender,
                    self.clock(),
                    owner=self.owner,
                    lease_seconds=self.settings.scheduler.lease_seconds,
                    batch=self.settings.scheduler.batch,
                )
            except Exception:  # the next wake-up tries again; the scheduler must not die
                log.exception("delivering notices failed; they stay in the outbox")
            try:
                now = self.clock()
                wake = next_wake(now, self.interval, next_attempt(self.service, now))
            except Exception:
                log.exception("could not work out the next retry; waking at the interval")
                return
            if wake is not None:
                self._bring_forward(wake)

    def wake(self) -> None:
        """Deliver now (a sweep just made notices). Called from the sweep's thread."""
        self._bring_forward(self.clock())

    def _bring_forward(self, wake: datetime) -> None:
        bring_forward(self.scheduler, DELIVERY_JOB_ID, wake)


def configure(
    scheduler: BaseScheduler,
    service: Service,
    settings: Settings,
    sender: Sender | None = None,
    clock: Callable[[], datetime] | None = None,
    first_run: datetime | None = None,
) -> Waker:
    """Add the sweep and delivery jobs to ``scheduler``; they first run at ``first_run``
    (default now)."""
    waker = Waker(service, settings, sender or make_sender(settings), scheduler, clock)
    waker.courier = Courier(service, settings, waker.sender, scheduler, waker.owner, clock)
    if DELIVERY not in scheduler._executors:  # its own thread, whatever the caller made
        scheduler.add_executor(ThreadPoolExecutor(max_workers=1), DELIVERY)
    jobs = (
        (waker, JOB_ID, "default", "sweep deadlines"),
        (waker.courier, DELIVERY_JOB_ID, DELIVERY, "deliver notices"),
    )
    for job, job_id, executor, name in jobs:
        scheduler.add_job(
            job,
            "interval",
            seconds=settings.scheduler.interval_seconds,
            id=job_id,
            name=name,
            executor=executor,
            next_run_time=first_run or datetime.now(UTC),
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
    return waker


def build(
    settings: Settings,
    service: Service | None = None,
    *,
    blocking: bool = False,
    sender: Sender | None = None,
) -> tuple[BaseScheduler, Waker]:
    """A scheduler (not started) with its jobs: memory store, one worker thread each, UTC."""
    options: dict[str, Any] = {
        "jobstores": {"default": MemoryJobStore()},
        "executors": {"default": ThreadPoolExecutor(max_workers=1)},
        "job_defaults": {"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        "timezone": UTC,
    }
    scheduler: BaseScheduler = (
        BlockingScheduler(**options) if blocking else BackgroundScheduler(**options)
    )
    waker = configure(scheduler, service or build_service(settings), settings, sender)
    return scheduler, waker


class Handle:
    """The background scheduler of this process; ``shutdown()`` stops it."""

    def __init__(self, scheduler: BaseScheduler, waker: Waker | None = None) -> None:
        self.scheduler = scheduler
        self.waker = waker

    def shutdown(self, wait: bool = True) -> None:
        global _running
        with _start_lock:
            if self.waker is not None:
                self.waker.stop_hearing()
            if self.scheduler.running:
                self.scheduler.shutdown(wait=wait)
            if _running is self:
                _running = None


_running: Handle | None = None
_start_lock = threading.Lock()


def start_background(settings: Settings, service: Service | None = None) -> Handle | None:
    """Start the scheduler in a background thread of this process; returns a handle with
    ``shutdown()``. Once per process: a second call returns the same handle, so a caller that
    runs twice in one process never starts two. Under a code reloader the caller decides which
    process runs it (``workflow serve`` keeps it out of the reloaded child)."""
    global _running
    with _start_lock:
        if _running is not None:
            return _running
        scheduler, waker = build(settings, service)
        scheduler.start()
        if waker is not None:
            waker.hear()
        _running = Handle(scheduler, waker)
        log.info("scheduler started: sweeping every %ss", settings.scheduler.interval_seconds)
        return _running


def run_forever(settings: Settings, service: Service | None = None) -> None:
    """Run the scheduler alone in the foreground until interrupted (Ctrl-C or SIGTERM)."""
    scheduler, waker = build(settings, service, blocking=True)
    waker.hear()  # before start(): a blocking scheduler returns only when it stops

    def stop(signum: int, _frame: Any) -> None:
        log.info("signal %s: stopping the scheduler", signum)
        scheduler.shutdown(wait=False)

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, stop)
    log.info("scheduler running: sweeping every %ss", settings.scheduler.interval_seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        waker.stop_hearing()
        if scheduler.running:
            scheduler.shutdown(wait=False)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        log.info("scheduler stopped")
