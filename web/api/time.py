"""JSON API for time: escalations (list, acknowledge) and the timeliness report.

Views only translate HTTP to calls of ``workflow.services.time.escalations`` and
``workflow.services.reports.timeliness``, whose typed commands and results are the schemas here;
typed errors become status codes and the one error body in ``web.errors``. Every call needs
``Authorization: Bearer TOKEN`` (``web.api.auth``) and appears in the OpenAPI document.
"""

from __future__ import annotations

from apiflask import APIBlueprint, APIFlask
from pydantic import ConfigDict, Field

from web.api import API_PREFIX
from web.api.auth import auth, current_actor, current_service
from workflow.services.reports import timeliness as reports
from workflow.services.results import Command
from workflow.services.time import escalations
from workflow.services.time.results import Acknowledgement, EscalationPage, EscalationView

ESCALATIONS = "Escalations"
REPORTS = "Reports"
MAX_PAGE = escalations.MAX_PAGE

AUTH_RESPONSES: dict[int, str] = {401: "Missing or unknown API token"}

bp = APIBlueprint("api_time", __name__, url_prefix=API_PREFIX, enable_openapi=True)


class EscalationQuery(Command):
    """Which escalations to list, and which page. Unknown parameters are ignored, as they
    always were: browsers, proxies and scripts add their own."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    open: bool = Field(False, description="true: only escalations nobody has acknowledged yet.")
    limit: int | None = Field(
        None,
        ge=1,
        le=MAX_PAGE,
        description=f"Items per page, 1 to {MAX_PAGE}; defaults to the configured page_size.",
    )
    after: int | None = Field(
        None,
        ge=1,
        description="The next_after value of the previous page; leave it out for the first.",
    )


# -- views ------------------------------------------------------------------------------------


@bp.get("/escalations")
@bp.auth_required(auth)
@bp.input(EscalationQuery, location="query", arg_name="query")
@bp.output(EscalationPage, description="Escalations on the cases you may see, newest first")
@bp.doc(
    summary="List escalations",
    description=(
        "Escalations raised when a deadline was missed, a timer's step was refused, or a case "
        "stalled, on the cases you may see, newest first. `open=true` keeps those nobody has "
        'acknowledged. Paged by key: `{"items": [...], "next_after": ID-or-null}`.'
    ),
    tags=[ESCALATIONS],
    responses=AUTH_RESPONSES,
)
def list_escalations(query: EscalationQuery) -> EscalationPage:
    return escalations.list_escalations(
        current_service(),
        current_actor(),
        open_only=query.open,
        limit=query.limit,
        after=query.after,
    )


@bp.post("/escalations/<int:id>/acknowledge")
@bp.auth_required(auth)
@bp.input(Acknowledgement, location="json_or_form", arg_name="body")
@bp.output(EscalationView, description="The escalation, acknowledged")
@bp.doc(
    summary="Acknowledge an escalation",
    description=(
        "Records that you have the escalation in hand; the case's audit trail records it "
        "(`escalation_acknowledged`). Open to anyone holding a role the escalation was sent "
        "to. Acknowledging again changes nothing and answers with the first acknowledgement."
    ),
    tags=[ESCALATIONS],
    responses={
        **AUTH_RESPONSES,
        403: "The escalation was not sent to your role",
        404: "No such escalation, or not one you may see",
    },
)
def acknowledge(id: int, body: Acknowledgement) -> EscalationView:
    return escalations.acknowledge(current_service(), current_actor(), id, body)


@bp.get("/reports/timeliness")
@bp.auth_required(auth)
@bp.input(reports.TimelinessQuery, location="query", arg_name="query")
@bp.output(reports.Timeliness, description="Timeliness by kind of deadline")
@bp.doc(
    summary="Timeliness report",
    description=(
        "For deadlines whose due date falls from `from` to `to` (inclusive; either may be left "
        "out), of one review type or all: per kind of deadline, how many were met on time, met "
        "late, missed (escalated and not met) and open, with the median and worst lateness in "
        "days. Stall reminders and cancelled deadlines are not counted. For the roles that see "
        "every case (reviewer, chair, admin)."
    ),
    tags=[REPORTS],
    responses={
        **AUTH_RESPONSES,
        403: "Your role may not read reports",
        404: "No such review type",
    },
)
def timeliness(query: reports.TimelinessQuery) -> reports.Timeliness:
    return reports.timeliness(
        current_service(),
        query.review_type or None,
        query.from_,
        query.to,
        actor=current_actor(),
    )


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
