"""Parsing a TOML definition into its dataclasses, like a linter: every problem is collected and
reported at once, each naming its file, key and (where it can be told) line.

Pure: no I/O beyond the text the caller hands in; nothing from a data file is ever evaluated as
Python. The cross-reference checks (states, triggers, reachability) are in ``checks``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from workflow.core.calendar import CalendarKind, Duration, parse_duration
from workflow.core.definition import parts
from workflow.core.definition.checks import TimerRefs, graph_problems
from workflow.core.definition.model import (
    DEFAULT_OPEN_ROLES,
    SCHEMA_VERSION,
    Anchor,
    Definition,
    GuardRef,
    Opening,
    StallRule,
    State,
    Timer,
    Transition,
)
from workflow.core.definition.publication import parse_publication
from workflow.core.definition.source import locate
from workflow.core.definition.tables import data_tables
from workflow.core.errors import DefinitionError, Problem
from workflow.core.guards import REGISTRY, GuardRegistry
from workflow.core.roles import ASSIGNABLE_ROLES, Role

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
    "record_deadlines",
    "criteria",
    "choices",
    "publication",
)
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
OPENS_KEYS = ("review_type", "carry", "state")
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
    "calendar",
)


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
        self.timer_refs: dict[str, TimerRefs] = {}
        # Guard parameters naming a criteria table or choice fields, checked once those are read.
        self.data_refs: list[tuple[str, str, Any]] = []

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
            self.note_data_refs(at, name, params)
            refs.append(GuardRef(name, params))
        return tuple(refs)

    def note_data_refs(self, at: str, name: str, params: Mapping[str, Any]) -> None:
        guard = self.registry.guards.get(name)
        for p in guard.params if guard else ():
            if p.kind in ("criteria", "choice_fields") and p.name in params:
                self.data_refs.append((at, p.kind, params[p.name]))

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
        open_guards = self.guards("open_guards", raw.get("open_guards"))
        data_rules = self.guards("data_rules", raw.get("data_rules"))
        criteria, choices, found = data_tables(raw, self.data_refs)
        record_told, record_remind = parts.record_deadlines(self, raw.get("record_deadlines"))
        triggers = {t.trigger for t in transitions}
        publication, more = parse_publication(raw.get("publication"), triggers, states, timers)
        for where, message in [*found, *more]:
            self.problem(where, message)
        definition = Definition(
            key=key,
            name=name,
            initial=initial,
            states=states,
            transitions=transitions,
            timers=timers,
            open_guards=open_guards,
            data_rules=data_rules,
            open_roles=self.roles("open_roles", raw.get("open_roles", list(DEFAULT_OPEN_ROLES))),
            description=raw.get("description", "")
            if isinstance(raw.get("description"), str)
            else "",
            record_escalate_to=record_told,
            record_remind_every=record_remind,
            publication=publication,
            criteria=criteria,
            choices=choices,
        )
        for key, message in graph_problems(definition, self.timer_refs):
            self.problem(key, message)
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
        state = value.get("state")
        if state is not None and not (isinstance(state, str) and state.isidentifier()):
            self.problem(f"{where}.state", "must be the key of a state of that review type")
            state = None
        return Opening(key, carry, state) if key else None

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
            self.timer_refs[name] = TimerRefs(anchor, runs_in, met_by, fire)
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
                calendar=self.calendar_kind(f"{where}.calendar", table.get("calendar")),
            )
        return timers

    def calendar_kind(self, where: str, value: Any) -> CalendarKind:
        return parts.calendar_kind(self, where, value)

    def parse_anchor(self, where: str, value: Any) -> Anchor | None:
        return parts.anchor(self, where, value)
