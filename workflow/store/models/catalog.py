"""The catalogue: each published, immutable version of a review type."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.store.db import UTCDateTime


def _utc(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class ReviewTypeVersion(SQLModel, table=True):
    """One published, immutable version of a review type's definition."""

    __tablename__ = "review_type_version"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, max_length=80)
    version: int
    name: str = Field(max_length=200)
    source: str = Field(sa_type=Text)
    schema_version: int = 1
    published_at: datetime = _utc()
    published_by: str = Field(max_length=120)
