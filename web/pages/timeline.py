"""The case's audit trail in words, newest first, as the case page's timeline shows it: one
sentence per event, naming states, deadlines and data groups by their labels in the case's
definition version."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from web.pages import helpers
from web.pages.datagroups import Layout
from workflow.core.deadlines import STALL
from workflow.core.definition import Definition
from workflow.core.events import EventKind


@dataclass(frozen=True)
class Told:
    """One event and what the sentence about it may name."""

    event: Mapping[str, Any]
    detail: Mapping[str, Any]
    definition: Definition
    layout: Layout

    @property
    def deadline(self) -> str:
        """The deadline the event is about, by its label ("" when it names none)."""
        name = str(self.detail.get("deadline", ""))
        if name == STALL:
            return "no progress at this stage"
        timer = self.definition.timers.get(name)
        if timer is not None:
            return timer.label
        kind, sep, _ = name.partition(":")
        if sep:  # a record's deadline (``contribution:86``): by what it is, never its id
            label = str(self.detail.get("label") or "")
            words = {"contribution": "an agency's contribution", "action": "an action"}
            return label or words.get(kind, kind.replace("_", " "))
        return name.replace("_", " ")

    def state(self, key: str) -> str:
        return self.definition.label_of(self.event[key] or "")

    def day(self, key: str) -> str:
        return helpers.format_date(self.detail.get(key))


def _created(t: Told) -> str:
    return f"Opened the case at {t.state('to_state')}"


def _transition(t: Told) -> str:
    e = t.event
    step = t.definition.find(e["trigger"] or "", e["from_state"] or "")
    label = step.label if step and step.label else e["trigger"]
    return f"{label}: from {t.state('from_state')} to {t.state('to_state')}"


def _data_changed(t: Told) -> str:
    labels = []
    for key in t.detail.get("changed") or {}:
        group = t.layout.group_for(str(key))
        labels.append(group.title if group else str(key).replace("_", " "))
    named = ", ".join(dict.fromkeys(labels)) or "data"
    return f"Recorded {named}" + (" with the step" if t.event.get("trigger") else "")


def _deadline_opened(t: Told) -> str:
    return f"Deadline set: {t.deadline}, due {t.day('due_date')}"


def _deadline_moved(t: Told) -> str:
    return f"Deadline moved: {t.deadline}, from {t.day('from')} to {t.day('to')}"


def _deadline_met(t: Told) -> str:
    late = "" if t.detail.get("on_time", True) else " (late)"
    return f"Deadline met: {t.deadline}{late}"


def _deadline_cancelled(t: Told) -> str:
    return f"Deadline no longer needed: {t.deadline}"


def _deadline_missed(t: Told) -> str:
    return f"Deadline missed: {t.deadline}"


RECORD_VERBS = {
    EventKind.RECORD_ADDED: "Added",
    EventKind.RECORD_CHANGED: "Changed",
    EventKind.RECORD_REMOVED: "Removed",
}


def _record(t: Told) -> str:
    kind = t.event["kind"]
    what = str(t.detail.get("label") or t.detail.get("record") or "a record")
    noun, record_id = str(t.detail.get("record") or ""), t.detail.get("id")
    # Findings and actions carry the numbers people see; other records only a database id.
    if noun not in ("finding", "action") and what.lower() == f"{noun} {record_id}".lower():
        what = f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"
    fields = [str(f).replace("_", " ") for f in t.detail.get("fields") or []]
    said = f" ({', '.join(fields)})" if fields and kind == EventKind.RECORD_CHANGED else ""
    return f"{RECORD_VERBS[kind]} {what[0].lower() + what[1:]}{said}"


def _case_opened(t: Told) -> str:
    return f"Opened the linked case {t.detail.get('case')}"


def _escalated(t: Told) -> str:
    roles = t.detail.get("to") or t.detail.get("to_roles") or []
    to = f" to the {' and '.join(str(r) for r in roles)}" if roles else ""
    return f"Escalated{to}" + (f": {t.deadline}" if t.deadline else "")


SENTENCES: dict[str, Callable[[Told], str]] = {
    EventKind.CREATED: _created,
    EventKind.TRANSITION: _transition,
    EventKind.DATA_CHANGED: _data_changed,
    EventKind.DEADLINE_OPENED: _deadline_opened,
    EventKind.DEADLINE_MOVED: _deadline_moved,
    EventKind.DEADLINE_MET: _deadline_met,
    EventKind.DEADLINE_CANCELLED: _deadline_cancelled,
    EventKind.DEADLINE_MISSED: _deadline_missed,
    EventKind.RECORD_ADDED: _record,
    EventKind.RECORD_CHANGED: _record,
    EventKind.RECORD_REMOVED: _record,
    EventKind.CASE_OPENED: _case_opened,
    EventKind.ESCALATED: _escalated,
}


def event_words(e: Mapping[str, Any], d: Definition, lay: Layout) -> str:
    """The sentence the timeline shows for one event."""
    kind = e["kind"]
    sentence = SENTENCES.get(kind)
    if sentence is None:
        return str(kind).replace("_", " ").capitalize()
    return sentence(Told(e, e.get("detail") or {}, d, lay))


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: what happened, when, by whom, and the note given."""

    words: str
    at: Any  # an instant (or its ISO text), shown in London time
    actor: str
    actor_role: str
    note: str


def timeline(events: Iterable[Mapping[str, Any]], d: Definition, lay: Layout) -> list[Entry]:
    """The events newest first, each with its sentence."""
    newest_first = sorted(events, key=lambda e: -e["seq"])
    return [
        Entry(
            event_words(e, d, lay),
            e["at"],
            e["actor"],
            e.get("actor_role") or "",
            e.get("note") or "",
        )
        for e in newest_first
    ]
