"""JSON API for the board's annual report: ``/reports/annual``, as JSON or CSV.

The view only translates HTTP to a call of ``workflow.services.reports.annual``; every call
needs ``Authorization: Bearer TOKEN``, and only a reviewer, chair or administrator may make it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from apiflask import APIBlueprint
from flask import Response
from pydantic import BaseModel, ConfigDict, Field

from web.api.auth import current_actor, current_service
from workflow.services.reports import annual as annual_report

TAG = "Reports"
READER: dict[int, str] = {
    401: "Missing or unknown API token",
    403: "Only a reviewer, chair or administrator may do this",
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    **{code: {"description": text} for code, text in READER.items()},
}

bp = APIBlueprint("reports", __name__)


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class AnnualQuery(BaseModel):
    """The query string of the annual report; parameters it does not name are ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    year: int = Field(
        description=f"From {annual_report.MIN_YEAR} to {annual_report.MAX_YEAR}, e.g. 2026."
    )
    start_month: int | None = Field(
        None,
        description="1: the calendar year; 4: April to March (default: config.toml "
        "[reports] annual_start_month).",
    )
    format: ReportFormat = ReportFormat.JSON


@bp.get("/reports/annual")
@bp.input(AnnualQuery, location="query", arg_name="query")
@bp.doc(
    summary="Annual report",
    description=(
        "The board's annual report for `year`: reviews opened, completed and published by "
        "type; the chair's decisions and timeliness against each limit; actions completed, "
        "overdue and with impact evidenced; learning products and reach; recurring themes. "
        "`format=json` (default) or `csv` (columns section, review_type, item, measure, "
        "value). Reviews are named by case reference and type only. Reviewer, chair or admin."
    ),
    tags=[TAG],
    responses=RESPONSES,
)
def annual(query: AnnualQuery) -> Any:
    report = annual_report.annual(current_service(), current_actor(), query.year, query.start_month)
    if query.format == ReportFormat.CSV:
        name = annual_report.file_stem(report)
        return Response(
            annual_report.to_csv(report),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return report.model_dump(mode="json")
