"""Keyset paging, the one way every list of the product is paged.

A list is read newest first and cut into pages by a key that only grows (a row id): the caller
asks for ``limit`` items and, for the next page, sends back the ``next_after`` of the page it
has as ``after``. Rows added while someone pages never shift or repeat a page, and a page costs
the same however deep it is (no OFFSET).

- ``PageQuery`` is the query string (``limit``, ``after``), validated where it enters; the
  query of a list adds its filters by deriving from it (``QueryString`` is the base of every
  query string: unknown parameters are ignored).
- ``Window`` is the page to read; the store reads ``window.fetch`` rows (one more than the page,
  which tells there is a next one) keyed below ``window.after``.
- ``Page`` is what a service answers: ``items`` and ``next_after`` (None on the last page);
  ``cut`` makes one from the rows read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from workflow.services.results import Command, Result

#: The most items one page may hold, whatever the caller asks for.
MAX_PAGE = 200

ItemT = TypeVar("ItemT")
RowT = TypeVar("RowT")


def _within(low: int, high: int | None) -> AfterValidator:
    """A bound on an optional integer, refused with one sentence naming both ends."""
    if high is None:
        sentence, context = "Must be greater than or equal to {low}.", {"low": low}
    else:
        sentence = "Must be greater than or equal to {low} and less than or equal to {high}."
        context = {"low": low, "high": high}

    def check(value: int | None) -> int | None:
        if value is not None and (value < low or (high is not None and value > high)):
            raise PydanticCustomError("out_of_range", sentence, context)
        return value

    return AfterValidator(check)


def _integer(low: int, high: int | None = None) -> dict[str, object]:
    # A query parameter is never null: the document shows a plain bounded integer.
    schema: dict[str, object] = {"type": "integer", "minimum": low}
    if high is not None:
        schema["maximum"] = high
    return schema


#: An optional whole number of 1 or more, as a query parameter.
Positive = Annotated[int | None, _within(1, None), WithJsonSchema(_integer(1))]
#: ``limit``: items per page, 1 to MAX_PAGE (None: the configured page size).
Limit = Annotated[int | None, _within(1, MAX_PAGE), WithJsonSchema(_integer(1, MAX_PAGE))]
#: ``after``: the ``next_after`` of the page before (None: the first page).
After = Positive


class QueryString(Command):
    """A command read from a query string. Unknown parameters are ignored, as they always
    were: browsers, proxies and scripts add their own."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class PageQuery(QueryString):
    """The paging part of a list's query string."""

    limit: Limit = Field(
        None, description=f"Items per page, 1 to {MAX_PAGE}; defaults to the configured page_size."
    )
    after: After = Field(
        None,
        description="The next_after value of the previous page; leave it out for the first.",
    )


@dataclass(frozen=True)
class Window:
    """One page to read: at most ``limit`` items keyed below ``after`` (None: the newest)."""

    limit: int
    after: int | None = None

    @property
    def fetch(self) -> int:
        """Rows to read: one more than the page, which tells there is a next page."""
        return self.limit + 1


def window(limit: int | None, after: int | None, default: int, maximum: int = MAX_PAGE) -> Window:
    """The page asked for: ``limit`` (``default`` when None) kept within 1 and ``maximum``."""
    return Window(min(max(limit or default, 1), maximum), after)


class Page(Result, Generic[ItemT]):
    """One page of a list, newest first."""

    items: list[ItemT]
    next_after: int | None = Field(
        description=(
            "Pass it as the query parameter after to get the next page; null on the last page."
        )
    )


def cut(
    rows: Sequence[RowT], page: Window, key: Callable[[RowT], int | None]
) -> tuple[list[RowT], int | None]:
    """The rows of the page (read with ``page.fetch``) and the ``next_after`` of the next page
    (None when these were the last)."""
    kept = list(rows[: page.limit])
    more = len(rows) > page.limit and bool(kept)
    return kept, (key(kept[-1]) if more else None)


__all__ = [
    "MAX_PAGE",
    "After",
    "Limit",
    "Page",
    "PageQuery",
    "Positive",
    "QueryString",
    "Window",
    "cut",
    "window",
]
