"""One compiled ``transitions`` machine per definition version, and its Mermaid diagram.

The machine is shared by every case of that version (``model=None``): stepping a case costs a
dictionary look-up, never a new Machine or an ``add_model`` (see the field notes for why).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from transitions import Machine
from transitions.extensions import GraphMachine

from workflow.core.definition import Definition


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


@lru_cache(maxsize=512)
def compiled(d: Definition) -> Machine:
    return Machine(**_spec(d))


def destination(d: Definition, trigger: str, state: str) -> str | None:
    """Where ``trigger`` leads from ``state``, as the compiled machine moves it; None if nowhere."""
    machine = compiled(d)
    event = machine.events.get(trigger)
    if event is None or not event.transitions.get(state):
        return None
    token = _Token(state)
    event.trigger(token)
    return token.state


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
