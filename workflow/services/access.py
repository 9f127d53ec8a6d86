"""Who may see and do what: one rule, used by the API, the pages and the command line."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists
from sqlmodel import col

from workflow.core.errors import NotFound, PermissionDenied
from workflow.core.roles import Actor, Role
from workflow.store.models.cases import Case, CaseAgency

SEE_ALL = {Role.REVIEWER.value, Role.CHAIR.value, Role.ADMIN.value, Role.SYSTEM.value}
EDIT_DATA = {Role.REVIEWER.value, Role.CHAIR.value, Role.LEAD_REVIEWER.value}


def case_filter(actor: Actor) -> Any:
    """A SQL condition selecting the cases the actor may see (None: all of them)."""
    if actor.role in SEE_ALL:
        return None
    if actor.role == Role.AGENCY.value:
        folded = [a.strip().casefold() for a in actor.agencies if a.strip()]
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


def may_see(actor: Actor, case: Case) -> bool:
    if actor.role in SEE_ALL:
        return True
    if actor.role == Role.AGENCY.value:
        mine = {a.strip().casefold() for a in actor.agencies}
        return any(f"|{a}|" in case.agencies for a in mine if a)
    if actor.role == Role.LEAD_REVIEWER.value:
        return case.lead_name == actor.name.strip().casefold()
    return False


def require_visible(actor: Actor, case: Case | None, case_id: int) -> Case:
    # A case the actor may not see is reported as missing, so its existence does not leak.
    if case is None or not may_see(actor, case):
        raise NotFound(f"There is no case {case_id} that you can see.")
    return case


def require_role(actor: Actor, allowed: set[str] | tuple[str, ...], doing: str) -> None:
    if actor.role not in allowed:
        raise PermissionDenied(
            f"A {actor.role} may not {doing}; ask someone with the role "
            f"{' or '.join(sorted(allowed))}."
        )
