"""JSON API for time: escalations (list, acknowledge) and the timeliness report.

Views only translate HTTP to calls of ``workflow.escalations`` and ``workflow.reports``; typed
errors become status codes and the one error body in ``web.errors``. Every call needs
``Authorization: Bearer TOKEN`` (``web.api_auth``) and appears in the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema, fields, validators

from web.api.auth import current_actor, current_service
from workflow.services.reports import timeliness as reports
from workflow.services.time import escalations

ESCALATIONS = "Escalations"
REPORTS = "Reports"
DATE_TIME = {"format": "date-time"}
MAX_PAGE = escalations.MAX_PAGE

AUTH_RESPONSES: dict[int, str] = {401: "Missing or unknown API token"}

bp = APIBlueprint("time", __name__)


def _doc(description: str, **extra: object) -> dict[str, object]:
    return {"description": description, **extra}


# -- shapes -----------------------------------------------------------------------------------


class EscalationOut(Schema):
    id = fields.Integer()
    case = fields.String(metadata=_doc("The case's reference."))
    case_id = fields.Integer()
    deadline = fields.String(
        metadata=_doc("The deadline's name (a timer of the review type, or 'stall').")
    )
    reason = fields.String(metadata=_doc("Why, as a sentence: which limit, due when, how late."))
    raised_at = fields.String(metadata=DATE_TIME)
    to_role = fields.List(fields.String(), metadata=_doc("The roles told."))
    acknowledged_by = fields.String(allow_none=True)
    acknowledged_at = fields.String(allow_none=True, metadata=DATE_TIME)


class EscalationItem(EscalationOut):
    """One escalation of a page (a schema of its own, so the OpenAPI document names it once)."""


class EscalationPage(Schema):
    items = fields.List(fields.Nested(EscalationItem))
    next_after = fields.Integer(
        allow_none=True,
        metadata=_doc("Pass it as after to get the next page; null on the last page."),
    )


class EscalationQuery(Schema):
    open = fields.Boolean(
        load_default=False, metadata=_doc("true: only escalations nobody has acknowledged yet.")
    )
    limit = fields.Integer(
        validate=validators.Range(min=1, max=MAX_PAGE),
        metadata=_doc(f"Items per page, 1 to {MAX_PAGE}; defaults to the configured page_size."),
    )
    after = fields.Integer(
        validate=validators.Range(min=1),
        metadata=_doc("The next_after value of the previous page; leave it out for the first."),
    )


class AcknowledgeIn(Schema):
    note = fields.String(load_default="", metadata=_doc("What is being done, for the audit trail."))


class Lateness(Schema):
    median = fields.Float(allow_none=True, metadata=_doc("Median days late of the late ones."))
    worst = fields.Integer(allow_none=True, metadata=_doc("Most days late."))


class TimelinessRow(Schema):
    review_type = fields.String()
    deadline = fields.String(metadata=_doc("The timer's name, e.g. notification."))
    label = fields.String()
    limit = fields.String(metadata=_doc("The time limit it implements, e.g. T1."))
    total = fields.Integer()
    met_on_time = fields.Integer(metadata=_doc("Met on or before the due date."))
    met_late = fields.Integer(metadata=_doc("Met after the due date."))
    missed = fields.Integer(metadata=_doc("Fell due, escalated, not met."))
    open = fields.Integer(metadata=_doc("Still pending."))
    overdue = fields.Integer(metadata=_doc("Pending and already past the due instant."))
    lateness_days = fields.Nested(Lateness)


class TimelinessOut(Schema):
    review_type = fields.String(allow_none=True)
    from_ = fields.String(
        attribute="from", data_key="from", allow_none=True, metadata={"format": "date"}
    )
    to = fields.String(allow_none=True, metadata={"format": "date"})
    as_of = fields.String(metadata=DATE_TIME)
    deadlines = fields.List(fields.Nested(TimelinessRow))


class TimelinessQuery(Schema):
    review_type = fields.String(metadata=_doc("One review type's key (default: all)."))
    from_ = fields.Date(
        data_key="from", metadata=_doc("First due date counted, e.g. 2026-04-01 (default: none).")
    )
    to = fields.Date(metadata=_doc("Last due date counted, e.g. 2027-03-31 (default: none)."))


# -- views ------------------------------------------------------------------------------------


@bp.get("/escalations")
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
def list_escalations(query: dict[str, Any]) -> dict[str, Any]:
    return escalations.list_escalations(
        current_service(),
        current_actor(),
        open_only=bool(query.get("open")),
        limit=query.get("limit"),
        after=query.get("after"),
    )


@bp.post("/escalations/<int:id>/acknowledge")
@bp.input(AcknowledgeIn, location="json", arg_name="body")
@bp.output(EscalationOut, description="The escalation, acknowledged")
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
def acknowledge(id: int, body: dict[str, Any]) -> dict[str, Any]:
    return escalations.acknowledge(current_service(), current_actor(), id, body.get("note", ""))


@bp.get("/reports/timeliness")
@bp.input(TimelinessQuery, location="query", arg_name="query")
@bp.output(TimelinessOut, description="Timeliness by kind of deadline")
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
def timeliness(query: dict[str, Any]) -> dict[str, Any]:
    return reports.timeliness(
        current_service(),
        query.get("review_type") or None,
        query.get("from_"),
        query.get("to"),
        actor=current_actor(),
    )
