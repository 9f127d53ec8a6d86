"""Every review type in words, for the README: its states, its time limits and, for each step,
who takes it and the rule each of its guards enforces (the guard's own sentence, with its
parameters). Pure: the README test compares the README with what this writes."""

from __future__ import annotations

from collections.abc import Iterable

from workflow.core.definition.model import Definition, GuardRef, Timer
from workflow.core.guards import REGISTRY


def _guard(ref: GuardRef, d: Definition) -> str:
    guard = REGISTRY.guards.get(ref.name)
    rule = (guard.doc.split("\n\n")[0] if guard else "").replace("\n", " ")
    rule = " ".join(rule.replace("``", "`").split())
    params = "; ".join(f"{k}: {_value(v)}" for k, v in ref.params.items())
    name = f"`{ref.name}`" + (f" ({params})" if params else "")
    criteria = d.criteria.get(str(ref.params.get("criteria", "")))
    if criteria is not None:
        rule += f" The rule: {criteria.rule.describe()}."
    return f"{name}: {rule}"


def _value(v: object) -> str:
    if isinstance(v, list):
        return ", ".join(f"`{x}`" for x in v)
    return f"`{str(v).lower() if isinstance(v, bool) else v}`"


def _timer(t: Timer) -> str:
    limit = f" ({t.limit})" if t.limit else ""
    runs = ", ".join(f"`{s}`" for s in t.runs_in)
    met = ", ".join(f"`{m}`" for m in t.met_by) or "nothing"
    return (
        f"- `{t.name}`{limit}: {t.label}; {t.duration} from `{t.anchor}`, while in {runs}; "
        f"met by {met}"
    )


def describe(d: Definition) -> str:
    """One review type as a README section."""
    lines = [f"#### {d.name} (`{d.key}`)", "", d.description, ""]
    states = ", ".join(f"`{k}`" + (" (final)" if s.final else "") for k, s in d.states.items())
    lines += [f"States (starts in `{d.initial}`): {states}.", ""]
    rules = [*(f"- on opening: {_guard(g, d)}" for g in d.open_guards)]
    rules += [
        f"- always (opening, every step and change of data): {_guard(g, d)}" for g in d.data_rules
    ]
    if rules:
        lines += ["Rules of the whole case:", "", *rules, ""]
    if d.timers:
        lines += ["Time limits:", "", *(_timer(t) for t in d.timers.values()), ""]
    lines += ["| step | from → to | who | guards and the rule each enforces |"]
    lines += ["| --- | --- | --- | --- |"]
    for t in d.transitions:
        guards = "<br>".join(_guard(g, d) for g in t.guards) or "—"
        where = f"{', '.join(t.sources)} → {t.dest}"
        lines.append(f"| `{t.trigger}` | {where} | {', '.join(t.roles)} | {guards} |")
    return "\n".join(lines) + "\n"


def describe_all(definitions: Iterable[Definition]) -> str:
    """Every review type, by key."""
    return "\n".join(describe(d) for d in sorted(definitions, key=lambda d: d.key))
