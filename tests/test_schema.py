"""The migrations build exactly the tables the models declare, on SQLite and PostgreSQL."""

from alembic import command as command_
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import workflow.store.models
from tests import records_support as rs
from tests.test_publication import put_in_publication
from workflow.core.roles import Actor
from workflow.services import documents
from workflow.services.cases import Service
from workflow.store.schema import alembic_config, is_current, upgrade


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


def test_the_final_report_migration_keeps_every_contributions_document(
    service: Service, reviewer: Actor, chair: Actor
) -> None:
    """0013 (a document is a contribution's or the final report): documents already kept stay
    their contribution's; going back removes only final reports."""
    case_id = put_in_publication(service, reviewer)
    contribution = rs.add(
        service,
        reviewer,
        case_id,
        "contributions",
        agency="Police",
        kind="chronology",
        due_date="2027-01-15",
    )
    command = documents.UploadDocument(
        case_id=case_id,
        contribution_id=contribution["id"],
        filename="chronology.pdf",
        declared_type="application/pdf",
        content=b"%PDF-1.7 chronology",
        expected_version=rs.version(service, case_id),
    )
    documents.upload(service, reviewer, command)
    rs.upload_final_report(service, reviewer, case_id)
    cfg = alembic_config(service.db)
    with service.db.begin() as connection:
        cfg.attributes["connection"] = connection
        command_.downgrade(cfg, "0012")
    with service.db.connect() as conn:
        rows = conn.execute(text("SELECT contribution_id FROM document")).all()
    assert rows == [(contribution["id"],)]
    upgrade(service.db)
    with service.db.connect() as conn:
        rows = conn.execute(text("SELECT contribution_id, purpose FROM document")).all()
    assert rows == [(contribution["id"], "contribution")]
