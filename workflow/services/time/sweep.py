"""The sweep: fires the deadlines that have fallen due, each exactly once, however many processes
sweep at the same time.

Deadline rows are the source of truth (the scheduler stores no business timer). A sweep works in
two steps:

1. **Claim.** One short transaction marks a batch of due, unclaimed rows with this sweeper's name,
   a lease expiry and one more attempt (``workflow.store.claims`` holds how, per database). A
   row whose lease has expired (its sweeper died) can be claimed again.
2. **Fire.** Each claimed row is fired in one transaction with its case: the case row is locked
   first (the order a person's change takes too), then the row is finished only if it is still
   pending and still claimed by this sweeper, so a row is fired by one transaction only. What
   firing does is ``workflow.services.time.firing``'s.

A sweep after downtime catches up on everything due, oldest first, and records when it fired
each deadline and how late that was. ``now`` is always an argument; given a ``clock``, a sweep
that takes more than one batch reads it again between batches, so a deadline that falls due
while a long sweep runs is claimed in its next batch, not after the whole backlog (issue 11).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from workflow.services.time.firing import Firing
from workflow.services.time.leases import DEFAULT_BATCH, DEFAULT_LEASE_SECONDS, default_owner
from workflow.services.time.results import Fired
from workflow.store.deadlines import Claim
from workflow.store.unit import RETRYABLE

if TYPE_CHECKING:
    from workflow.services.cases import Service

log = logging.getLogger(__name__)

RETRIES = 3  # a fire that lost a race with a person's change is tried again at once


def claim_due(
    service: Service,
    now: datetime,
    owner: str,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    limit: int = DEFAULT_BATCH,
) -> list[Claim]:
    """Claim up to ``limit`` due deadlines for ``owner``, committed before any is fired."""
    with service.store.write() as u:
        return u.deadlines.claim_due(now, owner, lease_seconds, limit)


def next_due(service: Service, now: datetime) -> datetime | None:
    """The next instant at which a sweep will find something to fire: the earliest future due
    instant, or the earliest lease of a due row another sweeper holds."""
    with service.store.read() as u:
        return u.deadlines.next_due(now)


class _Lost(Exception):
    """The row is no longer ours to fire: met, moved, cancelled or claimed by another sweeper."""


class Sweeper:
    """Fires due deadlines for one service (its database and calendar)."""

    def __init__(
        self,
        service: Service,
        *,
        owner: str | None = None,
        lease_seconds: int = DEFAULT_LEASE_SECONDS,
        batch: int = DEFAULT_BATCH,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.service = service
        self.owner = owner or default_owner()
        self.lease_seconds = lease_seconds
        self.batch = batch
        self.clock = clock

    def sweep(self, now: datetime) -> list[Fired]:
        """Claim and fire everything due at ``now``, batch after batch, oldest first; with a
        clock, each batch after the first claims what is due at the clock's instant."""
        fired: list[Fired] = []
        first = True
        while True:
            if not first and self.clock is not None:
                now = max(now, self.clock())
            first = False
            claimed = claim_due(self.service, now, self.owner, self.lease_seconds, self.batch)
            for deadline_id, case_id in claimed:
                result = self.fire_claimed(deadline_id, case_id, now)
                if result is not None:
                    fired.append(result)
            if len(claimed) < self.batch:
                break
        if fired:
            log.info("sweep at %s fired %d deadline(s)", now.isoformat(), len(fired))
        return fired

    def fire_claimed(self, deadline_id: int, case_id: int, now: datetime) -> Fired | None:
        """Fire one deadline this sweeper has claimed; None if it is no longer ours to fire.
        A failure leaves the claim in place, so the row is tried again after its lease."""
        for attempt in range(1, RETRIES + 1):
            try:
                return self._fire(deadline_id, case_id, now)
            except _Lost:
                return None
            except RETRYABLE as exc:
                # A person changed the case at the same moment (or the database chose this
                # transaction as a deadlock victim): nothing was written; try again.
                log.info(
                    "deadline %s: retrying after %s (attempt %d)",
                    deadline_id,
                    type(exc).__name__,
                    attempt,
                )
            except Exception:
                log.exception(
                    "deadline %s of case %s could not be fired; it will be retried "
                    "when its lease expires",
                    deadline_id,
                    case_id,
                )
                return None
        log.warning(
            "deadline %s: gave up after %d attempts; retried after its lease", deadline_id, RETRIES
        )
        return None

    def _fire(self, deadline_id: int, case_id: int, now: datetime) -> Fired:
        with self.service.store.write() as u:
            # Lock the case first: a person's change locks the case row before its deadlines,
            # so taking them in the same order cannot deadlock.
            case = u.cases.for_change(case_id)
            if case is None:
                raise _Lost
            # Raising below rolls the finished claim back too.
            row = u.deadlines.finish_claim(deadline_id, self.owner, now)
            if row is None or row.due_at > now:
                raise _Lost
            d = self.service.definitions.of_version(u, case.definition_id)
            return Firing(u, case, d, row, now, self.service.calendar).fire()


def sweep(
    service: Service,
    now: datetime | None = None,
    *,
    owner: str | None = None,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    batch: int = DEFAULT_BATCH,
) -> list[Fired]:
    """Fire every deadline due at ``now`` (default: the service's clock) exactly once."""
    sweeper = Sweeper(service, owner=owner, lease_seconds=lease_seconds, batch=batch)
    return sweeper.sweep(now or service.now())
