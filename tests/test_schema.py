"""The migrations build exactly the tables the models declare, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import workflow.store.models
from workflow.store.schema import is_current, upgrade


def test_migrations_match_the_models(empty_db: Engine) -> None:
    db = empty_db
    upgrade(db)
    assert workflow.store.models.cases.Case.__tablename__ in SQLModel.metadata.tables
    with db.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_upgrade_is_idempotent_and_at_head(db: Engine) -> None:
    upgrade(db)
    assert is_current(db)
