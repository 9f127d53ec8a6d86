"""The outbox: notices to people, queued with what caused them and delivered at least once,
whatever the mail server does.

Escalations (and steps the scheduler took) put notices in the outbox in the same transaction
that raises them, one for each active person told who may see the case. A delivery round claims
due notices exactly like the sweep claims deadlines (owner, lease, one more attempt) and commits
before sending, so a sender that crashes mid-way leaves its claims to be retried after the
lease: delivery is at least once, and each message carries a stable ``Message-ID`` so a
receiver can drop a duplicate. A failed send is retried with exponential backoff; a permanent
refusal (a 5xx answer, no address) is kept as ``failed`` with its reason, never dropped. How a
notice is sent is ``workflow.services.time.senders``'.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from workflow.core.record_kinds import owns
from workflow.core.roles import Role
from workflow.services import access
from workflow.services.accounts import actor_of
from workflow.services.time.leases import DEFAULT_BATCH, DEFAULT_LEASE_SECONDS, default_owner
from workflow.services.time.results import Delivery
from workflow.services.time.senders import PermanentFailure, Sender
from workflow.store.models.accounts import User
from workflow.store.models.cases import Case
from workflow.store.models.time import Notice
from workflow.store.notices import Outgoing
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 3_600


# -- queueing ---------------------------------------------------------------------------------


def recipients(u: Unit, case: Case, roles: Sequence[str], agency: str | None = None) -> list[User]:
    """Active users holding one of ``roles`` who may see the case. ``agency``: the notice is
    about that agency's own record (a contribution, an action), so of the agency users only
    that agency's are told."""
    return [
        user
        for user in u.notices.active_holders(roles)
        if access.may_see(actor_of(user), case)
        and (agency is None or user.role != Role.AGENCY.value or owns(user.agencies, agency))
    ]


def queue_notices(
    u: Unit,
    case: Case,
    roles: Sequence[str],
    subject: str,
    text: str,
    ask: str,
    now: datetime,
    escalation_id: int | None = None,
    agency: str | None = None,
) -> int:
    """Put a notice in the outbox for each person told; returns how many."""
    users = recipients(u, case, roles, agency)
    for user in users:
        body = (
            f"Dear {user.name},\n\n{text}\n\nYou are told because you hold the role "
            f"{user.role}. {ask}\n"
        )
        u.notices.queue(
            Notice(
                escalation_id=escalation_id,
                recipient=user.name,
                address=user.email,
                subject=subject,
                body=body,
                next_attempt_at=now,
            )
        )
    return len(users)


# -- delivering -------------------------------------------------------------------------------


class Sent(StrEnum):
    """How one try went (the fields of ``Delivery``)."""

    DELIVERED = "delivered"
    RETRYING = "retrying"
    FAILED = "failed"


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after ``attempts`` failed ones: 1, 2, 4 … minutes, at most
    an hour."""
    exponent = min(max(attempts - 1, 0), 16)
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2**exponent, MAX_RETRY_SECONDS))


def claim_notices(
    service: Service,
    now: datetime,
    owner: str,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    limit: int = DEFAULT_BATCH,
) -> list[Outgoing]:
    """Claim up to ``limit`` due notices for ``owner``, committed before any is sent."""
    with service.store.write() as u:
        return u.notices.claim_due(now, owner, lease_seconds, limit)


def deliver_due(
    service: Service,
    sender: Sender,
    now: datetime,
    *,
    owner: str | None = None,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    batch: int = DEFAULT_BATCH,
) -> Delivery:
    """Send every notice due at ``now``; each send is recorded as soon as it is known."""
    owner = owner or default_owner()
    done: dict[Sent, list[int]] = {kind: [] for kind in Sent}
    while True:
        claimed = claim_notices(service, now, owner, lease_seconds, batch)
        for notice in claimed:
            done[_deliver(service, sender, notice, now, owner)].append(notice.id)
        if len(claimed) < batch:
            break
    return Delivery(**{str(k): tuple(v) for k, v in done.items()})


def _deliver(service: Service, sender: Sender, notice: Outgoing, now: datetime, owner: str) -> Sent:
    """Send one claimed notice and record how it went."""
    try:
        sender.send(notice)
    except PermanentFailure as exc:
        log.error("notice %s to %s cannot be delivered: %s", notice.id, notice.recipient, exc)
        with service.store.write() as u:
            u.notices.failed(notice.id, owner, str(exc))
        return Sent.FAILED
    except Exception as exc:  # a refused connection, a timeout, a 4xx: try again later
        wait = backoff(notice.attempts)
        log.warning(
            "notice %s to %s not delivered (attempt %d): %s; retrying in %s",
            notice.id,
            notice.recipient,
            notice.attempts,
            exc or type(exc).__name__,
            wait,
        )
        with service.store.write() as u:
            u.notices.retry(notice.id, owner, now + wait, f"{type(exc).__name__}: {exc}")
        return Sent.RETRYING
    with service.store.write() as u:
        u.notices.delivered(notice.id, owner, now)
    return Sent.DELIVERED


def next_attempt(service: Service, now: datetime) -> datetime | None:
    """The earliest future instant at which a pending notice may be tried (or its lease ends)."""
    with service.store.read() as u:
        return u.notices.next_attempt(now)


__all__ = [
    "Delivery",
    "Outgoing",
    "backoff",
    "claim_notices",
    "deliver_due",
    "next_attempt",
    "queue_notices",
    "recipients",
]
