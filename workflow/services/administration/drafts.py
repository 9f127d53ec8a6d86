"""Drafts of review types: each review type has at most one, edited until it is published as
the next version. A draft is kept even with problems (it is work in progress); previewing
shows every problem with its key and line, the diagram, and the changes against the latest
published version. Saving over a draft someone else saved since you read it is refused.
"""

from __future__ import annotations

import logging

from workflow.core.definition import Definition, load
from workflow.core.definition.compare import compare
from workflow.core.errors import DefinitionError, InvalidInput, NotFound, Problem, VersionConflict
from workflow.core.machine import mermaid
from workflow.core.roles import Actor
from workflow.services import access, catalog
from workflow.services.administration import audit
from workflow.services.administration.audit import ADMINS
from workflow.services.administration.results import (
    AdminAction,
    ChangeKind,
    ChangeView,
    DraftView,
    Preview,
    ProblemView,
    Published,
)
from workflow.services.cases import Service
from workflow.store.models.admin import Draft
from workflow.store.unit import Unit

log = logging.getLogger(__name__)
NEW_TYPE = ChangeView(kind=ChangeKind.ADDED, part="review type", text="a new review type")


def problem_view(p: Problem) -> ProblemView:
    return ProblemView(key=p.key, line=p.line, message=p.message, text=str(p))


def preview(service: Service, actor: Actor, key: str, source: str) -> Preview:
    """Problems (with lines), the diagram and the changes against the latest version."""
    access.require_role(actor, ADMINS, "preview review types")
    name = f"{key} (draft)"
    try:
        draft = load(source, name)
    except DefinitionError as exc:
        problems = tuple(problem_view(p) for p in exc.problems)
        return Preview(valid=False, problems=problems, diagram=None, changes=())
    problems = ()
    if draft.key != key:
        wrong = Problem(name, "key", f"is '{draft.key}' but this draft is of '{key}'", 1)
        problems = (problem_view(wrong),)
    return Preview(
        valid=not problems,
        problems=problems,
        diagram=mermaid(draft),
        changes=_changes(service, key, draft),
    )


def _changes(service: Service, key: str, draft: Definition) -> tuple[ChangeView, ...]:
    with service.store.read() as u:
        row = u.catalog.version(key)
        if row is None:
            return (NEW_TYPE,)
        latest = service.definitions.parsed(row)
    return tuple(
        ChangeView(kind=ChangeKind(c.kind), part=c.part, text=c.text)
        for c in compare(latest, draft)
    )


def get_draft(service: Service, actor: Actor, key: str) -> DraftView:
    """The draft, or the latest version to start one from (``saved`` false)."""
    access.require_role(actor, ADMINS, "edit review types")
    with service.store.read() as u:
        draft = u.admin.draft(key)
        if draft is None:
            row = catalog.row_for(u, key)  # NotFound names the known types
            source, based_on = row.source, row.version
    if draft is not None:
        return _view(service, actor, draft)
    return DraftView(
        key=key,
        source=source,
        version=None,
        based_on_version=based_on,
        saved=False,
        preview=preview(service, actor, key, source),
    )


def save_draft(
    service: Service, actor: Actor, key: str, source: str, expected_version: int | None = None
) -> DraftView:
    """Keep the draft (even with problems); refused when someone else saved it after
    ``expected_version``, the draft version you read."""
    access.require_role(actor, ADMINS, "edit review types")
    if not source.strip():
        raise InvalidInput("Send the draft's TOML text in source.")
    now = service.now()
    with service.store.write() as u:
        draft = u.admin.draft(key)
        if draft is None:
            top = u.catalog.version(key)
            draft = Draft(
                key=key,
                source=source,
                based_on_version=top.version if top else None,
                updated_by=actor.name,
                updated_at=now,
            )
        else:
            if expected_version is not None and draft.version != expected_version:
                raise VersionConflict(
                    f"{draft.updated_by} saved this draft at {draft.updated_at.isoformat()} "
                    "after you opened it; reload it and merge your changes.",
                    current_version=draft.version,
                    expected_version=expected_version,
                )
            draft.source, draft.updated_by, draft.updated_at = source, actor.name, now
        u.admin.save_draft(draft)
        audit.record(u, actor, AdminAction.DRAFT_SAVED, key, now, detail_version=draft.version)
    return _view(service, actor, draft)


def discard_draft(service: Service, actor: Actor, key: str) -> None:
    access.require_role(actor, ADMINS, "edit review types")
    now = service.now()
    with service.store.write() as u:
        draft = _draft(u, key, " to discard")
        u.admin.discard_draft(draft)
        audit.record(u, actor, AdminAction.DRAFT_DISCARDED, key, now)


def publish_draft(service: Service, actor: Actor, key: str) -> Published:
    """Publish the draft as the next version (refused with every problem if it has any); the
    draft is used up. Cases already open keep their version."""
    access.require_role(actor, ADMINS, "publish review types")
    now = service.now()
    with service.store.write() as u:
        draft = _draft(u, key, "; save one first")
        row = catalog.publish(u, draft.source, f"{key} (draft)", actor.name, now, key)
        u.admin.discard_draft(draft)  # catalog.publish audited the publication
    log.info("published %s v%s from a draft by %s", key, row.version, actor.name)
    return Published(key=row.key, version=row.version)


def _draft(u: Unit, key: str, advice: str) -> Draft:
    draft = u.admin.draft(key)
    if draft is None:
        raise NotFound(f"There is no draft of '{key}'{advice}.")
    return draft


def _view(service: Service, actor: Actor, draft: Draft) -> DraftView:
    return DraftView(
        key=draft.key,
        source=draft.source,
        version=draft.version,
        based_on_version=draft.based_on_version,
        updated_by=draft.updated_by,
        updated_at=draft.updated_at,
        saved=True,
        preview=preview(service, actor, draft.key, draft.source),
    )
