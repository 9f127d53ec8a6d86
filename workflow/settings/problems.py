"""What is wrong with the settings, one line a problem: the key, where it was written (the file
or the environment variable), what was found and what is allowed instead.

The lines are built from pydantic's validation errors and the fields of the settings model, so
an unknown key lists the keys its table has, and a wrong value names the kind and bounds of the
one expected (``page_size = "lots" is not allowed; use a whole number of at least 1.``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from workflow.core.errors import InvalidInput

Location = tuple[str | int, ...]
#: Values never echoed back, whatever is wrong with them.
HIDDEN = ("password", "secret_key")


@dataclass(frozen=True)
class SettingProblem:
    """One problem: ``key`` (dotted, ``""`` for the file as a whole), then what is wrong with
    it, and ``origin``, the file or environment variable it was read from (when known)."""

    key: str
    message: str
    origin: str = ""

    def __str__(self) -> str:
        text = f"{self.key} {self.message}" if self.key else self.message
        return f"{self.origin}: {text}" if self.origin else text


class SettingsError(InvalidInput):
    """The settings cannot be used: the first problem is the message, any others the details."""

    code = "invalid_settings"

    def __init__(self, problems: Sequence[SettingProblem]) -> None:
        self.settings_problems = tuple(problems)
        lines = [str(p) for p in self.settings_problems]
        super().__init__(lines[0], lines[1:])

    def located(self, origin_of: Callable[[str], str]) -> SettingsError:
        """The same problems, each naming where its key was read (``origin_of(key)``)."""
        return SettingsError(
            [
                p if p.origin or not p.key else replace(p, origin=origin_of(p.key))
                for p in self.settings_problems
            ]
        )


def problems_of(error: ValidationError, model: type[BaseModel]) -> list[SettingProblem]:
    """One problem a key (a union of types answers once a member; one line is enough)."""
    found: dict[str, SettingProblem] = {}
    for item in error.errors(include_url=False):
        loc: Location = tuple(item["loc"])
        key = dotted(loc)
        if key in found:
            continue
        if item["type"] == "extra_forbidden":
            found[key] = unknown(loc, model)
            continue
        field = field_at(loc, model)
        allowed = rule(field) if field is not None else str(item["msg"]).lower()
        if item["type"] == "missing":
            found[key] = SettingProblem(key, f"is missing; give {allowed}.")
        else:
            shown = shown_value(key, item.get("input"))
            found[key] = SettingProblem(key, f"= {shown} is not allowed; use {allowed}.")
    return list(found.values())


def unknown(loc: Location, model: type[BaseModel]) -> SettingProblem:
    """A key its table does not have, with the keys it does."""
    table, owner = loc[:-1], model
    for part in table:
        field = names(owner).get(str(part))
        inner = field.annotation if field is not None else None
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            break
        owner = inner
    where = f"[{dotted(table)}]" if table else "the file"
    known = ", ".join(sorted(n for n in names(owner) if n not in _not_in_file(owner)))
    return SettingProblem(dotted(loc), f"is not a setting; {where} has: {known}.")


def field_at(loc: Location, model: type[BaseModel]) -> FieldInfo | None:
    """The field a location names (a list item's location names its list)."""
    field: FieldInfo | None = None
    owner: Any = model
    for part in loc:
        if not isinstance(part, str) or not _is_model(owner):
            break
        field = names(owner).get(part)
        if field is None:
            return None
        owner = field.annotation
    return field


def rule(field: FieldInfo) -> str:
    """What a field accepts, in words."""
    kind = field.annotation
    if kind is bool:
        return "true or false"
    if kind is int or kind is float:
        return ("a whole number" if kind is int else "a number") + _bounds(field.metadata)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return "one of: " + ", ".join(member.value for member in kind)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return f"a table of {', '.join(sorted(names(kind)))}"
    if kind is Path:
        return "a path in quotes (a relative one is read from the file's folder)"
    if get_origin(kind) is tuple and get_args(kind)[:1] == (date,):
        return 'a list of dates, like ["2026-12-24"]'
    return "text in quotes"


def names(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """The model's fields by the name written in the file (the alias, where there is one)."""
    return {(f.alias or name): f for name, f in model.model_fields.items()}


def dotted(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def shown_value(key: str, value: Any) -> str:
    """The value as it would be written in TOML (a secret is never shown)."""
    if key.endswith(HIDDEN):
        return "(hidden)"
    return json.dumps(value, default=str, ensure_ascii=False)


def _bounds(metadata: Sequence[Any]) -> str:
    low = next((m.ge for m in metadata if isinstance(m, annotated_types.Ge)), None)
    above = next((m.gt for m in metadata if isinstance(m, annotated_types.Gt)), None)
    high = next((m.le for m in metadata if isinstance(m, annotated_types.Le)), None)
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of at least {low}"
    if above is not None:
        return f" above {above}"
    return ""


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _not_in_file(model: type[BaseModel]) -> frozenset[str]:
    found: frozenset[str] = getattr(model, "NOT_IN_FILE", frozenset())
    return found
