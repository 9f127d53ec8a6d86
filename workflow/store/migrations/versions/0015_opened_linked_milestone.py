"""A case that opened a linked case says so in its milestones (``opened:linked_case``), so the
answer to a change of any other case reads no linked cases.

Revision ID: 0015
Revises: 0014
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARK = "opened:linked_case"


def upgrade() -> None:
    conn = op.get_bind()
    case = sa.table(
        "case",
        sa.column("id", sa.Integer),
        sa.column("linked_case_id", sa.Integer),
        sa.column("created_at", sa.String),
        sa.column("milestones", sa.JSON),
    )
    child = case.alias("child")
    first_child = (
        sa.select(sa.func.min(child.c.created_at))
        .where(child.c.linked_case_id == case.c.id)
        .scalar_subquery()
    )
    parents = sa.select(case.c.id, case.c.milestones, first_child).where(
        sa.exists().where(child.c.linked_case_id == case.c.id)
    )
    for case_id, milestones, opened_at in conn.execute(parents).all():
        marks = dict(json.loads(milestones) if isinstance(milestones, str) else milestones or {})
        marks.setdefault(MARK, str(opened_at))
        conn.execute(case.update().where(case.c.id == case_id).values(milestones=marks))


def downgrade() -> None:
    """The mark is harmless to an older version; it stays."""
