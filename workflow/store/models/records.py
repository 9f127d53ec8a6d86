"""The review's own records: the people involved, what agencies sent, what was found and the
actions that must make a lasting difference. First-class rows, not free-form JSON, so guards,
pages, reports and access rules can rely on them.

Every record belongs to one case; a change to a record is a change to its case (the case's
version goes up and the audit trail says what changed). Child and family details are kept to the
minimum: no names of children or family members are stored.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.store.db import UTCDateTime


class LeadAppointment(SQLModel, table=True):
    """An appointment of the lead reviewer; the current one has no ``ended_on``."""

    __tablename__ = "lead_appointment"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    name: str = Field(max_length=200)
    organisations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    appointed_on: date
    ended_on: date | None = None
    end_reason: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str = Field(max_length=120)


class PanelMember(SQLModel, table=True):
    __tablename__ = "panel_member"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    name: str = Field(max_length=200)
    agency: str = Field(max_length=200)
    role_title: str = Field(default="", max_length=200)


class Practitioner(SQLModel, table=True):
    """A practitioner of an agency involved, invited to contribute to the review."""

    __tablename__ = "practitioner"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    agency: str = Field(max_length=200)
    role_title: str = Field(max_length=200)
    invited_on: date | None = None
    contributed: bool = False
    learning_event_attended: bool = False


class FamilyMember(SQLModel, table=True):
    """A family member (including surviving children), by relationship only: never a name."""

    __tablename__ = "family_member"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    relationship: str = Field(max_length=120)
    invited_on: date | None = None
    how_explained: str = Field(default="", sa_type=Text)
    contributed: bool = False
    not_involved_reason: str = Field(default="", sa_type=Text)


class Contribution(SQLModel, table=True):
    """A request to an agency for a chronology or report: requested, received or waived."""

    __tablename__ = "contribution"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    agency: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=40)  # chronology | agency_report | other
    requested_on: date
    due_date: date
    status: str = Field(default="requested", max_length=20)  # requested | received | waived
    received_on: date | None = None
    received_by: str = Field(default="", max_length=120)
    waived_reason: str = Field(default="", sa_type=Text)


class Document(SQLModel, table=True):
    """A file kept in the database (size-limited): one an agency sent for a contribution
    (served to the review's people and that agency only), or the review's final report
    (``purpose`` ``final_report``, no contribution; never served to agencies)."""

    __tablename__ = "document"

    id: int | None = Field(default=None, primary_key=True)
    contribution_id: int | None = Field(default=None, foreign_key="contribution.id", index=True)
    purpose: str = Field(
        default="contribution",
        sa_column=Column(String(20), nullable=False, server_default="contribution"),
    )
    case_id: int = Field(foreign_key="case.id", index=True)
    agency: str = Field(max_length=200)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=120)
    size_bytes: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str = Field(max_length=120)
    uploaded_at: datetime = Field(sa_type=UTCDateTime)


class Theme(SQLModel, table=True):
    """The vocabulary of learning themes, kept by administrators."""

    __tablename__ = "theme"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=120)
    # The name with case, accents and spacing ignored (``theme_key``): unique, so two themes
    # that are one ("Équipe", "équipe") cannot both be added, even at the same instant.
    name_key: str = Field(default="", unique=True, max_length=120)
    description: str = Field(default="", sa_type=Text)
    active: bool = True


class Finding(SQLModel, table=True):
    """What happened and why; good practice or a problem."""

    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    number: int
    what_happened: str = Field(sa_type=Text)
    why: str = Field(sa_type=Text)
    kind: str = Field(max_length=20)  # good_practice | problem
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str = Field(max_length=120)


class FindingTheme(SQLModel, table=True):
    __tablename__ = "finding_theme"

    finding_id: int = Field(foreign_key="finding.id", primary_key=True)
    theme_id: int = Field(foreign_key="theme.id", primary_key=True, index=True)


class FindingSource(SQLModel, table=True):
    """The contributions a finding draws on."""

    __tablename__ = "finding_source"

    finding_id: int = Field(foreign_key="finding.id", primary_key=True)
    contribution_id: int = Field(foreign_key="contribution.id", primary_key=True)


class Action(SQLModel, table=True):
    """An action answering a finding: owner agency, due date, measure, evidence."""

    __tablename__ = "action"
    __table_args__ = (Index("ix_action_owner_status", "owner_agency", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    finding_id: int = Field(foreign_key="finding.id", index=True)
    description: str = Field(sa_type=Text)
    owner_agency: str = Field(max_length=200)
    due_date: date
    success_measure: str = Field(default="", sa_type=Text)
    status: str = Field(default="open", max_length=20)  # open | in_progress | done
    completion_evidence: str = Field(default="", sa_type=Text)
    impact_evidence: str = Field(default="", sa_type=Text)
    completed_on: date | None = None


RECORD_TABLES: tuple[Any, ...] = (
    LeadAppointment,
    PanelMember,
    Practitioner,
    FamilyMember,
    Contribution,
    Document,
    Theme,
    Finding,
    FindingTheme,
    FindingSource,
    Action,
)
