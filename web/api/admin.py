"""The administrators' JSON API: drafts, previews, versions, export, the guard catalogue,
migration of open cases, and the admin audit trail. Only admins; every change is audited."""

from __future__ import annotations

from typing import Any, cast

from apiflask import APIBlueprint, Schema, fields
from flask import Response, current_app

from web.api.auth import current_actor
from workflow.services.administration import Administration

ADMIN = "Administration"
bp = APIBlueprint("admin", __name__)
RESPONSES: dict[int, str] = {
    401: "Missing or unknown API token",
    403: "Only an administrator may do this",
    404: "No such review type, version or draft",
}


def admin() -> Administration:
    return cast(Administration, current_app.extensions["workflow.admin"])


class Source(Schema):
    source = fields.String(required=True, metadata={"description": "A definition as TOML."})


class DraftIn(Source):
    expected_version = fields.Integer(
        allow_none=True,
        metadata={"description": "The draft version you last read; a newer one answers 409."},
    )


class ProblemOut(Schema):
    key = fields.String()
    line = fields.Integer(allow_none=True)
    message = fields.String()
    text = fields.String()


class ChangeOut(Schema):
    kind = fields.String(metadata={"description": "added, removed or changed"})
    part = fields.String()
    text = fields.String()


class PreviewOut(Schema):
    valid = fields.Boolean()
    problems = fields.List(fields.Nested(ProblemOut))
    diagram = fields.String(allow_none=True, metadata={"description": "Mermaid stateDiagram-v2"})
    changes = fields.List(fields.Nested(ChangeOut), metadata={"description": "Against latest"})


class DraftPreview(PreviewOut):
    """The preview inside a draft (a schema of its own, so the document names each once)."""


class DraftOut(Schema):
    key = fields.String()
    source = fields.String()
    version = fields.Integer(allow_none=True)
    based_on_version = fields.Integer(allow_none=True)
    updated_by = fields.String()
    updated_at = fields.String()
    saved = fields.Boolean()
    preview = fields.Nested(DraftPreview)


class PublishedOut(Schema):
    key = fields.String()
    version = fields.Integer()


class VersionOut(Schema):
    version = fields.Integer()
    published_at = fields.String()
    published_by = fields.String()
    open_cases = fields.Integer()


class ExportQuery(Schema):
    version = fields.Integer(metadata={"description": "Default: the latest version."})


class CaseRef(Schema):
    id = fields.Integer(required=True)
    version = fields.Integer(required=True, metadata={"description": "As seen in the dry run."})


class MigrationIn(Schema):
    from_version = fields.Integer(required=True)
    to_version = fields.Integer(required=True)
    state_map = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        load_default=dict,
        metadata={"description": "Old state -> new state; states not named keep their name."},
    )
    cases = fields.List(
        fields.Nested(CaseRef),
        allow_none=True,
        metadata={"description": "The cases to move (default: every open case of from_version)."},
    )
    dry_run = fields.Boolean(load_default=True)


class CaseMigrationOut(Schema):
    id = fields.Integer()
    reference = fields.String()
    version = fields.Integer()
    from_state = fields.String()
    to_state = fields.String()
    outcome = fields.String(metadata={"description": "planned, migrated or skipped"})
    reason = fields.String()
    blocked = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    deadlines = fields.List(fields.Dict())


class MigrationOut(Schema):
    key = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    dry_run = fields.Boolean()
    cases = fields.List(fields.Nested(CaseMigrationOut))


class AuditQuery(Schema):
    key = fields.String()
    limit = fields.Integer(load_default=100)


class AuditOut(Schema):
    at = fields.String()
    actor = fields.String()
    action = fields.String()
    key = fields.String()
    version = fields.Integer(allow_none=True)
    detail = fields.Dict()


class CatalogueOut(Schema):
    guards = fields.List(fields.Dict())
    roles = fields.List(fields.String())
    duration_units = fields.List(fields.String())
    anchors = fields.List(fields.String())


@bp.get("/admin/catalogue")
@bp.output(CatalogueOut)
@bp.doc(summary="Registered guards and roles", tags=[ADMIN], responses=RESPONSES)
def catalogue() -> dict[str, Any]:
    return admin().catalogue(current_actor())


