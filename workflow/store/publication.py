"""What publication reads of a case beyond its view: the case row (for the access rule), the
numbers of its findings (the board's response names them) and its records (the guards of the
``publish`` step read them)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from workflow.store.models.cases import Case
from workflow.store.models.records import Finding
from workflow.store.records import load_records


class PublicationRepository:
    """Reads for the publication of a case's report."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def case(self, case_id: int) -> Case | None:
        return self._session.get(Case, case_id)

    def finding_numbers(self, case_id: int) -> set[int]:
        """The numbers of the case's findings."""
        query = select(Finding.number).where(col(Finding.case_id) == case_id)
        return set(self._session.exec(query))

    def records(self, case_id: int) -> dict[str, list[dict[str, Any]]]:
        """The case's records as the guards read them."""
        return load_records(self._session, case_id)
