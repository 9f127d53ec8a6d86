"""Use cases of publication: the board's response, the advance copies, the harm check, and the
outcomes (published, summary or learning brief only, not published, delayed by parallel
proceedings).

Each one is a case change through the service (``update_data`` or ``transition``), so the
definition's guards decide, the case version is checked, and the audit trail records it. The
policy — who must have the report and how long before publication — is read from the review
type's definition (the ``advance_copies_sent`` guard of its ``publish`` step), never set here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from workflow.core import engine
from workflow.core.calendar import parse_duration
from workflow.core.definition import Definition, Transition
from workflow.core.errors import InvalidInput, NotFound
from workflow.core.guards.publication import (
    PUBLISHED_AS,
    RESPONSE_PARTS,
    recipient_name,
    response_problems,
)
from workflow.core.roles import Actor, Role
from workflow.core.values import BadValue, as_date, as_list, is_blank, lookup
from workflow.services import access, records
from workflow.store.models.cases import Case
from workflow.store.models.records import Finding
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

PUBLISH = "publish"
DELAY_REVIEW = "delay_review"  # the timer of a delayed publication
URL_GIVEN_WHEN_PUBLISHING = "https://given.when.publishing/"
#: Who records the board's response and the advance copies (the business support and the chair).
RECORD_ROLES = {Role.REVIEWER.value, Role.CHAIR.value}
#: Only the chair confirms that publication is unlikely to harm any child or vulnerable adult.
HARM_CHECK_ROLES = {Role.CHAIR.value}


@dataclass(frozen=True)
class AdvancePolicy:
    """Who must have the final report before publication, and how long before."""

    recipients: tuple[str, ...]
    duration: str


def publish_step(d: Definition) -> Transition | None:
    return next((t for t in d.transitions if t.trigger == PUBLISH), None)


def advance_policy(d: Definition) -> AdvancePolicy | None:
    """The review type's T5 policy, read from the ``advance_copies_sent`` guard of its publish
    step; None when the type has no such step."""
    step = publish_step(d)
    for guard in step.guards if step else ():
        if guard.name == "advance_copies_sent":
            return AdvancePolicy(tuple(guard.params["recipients"]), str(guard.params["duration"]))
    return None


# -- reading --------------------------------------------------------------------------------


def status(service: Service, actor: Actor, case_id: int) -> dict[str, Any]:
    """Where the case stands on publication: the response, each advance copy and the earliest
    day it allows, the harm check, the outcome so far, and what still blocks publishing."""
    case = service.get_case(actor, case_id)  # access-checked and logged as a read
    d = service.definition(case["review_type"], case["definition_version"])
    data: Mapping[str, Any] = case["data"]
    policy = advance_policy(d)
    copies: list[dict[str, Any]] = []
    earliest: date | None = None
    if policy is not None:
        period = parse_duration(policy.duration)
        common = _date_or_none(data.get("report_sent_at"))
        for key in policy.recipients:
            sent = _date_or_none(lookup(data, f"advance_copies.{key}")) or common
            allows = service.calendar.last_day(sent, period) if sent else None
            if allows and (earliest is None or allows > earliest):
                earliest = allows
            copies.append(
                {
                    "recipient": key,
                    "name": recipient_name(key),
                    "sent_on": sent.isoformat() if sent else None,
                    "publication_allowed_from": allows.isoformat() if allows else None,
                }
            )
    response = data.get("board_response")
    step = publish_step(d)
    blocked: list[str] = []
    can_publish = False
    if step is not None and case["state"] in step.sources:
        # As the publish call would find it, which gives the address itself.
        given = {"publication_url": data.get("publication_url") or URL_GIVEN_WHEN_PUBLISHING}
        with Session(service.db) as s:
            found = records.guard_records(Unit(s), case_id)
        snap = engine.CaseSnapshot(case["state"], {**data, **given}, records=found)
        for option in engine.options(d, snap, actor, service.now(), service.calendar, True):
            if option.trigger == PUBLISH:
                blocked, can_publish = list(option.blocked_by), option.allowed
    return {
        "case": case["reference"],
        "case_id": case["id"],
        "version": case["version"],
        "state": case["state"],
        "state_label": case["state_label"],
        "response": response if not is_blank(response) else None,
        "response_problems": response_problems(response),
        "advance_copies": {
            "duration": policy.duration if policy else None,
            "copies": copies,
            "publication_allowed_from": earliest.isoformat()
            if earliest and len(copies) == sum(1 for c in copies if c["sent_on"])
            else None,
        },
        "harm_check": {
            "confirmed": data.get("harm_check_confirmed") is True,
            "confirmed_by": lookup(data, "harm_check.confirmed_by"),
            "confirmed_on": lookup(data, "harm_check.confirmed_on"),
        },
        "published": {
            "url": data.get("publication_url"),
            "published_on": data.get("published_at"),
            "published_as": data.get("published_as") or "full_report",
            "withheld_reasons": data.get("withheld_reasons"),
        }
        if data.get("published_at")
        else None,
        "not_published": {
            "reasons": data.get("not_published_reasons"),
            "panel_told_on": data.get("panel_told_at"),
        }
        if case["state"] == "not_published"
        else None,
        "delay": {
            "reason": data.get("delay_reason"),
            "review_date": data.get("delay_review_date"),
        }
        if data.get("delay_reason")
        else None,
        "can_publish": can_publish,
        "blocked_by": blocked,
        "deadlines": [x for x in case["deadlines"] if x["name"] in ("website", DELAY_REVIEW)],
    }


def _date_or_none(value: Any) -> date | None:
    try:
        return as_date(value, "date")
    except BadValue:
        return None


# -- the board's response, the advance copies, the harm check -------------------------------


def record_response(
    service: Service,
    actor: Actor,
    case_id: int,
    expected_version: int | None,
    response: Mapping[str, Any],
) -> dict[str, Any]:
    """Record the board's written response as a table: ``findings_accepted`` (finding
    numbers), ``priorities``, ``actions`` (texts or lists of texts), ``monitoring`` (how the
    effectiveness of the actions will be monitored), optionally ``findings_not_accepted`` (each
    ``{number, reason}``) and ``agreed_on`` (a date, today when left out)."""
    access.require_role(actor, RECORD_ROLES, "record the board's response")
    if not isinstance(response, Mapping):
        raise InvalidInput("Send the board's response as an object of named parts.")
    today = service.calendar.local_date(service.now())
    problems = response_problems(response)
    allowed = {*RESPONSE_PARTS, "findings_not_accepted", "agreed_on"}
    problems += [
        f"response.{k}: not a part of the board's response; its parts are "
        f"{', '.join(sorted(allowed))}."
        for k in response
        if k not in allowed
    ]
    texts: dict[str, list[str] | str] = {}
    for key in ("priorities", "actions"):
        items = [str(x).strip() for x in as_list(response.get(key)) if str(x).strip()]
        if any(not isinstance(x, str) for x in as_list(response.get(key))):
            problems.append(f"response.{key}: write each as text.")
        texts[key] = items
    monitoring = response.get("monitoring")
    if monitoring is not None and not isinstance(monitoring, str):
        problems.append("response.monitoring: write it as text.")
    not_accepted: list[dict[str, Any]] = []
    for i, item in enumerate(as_list(response.get("findings_not_accepted"))):
        number = item.get("number") if isinstance(item, Mapping) else None
        reason = item.get("reason") if isinstance(item, Mapping) else None
        if not isinstance(number, int) or isinstance(number, bool) or is_blank(reason):
            problems.append(
                f"response.findings_not_accepted[{i}]: give the finding's number and the "
                "board's reason for not accepting it."
            )
            continue
        not_accepted.append({"number": number, "reason": str(reason).strip()})
    try:
        agreed = as_date(response.get("agreed_on"), "board_response.agreed_on") or today
    except BadValue as exc:
        problems.append(str(exc) + ".")
        agreed = today
    if agreed > today:
        problems.append(f"response.agreed_on: {agreed} is in the future (today is {today}).")
    accepted: list[int] = sorted(
        {n for n in as_list(response.get("findings_accepted")) if isinstance(n, int)}
    )
    if not problems:
        problems += _unknown_findings(
            service, case_id, actor, accepted + [x["number"] for x in not_accepted]
        )
        both = set(accepted) & {x["number"] for x in not_accepted}
        problems += [f"Finding {n} cannot be both accepted and not accepted." for n in sorted(both)]
    if problems:
        raise InvalidInput("The board's response was not saved: fix each problem listed.", problems)
    value = {
        "findings_accepted": accepted,
        "findings_not_accepted": not_accepted,
        "priorities": texts["priorities"],
        "actions": texts["actions"],
        "monitoring": str(monitoring).strip(),
        "agreed_on": agreed.isoformat(),
    }
    return service.update_data(
        actor,
        case_id,
        {"board_response": value},
        expected_version,
        "The board's response recorded.",
    )


def _unknown_findings(
    service: Service, case_id: int, actor: Actor, numbers: Sequence[int]
) -> list[str]:
    """Finding numbers the case's finding records do not have."""
    with Session(service.db) as s:
        case = access.require_visible(actor, s.get(Case, case_id), case_id)
        known = set(s.exec(select(Finding.number).where(col(Finding.case_id) == case.id)))
    if not known:
        return [
            f"Case {case.reference} has no findings recorded yet: record them before the "
            "board's response to them."
        ]
    return [
        f"Case {case.reference} has no finding {n}; its findings are numbered "
        f"{', '.join(str(k) for k in sorted(known))}."
        for n in sorted(set(numbers))
        if n not in known
    ]


