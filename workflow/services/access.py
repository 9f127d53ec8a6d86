"""Who may see and do what: one rule, used by the API, the pages and the command line."""

from __future__ import annotations

from workflow.core.errors import NotFound, PermissionDenied
from workflow.core.roles import Actor, Role
from workflow.store.models.cases import Case
from workflow.store.visibility import SEE_ALL, case_filter

__all__ = ["EDIT_DATA", "SEE_ALL", "case_filter", "may_see", "require_role", "require_visible"]

EDIT_DATA = {Role.REVIEWER.value, Role.CHAIR.value, Role.LEAD_REVIEWER.value}


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
