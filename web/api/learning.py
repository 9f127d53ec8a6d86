"""JSON API for learning: ``/learning-products…``, learning products linking reviews and themes
and their deliveries; ``/learning/themes`` and ``/learning/good-practice``, learning across
reviews.

Views only translate HTTP to calls of ``workflow.services.learning``; the request bodies are its
commands and the answers its results. Every call needs ``Authorization: Bearer TOKEN``, and only
a reviewer, chair or administrator may make it.
"""

from __future__ import annotations

from datetime import date

from apiflask import APIBlueprint
from pydantic import BaseModel, ConfigDict, Field

from web.api.auth import current_actor, current_service
from workflow.services import learning
from workflow.services.learning import (
    GoodPractice,
    NewDelivery,
    NewProduct,
    Product,
    ProductKind,
    ProductList,
    ThemesView,
)

TAG = "Learning"
AUTH: dict[int, str] = {401: "Missing or unknown API token"}
READER: dict[int, str] = {**AUTH, 403: "Only a reviewer, chair or administrator may do this"}

bp = APIBlueprint("learning", __name__)


class Query(BaseModel):
    """A query string: parameters it does not name are ignored, as they always were."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class ProductQuery(Query):
    kind: ProductKind | None = None
    case: str | None = Field(None, description="Only products linking this case reference.")
    theme: str | None = Field(None, description="Only products on this theme.")
    start: date | None = Field(None, validation_alias="from", description="Delivered on or after.")
    end: date | None = Field(None, validation_alias="to", description="Delivered on or before.")


class PeriodQuery(Query):
    start: date | None = Field(
        None, validation_alias="from", description="Findings recorded on or after."
    )
    end: date | None = Field(
        None, validation_alias="to", description="Findings recorded on or before."
    )
    review_type: str | None = Field(None, description="One review type's key (default: all).")


class GoodPracticeQuery(PeriodQuery):
    theme: str | None = Field(None, description="Only findings on this theme.")


# -- learning products ------------------------------------------------------------------------


@bp.get("/learning-products")
@bp.input(ProductQuery, location="query", arg_name="query")
@bp.output(ProductList, description="Learning products, newest first")
@bp.doc(
    summary="List learning products",
    description="Filter by kind, linked case reference, theme, or delivered from/to.",
    tags=[TAG],
    responses=READER,
)
def list_products(query: ProductQuery) -> ProductList:
    return learning.list_products(
        current_service(),
        current_actor(),
        query.kind,
        query.case,
        query.theme,
        query.start,
        query.end,
    )


@bp.post("/learning-products")
@bp.input(NewProduct, location="json", arg_name="body")
@bp.output(Product, status_code=201, description="The learning product")
@bp.doc(
    summary="Create a learning product",
    description=(
        "A bulletin, briefing, practitioner forum, event or thematic presentation linking one "
        "or more reviews (case references) and themes, with its audiences and deliveries. A "
        "thematic presentation draws together findings of at least two reviews."
    ),
    tags=[TAG],
    responses={**READER, 422: "Invalid product (details: each problem)"},
)
def create_product(body: NewProduct) -> Product:
    return learning.create_product(current_service(), current_actor(), body)


@bp.get("/learning-products/<int:id>")
@bp.output(Product, description="The learning product")
@bp.doc(
    summary="Show a learning product",
    tags=[TAG],
    responses={**READER, 404: "No such product"},
)
def get_product(id: int) -> Product:
    return learning.get_product(current_service(), current_actor(), id)


@bp.post("/learning-products/<int:id>/deliveries")
@bp.input(NewDelivery, location="json", arg_name="body")
@bp.output(Product, status_code=201, description="The product, with the delivery")
@bp.doc(
    summary="Record a delivery",
    description="The product went out (sent or held) on a day, reaching so many people.",
    tags=[TAG],
    responses={**READER, 404: "No such product", 422: "Invalid delivery"},
)
def add_delivery(id: int, body: NewDelivery) -> Product:
    return learning.add_delivery(current_service(), current_actor(), id, body)


# -- learning across reviews ------------------------------------------------------------------


@bp.get("/learning/themes")
@bp.input(PeriodQuery, location="query", arg_name="query")
@bp.output(ThemesView, description="Themes across reviews")
@bp.doc(
    summary="Themes across reviews",
    description=(
        "Which themes recur (in more than one review), in which review types and agencies, "
        "over which years, for findings recorded from `from` to `to`."
    ),
    tags=[TAG],
    responses=READER,
)
def themes(query: PeriodQuery) -> ThemesView:
    return learning.themes_view(
        current_service(), current_actor(), query.start, query.end, query.review_type
    )


@bp.get("/learning/good-practice")
@bp.input(GoodPracticeQuery, location="query", arg_name="query")
@bp.output(GoodPractice, description="What good looks like")
@bp.doc(
    summary="What good looks like",
    description="The good-practice findings of reviews, with their themes and agencies.",
    tags=[TAG],
    responses=READER,
)
def good_practice(query: GoodPracticeQuery) -> GoodPractice:
    return learning.good_practice(
        current_service(), current_actor(), query.theme, query.start, query.end, query.review_type
    )
