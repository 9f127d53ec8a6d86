"""Reading cases: one case (by id or reference), pages of the cases a reader may see, and a
case's audit trail. Every read is written to the access log: case data is about children."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workflow.core.errors import NotFound
from workflow.core.roles import Actor
from workflow.services import access
from workflow.services.cases.commands import CaseQuery
from workflow.services.cases.results import CasePage, CaseView, EventView
from workflow.services.cases.shown import case_summary, case_view
from workflow.services.cases.trail import visible_events
from workflow.services.paging import cut, window
from workflow.store.cases import CaseFilter

if TYPE_CHECKING:
    from workflow.services.cases.service import Service


def get_case(service: Service, actor: Actor, case_id: int) -> CaseView:
    now = service.now()
    with service.store.write() as u:
        case = access.require_visible(actor, u.cases.get(case_id), case_id)
        u.cases.log_access([case_id], actor.name, "read", now)
        d = service.definitions.of_version(u, case.definition_id)
        return case_view(u, case, d, actor, now, service.calendar)


def find_case(service: Service, actor: Actor, reference: str) -> CaseView:
    with service.store.read() as u:
        case = u.cases.by_reference(reference)
        if case is None or not access.may_see(actor, case):
            raise NotFound(f"There is no case {reference} that you can see.")
        case_id = case.id or 0
    return get_case(service, actor, case_id)


def list_cases(service: Service, actor: Actor, query: CaseQuery) -> CasePage:
    """The cases the actor may see, newest first, keyset-paged by id (``query.after`` is the
    ``next_after`` of the page before)."""
    now = service.now()
    page = window(query.limit, query.after, service.page_size)
    only = CaseFilter(
        review_type=query.review_type or None,
        state=query.state or None,
        overdue_at=now if query.overdue else None,
    )
    with service.store.write() as u:
        found = u.cases.page(access.scope_of(actor), only, page.after, page.fetch)
        rows, next_after = cut(found, page, lambda c: c.id)
        ids = [c.id or 0 for c in rows]
        deadlines = u.cases.shown_deadlines(ids)
        leads = u.cases.leads_of(ids)
        items = [
            case_summary(
                u,
                case,
                service.definitions.of_version(u, case.definition_id),
                actor,
                deadlines.get(case.id or 0, []),
                leads.get(case.id or 0, []),
            )
            for case in rows
        ]
        u.cases.log_access(ids, actor.name, "list", now)
        return CasePage(items=items, next_after=next_after)


def events(service: Service, actor: Actor, case_id: int) -> list[EventView]:
    """The case's audit trail, oldest first."""
    now = service.now()
    with service.store.write() as u:
        access.require_visible(actor, u.cases.get(case_id), case_id)
        u.cases.log_access([case_id], actor.name, "events", now)
        return visible_events(u, actor, u.cases.events(case_id))


__all__ = ["events", "find_case", "get_case", "list_cases"]
