"""The register of agencies as the store keeps it, and the chair's independence confirmations."""

from __future__ import annotations

from sqlmodel import Session, col, select

from workflow.store.models.admin import AdminEvent
from workflow.store.models.agencies import Agency, IndependenceConfirmation


class AgencyRepository:
    """The register's entries and a case's confirmations (rows only)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def listed(self, *, active_only: bool = False) -> list[Agency]:
        query = select(Agency).order_by(col(Agency.folded))
        if active_only:
            query = query.where(col(Agency.active) == True)  # noqa: E712
        return list(self._session.exec(query))

    def get(self, agency_id: int) -> Agency | None:
        return self._session.get(Agency, agency_id)

    def save(self, row: Agency) -> Agency:
        self._session.add(row)
        self._session.flush()
        return row

    def audit(self, event: AdminEvent) -> None:
        self._session.add(event)

    def confirmations(self, case_id: int) -> list[IndependenceConfirmation]:
        query = (
            select(IndependenceConfirmation)
            .where(col(IndependenceConfirmation.case_id) == case_id)
            .order_by(col(IndependenceConfirmation.id))
        )
        return list(self._session.exec(query))

    def confirmation(
        self, case_id: int, organisation: str, agency: str
    ) -> IndependenceConfirmation | None:
        query = select(IndependenceConfirmation).where(
            col(IndependenceConfirmation.case_id) == case_id,
            col(IndependenceConfirmation.organisation) == organisation,
            col(IndependenceConfirmation.agency) == agency,
        )
        return self._session.exec(query).first()

    def confirm(self, row: IndependenceConfirmation) -> IndependenceConfirmation:
        self._session.add(row)
        self._session.flush()
        return row


__all__ = ["AgencyRepository"]
