"""The JSON API under /api/v1: review types and cases.

Views only translate HTTP to service calls; typed errors become status codes in ``web.errors``.
Every call needs ``Authorization: Bearer TOKEN`` (see ``web.api_auth``); the OpenAPI document
at /api/v1/openapi.json is generated from the schemas in ``web.api_schemas``.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, APIFlask
from flask import current_app, request, url_for

from web import errors
from web.api import API_PREFIX
from web.api.auth import auth, current_actor, current_service
from web.api.schemas import (
    CaseIn,
    CaseOut,
    CasePage,
    CasePatch,
    CaseQuery,
    ErrorBody,
    EventOut,
    Published,
    ReviewTypeDetail,
    ReviewTypeQuery,
    ReviewTypeSource,
    ReviewTypeSummary,
    TransitionIn,
)
from workflow.core.errors import InvalidInput, NotFound

REVIEW_TYPES = "Review types"
CASES = "Cases"

DESCRIPTION = f"""The JSON API of the safeguarding case review workflow.

**Authentication.** Send `Authorization: Bearer TOKEN` on every call; an administrator creates a
token with `workflow tokens create NAME`. A missing or unknown token gets 401; a role that may
not do the thing gets 403. Agency users see only the cases of their agencies: any other case
answers 404, as if it did not exist.

**Errors.** Every error answers `{{"error": {{"code", "message", "details"}}}}`: `message` is a
sentence a person can act on and `details` lists each problem (each unmet requirement, each
definition problem, each invalid field as `field: problem`). Malformed JSON gets 400
(`bad_request`), a body over the configured size 413 (`too_large`), a stale `expected_version`
409 (`version_conflict`), a step that does not leave the current state 422 (`not_available`),
a step whose guards are unmet 422 (`blocked`), invalid fields or data 422 (`invalid_input`).
A request that fails changes nothing.

**Concurrency.** Each case has a `version`. Every change sends the version it last read as
`expected_version`; if someone else changed the case first the answer is 409 and nothing is
saved: reload the case and try again.

