# ruff: noqa: F811  (the fixtures of tests/test_pages.py are imported, then asked for by name)
"""Issue 14, deadlines in the calendar people already use: each user's secret, revocable
iCalendar feed of the deadlines they must act on, read back with the ``icalendar`` package.
No child's name or case title in it; the UID stays while a deadline moves, SEQUENCE and
DTSTAMP follow the move, and a deadline met leaves the feed."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from icalendar import Calendar

from tests.conftest import Clock
from tests.test_pages import (  # noqa: F401
    CRITERIA_MET,
    app,
    as_user,
    client,
    open_incident,
    people,
    settings,
    submit,
    text_of,
)
from workflow.core.roles import Actor
from workflow.services.cases import Service


def _address(c: Any) -> str:
    page = c.get("/calendar").get_data(as_text=True)
    made = submit(c, page, "/calendar", {"action": "reset"})
    assert made.status_code == 200
    found = re.search(r'data-testid="feed-address">([^<]+)<', made.get_data(as_text=True))
    assert found
    return found.group(1).replace("http://localhost", "")


def _events(app: Any, address: str) -> list[Any]:
    r = app.test_client().get(address)  # no session: a calendar program
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    return [e for e in Calendar.from_ical(r.data).walk("VEVENT")]


def test_the_feed_lists_the_deadlines_to_act_on_and_follows_them(
    app: Any, service: Service, people: dict[str, Actor], clock: Clock
) -> None:
    rita = people["rita"]
    case = open_incident(service, rita, date(2026, 11, 26), ["Police"], title="Child Z Smith")
    address = _address(as_user(app, "rita"))
    assert address.startswith("/calendar/") and address.endswith(".ics")
    [event] = _events(app, address)
    assert str(event["summary"]) == f"{case.reference}: Notify Ofsted and the board"
    assert event.decoded("dtstart") == date(2026, 12, 3)
    assert str(event["url"]).endswith(f"/cases/{case.id}")
    raw = app.test_client().get(address).get_data(as_text=True)
    assert "Child Z" not in raw and "Smith" not in raw
    uid, seq = str(event["uid"]), int(event["sequence"])

    # The deadline moves (a new date of awareness): same UID, later SEQUENCE and DTSTAMP.
    clock.advance(hours=2)
    now = service.get_case(rita, case.id)
    service.update_data(rita, case.id, {"aware_at": "2026-11-27"}, now.version)
    [moved] = _events(app, address)
    assert str(moved["uid"]) == uid and int(moved["sequence"]) > seq
    assert moved.decoded("dtstart") == date(2026, 12, 4)
    assert moved.decoded("dtstamp") > event.decoded("dtstamp")

    # Met: it leaves the feed.
    now = service.get_case(rita, case.id)
    now = service.update_data(rita, case.id, {"criteria": CRITERIA_MET}, now.version)
    service.transition(rita, case.id, "notify", now.version)
    assert _events(app, address) == []


def test_only_the_deadlines_a_role_acts_on_and_the_address_is_revocable(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    ada = as_user(app, "ada")
    first = _address(ada)
    assert _events(app, first) == []  # an administrator notifies nobody
    second = _address(ada)
    assert app.test_client().get(first).status_code == 404  # the old address stops working
    assert app.test_client().get(second).status_code == 200
    page = ada.get("/calendar").get_data(as_text=True)
    submit(ada, page, "/calendar", {"action": "stop"})
    assert app.test_client().get(second).status_code == 404
    assert app.test_client().get("/calendar/not-a-secret.ics").status_code == 404
    assert "no feed address" in text_of(ada.get("/calendar").get_data(as_text=True))
