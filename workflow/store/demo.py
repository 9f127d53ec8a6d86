"""What the demonstration board looks up so that running it again doubles nothing: its own
cases by title, the cases they opened, and the themes already kept. Reads only, and none of
them is a person looking at a case, so nothing here is written to the access log."""

from __future__ import annotations

from sqlmodel import Session, col, select

from workflow.store.models.cases import Case
from workflow.store.models.records import Theme


class DemoRepository:
    """The demo board's look-ups (``workflow.services.demo``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def demo_case(self, review_type: str, title: str) -> Case | None:
        """The oldest case of that type and title marked ``data.demo``."""
        query = (
            select(Case)
            .where(col(Case.review_type) == review_type, col(Case.title) == title)
            .order_by(col(Case.id))
        )
        return next((c for c in self._session.exec(query) if c.data.get("demo") is True), None)

    def case(self, case_id: int) -> Case | None:
        return self._session.get(Case, case_id)

    def opened_by(self, case_id: int) -> list[Case]:
        """The cases a step of this one opened (linked to it), oldest first."""
        query = select(Case).where(col(Case.linked_case_id) == case_id).order_by(col(Case.id))
        return list(self._session.exec(query))

    def theme_names(self) -> set[str]:
        return {t.name for t in self._session.exec(select(Theme))}
