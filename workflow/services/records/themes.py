"""The themes vocabulary: the learning themes a finding may carry, kept by administrators
(audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workflow.core.errors import AlreadyExists, NotFound
from workflow.core.roles import Actor, Role
from workflow.services import access
from workflow.services.records.commands import SaveTheme
from workflow.services.records.schemas import RecordOut, ThemeOut
from workflow.services.records.shaping import view
from workflow.store.models.admin import AdminEvent
from workflow.store.models.records import Theme

if TYPE_CHECKING:
    from workflow.services.cases import Service


def _out(theme: Theme) -> RecordOut:
    return ThemeOut.model_validate(view("themes", theme))


def list_themes(service: Service, actor: Actor, include_inactive: bool = False) -> list[RecordOut]:
    with service.store.read() as u:
        return [_out(t) for t in u.themes.listed(include_inactive=include_inactive)]


def save_theme(service: Service, actor: Actor, command: SaveTheme) -> RecordOut:
    """Add a theme (``theme_id`` None) or change one; administrators only, audited."""
    access.require_role(actor, {Role.ADMIN.value}, "maintain the themes vocabulary")
    values = command.fields.values()
    now = service.now()
    with service.store.write() as u:
        if command.theme_id is None:
            theme = Theme(**values)
        else:
            found = u.themes.get(command.theme_id)
            if found is None:
                raise NotFound(f"There is no theme {command.theme_id}.")
            theme = found
        if "name" in values:
            clash = u.themes.named(values["name"], other_than=theme.id)
            if clash is not None:
                raise AlreadyExists(
                    f"There is a theme named '{clash.name}' already (theme names are compared "
                    "ignoring case, accents and spacing); choose another name."
                )
        for k, v in values.items():
            setattr(theme, k, v)
        u.themes.save(theme)
        u.themes.audit(
            AdminEvent(
                at=now,
                actor=actor.name,
                action="theme_added" if command.theme_id is None else "theme_changed",
                key="themes",
                detail={"theme": theme.id, "fields": sorted(values)},
            )
        )
        return _out(theme)


__all__ = ["list_themes", "save_theme"]
