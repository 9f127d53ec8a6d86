"""Review types as data: parse a TOML definition into frozen dataclasses and validate it.

Pure: no I/O beyond what the caller hands in (text and a file name), nothing from a data file is
ever evaluated as Python. Validation works like a linter: every problem is collected and reported
at once, each naming its file and key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from workflow.core.calendar import Duration, parse_duration
from workflow.core.definition_source import locate
from workflow.core.errors import DefinitionError, Problem
from workflow.core.guards import REGISTRY, GuardRegistry
from workflow.core.roles import ASSIGNABLE_ROLES, Role

SCHEMA_VERSION = 1

TOP_KEYS = (
    "schema",
    "key",
    "name",
    "description",
    "initial",
    "states",
    "transitions",
    "timers",
    "open_guards",
    "data_rules",
    "open_roles",
)
DEFAULT_OPEN_ROLES = ("reviewer", "chair")
STATE_KEYS = ("label", "description", "final", "stall")
STALL_KEYS = ("after", "repeat", "escalate_to")
TRANSITION_KEYS = (
    "trigger",
    "source",
    "dest",
    "roles",
    "guards",
    "label",
    "records_date",
    "opens",
)
OPENS_KEYS = ("review_type", "carry")
TIMER_KEYS = (
    "label",
    "limit",
    "anchor",
    "duration",
    "runs_in",
    "met_by",
    "met_on",
    "escalate_to",
    "fire",
)
ANCHOR_FORMS = "'data.<key>', 'entered:<state>' or 'trigger:<trigger>'"


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


@dataclass(frozen=True)
class _TimerRefs:
    """What a timer refers to, for the cross-reference checks."""

    anchor: Anchor | None
    runs_in: tuple[str, ...]
    met_by: tuple[str, ...]
    fire: str | None


def load(text: str, file: str = "<definition>", registry: GuardRegistry = REGISTRY) -> Definition:
    """Parse and validate TOML text; raise DefinitionError listing every problem found."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = f"is not valid TOML: {exc}"
        raise DefinitionError([Problem(file, "", message, locate(text, "", message))]) from exc
    try:
        return _Parser(file, registry).parse(raw)
    except DefinitionError as exc:
        raise DefinitionError(
            [replace(p, line=locate(text, p.key, p.message)) for p in exc.problems]
        ) from None


def problems_in(text: str, file: str, registry: GuardRegistry = REGISTRY) -> list[Problem]:
    """Every problem in a definition's text; empty when it is valid."""
    try:
        load(text, file, registry)
    except DefinitionError as exc:
        return exc.problems
    return []


