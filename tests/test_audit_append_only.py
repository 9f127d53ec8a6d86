"""Nothing can edit or delete the audit trail: the database itself refuses."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from workflow.core.roles import Actor
from workflow.services.cases import Service


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE event SET note = 'rewritten' WHERE case_id = :id",
        "DELETE FROM event WHERE case_id = :id",
        "UPDATE access_log SET actor = 'someone else' WHERE case_id = :id",
        "DELETE FROM access_log WHERE case_id = :id",
    ],
)
def test_the_database_refuses_to_change_the_audit_trail(
    service: Service, reviewer: Actor, statement: str
) -> None:
    case = service.open_case(reviewer, "notifiable_incident", "Child A", {"aware_at": "2026-11-27"})
    service.get_case(reviewer, case.id)  # writes an access-log row
    before = service.events(reviewer, case.id)
    with pytest.raises(DBAPIError, match="append-only"), service.db.begin() as conn:
        conn.execute(text(statement), {"id": case.id})
    assert service.events(reviewer, case.id)[: len(before)] == before
