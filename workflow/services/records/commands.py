"""The commands of the records' use cases, and how an edge that holds loose values (a page form,
the command line, a script) turns them into one: every problem at once, as ``field: problem``,
in an ``InvalidInput`` (the JSON API validates its body with the same models, in APIFlask).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from workflow.core.errors import InvalidInput
from workflow.core.record_kinds import THEME_FIELDS, RecordKey, kind_of
from workflow.services.records.schemas import (
    FIELD_PROBLEM,
    RecordFields,
    ThemeChange,
    ThemeIn,
    models_of,
)
from workflow.services.results import Command

M = TypeVar("M", bound=RecordFields)


class AddRecord(Command):
    case_id: int
    kind: RecordKey
    expected_version: int
    fields: RecordFields

    @classmethod
    def of(cls, case_id: int, kind: str, body: Any, expected_version: Any) -> AddRecord:
        found = kind_of(kind)
        version = require_version(expected_version)
        fields = checked(models_of(kind).adding, body, found.noun, found.field_names)
        return cls(case_id=case_id, kind=found.key, expected_version=version, fields=fields)


class ChangeRecord(Command):
    case_id: int
    kind: RecordKey
    record_id: int
    expected_version: int
    fields: RecordFields

    @classmethod
    def of(
        cls, case_id: int, kind: str, record_id: int, body: Any, expected_version: Any
    ) -> ChangeRecord:
        found = kind_of(kind)
        version = require_version(expected_version)
        fields = checked(models_of(kind).changing, body, found.noun, found.field_names)
        return cls(
            case_id=case_id,
            kind=found.key,
            record_id=record_id,
            expected_version=version,
            fields=fields,
        )


class RemoveRecord(Command):
    case_id: int
    kind: RecordKey
    record_id: int
    expected_version: int

    @classmethod
    def of(cls, case_id: int, kind: str, record_id: int, expected_version: Any) -> RemoveRecord:
        key = kind_of(kind).key
        version = require_version(expected_version)
        return cls(case_id=case_id, kind=key, record_id=record_id, expected_version=version)


class SaveTheme(Command):
    """Add a theme (``theme_id`` None) or change one."""

    fields: RecordFields
    theme_id: int | None = None

    @classmethod
    def of(cls, body: Any, theme_id: int | None = None) -> SaveTheme:
        model = ThemeIn if theme_id is None else ThemeChange
        names = tuple(f.name for f in THEME_FIELDS)
        return cls(fields=checked(model, body, "theme", names), theme_id=theme_id)


def require_version(expected_version: Any) -> int:
    if not isinstance(expected_version, int) or isinstance(expected_version, bool):
        raise InvalidInput(
            "Send expected_version, the version of the case you last read, so a change made by "
            "someone else in between is not overwritten."
        )
    return expected_version


def problems(errors: Sequence[ErrorDetails], noun: str, names: Sequence[str]) -> list[str]:
    """One sentence per problem: fields that are not the kind's first, then the kind's own in
    their order."""

    def sentence(e: ErrorDetails) -> str:
        name = ".".join(str(p) for p in e["loc"])
        if e["type"] == "extra_forbidden":
            return f"{name}: not a field of a {noun}; its fields are: {', '.join(names)}"
        if e["type"] == "missing":
            return f"{name}: is required"
        return f"{name}: {e['msg']}" if name else e["msg"]

    unknown = [e for e in errors if e["type"] == "extra_forbidden"]
    return [sentence(e) for e in [*unknown, *(e for e in errors if e not in unknown)]]


def checked(model: type[M], body: Any, noun: str, names: Sequence[str]) -> M:
    """``body`` validated into ``model``; every problem at once as InvalidInput."""
    if not isinstance(body, Mapping):
        raise InvalidInput(f"Send the {noun}'s fields as a JSON object.")
    try:
        return model.model_validate(dict(body))
    except ValidationError as exc:
        raise InvalidInput(
            f"The {noun} was not saved: fix each problem listed.",
            problems(exc.errors(), noun, names),
        ) from None


__all__ = [
    "FIELD_PROBLEM",
    "AddRecord",
    "ChangeRecord",
    "RemoveRecord",
    "SaveTheme",
    "checked",
    "problems",
    "require_version",
]
