"""The people (and the one machine) who act on cases."""

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
