"""The typed values of the records, made from the kinds of record and the table of field kinds:
for each kind, the fields a person sends when adding one and when changing one, and the record
as it is shown (alone, in a list, and saved with the case's new version). The JSON API uses
these models as its schemas, so each shape is described once, by the table.

A sent field is checked by its kind's ``from_json`` (a problem is a pydantic error of type
``field_problem`` whose message completes ``<field>: <problem>``); a shown field is serialised by
its kind's ``to_json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from types import GenericAlias
from typing import Annotated, Any, cast

from pydantic import (
    BaseModel,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictInt,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from workflow.core.fields import FieldKind, FieldProblem, FieldSpec, from_json, rules_of
from workflow.core.record_kinds import (
    DOCUMENT_FIELDS,
    KINDS,
    THEME_FIELDS,
    RecordKind,
    kind_of,
)
from workflow.services.results import Command, Result

FIELD_PROBLEM = "field_problem"
#: Kinds whose value may be missing (None) in a record as shown.
NULLABLE = frozenset({FieldKind.DATE, FieldKind.NUMBER, FieldKind.AMOUNT, FieldKind.INSTANT})
VERSION_DOC = "The version of the case you last read."
NOT_AN_OBJECT = 'The request body must be a JSON object, e.g. {"key": "value"}.'


class RecordFields(Command):
    """The fields of a kind of record a person sent (only those sent are set)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        if not isinstance(data, Mapping | BaseModel):
            raise PydanticCustomError("not_an_object", "{message}", {"message": NOT_AN_OBJECT})
        return data

    def values(self) -> dict[str, Any]:
        """The fields sent, checked and converted (dates as dates)."""
        return {n: getattr(self, n) for n in self.model_fields_set if n != "expected_version"}


class VersionedFields(RecordFields):
    """The fields of a record as the JSON API takes them: with the version of the case read."""

    expected_version: StrictInt = Field(description=VERSION_DOC)


class RecordOut(Result):
    """A record as shown: its id and the fields of its kind."""

    id: int


class SavedRecord(RecordOut):
    """A record as saved, with the case's version after the change."""

    case_version: int = Field(description="The case's version after the change.")


class RecordList(Result):
    """A case's records of one kind, and the case's version."""

    items: Sequence[RecordOut]
    case_version: int = Field(description="The case's version.")


class Removed(Result):
    removed: int = Field(description="The id of the record removed.")
    case_version: int = Field(description="The case's version after the change.")


def _checked(spec: FieldSpec) -> Any:
    def check(value: Any) -> Any:
        try:
            return from_json(spec, value)
        except FieldProblem as problem:
            raise PydanticCustomError(
                FIELD_PROBLEM, "{problem}", {"problem": str(problem)}
            ) from None

    return check


def sent(spec: FieldSpec) -> Any:
    """The annotation of a field a person sends: checked by the table."""
    return Annotated[
        Any, PlainValidator(_checked(spec)), WithJsonSchema(rules_of(spec).schema(spec))
    ]


def shown(spec: FieldSpec) -> Any:
    """The annotation of a field as shown: its kind's type, serialised by the table."""
    annotation = rules_of(spec).annotation
    if spec.kind in NULLABLE and not spec.required:
        annotation = annotation | None
    schema = {
        k: v for k, v in rules_of(spec).schema(spec).items() if k not in ("maxLength", "enum")
    }
    return Annotated[
        annotation,
        PlainSerializer(rules_of(spec).to_json, when_used="json"),
        WithJsonSchema(schema),
    ]


def title(noun: str) -> str:
    return "".join(part.capitalize() for part in noun.split())


def input_model(
    name: str, specs: Sequence[FieldSpec], *, adding: bool, versioned: bool = True
) -> type[RecordFields]:
    """The fields a person sends: when ``adding``, the required ones must be there."""
    fields: dict[str, Any] = {
        s.name: (sent(s), ... if adding and s.required else None) for s in specs
    }
    return create_model(name, __base__=VersionedFields if versioned else RecordFields, **fields)


def output_fields(specs: Sequence[FieldSpec]) -> dict[str, Any]:
    return {s.name: (shown(s), ...) for s in specs if s.name != "id"}


def _saved(model: type[RecordOut]) -> tuple[type[SavedRecord], ...]:
    """The bases of a record as saved: as shown, with the case's new version."""
    return cast("tuple[type[SavedRecord], ...]", (model, SavedRecord))


def list_of(model: type[BaseModel]) -> Any:
    """``list[model]`` for a model made at run time."""
    return GenericAlias(list, (model,))


DocumentOut: type[RecordOut] = create_model(
    "DocumentOut", __base__=RecordOut, **output_fields(DOCUMENT_FIELDS)
)
DocumentSaved: type[SavedRecord] = create_model("DocumentSaved", __base__=_saved(DocumentOut))
ThemeOut: type[RecordOut] = create_model(
    "ThemeOut", __base__=RecordOut, **output_fields(THEME_FIELDS)
)
ThemeIn = input_model("ThemeIn", THEME_FIELDS, adding=True, versioned=False)
ThemeChange = input_model("ThemeChange", THEME_FIELDS, adding=False, versioned=False)


class RecordModels:
    """The models of one kind of record."""

    def __init__(self, kind: RecordKind) -> None:
        name = title(kind.noun)
        extra: dict[str, Any] = {}
        if kind.key == "contributions":
            extra["documents"] = (list_of(DocumentOut), Field(default_factory=list))
        self.out: type[RecordOut] = create_model(
            f"{name}Out", __base__=RecordOut, **output_fields(kind.shown), **extra
        )
        self.saved: type[SavedRecord] = create_model(f"{name}Saved", __base__=_saved(self.out))
        self.listed: type[RecordList] = create_model(
            f"{name}List", __base__=RecordList, items=(list_of(self.out), ...)
        )
        # What a command carries, and the JSON API's bodies (with the version read).
        self.adding = input_model(f"{name}Fields", kind.fields, adding=True, versioned=False)
        self.changing = input_model(
            f"{name}FieldsChange", kind.fields, adding=False, versioned=False
        )
        self.add_body = input_model(f"{name}In", kind.fields, adding=True)
        self.change_body = input_model(f"{name}Change", kind.fields, adding=False)


@cache
def models_of(key: str) -> RecordModels:
    return RecordModels(kind_of(key))


def record_out(key: str, view: Mapping[str, Any]) -> RecordOut:
    """A record as shown, from its values."""
    return models_of(key).out.model_validate(dict(view))


def record_saved(key: str, view: Mapping[str, Any], case_version: int) -> SavedRecord:
    return models_of(key).saved.model_validate({**view, "case_version": case_version})


def record_list(key: str, items: Sequence[Mapping[str, Any]], case_version: int) -> RecordList:
    return models_of(key).listed.model_validate(
        {"items": [dict(i) for i in items], "case_version": case_version}
    )


for _key in KINDS:
    models_of(_key)

__all__ = [
    "DocumentOut",
    "DocumentSaved",
    "RecordFields",
    "RecordList",
    "RecordModels",
    "RecordOut",
    "Removed",
    "SavedRecord",
    "ThemeChange",
    "ThemeIn",
    "ThemeOut",
    "VersionedFields",
    "list_of",
    "models_of",
    "record_list",
    "record_out",
    "record_saved",
]
