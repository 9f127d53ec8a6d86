"""Use cases of the outcomes of publication: published (the full report, or only a summary or
learning brief), not published, delayed by parallel proceedings (a criminal trial, an inquest)
with a review date that escalates, the delay reviewed, and publication resumed.

Each one is a step through the case use case (``transition``), so the definition's guards
decide, with every reason, and the audit trail records it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from workflow.core.deadlines import DeadlineStatus
from workflow.core.definition.publication import Publication
from workflow.core.errors import InvalidInput
from workflow.core.guards.publication import PublishedAs
from workflow.core.roles import Actor
from workflow.services import access
from workflow.services.publication.commands import (
    DecideNotToPublish,
    DelayPublication,
    Publish,
    ResumePublication,
    ReviewDelay,
)
from workflow.services.publication.policy import HARM_CHECK_ROLES

if TYPE_CHECKING:
    from workflow.services.cases import CaseView, Service


def publish(service: Service, actor: Actor, case_id: int, command: Publish) -> CaseView:
    """Publish at ``url`` on ``published_on`` (today when left out): the full report, or only a
    summary or learning brief with the reasons the full report is withheld. The definition's
    guards refuse it, with every reason, until the response, the harm check and the advance
    copies allow it."""
    url = command.url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(
            "The report was not published: fix each problem listed.",
            ["url: give the web address where the report is published (https://…)."],
        )
    data: dict[str, Any] = {"publication_url": url, "published_as": str(command.published_as)}
    if command.published_on is not None:
        data["published_at"] = command.published_on.isoformat()
    if command.published_as != PublishedAs.FULL_REPORT:
        data["withheld_reasons"] = command.withheld_reasons.strip() or None
    step = _names(service, actor, case_id).publish
    return service.transition(actor, case_id, step, command.expected_version, command.note, data)


def decide_not_to_publish(
    service: Service, actor: Actor, case_id: int, command: DecideNotToPublish
) -> CaseView:
    """Not published: the chair's reasons, and the day they were sent to the national panel."""
    data = {
        "not_published_reasons": command.reasons.strip() or None,
        "panel_told_at": command.panel_told_on.isoformat(),
    }
    step = _names(service, actor, case_id).decide_not_to_publish
    return service.transition(actor, case_id, step, command.expected_version, command.note, data)


def delay(service: Service, actor: Actor, case_id: int, command: DelayPublication) -> CaseView:
    """Delay publication for parallel proceedings until the chair reviews it on the review
    date; the delay escalates to the chair if it is not reviewed."""
    _require_after_today(service, command.review_date)
    data = {
        "delay_reason": command.reason.strip() or None,
        "delay_review_date": command.review_date.isoformat(),
    }
    step = _names(service, actor, case_id).delay
    return service.transition(actor, case_id, step, command.expected_version, command.note, data)


def review_delay(service: Service, actor: Actor, case_id: int, command: ReviewDelay) -> CaseView:
    """Keep the delay and set the next review date (moves the pending review deadline)."""
    access.require_role(actor, HARM_CHECK_ROLES, "review a delay to publication")
    _require_after_today(service, command.review_date)
    case = service.get_case(actor, case_id)
    names = service.definition(case.review_type, case.definition_version).publication
    if case.state != names.delayed_state:
        raise InvalidInput(
            f"Case {case.reference} is not delayed ({case.state_label}); there is no delay "
            "to review."
        )
    next_review = command.review_date.isoformat()
    words = command.note or f"Delay reviewed; next review on {next_review}."
    review = next((x for x in case.deadlines if x.name == names.delay_review_timer), None)
    if review is None or review.status == DeadlineStatus.PENDING:
        # The pending review deadline follows its anchor, the review date.
        return service.update_data(
            actor, case_id, {"delay_review_date": next_review}, command.expected_version, words
        )
    # The review date fell due and was escalated: a timer runs once per stay in a state, so
    # the delay is taken again (resume, then delay) to start a review deadline for the new date.
    resumed = service.transition(
        actor,
        case_id,
        names.resume,
        command.expected_version,
        f"Delay reviewed after its review date ({review.due_date}); delayed again at once.",
    )
    data = {"delay_review_date": next_review}
    return service.transition(actor, case_id, names.delay, resumed.version, words, data)


def resume(service: Service, actor: Actor, case_id: int, command: ResumePublication) -> CaseView:
    step = _names(service, actor, case_id).resume
    return service.transition(actor, case_id, step, command.expected_version, command.note)


def _names(service: Service, actor: Actor, case_id: int) -> Publication:
    """The publication names of the definition version the case runs on (the step itself
    checks access again and logs the change; this is no read of the case's content)."""
    with service.store.read() as u:
        case = access.require_visible(actor, u.records.case(case_id), case_id)
        return service.definitions.of_version(u, case.definition_id).publication


def _require_after_today(service: Service, review_date: date) -> None:
    today = service.calendar.local_date(service.now())
    if review_date <= today:
        raise InvalidInput(
            f"Set a review date after today ({today}); {review_date} has already come.",
            ["review_date: not after today"],
        )
