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


def test_a_case_that_opened_a_linked_case_before_0015_still_shows_it(
    service: Service, reviewer: Actor, chair: Actor
) -> None:
    """0015 marks each case that opened a linked case (its milestones), since the answer reads
    linked cases only for a case so marked or opened from another."""
    incident = service.open_case(
        reviewer, "serious_incident", "Child S", {"aware_at": "2026-11-26", "agencies": ["Police"]}
    )
    criteria = {
        "abuse_or_neglect": True,
        "child_died": False,
        "seriously_harmed": True,
        "in_area": True,
        "outside_england_resident": False,
        "looked_after_child": False,
    }
    notified = service.transition(
        reviewer, incident.id, "notify", incident.version, data={"criteria": criteria}
    )
    opened = service.transition(chair, incident.id, "start_rapid_review", notified.version)
    (link,) = opened.linked_cases
    with service.db.begin() as conn:  # as the row was before 0015: no mark
        conn.execute(
            text('UPDATE "case" SET milestones = :m WHERE id = :i'),
            {"m": '{"entered:referral": "2026-11-30T10:00:00+00:00"}', "i": incident.id},
        )
        conn.execute(text("UPDATE alembic_version SET version_num = '0014'"))
    assert service.get_case(chair, incident.id).linked_cases == []  # what 0015 repairs
    upgrade(service.db)
    (again,) = service.get_case(chair, incident.id).linked_cases
    assert (again.id, again.relation) == (link.id, "opened")
