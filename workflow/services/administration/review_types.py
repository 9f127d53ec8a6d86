"""Review types as administrators see them: what a definition can be composed of (the guard
and role catalogue), every published version with its open cases, a version's TOML file, and
its diagram."""

from __future__ import annotations

from workflow.core.errors import NotFound
from workflow.core.guards import REGISTRY
from workflow.core.machine import mermaid
from workflow.core.roles import ASSIGNABLE_ROLES, Actor, Role
from workflow.services import access, catalog
from workflow.services.administration.audit import ADMINS
from workflow.services.administration.results import (
    Catalogue,
    Diagram,
    Export,
    GuardParam,
    GuardView,
    VersionView,
)
from workflow.services.cases import Service

DURATION_UNITS = ("working days", "days", "weeks", "months")
ANCHORS = ("data.<key>", "entered:<state>", "trigger:<trigger>")


def catalogue(actor: Actor) -> Catalogue:
    """The registered guards (with their parameters and what they read) and the roles."""
    access.require_role(actor, ADMINS, "see the guard catalogue")
    guards = [
        GuardView(
            name=g.name,
            doc=" ".join(g.doc.split()),
            params=tuple(
                GuardParam(name=p.name, kind=p.kind, required=p.required, doc=p.doc)
                for p in g.params
            ),
            reads=tuple(g.reads),
        )
        for g in sorted(REGISTRY.guards.values(), key=lambda g: g.name)
    ]
    return Catalogue(
        guards=tuple(guards),
        roles=(*ASSIGNABLE_ROLES, Role.SYSTEM.value),
        duration_units=DURATION_UNITS,
        anchors=ANCHORS,
    )


def versions(service: Service, actor: Actor, key: str) -> list[VersionView]:
    """Every published version of the review type, oldest first, with its open cases."""
    access.require_role(actor, ADMINS, "see review-type versions")
    with service.store.read() as u:
        out = [
            VersionView(
                version=row.version,
                published_at=row.published_at,
                published_by=row.published_by,
                open_cases=u.admin.count_open(
                    row.id or 0, service.definitions.parsed(row).final_states
                ),
            )
            for row in u.catalog.versions_of(key)
        ]
    if not out:
        raise NotFound(f"There is no review type '{key}'.")
    return out


def export(service: Service, actor: Actor, key: str, version: int | None = None) -> Export:
    """A published version (the latest by default) as its TOML file."""
    access.require_role(actor, ADMINS, "export review types")
    with service.store.read() as u:
        row = catalog.row_for(u, key, version)
        return Export(key=row.key, version=row.version, source=row.source)


def diagram(service: Service, key: str, version: int | None = None) -> Diagram:
    """The Mermaid state diagram of a published version (the latest by default)."""
    with service.store.read() as u:
        row = catalog.row_for(u, key, version)
        definition = service.definitions.parsed(row)
    return Diagram(key=key, name=definition.name, version=row.version, mermaid=mermaid(definition))
