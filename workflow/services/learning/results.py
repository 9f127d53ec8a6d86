"""What learning answers: a learning product with what it links and whom it reached, the themes
across reviews, and "what good looks like". Reviews appear by case reference and review type,
never by title. The JSON API uses these as its answers' schemas."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field

from workflow.services.results import Instant, Result

# -- learning products -------------------------------------------------------------------------


class Audiences(Result):
    agencies: list[str]
    roles: list[str]


class LinkedReview(Result):
    reference: str
    review_type: str


class DrawnFinding(Result):
    """A finding a product draws on."""

    case: str = Field(description="The case reference of its review.")
    number: int
    kind: str
    what_happened: str
    why: str
    themes: list[str]


class Delivery(Result):
    delivered_on: date
    reach: int
    agencies_reached: list[str]
    note: str


class Product(Result):
    """A learning product."""

    id: int
    kind: str
    kind_label: str
    title: str
    summary: str
    audiences: Audiences
    cases: list[LinkedReview] = Field(description="{reference, review_type} of each review.")
    themes: list[str]
    findings: list[DrawnFinding]
    deliveries: list[Delivery]
    reach: int = Field(description="Everyone reached, over all deliveries.")
    created_at: Instant
    created_by: str


class ProductList(Result):
    items: list[Product]


# -- learning across reviews -------------------------------------------------------------------


class TypeCount(Result):
    review_type: str
    name: str
    findings: int


class AgencyCount(Result):
    agency: str
    findings: int


class YearCount(Result):
    year: int
    findings: int


class ThemeRow(Result):
    """One theme across reviews: its findings, the reviews they come from, whether it recurs
    (in more than one review), and the review types, agencies and years it appears in."""

    theme: str
    findings: int
    problems: int
    good_practice: int
    reviews: int
    recurring: bool
    cases: list[str] = Field(description="The references of its reviews.")
    review_types: list[TypeCount]
    agencies: list[AgencyCount]
    years: list[YearCount]


class ThemesView(Result):
    """Which themes recur across reviews, for findings recorded in a period."""

    # ``from`` and ``to`` in JSON; ``start`` and ``end`` in Python, where ``from`` is a keyword.
    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    start: date | None = Field(validation_alias="from", serialization_alias="from")
    end: date | None = Field(validation_alias="to", serialization_alias="to")
    review_type: str | None
    findings: int
    unthemed_findings: int
    reviews: int
    recurring: int = Field(description="Themes found in more than one review.")
    themes: list[ThemeRow]


class GoodPracticeFinding(Result):
    case: str
    review_type: str
    review_type_name: str
    number: int
    year: int
    what_happened: str
    why: str
    themes: list[str]
    agencies: list[str]


class GoodPractice(Result):
    """ "What good looks like": the good-practice findings of reviews."""

    theme: str | None
    items: list[GoodPracticeFinding]
