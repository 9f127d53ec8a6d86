"""The case aggregate: the case row, its agencies, its audit trail and who read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.store.db import UTCDateTime


def _utc(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


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
    # The seq of its last audit event: the next events are numbered from it under the version
    # check of the row, so no ``max(seq)`` is read before appending.
    last_seq: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # The hash of that event (the head of the case's audit chain): the next events are linked
    # to it without reading the trail. Written in the same transaction as the events.
    last_hash: str = Field(
        default="", sa_column=Column(String(64), nullable=False, server_default="")
    )

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
    # The case's hash chain (``workflow.core.audit_chain``): this entry's content and the hash
    # of the event before it.
    hash: str = Field(default="", max_length=64)


class AccessLog(SQLModel, table=True):
    """Every read of a case, by whom and how: case data is about children. One hash chain for
    the whole log, in ``seq`` order."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_seq", "seq", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    seq: int
    case_id: int = Field(foreign_key="case.id", index=True)
    at: datetime = _utc()
    actor: str = Field(max_length=120)
    action: str = Field(max_length=40)
    hash: str = Field(default="", max_length=64)


class AuditHead(SQLModel, table=True):
    """The last entry of a chain that has one head for all (the access log): its position and
    hash, so entries cut off the end are noticed, and a row to lock so entries are linked one
    after another."""

    __tablename__ = "audit_head"

    chain: str = Field(primary_key=True, max_length=40)
    seq: int = 0
    hash: str = Field(max_length=64)
