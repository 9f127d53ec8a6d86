"""Accounts: users and their API tokens (stored as hashes, never the token)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from workflow.store.db import UTCDateTime


def _utc(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=120)
    role: str = Field(max_length=40)
    agencies: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    email: str = Field(default="", max_length=320)
    password_hash: str = Field(default="", max_length=300)
    active: bool = True
    created_at: datetime = _utc()


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(unique=True, max_length=128)
    created_at: datetime = _utc()
    last_used_at: datetime | None = _utc(default=None, nullable=True)


class CalendarFeed(SQLModel, table=True):
    """A user's secret calendar feed address, kept as a hash (never the secret); replacing the
    row revokes the old address."""

    __tablename__ = "calendar_feed"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", unique=True)
    token_hash: str = Field(unique=True, max_length=128)
    created_at: datetime = _utc()
