"""How a scheduler hears that a deadline falls due before it would next wake: from writes in
this process directly, from other processes by PostgreSQL ``LISTEN/NOTIFY``, and on SQLite by
reading the indexed next due instant four times a second (see ``workflow.store.wakeups``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from workflow.services.cases import Service
from workflow.store import wakeups

log = logging.getLogger(__name__)

#: How often a scheduler on SQLite reads the next due instant (other processes' writes): an
#: indexed read of one value, cheap enough four times a second, and a quarter second of the
#: one second a deadline may be late.
POLL_SECONDS = 0.25

Listener = Callable[[datetime], None]


class Hearing:
    """The ways one scheduler hears of new due instants; ``stop()`` ends them."""

    def __init__(self, service: Service, listener: Listener) -> None:
        self.service = service
        self.listener = listener
        self.stopped = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> Hearing:
        wakeups.subscribe(self.listener)
        if self.service.store.dialect == "postgresql":
            self.threads.append(wakeups.listen(self.service.db, self.listener, self.stopped))
        else:
            thread = threading.Thread(target=self._poll, name="workflow-poll", daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def _poll(self) -> None:
        while not self.stopped.wait(POLL_SECONDS):
            try:
                due = next_wake(self.service, self.service.now())
            except Exception:
                log.exception("could not read the next due instant; trying again")
                continue
            if due is not None:
                self.listener(due)

    def stop(self) -> None:
        wakeups.unsubscribe(self.listener)
        self.stopped.set()


def next_wake(service: Service, now: datetime) -> datetime | None:
    """When a sweep should next run (an instant already past: at once)."""
    with service.store.read() as u:
        return u.deadlines.next_wake(now)


def hear(service: Service, listener: Listener) -> Hearing:
    """Start hearing of new due instants for ``listener`` (until ``stop()``)."""
    return Hearing(service, listener).start()


__all__ = ["POLL_SECONDS", "Hearing", "hear", "next_wake"]
