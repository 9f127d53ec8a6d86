"""The JSON API of review types: the newest version of each, one version with its TOML source,
and publishing a new version (administrators)."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import url_for

from web.api.auth import current_actor, current_service
from web.api.root import many
from workflow.services.cases.review_types import (
    Published,
    PublishReviewType,
    ReviewTypeDetail,
    ReviewTypeSummary,
    VersionQuery,
)

REVIEW_TYPES = "Review types"
AUTH_RESPONSES: dict[int, str] = {401: "Missing or unknown API token"}

bp = APIBlueprint("review_types", __name__)


@bp.get("/review-types")
@bp.output(many(ReviewTypeSummary), description="The latest version of each review type")
@bp.doc(
    summary="List review types",
    description="The latest published version of each review type, with its states.",
    tags=[REVIEW_TYPES],
    responses=AUTH_RESPONSES,
)
def list_review_types() -> list[ReviewTypeSummary]:
    return current_service().review_types()


@bp.get("/review-types/<key>")
@bp.input(VersionQuery, location="query", arg_name="query")
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
def get_review_type(key: str, query: VersionQuery) -> ReviewTypeDetail:
    return current_service().review_type(key, query.version)


@bp.put("/review-types/<key>")
@bp.input(PublishReviewType, location="json", arg_name="body")
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
def publish_review_type(key: str, body: PublishReviewType) -> tuple[Published, int, dict[str, str]]:
    published = current_service().publish(
        current_actor(), body.source, file="source", expected_key=key
    )
    location = url_for(".get_review_type", key=published.key)
    return published, 201, {"Location": location}


__all__ = ["bp"]
