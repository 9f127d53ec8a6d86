"""Where a case has been and where it can go: the stages panel shows the path the case took
(in order), the current stage, then the stages its next steps lead to; never the stages of a
path it did not take. And when the reader has no step, who acts next and what they must do."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from workflow.core.definition import Definition
from workflow.core.roles import a_role


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    status: str  # done, current or next


@dataclass(frozen=True)
class NextActor:
    """Someone with a step at this stage: ``who`` (``a reviewer``) and the steps' labels."""

    who: str
    steps: tuple[str, ...]


def stages(
    case: Mapping[str, Any], d: Definition, events: Iterable[Mapping[str, Any]]
) -> list[Stage]:
    """The path taken (each stage once, in the order first reached), the current stage, then the
    stages the steps from it lead to."""
    path: list[str] = [d.initial]
    for e in events:
        to = e.get("to_state")
        if to and to not in path:
            path.append(to)
    current = str(case["state"])
    if current in path:
        path = [*path[: path.index(current)], current]
    else:
        path.append(current)
    out = [Stage(k, d.label_of(k), "done") for k in path[:-1]]
    out.append(Stage(current, d.label_of(current), "current"))
    seen = set(path)
    for t in d.transitions_from(current):
        if t.dest not in seen:
            seen.add(t.dest)
            out.append(Stage(t.dest, d.label_of(t.dest), "next"))
    return out


def next_actors(d: Definition, state: str, reader_role: str) -> list[NextActor]:
    """Who else has a step at ``state`` and which steps: the sentence a person with no step
    reads instead of a dead end."""
    by_role: dict[str, list[str]] = {}
    for t in d.transitions_from(state):
        for role in t.roles:
            if role != reader_role:
                labels = by_role.setdefault(role, [])
                label = t.label or t.trigger.replace("_", " ")
                if label not in labels:
                    labels.append(label)
    return [NextActor(a_role(role), tuple(labels)) for role, labels in by_role.items()]
