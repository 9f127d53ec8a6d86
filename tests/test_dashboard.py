"""The dashboard's service and read model, below the page: paging each list to its end without
repeats, the bounded walk of open escalations, and the few-cases short cut."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from workflow.core.roles import Actor
from workflow.services import dashboard
from workflow.services.cases import Service
from workflow.store import dashboard as read_model
from workflow.store.models.time import Escalation
from workflow.store.unit import unit_of_work


def _incident(service: Service, who: Actor, aware: date, agencies: list[str]) -> Any:
    return service.open_case(
        who, "notifiable_incident", "Child", {"aware_at": aware.isoformat(), "agencies": agencies}
    )


def _escalate(service: Service, case_id: int, roles: list[str], n: int) -> None:
    with unit_of_work(service.db) as s:
        for i in range(n):
            s.add(
                Escalation(
                    case_id=case_id,
                    deadline_name="notification",
                    reason=f"Escalated to {' and '.join(roles)} ({i}).",
                    to_roles=roles,
                    raised_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC) + timedelta(minutes=i),
                )
            )


#: Each list of the board: the query's cursor for it, and the board's answer for it.
LISTS = {"cases": "action", "deadlines": "due", "escalations": "escalations"}


def _all_pages(service: Service, who: Actor, which: str) -> list[list[int]]:
    """The ids of each page of one list, following its next_after to the end."""
    pages: list[list[int]] = []
    cursor: dict[str, Any] = {}
    for _ in range(50):
        query = dashboard.BoardQuery(limit=3, soon=10, **cursor)
        shown = getattr(dashboard.board(service, who, query), LISTS[which])
        pages.append([line.id for line in shown.items])
        if shown.next_after is None:
            return pages
        after = shown.next_after
        cursor = {
            f"{which}_after": dashboard.deadline_key(after) if which == "deadlines" else after
        }
    raise AssertionError("the pages never end")


@pytest.mark.parametrize("which", ["cases", "deadlines", "escalations"])
def test_each_list_pages_to_its_end_without_repeats(
    service: Service, reviewer: Actor, chair: Actor, which: str
) -> None:
    cases = [_incident(service, reviewer, date(2026, 11, 16 + i), ["Police"]) for i in range(8)]
    for case in cases[:4]:
        _escalate(service, case.id, ["chair"], 2)
    who = chair if which == "escalations" else reviewer
    pages = _all_pages(service, who, which)
    seen = [ident for page in pages for ident in page]
    assert len(seen) == len(set(seen)) == 8
    assert all(len(page) <= 3 for page in pages) and len(pages) >= 3


def test_the_escalation_walk_is_bounded_and_carries_on_where_it_stopped(
    service: Service, reviewer: Actor, chair: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_model, "ESCALATION_BATCH", 4)
    monkeypatch.setattr(read_model, "ESCALATION_BATCHES", 2)
    case = _incident(service, reviewer, date(2026, 11, 26), ["Police"])
    _escalate(service, case.id, ["chair"], 2)  # the oldest two are the chair's
    _escalate(service, case.id, ["reviewer"], 12)  # then a dozen for someone else
    first = dashboard.board(service, chair, dashboard.BoardQuery()).escalations
    # Two batches of four read none of the chair's: a short page that carries on.
    assert first.items == [] and first.next_after is not None
    seen = []
    after: int | None = first.next_after
    while after is not None:
        page = dashboard.board(service, chair, dashboard.BoardQuery(escalations_after=after))
        seen += [e.reason for e in page.escalations.items]
        after = page.escalations.next_after
    assert seen == ["Escalated to chair (1).", "Escalated to chair (0)."]


def test_few_cases_are_read_by_their_ids_and_many_through_the_index(
    service: Service, reviewer: Actor, police: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    for agencies in (["Police"], ["Health"], ["Police", "Health"]):
        _incident(service, reviewer, date(2026, 11, 26), agencies)
    with service.store.read() as u:
        assert u.dashboard.narrowing(reviewer).ids is None  # nothing narrows
        few = u.dashboard.narrowing(police)
        monkeypatch.setattr(read_model, "NARROW", 1)
        many = u.dashboard.narrowing(police)
    assert few.ids is not None and len(few.ids) == 2
    assert many.ids is None
    for narrowing in (few, many):
        with service.store.read() as u:
            due = u.dashboard.deadlines_due(narrowing, datetime(2027, 1, 1, tzinfo=UTC), None, 10)
        assert len(due) == 2  # the same answer either way


def test_a_cursor_that_is_not_one_starts_at_the_first_page() -> None:
    assert dashboard.deadline_key("2026-12-03T23:59:59+00:00_12") == (
        datetime(2026, 12, 3, 23, 59, 59, tzinfo=UTC),
        12,
    )
    for bad in (None, "", "12", "yesterday_3", "2026-12-03_x"):
        assert dashboard.deadline_key(bad) is None
