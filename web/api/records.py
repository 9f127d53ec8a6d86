"""The JSON API of the review's records under /api/v1/cases/{id}/…: lead reviewer appointments,
panel members, practitioners, family members, agency contributions (with their documents),
findings and actions; the action plan's progress; and the themes vocabulary.

Every change to a record is a change to its case: send the case's ``expected_version``; the
answer carries the case's new ``case_version``. The bodies and answers are the pydantic models
of ``workflow.services.records.schemas``, made from the table of field kinds; views only
translate HTTP to the use cases of ``workflow.services.records`` and ``…documents``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from apiflask import APIBlueprint, HTTPError
from apiflask.fields import UploadFile
from flask import Response, current_app, request
from pydantic import BaseModel, Field

from web.api.auth import current_actor, current_service
from web.api.record_docs import RESPONSES, describe
from web.api.root import takes_form
from workflow.core.record_kinds import KINDS, RecordKind
from workflow.services import documents, records
from workflow.services.records.schemas import (
    VERSION_DOC,
    DocumentSaved,
    RecordFields,
    Removed,
    ThemeChange,
    ThemeIn,
    ThemeOut,
    VersionedFields,
    list_of,
)
from workflow.services.records.summary import ActionSummary

RECORDS = "Records"
DOCUMENTS = "Documents"
THEMES = "Themes"

bp = APIBlueprint("records", __name__)
CHANGE_RESPONSES: dict[int, str] = {
    **RESPONSES,
    409: "The case changed since you read it (version_conflict)",
    413: "The body is larger than the configured size",
}
UPLOAD_ENDPOINT = "api.records.upload_document"


class VersionQuery(BaseModel):
    expected_version: int = Field(description=VERSION_DOC)


class ThemeQuery(BaseModel):
    include_inactive: bool = False


class UploadIn(BaseModel):
    file: UploadFile = Field(
        description="The document: "
        + ", ".join(sorted(documents.FILE_TYPES))
        + "; at most the configured max_document_bytes."
    )
    expected_version: int = Field(description=VERSION_DOC)


def documents_limit() -> int:
    """The largest document one may upload (``max_document_bytes``)."""
    settings = current_app.extensions.get("workflow.settings")
    return int(getattr(settings, "max_document_bytes", documents.DEFAULT_MAX_DOCUMENT_BYTES))


def too_large(exc: documents.DocumentTooLarge) -> HTTPError:
    """A file over the limit, as the API answers it: 413 ``too_large``."""
    return HTTPError(413, exc.message, detail=list(exc.details), extra_data={"code": "too_large"})


@bp.before_request
def allow_documents() -> None:
    """An upload may be larger than other bodies: up to the document limit (plus the form)."""
    if request.endpoint == UPLOAD_ENDPOINT:
        request.max_content_length = documents_limit() + 64 * 1024


# -- one set of calls per kind of record ---------------------------------------------------------


def _views(kind: RecordKind) -> tuple[Callable[..., Any], ...]:
    """The list, add, change and remove calls of one kind of record."""

    def list_view(id: int) -> Any:
        return records.list_records(current_service(), current_actor(), id, kind.key)

    def add_view(id: int, body: VersionedFields) -> Any:
        command = records.AddRecord(
            case_id=id, kind=kind.key, expected_version=body.expected_version, fields=body
        )
        return records.add_record(current_service(), current_actor(), command), 201

    def change_view(id: int, record_id: int, body: VersionedFields) -> Any:
        command = records.ChangeRecord(
            case_id=id,
            kind=kind.key,
            record_id=record_id,
            expected_version=body.expected_version,
            fields=body,
        )
        return records.change_record(current_service(), current_actor(), command)

    def remove_view(id: int, record_id: int, query: VersionQuery) -> Any:
        command = records.RemoveRecord(
            case_id=id, kind=kind.key, record_id=record_id, expected_version=query.expected_version
        )
        return records.remove_record(current_service(), current_actor(), command)

    views = (list_view, add_view, change_view, remove_view)
    for fn, name in zip(views, CALLS, strict=True):
        fn.__name__ = f"{name}_{kind.key}"
    return views


CALLS = ("list", "add", "change", "remove")


def _register(kind: RecordKind) -> None:
    models = records.models_of(kind.key)
    path = f"/cases/<int:id>/{kind.key.replace('_', '-')}"
    one = f"{path}/<int:record_id>"
    docs = describe(kind)
    list_view, add_view, change_view, remove_view = _views(kind)

    def doc(call: str, responses: dict[int, str]) -> Any:
        return bp.doc(
            summary=docs[call].summary,
            description=docs[call].description,
            tags=[RECORDS],
            responses=responses,
        )

    def body(model: Any) -> Any:
        return bp.input(model, location="json", arg_name="body")

    bp.get(path, endpoint=f"list_{kind.key}")(
        doc("list", RESPONSES)(bp.output(models.listed)(list_view))
    )
    bp.post(path, endpoint=f"add_{kind.key}")(
        doc("add", CHANGE_RESPONSES)(
            bp.output(models.saved, status_code=201)(body(models.add_body)(add_view))
        )
    )
    bp.patch(one, endpoint=f"change_{kind.key}")(
        doc("change", CHANGE_RESPONSES)(
            bp.output(models.saved)(body(models.change_body)(change_view))
        )
    )
    query = bp.input(VersionQuery, location="query", arg_name="query")
    bp.delete(one, endpoint=f"remove_{kind.key}")(
        doc("remove", CHANGE_RESPONSES)(bp.output(Removed)(query(remove_view)))
    )


for _kind in KINDS.values():
    _register(_kind)


# -- the action plan's progress -----------------------------------------------------------------


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
def action_summary(id: int) -> ActionSummary:
    return records.actions_summary(current_service(), current_actor(), id)


# -- documents ----------------------------------------------------------------------------------


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
def upload_document(id: int, contribution_id: int, form: UploadIn) -> Any:
    upload = form.file
    command = documents.UploadDocument(
        case_id=id,
        contribution_id=contribution_id,
        filename=upload.filename or "",
        declared_type=upload.mimetype or "",
        content=upload.read(),
        expected_version=form.expected_version,
        max_bytes=documents_limit(),
    )
    try:
        answer = documents.upload(current_service(), current_actor(), command)
    except documents.DocumentTooLarge as exc:
        raise too_large(exc) from exc
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
def remove_document(id: int, document_id: int, query: VersionQuery) -> Removed:
    return documents.remove(
        current_service(), current_actor(), id, document_id, query.expected_version
    )


# -- themes -------------------------------------------------------------------------------------


@bp.get("/themes")
@bp.input(ThemeQuery, location="query", arg_name="query")
@bp.output(list_of(ThemeOut))
@bp.doc(
    summary="The themes vocabulary",
    description="The learning themes a finding may carry, by name.",
    tags=[THEMES],
    responses={401: RESPONSES[401]},
)
def list_themes(query: ThemeQuery) -> Any:
    return records.list_themes(current_service(), current_actor(), query.include_inactive)


@bp.post("/themes")
@bp.input(ThemeIn, location="json", arg_name="body")
@bp.output(ThemeOut, status_code=201)
@bp.doc(
    summary="Add a theme (admin)",
    tags=[THEMES],
    responses={**RESPONSES, 409: "A theme of that name exists (already_exists)"},
)
def add_theme(body: RecordFields) -> Any:
    command = records.SaveTheme(fields=body)
    return records.save_theme(current_service(), current_actor(), command), 201


@bp.patch("/themes/<int:theme_id>")
@bp.input(ThemeChange, location="json", arg_name="body")
@bp.output(ThemeOut)
@bp.doc(
    summary="Change a theme (admin)",
    description="Rename, describe, or retire it (active = false); findings keep their themes.",
    tags=[THEMES],
    responses={**RESPONSES, 409: "A theme of that name exists (already_exists)"},
)
def change_theme(theme_id: int, body: RecordFields) -> Any:
    command = records.SaveTheme(fields=body, theme_id=theme_id)
    return records.save_theme(current_service(), current_actor(), command)
