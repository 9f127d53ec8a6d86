"""JSON API for publication, learning and the annual report.

- ``/cases/{id}/publication…``: the board's response, advance copies, the harm check and the
  publication outcomes, each a case change through the service (guards decide; 409 on a stale
  ``expected_version``; 422 ``blocked`` with every reason);
- ``/learning-products…``: learning products linking reviews and themes, and their deliveries;
- ``/learning/themes`` and ``/learning/good-practice``: learning across reviews;
- ``/reports/annual``: the annual report as JSON or CSV.

Views only translate HTTP to calls of ``workflow.publication``, ``workflow.learning`` and
``workflow.annual_report``; every call needs ``Authorization: Bearer TOKEN``.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema, fields, validators
from flask import Response

from web.api.auth import current_actor, current_service
from workflow.core.guards.publication import PUBLISHED_AS
from workflow.services import learning, publication
from workflow.services.cases import CaseView
from workflow.services.reports import annual as annual_report

PUBLICATION = "Publication"
LEARNING = "Learning"
REPORTS = "Reports"
AUTH: dict[int, str] = {401: "Missing or unknown API token"}
CASE_CHANGE: dict[int, str] = {
    **AUTH,
    403: "Your role may not do this",
    404: "No such case, or not one you may see",
    409: "The case changed since you read it (version_conflict)",
    422: "Invalid input, or the step is blocked (details: every reason) or not available",
}
READER: dict[int, str] = {**AUTH, 403: "Only a reviewer, chair or administrator may do this"}

bp = APIBlueprint("learning", __name__)


def _doc(description: str, **extra: object) -> dict[str, object]:
    return {"description": description, **extra}


# -- shapes -----------------------------------------------------------------------------------


def _version() -> Any:
    return fields.Integer(
        required=True, strict=True, metadata=_doc("The version of the case you last read.")
    )


def _note() -> Any:
    return fields.String(load_default="", metadata=_doc("Why, for the audit trail."))


class ResponseParts(Schema):
    findings_accepted = fields.List(
        fields.Integer(strict=True),
        required=True,
        metadata=_doc("The numbers of the findings the board accepts."),
    )
    findings_not_accepted = fields.List(
        fields.Dict(),
        load_default=list,
        metadata=_doc("Each finding not accepted: {number, reason}."),
    )
    priorities = fields.List(fields.String(), required=True, metadata=_doc("The priorities."))
    actions = fields.List(
        fields.String(), required=True, metadata=_doc("The actions the board will take.")
    )
    monitoring = fields.String(
        required=True, metadata=_doc("How the effectiveness of the actions will be monitored.")
    )
    agreed_on = fields.Date(metadata=_doc("When the board agreed it (default today)."))


class ResponseIn(Schema):
    expected_version = _version()
    response = fields.Nested(ResponseParts, required=True)


class AdvanceCopiesIn(Schema):
    expected_version = _version()
    recipients = fields.List(
        fields.String(),
        load_default=list,
        metadata=_doc(
            "Who had the final report (keys of the review type's policy, e.g. national_panel, "
            "ofsted, dfe); all of them when left out."
        ),
    )
    sent_on = fields.Date(metadata=_doc("When it was sent (default today)."))
    note = _note()


class NoteIn(Schema):
    expected_version = _version()
    note = _note()


class PublishIn(Schema):
    expected_version = _version()
    url = fields.String(required=True, metadata=_doc("Where the report is published."))
    published_on = fields.Date(metadata=_doc("The date of publication (default today)."))
    published_as = fields.String(
        load_default="full_report",
        validate=validators.OneOf(PUBLISHED_AS),
        metadata=_doc("full_report, or only a summary or learning_brief."),
    )
    withheld_reasons = fields.String(
        load_default="",
        metadata=_doc("Why the full report is withheld (summary or learning brief only)."),
    )
    note = _note()


class NotPublishedIn(Schema):
    expected_version = _version()
    reasons = fields.String(required=True, metadata=_doc("The chair's reasons."))
    panel_told_on = fields.Date(
        required=True, metadata=_doc("When the reasons were sent to the national panel.")
    )
    note = _note()


class DelayIn(Schema):
    expected_version = _version()
    reason = fields.String(
        required=True, metadata=_doc("The parallel proceedings (criminal trial, inquest…).")
    )
    review_date = fields.Date(
        required=True, metadata=_doc("When the chair will review the delay; after today.")
    )
    note = _note()


class DelayReviewIn(Schema):
    expected_version = _version()
    review_date = fields.Date(required=True, metadata=_doc("The next review; after today."))
    note = _note()


class CopyOut(Schema):
    recipient = fields.String()
    name = fields.String()
    sent_on = fields.String(allow_none=True, metadata={"format": "date"})
    publication_allowed_from = fields.String(allow_none=True, metadata={"format": "date"})


class AdvanceOut(Schema):
    duration = fields.String(allow_none=True, metadata=_doc("How long before publication."))
    copies = fields.List(fields.Nested(CopyOut))
    publication_allowed_from = fields.String(
        allow_none=True,
        metadata=_doc("The first day every copy allows publication (null until all are sent)."),
    )


class PublicationOut(Schema):
    case = fields.String(metadata=_doc("The case's reference."))
    case_id = fields.Integer()
    version = fields.Integer()
    state = fields.String()
    state_label = fields.String()
    response = fields.Raw(allow_none=True, metadata=_doc("The board's response, as recorded."))
    response_problems = fields.List(fields.String())
    advance_copies = fields.Nested(AdvanceOut)
    harm_check = fields.Dict()
    published = fields.Dict(allow_none=True)
    not_published = fields.Dict(allow_none=True)
    delay = fields.Dict(allow_none=True)
    can_publish = fields.Boolean()
    blocked_by = fields.List(fields.String(), metadata=_doc("What still blocks publishing."))
    deadlines = fields.List(fields.Dict())


class DeliveryIn(Schema):
    delivered_on = fields.Date(required=True, metadata=_doc("When it was sent or held."))
    reach = fields.Integer(
        required=True,
        strict=True,
        validate=validators.Range(min=0),
        metadata=_doc("How many attended or received it."),
    )
    agencies_reached = fields.List(fields.String(), load_default=list)
    note = fields.String(load_default="")


class FindingRef(Schema):
    case = fields.String(required=True, metadata=_doc("A linked review's case reference."))
    number = fields.Integer(required=True, strict=True)


class ProductIn(Schema):
    kind = fields.String(
        required=True,
        validate=validators.OneOf(list(learning.KIND_LABELS)),
        metadata=_doc(", ".join(learning.KIND_LABELS)),
    )
    title = fields.String(required=True)
    summary = fields.String(load_default="")
    cases = fields.List(
        fields.String(), required=True, metadata=_doc("Case references of the reviews.")
    )
    themes = fields.List(fields.String(), load_default=list, metadata=_doc("Theme names."))
    findings = fields.List(
        fields.Nested(FindingRef),
        metadata=_doc(
            "The findings it draws on; left out: the linked reviews' findings on its themes."
        ),
    )
    audience_agencies = fields.List(fields.String(), load_default=list)
    audience_roles = fields.List(fields.String(), load_default=list)
    deliveries = fields.List(fields.Nested(DeliveryIn), load_default=list)


class ProductOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    title = fields.String()
    summary = fields.String()
    audiences = fields.Dict()
    cases = fields.List(fields.Dict(), metadata=_doc("{reference, review_type} of each review."))
    themes = fields.List(fields.String())
    findings = fields.List(fields.Dict())
    deliveries = fields.List(fields.Dict())
    reach = fields.Integer(metadata=_doc("Everyone reached, over all deliveries."))
    created_at = fields.String(metadata={"format": "date-time"})
    created_by = fields.String()


class ProductItem(ProductOut):
    """One product of a list (a schema of its own, so the document names it once)."""


class ProductPage(Schema):
    items = fields.List(fields.Nested(ProductItem))


class ProductQuery(Schema):
    kind = fields.String(validate=validators.OneOf(list(learning.KIND_LABELS)))
    case = fields.String(metadata=_doc("Only products linking this case reference."))
    theme = fields.String(metadata=_doc("Only products on this theme."))
    from_ = fields.Date(data_key="from", metadata=_doc("Delivered on or after."))
    to = fields.Date(metadata=_doc("Delivered on or before."))


class PeriodQuery(Schema):
    from_ = fields.Date(data_key="from", metadata=_doc("Findings recorded on or after."))
    to = fields.Date(metadata=_doc("Findings recorded on or before."))
    review_type = fields.String(metadata=_doc("One review type's key (default: all)."))


class GoodPracticeQuery(PeriodQuery):
    theme = fields.String(metadata=_doc("Only findings on this theme."))


class ThemesOut(Schema):
    from_ = fields.String(data_key="from", attribute="from", allow_none=True)
    to = fields.String(allow_none=True)
    review_type = fields.String(allow_none=True)
    findings = fields.Integer()
    unthemed_findings = fields.Integer()
    reviews = fields.Integer()
    recurring = fields.Integer(metadata=_doc("Themes found in more than one review."))
    themes = fields.List(
        fields.Dict(),
        metadata=_doc(
            "Per theme: findings, problems, good_practice, reviews, recurring, cases "
            "(references), review_types, agencies and years, each with its findings."
        ),
    )


class GoodPracticeOut(Schema):
    theme = fields.String(allow_none=True)
    items = fields.List(fields.Dict())


class AnnualQuery(Schema):
    year = fields.Integer(required=True, validate=validators.Range(min=2000, max=2100))
    start_month = fields.Integer(
        load_default=1,
        validate=validators.Range(min=1, max=12),
        metadata=_doc("1: the calendar year (default); 4: April to March."),
    )
    format = fields.String(load_default="json", validate=validators.OneOf(["json", "csv"]))


# -- publication ------------------------------------------------------------------------------


def _case_change(summary: str, description: str) -> dict[str, Any]:
    return {
        "summary": summary,
        "description": description,
        "tags": [PUBLICATION],
        "responses": CASE_CHANGE,
    }


@bp.get("/cases/<int:id>/publication")
@bp.output(PublicationOut, description="Where the case stands on publication")
@bp.doc(
    summary="Publication status",
    description=(
        "The board's response, each advance copy and the first day it allows publication, the "
        "harm check, the outcome so far, and every requirement still blocking `publish`."
    ),
    tags=[PUBLICATION],
    responses={**AUTH, 404: "No such case, or not one you may see"},
)
def publication_status(id: int) -> dict[str, Any]:
    return publication.status(current_service(), current_actor(), id)


@bp.put("/cases/<int:id>/publication/response")
@bp.input(ResponseIn, location="json", arg_name="body")
@bp.output(CaseView, description="The case, with data.board_response")
@bp.doc(
    **_case_change(
        "Record the board's response",
        "The board's written response: the findings it accepts (numbers of the case's "
        "findings), its priorities, its actions and how their effectiveness will be monitored. "
        "Reviewer or chair.",
    )
)
def record_response(id: int, body: dict[str, Any]) -> CaseView:
    response = dict(body["response"])
    if response.get("agreed_on") is not None:
        response["agreed_on"] = response["agreed_on"].isoformat()
    return publication.record_response(
        current_service(), current_actor(), id, body["expected_version"], response
    )


@bp.post("/cases/<int:id>/publication/advance-copies")
@bp.input(AdvanceCopiesIn, location="json", arg_name="body")
@bp.output(CaseView, description="The case, with data.advance_copies")
@bp.doc(
    **_case_change(
        "Record advance copies sent",
        "The final report went to these recipients (the national panel, Ofsted, DfE) on "
        "`sent_on`; publication is refused until the review type's set time has passed since "
        "each. Reviewer or chair.",
    )
)
def advance_copies(id: int, body: dict[str, Any]) -> CaseView:
    return publication.send_advance_copies(
        current_service(),
        current_actor(),
        id,
        body["expected_version"],
        body["recipients"],
        body.get("sent_on"),
        body["note"],
    )


@bp.post("/cases/<int:id>/publication/harm-check")
@bp.input(NoteIn, location="json", arg_name="body")
@bp.output(CaseView, description="The case, with the harm check confirmed")
@bp.doc(
    **_case_change(
        "Confirm the harm check",
        "The chair confirms that publication is unlikely to harm any child or vulnerable adult.",
    )
)
def harm_check(id: int, body: dict[str, Any]) -> CaseView:
    return publication.confirm_harm_check(
        current_service(), current_actor(), id, body["expected_version"], body["note"]
    )


@bp.post("/cases/<int:id>/publication/publish")
@bp.input(PublishIn, location="json", arg_name="body")
@bp.output(CaseView, description="The case, published")
@bp.doc(
    **_case_change(
        "Publish",
        "Publish the report (or only a summary or learning brief, with the reasons the full "
        "report is withheld) at `url`. Refused (422 `blocked`, every reason listed) before the "
        "board's response, the harm check, or the set time after the advance copies. Chair.",
    )
)
def publish(id: int, body: dict[str, Any]) -> CaseView:
    return publication.publish(
        current_service(),
        current_actor(),
        id,
        body["expected_version"],
        body["url"],
        body.get("published_on"),
        body["published_as"],
        body["withheld_reasons"],
        body["note"],
    )


@bp.post("/cases/<int:id>/publication/not-published")
@bp.input(NotPublishedIn, location="json", arg_name="body")
@bp.output(CaseView, description="The case, not published")
@bp.doc(
    **_case_change(
        "Decide not to publish",
        "The chair's reasons, and the date they were sent to the national panel. Chair.",
    )
)
def not_published(id: int, body: dict[str, Any]) -> CaseView:
    return publication.decide_not_to_publish(
        current_service(),
        current_actor(),
        id,
        body["expected_version"],
        body["reasons"],
        body["panel_told_on"],
        body["note"],
    )


@bp.post("/cases/<int:id>/publication/delay")
@bp.input(DelayIn, location="json", arg_name="body")
@bp.output(CaseView, description="The case, publication delayed")
@bp.doc(
    **_case_change(
        "Delay publication",
        "Delay for parallel proceedings until `review_date`; a review not done by then "
        "escalates to the chair. Chair.",
    )
)
def delay(id: int, body: dict[str, Any]) -> CaseView:
    return publication.delay(
        current_service(),
        current_actor(),
        id,
        body["expected_version"],
        body["reason"],
        body["review_date"],
        body["note"],
    )


@bp.post("/cases/<int:id>/publication/delay-review")
@bp.input(DelayReviewIn, location="json", arg_name="body")
@bp.output(CaseView, description="The case, still delayed, with the next review date")
@bp.doc(**_case_change("Review a delay", "Keep the delay until the next review date. Chair."))
def delay_review(id: int, body: dict[str, Any]) -> CaseView:
    return publication.review_delay(
        current_service(),
        current_actor(),
        id,
        body["expected_version"],
        body["review_date"],
        body["note"],
    )


@bp.post("/cases/<int:id>/publication/resume")
@bp.input(NoteIn, location="json", arg_name="body")
@bp.output(CaseView, description="The case, back in publication")
@bp.doc(**_case_change("Resume publication", "The proceedings are over. Chair."))
def resume(id: int, body: dict[str, Any]) -> CaseView:
    return publication.resume(
        current_service(), current_actor(), id, body["expected_version"], body["note"]
    )


# -- learning products ------------------------------------------------------------------------


@bp.get("/learning-products")
@bp.input(ProductQuery, location="query", arg_name="query")
@bp.output(ProductPage, description="Learning products, newest first")
@bp.doc(
    summary="List learning products",
    description="Filter by kind, linked case reference, theme, or delivered from/to.",
    tags=[LEARNING],
    responses=READER,
)
def list_products(query: dict[str, Any]) -> dict[str, Any]:
    return learning.list_products(
        current_service(),
        current_actor(),
        query.get("kind"),
        query.get("case"),
        query.get("theme"),
        query.get("from_"),
        query.get("to"),
    )


@bp.post("/learning-products")
@bp.input(ProductIn, location="json", arg_name="body")
@bp.output(ProductOut, status_code=201, description="The learning product")
@bp.doc(
    summary="Create a learning product",
    description=(
        "A bulletin, briefing, practitioner forum, event or thematic presentation linking one "
        "or more reviews (case references) and themes, with its audiences and deliveries. A "
        "thematic presentation draws together findings of at least two reviews."
    ),
    tags=[LEARNING],
    responses={**READER, 422: "Invalid product (details: each problem)"},
)
def create_product(body: dict[str, Any]) -> dict[str, Any]:
    return learning.create_product(current_service(), current_actor(), _dates_as_text(body))


@bp.get("/learning-products/<int:id>")
@bp.output(ProductOut, description="The learning product")
@bp.doc(
    summary="Show a learning product",
    tags=[LEARNING],
    responses={**READER, 404: "No such product"},
)
def get_product(id: int) -> dict[str, Any]:
    return learning.get_product(current_service(), current_actor(), id)


@bp.post("/learning-products/<int:id>/deliveries")
@bp.input(DeliveryIn, location="json", arg_name="body")
@bp.output(ProductOut, status_code=201, description="The product, with the delivery")
@bp.doc(
    summary="Record a delivery",
    description="The product went out (sent or held) on a day, reaching so many people.",
    tags=[LEARNING],
    responses={**READER, 404: "No such product", 422: "Invalid delivery"},
)
def add_delivery(id: int, body: dict[str, Any]) -> dict[str, Any]:
    return learning.add_delivery(current_service(), current_actor(), id, _dates_as_text(body))


def _dates_as_text(body: dict[str, Any]) -> dict[str, Any]:
    """The service reads dates as ISO text, as in case data."""
    out = dict(body)
    if out.get("delivered_on") is not None:
        out["delivered_on"] = out["delivered_on"].isoformat()
    if "deliveries" in out:
        out["deliveries"] = [_dates_as_text(d) for d in out["deliveries"]]
    return out


# -- learning across reviews ------------------------------------------------------------------


@bp.get("/learning/themes")
@bp.input(PeriodQuery, location="query", arg_name="query")
@bp.output(ThemesOut, description="Themes across reviews")
@bp.doc(
    summary="Themes across reviews",
    description=(
        "Which themes recur (in more than one review), in which review types and agencies, "
        "over which years, for findings recorded from `from` to `to`."
    ),
    tags=[LEARNING],
    responses=READER,
)
def themes(query: dict[str, Any]) -> dict[str, Any]:
    return learning.themes_view(
        current_service(),
        current_actor(),
        query.get("from_"),
        query.get("to"),
        query.get("review_type"),
    )


@bp.get("/learning/good-practice")
@bp.input(GoodPracticeQuery, location="query", arg_name="query")
@bp.output(GoodPracticeOut, description="What good looks like")
@bp.doc(
    summary="What good looks like",
    description="The good-practice findings of reviews, with their themes and agencies.",
    tags=[LEARNING],
    responses=READER,
)
def good_practice(query: dict[str, Any]) -> dict[str, Any]:
    return learning.good_practice(
        current_service(),
        current_actor(),
        query.get("theme"),
        query.get("from_"),
        query.get("to"),
        query.get("review_type"),
    )


# -- the annual report ------------------------------------------------------------------------


ANNUAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    **{code: {"description": text} for code, text in READER.items()},
}


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
    tags=[REPORTS],
    responses=ANNUAL_RESPONSES,
)
def annual(query: dict[str, Any]) -> Any:
    report = annual_report.annual(
        current_service(), current_actor(), query["year"], query["start_month"]
    )
    if query["format"] == "csv":
        name = annual_report.file_stem(report)
        return Response(
            annual_report.to_csv(report),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return report
