"""The demonstration board's register of agencies: the agencies its cases involve, with other
names and parent bodies, and the lead reviewers' firm; added once (a run again adds nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workflow.core.agencies import fold
from workflow.core.roles import Actor, Role
from workflow.services.agencies.register import SaveAgency, list_agencies, save_agency
from workflow.services.demo.people import HEALTH, LEAD_ORGANISATION, POLICE, SCHOOL, SOCIAL_CARE

if TYPE_CHECKING:
    from workflow.services.cases import Service

COUNCIL = "Northshire County Council"
#: Each entry: its name, other names, and the body it is part of.
ENTRIES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (COUNCIL, ("Northshire Council",), ""),
    (SOCIAL_CARE, ("Children's Social Care",), COUNCIL),
    (POLICE, ("Police",), ""),
    ("Northshire Police Authority", (), ""),
    (HEALTH, ("NHS Trust",), ""),
    (SCHOOL, (), ""),
    (LEAD_ORGANISATION, (), ""),
)
DEMO_ADMIN = Actor("workflow demo", Role.ADMIN.value)


def load_register(service: Service) -> int:
    """Add the entries the register lacks; how many were added."""
    have = {fold(a.name) for a in list_agencies(service, DEMO_ADMIN, include_retired=True).items}
    added = 0
    for name, aliases, parent in ENTRIES:
        if fold(name) in have:
            continue
        save_agency(
            service, DEMO_ADMIN, SaveAgency(name=name, aliases=list(aliases), parent=parent)
        )
        added += 1
    return added


__all__ = ["ENTRIES", "load_register"]
