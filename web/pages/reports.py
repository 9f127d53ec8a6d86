"""Pages for the board: the printable annual report (its charts and the values its templates
read come from ``web.presentation.annual``, shared with ``workflow report annual``) and the
themes across reviews with "what good looks like".

Only signed-in people whose role sees every case (reviewer, chair, admin) may read them.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask.blueprints import BlueprintSetupState
from flask_login import current_user

from web.pages import helpers
from web.presentation import annual as presentation
from workflow.core.errors import InvalidInput, PermissionDenied, WorkflowError
from workflow.services import learning
from workflow.services.reports import annual as annual_report
from workflow.services.reports.timeliness import REPORT_ROLES

# -- the blueprint ------------------------------------------------------------------------------


def blueprint() -> Blueprint:
    bp = Blueprint("reports_pages", __name__)
    bp.add_url_rule("/reports/annual", view_func=annual_page)
    bp.add_url_rule("/reports/annual.csv", view_func=annual_csv)
    bp.add_url_rule("/reports/annual.json", view_func=annual_json)
    bp.add_url_rule("/learning/themes", view_func=themes_page)
    bp.before_request(_require_reader)  # after the parent's sign-in check
    bp.register_error_handler(InvalidInput, _invalid)
    bp.record_once(_register_nav_items)
    return bp


def _register_nav_items(state: BlueprintSetupState) -> None:
    helpers.register_nav_item(
        state.app, "Annual report", "pages.reports_pages.annual_page", "reports", roles=REPORT_ROLES
    )
    helpers.register_nav_item(
        state.app, "Themes", "pages.reports_pages.themes_page", "themes", roles=REPORT_ROLES
    )


def _require_reader() -> None:
    if current_user.role not in REPORT_ROLES:
        raise PermissionDenied(
            "Reports summarise every case, so only a reviewer, chair or administrator may read "
            "them."
        )


def _invalid(error: WorkflowError) -> tuple[str, int]:
    return (
        render_template(
            "pages/error.html",
            title="The report could not be made",
            message=" ".join([error.message, *error.details]),
        ),
        400,
    )


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise InvalidInput(f"{name} must be a whole number; got {raw!r}.")
    return int(raw)


def _annual() -> annual_report.AnnualReport:
    svc = helpers.service()
    year = _int_arg("year", helpers.today().year)
    month = _int_arg("start_month", svc.annual_start_month)
    return annual_report.annual(svc, helpers.actor(), year, month)


def annual_page() -> str:
    report = _annual()
    names = learning.type_names(helpers.service())
    years = list(range(helpers.today().year, helpers.today().year - 6, -1))
    return render_template(
        "reports/annual.html", years=years, nav="reports", **presentation.context(report, names)
    )


def annual_csv() -> Response:
    report = _annual()
    return Response(
        annual_report.to_csv(report),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{annual_report.file_stem(report)}.csv"'
        },
    )


def annual_json() -> Response:
    report = _annual()
    return Response(
        annual_report.to_json(report),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{annual_report.file_stem(report)}.json"'
        },
    )


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a date written like 2026-04-01; got {raw!r}.") from None


def themes_page() -> str:
    svc = helpers.service()
    who = helpers.actor()
    start, end = _date_arg("from"), _date_arg("to")
    names = learning.type_names(svc)
    review_type = request.args.get("review_type") or None
    if review_type not in names:
        review_type = None
    view = learning.themes_view(svc, who, start, end, review_type)
    good = learning.good_practice(
        svc, who, request.args.get("theme") or None, start, end, review_type
    )
    return render_template(
        "reports/themes.html",
        view=view,
        good=good,
        names=names,
        start=start,
        end=end,
        review_type=review_type or "",
        nav="themes",
    )
