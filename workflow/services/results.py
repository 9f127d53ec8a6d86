"""The base of every typed value a service takes or returns.

Services take typed commands and return typed results, never ``dict[str, Any]``: pydantic
models, frozen, that the JSON API uses as its schemas too (APIFlask reads them for validation,
serialisation and the OpenAPI document), so each shape is described once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer

#: An instant as the contract writes it: ISO 8601 with its offset (``2026-12-08T00:00:00+00:00``,
#: as ``datetime.isoformat`` writes it, where pydantic alone would write ``Z``).
Instant = Annotated[
    datetime, PlainSerializer(lambda v: v.isoformat(), return_type=str, when_used="json")
]


class Result(BaseModel):
    """A value a service returns: frozen; unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Transitional, while callers move from ``case["state"]`` to ``case.state`` during the
    # restructure (issue 10); removed when it ends.
    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)


class Command(BaseModel):
    """A request a service carries out, validated once where it enters (the API, a form, the
    command line): frozen; unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")
