"""The JSON API of the review's records under /api/v1/cases/{id}/…: lead reviewer appointments,
panel members, practitioners, family members, agency contributions (with their documents),
findings and actions; the action plan's progress; and the themes vocabulary.

Every change to a record is a change to its case: send the case's ``expected_version``; the
answer carries the case's new ``case_version``. Views only translate HTTP to the use cases in
``workflow.records`` and ``workflow.documents``.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import quote

from apiflask import APIBlueprint, HTTPError, Schema, fields, validators
from flask import Response, current_app, request

from web.api.auth import current_actor, current_service
from web.api.root import takes_form
from workflow.services import documents, records
from workflow.services.record_kinds import KINDS, FieldSpec, RecordKind
from workflow.services.views import RECORD_FIELDS

RECORDS = "Records"
DOCUMENTS = "Documents"
THEMES = "Themes"

bp = APIBlueprint("records", __name__)

RESPONSES: dict[int, str] = {
    401: "Missing or unknown API token",
    403: "Your role may not do this (agency users: only their agency's contributions and actions)",
    404: "No such case or record, or not one you may see",
}
CHANGE_RESPONSES: dict[int, str] = {
    **RESPONSES,
    409: "The case changed since you read it (version_conflict)",
    413: "The body is larger than the configured size",
}
UPLOAD_ENDPOINT = "api.records.upload_document"


def _documents_limit() -> int:
    settings = current_app.extensions.get("workflow.settings")
    return int(getattr(settings, "max_document_bytes", documents.DEFAULT_MAX_DOCUMENT_BYTES))


@bp.before_request
def allow_documents() -> None:
    """An upload may be larger than other bodies: up to the document limit (plus the form)."""
    if request.endpoint == UPLOAD_ENDPOINT:
        request.max_content_length = _documents_limit() + 64 * 1024


# -- schemas, made from the record kinds ---------------------------------------------------------


def _schema(spec: dict[str, Any], name: str) -> type[Schema]:
    """A schema class made from fields (named, so the OpenAPI document lists it once)."""
    return cast("type[Schema]", Schema.from_dict(spec, name=name))


def _input_field(spec: FieldSpec, adding: bool) -> Any:
    required = adding and spec.required
    meta = {"description": spec.doc} if spec.doc else {}
    none = not spec.required
    if spec.kind == "date":
        return fields.Date(required=required, allow_none=none, metadata=meta)
    if spec.kind == "bool":
        return fields.Boolean(required=required, metadata=meta)
    if spec.kind == "names":
        return fields.List(fields.String(), required=required, metadata=meta)
    if spec.kind == "ids":
        return fields.List(fields.Integer(strict=True), required=required, metadata=meta)
    if spec.kind == "number":
        return fields.Integer(
            required=required,
            strict=True,
            allow_none=none,
            validate=validators.Range(min=1),
            metadata=meta,
        )
    if spec.kind == "choice":
        return fields.String(
            required=required,
            validate=validators.OneOf(spec.choices),
            metadata={**meta, "enum": list(spec.choices)},
        )
    length = validators.Length(max=spec.max_length) if spec.max_length else None
    return fields.String(required=required, allow_none=none, validate=length, metadata=meta)


def _title(kind: RecordKind) -> str:
    return "".join(part.capitalize() for part in kind.noun.split())


VERSION = {"description": "The version of the case you last read."}


def _input_schema(kind: RecordKind, adding: bool) -> type[Schema]:
    spec = {f.name: _input_field(f, adding) for f in kind.fields}
    spec["expected_version"] = fields.Integer(required=True, strict=True, metadata=VERSION)
    name = f"{_title(kind)}{'In' if adding else 'Change'}"
    return _schema(spec, name=name)


_OUT_TYPES: dict[str, Any] = {
    "id": lambda: fields.Integer(),
    "number": lambda: fields.Integer(),
    "finding": lambda: fields.Integer(
        allow_none=True, metadata={"description": "The finding's number."}
    ),
    "finding_id": lambda: fields.Integer(),
    "organisations": lambda: fields.List(fields.String()),
    "themes": lambda: fields.List(fields.String()),
    "sources": lambda: fields.List(fields.Integer()),
    "contributed": lambda: fields.Boolean(),
    "learning_event_attended": lambda: fields.Boolean(),
    "current": lambda: fields.Boolean(),
}
_EXTRA = {
    "lead_appointments": ("current",),
    "practitioners": ("number",),
    "family_members": ("number",),
    "findings": ("themes", "sources"),
    "actions": ("number", "finding"),
}


class DocumentOut(Schema):
    id = fields.Integer()
    contribution_id = fields.Integer()
    agency = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size_bytes = fields.Integer()
    sha256 = fields.String(metadata={"description": "SHA-256 of the content, in hex."})
    uploaded_by = fields.String()
    uploaded_at = fields.String(metadata={"format": "date-time"})


class DocumentSaved(DocumentOut):
    case_version = fields.Integer(metadata={"description": "The case's version after the upload."})


def _out_fields(kind: RecordKind) -> dict[str, Any]:
    names = (*RECORD_FIELDS[kind.key], *_EXTRA.get(kind.key, ()))
    spec: dict[str, Any] = {
        n: _OUT_TYPES.get(n, lambda: fields.String(allow_none=True))() for n in names
    }
    if kind.key == "contributions":
        spec["documents"] = fields.List(fields.Nested(DocumentOut))
    return spec


class Removed(Schema):
    removed = fields.Integer(metadata={"description": "The id of the record removed."})
    case_version = fields.Integer(metadata={"description": "The case's version after the change."})


class VersionQuery(Schema):
    expected_version = fields.Integer(required=True, metadata=VERSION)


# -- one set of calls per kind of record ---------------------------------------------------------


def _path(kind: RecordKind) -> str:
    return kind.key.replace("_", "-")


def _who(kind: RecordKind) -> str:
    editors = ", ".join(sorted(kind.edit_roles))
    text = f"Changed by: {editors}."
    if kind.agency_field:
        text += (
            f" Agency users see only their own agency's {kind.noun}s and may change only "
            f"{', '.join(kind.agency_may_change)} of them."
        )
    else:
        text += " Agency users may not see these."
    return text


def _register(kind: RecordKind) -> None:
    out = _schema(_out_fields(kind), name=f"{_title(kind)}Out")
    listed = _schema(
        {
            "items": fields.List(fields.Nested(out)),
            "case_version": fields.Integer(metadata={"description": "The case's version."}),
        },
        name=f"{_title(kind)}List",
    )
    saved = _schema(
        {
            **_out_fields(kind),
            "case_version": fields.Integer(
                metadata={"description": "The case's version after the change."}
            ),
        },
        name=f"{_title(kind)}Saved",
    )
    path = f"/cases/<int:id>/{_path(kind)}"
    plural = kind.key.replace("_", " ")
    extra = ""
    if kind.key == "family_members":
        extra = (
            " Family members are recorded by relationship only, never by name, and appear in "
            "no list of cases and no export."
        )

    def list_view(id: int) -> dict[str, Any]:
        return records.list_records(current_service(), current_actor(), id, kind.key)

    def add_view(id: int, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
        version = body.pop("expected_version")
        return records.add_record(
            current_service(), current_actor(), id, kind.key, body, version
        ), 201

    def change_view(id: int, record_id: int, body: dict[str, Any]) -> dict[str, Any]:
        version = body.pop("expected_version")
        return records.change_record(
            current_service(), current_actor(), id, kind.key, record_id, body, version
        )

    def remove_view(id: int, record_id: int, query: dict[str, Any]) -> dict[str, Any]:
        return records.remove_record(
            current_service(), current_actor(), id, kind.key, record_id, query["expected_version"]
        )

    for fn, name in (
        (list_view, "list"),
        (add_view, "add"),
        (change_view, "change"),
        (remove_view, "remove"),
    ):
        fn.__name__ = f"{name}_{kind.key}"

    bp.get(path, endpoint=f"list_{kind.key}")(
        bp.doc(
            summary=f"List a case's {plural}",
            description=f"{_who(kind)}{extra}",
            tags=[RECORDS],
            responses=RESPONSES,
        )(bp.output(listed)(list_view))
    )
    bp.post(path, endpoint=f"add_{kind.key}")(
        bp.doc(
            summary=f"Add a {kind.noun}",
            description=(
                f"A change to the case: send `expected_version`. {_who(kind)}{extra}"
                + _kind_notes(kind)
            ),
            tags=[RECORDS],
            responses=CHANGE_RESPONSES,
        )(
            bp.output(saved, status_code=201)(
                bp.input(_input_schema(kind, True), arg_name="body")(add_view)
            )
        )
    )
    bp.patch(f"{path}/<int:record_id>", endpoint=f"change_{kind.key}")(
        bp.doc(
            summary=f"Change a {kind.noun}",
            description=(
                "Only the fields sent change. A change to the case: send `expected_version`. "
                f"{_who(kind)}" + _kind_notes(kind)
            ),
            tags=[RECORDS],
            responses=CHANGE_RESPONSES,
        )(bp.output(saved)(bp.input(_input_schema(kind, False), arg_name="body")(change_view)))
    )
    bp.delete(f"{path}/<int:record_id>", endpoint=f"remove_{kind.key}")(
        bp.doc(
            summary=f"Remove a {kind.noun}",
            description=(
                "A change to the case: send `expected_version` in the query. Its deadline (if "
                f"any) is cancelled. {_who(kind)}"
            ),
            tags=[RECORDS],
            responses=CHANGE_RESPONSES,
        )(
            bp.output(Removed)(
                bp.input(VersionQuery, location="query", arg_name="query")(remove_view)
            )
        )
    )


def _kind_notes(kind: RecordKind) -> str:
    return {
        "lead_appointments": (
            " Appointing a lead ends the appointment in force. The lead must be independent: "
            "none of their organisations may be an agency involved (compared ignoring case "
            "and spaces), now or after any later change of either."
        ),
        "contributions": (
            " A requested contribution opens a deadline `contribution:<id>` on its due date; "
            "when it slips, the agency's users and the reviewer are told. Received or waived "
            "(with a reason) meets it; removing the contribution cancels it."
        ),
        "findings": " `themes` are names from GET /themes; `sources` are contribution ids.",
        "actions": (
            " `finding` is the finding's number. An action not done opens a deadline "
            "`action:<id>` on its due date (T8); when it slips, the owner agency's users and "
            "the chair are told. Done meets it."
        ),
    }.get(kind.key, "")


for _kind in KINDS.values():
    _register(_kind)


# -- the action plan's progress -----------------------------------------------------------------


class AgencyProgress(Schema):
    agency = fields.String()
    total = fields.Integer()
    open = fields.Integer()
    in_progress = fields.Integer()
    done = fields.Integer()
    done_with_impact = fields.Integer()
    overdue = fields.Integer()
    next_due = fields.String(allow_none=True, metadata={"format": "date"})
    percent_done = fields.Integer(allow_none=True)


class OverdueAction(Schema):
    id = fields.Integer()
    number = fields.Integer()
    finding = fields.Integer(allow_none=True)
    owner_agency = fields.String()
    due_date = fields.String(metadata={"format": "date"})
    status = fields.String()


class ActionSummary(AgencyProgress):
    case = fields.String()
    as_of = fields.String(metadata={"format": "date"})
    by_agency = fields.List(fields.Nested(AgencyProgress))
    overdue_actions = fields.List(fields.Nested(OverdueAction))


@bp.get("/cases/<int:id>/actions/summary")
@bp.output(ActionSummary)
@bp.doc(
    summary="The action plan's progress",
    description=(
        "Counts of the review's actions by status, overdue (not done, past the due date), "
        "done with evidence of impact, and the same per owner agency. An agency user sees "
        "their own agency's actions only."
    ),
    tags=[RECORDS],
    responses=RESPONSES,
)
def action_summary(id: int) -> dict[str, Any]:
    return records.actions_summary(current_service(), current_actor(), id)


# -- documents ----------------------------------------------------------------------------------


class UploadIn(Schema):
    file = fields.File(
        required=True,
        metadata={
            "description": "The document: "
            + ", ".join(sorted(documents.FILE_TYPES))
            + "; at most the configured max_document_bytes."
        },
    )
    expected_version = fields.Integer(required=True, metadata=VERSION)


@bp.post("/cases/<int:id>/contributions/<int:contribution_id>/documents")
@takes_form
@bp.input(UploadIn, location="form_and_files", arg_name="form")
@bp.output(DocumentSaved, status_code=201)
@bp.doc(
    summary="Upload a document for a contribution",
    description=(
        "multipart/form-data with `file` and `expected_version`. The file's name must end in "
        "an allowed type (" + ", ".join(sorted(documents.FILE_TYPES)) + "), its declared type "
        "must agree, and its content must be of that type; it is kept with its SHA-256. A "
        "file over the limit gets 413 `too_large`. A contribution still requested is recorded "
        "as received, by you, today. Agency users upload for their own agency's "
        "contributions only."
    ),
    tags=[DOCUMENTS],
    responses={**CHANGE_RESPONSES, 413: "The file is over the configured size (too_large)"},
)
def upload_document(id: int, contribution_id: int, form: dict[str, Any]) -> tuple[Any, int]:
    upload = form["file"]
    content = upload.read()
    try:
        answer = documents.upload(
            current_service(),
            current_actor(),
            id,
            contribution_id,
            upload.filename or "",
            upload.mimetype or "",
            content,
            form["expected_version"],
            _documents_limit(),
        )
    except documents.DocumentTooLarge as exc:
        raise HTTPError(
            413, exc.message, detail=list(exc.details), extra_data={"code": "too_large"}
        ) from exc
    return answer, 201


@bp.get("/cases/<int:id>/documents/<int:document_id>")
@bp.doc(
    summary="Download a document",
    description=(
        "The file as it was sent (with `X-Content-SHA256`). Only the reviewer, the chair, the "
        "case's lead reviewer, administrators and the agency that sent it may have it; anyone "
        "else gets 404."
    ),
    tags=[DOCUMENTS],
    responses={200: "The file", **RESPONSES},
)
def download_document(id: int, document_id: int) -> Response:
    document = documents.download(current_service(), current_actor(), id, document_id)
    disposition = f"attachment; filename*=UTF-8''{quote(document.filename)}"
    return Response(
        document.content,
        mimetype=document.content_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
            "X-Content-SHA256": document.sha256,
        },
    )


@bp.delete("/cases/<int:id>/documents/<int:document_id>")
@bp.input(VersionQuery, location="query", arg_name="query")
@bp.output(Removed)
@bp.doc(
    summary="Remove a document sent in error",
    description="Reviewer, chair or lead reviewer. A change to the case: send expected_version.",
    tags=[DOCUMENTS],
    responses=CHANGE_RESPONSES,
)
def remove_document(id: int, document_id: int, query: dict[str, Any]) -> dict[str, Any]:
    return documents.remove(
        current_service(), current_actor(), id, document_id, query["expected_version"]
    )


# -- themes -------------------------------------------------------------------------------------


class ThemeOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    active = fields.Boolean()


class ThemeIn(Schema):
    name = fields.String(required=True, validate=validators.Length(min=1, max=120))
    description = fields.String(load_default="")
    active = fields.Boolean(load_default=True)


class ThemeChange(Schema):
    name = fields.String(validate=validators.Length(min=1, max=120))
    description = fields.String()
    active = fields.Boolean(metadata={"description": "false: no longer offered for new findings"})


class ThemeQuery(Schema):
    include_inactive = fields.Boolean(load_default=False)


@bp.get("/themes")
@bp.input(ThemeQuery, location="query", arg_name="query")
@bp.output(ThemeOut(many=True))
@bp.doc(
    summary="The themes vocabulary",
    description="The learning themes a finding may carry, by name.",
    tags=[THEMES],
    responses={401: RESPONSES[401]},
)
def list_themes(query: dict[str, Any]) -> list[dict[str, Any]]:
    return records.list_themes(current_service(), current_actor(), query["include_inactive"])


@bp.post("/themes")
@bp.input(ThemeIn, arg_name="body")
@bp.output(ThemeOut, status_code=201)
@bp.doc(
    summary="Add a theme (admin)",
    tags=[THEMES],
    responses={**RESPONSES, 409: "A theme of that name exists (already_exists)"},
)
def add_theme(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    return records.save_theme(current_service(), current_actor(), body), 201


@bp.patch("/themes/<int:theme_id>")
@bp.input(ThemeChange, arg_name="body")
@bp.output(ThemeOut)
@bp.doc(
    summary="Change a theme (admin)",
    description="Rename, describe, or retire it (active = false); findings keep their themes.",
    tags=[THEMES],
    responses={**RESPONSES, 409: "A theme of that name exists (already_exists)"},
)
def change_theme(theme_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return records.save_theme(current_service(), current_actor(), body, theme_id)
