"""Who may see and do what: one rule, used by the API, the pages and the command line.

``scope_of`` says which cases a person may see; the store applies that scope both to the
queries that list cases and to a case already loaded (``workflow.store.scope``), so a list
never shows a case that opening it would refuse.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from workflow.core.errors import NotFound, PermissionDenied
from workflow.core.roles import Actor, Role
from workflow.store.models.cases import Case
from workflow.store.scope import Scope

SEE_ALL = {Role.REVIEWER.value, Role.CHAIR.value, Role.ADMIN.value, Role.SYSTEM.value}
EDIT_DATA = {Role.REVIEWER.value, Role.CHAIR.value, Role.LEAD_REVIEWER.value}


def scope_of(actor: Actor) -> Scope:
    """The cases the actor may see: every case; an agency user's, those involving one of their
    agencies; a lead reviewer's, those they lead; anyone else's, none."""
    if actor.role in SEE_ALL:
        return Scope.everything()
    if actor.role == Role.AGENCY.value:
        return Scope.of_agencies(actor.agencies)
    if actor.role == Role.LEAD_REVIEWER.value:
        return Scope.led_by(actor.name)
    return Scope.nothing()


def case_filter(actor: Actor) -> Any:
    """The SQL condition of ``scope_of(actor)`` (None: every case), for the queries not yet in
    the store (the dashboard, escalations)."""
    return scope_of(actor).condition()


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
            f"A {actor.role} may not {doing}; ask someone with the role {' or '.join(roles)}.",
            role=actor.role,
            allowed=roles,
        )
