"""The audit trail is tamper-evident and cannot be rewritten by the back door.

- Every event and access-log entry carries a hash of its content and of the entry before it in
  its chain (``workflow.core.audit_chain``): the entries already there are linked here.
- SQLite: ``INSERT OR REPLACE`` deleted the conflicting row without firing the DELETE trigger;
  a BEFORE INSERT trigger now refuses any insert over an existing entry (same id, or same
  place in its chain).
- PostgreSQL: row triggers do not see TRUNCATE; a statement trigger now refuses it.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from workflow.core.audit_chain import ACCESS_FIELDS, EVENT_FIELDS, GENESIS, entry_hash
from workflow.store.db import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("event", "access_log")
REPLACE_WHEN = {
    "event": "id = NEW.id OR (case_id = NEW.case_id AND seq = NEW.seq)",
    "access_log": "id = NEW.id OR seq = NEW.seq",
}


def _columns() -> None:
    with op.batch_alter_table("event", schema=None) as b:
        b.add_column(
            sa.Column(
                "hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                server_default="",
            )
        )
    with op.batch_alter_table("access_log", schema=None) as b:
        b.add_column(sa.Column("seq", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(
            sa.Column(
                "hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                server_default="",
            )
        )
    op.create_table(
        "audit_head",
        sa.Column("chain", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain"),
    )


def _table(name: str, fields: Sequence[str]) -> sa.TableClause:
    types = {"at": UTCDateTime(), "detail": sa.JSON(), "case_id": sa.Integer(), "seq": sa.Integer()}
    cols = [sa.column(f, types.get(f, sa.String())) for f in ("id", *fields, "hash")]
    return sa.table(name, *cols)


def _link_existing() -> None:
    """Link the entries already there, in chain order (the UPDATE triggers are off meanwhile)."""
    conn = op.get_bind()
    event = _table("event", EVENT_FIELDS)
    previous, case = GENESIS, None
    for row in conn.execute(sa.select(event).order_by(event.c.case_id, event.c.seq)).mappings():
        if row["case_id"] != case:
            previous, case = GENESIS, row["case_id"]
        previous = entry_hash(previous, row, EVENT_FIELDS)
        conn.execute(event.update().where(event.c.id == row["id"]).values(hash=previous))
    access = _table("access_log", ACCESS_FIELDS)
    previous, seq = GENESIS, 0
    for row in conn.execute(sa.select(access).order_by(access.c.id)).mappings():
        seq += 1
        previous = entry_hash(previous, {**row, "seq": seq}, ACCESS_FIELDS)
        conn.execute(access.update().where(access.c.id == row["id"]).values(seq=seq, hash=previous))
    head = sa.table("audit_head", sa.column("chain"), sa.column("seq"), sa.column("hash"))
    conn.execute(head.insert().values(chain="access_log", seq=seq, hash=previous))


def _sqlite_update_triggers(create: bool) -> None:
    for table in TABLES:
        if create:
            op.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on "
                f"{table} refused'); END"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _columns()
    if dialect == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        _link_existing()
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change()"
            )
    else:
        _sqlite_update_triggers(create=False)
        _link_existing()
        _sqlite_update_triggers(create=True)
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {REPLACE_WHEN[table]}) "
                f"BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: INSERT over an "
                f"existing entry of {table} refused'); END"
            )
    op.create_index("ix_access_log_seq", "access_log", ["seq"], unique=True)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_index("ix_access_log_seq", table_name="access_log")
    for table in TABLES:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
    op.drop_table("audit_head")
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch rebuild would lose the triggers.
    op.drop_column("access_log", "hash")
    op.drop_column("access_log", "seq")
    op.drop_column("event", "hash")
