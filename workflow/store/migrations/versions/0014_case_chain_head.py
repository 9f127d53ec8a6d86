"""The case row keeps the hash of its last audit event (``case.last_hash``, the head of its
chain, beside ``last_seq``), so a change links its new events without reading the trail.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as b:
        b.add_column(sa.Column("last_hash", sa.String(length=64), nullable=False, server_default=""))
    # Each case's head: the hash of its event numbered last_seq (none: left empty, and the
    # product then reads the trail, as before).
    op.execute(
        'UPDATE "case" SET last_hash = COALESCE((SELECT e.hash FROM event e '
        'WHERE e.case_id = "case".id AND e.seq = "case".last_seq), \'\')'
    )


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): no rebuild of a table others point at.
    op.drop_column("case", "last_hash")
