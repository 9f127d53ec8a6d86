"""A review type as data: the frozen dataclasses one version of a definition is loaded into.

A published version is immutable; every case records the version it runs on. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workflow.core.calendar import CalendarKind, Duration
from workflow.core.criteria import Choices, Criteria
from workflow.core.definition.publication import Publication

SCHEMA_VERSION = 1
DEFAULT_OPEN_ROLES = ("reviewer", "chair")


@dataclass(frozen=True)
class GuardRef:
    """A named guard from the registry with its parameters, as a definition uses it."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StallRule:
    """No progress in a state for ``after`` raises an escalation, repeated every ``repeat``."""

    after: Duration
    repeat: Duration
    escalate_to: tuple[str, ...]


@dataclass(frozen=True)
class State:
    key: str
    label: str
    description: str = ""
    final: bool = False
    stall: StallRule | None = None


@dataclass(frozen=True)
class Opening:
    """A conversion: taking the step opens a case of ``review_type`` linked to this one, with
    the data keys named in ``carry`` copied across (the service does it, in the same
    transaction as the step)."""

    review_type: str
    carry: tuple[str, ...] = ()
    #: The state the opened case starts in (its type's initial one when None): a review opened
    #: by a decision starts after that decision, which is then not asked for again.
    state: str | None = None


@dataclass(frozen=True)
class Transition:
    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    guards: tuple[GuardRef, ...] = ()
    label: str = ""
    records_date: tuple[str, ...] = ()
    opens: Opening | None = None


@dataclass(frozen=True)
class Anchor:
    """Where a timer starts: a date in the case's data, entry to a state, or a trigger's time."""

    kind: str  # "data" | "entered" | "trigger"
    name: str

    def __str__(self) -> str:
        return f"data.{self.name}" if self.kind == "data" else f"{self.kind}:{self.name}"


@dataclass(frozen=True)
class Timer:
    """A time limit: opens while the case is in ``runs_in``, met by ``met_by`` triggers."""

    name: str
    label: str
    anchor: Anchor
    duration: Duration
    runs_in: tuple[str, ...]
    met_by: tuple[str, ...] = ()
    met_on: str | None = None
    escalate_to: tuple[str, ...] = ()
    fire: str | None = None
    limit: str = ""
    #: Which working days it counts: bank holidays only (the default; every statutory limit)
    #: or the board's calendar with its closure days (``calendar = "board"``, policy only).
    calendar: CalendarKind = CalendarKind.BANK_HOLIDAYS


@dataclass(frozen=True, eq=False)
class Definition:
    """One version of one review type; immutable once published.

    Compared and hashed by identity: each loaded version is one object, so the compiled machine
    can be cached against it.
    """

    key: str
    name: str
    initial: str
    states: Mapping[str, State]
    transitions: tuple[Transition, ...]
    timers: Mapping[str, Timer] = field(default_factory=dict)
    open_guards: tuple[GuardRef, ...] = ()
    data_rules: tuple[GuardRef, ...] = ()
    open_roles: tuple[str, ...] = DEFAULT_OPEN_ROLES
    description: str = ""
    schema: int = SCHEMA_VERSION
    #: Who hears of a slipped record deadline, by kind (``contribution``, ``action``), from
    #: ``[record_deadlines.<kind>] escalate_to``; a kind left out keeps the product's default.
    record_escalate_to: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: How often those told are reminded while a record deadline stays missed, by kind, from
    #: ``[record_deadlines.<kind>] remind_every``; a kind left out is escalated once.
    record_remind_every: Mapping[str, Duration] = field(default_factory=dict)
    criteria: Mapping[str, Criteria] = field(default_factory=dict)
    choices: Mapping[str, Choices] = field(default_factory=dict)
    #: The names publication works with (``[publication]``; the shipped names when left out).
    publication: Publication = field(default_factory=Publication)

    @property
    def final_states(self) -> tuple[str, ...]:
        return tuple(k for k, s in self.states.items() if s.final)

    @property
    def triggers(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for t in self.transitions:
            seen.setdefault(t.trigger)
        return tuple(seen)

    def transitions_from(self, state: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if state in t.sources)

    def find(self, trigger: str, state: str) -> Transition | None:
        for t in self.transitions:
            if t.trigger == trigger and state in t.sources:
                return t
        return None

    def label_of(self, state: str) -> str:
        s = self.states.get(state)
        return s.label if s else state
