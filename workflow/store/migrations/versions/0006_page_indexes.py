"""Indexes the dashboard needs at 100,000 cases: open deadlines by status, linked cases, leads.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as b:
        b.create_index("ix_case_linked_case_id", ["linked_case_id"], unique=False)
        b.create_index("ix_case_lead_name", ["lead_name"], unique=False)
    with op.batch_alter_table("deadline", schema=None) as b:
        b.create_index("ix_deadline_open", ["status", "current", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as b:
        b.drop_index("ix_deadline_open")
    with op.batch_alter_table("case", schema=None) as b:
        b.drop_index("ix_case_lead_name")
        b.drop_index("ix_case_linked_case_id")
