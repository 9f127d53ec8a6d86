"""JSON API for publication: ``/cases/{id}/publication…``, the board's response, advance copies,
the harm check and the outcomes, each a case change through the service (guards decide; 409 on
a stale ``expected_version``; 422 ``blocked`` with every reason), and where the case stands.

Views only translate HTTP to calls of ``workflow.services.publication``; the request bodies are
its commands and the status is its result, so each shape is described once. Every call needs
``Authorization: Bearer TOKEN``.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from apiflask.fields import UploadFile
from flask import request
from pydantic import BaseModel, Field

from web.api.auth import current_actor, current_service
from web.api.records import documents_limit, too_large
from web.api.root import takes_form
from workflow.services import documents
from workflow.services import publication as use
from workflow.services.cases import CaseView
from workflow.services.publication import (
    ConfirmHarmCheck,
    DecideNotToPublish,
    DelayPublication,
    PublicationStatus,
    Publish,
    RecordResponse,
    ResumePublication,
    ReviewDelay,
    SendAdvanceCopies,
    final_report,
)

TAG = "Publication"
AUTH: dict[int, str] = {401: "Missing or unknown API token"}
CASE_CHANGE: dict[int, str] = {
    **AUTH,
    403: "Your role may not do this",
    404: "No such case, or not one you may see",
    409: "The case changed since you read it (version_conflict)",
    422: "Invalid input, or the step is blocked (details: every reason) or not available",
}

bp = APIBlueprint("publication", __name__)


def _case_change(summary: str, description: str) -> dict[str, Any]:
    return {"summary": summary, "description": description, "tags": [TAG], "responses": CASE_CHANGE}


@bp.get("/cases/<int:id>/publication")
@bp.output(PublicationStatus, description="Where the case stands on publication")
@bp.doc(
    summary="Publication status",
    description=(
        "The board's response, each advance copy and the first day it allows publication, the "
        "harm check, the outcome so far, and every requirement still blocking `publish`."
    ),
    tags=[TAG],
    responses={**AUTH, 404: "No such case, or not one you may see"},
)
def publication_status(id: int) -> PublicationStatus:
    return use.status(current_service(), current_actor(), id)


@bp.put("/cases/<int:id>/publication/response")
@bp.input(RecordResponse, location="json", arg_name="body")
@bp.output(CaseView, description="The case, with data.board_response")
@bp.doc(
    **_case_change(
        "Record the board's response",
        "The board's written response: the findings it accepts (numbers of the case's "
        "findings), its priorities, its actions and how their effectiveness will be monitored. "
        "Reviewer or chair.",
    )
)
def record_response(id: int, body: RecordResponse) -> CaseView:
    return use.record_response(current_service(), current_actor(), id, body)


@bp.post("/cases/<int:id>/publication/advance-copies")
@bp.input(SendAdvanceCopies, location="json", arg_name="body")
@bp.output(CaseView, description="The case, with data.advance_copies")
@bp.doc(
    **_case_change(
        "Record advance copies sent",
        "The final report went to these recipients (the national panel, Ofsted, DfE) on "
        "`sent_on`; publication is refused until the review type's set time has passed since "
        "each. Reviewer or chair.",
    )
)
def advance_copies(id: int, body: SendAdvanceCopies) -> CaseView:
    return use.send_advance_copies(current_service(), current_actor(), id, body)


@bp.post("/cases/<int:id>/publication/harm-check")
@bp.input(ConfirmHarmCheck, location="json", arg_name="body")
@bp.output(CaseView, description="The case, with the harm check confirmed")
@bp.doc(
    **_case_change(
        "Confirm the harm check",
        "The chair confirms that publication is unlikely to harm any child or vulnerable adult.",
    )
)
def harm_check(id: int, body: ConfirmHarmCheck) -> CaseView:
    return use.confirm_harm_check(current_service(), current_actor(), id, body)


@bp.post("/cases/<int:id>/publication/publish")
@bp.input(Publish, location="json", arg_name="body")
@bp.output(CaseView, description="The case, published")
@bp.doc(
    **_case_change(
        "Publish",
        "Publish the report (or only a summary or learning brief, with the reasons the full "
        "report is withheld) at `url`. Refused (422 `blocked`, every reason listed) before the "
        "board's response, the harm check, or the set time after the advance copies. Chair.",
    )
)
def publish(id: int, body: Publish) -> CaseView:
    return use.publish(current_service(), current_actor(), id, body)


@bp.post("/cases/<int:id>/publication/not-published")
@bp.input(DecideNotToPublish, location="json", arg_name="body")
@bp.output(CaseView, description="The case, not published")
@bp.doc(
    **_case_change(
        "Decide not to publish",
        "The chair's reasons, and the date they were sent to the national panel. Chair.",
    )
)
def not_published(id: int, body: DecideNotToPublish) -> CaseView:
    return use.decide_not_to_publish(current_service(), current_actor(), id, body)


@bp.post("/cases/<int:id>/publication/delay")
@bp.input(DelayPublication, location="json", arg_name="body")
@bp.output(CaseView, description="The case, publication delayed")
@bp.doc(
    **_case_change(
        "Delay publication",
        "Delay for parallel proceedings until `review_date`; a review not done by then "
        "escalates to the chair. Chair.",
    )
)
def delay(id: int, body: DelayPublication) -> CaseView:
    return use.delay(current_service(), current_actor(), id, body)


@bp.post("/cases/<int:id>/publication/delay-review")
@bp.input(ReviewDelay, location="json", arg_name="body")
@bp.output(CaseView, description="The case, still delayed, with the next review date")
@bp.doc(**_case_change("Review a delay", "Keep the delay until the next review date. Chair."))
def delay_review(id: int, body: ReviewDelay) -> CaseView:
    return use.review_delay(current_service(), current_actor(), id, body)


@bp.post("/cases/<int:id>/publication/resume")
@bp.input(ResumePublication, location="json", arg_name="body")
@bp.output(CaseView, description="The case, back in publication")
@bp.doc(**_case_change("Resume publication", "The proceedings are over. Chair."))
def resume(id: int, body: ResumePublication) -> CaseView:
    return use.resume(current_service(), current_actor(), id, body)


# -- the final report ---------------------------------------------------------------------------

UPLOAD_ENDPOINT = "api.publication.upload_final_report"
FINAL_REPORT_DOC = (
    "Review types whose publish step asks for it (the serious case review) keep their final "
    "report as a document, signed off by the chair for the board before `publish` and "
    "`decide_not_to_publish`. A new version withdraws an earlier sign-off."
)


class FinalReportUpload(BaseModel):
    file: UploadFile = Field(
        description="The final report: "
        + ", ".join(sorted(documents.FILE_TYPES))
        + "; at most the configured max_document_bytes."
    )
    expected_version: int = Field(description="The case version you read (409 when stale).")


@bp.before_request
def allow_final_report() -> None:
    """The report may be larger than other bodies: up to the document limit (plus the form)."""
    if request.endpoint == UPLOAD_ENDPOINT:
        request.max_content_length = documents_limit() + 64 * 1024


@bp.get("/cases/<int:id>/publication/final-report")
@bp.output(final_report.FinalReport, description="The final report now, and its sign-off")
@bp.doc(
    summary="The final report",
    description=FINAL_REPORT_DOC + " 404 for a review type that keeps none.",
    tags=[TAG],
    responses={**AUTH, 404: "No such case, or not one you may see, or no final report kept"},
)
def final_report_now(id: int) -> final_report.FinalReport:
    return final_report.report_of(current_service(), current_actor(), id)


@bp.post("/cases/<int:id>/publication/final-report")
@takes_form
@bp.input(FinalReportUpload, location="form_and_files", arg_name="form")
@bp.output(final_report.FinalReport, status_code=201, description="The report as kept")
@bp.doc(
    **_case_change(
        "Upload the final report",
        FINAL_REPORT_DOC + " multipart/form-data with `file` and `expected_version`; checked "
        "as every document is (type, content, size: 413 `too_large`) and kept with its "
        "SHA-256. Reviewer, chair or lead reviewer.",
    )
)
def upload_final_report(id: int, form: FinalReportUpload) -> Any:
    sent = form.file
    command = final_report.UploadFinalReport(
        case_id=id,
        filename=sent.filename or "",
        declared_type=sent.mimetype or "",
        content=sent.read(),
        expected_version=form.expected_version,
        max_bytes=documents_limit(),
    )
    try:
        answer = final_report.upload(current_service(), current_actor(), command)
    except documents.DocumentTooLarge as exc:
        raise too_large(exc) from exc
    return answer, 201


@bp.post("/cases/<int:id>/publication/final-report/sign-off")
@bp.input(final_report.SignOffFinalReport, location="json", arg_name="body")
@bp.output(final_report.FinalReport, description="The report, signed off")
@bp.doc(
    **_case_change(
        "Sign off the final report for the board",
        "The chair signs off the version now uploaded (the one the case version you send "
        "shows), with where the board agreed it. Chair.",
    )
)
def sign_off_final_report(id: int, body: final_report.SignOffFinalReport) -> Any:
    return final_report.sign_off(current_service(), current_actor(), id, body)
