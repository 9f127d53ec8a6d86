"""Accounts that can be stopped: token expiry and revocation, disabled users, server-side page
sessions, and sign-in attempts counted in the database.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import workflow.store.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, workflow.store.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as b:
        b.add_column(_instant("disabled_at", True))
    with op.batch_alter_table("api_token", schema=None) as b:
        b.add_column(_instant("expires_at", True))
        b.add_column(_instant("revoked_at", True))
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_hash", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("stamp", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        _instant("created_at", False),
        _instant("last_seen_at", False),
        _instant("ended_at", True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_hash"),
    )
    with op.batch_alter_table("user_session", schema=None) as b:
        b.create_index(b.f("ix_user_session_user_id"), ["user_id"], unique=False)
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        _instant("at", False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_attempt", schema=None) as b:
        b.create_index(b.f("ix_sign_in_attempt_at"), ["at"], unique=False)
        b.create_index("ix_sign_in_attempt_name", ["name_key", "at"], unique=False)
        b.create_index("ix_sign_in_attempt_address", ["address", "at"], unique=False)


def downgrade() -> None:
    op.drop_table("sign_in_attempt")
    op.drop_table("user_session")
    with op.batch_alter_table("api_token", schema=None) as b:
        b.drop_column("revoked_at")
        b.drop_column("expires_at")
    with op.batch_alter_table("user_account", schema=None) as b:
        b.drop_column("disabled_at")
