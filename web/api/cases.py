"""The JSON API of cases: open one, list them, read one and its audit trail, change its data,
take a step. Views only translate HTTP to the service's commands; the models they take and
answer are the service's own (``workflow.services.cases``), so each shape is described once.
"""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import url_for

from web.api.auth import current_actor, current_service
from web.api.commands import CASE_RESPONSES, case_command
from web.api.root import many, paged
from workflow.core.errors import InvalidInput, NotFound
from workflow.core.roles import Actor
from workflow.services.cases import (
    CasePage,
    CaseQuery,
    CaseView,
    ChangeData,
    EventView,
    OpenCase,
    Service,
    TakeStep,
)

CASES = "Cases"

bp = APIBlueprint("cases", __name__)


@bp.post("/cases")
@bp.input(OpenCase, location="json", arg_name="body")
@bp.output(CaseView, status_code=201, description="The case, opened")
@bp.doc(
    summary="Open a case",
    description=(
        "Opens a case of a review type in its initial state. `data` is checked against the "
        "review type's rules (for a notifiable incident, `aware_at` is required and opens the "
        "notification deadline)."
    ),
    tags=[CASES],
    responses={
        401: CASE_RESPONSES[401],
        403: "Your role may not open this kind of case",
        413: "The body is larger than the configured size",
    },
)
def open_case(body: OpenCase) -> tuple[CaseView, int, dict[str, str]]:
    try:
        case = current_service().open(current_actor(), body)
    except NotFound as exc:
        # The address exists; it is a field of the body that names nothing.
        raise InvalidInput(
            "The case was not opened: fix each problem listed and try again.",
            [f"review_type: {exc.message}"],
        ) from exc
    return case, 201, {"Location": url_for(".get_case", id=case.id)}


@bp.get("/cases")
@bp.input(CaseQuery, location="query", arg_name="query")
@bp.output(CasePage, description="One page of cases, newest first")
@bp.doc(
    summary="List cases",
    description=(
        "The cases you may see, newest first, filtered by `review_type`, `state` and "
        "`overdue=true` (a deadline fell due and was not met in time). Paged by key: the answer "
        'is `{"items": [...], "next_after": ID-or-null}`; send `after=<next_after>` with the '
        "same filters for the next page. `limit` is 1 to 200 (default: the configured "
        "page_size). Items leave out `transitions`; GET the case for them."
    ),
    tags=[CASES],
    responses={401: CASE_RESPONSES[401]},
)
def list_cases(query: CaseQuery) -> CasePage:
    return current_service().page_of_cases(current_actor(), paged(query))


@bp.get("/cases/<int:id>")
@bp.output(CaseView, description="The case")
@bp.doc(
    summary="Show a case",
    description=(
        "The case with its deadlines and the steps open to you from its current state, each "
        "with whether its guards allow it now and, if not, every unmet requirement."
    ),
    tags=[CASES],
    responses=CASE_RESPONSES,
)
def get_case(id: int) -> CaseView:  # `id`: the contract's name for the path parameter
    return current_service().get_case(current_actor(), id)


@case_command(
    bp,
    "PATCH",
    "/cases/<int:id>",
    body=ChangeData,
    summary="Change a case's data",
    description=(
        "Merges `data` into the case's data key by key (a null value removes a key); deadlines "
        "follow their anchors. `expected_version` must be the case's current version, or the "
        "answer is 409 `version_conflict` and nothing is saved."
    ),
    tags=[CASES],
    responses={403: "Your role may not change a case's data"},
)
def update_case(service: Service, actor: Actor, case_id: int, body: ChangeData) -> CaseView:
    return service.change_data(actor, case_id, body)


@case_command(
    bp,
    "POST",
    "/cases/<int:id>/transitions",
    body=TakeStep,
    answer_description="The case, after the step",
    summary="Take a step",
    description=(
        "Fires `trigger` on the case. `data` is merged into the case's data before the guards "
        "run, in the same transaction. Refusals change nothing: 409 `version_conflict` (the "
        "case changed since you read it), 422 `blocked` (`details`: each unmet requirement), "
        "422 `not_available` (the trigger does not leave the current state), 403 (your role "
        "may not take this step)."
    ),
    tags=[CASES],
    responses={403: "Your role may not take this step"},
)
def fire_transition(service: Service, actor: Actor, case_id: int, body: TakeStep) -> CaseView:
    return service.take_step(actor, case_id, body)


@bp.get("/cases/<int:id>/events")
@bp.output(many(EventView), description="The audit trail, oldest first")
@bp.doc(
    summary="Show a case's audit trail",
    description=(
        "Everything that happened to the case, oldest first. The trail is append-only: no call "
        "edits or deletes it."
    ),
    tags=[CASES],
    responses=CASE_RESPONSES,
)
def list_events(id: int) -> list[EventView]:
    return current_service().events(current_actor(), id)


__all__ = ["bp"]
