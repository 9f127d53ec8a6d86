"""Reading a definition's data tables, ``[criteria.<name>]`` and ``[choices.<field>]``, and
checking the guards that name them (a criteria table that exists, a field with its choices).
Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workflow.core.criteria import Choices, Criteria, Found, parse_choices, parse_criteria

#: A guard parameter naming data tables: where it is, its kind and its value.
DataRef = tuple[str, str, Any]


def _read(raw: Mapping[str, Any], part: str, found: list[Found]) -> dict[str, Any]:
    reader = parse_criteria if part == "criteria" else parse_choices
    tables = raw.get(part, {})
    if not isinstance(tables, dict):
        found.append((part, f"must be tables [{part}.<name>]"))
        return {}
    out: dict[str, Any] = {}
    for name, table in tables.items():
        item, problems = reader(name, table)
        found.extend(problems)
        if item is not None:
            out[name] = item
    return out


def data_tables(
    raw: Mapping[str, Any], refs: Sequence[DataRef]
) -> tuple[dict[str, Criteria], dict[str, Choices], list[Found]]:
    """The criteria and choices tables, and every problem with them or their use by guards."""
    found: list[Found] = []
    criteria: dict[str, Criteria] = _read(raw, "criteria", found)
    choices: dict[str, Choices] = _read(raw, "choices", found)
    # A table with problems of its own is still known by name: its users are not refused too.
    declared: dict[str, Any] = raw["criteria"] if isinstance(raw.get("criteria"), dict) else {}
    listed: dict[str, Any] = raw["choices"] if isinstance(raw.get("choices"), dict) else {}
    for at, kind, value in refs:
        if kind == "criteria" and isinstance(value, str) and value not in declared:
            known = ", ".join(declared) or "none"
            found.append((at, f"unknown criteria '{value}'; [criteria.<name>] tables: {known}"))
        for f in value if kind == "choice_fields" and isinstance(value, list) else []:
            if f not in listed:
                found.append((at, f"'{f}' has no [choices.{f}] table listing its values"))
    return criteria, choices, found
