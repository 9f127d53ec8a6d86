"""The board's register of agencies (names, aliases, parent bodies) and the chair's
confirmations of a lead reviewer's independence despite a near match.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workflow.store.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("folded", sa.String(length=200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", workflow.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", workflow.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("folded"),
    )
    op.create_table(
        "independence_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("agency_name", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=False),
        sa.Column("confirmed_at", workflow.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "organisation", "agency"),
    )
    with op.batch_alter_table("independence_confirmation", schema=None) as b:
        b.create_index(
            b.f("ix_independence_confirmation_case_id"), ["case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("independence_confirmation", schema=None) as b:
        b.drop_index(b.f("ix_independence_confirmation_case_id"))
    op.drop_table("independence_confirmation")
    op.drop_table("agency")
