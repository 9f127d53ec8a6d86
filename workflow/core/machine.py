"""One compiled ``transitions`` machine per definition version: the engine resolves and applies
every step through it. Also the Mermaid diagram of a version.

The machine is shared by every case of that version (``model=None``): stepping a case costs a
dictionary look-up and moving a token that only carries the state, never a new Machine or an
``add_model`` (see the field notes for why). Guards are not conditions of the machine: they are
evaluated by the engine first, so every unmet requirement is reported, not just the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from transitions import Machine
from transitions.extensions import GraphMachine

from workflow.core.definition import Definition, Transition


class _Token:
    """The lightest model the shared machine can move: it only carries a state."""

    def __init__(self, state: str) -> None:
        self.state = state


def _spec(d: Definition) -> dict[str, Any]:
    return {
        "states": list(d.states),
        "transitions": [
            {"trigger": t.trigger, "source": list(t.sources), "dest": t.dest} for t in d.transitions
        ],
        "initial": d.initial,
        "auto_transitions": False,
        "model": None,
    }


@dataclass(frozen=True, eq=False)
class CompiledMachine:
    """The machine of one definition version and the declared step behind each of its edges."""

    machine: Machine
    steps: dict[tuple[str, str], Transition]

    def resolve(self, trigger: str, state: str) -> Transition | None:
        """The declared step ``trigger`` takes from ``state``; None when it does not leave it."""
        event = self.machine.events.get(trigger)
        if event is None or not event.transitions.get(state):
            return None
        return self.steps[(trigger, state)]

    def apply(self, trigger: str, state: str) -> str:
        """Move a case in ``state`` along ``trigger``; the state the machine reaches."""
        token = _Token(state)
        if not self.machine.events[trigger].trigger(token):
            raise RuntimeError(f"the machine refused '{trigger}' from '{state}'")
        return token.state


@lru_cache(maxsize=512)
def compiled(d: Definition) -> CompiledMachine:
    steps = {(t.trigger, s): t for t in d.transitions for s in t.sources}
    return CompiledMachine(Machine(**_spec(d)), steps)


def destination(d: Definition, trigger: str, state: str) -> str | None:
    """Where ``trigger`` leads from ``state``, as the compiled machine moves it; None if nowhere."""
    machine = compiled(d)
    if machine.resolve(trigger, state) is None:
        return None
    return machine.apply(trigger, state)


def mermaid(d: Definition, current: str | None = None) -> str:
    """Mermaid ``stateDiagram-v2`` text, with final states leading to [*]."""
    spec = _spec(d)
    token = _Token(d.initial)
    spec.update(model=token, graph_engine="mermaid", title=d.name)
    graph_machine = GraphMachine(**spec)
    # The start arrow must stay on the initial state: move the token after the machine is
    # built, then redraw so only the highlight follows the case.
    if current is not None and current != d.initial:
        graph_machine.set_state(current, model=token)
    text: str = token.get_graph(force_new=True).draw(None)  # type: ignore[attr-defined]
    lines = text.rstrip("\n").splitlines()
    lines += [f"  {s} --> [*]" for s in d.final_states]
    return "\n".join(lines) + "\n"
