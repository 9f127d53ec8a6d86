"""Issue 12, every statutory rule right: each test here failed on main before its rule.

Through the use cases (the service), with the clock injected; the sweep is called with ``now``.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import Clock
from tests.test_publication import (
    confirm_harm_check,
    publish,
    put_in_publication,
    respond,
    send_copies,
)
from workflow.core.calendar import WorkingCalendar, parse_duration
from workflow.core.errors import TransitionBlocked
from workflow.core.roles import Actor
from workflow.services.cases import Service

NOTIFIABLE = {
    "abuse_or_neglect": True,
    "child_died": True,
    "seriously_harmed": False,
    "looked_after_child": False,
    "regulated_setting": False,
}


def due(case: object, name: str) -> date:
    return next(d.due_date for d in case.deadlines if d.name == name)  # type: ignore[attr-defined]


# -- 6. each timer names its calendar ----------------------------------------------------------


def test_a_closure_day_does_not_move_the_statutory_5_day_notification(
    service: Service, clock: Clock, reviewer: Actor
) -> None:
    clock.set("2026-12-01T10:00:00+00:00")
    board = WorkingCalendar(closure_days=[date(2026, 12, 2)])
    closed_board = Service(service.store, board, clock)
    case = closed_board.open_case(
        reviewer, "notifiable_incident", "Child A", {"aware_at": "2026-12-01"}
    )
    # Aware on Tuesday 1 December 2026: the 5th working day after is Tuesday 8 December, whatever
    # the board's own closure days.
    assert due(case, "notification") == date(2026, 12, 8)
    # The board's policy limits still count its closure days where the definition says so.
    assert board.last_day(date(2026, 12, 1), parse_duration("5 working days")) == date(2026, 12, 9)


# -- 1. advance copies a week before the publication date (T5) ---------------------------------


def test_advance_copies_are_judged_against_the_publication_date(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)
    respond(service, reviewer, case_id)
    send_copies(service, reviewer, case_id, sent_on=date(2026, 11, 23))
    confirm_harm_check(service, chair, case_id)
    clock.set("2026-12-01T10:00:00+00:00")
    with pytest.raises(TransitionBlocked) as refused:
        publish(service, chair, case_id, published_on=date(2026, 11, 24))
    assert (
        "At least 1 week must pass after the advance copy to Ofsted "
        "(data.advance_copies.ofsted, 2026-11-23); the earliest day is 2026-11-30 to publish, "
        "not 2026-11-24 (the publication date, data.published_at)."
    ) in refused.value.unmet
    done = publish(service, chair, case_id, published_on=date(2026, 11, 30))
    assert done.state == "published"
    assert done.data["published_at"] == "2026-11-30"
