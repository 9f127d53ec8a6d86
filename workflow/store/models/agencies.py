"""The board's register of agencies and organisations, and the chair's confirmations that a lead
reviewer is independent of an agency whose name or body is near one of theirs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.store.db import UTCDateTime


class Agency(SQLModel, table=True):
    """An agency or organisation the board knows: its name, other names, and the body it is
    part of. Retired entries (``active`` false) are no longer offered or accepted."""

    __tablename__ = "agency"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    folded: str = Field(max_length=200, unique=True)  # the name trimmed and case-folded
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    parent_id: int | None = Field(default=None, foreign_key="agency.id")
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str = Field(max_length=120)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class IndependenceConfirmation(SQLModel, table=True):
    """The chair's recorded judgement that a case's lead reviewer, of ``organisation``, is
    independent of the agency involved ``agency`` although the two names are a near match."""

    __tablename__ = "independence_confirmation"
    __table_args__ = (UniqueConstraint("case_id", "organisation", "agency"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    organisation: str = Field(max_length=200)  # folded
    agency: str = Field(max_length=200)  # folded
    organisation_name: str = Field(max_length=200)
    agency_name: str = Field(max_length=200)
    reason: str = Field(sa_type=Text)
    confirmed_on: date
    confirmed_at: datetime = Field(sa_type=UTCDateTime)
    confirmed_by: str = Field(max_length=120)
