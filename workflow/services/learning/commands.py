"""What a person asks of learning products: a new product (linking reviews, themes and
findings, with its audiences and any deliveries already made) and a delivery of it.

The JSON API takes these as its request bodies, so each is validated once where it enters; the
use cases check the rules of the domain (the reviews and themes exist, a delivery has happened,
a thematic presentation draws on several reviews).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, StrictInt

from workflow.services.results import Command
from workflow.store.models.learning import ProductKind

#: The kinds of learning product, as people name them.
KIND_LABELS: dict[str, str] = {
    ProductKind.BULLETIN: "Bulletin",
    ProductKind.BRIEFING: "Briefing",
    ProductKind.PRACTITIONER_FORUM: "Practitioner forum",
    ProductKind.EVENT: "Dissemination event",
    ProductKind.THEMATIC_PRESENTATION: "Thematic presentation",
}


class NewDelivery(Command):
    """One time a product went out: a bulletin sent, a forum or event held."""

    delivered_on: date = Field(description="When it was sent or held.")
    reach: StrictInt = Field(ge=0, description="How many attended or received it.")
    agencies_reached: list[str] = Field(default_factory=list)
    note: str = ""


class FindingRef(Command):
    """A finding of a linked review, by the review's case reference and the finding's number."""

    case: str = Field(description="A linked review's case reference.")
    number: StrictInt


class NewProduct(Command):
    """A learning product linking one or more reviews and themes."""

    kind: ProductKind = Field(description=", ".join(KIND_LABELS))
    title: str
    summary: str = ""
    cases: list[str] = Field(description="Case references of the reviews.")
    themes: list[str] = Field(default_factory=list, description="Theme names.")
    findings: list[FindingRef] = Field(
        default_factory=list,
        description="The findings it draws on; left out: the linked reviews' findings on its "
        "themes.",
    )
    audience_agencies: list[str] = Field(default_factory=list)
    audience_roles: list[str] = Field(default_factory=list)
    deliveries: list[NewDelivery] = Field(default_factory=list)

    @property
    def names_findings(self) -> bool:
        """Whether the findings were named one by one (left out, they follow the themes)."""
        return "findings" in self.model_fields_set