**Paging.** `GET {API_PREFIX}/cases` answers `{{"items": [...], "next_after": ID-or-null}}`,
newest case first. `limit` sets the page size (default: the configured page_size, at most 200).
To get the next page, send the same query with `after` set to the `next_after` of the page you
have; `next_after` is null on the last page. Pages are keyed on the case id, so cases opened
while you page do not shift or repeat the pages.
"""

bp = APIBlueprint("api_core", __name__, url_prefix=API_PREFIX, enable_openapi=True)

AUTH_RESPONSES: dict[int, str] = {401: "Missing or unknown API token"}
CASE_RESPONSES: dict[int, str] = {
    **AUTH_RESPONSES,
    404: "No such case, or not one you may see",
}


@bp.before_request
@bp.auth_required(auth)
def authenticate() -> None:
    """Every call of this blueprint needs a valid bearer token."""
    return None


@bp.before_request
def require_json_body() -> None:
    """A body that is not declared as JSON is refused rather than silently ignored."""
    if request.method in ("POST", "PUT", "PATCH") and not request.is_json:
        has_body = bool(request.content_length) or "chunked" in request.headers.get(
            "Transfer-Encoding", ""
        )
        if has_body:
            raise errors.bad_request(
                "Send the request body as JSON with the header Content-Type: application/json."
            )


def _page_size() -> int:
    settings = current_app.extensions.get("workflow.settings")
    size = getattr(settings, "page_size", None)
    return int(size) if size else current_service().page_size


# -- review types -----------------------------------------------------------------------------


@bp.get("/review-types")
@bp.output(ReviewTypeSummary(many=True), description="The latest version of each review type")
@bp.doc(
    summary="List review types",
    description="The latest published version of each review type, with its states.",
    tags=[REVIEW_TYPES],
    responses=AUTH_RESPONSES,
)
def list_review_types() -> list[dict[str, Any]]:
    return current_service().review_types()


@bp.get("/review-types/<key>")
@bp.input(ReviewTypeQuery, location="query", arg_name="query")
@bp.output(ReviewTypeDetail, description="One version of the review type")
@bp.doc(
    summary="Show a review type",
    description=(
        "The latest version (or the one named by `version`) with its TOML `source`, states, "
        "transitions (`trigger`, `source`, `dest`, `roles`, guards) and timers."
    ),
    tags=[REVIEW_TYPES],
    responses={**AUTH_RESPONSES, 404: "No such review type or version"},
)
def get_review_type(key: str, query: dict[str, Any]) -> dict[str, Any]:
    return current_service().review_type(key, query.get("version"))


@bp.put("/review-types/<key>")
@bp.input(ReviewTypeSource, location="json", arg_name="body")
@bp.output(Published, status_code=201, description="Published as the next version")
@bp.doc(
    summary="Publish a new version of a review type (admin)",
    description=(
        "Validates the TOML definition and publishes it as the next version of the review type "
        "named in the address (version 1 for a new one). Its `key` must be the key in the "
        "address. A definition with problems answers 422 `invalid_definition` with one "
        "`details` entry per problem, and nothing is published. Cases already open keep the "
        "version they started on."
    ),
    tags=[REVIEW_TYPES],
    responses={
        **AUTH_RESPONSES,
        403: "Only an administrator may publish review types",
        413: "The body is larger than the configured size",
    },
)
def publish_review_type(
    key: str, body: dict[str, Any]
) -> tuple[dict[str, Any], int, dict[str, str]]:
    published = current_service().publish(
        current_actor(), body["source"], file="source", expected_key=key
    )
    location = url_for(".get_review_type", key=published["key"])
    return published, 201, {"Location": location}


# -- cases ------------------------------------------------------------------------------------


@bp.post("/cases")
@bp.input(CaseIn, location="json", arg_name="body")
@bp.output(CaseOut, status_code=201, description="The case, opened")
@bp.doc(
    summary="Open a case",
    description=(
        "Opens a case of a review type in its initial state. `data` is checked against the "
        "review type's rules (for a notifiable incident, `aware_at` is required and opens the "
        "notification deadline)."
    ),
    tags=[CASES],
    responses={
        **AUTH_RESPONSES,
        403: "Your role may not open this kind of case",
        413: "The body is larger than the configured size",
    },
)
def open_case(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    try:
        case = current_service().open_case(
            current_actor(), body["review_type"], body["title"], body["data"]
        )
    except NotFound as exc:
        # The address exists; it is a field of the body that names nothing.
        raise InvalidInput(
            "The case was not opened: fix each problem listed and try again.",
            [f"review_type: {exc.message}"],
        ) from exc
    return case, 201, {"Location": url_for(".get_case", id=case["id"])}


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
    responses=AUTH_RESPONSES,
)
def list_cases(query: dict[str, Any]) -> dict[str, Any]:
    page = current_service().list_cases(
        current_actor(),
        review_type=query.get("review_type") or None,
        state=query.get("state") or None,
        overdue=bool(query.get("overdue")),
        limit=query.get("limit") or _page_size(),
        after=query.get("after"),
    )
    return {"items": page.items, "next_after": page.next_after}


@bp.get("/cases/<int:id>")
@bp.output(CaseOut, description="The case")
@bp.doc(
    summary="Show a case",
    description=(
        "The case with its deadlines and the steps open to you from its current state, each "
        "with whether its guards allow it now and, if not, every unmet requirement."
    ),
    tags=[CASES],
    responses=CASE_RESPONSES,
)
def get_case(id: int) -> dict[str, Any]:  # `id`: the contract's name for the path parameter
    return current_service().get_case(current_actor(), id)


@bp.patch("/cases/<int:id>")
@bp.input(CasePatch, location="json", arg_name="body")
@bp.output(CaseOut, description="The case, changed")
@bp.doc(
    summary="Change a case's data",
    description=(
        "Merges `data` into the case's data key by key (a null value removes a key); deadlines "
        "follow their anchors. `expected_version` must be the case's current version, or the "
        "answer is 409 `version_conflict` and nothing is saved."
    ),
    tags=[CASES],
    responses={
        **CASE_RESPONSES,
        403: "Your role may not change a case's data",
        409: "The case changed since you read it (version_conflict)",
        413: "The body is larger than the configured size",
    },
)
def update_case(id: int, body: dict[str, Any]) -> dict[str, Any]:
    return current_service().update_data(
        current_actor(), id, body["data"], body["expected_version"], body["note"]
    )


@bp.post("/cases/<int:id>/transitions")
@bp.input(TransitionIn, location="json", arg_name="body")
@bp.output(CaseOut, description="The case, after the step")
@bp.doc(
    summary="Take a step",
    description=(
        "Fires `trigger` on the case. `data` is merged into the case's data before the guards "
        "run, in the same transaction. Refusals change nothing: 409 `version_conflict` (the "
        "case changed since you read it), 422 `blocked` (`details`: each unmet requirement), "
        "422 `not_available` (the trigger does not leave the current state), 403 (your role "
        "may not take this step)."
    ),
    tags=[CASES],
    responses={
        **CASE_RESPONSES,
        403: "Your role may not take this step",
        409: "The case changed since you read it (version_conflict)",
        413: "The body is larger than the configured size",
    },
)
def fire_transition(id: int, body: dict[str, Any]) -> dict[str, Any]:
    return current_service().transition(
        current_actor(), id, body["trigger"], body["expected_version"], body["note"], body["data"]
    )


@bp.get("/cases/<int:id>/events")
@bp.output(EventOut(many=True), description="The audit trail, oldest first")
@bp.doc(
    summary="Show a case's audit trail",
    description=(
        "Everything that happened to the case, oldest first. The trail is append-only: no call "
        "edits or deletes it."
    ),
    tags=[CASES],
    responses=CASE_RESPONSES,
)
def list_events(id: int) -> list[dict[str, Any]]:
    return current_service().events(current_actor(), id)


def register(app: APIFlask) -> None:
    errors.register(app)
    if not app.config.get("DESCRIPTION"):
        app.config["DESCRIPTION"] = DESCRIPTION
    app.config.update(
        HTTP_ERROR_SCHEMA=ErrorBody,
        VALIDATION_ERROR_SCHEMA=ErrorBody,
        VALIDATION_ERROR_DESCRIPTION="Invalid input (invalid_input): one detail per problem",
        AUTH_ERROR_DESCRIPTION="Missing or unknown API token (unauthorized)",
        NOT_FOUND_DESCRIPTION="Not found, or not one you may see (not_found)",
    )
    app.register_blueprint(bp)
