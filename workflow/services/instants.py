"""Instants in results: a ``datetime`` in Python, ISO 8601 with its offset in JSON.

pydantic writes UTC as ``Z``; the product has always answered ``+00:00`` (Python's
``isoformat``), and clients compare and parse those strings, so a result field that is an
instant is typed ``Instant`` and keeps that form.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import PlainSerializer


def _iso(value: datetime) -> str:
    return value.isoformat()


#: An aware ``datetime``; in JSON, ``2026-11-30T10:00:00+00:00``.
Instant = Annotated[datetime, PlainSerializer(_iso, return_type=str, when_used="json")]

__all__ = ["Instant"]
