"""The people (and the one machine) who act on cases, and who is acting now."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    REVIEWER = "reviewer"
    CHAIR = "chair"
    LEAD_REVIEWER = "lead_reviewer"
    AGENCY = "agency"
    ADMIN = "admin"
    SYSTEM = "system"


#: Roles a user account may hold; ``system`` is the scheduler's alone.
ASSIGNABLE_ROLES: tuple[str, ...] = tuple(r.value for r in Role if r is not Role.SYSTEM)


@dataclass(frozen=True)
class Actor:
    """Who acts: a person's name, their role and (for an agency user) their agencies."""

    name: str
    role: str
    agencies: tuple[str, ...] = ()


#: The scheduler, when it takes a step or escalates: audited like a person.
SYSTEM_ACTOR = Actor("scheduler", Role.SYSTEM.value)


#: Each role as people say it.
ROLE_WORDS = {
    Role.REVIEWER.value: "reviewer",
    Role.CHAIR.value: "chair",
    Role.LEAD_REVIEWER.value: "lead reviewer",
    Role.AGENCY.value: "agency user",
    Role.ADMIN.value: "administrator",
    Role.SYSTEM.value: "scheduler",
}


def role_words(role: str) -> str:
    """``lead reviewer``, ``agency user``: a role as people say it."""
    return ROLE_WORDS.get(role, role.replace("_", " "))


def a_role(role: str) -> str:
    """The role with its article: ``a reviewer``, ``an agency user``, ``an administrator``."""
    words = role_words(role)
    return f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"
