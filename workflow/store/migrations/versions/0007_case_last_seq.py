"""The case row keeps the sequence number of its last audit event, so a step numbers its events
under the case's version check instead of reading ``max(seq)`` first.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "case", sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0")
    )
    op.execute(
        'UPDATE "case" SET last_seq = '
        "(SELECT coalesce(max(event.seq), 0) FROM event WHERE event.case_id = \"case\".id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("case", schema=None) as b:
        b.drop_column("last_seq")
