"""Names chosen from the register: the involved agencies of a case (``data.agencies``), a lead
reviewer's organisations and the agency of a record are each an entry of the board's register
(a name or an alias, written back as the entry's name). A name not in it is refused with the
entries closest to it. A board that keeps no register yet (no entries) is not checked.

The register and a case's independence confirmations also reach the guards, beside the case's
records (``workflow.core.agencies.REGISTER`` and ``CONFIRMATIONS``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workflow.core.agencies import CONFIRMATIONS, REGISTER, Register
from workflow.core.errors import InvalidInput
from workflow.store.unit import Unit

HOW_TO_ADD = "an administrator adds agencies at /admin/agencies or with `workflow agencies add`"


def register_of(u: Unit) -> Register:
    """The register's active entries, with their parents' names."""
    rows = u.agencies.listed(active_only=True)
    names = {r.id: r.name for r in rows}
    return Register.of(
        {"name": r.name, "aliases": r.aliases, "parent": names.get(r.parent_id)} for r in rows
    )


def guard_facts(u: Unit, case_id: int) -> dict[str, list[dict[str, Any]]]:
    """The register and the case's confirmations as the independence guards read them."""
    register = register_of(u)
    entries = [
        {"name": e.name, "aliases": list(e.aliases), "parent": e.parent} for e in register.entries
    ]
    confirmations = [
        {"organisation": c.organisation, "agency": c.agency, "confirmed_by": c.confirmed_by}
        for c in u.agencies.confirmations(case_id)
    ]
    return {REGISTER: entries, CONFIRMATIONS: confirmations}


def problem_with(register: Register, name: str, field: str) -> str | None:
    """Why ``name`` cannot be chosen (None: it can)."""
    if not register.kept or register.find(name) is not None:
        return None
    close = register.closest(name)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    return (
        f"{field}: '{name}' is not in the board's register of agencies.{hint} Choose a name "
        f"from the register ({HOW_TO_ADD})."
    )


def chosen(register: Register, names: Sequence[str], field: str) -> tuple[list[str], list[str]]:
    """The names as the register writes them, and a sentence for each not in it."""
    out: list[str] = []
    problems: list[str] = []
    for name in names:
        problem = problem_with(register, name, field)
        if problem:
            problems.append(problem)
            continue
        entry = register.find(name)
        out.append(entry.name if entry is not None else name)
    return list(dict.fromkeys(out)), problems


def checked_agencies(u: Unit, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with its ``agencies`` (when sent as a list of names) chosen from the register;
    refused, saying which, when one is not in it."""
    agencies = data.get("agencies")
    if not isinstance(agencies, list) or not all(isinstance(a, str) for a in agencies):
        return dict(data)
    register = register_of(u)
    if not register.kept:
        return dict(data)
    names, problems = chosen(register, [a for a in agencies if a.strip()], "agencies")
    if problems:
        raise InvalidInput("The agencies involved must be chosen from the register.", problems)
    return {**data, "agencies": names}


def checked_names(u: Unit, names: Sequence[str], field: str) -> list[str]:
    """Names of organisations (a lead's) chosen from the register, or refused."""
    register = register_of(u)
    if not register.kept:
        return list(names)
    out, problems = chosen(register, names, field)
    if problems:
        raise InvalidInput(f"Each of {field} must be chosen from the register.", problems)
    return out


def register_names(u: Unit) -> list[str]:
    """The active entries' names, for a form's choices."""
    return [e.name for e in register_of(u).entries]


__all__ = [
    "checked_agencies",
    "checked_names",
    "chosen",
    "guard_facts",
    "problem_with",
    "register_names",
    "register_of",
]
