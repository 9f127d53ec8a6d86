"""Accounts: users, their API tokens and page sessions (stored as digests, never the secret),
and the sign-in attempts the throttle counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
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
    #: When the user was last disabled (kept after they are enabled again, for the record).
    disabled_at: datetime | None = _utc(default=None, nullable=True)


class ApiToken(SQLModel, table=True):
    """A token works while it is not revoked, not expired, and its user is active."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(unique=True, max_length=128)
    created_at: datetime = _utc()
    #: Written at most once a minute per token (``workflow.services.accounts.tokens``).
    last_used_at: datetime | None = _utc(default=None, nullable=True)
    expires_at: datetime | None = _utc(default=None, nullable=True)
    revoked_at: datetime | None = _utc(default=None, nullable=True)


class UserSession(SQLModel, table=True):
    """A signed-in session of the pages. The cookie carries the secret; the row its digest.
    It ends at sign-out, on disable, after the idle time or the longest lifetime."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    session_hash: str = Field(unique=True, max_length=128)
    #: A fingerprint of the password hash it signed in with: a new password ends it.
    stamp: str = Field(max_length=64)
    created_at: datetime = _utc()
    last_seen_at: datetime = _utc()
    ended_at: datetime | None = _utc(default=None, nullable=True)


class SignInAttempt(SQLModel, table=True):
    """One sign-in through the pages, by the folded name tried and the caller's address."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_name", "name_key", "at"),
        Index("ix_sign_in_attempt_address", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name_key: str = Field(max_length=120)
    address: str = Field(max_length=64)
    at: datetime = _utc(index=True)
    succeeded: bool = False


class CalendarFeed(SQLModel, table=True):
    """A user's secret calendar feed address, kept as a hash (never the secret); replacing the
    row revokes the old address."""

    __tablename__ = "calendar_feed"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", unique=True)
    token_hash: str = Field(unique=True, max_length=128)
    created_at: datetime = _utc()
