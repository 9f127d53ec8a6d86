"""Who may see what, as SQL conditions: the one access rule (``workflow.services.access``)
written for queries, so a list holds only the cases, and the records' deadlines, a person may
see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, exists, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from workflow.core.record_deadlines import ACTION, CONTRIBUTION
from workflow.core.roles import Actor, Role
from workflow.store.models.cases import Case, CaseAgency
from workflow.store.models.records import Action, Contribution

#: The roles that see every case.
SEE_ALL = frozenset({Role.REVIEWER.value, Role.CHAIR.value, Role.ADMIN.value, Role.SYSTEM.value})


def _folded(agencies: tuple[str, ...] | list[str]) -> list[str]:
    return [a.strip().casefold() for a in agencies if a.strip()]


def case_filter(actor: Actor) -> Any:
    """A SQL condition selecting the cases the actor may see (None: all of them)."""
    if actor.role in SEE_ALL:
        return None
    if actor.role == Role.AGENCY.value:
        folded = _folded(actor.agencies)
        if not folded:
            return col(Case.id) < 0
        # Correlated EXISTS: the database checks each case it meets, instead of first listing
        # every case of the agency (measured: the dashboard at 100,000 cases, bench_pages.py).
        return exists().where(
            col(CaseAgency.case_id) == col(Case.id), col(CaseAgency.agency).in_(folded)
        )
    if actor.role == Role.LEAD_REVIEWER.value:
        return col(Case.lead_name) == actor.name.strip().casefold()
    return col(Case.id) < 0


def own_records_only(actor: Actor, name: Any) -> ColumnElement[bool]:
    """A SQL condition on a deadline's name (``name``, a column of deadlines or escalations):
    for an agency user, not another agency's contribution or action (the case's own time limits
    are theirs to see)."""
    mine = _folded(actor.agencies)

    def names(prefix: str, model: Any, agency: Any) -> Any:
        return select(literal(f"{prefix}:").concat(cast(model.id, String))).where(
            func.lower(func.trim(agency)).in_(mine)
        )

    return or_(
        ~or_(name.like(f"{ACTION}:%"), name.like(f"{CONTRIBUTION}:%")),
        name.in_(names(ACTION, Action, Action.owner_agency)),
        name.in_(names(CONTRIBUTION, Contribution, Contribution.agency)),
    )
