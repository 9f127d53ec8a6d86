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
