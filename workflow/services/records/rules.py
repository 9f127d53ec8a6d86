"""The rules of each kind of record, applied as its checked values are set on its row: defaults
(today, the next finding number, a status), dates that cannot be in the future or out of order,
a waiver's reason, the finding an action answers, a finding's themes and sources, and a new lead
appointment ending the one in force. Every problem is reported at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from workflow.core.errors import InvalidInput
from workflow.core.events import NewEvent
from workflow.core.record_kinds import (
    ActionStatus,
    ContributionStatus,
    RecordKey,
    RecordKind,
    theme_key,
)
from workflow.core.roles import Actor
from workflow.services.agencies.checking import chosen, register_of
from workflow.services.records.leads import end_leads
from workflow.store.models.cases import Case
from workflow.store.unit import Unit

#: Values set by the rules rather than copied onto the row.
LINKS = ("themes", "sources", "finding", "number")


@dataclass
class Change:
    """One record being added or changed: what the rules read and what they find."""

    u: Unit
    case: Case
    row: Any
    values: Mapping[str, Any]
    actor: Actor
    today: date
    now: datetime
    adding: bool
    problems: list[str] = field(default_factory=list)
    events: list[NewEvent] = field(default_factory=list)

    def not_in_future(self, *names: str) -> None:
        for name in names:
            day = getattr(self.row, name)
            if isinstance(day, date) and day > self.today:
                self.problems.append(
                    f"{name}: {day.isoformat()} is in the future; record the date it actually "
                    f"happened (today is {self.today.isoformat()})"
                )

    def created(self) -> None:
        if self.adding:
            self.row.created_at, self.row.created_by = self.now, self.actor.name


def _lead(c: Change) -> None:
    row = c.row
    if c.adding:
        row.appointed_on = row.appointed_on or c.today
        c.created()
    c.not_in_future("appointed_on", "ended_on")
    if row.ended_on and row.ended_on < row.appointed_on:
        c.problems.append("ended_on: cannot be before appointed_on")
    if c.adding and row.ended_on is None:
        c.events += end_leads(c.u, c.case, row.appointed_on, f"Replaced by {row.name}")


def _person(c: Change) -> None:
    c.not_in_future("invited_on")


def _contribution(c: Change) -> None:
    row = c.row
    if c.adding:
        row.requested_on = row.requested_on or c.today
        row.status = row.status or ContributionStatus.REQUESTED.value
    if row.due_date < row.requested_on:
        c.problems.append("due_date: cannot be before requested_on")
    if row.status == ContributionStatus.RECEIVED:
        row.received_on = row.received_on or c.today
        row.received_by = row.received_by or c.actor.name
    else:
        row.received_on, row.received_by = None, ""
    if row.status == ContributionStatus.WAIVED and not row.waived_reason.strip():
        c.problems.append("waived_reason: record why the contribution is waived")
    c.not_in_future("requested_on", "received_on")


def _finding(c: Change) -> None:
    row, records = c.row, c.u.records
    if c.adding:
        c.created()
        row.why = row.why or ""
        row.kind = row.kind or ""
    number = c.values.get("number")
    if number is None and c.adding:
        number = records.next_finding_number(c.case.id or 0)
    if number is not None:
        taken = records.finding(c.case.id or 0, number)
        if taken is not None and taken.id != row.id:
            c.problems.append(f"number: finding {number} exists already")
        row.number = number
    c.problems += _unknown_themes(c.u, c.values.get("themes"))
    c.problems += _unknown_sources(c.u, c.case, c.values.get("sources"))


def _action(c: Change) -> None:
    row = c.row
    if "finding" in c.values:
        finding = c.u.records.finding(c.case.id or 0, c.values["finding"])
        if finding is None:
            c.problems.append(f"finding: there is no finding {c.values['finding']} on this case")
        else:
            row.finding_id = finding.id
    if c.adding:
        row.status = row.status or ActionStatus.OPEN.value
    row.completed_on = (row.completed_on or c.today) if row.status == ActionStatus.DONE else None
    c.not_in_future("completed_on")


RULES: Mapping[str, Callable[[Change], None]] = {
    RecordKey.LEAD_APPOINTMENTS: _lead,
    RecordKey.PANEL_MEMBERS: lambda c: None,
    RecordKey.PRACTITIONERS: _person,
    RecordKey.FAMILY_MEMBERS: _person,
    RecordKey.CONTRIBUTIONS: _contribution,
    RecordKey.FINDINGS: _finding,
    RecordKey.ACTIONS: _action,
}


def apply_rules(
    u: Unit,
    kind: RecordKind,
    case: Case,
    row: Any,
    values: Mapping[str, Any],
    actor: Actor,
    today: date,
    now: datetime,
    *,
    adding: bool,
) -> list[NewEvent]:
    """Set the checked values on the row, with the rules of its kind; returns further audit
    events (a lead appointment ends the one before)."""
    values, problems = registered(u, kind, values)
    for name, value in values.items():
        if name not in LINKS:
            setattr(row, name, value)
    change = Change(u, case, row, values, actor, today, now, adding, problems)
    RULES[kind.key](change)
    if change.problems:
        raise InvalidInput(
            f"The {kind.noun} was not saved: fix each problem listed.", change.problems
        )
    return change.events


def registered(
    u: Unit, kind: RecordKind, values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The values with each agency (a field chosen from the register) written as the register
    names it, and a sentence for each not in the register."""
    out: dict[str, Any] = dict(values)
    problems: list[str] = []
    wanted = [f for f in kind.fields if f.options_from == "agencies" and values.get(f.name)]
    if not wanted:
        return out, problems
    register = register_of(u)
    for spec in wanted:
        value = values[spec.name]
        names, found = chosen(register, value if isinstance(value, list) else [value], spec.name)
        problems += found
        out[spec.name] = names if isinstance(value, list) else (names or [value])[0]
    return out, problems


def _unknown_themes(u: Unit, names: Sequence[str] | None) -> list[str]:
    if not names:
        return []
    known = {theme_key(t.name) for t in u.themes.listed()}
    return [
        f"themes: '{n}' is not a theme in use; ask an administrator to add it"
        for n in names
        if theme_key(n) not in known
    ]


def _unknown_sources(u: Unit, case: Case, ids: Sequence[int] | None) -> list[str]:
    if not ids:
        return []
    found = u.records.contributions_among(case.id or 0, ids)
    return [f"sources: there is no contribution {i} on this case" for i in ids if i not in found]


def link_finding(u: Unit, kind: RecordKind, row: Any, values: Mapping[str, Any]) -> None:
    """The links of a finding: its themes and the contributions it draws on."""
    if kind.key != RecordKey.FINDINGS:
        return
    if "themes" in values:
        wanted = {theme_key(n) for n in values["themes"]}
        u.records.set_themes(
            row.id, [t.id or 0 for t in u.themes.listed() if theme_key(t.name) in wanted]
        )
    if "sources" in values:
        u.records.set_sources(row.id, values["sources"])


__all__ = ["apply_rules", "link_finding"]