class _Parser:
    def __init__(self, file: str, registry: GuardRegistry) -> None:
        self.file = file
        self.registry = registry
        self.problems: list[Problem] = []
        # Every timer's references, kept even when its anchor or duration is broken, so the
        # cross-reference checks still report everything else wrong with it.
        self.timer_refs: dict[str, _TimerRefs] = {}

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, key, message))

    # -- helpers -------------------------------------------------------------------------------
    def unknown_keys(self, where: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
        for k in table:
            if k not in allowed:
                self.problem(
                    f"{where}.{k}" if where else k,
                    f"unknown key '{k}'; allowed keys are: {', '.join(allowed)}",
                )

    def text(self, where: str, value: Any, required: bool = True) -> str:
        if value is None:
            if required:
                self.problem(where, "is required")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(where, "must be a non-empty string")
            return ""
        return value

    def names(self, where: str, value: Any, allow_single: bool = False) -> tuple[str, ...]:
        if value is None:
            return ()
        if allow_single and isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(where, "must be a list of strings")
            return ()
        return tuple(value)

    def duration(self, where: str, value: Any) -> Duration | None:
        if not isinstance(value, str):
            self.problem(where, "must be a duration like '5 working days', '14 days' or '6 months'")
            return None
        try:
            return parse_duration(value)
        except ValueError as exc:
            self.problem(where, str(exc))
            return None

    def roles(self, where: str, value: Any, allow_system: bool = False) -> tuple[str, ...]:
        roles = self.names(where, value)
        allowed = [*ASSIGNABLE_ROLES, *([Role.SYSTEM.value] if allow_system else [])]
        for r in roles:
            if r not in allowed:
                self.problem(where, f"unknown role '{r}'; known roles are: {', '.join(allowed)}")
        return roles

    def guards(self, where: str, value: Any) -> tuple[GuardRef, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(where, "must be a list of guard names or tables like {name = '...'}")
            return ()
        refs = []
        for i, item in enumerate(value):
            at = f"{where}[{i}]"
            if isinstance(item, str):
                name, params = item, {}
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                name = item["name"]
                params = {k: v for k, v in item.items() if k != "name"}
            else:
                self.problem(at, "must be a guard name or a table with a 'name' key")
                continue
            for message in self.registry.check(name, params):
                self.problem(at, message)
            refs.append(GuardRef(name, params))
        return tuple(refs)

    # -- the parts -----------------------------------------------------------------------------
    def parse(self, raw: dict[str, Any]) -> Definition:
        self.unknown_keys("", raw, TOP_KEYS)
        schema = raw.get("schema", SCHEMA_VERSION)
        if schema != SCHEMA_VERSION:
            self.problem(
                "schema", f"unsupported schema {schema!r}; this product reads {SCHEMA_VERSION}"
            )
        key = self.text("key", raw.get("key"))
        if key and not key.replace("_", "").isalnum():
            self.problem("key", "must contain only letters, digits and underscores")
        name = self.text("name", raw.get("name"))
        initial = self.text("initial", raw.get("initial"))
        states = self.parse_states(raw.get("states"))
        transitions = self.parse_transitions(raw.get("transitions"))
        timers = self.parse_timers(raw.get("timers"))
        definition = Definition(
            key=key,
            name=name,
            initial=initial,
            states=states,
            transitions=transitions,
            timers=timers,
            open_guards=self.guards("open_guards", raw.get("open_guards")),
            data_rules=self.guards("data_rules", raw.get("data_rules")),
            open_roles=self.roles("open_roles", raw.get("open_roles", list(DEFAULT_OPEN_ROLES))),
            description=raw.get("description", "")
            if isinstance(raw.get("description"), str)
            else "",
        )
        self.check_graph(definition)
        if self.problems:
            raise DefinitionError(self.problems)
        return definition

    def parse_states(self, value: Any) -> dict[str, State]:
        if not isinstance(value, dict) or not value:
            self.problem("states", "must have at least one table [states.<key>]")
            return {}
        states = {}
        for key, table in value.items():
            where = f"states.{key}"
            if not isinstance(table, dict):
                self.problem(where, "must be a table")
                continue
            self.unknown_keys(where, table, STATE_KEYS)
            final = table.get("final", False)
            if not isinstance(final, bool):
                self.problem(f"{where}.final", "must be true or false")
                final = False
            stall = self.parse_stall(f"{where}.stall", table.get("stall"))
            label = table.get("label", key.replace("_", " ").capitalize())
            states[key] = State(key, str(label), str(table.get("description", "")), final, stall)
        return states

    def parse_stall(self, where: str, value: Any) -> StallRule | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(where, "must be a table with after, repeat and escalate_to")
            return None
        self.unknown_keys(where, value, STALL_KEYS)
        after = self.duration(f"{where}.after", value.get("after"))
        repeat = self.duration(f"{where}.repeat", value.get("repeat", value.get("after")))
        to = self.roles(f"{where}.escalate_to", value.get("escalate_to"))
        if not to:
            self.problem(f"{where}.escalate_to", "must name at least one role")
        if after is None or repeat is None:
            return None
        return StallRule(after, repeat, to)

    def parse_transitions(self, value: Any) -> tuple[Transition, ...]:
        if not isinstance(value, list) or not value:
            self.problem("transitions", "must have at least one [[transitions]] item")
            return ()
        out = []
        for i, table in enumerate(value):
            where = f"transitions[{i}]"
            if not isinstance(table, dict):
                self.problem(where, "must be a table")
                continue
            self.unknown_keys(where, table, TRANSITION_KEYS)
            trigger = self.text(f"{where}.trigger", table.get("trigger"))
            if trigger:
                where = f"transitions[{i}] ({trigger})"
            if trigger and not trigger.isidentifier():
                self.problem(
                    f"{where}.trigger", "must be a name of letters, digits and underscores"
                )
            sources = self.names(f"{where}.source", table.get("source"), allow_single=True)
            if not sources:
                self.problem(f"{where}.source", "is required: a state or a list of states")
            dest = self.text(f"{where}.dest", table.get("dest"))
            roles = self.roles(f"{where}.roles", table.get("roles"), allow_system=True)
            if not roles:
                self.problem(f"{where}.roles", "must name at least one role")
            out.append(
                Transition(
                    trigger=trigger,
                    sources=sources,
                    dest=dest,
                    roles=roles,
                    guards=self.guards(f"{where}.guards", table.get("guards")),
                    label=str(table.get("label", "")),
                    records_date=self.names(f"{where}.records_date", table.get("records_date")),
                    opens=self.parse_opens(f"{where}.opens", table.get("opens")),
                )
            )
        return tuple(out)

    def parse_opens(self, where: str, value: Any) -> Opening | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(
                where,
                'must be a table like { review_type = "serious_case_review", '
                'carry = ["agencies"] }',
            )
            return None
        self.unknown_keys(where, value, OPENS_KEYS)
        key = self.text(f"{where}.review_type", value.get("review_type"))
        if key and not key.replace("_", "").isalnum():
            self.problem(f"{where}.review_type", "must be the key of a review type")
            key = ""
        carry = self.names(f"{where}.carry", value.get("carry"))
        for name in carry:
            if not name or "." in name:
                self.problem(f"{where}.carry", f"'{name}' must be a top-level data key")
        return Opening(key, carry) if key else None

    def parse_timers(self, value: Any) -> dict[str, Timer]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem("timers", "must be tables [timers.<name>]")
            return {}
        timers = {}
        for name, table in value.items():
            where = f"timers.{name}"
            if not isinstance(table, dict):
                self.problem(where, "must be a table")
                continue
            self.unknown_keys(where, table, TIMER_KEYS)
            anchor = self.parse_anchor(f"{where}.anchor", table.get("anchor"))
            duration = self.duration(f"{where}.duration", table.get("duration"))
            runs_in = self.names(f"{where}.runs_in", table.get("runs_in"))
            if not runs_in:
                self.problem(f"{where}.runs_in", "must name at least one state")
            escalate_to = self.roles(f"{where}.escalate_to", table.get("escalate_to"))
            fire = table.get("fire")
            if fire is not None and not isinstance(fire, str):
                self.problem(f"{where}.fire", "must be a trigger name")
                fire = None
            if not escalate_to and not fire:
                self.problem(where, "must say what happens when due: escalate_to, fire, or both")
            met_on = table.get("met_on")
            if met_on is not None:
                if isinstance(met_on, str) and met_on.startswith("data.") and len(met_on) > 5:
                    met_on = met_on[5:]
                else:
                    self.problem(f"{where}.met_on", f"must be 'data.<key>'; got {met_on!r}")
                    met_on = None
            met_by = self.names(f"{where}.met_by", table.get("met_by"))
            self.timer_refs[name] = _TimerRefs(anchor, runs_in, met_by, fire)
            if anchor is None or duration is None:
                continue
            timers[name] = Timer(
                name=name,
                label=str(table.get("label", name.replace("_", " ").capitalize())),
                anchor=anchor,
                duration=duration,
                runs_in=runs_in,
                met_by=met_by,
                met_on=met_on,
                escalate_to=escalate_to,
                fire=fire,
                limit=str(table.get("limit", "")),
            )
        return timers

    def parse_anchor(self, where: str, value: Any) -> Anchor | None:
        if isinstance(value, str):
            if value.startswith("data.") and len(value) > 5:
                return Anchor("data", value[5:])
            kind, _, name = value.partition(":")
            if kind in ("entered", "trigger") and name:
                return Anchor(kind, name)
        self.problem(where, f"must be {ANCHOR_FORMS}; got {value!r}")
        return None

    # -- cross-references, like a linter -------------------------------------------------------
    def check_graph(self, d: Definition) -> None:
        states = d.states
        known = ", ".join(states) or "(none)"
        if d.initial and states and d.initial not in states:
            self.problem("initial", f"names unknown state '{d.initial}'; known states: {known}")
        if d.initial in states and states[d.initial].final:
            self.problem("initial", "the initial state cannot be final")
        triggers = set(d.triggers)
        seen_pairs: set[tuple[str, str]] = set()
        for i, t in enumerate(d.transitions):
            where = f"transitions[{i}] ({t.trigger})"
            for s in t.sources:
                if s not in states:
                    self.problem(f"{where}.source", f"unknown state '{s}'; known states: {known}")
                elif states[s].final:
                    self.problem(f"{where}.source", f"'{s}' is final: nothing may leave it")
                if (t.trigger, s) in seen_pairs:
                    self.problem(where, f"trigger '{t.trigger}' leaves '{s}' more than once")
                seen_pairs.add((t.trigger, s))
            if t.dest and t.dest not in states:
                self.problem(f"{where}.dest", f"unknown state '{t.dest}'; known states: {known}")
        for name, timer in self.timer_refs.items():
            where = f"timers.{name}"
            for s in timer.runs_in:
                if s not in states:
                    self.problem(f"{where}.runs_in", f"unknown state '{s}'; known states: {known}")
            named = [("met_by", m) for m in timer.met_by]
            named += [("fire", timer.fire)] if timer.fire else []
            for part, trig in named:
                if trig not in triggers:
                    self.problem(
                        f"{where}.{part}",
                        f"unknown trigger '{trig}'; known: {', '.join(sorted(triggers))}",
                    )
            anchor = timer.anchor
            if anchor and anchor.kind == "entered" and anchor.name not in states:
                self.problem(f"{where}.anchor", f"unknown state '{anchor.name}'")
            if anchor and anchor.kind == "trigger" and anchor.name not in triggers:
                self.problem(f"{where}.anchor", f"unknown trigger '{anchor.name}'")
            if timer.fire in triggers and not any(
                t.trigger == timer.fire and Role.SYSTEM.value in t.roles for t in d.transitions
            ):
                self.problem(f"{where}.fire", f"trigger '{timer.fire}' must list the role 'system'")
        for key, state in states.items():
            if state.final and state.stall is not None:
                self.problem(
                    f"states.{key}.stall",
                    f"state '{key}' is final: nothing progresses there, so it takes no stall rule",
                )
            if not state.final and not d.transitions_from(key):
                self.problem(
                    f"states.{key}",
                    f"state '{key}' is not final and has no way out; "
                    "add a transition or mark it final",
                )
        if states and not d.final_states:
            self.problem("states", "at least one state must be final (final = true)")
        if d.initial not in states:
            return  # reachability is measured from the initial state, reported above
        reachable = {d.initial}
        frontier = [d.initial]
        while frontier:
            here = frontier.pop()
            for t in d.transitions:
                if here in t.sources and t.dest in states and t.dest not in reachable:
                    reachable.add(t.dest)
                    frontier.append(t.dest)
        for key in states:
            if key not in reachable:
                self.problem(f"states.{key}", f"state '{key}' cannot be reached from '{d.initial}'")
