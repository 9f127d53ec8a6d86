"""What administrators keep: drafts of review types and the audit of every admin action."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, Integer, Text
from sqlmodel import Field, SQLModel

from workflow.store.db import UTCDateTime

_draft_version = Column("version", Integer, nullable=False)


class Draft(SQLModel, table=True):
    """The one working draft of a review type, edited until it is published as a new version."""

    __tablename__ = "review_type_draft"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    source: str = Field(sa_type=Text)
    based_on_version: int | None = None
    updated_by: str = Field(max_length=120)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_draft_version)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _draft_version}


class AdminEvent(SQLModel, table=True):
    """Append-only audit of drafts, publications and migrations."""

    __tablename__ = "admin_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=40)
    key: str = Field(max_length=80, index=True)
    version: int | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