def send_advance_copies(
    service: Service,
    actor: Actor,
    case_id: int,
    expected_version: int | None,
    recipients: Sequence[str] | None,
    sent_on: date | None = None,
    note: str = "",
) -> dict[str, Any]:
    """Record that the final report went to these recipients (all the policy names when left
    out) on ``sent_on`` (today when left out)."""
    access.require_role(actor, RECORD_ROLES, "record advance copies of the report")
    case = service.get_case(actor, case_id)
    d = service.definition(case["review_type"], case["definition_version"])
    policy = advance_policy(d)
    if policy is None:
        raise InvalidInput(f"A {d.name.lower()} is not published, so it has no advance copies.")
    chosen = list(recipients) if recipients else list(policy.recipients)
    unknown = [r for r in chosen if r not in policy.recipients]
    if unknown:
        raise InvalidInput(
            "The report goes in advance only to "
            + ", ".join(f"{r} ({recipient_name(r)})" for r in policy.recipients)
            + ".",
            [f"recipients: unknown recipient {r!r}." for r in unknown],
        )
    today = service.calendar.local_date(service.now())
    day = sent_on or today
    if day > today:
        raise InvalidInput(
            f"The copies cannot have been sent on {day}: that is in the future (today is {today}).",
            ["sent_on: in the future"],
        )
    copies = dict(case["data"].get("advance_copies") or {})
    copies.update({r: day.isoformat() for r in chosen})
    words = note or (
        "Final report sent in advance to "
        + ", ".join(recipient_name(r) for r in chosen)
        + f" on {day.isoformat()}."
    )
    return service.update_data(actor, case_id, {"advance_copies": copies}, expected_version, words)


