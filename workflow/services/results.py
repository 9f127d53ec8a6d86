"""The base of every typed value a service takes or returns.

Services take typed commands and return typed results, never ``dict[str, Any]``: pydantic
models, frozen, that the JSON API uses as its schemas too (APIFlask reads them for validation,
serialisation and the OpenAPI document), so each shape is described once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer


class Result(BaseModel):
    """A value a service returns: frozen; unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Command(BaseModel):
    """A request a service carries out, validated once where it enters (the API, a form, the
    command line): frozen; unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


#: An instant, written in JSON as ``datetime.isoformat()`` does (``2026-11-30T10:00:00+00:00``),
#: the contract's form, rather than pydantic's ``Z`` for UTC.
Instant = Annotated[
    datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json")
]
