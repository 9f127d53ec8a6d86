"""The administrators' JSON API: drafts, previews, versions, export, the guard catalogue,
migration of open cases, and the admin audit trail. Only admins; every change is audited.

The bodies and answers are the service's own typed values
(``workflow.services.administration.results``)."""

from __future__ import annotations

from typing import Any, cast

from apiflask import APIBlueprint
from flask import Response, current_app
from pydantic import Field

from web.api.auth import current_actor
from workflow.services.administration import audit, drafts, migration, review_types
from workflow.services.administration.results import (
    AuditEntry,
    Catalogue,
    DraftView,
    Migration,
    MigrationPlan,
    Preview,
    Published,
    VersionView,
)
from workflow.services.cases import Service
from workflow.services.results import Command

ADMIN = "Administration"
# APIFlask reads ``list[Model]`` as a list of that model (its type hints name a model alone).
AUDIT_TRAIL: Any = list[AuditEntry]
VERSIONS: Any = list[VersionView]
bp = APIBlueprint("admin", __name__)
RESPONSES: dict[int, str] = {
    401: "Missing or unknown API token",
    403: "Only an administrator may do this",
    404: "No such review type, version or draft",
}


class Source(Command):
    source: str = Field(description="A definition as TOML.")


class DraftIn(Source):
    expected_version: int | None = Field(
        default=None, description="The draft version you last read; a newer one answers 409."
    )


class ExportQuery(Command):
    version: int | None = Field(default=None, description="Default: the latest version.")


class AuditQuery(Command):
    key: str | None = None
    limit: int = Field(default=100, ge=1)


def service() -> Service:
    return cast(Service, current_app.extensions["workflow.service"])


@bp.get("/admin/catalogue")
@bp.output(Catalogue)
@bp.doc(summary="Registered guards and roles", tags=[ADMIN], responses=RESPONSES)
def catalogue() -> Catalogue:
    return review_types.catalogue(current_actor())


@bp.get("/admin/audit")
@bp.input(AuditQuery, location="query", arg_name="query")
@bp.output(AUDIT_TRAIL)
@bp.doc(summary="The admin audit trail, newest first", tags=[ADMIN], responses=RESPONSES)
def audit_trail(query: AuditQuery) -> list[AuditEntry]:
    return audit.entries(service(), current_actor(), query.key, query.limit)


@bp.get("/review-types/<key>/versions")
@bp.output(VERSIONS)
@bp.doc(summary="Every version with its open cases", tags=[ADMIN], responses=RESPONSES)
def versions(key: str) -> list[VersionView]:
    return review_types.versions(service(), current_actor(), key)


@bp.get("/review-types/<key>/export")
@bp.input(ExportQuery, location="query", arg_name="query")
@bp.doc(summary="Download a version as its TOML file", tags=[ADMIN], responses=RESPONSES)
def export(key: str, query: ExportQuery) -> Response:
    found = review_types.export(service(), current_actor(), key, query.version)
    return Response(
        found.source,
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{key}.v{found.version}.toml"'},
    )


@bp.post("/review-types/<key>/preview")
@bp.input(Source, location="json", arg_name="body")
@bp.output(Preview)
@bp.doc(
    summary="Check a definition without saving it",
    description="Every problem with its key and line, the diagram, and the changes against the "
    "latest published version.",
    tags=[ADMIN],
    responses=RESPONSES,
)
def preview(key: str, body: Source) -> Preview:
    return drafts.preview(service(), current_actor(), key, body.source)


@bp.get("/review-types/<key>/draft")
@bp.output(DraftView)
@bp.doc(
    summary="The draft (or the latest version to start one from)", tags=[ADMIN], responses=RESPONSES
)
def get_draft(key: str) -> DraftView:
    return drafts.get_draft(service(), current_actor(), key)


@bp.put("/review-types/<key>/draft")
@bp.input(DraftIn, location="json", arg_name="body")
@bp.output(DraftView)
@bp.doc(
    summary="Save the draft (kept even with problems)",
    tags=[ADMIN],
    responses={**RESPONSES, 409: "Someone else saved the draft since you read it"},
)
def save_draft(key: str, body: DraftIn) -> DraftView:
    return drafts.save_draft(service(), current_actor(), key, body.source, body.expected_version)


@bp.delete("/review-types/<key>/draft")
@bp.output({}, status_code=204)
@bp.doc(summary="Discard the draft", tags=[ADMIN], responses=RESPONSES)
def discard_draft(key: str) -> tuple[str, int]:
    drafts.discard_draft(service(), current_actor(), key)
    return "", 204


@bp.post("/review-types/<key>/draft/publish")
@bp.output(Published, status_code=201)
@bp.doc(
    summary="Publish the draft as the next version",
    tags=[ADMIN],
    responses={**RESPONSES, 422: "The draft has problems (one detail each)"},
)
def publish_draft(key: str) -> tuple[Published, int]:
    return drafts.publish_draft(service(), current_actor(), key), 201


@bp.post("/review-types/<key>/migrations")
@bp.input(MigrationPlan, location="json", arg_name="body")
@bp.output(Migration)
@bp.doc(
    summary="Move open cases to another version (dry run by default)",
    description="A dry run shows each case's new state, the steps it would be blocked on, and "
    "every deadline recomputed. Applying (`dry_run: false`, with the `cases` and versions of "
    "the dry run) moves each case in its own transaction; a case changed since is skipped "
    "and reported, never overwritten.",
    tags=[ADMIN],
    responses=RESPONSES,
)
def migrate(key: str, body: MigrationPlan) -> Migration:
    return migration.migrate(service(), current_actor(), key, body)
