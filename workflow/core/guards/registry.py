"""The registry of named guards a definition may use.

A guard is plain code that reads a case and returns every unmet requirement as a sentence a
reviewer can act on (an empty list means the step may go ahead). A definition names guards and
gives their parameters as data; the registry checks those parameters when the definition loads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from workflow.core.calendar import WorkingCalendar
from workflow.core.criteria import Choices, Criteria

#: The review's records as a guard sees them: each kind (``findings``, ``actions``…) is a tuple
#: of read-only mappings, shaped for the case by the records service
#: (``workflow.services.records.guard_records``).
Records = Mapping[str, Sequence[Mapping[str, Any]]]
NO_RECORDS: Records = MappingProxyType({})


@dataclass(frozen=True)
class GuardContext:
    """What a guard may look at: the case's data, records and state, who acts, and the day."""

    data: Mapping[str, Any]
    state: str
    today: date
    calendar: WorkingCalendar
    actor_role: str = ""
    records: Records = field(default_factory=lambda: NO_RECORDS)
    # The definition's criteria and choices (``[criteria.<name>]``, ``[choices.<field>]``), and
    # the day the case opened (None before it has).
    criteria: Mapping[str, Criteria] = field(default_factory=dict)
    choices: Mapping[str, Choices] = field(default_factory=dict)
    opened_on: date | None = None

    def records_of(self, kind: str) -> Sequence[Mapping[str, Any]]:
        return self.records.get(kind, ())


GuardFunction = Callable[..., list[str]]


@dataclass(frozen=True)
class Param:
    name: str
    #: "field", "fields", "keys" (inside a table, not data keys), "duration", "text", "number",
    #: "value", "criteria", "choice_fields"
    kind: str
    required: bool = True
    doc: str = ""

    def problem_with(self, value: Any) -> str | None:
        from workflow.core.calendar import parse_duration

        if self.kind in ("field", "text", "criteria") and not (isinstance(value, str) and value):
            return f"parameter '{self.name}' must be a non-empty string"
        if self.kind == "value" and not isinstance(value, str | bool | int):
            return f"parameter '{self.name}' must be text, a number, true or false"
        if self.kind in ("fields", "keys", "choice_fields") and not (
            isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)
        ):
            return f"parameter '{self.name}' must be a non-empty list of data keys"
        if self.kind == "number" and not (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100
        ):
            return f"parameter '{self.name}' must be a whole number from 0 to 100"
        if self.kind == "duration":
            if not isinstance(value, str):
                return f"parameter '{self.name}' must be a duration like '1 week'"
            try:
                parse_duration(value)
            except ValueError as exc:
                return f"parameter '{self.name}': {exc}"
        return None


@dataclass(frozen=True)
class Guard:
    name: str
    function: GuardFunction
    doc: str
    params: tuple[Param, ...] = ()
    # What it reads, for the README and the admin catalogue: data keys (``agencies``) and record
    # fields (``records.findings[].kind``).
    reads: tuple[str, ...] = ()


@dataclass
class GuardRegistry:
    guards: dict[str, Guard] = field(default_factory=dict)

    def register(
        self, name: str, *, params: tuple[Param, ...] = (), reads: tuple[str, ...] = ()
    ) -> Callable[[GuardFunction], GuardFunction]:
        def add(function: GuardFunction) -> GuardFunction:
            if name in self.guards:
                raise ValueError(f"guard '{name}' is registered twice")
            doc = (function.__doc__ or "").strip()
            self.guards[name] = Guard(name, function, doc, params, reads)
            return function

        return add

    def check(self, name: str, params: Mapping[str, Any]) -> list[str]:
        """Problems with using guard ``name`` with these parameters (empty when fine)."""
        guard = self.guards.get(name)
        if guard is None:
            return [f"unknown guard '{name}'; known guards are: {', '.join(sorted(self.guards))}"]
        problems = []
        allowed = {p.name for p in guard.params}
        for key in params:
            if key not in allowed:
                names = ", ".join(sorted(allowed)) or "none"
                problems.append(f"guard '{name}' has no parameter '{key}'; its parameters: {names}")
        for p in guard.params:
            if p.name not in params:
                if p.required:
                    problems.append(f"guard '{name}' needs the parameter '{p.name}' ({p.doc})")
                continue
            message = p.problem_with(params[p.name])
            if message:
                problems.append(f"guard '{name}': {message}")
        return problems

    def evaluate(self, name: str, params: Mapping[str, Any], ctx: GuardContext) -> list[str]:
        return self.guards[name].function(ctx, **params)


#: The product's registry; the modules of this package add their guards to it on import.
REGISTRY = GuardRegistry()
