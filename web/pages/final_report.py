"""The final report's page (``/cases/<id>/final-report``): the report now uploaded, with its
download, who uploaded it and whether the board signed that version off; a form to upload a
version (reviewer, chair, lead reviewer) and the chair's sign-off for the board.

Both go through ``workflow.services.publication.final_report``, so the page keeps the API's
rules: sent with the version the page was read at (someone else's change in between is
reported, never overwritten); a new version withdraws an earlier sign-off.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.sansio.app import App
from werkzeug.wrappers import Response

from web.pages import helpers
from web.pages.forms import VersionedForm
from workflow.core.errors import InvalidInput, VersionConflict
from workflow.services import documents, records
from workflow.services.publication import final_report as use

#: The key the case page and blocked steps know this page by (``datagroups.OWN_PAGES``).
PAGE = "final_report"
CONFLICT = (
    "Someone else changed this case after you opened this page, so nothing was saved. The page "
    "now shows the final report as it is: check it, then try again."
)


def blueprint() -> Blueprint:
    bp = Blueprint("final_report", __name__)
    bp.add_url_rule("/cases/<int:case_id>/final-report", view_func=page)
    bp.add_url_rule(
        "/cases/<int:case_id>/final-report",
        endpoint="upload",
        # The report may be larger than other forms.
        view_func=helpers.larger_body(upload, helpers.upload_body_limit),
        methods=["POST"],
    )
    bp.add_url_rule(
        "/cases/<int:case_id>/final-report/sign-off", view_func=sign_off, methods=["POST"]
    )
    bp.record_once(lambda state: register_page(state.app))
    return bp


def register_page(app: App) -> None:
    """Tell the case page (and a blocked publish step) where the final report is kept."""
    helpers.register_record_page(
        app, PAGE, lambda case_id: url_for("pages.final_report.page", case_id=case_id)
    )


def page(case_id: int) -> Any:
    svc, who = helpers.service(), helpers.actor()
    report = use.report_of(svc, who, case_id)
    case = svc.get_case(who, case_id).model_dump(mode="json")
    return render_template("pages/final_report.html", case=case, report=report)


def _back(case_id: int) -> Response:
    return redirect(url_for("pages.final_report.page", case_id=case_id))


def upload(case_id: int) -> Any:
    svc, who = helpers.service(), helpers.actor()
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash("Choose the final report's file to upload.", "info")
        return _back(case_id)
    try:
        command = use.UploadFinalReport(
            case_id=case_id,
            filename=sent.filename,
            declared_type=sent.mimetype or "",
            content=sent.read(),
            expected_version=records.require_version(
                VersionedForm(formdata=request.form).version()
            ),
            max_bytes=helpers.document_limit(),
        )
        use.upload(svc, who, command)
    except VersionConflict:
        flash(CONFLICT, "info")
    except InvalidInput as exc:
        flash(helpers.problem_words(exc), "info")
    else:
        flash(f"Uploaded the final report: {documents.safe_filename(sent.filename)}.", "success")
    return _back(case_id)


def sign_off(case_id: int) -> Any:
    svc, who = helpers.service(), helpers.actor()
    form = VersionedForm(formdata=request.form)
    if request.form.get("confirmed") != "yes":
        flash("Tick the box to confirm that the board has agreed this final report.", "info")
        return _back(case_id)
    try:
        command = use.SignOffFinalReport(
            expected_version=records.require_version(form.version()),
            minute=request.form.get("minute", "")[:500],
        )
        use.sign_off(svc, who, case_id, command)
    except VersionConflict:
        flash(CONFLICT, "info")
    except InvalidInput as exc:
        flash(helpers.problem_words(exc), "info")
    else:
        flash("Signed off: the final report, for the board.", "success")
    return _back(case_id)


__all__ = ["PAGE", "blueprint", "register_page"]