def confirm_harm_check(
    service: Service, actor: Actor, case_id: int, expected_version: int | None, note: str = ""
) -> dict[str, Any]:
    """The chair confirms that publication is unlikely to harm any child or vulnerable adult."""
    access.require_role(actor, HARM_CHECK_ROLES, "confirm the harm check before publication")
    today = service.calendar.local_date(service.now())
    patch = {
        "harm_check_confirmed": True,
        "harm_check": {"confirmed_by": actor.name, "confirmed_on": today.isoformat()},
    }
    words = note or (
        "The chair confirmed that publication is unlikely to harm any child or vulnerable adult."
    )
    return service.update_data(actor, case_id, patch, expected_version, words)


# -- the outcomes -----------------------------------------------------------------------------


def publish(
    service: Service,
    actor: Actor,
    case_id: int,
    expected_version: int | None,
    url: str,
    published_on: date | None = None,
    published_as: str = "full_report",
    withheld_reasons: str = "",
    note: str = "",
) -> dict[str, Any]:
    """Publish at ``url`` on ``published_on`` (today when left out): the full report, or only a
    summary or learning brief with the reasons the full report is withheld. The definition's
    guards refuse it, with every reason, until the response, the harm check and the advance
    copies allow it."""
    problems = []
    parts = urlsplit(url.strip()) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append("url: give the web address where the report is published (https://…).")
    if published_as not in PUBLISHED_AS:
        problems.append(f"published_as: one of {', '.join(PUBLISHED_AS)}; got {published_as!r}.")
    if problems:
        raise InvalidInput("The report was not published: fix each problem listed.", problems)
    data: dict[str, Any] = {"publication_url": url.strip(), "published_as": published_as}
    if published_on is not None:
        data["published_at"] = published_on.isoformat()
    if published_as != "full_report":
        data["withheld_reasons"] = withheld_reasons.strip() or None
    return service.transition(actor, case_id, PUBLISH, expected_version, note, data)


