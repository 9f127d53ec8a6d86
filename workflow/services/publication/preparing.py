"""Use cases that prepare publication: the board's response, the advance copies of the final
report, and the chair's harm check.

Each one is a change to the case's data through the case use case (``update_data``), so the
case version is checked and the audit trail records it; the guards of ``publish`` read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from workflow.core.errors import InvalidInput
from workflow.core.guards.publication import recipient_name, response_problems
from workflow.core.roles import Actor
from workflow.services import access
from workflow.services.publication.commands import (
    BoardResponse,
    ConfirmHarmCheck,
    RecordResponse,
    SendAdvanceCopies,
)
from workflow.services.publication.policy import HARM_CHECK_ROLES, RECORD_ROLES, advance_policy

if TYPE_CHECKING:
    from workflow.services.cases import CaseView, Service


def record_response(
    service: Service, actor: Actor, case_id: int, command: RecordResponse
) -> CaseView:
    """Record the board's written response as a table: the findings it accepts (numbers of the
    case's findings), its priorities, its actions, how the effectiveness of the actions will be
    monitored, the findings it does not accept with its reasons, and the day it was agreed
    (today when left out)."""
    access.require_role(actor, RECORD_ROLES, "record the board's response")
    today = service.calendar.local_date(service.now())
    response = _tidied(command.response, today)
    problems = response_problems(command.response.model_dump())
    problems += [
        f"response.findings_not_accepted[{i}]: give the finding's number and the board's "
        "reason for not accepting it."
        for i, item in enumerate(response["findings_not_accepted"])
        if not item["reason"]
    ]
    agreed = command.response.agreed_on
    if agreed and agreed > today:
        problems.append(f"response.agreed_on: {agreed} is in the future (today is {today}).")
    if not problems:
        problems += _finding_problems(service, actor, case_id, response)
    if problems:
        raise InvalidInput("The board's response was not saved: fix each problem listed.", problems)
    return service.update_data(
        actor,
        case_id,
        {"board_response": response},
        command.expected_version,
        "The board's response recorded.",
    )


def _tidied(response: BoardResponse, today: date) -> dict[str, Any]:
    """The response as it is kept in the case's data: texts trimmed, blank ones left out, the
    findings accepted in order, the day agreed as a date."""
    return {
        "findings_accepted": sorted(set(response.findings_accepted)),
        "findings_not_accepted": [
            {"number": x.number, "reason": x.reason.strip()} for x in response.findings_not_accepted
        ],
        "priorities": [x.strip() for x in response.priorities if x.strip()],
        "actions": [x.strip() for x in response.actions if x.strip()],
        "monitoring": response.monitoring.strip(),
        "agreed_on": (response.agreed_on or today).isoformat(),
    }


def _finding_problems(
    service: Service, actor: Actor, case_id: int, response: dict[str, Any]
) -> list[str]:
    """Findings the response names that the case does not have, or names both ways."""
    accepted: list[int] = response["findings_accepted"]
    refused = [x["number"] for x in response["findings_not_accepted"]]
    problems = _unknown_findings(service, actor, case_id, accepted + refused)
    both = set(accepted) & set(refused)
    return problems + [
        f"Finding {n} cannot be both accepted and not accepted." for n in sorted(both)
    ]


def _unknown_findings(
    service: Service, actor: Actor, case_id: int, numbers: Sequence[int]
) -> list[str]:
    """Finding numbers the case's finding records do not have."""
    with service.store.read() as u:
        case = access.require_visible(actor, u.publication.case(case_id), case_id)
        known = u.publication.finding_numbers(case_id)
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
    service: Service, actor: Actor, case_id: int, command: SendAdvanceCopies
) -> CaseView:
    """Record that the final report went to these recipients (all the policy names when left
    out) on ``sent_on`` (today when left out)."""
    access.require_role(actor, RECORD_ROLES, "record advance copies of the report")
    case = service.get_case(actor, case_id)
    d = service.definition(case.review_type, case.definition_version)
    policy = advance_policy(d)
    if policy is None:
        raise InvalidInput(f"A {d.name.lower()} is not published, so it has no advance copies.")
    chosen = list(command.recipients) or list(policy.recipients)
    unknown = [r for r in chosen if r not in policy.recipients]
    if unknown:
        raise InvalidInput(
            "The report goes in advance only to "
            + ", ".join(f"{r} ({recipient_name(r)})" for r in policy.recipients)
            + ".",
            [f"recipients: unknown recipient {r!r}." for r in unknown],
        )
    today = service.calendar.local_date(service.now())
    day = command.sent_on or today
    if day > today:
        raise InvalidInput(
            f"The copies cannot have been sent on {day}: that is in the future (today is {today}).",
            ["sent_on: in the future"],
        )
    copies = dict(case.data.get("advance_copies") or {})
    copies.update({r: day.isoformat() for r in chosen})
    words = command.note or (
        "Final report sent in advance to "
        + ", ".join(recipient_name(r) for r in chosen)
        + f" on {day.isoformat()}."
    )
    return service.update_data(
        actor, case_id, {"advance_copies": copies}, command.expected_version, words
    )


def confirm_harm_check(
    service: Service, actor: Actor, case_id: int, command: ConfirmHarmCheck
) -> CaseView:
    """The chair confirms that publication is unlikely to harm any child or vulnerable adult."""
    access.require_role(actor, HARM_CHECK_ROLES, "confirm the harm check before publication")
    today = service.calendar.local_date(service.now())
    patch = {
        "harm_check_confirmed": True,
        "harm_check": {"confirmed_by": actor.name, "confirmed_on": today.isoformat()},
    }
    words = command.note or (
        "The chair confirmed that publication is unlikely to harm any child or vulnerable adult."
    )
    return service.update_data(actor, case_id, patch, command.expected_version, words)
