"""A readable comparison of two versions of a review type: what an administrator changes.

Pure: it reads two Definitions and lists each difference in states, transitions (with their
roles and guards), timers, and the rules on opening and on data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workflow.core.definition import Definition, GuardRef, State, Timer, Transition


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` is added, removed or changed; ``part`` names what, ``text`` says
    it in a sentence."""

    kind: str
    part: str
    text: str


def _guards(refs: Iterable[GuardRef]) -> list[str]:
    out = []
    for g in refs:
        params = ", ".join(f"{k}={v!r}" for k, v in sorted(g.params.items()))
        out.append(f"{g.name}({params})" if params else g.name)
    return out


def _state_facts(s: State) -> dict[str, Any]:
    stall = None
    if s.stall:
        stall = (
            f"after {s.stall.after}, every {s.stall.repeat}, to {', '.join(s.stall.escalate_to)}"
        )
    return {"label": s.label, "final": s.final, "stall": stall}


def _transition_facts(t: Transition) -> dict[str, Any]:
    return {
        "dest": t.dest,
        "roles": sorted(t.roles),
        "guards": _guards(t.guards),
        "records_date": list(t.records_date),
        "label": t.label,
        "opens": (
            f"{t.opens.review_type} (carrying {', '.join(t.opens.carry) or 'nothing'})"
            if t.opens
            else None
        ),
    }


def _timer_facts(t: Timer) -> dict[str, Any]:
    return {
        "anchor": str(t.anchor),
        "duration": str(t.duration),
        "runs_in": list(t.runs_in),
        "met_by": list(t.met_by),
        "escalate_to": list(t.escalate_to),
        "fire": t.fire,
        "label": t.label,
    }


def _facts_changed(part: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    return [
        Change("changed", part, f"{part}: {key} {old[key]!r} → {new[key]!r}")
        for key in old
        if old[key] != new[key]
    ]


def compare(old: Definition, new: Definition) -> list[Change]:
    """Every difference from ``old`` to ``new``: the name and initial state, then states,
    steps, timers and the rules on opening and on data."""
    return [
        *_headline(old, new),
        *_states(old, new),
        *_steps(old, new),
        *_timers(old, new),
        *_rules(old, new),
    ]


def _headline(old: Definition, new: Definition) -> list[Change]:
    changes = []
    if old.name != new.name:
        changes.append(Change("changed", "name", f"name {old.name!r} → {new.name!r}"))
    if old.initial != new.initial:
        changes.append(Change("changed", "initial", f"initial {old.initial!r} → {new.initial!r}"))
    return changes


def _states(old: Definition, new: Definition) -> list[Change]:
    changes = [
        Change("removed", f"state {key}", f"state '{key}' removed")
        for key in old.states.keys() - new.states.keys()
    ]
    changes += [
        Change("added", f"state {key}", f"state '{key}' added")
        for key in new.states.keys() - old.states.keys()
    ]
    for key in old.states.keys() & new.states.keys():
        changes += _facts_changed(
            f"state {key}", _state_facts(old.states[key]), _state_facts(new.states[key])
        )
    return changes


def _steps(old: Definition, new: Definition) -> list[Change]:
    old_t = {(t.trigger, s): t for t in old.transitions for s in t.sources}
    new_t = {(t.trigger, s): t for t in new.transitions for s in t.sources}
    changes = [
        Change("removed", f"step {trig}", f"step '{trig}' from '{src}' removed")
        for trig, src in sorted(old_t.keys() - new_t.keys())
    ]
    for trig, src in sorted(new_t.keys() - old_t.keys()):
        t = new_t[(trig, src)]
        changes.append(
            Change(
                "added",
                f"step {trig}",
                f"step '{trig}' from '{src}' to '{t.dest}' added "
                f"(roles {', '.join(t.roles)}; guards {', '.join(_guards(t.guards)) or 'none'})",
            )
        )
    for trig, src in sorted(old_t.keys() & new_t.keys()):
        changes += _facts_changed(
            f"step {trig} from {src}",
            _transition_facts(old_t[(trig, src)]),
            _transition_facts(new_t[(trig, src)]),
        )
    return changes


def _timers(old: Definition, new: Definition) -> list[Change]:
    changes = [
        Change("removed", f"timer {name}", f"timer '{name}' removed")
        for name in sorted(old.timers.keys() - new.timers.keys())
    ]
    changes += [
        Change(
            "added",
            f"timer {name}",
            f"timer '{name}' added: {new.timers[name].duration} from {new.timers[name].anchor}",
        )
        for name in sorted(new.timers.keys() - old.timers.keys())
    ]
    for name in sorted(old.timers.keys() & new.timers.keys()):
        changes += _facts_changed(
            f"timer {name}", _timer_facts(old.timers[name]), _timer_facts(new.timers[name])
        )
    return changes


def _rules(old: Definition, new: Definition) -> list[Change]:
    changes = []
    for part, a, b in (
        ("open_guards", old.open_guards, new.open_guards),
        ("data_rules", old.data_rules, new.data_rules),
    ):
        if _guards(a) != _guards(b):
            changes.append(Change("changed", part, f"{part} {_guards(a)} → {_guards(b)}"))
    if sorted(old.open_roles) != sorted(new.open_roles):
        changes.append(
            Change(
                "changed",
                "open_roles",
                f"open_roles {list(old.open_roles)} → {list(new.open_roles)}",
            )
        )
    return changes
