"""What a person asks of publication, one command per step: the board's response, the advance
copies, the harm check, and the outcomes (published, not published, delayed, the delay reviewed,
resumed).

Each names the version of the case it was read at (``expected_version``): a change on a stale
version is refused. The JSON API takes these as its request bodies, so each is validated once
where it enters; the use cases check the rules of the domain (the findings exist, a date is
not in the future, the web address is one).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, StrictInt

from workflow.core.guards.publication import PublishedAs
from workflow.services.results import Command


class CaseChange(Command):
    """A change to a case, at the version you last read, with a note for the audit trail."""

    expected_version: StrictInt = Field(description="The version of the case you last read.")
    note: str = Field(default="", description="Why, for the audit trail.")


class FindingNotAccepted(Command):
    number: StrictInt = Field(description="The finding's number.")
    reason: str = Field(description="Why the board does not accept it.")


class BoardResponse(Command):
    """The board's written response to the review, as a table."""

    findings_accepted: list[StrictInt] = Field(
        description="The numbers of the findings the board accepts."
    )
    findings_not_accepted: list[FindingNotAccepted] = Field(
        default_factory=list, description="Each finding not accepted: {number, reason}."
    )
    priorities: list[str] = Field(description="The priorities.")
    actions: list[str] = Field(description="The actions the board will take.")
    monitoring: str = Field(description="How the effectiveness of the actions will be monitored.")
    agreed_on: date | None = Field(
        default=None, description="When the board agreed it (default today)."
    )


class RecordResponse(Command):
    expected_version: StrictInt = Field(description="The version of the case you last read.")
    response: BoardResponse


class SendAdvanceCopies(CaseChange):
    recipients: list[str] = Field(
        default_factory=list,
        description="Who had the final report (keys of the review type's policy, e.g. "
        "national_panel, ofsted, dfe); all of them when left out.",
    )
    sent_on: date | None = Field(default=None, description="When it was sent (default today).")


class ConfirmHarmCheck(CaseChange):
    """The chair confirms that publication is unlikely to harm any child or vulnerable adult."""


class Publish(CaseChange):
    url: str = Field(description="Where the report is published.")
    published_on: date | None = Field(
        default=None, description="The date of publication (default today)."
    )
    published_as: PublishedAs = Field(
        default=PublishedAs.FULL_REPORT,
        description="full_report, or only a summary or learning_brief.",
    )
    withheld_reasons: str = Field(
        default="", description="Why the full report is withheld (summary or learning brief only)."
    )


class DecideNotToPublish(CaseChange):
    reasons: str = Field(description="The chair's reasons.")
    panel_told_on: date = Field(description="When the reasons were sent to the national panel.")


class DelayPublication(CaseChange):
    reason: str = Field(description="The parallel proceedings (criminal trial, inquest…).")
    review_date: date = Field(description="When the chair will review the delay; after today.")


class ReviewDelay(CaseChange):
    review_date: date = Field(description="The next review; after today.")


class ResumePublication(CaseChange):
    """The proceedings are over: publication goes on."""
