"""What publication reads of a case beyond its view: the case row (for the access rule), the
numbers of its findings (the board's response names them); its records, as the guards of the
``publish`` step read them, come from the records' service."""

from __future__ import annotations

from sqlmodel import Session, col, select

from workflow.store.models.cases import Case
from workflow.store.models.records import Finding


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
