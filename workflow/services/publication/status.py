"""Where a case stands on publication: the board's response, each advance copy and the earliest
day it allows, the harm check, the outcome so far, and what still blocks publishing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from workflow.core import engine
from workflow.core.calendar import WorkingCalendar, parse_duration
from workflow.core.definition import Definition
from workflow.core.guards.publication import PublishedAs, recipient_name, response_problems
from workflow.core.roles import Actor
from workflow.core.values import BadValue, as_date, is_blank, lookup
from workflow.services import records
from workflow.services.publication.policy import (
    AdvancePolicy,
    advance_policy,
    publish_step,
)
from workflow.services.publication.results import (
    AdvanceCopies,
    AdvanceCopy,
    Delay,
    HarmCheck,
    NotPublished,
    PublicationStatus,
    Published,
)

if TYPE_CHECKING:
    from workflow.services.cases import Service

#: The web address the status assumes when it asks whether ``publish`` would be allowed: the
#: call to publish gives the real one.
URL_GIVEN_WHEN_PUBLISHING = "https://given.when.publishing/"


def status(service: Service, actor: Actor, case_id: int) -> PublicationStatus:
    """Where the case stands on publication (see the module's docstring)."""
    case = service.get_case(actor, case_id)  # access-checked and logged as a read
    d = service.definition(case.review_type, case.definition_version)
    data: Mapping[str, Any] = case.data
    response = data.get("board_response")
    blocked, can_publish = _publish_option(service, actor, case_id, case.state, d, data)
    return PublicationStatus(
        case=case.reference,
        case_id=case.id,
        version=case.version,
        state=case.state,
        state_label=case.state_label,
        response=response if not is_blank(response) else None,
        response_problems=response_problems(response),
        advance_copies=_advance_copies(service.calendar, advance_policy(d), data),
        harm_check=HarmCheck(
            confirmed=data.get("harm_check_confirmed") is True,
            confirmed_by=lookup(data, "harm_check.confirmed_by"),
            confirmed_on=lookup(data, "harm_check.confirmed_on"),
        ),
        published=_published(data),
        not_published=NotPublished(
            reasons=data.get("not_published_reasons"), panel_told_on=data.get("panel_told_at")
        )
        if case.state == d.publication.not_published_state
        else None,
        delay=Delay(reason=data.get("delay_reason"), review_date=data.get("delay_review_date"))
        if data.get("delay_reason")
        else None,
        can_publish=can_publish,
        blocked_by=blocked,
        deadlines=[
            x.model_dump(mode="json") for x in case.deadlines if x.name in d.publication.timers
        ],
    )


def _advance_copies(
    calendar: WorkingCalendar, policy: AdvancePolicy | None, data: Mapping[str, Any]
) -> AdvanceCopies:
    """Each copy the policy asks for, when it was sent and the first day it allows publication;
    the first day all of them allow it, once every one was sent."""
    if policy is None:
        return AdvanceCopies(duration=None, copies=[], publication_allowed_from=None)
    period = parse_duration(policy.duration)
    common = _date_or_none(data.get("report_sent_at"))
    copies = []
    for key in policy.recipients:
        sent = _date_or_none(lookup(data, f"advance_copies.{key}")) or common
        allows = calendar.last_day(sent, period) if sent else None
        copies.append(
            AdvanceCopy(
                recipient=key,
                name=recipient_name(key),
                sent_on=sent,
                publication_allowed_from=allows,
            )
        )
    allowed = [c.publication_allowed_from for c in copies if c.publication_allowed_from]
    every_one_sent = all(c.sent_on for c in copies)
    return AdvanceCopies(
        duration=policy.duration,
        copies=copies,
        publication_allowed_from=max(allowed) if allowed and every_one_sent else None,
    )


def _publish_option(
    service: Service,
    actor: Actor,
    case_id: int,
    state: str,
    d: Definition,
    data: Mapping[str, Any],
) -> tuple[list[str], bool]:
    """What blocks ``publish`` now, and whether it is allowed, as the publish call would find
    it (which gives the web address itself)."""
    step = publish_step(d)
    if step is None or state not in step.sources:
        return [], False
    given = {"publication_url": data.get("publication_url") or URL_GIVEN_WHEN_PUBLISHING}
    with service.store.read() as u:
        found = records.guard_records(u, case_id)
    snap = engine.CaseSnapshot(state, {**data, **given}, records=found)
    for option in engine.options(d, snap, actor, service.now(), service.calendar, True):
        if option.trigger == d.publication.publish:
            return list(option.blocked_by), option.allowed
    return [], False


def _published(data: Mapping[str, Any]) -> Published | None:
    if not data.get("published_at"):
        return None
    return Published(
        url=data.get("publication_url"),
        published_on=data.get("published_at"),
        published_as=data.get("published_as") or PublishedAs.FULL_REPORT.value,
        withheld_reasons=data.get("withheld_reasons"),
    )


def _date_or_none(value: Any) -> date | None:
    try:
        return as_date(value, "date")
    except BadValue:
        return None
