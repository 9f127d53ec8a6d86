"""Where a case stands on publication, as ``status`` answers it (and the JSON API serves it).

Values read from the case's data are given as they were recorded there (``JsonValue``): they
are written by the use cases of publication, but a case's data can be changed directly too.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, JsonValue

from workflow.services.results import Result


class AdvanceCopy(Result):
    recipient: str
    name: str
    sent_on: date | None
    publication_allowed_from: date | None


class AdvanceCopies(Result):
    duration: str | None = Field(description="How long before publication.")
    copies: list[AdvanceCopy]
    publication_allowed_from: date | None = Field(
        description="The first day every copy allows publication (null until all are sent)."
    )


class HarmCheck(Result):
    confirmed: bool
    confirmed_by: JsonValue
    confirmed_on: JsonValue


class Published(Result):
    url: JsonValue
    published_on: JsonValue
    published_as: JsonValue
    withheld_reasons: JsonValue


class NotPublished(Result):
    reasons: JsonValue
    panel_told_on: JsonValue


class Delay(Result):
    reason: JsonValue
    review_date: JsonValue


class PublicationStatus(Result):
    """The response, each advance copy and the earliest day it allows, the harm check, the
    outcome so far, and what still blocks publishing."""

    case: str = Field(description="The case's reference.")
    case_id: int
    version: int
    state: str
    state_label: str
    response: JsonValue = Field(description="The board's response, as recorded.")
    response_problems: list[str]
    advance_copies: AdvanceCopies
    harm_check: HarmCheck
    published: Published | None
    not_published: NotPublished | None
    delay: Delay | None
    can_publish: bool
    blocked_by: list[str] = Field(description="What still blocks publishing.")
    # The case's deadlines of publication, as the case shows them.
    deadlines: list[dict[str, JsonValue]]
