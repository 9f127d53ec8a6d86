"""Guards for publication (transparency): the board's response, the advance copies sent a set
time before publication (T5), and what is published when it is not the full report.

The structured values they read are written by ``workflow.publication``; the README lists each
key.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from workflow.core.calendar import parse_duration
from workflow.core.guards.registry import REGISTRY, GuardContext, Param
from workflow.core.values import BadValue, as_date, is_blank, lookup

#: The parts of a structured board response, with what each says.
RESPONSE_PARTS: dict[str, str] = {
    "findings_accepted": "the numbers of the findings the board accepts",
    "priorities": "the board's priorities",
    "actions": "the actions it will take",
    "monitoring": "how the effectiveness of those actions will be monitored",
}

#: Names of the usual recipients of advance copies; any other key is shown as written.
RECIPIENT_NAMES: dict[str, str] = {
    "national_panel": "the national panel",
    "ofsted": "Ofsted",
    "dfe": "DfE",
    "secretary_of_state": "the Secretary of State",
}


class PublishedAs(StrEnum):
    """What is published: the full report, or only a summary or a learning brief."""

    FULL_REPORT = "full_report"
    SUMMARY = "summary"
    LEARNING_BRIEF = "learning_brief"


PUBLISHED_AS = tuple(PublishedAs)


def recipient_name(key: str) -> str:
    return RECIPIENT_NAMES.get(key, key.replace("_", " "))


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def response_problems(response: Any) -> list[str]:
    """What a structured board response lacks (empty when complete)."""
    if not isinstance(response, Mapping):
        return []
    unmet = []
    accepted = response.get("findings_accepted")
    if not (
        isinstance(accepted, list)
        and accepted
        and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in accepted)
    ):
        unmet.append(
            "Record the findings the board accepts in its response "
            "(data.board_response.findings_accepted, a list of finding numbers)."
        )
    for key in ("priorities", "actions", "monitoring"):
        if is_blank(response.get(key)):
            unmet.append(
                f"Record {RESPONSE_PARTS[key]} in the board's response (data.board_response.{key})."
            )
    return unmet


@REGISTRY.register(
    "board_response_recorded",
    reads=(
        "board_response",
        "board_response.findings_accepted",
        "board_response.priorities",
        "board_response.actions",
        "board_response.monitoring",
    ),
)
def board_response_recorded(ctx: GuardContext) -> list[str]:
    """The board's written response is recorded: as a table, with the findings it accepts, its
    priorities, its actions and how their effectiveness will be monitored (each one filled); a
    response kept as one text is accepted as written."""
    response = ctx.data.get("board_response")
    if is_blank(response):
        return [
            "Record the board response (data.board_response): the findings it accepts, its "
            "priorities, its actions and how their effectiveness will be monitored."
        ]
    if isinstance(response, Mapping):
        return response_problems(response)
    if isinstance(response, str):
        return []
    return ["The board response (data.board_response) must be a table or a text."]


@REGISTRY.register(
    "advance_copies_sent",
    params=(
        Param("recipients", "keys", doc="who must have the final report before publication"),
        Param("duration", "duration", doc="how long before publication, e.g. '1 week'"),
    ),
    reads=("advance_copies", "report_sent_at", "published_at"),
)
def advance_copies_sent(ctx: GuardContext, recipients: list[str], duration: str) -> list[str]:
    """Each recipient had the final report at least ``duration`` before the publication date
    (``published_at``; today when not recorded): the date recorded for it in
    ``advance_copies.<recipient>``, else ``report_sent_at`` (the date it went to all)."""
    period = parse_duration(duration)
    unmet: list[str] = []
    try:
        common = as_date(ctx.data.get("report_sent_at"), "report_sent_at")
        published = as_date(ctx.data.get("published_at"), "published_at") or ctx.today
    except BadValue as exc:
        return [f"Record the dates of the report as dates: {exc}."]
    missing: list[str] = []
    on_common: list[str] = []
    for key in recipients:
        path = f"advance_copies.{key}"
        try:
            sent = as_date(lookup(ctx.data, path), path)
        except BadValue as exc:
            unmet.append(f"Record the advance copy to {recipient_name(key)} as a date: {exc}.")
            continue
        if sent is None:
            if common is None:
                missing.append(key)
            else:
                on_common.append(key)
            continue
        earliest = ctx.calendar.last_day(sent, period)
        if published < earliest:
            unmet.append(
                f"At least {duration} must pass after the advance copy to "
                f"{recipient_name(key)} (data.{path}, {sent}); the earliest day is "
                f"{earliest.isoformat()}{_asked(published, ctx.today)}."
            )
    if on_common and common is not None:
        earliest = ctx.calendar.last_day(common, period)
        if published < earliest:
            unmet.append(
                f"At least {duration} must pass after the report sent at ({common}) to "
                f"{_join([recipient_name(k) for k in on_common])}; the earliest day is "
                f"{earliest.isoformat()}{_asked(published, ctx.today)}."
            )
    if missing:
        unmet.append(
            f"Send the final report to {_join([recipient_name(k) for k in missing])} at least "
            f"{duration} before publication and record the date each was sent ("
            + ", ".join(f"data.advance_copies.{k}" for k in missing)
            + "), or the date it went to all of them (data.report_sent_at)."
        )
    return unmet


def _asked(published: date, today: date) -> str:
    """Where the publication date asked for is not today, say it is too early."""
    if published == today:
        return ""
    return f" to publish, not {published.isoformat()} (the publication date, data.published_at)"


@REGISTRY.register("published_as_explained", reads=("published_as", "withheld_reasons"))
def published_as_explained(ctx: GuardContext) -> list[str]:
    """What is published is the full report (``published_as`` left out or 'full_report'), or
    only a summary or a learning brief ('summary', 'learning_brief') with the chair's reasons
    for withholding the full report (``withheld_reasons``)."""
    form = ctx.data.get("published_as")
    if form is None or form == PublishedAs.FULL_REPORT:
        return []
    if form not in PUBLISHED_AS:
        return [
            "Say what is published (data.published_as): 'full_report', 'summary' or "
            f"'learning_brief'; got {form!r}."
        ]
    if is_blank(ctx.data.get("withheld_reasons")):
        what = "a learning brief" if form == PublishedAs.LEARNING_BRIEF else "a summary"
        return [
            f"Only {what} is to be published: record the reasons the full report is withheld "
            "(data.withheld_reasons)."
        ]
    return []


#: The data keys the final report's own use cases write (never a data form or a PATCH).
FINAL_REPORT = "final_report"
FINAL_REPORT_SIGNED_OFF = "final_report_signed_off"


@REGISTRY.register("final_report_signed_off", reads=(FINAL_REPORT, FINAL_REPORT_SIGNED_OFF))
def final_report_signed_off(ctx: GuardContext) -> list[str]:
    """The final report is uploaded as a document (``final_report``: the document and its
    SHA-256) and the chair signed that very version off for the board
    (``final_report_signed_off``); a report replaced after the sign-off is signed off again."""
    report = ctx.data.get(FINAL_REPORT)
    if not isinstance(report, Mapping) or is_blank(report.get("sha256")):
        return [
            "Upload the final report (data.final_report) as a document; the chair then signs "
            "it off for the board."
        ]
    signed = ctx.data.get(FINAL_REPORT_SIGNED_OFF)
    if not isinstance(signed, Mapping) or is_blank(signed.get("sha256")):
        return [
            "The chair signs off the final report for the board (data.final_report_signed_off)."
        ]
    if signed.get("sha256") != report.get("sha256"):
        return [
            f"The final report was replaced after the board signed it off on {signed.get('on')}: "
            "the chair signs off the report now uploaded (data.final_report_signed_off)."
        ]
    return []
