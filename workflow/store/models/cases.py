"""The stored things: review-type versions, cases, the audit trail, deadlines, escalations,
notices, users and API tokens. Every row that is stored carries what it needs to be read back
exactly (UTC instants, JSON data, the schema version of its definition).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, Index, Integer, Text, UniqueConstraint
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


_case_version = Column("version", Integer, nullable=False)


class Case(SQLModel, table=True):
    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_type_state", "review_type", "state"),
        Index("ix_case_linked_case_id", "linked_case_id"),
        Index("ix_case_lead_name", "lead_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=40)
    review_type: str = Field(max_length=80)
    definition_id: int = Field(foreign_key="review_type_version.id")
    definition_version: int
    state: str = Field(max_length=80)
    version: int = Field(default=1, sa_column=_case_version)
    title: str = Field(max_length=300)
    # JSON columns are always reassigned whole (never mutated in place), so changes are saved.
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    milestones: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    agencies: str = Field(default="", max_length=2000)  # "|a|b|" folded, for display and checks
    lead_name: str = Field(default="", max_length=200)  # folded, so a lead sees their cases
    created_at: datetime = _utc()
    updated_at: datetime = _utc(index=True)
    created_by: str = Field(max_length=120)
    linked_case_id: int | None = Field(default=None, foreign_key="case.id")

    # Optimistic concurrency: a stale write raises StaleDataError instead of overwriting.
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _case_version}


class CaseAgency(SQLModel, table=True):
    """The agencies involved in a case, folded, so an agency user's cases are an indexed look-up."""

    __tablename__ = "case_agency"

    case_id: int = Field(foreign_key="case.id", primary_key=True)
    agency: str = Field(primary_key=True, max_length=200, index=True)


class Event(SQLModel, table=True):
    """The append-only audit trail of a case."""

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    seq: int
    at: datetime = _utc()
    actor: str = Field(max_length=120)
    actor_role: str = Field(max_length=40)
    kind: str = Field(max_length=40)
    trigger: str | None = Field(default=None, max_length=80)
    from_state: str | None = Field(default=None, max_length=80)
    to_state: str | None = Field(default=None, max_length=80)
    note: str = Field(default="", sa_type=Text)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AccessLog(SQLModel, table=True):
    """Every read of a case, by whom and how: case data is about children."""

    __tablename__ = "access_log"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    at: datetime = _utc()
    actor: str = Field(max_length=120)
    action: str = Field(max_length=40)


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
    status: str = Field(default="pending", max_length=20)
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
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = _utc()
    claimed_by: str | None = Field(default=None, max_length=120)
    lease_expires_at: datetime | None = _utc(default=None, nullable=True)
    delivered_at: datetime | None = _utc(default=None, nullable=True)
    last_error: str = Field(default="", sa_type=Text)


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
