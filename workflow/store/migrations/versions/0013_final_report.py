"""A document is an agency's contribution or the review's final report.

- ``document.purpose``: ``contribution`` (every document so far) or ``final_report`` (the
  serious case review's final report, which the chair signs off for the board).
- ``document.contribution_id`` may be empty: a final report answers no contribution.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as b:
        b.add_column(
            sa.Column(
                "purpose",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default="contribution",
            )
        )
        b.alter_column("contribution_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    conn = op.get_bind()
    document = sa.table("document", sa.column("purpose", sa.String))
    conn.execute(document.delete().where(document.c.purpose != "contribution"))
    with op.batch_alter_table("document", schema=None) as b:
        b.alter_column("contribution_id", existing_type=sa.Integer(), nullable=False)
        b.drop_column("purpose")
