"""Opening a case: a review type's newest version, its initial state, its data checked by the
review type's rules, its first deadlines, and its lead reviewer when the data names one."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from workflow.core import engine
from workflow.core.errors import InvalidInput
from workflow.core.roles import Actor
from workflow.services import access, catalog, records
from workflow.services.agencies import checking as agencies
from workflow.services.cases import lead
from workflow.services.cases.commands import OpenCase
from workflow.services.cases.results import CaseView
from workflow.services.cases.shown import case_view
from workflow.store.cases import new_reference, reference_prefix
from workflow.store.models.cases import Case

if TYPE_CHECKING:
    from workflow.services.cases.service import Service

log = logging.getLogger(__name__)


def open_case(service: Service, actor: Actor, command: OpenCase) -> CaseView:
    """Open the case, or refuse it with every problem (nothing is written)."""
    title = command.title.strip()
    if not title:
        raise InvalidInput(
            "The case was not opened.", ["Give the case a title (title), e.g. 'Child A'."]
        )
    _require_offered(service, command.review_type)
    now = service.now()
    patch = lead.split(command.data)
    named = records.lead_from_data(patch.lead) if patch.names_lead else None
    today = service.calendar.local_date(now)
    with service.store.write() as u:
        row = catalog.row_for(u, command.review_type)
        d = service.definitions.parsed(row)
        access.require_role(actor, set(d.open_roles), f"open a {d.name.lower()}")
        values = agencies.checked_agencies(u, patch.values)
        named = records.registered_lead(u, named)
        # The guards that open the case see the board's register (and the lead, below).
        opening: dict[str, Any] = dict(agencies.guard_facts(u, 0))
        if named is not None:
            # The guards that open the case see the lead as the record it is about to become.
            appointed = {
                "name": named.name,
                "organisations": list(named.organisations),
                "appointed_on": today.isoformat(),
            }
            opening["lead_appointments"] = [appointed]
        outcome = engine.open_case(d, actor, values, now, service.calendar, opening)
        case = Case(
            reference=new_reference(reference_prefix(d.key), now),
            review_type=d.key,
            definition_id=row.id or 0,
            definition_version=row.version,
            state=outcome.state,
            title=title,
            created_at=now,
            updated_at=now,
            created_by=actor.name,
            lead_name=named.name.casefold() if named else "",
        )
        u.cases.save(case, outcome, actor, now, service.calendar)
        if named is not None:
            events = records.appoint_from_data(u, case, actor, patch.lead, now, today)
            u.cases.append_events(case, actor, events, now)
        log.info("case %s opened by %s", case.reference, actor.name)
        return case_view(u, case, d, actor, now, service.calendar)


__all__ = ["open_case"]


def _require_offered(service: Service, review_type: str) -> None:
    """The board's framework (config ``[framework] review_types``) offers this type for new
    cases; an empty list offers every one."""
    if service.offered and review_type not in service.offered:
        raise InvalidInput(
            f"The board's framework does not offer a {review_type.replace('_', ' ')} for new "
            f"cases; open one of: {', '.join(service.offered)} (config.toml [framework] "
            "review_types).",
            [f"review_type: '{review_type}' is not offered"],
        )
