"""Time limits: deadlines (the rows the sweep claims), escalations and the notice outbox."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ColumnElement, Index, Integer, Text, and_
from sqlmodel import Field, SQLModel, col

from workflow.core.deadlines import STALL, DeadlineStatus
from workflow.core.record_deadlines import REMINDER_PREFIX
from workflow.store.db import UTCDateTime


class NoticeStatus(StrEnum):
    """Where a notice in the outbox stands."""

    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"
    FAILED = "failed"  # refused for good (no address, a 5xx answer): kept with its reason


def _utc(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class Deadline(SQLModel, table=True):
    """A time limit on a case. The row is the source of truth; the sweep claims it when due."""

    __tablename__ = "deadline"
    __table_args__ = (
        Index("ix_deadline_due", "status", "due_at"),
        Index("ix_deadline_case", "case_id", "name", "current"),
        Index("ix_deadline_open", "status", "current", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    name: str = Field(max_length=80)
    label: str = Field(default="", max_length=200)
    status: str = Field(default=DeadlineStatus.PENDING, max_length=20)
    current: bool = True
    due_date: date
    due_at: datetime = _utc()
    opened_at: datetime = _utc()
    met_at: datetime | None = _utc(default=None, nullable=True)
    met_date: date | None = None
    escalate_to: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    claimed_by: str | None = Field(default=None, max_length=120)
    lease_expires_at: datetime | None = _utc(default=None, nullable=True)
    attempts: int = 0
    fired_at: datetime | None = _utc(default=None, nullable=True)
    lateness_seconds: int | None = Field(default=None, sa_type=Integer)


class Escalation(SQLModel, table=True):
    __tablename__ = "escalation"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    deadline_id: int | None = Field(default=None, foreign_key="deadline.id")
    deadline_name: str = Field(max_length=80)
    reason: str = Field(sa_type=Text)
    to_roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    raised_at: datetime = _utc(index=True)
    acknowledged_by: str | None = Field(default=None, max_length=120)
    acknowledged_at: datetime | None = _utc(default=None, nullable=True)


class Notice(SQLModel, table=True):
    """The outbox: a message to one person, kept until delivered."""

    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_pending", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int | None = Field(default=None, foreign_key="escalation.id")
    recipient: str = Field(max_length=120)
    address: str = Field(default="", max_length=320)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    status: str = Field(default=NoticeStatus.PENDING, max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = _utc()
    claimed_by: str | None = Field(default=None, max_length=120)
    lease_expires_at: datetime | None = _utc(default=None, nullable=True)
    delivered_at: datetime | None = _utc(default=None, nullable=True)
    last_error: str = Field(default="", sa_type=Text)


def a_time_limit() -> ColumnElement[bool]:
    """The deadline is a time limit: not a state's stall clock nor a reminder that a missed
    contribution or action is still unsettled (``reminder:…``), which only escalate."""
    name = col(Deadline.name)
    return and_(name != STALL, ~name.startswith(REMINDER_PREFIX, autoescape=True))
