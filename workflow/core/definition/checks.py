"""The cross-reference checks of a definition, like a linter (bpmnlint's rules): one initial
state that is not final, sources and destinations that exist, no trigger leaving a state twice,
timers that name known states and triggers, a ``fire`` trigger the scheduler may take, stall
rules only where progress is possible, a way out of every state that is not final, at least
one final state, and every state reachable from the initial one. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from workflow.core.definition.model import Anchor, Definition
from workflow.core.roles import Role

#: One problem: the key it is about and what is wrong.
Found = tuple[str, str]


@dataclass(frozen=True)
class TimerRefs:
    """What a timer refers to, kept even when its anchor or duration is broken, so the
    cross-reference checks still report everything else wrong with it."""

    anchor: Anchor | None
    runs_in: tuple[str, ...]
    met_by: tuple[str, ...]
    fire: str | None


def graph_problems(d: Definition, timers: dict[str, TimerRefs]) -> list[Found]:
    """Every cross-reference problem of ``d``; ``timers``: what each timer refers to."""
    known = ", ".join(d.states) or "(none)"
    found = [
        *_initial(d, known),
        *_transitions(d, known),
        *_timers(d, timers, known),
        *_states(d),
        *_reachability(d),
    ]
    return found


def _initial(d: Definition, known: str) -> Iterator[Found]:
    if d.initial and d.states and d.initial not in d.states:
        yield "initial", f"names unknown state '{d.initial}'; known states: {known}"
    if d.initial in d.states and d.states[d.initial].final:
        yield "initial", "the initial state cannot be final"


def _transitions(d: Definition, known: str) -> Iterator[Found]:
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(d.transitions):
        where = f"transitions[{i}] ({t.trigger})"
        for s in t.sources:
            if s not in d.states:
                yield f"{where}.source", f"unknown state '{s}'; known states: {known}"
            elif d.states[s].final:
                yield f"{where}.source", f"'{s}' is final: nothing may leave it"
            if (t.trigger, s) in seen:
                yield where, f"trigger '{t.trigger}' leaves '{s}' more than once"
            seen.add((t.trigger, s))
        if t.dest and t.dest not in d.states:
            yield f"{where}.dest", f"unknown state '{t.dest}'; known states: {known}"


def _timers(d: Definition, timers: dict[str, TimerRefs], known: str) -> Iterator[Found]:
    triggers = set(d.triggers)
    for name, timer in timers.items():
        where = f"timers.{name}"
        for s in timer.runs_in:
            if s not in d.states:
                yield f"{where}.runs_in", f"unknown state '{s}'; known states: {known}"
        named = [("met_by", m) for m in timer.met_by]
        named += [("fire", timer.fire)] if timer.fire else []
        for part, trigger in named:
            if trigger not in triggers:
                yield (
                    f"{where}.{part}",
                    f"unknown trigger '{trigger}'; known: {', '.join(sorted(triggers))}",
                )
        yield from _anchor(where, timer.anchor, d, triggers)
        if timer.fire in triggers and not any(
            t.trigger == timer.fire and Role.SYSTEM.value in t.roles for t in d.transitions
        ):
            yield f"{where}.fire", f"trigger '{timer.fire}' must list the role 'system'"


def _anchor(
    where: str, anchor: Anchor | None, d: Definition, triggers: set[str]
) -> Iterator[Found]:
    if anchor and anchor.kind == "entered" and anchor.name not in d.states:
        yield f"{where}.anchor", f"unknown state '{anchor.name}'"
    if anchor and anchor.kind == "trigger" and anchor.name not in triggers:
        yield f"{where}.anchor", f"unknown trigger '{anchor.name}'"


def _states(d: Definition) -> Iterator[Found]:
    for key, state in d.states.items():
        if state.final and state.stall is not None:
            yield (
                f"states.{key}.stall",
                f"state '{key}' is final: nothing progresses there, so it takes no stall rule",
            )
        if not state.final and not d.transitions_from(key):
            yield (
                f"states.{key}",
                f"state '{key}' is not final and has no way out; add a transition or mark it final",
            )
    if d.states and not d.final_states:
        yield "states", "at least one state must be final (final = true)"


def _reachability(d: Definition) -> Iterator[Found]:
    if d.initial not in d.states:
        return  # reachability is measured from the initial state, reported above
    reachable = {d.initial}
    frontier = [d.initial]
    while frontier:
        here = frontier.pop()
        for t in d.transitions:
            if here in t.sources and t.dest in d.states and t.dest not in reachable:
                reachable.add(t.dest)
                frontier.append(t.dest)
    for key in d.states:
        if key not in reachable:
            yield f"states.{key}", f"state '{key}' cannot be reached from '{d.initial}'"
