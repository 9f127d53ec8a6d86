"""Escalation rows: raising one, finding one to acknowledge, and the pages of those a person
may see (newest first, paged by id)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from workflow.core.roles import Actor, Role
from workflow.store.models.cases import Case
from workflow.store.models.time import Escalation
from workflow.store.visibility import case_filter, own_records_only


class EscalationRepository:
    """Escalations (``escalation``): a missed limit or a stalled case, who was told, who
    acknowledged it."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, escalation: Escalation) -> Escalation:
        """Record the escalation; its id is set on return."""
        self._session.add(escalation)
        self._session.flush()
        return escalation

    def for_update(self, escalation_id: int) -> Escalation | None:
        """The escalation, locked until the unit ends (None when there is none)."""
        return self._session.get(Escalation, escalation_id, with_for_update=True)

    def save(self, escalation: Escalation) -> None:
        self._session.add(escalation)

    def page(
        self, actor: Actor, *, open_only: bool, after: int | None, limit: int
    ) -> list[tuple[Escalation, str]]:
        """Up to ``limit`` escalations on the cases ``actor`` may see, each with its case's
        reference, newest first, with ids below ``after`` when given. An agency user sees no
        other agency's contribution or action."""
        query = select(Escalation, Case.reference).join(Case, col(Case.id) == Escalation.case_id)
        scope = case_filter(actor)
        if scope is not None:
            query = query.where(scope)
        if actor.role == Role.AGENCY.value:
            query = query.where(own_records_only(actor, col(Escalation.deadline_name)))
        if open_only:
            query = query.where(col(Escalation.acknowledged_at).is_(None))
        if after is not None:
            query = query.where(col(Escalation.id) < after)
        query = query.order_by(col(Escalation.id).desc()).limit(limit)
        return [(e, reference) for e, reference in self._session.exec(query)]
