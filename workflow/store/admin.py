"""What administrators keep: the drafts of review types, the audit of every admin action, and
the open cases of a version (the ones a migration may move)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from workflow.core.calendar import WorkingCalendar
from workflow.core.engine import CaseSnapshot, Outcome
from workflow.core.guards.registry import Records
from workflow.core.roles import Actor
from workflow.store.cases import apply_outcome, current_deadlines, snapshot
from workflow.store.models.admin import AdminEvent, Draft
from workflow.store.models.cases import Case
from workflow.store.models.time import Deadline

#: The most audit entries one read returns.
MAX_AUDIT = 500


class AdminRepository:
    """Drafts (``review_type_draft``), the admin audit (``admin_event``), and open cases by
    version."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def draft(self, key: str) -> Draft | None:
        return self._session.exec(select(Draft).where(col(Draft.key) == key)).first()

    def save_draft(self, draft: Draft) -> Draft:
        """Write the draft now: its ``version`` rises, and a draft someone else saved since it
        was read fails the unit with a version conflict."""
        self._session.add(draft)
        self._session.flush()
        return draft

    def discard_draft(self, draft: Draft) -> None:
        self._session.delete(draft)

    def record(self, event: AdminEvent) -> None:
        """Append to the administrators' audit (append-only)."""
        self._session.add(event)

    def entries(self, key: str | None = None, limit: int = 100) -> list[AdminEvent]:
        """The audit, newest first (at most ``MAX_AUDIT``), of one review type or of all."""
        query = select(AdminEvent).order_by(col(AdminEvent.id).desc())
        if key:
            query = query.where(col(AdminEvent.key) == key)
        return list(self._session.exec(query.limit(min(limit, MAX_AUDIT))))

    def open_cases(
        self, version_id: int, final_states: Collection[str], ids: Collection[int] | None = None
    ) -> list[Case]:
        """The cases running on that version and not in a final state (only ``ids``, when
        given), oldest first."""
        query = select(Case).where(
            col(Case.definition_id) == version_id, col(Case.state).not_in(list(final_states))
        )
        if ids is not None:
            query = query.where(col(Case.id).in_(list(ids)))
        return list(self._session.exec(query.order_by(col(Case.id))))

    def count_open(self, version_id: int, final_states: Collection[str]) -> int:
        query = (
            select(func.count())
            .select_from(Case)
            .where(
                col(Case.definition_id) == version_id, col(Case.state).not_in(list(final_states))
            )
        )
        return int(self._session.exec(query).one())

    # -- moving a case (until the cases' own repository has these) -------------------------

    def case(self, case_id: int) -> Case | None:
        return self._session.get(Case, case_id)

    def current_deadlines(self, case_id: int) -> list[Deadline]:
        return current_deadlines(self._session, case_id)

    def snapshot(
        self, case: Case, deadlines: Sequence[Deadline], records: Records | None
    ) -> CaseSnapshot:
        """The case as the engine sees it, with its records as the guards read them (shaped by
        the records' service)."""
        return snapshot(case, deadlines, records)

    def save(
        self,
        case: Case,
        outcome: Outcome,
        actor: Actor,
        now: datetime,
        calendar: WorkingCalendar,
        expected_version: int | None,
        deadlines: Sequence[Deadline],
    ) -> None:
        apply_outcome(
            self._session, case, outcome, actor, now, calendar, expected_version, deadlines
        )
