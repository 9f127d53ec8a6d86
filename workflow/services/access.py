"""Who may see and do what: one rule, used by the API, the pages and the command line.

Which cases a person may see is ``workflow.store.visibility.scope_of``: the store applies that
scope both to the queries that list cases and to a case already loaded, so a list never shows a
case that opening it would refuse.
"""

from __future__ import annotations

from collections.abc import Collection

from workflow.core.errors import NotFound, PermissionDenied
from workflow.core.roles import Actor, Role, a_role
from workflow.store.models.cases import Case
from workflow.store.visibility import scope_of

EDIT_DATA = {Role.REVIEWER.value, Role.CHAIR.value, Role.LEAD_REVIEWER.value}


def may_see(actor: Actor, case: Case) -> bool:
    return scope_of(actor).admits(case)


def require_visible(actor: Actor, case: Case | None, case_id: int) -> Case:
    # A case the actor may not see is reported as missing, so its existence does not leak.
    if case is None or not may_see(actor, case):
        raise NotFound(f"There is no case {case_id} that you can see.")
    return case


def require_role(actor: Actor, allowed: Collection[str], doing: str) -> None:
    if actor.role not in allowed:
        roles = sorted(allowed)
        raise PermissionDenied(
            f"{a_role(actor.role).capitalize()} may not "
            f"{doing}; ask someone with the role {' or '.join(roles)}.",
            role=actor.role,
            allowed=roles,
        )


__all__ = [
    "EDIT_DATA",
    "may_see",
    "require_role",
    "require_visible",
    "scope_of",
]
