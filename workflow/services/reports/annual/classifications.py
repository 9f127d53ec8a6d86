"""The annual report's classifications: for each review type with ``[choices.<key>]`` tables
(the category of a child's death, its modifiable factors, the national panel's response…), how
many reviews recorded each value, counted on the step that records it (its ``chosen`` guard)
when that step was taken in the year. Every value is listed, with none as 0; only the choice
keys and their labels are shown, never free text from a case."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from workflow.core.definition import Definition
from workflow.services.reports.annual.results import ClassificationRow
from workflow.services.reports.annual.reviews import Trail


def recording_steps(d: Definition) -> dict[str, list[str]]:
    """Each trigger of ``d`` whose ``chosen`` guard records choice keys, with those keys."""
    out: dict[str, list[str]] = {}
    for t in d.transitions:
        for g in t.guards:
            fields = g.params.get("fields") if g.name == "chosen" else None
            if isinstance(fields, list):
                out.setdefault(t.trigger, []).extend(f for f in fields if f in d.choices)
    return out


def classified_cases(trail: Trail) -> dict[int, list[str]]:
    """The cases that recorded choices in the period, with the keys each recorded."""
    found: dict[int, list[str]] = {}
    for step in trail.steps:
        case = trail.cases.get(step.case_id)
        d = trail.defs.get(case.review_type) if case else None
        if d is None or not step.trigger or not trail.in_period(step):
            continue
        for key in recording_steps(d).get(step.trigger, []):
            found.setdefault(step.case_id, []).append(key)
    return found


def classification_rows(
    trail: Trail,
    recorded: Mapping[int, list[str]],
    values: Mapping[int, Mapping[str, object]],
) -> list[ClassificationRow]:
    """The counts by review type, key and value, in the order the definitions list them."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for case_id, recorded_keys in recorded.items():
        review_type = trail.cases[case_id].review_type
        for key in recorded_keys:
            value = values.get(case_id, {}).get(key)
            if isinstance(value, str):
                counts[(review_type, key, value)] += 1
    rows = []
    for review_type, d in sorted(trail.defs.items()):
        keys = {k for fields in recording_steps(d).values() for k in fields}
        for key, choices in d.choices.items():
            if key not in keys:
                continue
            for value, label in choices.values.items():
                rows.append(
                    ClassificationRow(
                        review_type=review_type,
                        field=key,
                        value=value,
                        label=label,
                        count=counts[(review_type, key, value)],
                    )
                )
    return rows
