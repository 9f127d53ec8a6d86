"""Each person's deadlines as an iCalendar feed their own calendar (Outlook, say) subscribes to.

The feed's address carries a secret (only its SHA-256 is kept); resetting it gives a new address
and the old one stops working. The feed lists the current deadlines the person must act on —
those of cases they may see, met by a step their role takes or raised to their role — as
all-day events on the last permitted day. An event names only the case's reference, the
deadline and a link: never a child's name or a case's title. Its UID stays the same while the
deadline moves (case and deadline name); SEQUENCE and DTSTAMP follow each move, and a deadline
met or no longer needed leaves the feed.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from workflow.core.definition import Definition
from workflow.core.errors import NotFound
from workflow.core.record_deadlines import ACTION_ESCALATE_TO, CONTRIBUTION_ESCALATE_TO
from workflow.core.roles import Actor
from workflow.services.accounts import actor_of, token_digest
from workflow.services.cases import Service
from workflow.store.dashboard import DeadlineLine

#: How far ahead the feed looks; a deadline further off is added when a later fetch sees it.
HORIZON = timedelta(days=800)
MAX_EVENTS = 500
PRODID = "-//Safeguarding case reviews//Deadlines//EN"


@dataclass(frozen=True)
class FeedAddress:
    """The secret of a new feed address (shown once, like a token)."""

    token: str
    created_at: datetime


@dataclass(frozen=True)
class FeedState:
    """Whether the person has a feed address, and since when."""

    exists: bool
    created_at: datetime | None


def _user_id(service: Service, actor: Actor) -> int:
    with service.store.read() as u:
        user = u.accounts.named(actor.name)
        if user is None or user.id is None:
            raise NotFound(f"There is no account named {actor.name}.")
        return user.id


def state(service: Service, actor: Actor) -> FeedState:
    user_id = _user_id(service, actor)
    with service.store.read() as u:
        feed = u.feeds.of_user(user_id)
        return FeedState(feed is not None, feed.created_at if feed else None)


def reset(service: Service, actor: Actor) -> FeedAddress:
    """A new secret feed address for ``actor``; the previous one stops working."""
    token = secrets.token_urlsafe(32)
    now = service.now()
    user_id = _user_id(service, actor)
    with service.store.write() as u:
        u.feeds.replace(user_id, token_digest(token), now)
    return FeedAddress(token, now)


def revoke(service: Service, actor: Actor) -> None:
    user_id = _user_id(service, actor)
    with service.store.write() as u:
        u.feeds.revoke(user_id)


def holder(service: Service, token: str) -> Actor | None:
    """Who a feed secret belongs to; None when unknown, revoked or the user is disabled."""
    with service.store.read() as u:
        user = u.feeds.holder_of(token_digest(token))
        return actor_of(user) if user is not None else None


def _acts_on(actor: Actor, line: DeadlineLine, d: Definition | None) -> bool:
    """Whether ``actor`` must act on the deadline: a step of their role meets it, or it is
    raised to their role (agency users see only their own agency's records already)."""
    kind = line.name.partition(":")[0]
    if kind == "contribution":
        return actor.role in CONTRIBUTION_ESCALATE_TO
    if kind == "action":
        return actor.role in ACTION_ESCALATE_TO
    timer = d.timers.get(line.name) if d else None
    if timer is None or d is None:
        return False
    meeting = {r for t in d.transitions if t.trigger in timer.met_by for r in t.roles}
    return actor.role in meeting or actor.role in timer.escalate_to


def deadlines(service: Service, actor: Actor) -> list[DeadlineLine]:
    """The current deadlines ``actor`` must act on, soonest first."""
    now = service.now()
    with service.store.read() as u:
        versions = {row.id or 0: service.definitions.parsed(row) for row in u.catalog.all()}
        where = u.dashboard.narrowing(actor)
        lines = u.dashboard.deadlines_due(where, now + HORIZON, None, MAX_EVENTS)
    return [x for x in lines if _acts_on(actor, x, versions.get(x.definition_id))]


def _event(line: DeadlineLine, case_url: str, host: str) -> Event:
    event = Event()
    event.add("uid", f"case-{line.case_id}-{line.name.replace(':', '-')}@{host}")
    # A deadline opens, moves and is met only with a change of its case: the case's version
    # numbers its revisions (SEQUENCE) and the case's last change dates them (DTSTAMP).
    revised = line.case_updated_at.astimezone(UTC)
    event.add("dtstamp", revised)
    event.add("last-modified", revised)
    event.add("sequence", line.case_version)
    event.add("dtstart", line.due_date)
    event.add("dtend", line.due_date + timedelta(days=1))
    what = line.label or line.name
    event.add("summary", f"{line.reference}: {what}")
    overdue = " It is overdue." if line.status == "missed" else ""
    event.add(
        "description",
        f"{what}, for case {line.reference}: due by the end of this day.{overdue} {case_url}",
    )
    event.add("url", case_url)
    event.add("transp", "TRANSPARENT")
    return event


def feed(service: Service, actor: Actor, case_url: Mapping[int, str] | None, base: str) -> bytes:
    """The iCalendar text of ``actor``'s deadlines; ``case_url`` gives each case's address
    (default: ``base`` + ``cases/<id>``)."""
    host = base.split("//", 1)[-1].split("/", 1)[0] or "workflow"
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Case review deadlines: {actor.name}")
    for line in deadlines(service, actor):
        url = (case_url or {}).get(line.case_id) or f"{base.rstrip('/')}/cases/{line.case_id}"
        cal.add_component(_event(line, url, host))
    text: bytes = cal.to_ical()
    return text
