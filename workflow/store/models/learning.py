"""Learning and dissemination: the products that carry the lessons of reviews to the agencies
(bulletins, briefings, practitioner forums, events, thematic presentations), each linking one or
more reviews, the themes and findings it draws on, its audiences, and each time it was delivered
with how many it reached.

Products belong to the board, not to one case, so their changes are kept in an audit trail of
their own (``learning_audit``), which the database keeps append-only like the case trail.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

import workflow.store.models.records  # noqa: F401  (the tables products link to)
from workflow.store.db import UTCDateTime


class ProductKind(StrEnum):
    BULLETIN = "bulletin"
    BRIEFING = "briefing"
    PRACTITIONER_FORUM = "practitioner_forum"
    EVENT = "event"
    THEMATIC_PRESENTATION = "thematic_presentation"


class LearningAction(StrEnum):
    """What a learning audit entry records."""

    CREATED = "created"
    DELIVERED = "delivered"


class LearningProduct(SQLModel, table=True):
    __tablename__ = "learning_product"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    title: str = Field(max_length=300)
    summary: str = Field(default="", sa_type=Text)
    # Who it is for: agency names and practitioner roles (e.g. "health visitors").
    audience_agencies: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    audience_roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str = Field(max_length=120)


class LearningProductCase(SQLModel, table=True):
    """A review whose learning the product carries."""

    __tablename__ = "learning_product_case"

    product_id: int = Field(foreign_key="learning_product.id", primary_key=True)
    case_id: int = Field(foreign_key="case.id", primary_key=True, index=True)


class LearningProductTheme(SQLModel, table=True):
    __tablename__ = "learning_product_theme"

    product_id: int = Field(foreign_key="learning_product.id", primary_key=True)
    theme_id: int = Field(foreign_key="theme.id", primary_key=True, index=True)


class LearningProductFinding(SQLModel, table=True):
    """A finding the product draws on (a thematic product: findings of several reviews)."""

    __tablename__ = "learning_product_finding"

    product_id: int = Field(foreign_key="learning_product.id", primary_key=True)
    finding_id: int = Field(foreign_key="finding.id", primary_key=True, index=True)


class LearningDelivery(SQLModel, table=True):
    """One time the product went out: a bulletin sent, a forum or event held."""

    __tablename__ = "learning_delivery"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="learning_product.id", index=True)
    delivered_on: date = Field(index=True)
    reach: int  # how many attended or received it
    agencies_reached: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    note: str = Field(default="", sa_type=Text)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    recorded_by: str = Field(max_length=120)


class LearningAudit(SQLModel, table=True):
    """The append-only trail of changes to learning products."""

    __tablename__ = "learning_audit"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="learning_product.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=120)
    actor_role: str = Field(max_length=40)
    action: str = Field(max_length=40)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
