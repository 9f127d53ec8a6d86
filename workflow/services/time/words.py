"""The sentences of time: why a deadline escalated, why the scheduler could not take a step,
that a case has stalled, what a notice of a step taken says. A person reads each in an
escalation or a notice, so each names the limit, the case, the day it was due and how late.

Pure: everything a sentence needs is passed in.
"""

from __future__ import annotations

from datetime import date, datetime

from workflow.core.calendar import WorkingCalendar
from workflow.core.definition import Definition, StallRule, Timer
from workflow.core.errors import WorkflowError
from workflow.core.guards.review import action_words, contribution_words
from workflow.core.values import lookup
from workflow.store.deadlines import ActionOfDeadline
from workflow.store.models.cases import Case
from workflow.store.models.records import Contribution
from workflow.store.models.time import Deadline


def long_date(day: date) -> str:
    """``Friday 27 November 2026``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def say_lateness(seconds: int) -> str:
    """``2 days 3 hours``, ``45 minutes``, ``less than a minute``."""
    if seconds < 60:
        return "less than a minute"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words)


def _anchor_words(timer: Timer, case: Case, d: Definition) -> str:
    anchor = timer.anchor
    if anchor.kind == "data":
        value = lookup(case.data, anchor.name)
        words = f"the {anchor.name.replace('_', ' ').replace('.', ' ')} date"
        return f"{words}, {value}" if value else words
    if anchor.kind == "entered":
        return f"entering {d.label_of(anchor.name)}"
    return f"'{anchor.name}'"


def limit_words(timer: Timer | None, case: Case, d: Definition) -> str:
    """`` (T1: 5 working days from the aware at date, 2026-11-30)``, or nothing without a
    timer."""
    if timer is None:
        return ""
    limit = f"{timer.limit}: " if timer.limit else ""
    return f" ({limit}{timer.duration} from {_anchor_words(timer, case, d)})"


def missed_reason(d: Definition, case: Case, row: Deadline, timer: Timer | None) -> str:
    label = timer.label if timer else (row.label or row.name)
    return (
        f"{label}{limit_words(timer, case, d)} on case {case.reference} was due by the end of "
        f"{long_date(row.due_date)} and has not been met; the scheduler escalated it "
        f"{say_lateness(row.lateness_seconds or 0)} after it fell due."
    )


def contribution_missed_reason(case: Case, row: Deadline, found: Contribution | None) -> str:
    """Why a contribution's deadline escalated, naming the contribution (never a family
    detail)."""
    what = row.label
    if found is not None:
        what = contribution_words(
            {"kind": found.kind, "agency": found.agency, "requested_on": found.requested_on}
        )
    return (
        f"{what[0].upper()}{what[1:]} on case {case.reference} was due by the end of "
        f"{long_date(row.due_date)} and is neither received nor waived; the scheduler escalated "
        f"it {say_lateness(row.lateness_seconds or 0)} after it fell due. Please send it, or "
        "tell the reviewer when it will come."
    )


def action_missed_reason(case: Case, row: Deadline, found: ActionOfDeadline | None) -> str:
    """Why an action's deadline (T8) escalated, naming the action by its number."""
    what = row.label or row.name
    if found is not None:
        a = found.action
        what = action_words(
            {
                "number": found.number,
                "finding": found.finding,
                "owner_agency": a.owner_agency,
                "due_date": a.due_date,
            }
        )
    return (
        f"{what} on case {case.reference} (T8) was due by the end of {long_date(row.due_date)} "
        f"and is not done; the scheduler escalated it {say_lateness(row.lateness_seconds or 0)} "
        "after it fell due."
    )


def reminder_reason(case: Case, row: Deadline, due: date | None, every: object) -> str:
    """Why a missed contribution or action is escalated again: it is still not settled."""
    what = row.label or row.name
    since = f": it was due by the end of {long_date(due)}" if due is not None else ""
    return (
        f"Reminder: {what} on case {case.reference} is still overdue{since}, and is not yet "
        f"settled. Those told are reminded every {every} until it is."
    )


def refused_reason(
    d: Definition, case: Case, row: Deadline, timer: Timer, exc: WorkflowError
) -> str:
    why = " ".join([exc.message, *exc.details])
    return (
        f"{timer.label}{limit_words(timer, case, d)} on case {case.reference} fell due at the "
        f"end of {long_date(row.due_date)}, but the scheduler could not take the step "
        f"'{timer.fire}': {why} Take the step yourself once it is allowed."
    )


def step_taken(d: Definition, case: Case, row: Deadline, timer: Timer) -> tuple[str, str]:
    """The subject and text of the notice that the scheduler took a timer's step."""
    trigger = timer.fire or ""
    text = (
        f"{timer.label}{limit_words(timer, case, d)} on case {case.reference} fell due at "
        f"the end of {long_date(row.due_date)}; the scheduler took the step '{trigger}' "
        f"and the case is now in {d.label_of(case.state)}."
    )
    return f"Case {case.reference}: {timer.label}: '{trigger}' taken", text


def stall_reason(
    d: Definition,
    case: Case,
    rule: StallRule | None,
    since: datetime,
    calendar: WorkingCalendar,
) -> str:
    limit = f" (the limit is {rule.after}" if rule is not None else ""
    repeat = f"; this reminder repeats every {rule.repeat} until someone acts)" if rule else ""
    return (
        f"Case {case.reference} has made no progress in {d.label_of(case.state)} since "
        f"{long_date(calendar.local_date(since))}{limit}{repeat}."
    )
