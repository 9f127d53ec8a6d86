"""Theme names are one theme whatever their case, accents or spacing: a unique key column.

Revision ID: 0011
Revises: 0010
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(name: str) -> str:
    # As workflow.core.record_kinds.theme_key was written at this revision.
    decomposed = unicodedata.normalize("NFKD", name or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def upgrade() -> None:
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "name_key",
                sqlmodel.sql.sqltypes.AutoString(length=120),
                nullable=False,
                server_default="",
            )
        )
    conn = op.get_bind()
    theme = sa.table("theme", sa.column("id", sa.Integer), sa.column("name", sa.String),
                     sa.column("name_key", sa.String))
    seen: set[str] = set()
    for row in conn.execute(sa.select(theme.c.id, theme.c.name).order_by(theme.c.id)):
        key = _key(row.name)
        if key in seen:  # two themes that are one: the later keeps a key of its own
            key = f"{key} #{row.id}"
        seen.add(key)
        conn.execute(theme.update().where(theme.c.id == row.id).values(name_key=key))
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.alter_column("name_key", server_default=None)
        batch_op.create_unique_constraint("uq_theme_name_key", ["name_key"])


def downgrade() -> None:
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_constraint("uq_theme_name_key", type_="unique")
        batch_op.drop_column("name_key")
