"""The administrators' audit trail: every draft saved or discarded, every publication and
every migration, append-only, read newest first by admins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from workflow.core.roles import Actor, Role
from workflow.services import access
from workflow.services.administration.results import AdminAction, AuditEntry
from workflow.services.cases import Service
from workflow.store.models.admin import AdminEvent
from workflow.store.unit import Unit

#: Who may administer review types.
ADMINS = {Role.ADMIN.value}


def record(
    u: Unit,
    actor: Actor,
    action: AdminAction,
    key: str,
    now: datetime,
    version: int | None = None,
    **detail: Any,
) -> None:
    """Audit an admin action, in the transaction that does it."""
    u.admin.record(
        AdminEvent(at=now, actor=actor.name, action=action, key=key, version=version, detail=detail)
    )


def entries(
    service: Service, actor: Actor, key: str | None = None, limit: int = 100
) -> list[AuditEntry]:
    """The audit, newest first, of one review type (or all), at most ``limit`` (500) entries."""
    access.require_role(actor, ADMINS, "read the admin audit trail")
    with service.store.read() as u:
        return [
            AuditEntry(
                at=e.at,
                actor=e.actor,
                action=e.action,
                key=e.key,
                version=e.version,
                detail=dict(e.detail),
            )
            for e in u.admin.entries(key, limit)
        ]
