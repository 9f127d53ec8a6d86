"""Reports for the board: timeliness against the time limits.

For a period (deadlines whose last permitted day falls in it) and optionally one review type,
each kind of deadline (a review type's timer: notification, decision, completion …) is counted
as

- ``met_on_time``: met on or before its due date (the date recorded, e.g. ``notified_at``);
- ``met_late``: met after its due date, whether or not it had been escalated first;
- ``missed``: fell due, was escalated, and has not been met;
- ``open``: still pending (``overdue`` counts those already past their due instant);

with the median and worst lateness in calendar days over the late ones (met late: due date to
the date met; missed: due date to today). Stall reminders are not time limits and cancelled
deadlines never applied, so neither is counted.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from pydantic import ConfigDict, Field

from workflow.core.calendar import WorkingCalendar
from workflow.core.deadlines import DeadlineStatus
from workflow.core.errors import InvalidInput, NotFound
from workflow.core.record_deadlines import ACTION, CONTRIBUTION, is_record_deadline, is_time_limit
from workflow.core.roles import Actor, Role
from workflow.services import access, catalog
from workflow.services.results import Command, Instant, Result
from workflow.store.models.time import Deadline
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

RECORD_LABELS = {
    CONTRIBUTION: "Agency contributions by their due dates",
    ACTION: "Actions by their due dates",
}

#: Who may read reports: they summarise every case, so the roles that see every case.
REPORT_ROLES = {Role.REVIEWER.value, Role.CHAIR.value, Role.ADMIN.value}


class Lateness(Result):
    """How late the late ones were, in calendar days."""

    median: int | float | None = Field(description="Median days late of the late ones.")
    worst: int | None = Field(description="Most days late.")


class TimelinessRow(Result):
    """One kind of deadline (a review type's timer, or a kind of record deadline)."""

    review_type: str
    deadline: str = Field(description="The timer's name, e.g. notification.")
    label: str
    limit: str = Field(description="The time limit it implements, e.g. T1.")
    total: int
    met_on_time: int = Field(description="Met on or before the due date.")
    met_late: int = Field(description="Met after the due date.")
    missed: int = Field(description="Fell due, escalated, not met.")
    open: int = Field(description="Still pending.")
    overdue: int = Field(description="Pending and already past the due instant.")
    lateness_days: Lateness


class Timeliness(Result):
    """The timeliness report: each kind of deadline due in the period."""

    review_type: str | None
    from_: date | None = Field(alias="from")
    to: date | None
    as_of: Instant
    deadlines: tuple[TimelinessRow, ...]


class TimelinessQuery(Command):
    """Which deadlines to count: one review type or all, due in a period (either end open).
    Unknown query parameters are ignored, as they always were."""

    model_config = ConfigDict(
        frozen=True, extra="ignore", validate_by_name=True, validate_by_alias=True
    )

    review_type: str | None = Field(None, description="One review type's key (default: all).")
    from_: date | None = Field(
        None, alias="from", description="First due date counted, e.g. 2026-04-01 (default: none)."
    )
    to: date | None = Field(
        None, description="Last due date counted, e.g. 2027-03-31 (default: none)."
    )


@dataclass
class _Tally:
    review_type: str
    deadline: str
    label: str = ""
    limit: str = ""
    met_on_time: int = 0
    met_late: int = 0
    missed: int = 0
    open: int = 0
    overdue: int = 0
    late_days: list[int] = field(default_factory=list)

    def view(self) -> TimelinessRow:
        late = sorted(self.late_days)
        return TimelinessRow(
            review_type=self.review_type,
            deadline=self.deadline,
            label=self.label,
            limit=self.limit,
            total=self.met_on_time + self.met_late + self.missed + self.open,
            met_on_time=self.met_on_time,
            met_late=self.met_late,
            missed=self.missed,
            open=self.open,
            overdue=self.overdue,
            lateness_days=Lateness(
                median=statistics.median(late) if late else None,
                worst=late[-1] if late else None,
            ),
        )


def tally(
    rows: Iterable[tuple[Deadline, str]], now: datetime, calendar: WorkingCalendar
) -> dict[tuple[str, str], _Tally]:
    """Count each deadline in its kind; pure, so every rule is testable with plain rows."""
    today = calendar.local_date(now)
    out: dict[tuple[str, str], _Tally] = {}
    for row, review_type in rows:
        if not is_time_limit(row.name) or row.status == DeadlineStatus.CANCELLED:
            continue
        # A record's deadline (contribution:<id>, action:<id>) is counted in its kind.
        name = row.name.partition(":")[0] if is_record_deadline(row.name) else row.name
        label = RECORD_LABELS.get(name, row.label)
        t = out.setdefault((review_type, name), _Tally(review_type, name, label))
        if row.status == DeadlineStatus.PENDING:
            t.open += 1
            if row.due_at <= now:
                t.overdue += 1
        elif row.met_date is not None or row.met_at is not None:
            met = row.met_date or calendar.local_date(row.met_at or now)
            if met <= row.due_date:
                t.met_on_time += 1
            else:
                t.met_late += 1
                t.late_days.append((met - row.due_date).days)
        else:
            t.missed += 1
            t.late_days.append(max((today - row.due_date).days, 0))
    return out


def timeliness(
    service: Service,
    review_type: str | None = None,
    start: date | None = None,
    end: date | None = None,
    actor: Actor | None = None,
) -> Timeliness:
    """The timeliness report for deadlines due from ``start`` to ``end`` (inclusive; either may
    be open) of one review type or all. With an actor, only the roles that see every case may
    read it."""
    if actor is not None:
        access.require_role(actor, REPORT_ROLES, "read the timeliness report")
    if start and end and end < start:
        raise InvalidInput(
            f"The period ends ({end}) before it starts ({start}); swap from and to.",
            ["to is before from"],
        )
    now = service.now()
    with service.store.read() as u:
        if review_type:
            catalog.row_for(u, review_type)  # an unknown type is an error, not an empty report
        tallies = tally(u.deadlines.counted(review_type, start, end), now, service.calendar)
        _describe(u, tallies)
    # By its field names' aliases: ``from`` is a keyword, so it cannot be passed by name.
    return Timeliness.model_validate(
        {
            "review_type": review_type,
            "from": start,
            "to": end,
            "as_of": now,
            "deadlines": tuple(tallies[k].view() for k in sorted(tallies)),
        }
    )


def _describe(u: Unit, tallies: dict[tuple[str, str], _Tally]) -> None:
    """Label and limit (T1 …) of each kind from the newest version of its review type."""
    for (review_type, name), t in tallies.items():
        try:
            d = catalog.DEFINITIONS.parsed(catalog.row_for(u, review_type))
        except NotFound:
            continue
        timer = d.timers.get(name)
        if timer is not None:
            t.label = timer.label
            t.limit = timer.limit
        elif name == ACTION:
            t.limit = "T8"
