"""The chair's confirmation that a case's lead reviewer is independent of an agency involved
although one of the lead's organisations is a near match for it (a parent or part body, or a
similar name). It is a change to the case (its version goes up, the trail records it); the
independence guards then let that pair pass. The same body (by name or alias) is never
confirmable: that is no near match but an overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from pydantic import Field

from workflow.core.agencies import DEFAULT_SIMILARITY, fold
from workflow.core.definition import Definition
from workflow.core.errors import AlreadyExists, InvalidInput
from workflow.core.events import EventKind, NewEvent
from workflow.core.roles import Actor, Role
from workflow.services import access
from workflow.services.agencies.checking import register_of
from workflow.services.records.changes import write
from workflow.services.results import Command, Instant, Result
from workflow.store.models.agencies import IndependenceConfirmation
from workflow.store.models.cases import Case
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

NOUN = "independence confirmation"
GUARDS = ("lead_reviewer_independent", "independence_kept")


class ConfirmIndependence(Command):
    """The near match the chair judges harmless, and why."""

    organisation: str = Field(min_length=1, max_length=200, description="The lead's body.")
    agency: str = Field(min_length=1, max_length=200, description="The agency involved.")
    reason: str = Field(min_length=1, max_length=5000, description="Why the lead is independent.")
    expected_version: int = Field(ge=1, le=2**62, description="The case's version, as read.")


class ConfirmationOut(Result):
    id: int
    organisation: str
    agency: str
    reason: str
    confirmed_on: date
    confirmed_by: str
    confirmed_at: Instant


class ConfirmationList(Result):
    items: list[ConfirmationOut]


class SavedConfirmation(Result):
    confirmation: ConfirmationOut
    case_version: int


def _out(row: IndependenceConfirmation) -> ConfirmationOut:
    return ConfirmationOut(
        id=row.id or 0,
        organisation=row.organisation_name,
        agency=row.agency_name,
        reason=row.reason,
        confirmed_on=row.confirmed_on,
        confirmed_by=row.confirmed_by,
        confirmed_at=row.confirmed_at,
    )


def similarity_of(d: Definition) -> int:
    """The similarity the review type's independence guards use."""
    refs = [*d.data_rules, *(g for t in d.transitions for g in t.guards)]
    for ref in refs:
        if ref.name in GUARDS and "similarity" in ref.params:
            return int(ref.params["similarity"])
    return DEFAULT_SIMILARITY


def list_confirmations(service: Service, actor: Actor, case_id: int) -> ConfirmationList:
    access.require_role(actor, READERS, "see a case's independence confirmations")
    with service.store.read() as u:
        access.require_visible(actor, u.cases.get(case_id), case_id)
        return ConfirmationList(items=[_out(c) for c in u.agencies.confirmations(case_id)])


READERS = {Role.REVIEWER.value, Role.CHAIR.value, Role.ADMIN.value, Role.LEAD_REVIEWER.value}


def confirm_independence(
    service: Service, actor: Actor, case_id: int, command: ConfirmIndependence
) -> SavedConfirmation:
    """Record the chair's confirmation (the chair only)."""
    access.require_role(actor, {Role.CHAIR.value}, "confirm a lead reviewer's independence")
    found: list[IndependenceConfirmation] = []

    def work(u: Unit, case: Case, now: datetime) -> tuple[Callable[[int], int], list[NewEvent]]:
        today = service.calendar.local_date(now)
        d = service.definitions.of_version(u, case.definition_id)
        row = _confirmation(u, case, command, similarity_of(d), actor, now, today)
        found.append(row)
        detail = {
            "record": NOUN,
            "id": row.id,
            "label": f"{NOUN.capitalize()} {row.id}",
            "fields": ["agency", "organisation", "reason"],
        }
        return (lambda version: version), [NewEvent(EventKind.RECORD_ADDED, detail=detail)]

    version = write(service, actor, case_id, command.expected_version, work)
    return SavedConfirmation(confirmation=_out(found[0]), case_version=version)


def _confirmation(
    u: Unit,
    case: Case,
    command: ConfirmIndependence,
    similarity: int,
    actor: Actor,
    now: datetime,
    today: date,
) -> IndependenceConfirmation:
    """The confirmation to keep, once it is checked that it confirms a real near match between
    an organisation (of the register, when the board keeps one) and an agency involved. It may
    come before the lead is appointed: the appointment is then no longer refused for it."""
    register = register_of(u)
    entry = register.find(command.organisation)
    organisation = entry.name if entry is not None else " ".join(command.organisation.split())
    agencies = {fold(a): str(a) for a in case.data.get("agencies") or [] if isinstance(a, str)}
    problems = []
    if register.kept and entry is None:
        problems.append(
            f"organisation: '{command.organisation}' is not in the board's register of agencies."
        )
    if fold(command.agency) not in agencies:
        problems.append(f"agency: '{command.agency}' is not an agency involved in the case.")
    if problems:
        raise InvalidInput("The independence confirmation was not recorded.", problems)
    agency = agencies[fold(command.agency)]
    relation = register.relation(organisation, agency, similarity)
    if relation is None or not relation.near:
        what = "is the same body as" if relation is not None else "is not near"
        raise InvalidInput(
            f"Nothing to confirm: {organisation} {what} {agency}. Only a near match (a parent "
            "or part body, or a similar name) can be confirmed; an agency involved itself never.",
            [f"agency: {organisation} {what} {agency}"],
        )
    if u.agencies.confirmation(case.id or 0, fold(organisation), fold(agency)) is not None:
        raise AlreadyExists(f"The chair has already confirmed {organisation} and {agency}.")
    row = IndependenceConfirmation(
        case_id=case.id or 0,
        organisation=fold(organisation),
        agency=fold(agency),
        organisation_name=organisation,
        agency_name=agency,
        reason=command.reason.strip(),
        confirmed_on=today,
        confirmed_at=now,
        confirmed_by=actor.name,
    )
    return u.agencies.confirm(row)


__all__ = [
    "ConfirmIndependence",
    "ConfirmationList",
    "ConfirmationOut",
    "SavedConfirmation",
    "confirm_independence",
    "list_confirmations",
]
