"""The demonstration board's people: its agencies, a user for every role, and who reports for
each agency. Demo users carry an ``@demo.invalid`` address (reserved: never a real mailbox),
which is how a run tells its own accounts from real ones."""

from __future__ import annotations

from dataclasses import dataclass

from workflow.core.roles import Actor, Role

POLICE = "Northshire Police"
SOCIAL_CARE = "Northshire Children's Social Care"
HEALTH = "Northshire NHS Trust"
SCHOOL = "Harbour Academy"
AGENCIES = (POLICE, SOCIAL_CARE, HEALTH, SCHOOL)
LEAD_ORGANISATION = "Independent Reviews Ltd"
DEMO_DOMAIN = "demo.invalid"


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: str
    agencies: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        return ".".join(self.name.lower().replace("dr ", "").split()) + f"@{DEMO_DOMAIN}"

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role, self.agencies)


REVIEWER = DemoUser("Sam Patel", Role.REVIEWER.value)
CHAIR = DemoUser("Margaret Ellis", Role.CHAIR.value)
LEAD = DemoUser("Dr Jo Okafor", Role.LEAD_REVIEWER.value)
POLICE_USER = DemoUser("Alex Morgan", Role.AGENCY.value, (POLICE,))
HEALTH_USER = DemoUser("Priya Shah", Role.AGENCY.value, (HEALTH,))
ADMIN_USER = DemoUser("Robin Clarke", Role.ADMIN.value)
USERS = (REVIEWER, CHAIR, LEAD, POLICE_USER, HEALTH_USER, ADMIN_USER)
#: Who takes a step open to a role.
BY_ROLE = {u.role: u for u in (REVIEWER, CHAIR, LEAD)}
#: The agency user who reports for an agency, where the demo has one.
AGENCY_USERS = {POLICE: POLICE_USER, HEALTH: HEALTH_USER}


def reporter(agency: str) -> DemoUser:
    """The agency's own user where the demo has one, else the reviewer records it for them."""
    return AGENCY_USERS.get(agency, REVIEWER)
