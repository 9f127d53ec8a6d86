"""What a step must read: only the kinds of record that the guards it runs (its own, the data
rules, and those of the steps shown to the actor from where it lands) declare they read, the
records its deadlines follow when it closes the case, and the lead in force when there is one
(the answer shows it).

A guard declares what it reads when it is registered (``reads=("records.findings[].kind",
…)``): the records it does not read are not loaded.
"""

from __future__ import annotations

from collections.abc import Iterable

from workflow.core.definition import Definition, GuardRef, Transition
from workflow.core.guards import REGISTRY
from workflow.core.record_kinds import RecordKey
from workflow.core.roles import Actor

#: Kinds whose shape needs another kind: an action names its finding by number.
_NEEDS: dict[str, tuple[str, ...]] = {RecordKey.ACTIONS: (RecordKey.FINDINGS,)}
#: What record deadlines follow: loaded when a step closes the case (they are then settled).
_DEADLINE_RECORDS = (RecordKey.CONTRIBUTIONS, RecordKey.ACTIONS)


def kinds_read(guards: Iterable[GuardRef]) -> set[str]:
    """The kinds of record these guards declare they read."""
    kinds: set[str] = set()
    for g in guards:
        guard = REGISTRY.guards.get(g.name)
        for path in guard.reads if guard is not None else ():
            head, _, rest = path.partition(".")
            if head == "records" and rest:
                kinds.add(rest.split(".", 1)[0].split("[", 1)[0])
    return kinds


def step_kinds(d: Definition, step: Transition | None, actor: Actor, *, has_lead: bool) -> set[str]:
    """The kinds of record a step and its answer read (all of them when the step is unknown:
    the engine then refuses it, saying why)."""
    if step is None:
        return set(RecordKey)
    kinds = state_kinds(d, step.dest, actor, has_lead=has_lead) | kinds_read(step.guards)
    if step.dest in d.final_states:
        kinds.update(_DEADLINE_RECORDS)
    return _with_needs(kinds)


def state_kinds(d: Definition, state: str, actor: Actor, *, has_lead: bool) -> set[str]:
    """The kinds of record the data rules and the steps shown to the actor from ``state`` read
    (what a change of data and its answer need)."""
    shown = [t for t in d.transitions_from(state) if actor.role in t.roles]
    kinds = kinds_read([*d.data_rules, *(g for t in shown for g in t.guards)])
    if has_lead:
        kinds.add(RecordKey.LEAD_APPOINTMENTS)
    return _with_needs(kinds)


def _with_needs(kinds: set[str]) -> set[str]:
    for kind in list(kinds):
        kinds.update(_NEEDS.get(kind, ()))
    return kinds


__all__ = ["kinds_read", "state_kinds", "step_kinds"]
