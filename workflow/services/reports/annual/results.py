"""The annual report as ``annual`` answers it, section by section; the JSON API, the CSV, the
printable page and ``workflow report annual`` all read it. Reviews appear by case reference and
review type only. Fields are in the order the JSON has always listed them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import ConfigDict, Field, JsonValue

from workflow.services.results import Instant, Result


class ReviewMeasure(StrEnum):
    OPENED = "opened"
    COMPLETED = "completed"
    PUBLISHED = "published"
    NOT_PUBLISHED = "not_published"
    DELAYED = "delayed"


class ActionMeasure(StrEnum):
    DUE = "due"
    COMPLETED = "completed"
    COMPLETED_ON_TIME = "completed_on_time"
    COMPLETED_LATE = "completed_late"
    IMPACT_EVIDENCED = "impact_evidenced"
    OPEN_AT_END = "open_at_end"
    OVERDUE_AT_END = "overdue_at_end"


class ReportPeriod(Result):
    # ``from`` and ``to`` in JSON; ``start`` and ``end`` in Python, where ``from`` is a keyword.
    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    year: int
    start_month: int
    label: str = Field(description="2026 for a calendar year, 2026-27 from another month.")
    start: date = Field(validation_alias="from", serialization_alias="from")
    end: date = Field(validation_alias="to", serialization_alias="to")
    as_of: Instant
    complete: bool = Field(description="Whether the year had ended when the report was made.")


class Ended(Result):
    state: str
    label: str
    count: int


class ReviewRow(Result):
    """The reviews of one type: opened, completed, published, not published and delayed in the
    year, and those that first reached an end state in it, by outcome."""

    review_type: str
    name: str
    opened: int
    completed: int
    published: int
    not_published: int
    delayed: int
    ended: list[Ended]


class PublicationRow(Result):
    case: str
    review_type: str
    published_on: date
    published_as: str


class DecisionRow(Result):
    """How many times the chair took one step on reviews of one type in the year."""

    review_type: str
    trigger: str
    label: str
    count: int


class ActionFigures(Result):
    due: int
    completed: int
    completed_on_time: int
    completed_late: int
    impact_evidenced: int
    open_at_end: int
    overdue_at_end: int


class _OwnerAgency(Result):
    agency: str


# The agency comes first in JSON: pydantic lists a later base's fields first.
class AgencyActions(ActionFigures, _OwnerAgency):
    """The action figures of one owner agency."""


class Actions(Result):
    as_of: date = Field(description="Open and overdue are judged on this day.")
    totals: ActionFigures
    by_agency: list[AgencyActions]


class KindReach(Result):
    kind: str
    label: str
    products: int
    deliveries: int
    reach: int


class AgencyReached(Result):
    agency: str
    deliveries: int


class Learning(Result):
    products: int
    deliveries: int
    reach: int
    by_kind: list[KindReach]
    agencies_reached: list[AgencyReached]


class YearTheme(Result):
    theme: str
    findings: int
    problems: int
    good_practice: int
    reviews: int
    recurring: bool
    seen_before: bool = Field(description="Found in findings recorded before the year.")
    review_types: list[str]


class Themes(Result):
    findings: int
    reviews: int
    recurring: int
    rows: list[YearTheme]


class ClassificationRow(Result):
    """How many reviews of a type recorded one value of a choice in the year (the category of
    a child's death, its modifiable factors…)."""

    review_type: str
    field: str = Field(description="The data key, e.g. death_category or modifiable_factors.")
    value: str
    label: str
    count: int


class AnnualReport(Result):
    """The board's annual report for one year."""

    period: ReportPeriod
    reviews: list[ReviewRow]
    publications: list[PublicationRow]
    decisions: list[DecisionRow]
    # Each time limit, as the timeliness report gives it for the year.
    timeliness: list[dict[str, JsonValue]]
    actions: Actions
    learning: Learning
    themes: Themes
    classifications: list[ClassificationRow] = Field(
        default_factory=list,
        description="Counts by the values of each review type's choices (e.g. child deaths by "
        "category and by modifiable factors), counted on the step that recorded them.",
    )