@bp.get("/admin/audit")
@bp.input(AuditQuery, location="query", arg_name="query")
@bp.output(AuditOut(many=True))
@bp.doc(summary="The admin audit trail, newest first", tags=[ADMIN], responses=RESPONSES)
def audit(query: dict[str, Any]) -> list[dict[str, Any]]:
    return admin().audit(current_actor(), query.get("key"), query["limit"])


@bp.get("/review-types/<key>/versions")
@bp.output(VersionOut(many=True))
@bp.doc(summary="Every version with its open cases", tags=[ADMIN], responses=RESPONSES)
def versions(key: str) -> list[dict[str, Any]]:
    return admin().versions(current_actor(), key)


@bp.get("/review-types/<key>/export")
@bp.input(ExportQuery, location="query", arg_name="query")
@bp.doc(summary="Download a version as its TOML file", tags=[ADMIN], responses=RESPONSES)
def export(key: str, query: dict[str, Any]) -> Response:
    admin().catalogue(current_actor())  # admins only
    source, version = admin().export(key, query.get("version"))
    return Response(
        source,
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{key}.v{version}.toml"'},
    )


@bp.post("/review-types/<key>/preview")
@bp.input(Source, location="json", arg_name="body")
@bp.output(PreviewOut)
@bp.doc(
    summary="Check a definition without saving it",
    description="Every problem with its key and line, the diagram, and the changes against the "
    "latest published version.",
    tags=[ADMIN],
    responses=RESPONSES,
)
def preview(key: str, body: dict[str, Any]) -> dict[str, Any]:
    return admin().preview(current_actor(), key, body["source"])


@bp.get("/review-types/<key>/draft")
@bp.output(DraftOut)
@bp.doc(
    summary="The draft (or the latest version to start one from)", tags=[ADMIN], responses=RESPONSES
)
def get_draft(key: str) -> dict[str, Any]:
    return admin().get_draft(current_actor(), key)


@bp.put("/review-types/<key>/draft")
@bp.input(DraftIn, location="json", arg_name="body")
@bp.output(DraftOut)
@bp.doc(
    summary="Save the draft (kept even with problems)",
    tags=[ADMIN],
    responses={**RESPONSES, 409: "Someone else saved the draft since you read it"},
)
def save_draft(key: str, body: dict[str, Any]) -> dict[str, Any]:
    return admin().save_draft(current_actor(), key, body["source"], body.get("expected_version"))


@bp.delete("/review-types/<key>/draft")
@bp.output({}, status_code=204)
@bp.doc(summary="Discard the draft", tags=[ADMIN], responses=RESPONSES)
def discard_draft(key: str) -> tuple[str, int]:
    admin().discard_draft(current_actor(), key)
    return "", 204


@bp.post("/review-types/<key>/draft/publish")
@bp.output(PublishedOut, status_code=201)
@bp.doc(
    summary="Publish the draft as the next version",
    tags=[ADMIN],
    responses={**RESPONSES, 422: "The draft has problems (one detail each)"},
)
def publish_draft(key: str) -> tuple[dict[str, Any], int]:
    return admin().publish_draft(current_actor(), key), 201


@bp.post("/review-types/<key>/migrations")
@bp.input(MigrationIn, location="json", arg_name="body")
@bp.output(MigrationOut)
@bp.doc(
    summary="Move open cases to another version (dry run by default)",
    description="A dry run shows each case's new state, the steps it would be blocked on, and "
    "every deadline recomputed. Applying (`dry_run: false`, with the `cases` and versions of "
    "the dry run) moves each case in its own transaction; a case changed since is skipped "
    "and reported, never overwritten.",
    tags=[ADMIN],
    responses=RESPONSES,
)
def migrate(key: str, body: dict[str, Any]) -> dict[str, Any]:
    return admin().migrate(
        current_actor(),
        key,
        body["from_version"],
        body["to_version"],
        body["state_map"],
        body.get("cases"),
        body["dry_run"],
    )