def decide_not_to_publish(
    service: Service,
    actor: Actor,
    case_id: int,
    expected_version: int | None,
    reasons: str,
    panel_told_on: date | None,
    note: str = "",
) -> dict[str, Any]:
    """Not published: the chair's reasons, and the day they were sent to the national panel."""
    data: dict[str, Any] = {"not_published_reasons": (reasons or "").strip() or None}
    data["panel_told_at"] = panel_told_on.isoformat() if panel_told_on else None
    return service.transition(actor, case_id, "decide_not_to_publish", expected_version, note, data)


def delay(
    service: Service,
    actor: Actor,
    case_id: int,
    expected_version: int | None,
    reason: str,
    review_date: date,
    note: str = "",
) -> dict[str, Any]:
    """Delay publication for parallel proceedings (a criminal trial, an inquest) until the chair
    reviews it on ``review_date``; the delay escalates to the chair if it is not reviewed."""
    today = service.calendar.local_date(service.now())
    if review_date <= today:
        raise InvalidInput(
            f"Set a review date after today ({today}); {review_date} has already come.",
            ["review_date: not after today"],
        )
    data = {"delay_reason": (reason or "").strip() or None, "delay_review_date": str(review_date)}
    return service.transition(actor, case_id, "delay_publication", expected_version, note, data)


def review_delay(
    service: Service,
    actor: Actor,
    case_id: int,
    expected_version: int | None,
    review_date: date,
    note: str = "",
) -> dict[str, Any]:
    """Keep the delay and set the next review date (moves the pending review deadline)."""
    access.require_role(actor, HARM_CHECK_ROLES, "review a delay to publication")
    today = service.calendar.local_date(service.now())
    if review_date <= today:
        raise InvalidInput(
            f"Set a review date after today ({today}); {review_date} has already come.",
            ["review_date: not after today"],
        )
    case = service.get_case(actor, case_id)
    if case["state"] != "publication_delayed":
        raise InvalidInput(
            f"Case {case['reference']} is not delayed ({case['state_label']}); there is no delay "
            "to review."
        )
    words = note or f"Delay reviewed; next review on {review_date.isoformat()}."
    review = next((x for x in case["deadlines"] if x["name"] == DELAY_REVIEW), None)
    if review is None or review["status"] == "pending":
        # The pending review deadline follows its anchor, the review date.
        return service.update_data(
            actor, case_id, {"delay_review_date": review_date.isoformat()}, expected_version, words
        )
    # The review date fell due and was escalated: a timer runs once per stay in a state, so
    # the delay is taken again (resume, then delay) to start a review deadline for the new date.
    resumed = service.transition(
        actor,
        case_id,
        "resume_publication",
        expected_version,
        f"Delay reviewed after its review date ({review['due_date']}); delayed again at once.",
    )
    data = {"delay_review_date": review_date.isoformat()}
    return service.transition(actor, case_id, "delay_publication", resumed["version"], words, data)


def resume(
    service: Service, actor: Actor, case_id: int, expected_version: int | None, note: str = ""
) -> dict[str, Any]:
    return service.transition(actor, case_id, "resume_publication", expected_version, note)


def find_case_id(service: Service, actor: Actor, reference: str) -> int:
    with Session(service.db) as s:
        case = s.exec(select(Case).where(Case.reference == reference)).first()
        if case is None or not access.may_see(actor, case):
            raise NotFound(f"There is no case {reference} that you can see.")
        return case.id or 0
