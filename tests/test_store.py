"""The store: save and reload, the append-only audit trail, optimistic versions, refusals that
change nothing, agency scoping, immutable published versions, SQLite pragmas and the schema."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import StatementError
from sqlmodel import Session, col, select

from tests.conftest import DEFINITIONS, Clock
from workflow.core.calendar import WorkingCalendar
from workflow.core.errors import (
    DefinitionError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransitionBlocked,
    TransitionNotAllowed,
    VersionConflict,
    WorkflowError,
)
from workflow.core.roles import SYSTEM_ACTOR, Actor
from workflow.services.cases import Service
from workflow.services.cases.review_types import Published
from workflow.store.db import make_engine
from workflow.store.models.cases import Case, Event
from workflow.store.models.catalog import ReviewTypeVersion
from workflow.store.models.time import Deadline
from workflow.store.schema import is_current, upgrade
from workflow.store.unit import Store, unit_of_work

NI = "notifiable_incident"
NOTIFIABLE = {
    "criteria": {
        "abuse_or_neglect": True,
        "child_died": True,
        "seriously_harmed": False,
        "looked_after_child": False,
        "regulated_setting": False,
    }
}
TRICKY_DATA: dict[str, Any] = {
    "aware_at": "2026-11-27",
    "agencies": ["Police", "Children's Social Care"],
    "criteria": {"abuse_or_neglect": True, "child_died": False},
    "notes": "Ünïcödé — “quotes”, emoji 🧒, newline\nand tab\t",
    "numbers": [0, -1, 2.5, 10**12],
    "nested": {"list": [{"a": None}, [], {}], "flag": False},
    "empty_text": "",
}


def open_ni(service: Service, actor: Actor, **data: Any) -> dict[str, Any]:
    return service.open_case(actor, NI, "Child A", {"aware_at": "2026-11-27", **data})


def stored(db: Engine, case_id: int) -> tuple[Any, ...]:
    """Everything stored about a case: its row, its deadline rows and its events."""
    with Session(db) as s:
        case = s.get(Case, case_id)
        assert case is not None
        deadlines = s.exec(
            select(Deadline).where(Deadline.case_id == case_id).order_by(col(Deadline.id))
        )
        events = s.exec(select(Event).where(Event.case_id == case_id).order_by(col(Event.seq)))
        return (
            case.model_dump(),
            [d.model_dump() for d in deadlines],
            [e.model_dump() for e in events],
        )


# -- save and reload --------------------------------------------------------------------------


def test_a_case_reads_back_as_it_was_written(
    db: Engine, service: Service, clock: Clock, reviewer: Actor
) -> None:
    view = service.open_case(reviewer, NI, "Child Ä", TRICKY_DATA)
    with Session(db) as s:
        case = s.get(Case, view.id)
        assert case is not None
        assert case.data == TRICKY_DATA
        assert case.milestones == {"entered:referral": "2026-11-30T10:00:00+00:00"}
        assert case.title == "Child Ä"
        for instant in (case.created_at, case.updated_at):
            assert instant == clock.now
            assert instant.utcoffset() == timedelta(0)
        (deadline,) = s.exec(select(Deadline).where(Deadline.name == "notification"))
        assert deadline.due_at == datetime(2026, 12, 5, 0, 0, tzinfo=UTC)
        assert deadline.due_at.utcoffset() == timedelta(0)
        assert str(deadline.due_date) == "2026-12-04"
    again = service.get_case(reviewer, view.id)
    for key in ("data", "state", "version", "reference", "deadlines", "created_at"):
        assert getattr(again, key) == getattr(view, key), key
    assert again.model_dump(mode="json")["created_at"] == "2026-11-30T10:00:00+00:00"


def test_an_instant_given_in_another_offset_is_the_same_instant_read_back(
    db: Engine,
    service: Service,
    clock: Clock,
    reviewer: Actor,
) -> None:
    clock.now = datetime(2026, 11, 30, 15, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    view = open_ni(service, reviewer)
    with Session(db) as s:
        case = s.get(Case, view.id)
        assert case is not None
        assert case.created_at == clock.now  # same instant ...
        assert case.created_at == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # ... kept in UTC
        assert case.created_at.tzinfo is not None
    again = service.get_case(reviewer, view.id)
    assert again.model_dump(mode="json")["created_at"] == "2026-11-30T10:00:00+00:00"
    (created, *_) = service.events(reviewer, view.id)
    assert created.model_dump(mode="json")["at"] == "2026-11-30T10:00:00+00:00"


def test_a_naive_instant_is_refused(db: Engine) -> None:
    row = ReviewTypeVersion(
        key="x",
        version=1,
        name="x",
        source="",
        published_by="t",
        published_at=datetime(2026, 11, 30, 10, 0),
    )
    with pytest.raises(StatementError, match="naive datetime"), Session(db) as s:
        s.add(row)
        s.commit()


# -- the audit trail --------------------------------------------------------------------------


def test_the_audit_trail_is_numbered_oldest_first_one_event_per_change(
    service: Service,
    clock: Clock,
    reviewer: Actor,
) -> None:
    case = open_ni(service, reviewer)
    clock.advance(hours=1)
    case = service.update_data(
        reviewer, case.id, {"aware_at": "2026-11-26"}, case.version, note="date corrected"
    )
    clock.advance(hours=1)
    case = service.transition(
        reviewer, case.id, "notify", case.version, note="sent", data=NOTIFIABLE
    )
    events = service.events(reviewer, case.id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [(e.kind, e.trigger, e.from_state, e.to_state) for e in events] == [
        ("created", None, None, "referral"),
        ("deadline_opened", None, None, None),
        ("data_changed", None, None, None),
        ("deadline_moved", None, None, None),
        ("data_changed", "notify", None, None),
        ("transition", "notify", "referral", "notified"),
        ("deadline_met", None, None, None),
        ("deadline_opened", None, None, None),
    ]
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert events[2].note == "date corrected" and events[5].note == "sent"
    assert {e.actor for e in events} == {"rita"}
    assert events[4].detail["changed"]["notified_at"] == "2026-11-30"


def test_the_service_offers_no_way_to_edit_or_delete_events() -> None:
    names = {n for n in dir(Service) if not n.startswith("_")}
    assert not {n for n in names if "event" in n and n != "events"}
    assert not any(n.startswith(("delete", "remove")) for n in names)


# -- optimistic versions ----------------------------------------------------------------------


def test_a_stale_expected_version_is_a_conflict(service: Service, reviewer: Actor) -> None:
    case = open_ni(service, reviewer)
    newer = service.update_data(reviewer, case.id, {"x": 1}, case.version)
    for attempt in (
        lambda: service.update_data(reviewer, case.id, {"x": 2}, case.version),
        lambda: service.transition(reviewer, case.id, "notify", case.version, data=NOTIFIABLE),
    ):
        with pytest.raises(VersionConflict) as caught:
            attempt()
        assert f"current version: {newer.version}" in caught.value.details
        assert "Reload it" in caught.value.message
    assert service.get_case(reviewer, case.id).data["x"] == 1


def test_a_stale_version_is_a_conflict_even_when_the_step_is_gone(
    service: Service, reviewer: Actor
) -> None:
    # The other person's step moved the case on: "reload" is the truth, not "not available".
    case = open_ni(service, reviewer)
    service.transition(reviewer, case.id, "notify", case.version, data=NOTIFIABLE)
    with pytest.raises(VersionConflict):
        service.transition(reviewer, case.id, "not_notifiable", case.version)


@pytest.mark.parametrize("version", [None, "1", True])
def test_the_expected_version_is_required(service: Service, reviewer: Actor, version: Any) -> None:
    case = open_ni(service, reviewer)
    with pytest.raises(InvalidInput, match="expected_version"):
        service.update_data(reviewer, case.id, {"x": 1}, version)


def test_a_stale_row_written_from_another_session_loses(
    db: Engine, service: Service, reviewer: Actor
) -> None:
    case = open_ni(service, reviewer)
    with Session(db, expire_on_commit=False) as s:
        stale = s.get(Case, case.id)  # read by one session ...
        assert stale is not None
    service.update_data(reviewer, case.id, {"x": 1}, case.version)  # ... changed by another
    with pytest.raises(VersionConflict), unit_of_work(db) as s:
        stale.title = "overwritten"
        s.add(stale)
        s.flush()
    assert service.get_case(reviewer, case.id).title == "Child A"


def test_concurrent_writers_with_one_version_give_one_success(
    service: Service, reviewer: Actor
) -> None:
    case = open_ni(service, reviewer)
    before = len(service.events(reviewer, case.id))
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def write(i: int) -> None:
        start.wait()
        try:
            service.update_data(reviewer, case.id, {"writer": i}, case.version)
            outcomes.append("ok")
        except VersionConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["conflict"] * 7 + ["ok"]
    after = service.get_case(reviewer, case.id)
    assert after.version > case.version
    assert len(service.events(reviewer, case.id)) == before + 1  # one data_changed


def test_one_change_is_one_version(service: Service, reviewer: Actor) -> None:
    case = open_ni(service, reviewer, agencies=["Police"])
    assert case.version == 1
    changed = service.update_data(reviewer, case.id, {"agencies": ["Health"]}, case.version)
    assert changed.version == 2
    moved = service.transition(
        reviewer, case.id, "notify", 2, data=NOTIFIABLE | {"agencies": ["Police"]}
    )
    assert moved.version == 3


# -- a refused request changes nothing --------------------------------------------------------


REFUSALS: dict[str, tuple[type[WorkflowError], Callable[..., Any]]] = {
    "blocked": (
        TransitionBlocked,
        lambda svc, c, a: svc.transition(
            a["reviewer"], c.id, "notify", c.version, data={"note": "changed"}
        ),
    ),
    "not available": (
        TransitionNotAllowed,
        lambda svc, c, a: svc.transition(
            a["chair"], c.id, "decide_scr", c.version, data={"note": "changed"}
        ),
    ),
    "unknown step": (
        TransitionNotAllowed,
        lambda svc, c, a: svc.transition(a["chair"], c.id, "explode", c.version),
    ),
    "wrong role": (
        PermissionDenied,
        lambda svc, c, a: svc.transition(a["admin"], c.id, "notify", c.version, data=NOTIFIABLE),
    ),
    "stale version (step)": (
        VersionConflict,
        lambda svc, c, a: svc.transition(
            a["reviewer"], c.id, "notify", c.version - 1, data=NOTIFIABLE
        ),
    ),
    "stale version (data)": (
        VersionConflict,
        lambda svc, c, a: svc.update_data(
            a["reviewer"], c.id, {"aware_at": "2026-11-20"}, c.version + 5
        ),
    ),
    "data rule": (
        InvalidInput,
        lambda svc, c, a: svc.update_data(
            a["reviewer"], c.id, {"aware_at": "2027-01-01", "x": 1}, c.version
        ),
    ),
    "data rule in a step": (
        TransitionBlocked,
        lambda svc, c, a: svc.transition(
            a["reviewer"],
            c.id,
            "notify",
            c.version,
            data=NOTIFIABLE | {"notified_at": "2026-11-01"},
        ),
    ),
    "not visible": (
        NotFound,
        lambda svc, c, a: svc.update_data(a["health"], c.id, {"x": 1}, c.version),
    ),
    "may not edit": (
        PermissionDenied,
        lambda svc, c, a: svc.update_data(a["police"], c.id, {"x": 1}, c.version),
    ),
    "empty patch": (
        InvalidInput,
        lambda svc, c, a: svc.update_data(a["reviewer"], c.id, {}, c.version),
    ),
}


@pytest.mark.parametrize("refusal", sorted(REFUSALS))
def test_a_refused_request_leaves_everything_as_it_was(
    db: Engine,
    service: Service,
    clock: Clock,
    reviewer: Actor,
    chair: Actor,
    admin: Actor,
    police: Actor,
    refusal: str,
) -> None:
    actors = {
        "reviewer": reviewer,
        "chair": chair,
        "admin": admin,
        "police": police,
        "health": Actor("hal", "agency", ("Health",)),
    }
    case = open_ni(service, reviewer, agencies=["Police"])
    case = service.update_data(reviewer, case.id, {"draft": "kept"}, case.version)
    before = stored(db, case.id)
    clock.advance(hours=2)
    error, attempt = REFUSALS[refusal]
    with pytest.raises(error):
        attempt(service, case, actors)
    assert stored(db, case.id) == before


def test_a_closed_case_refuses_data_changes(db: Engine, service: Service, reviewer: Actor) -> None:
    case = open_ni(service, reviewer)
    case = service.transition(
        reviewer,
        case.id,
        "not_notifiable",
        case.version,
        data={
            "criteria": dict.fromkeys(NOTIFIABLE["criteria"], False),
            "decision_rationale": "No harm",
        },
    )
    before = stored(db, case.id)
    with pytest.raises(InvalidInput, match="closed"):
        service.update_data(reviewer, case.id, {"x": 1}, case.version)
    assert stored(db, case.id) == before


# -- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agencies", "sees"),
    [
        (("Police",), {"police_and_health"}),
        ((" POLICE ",), {"police_and_health"}),
        (("health",), {"police_and_health"}),
        (("Children's social care", "Health"), {"police_and_health", "social_care"}),
        (("Education",), set()),
        ((), set()),
    ],
)
def test_an_agency_sees_only_the_cases_naming_its_agencies(
    service: Service,
    reviewer: Actor,
    agencies: tuple[str, ...],
    sees: set[str],
) -> None:
    cases = {
        "police_and_health": open_ni(service, reviewer, agencies=["Police", " Health "]),
        "social_care": open_ni(service, reviewer, agencies=["CHILDREN'S SOCIAL CARE"]),
        "none": open_ni(service, reviewer),
    }
    user = Actor("ann", "agency", agencies)
    listed = {item.id for item in service.list_cases(user).items}
    assert listed == {cases[name].id for name in sees}
    for name, case in cases.items():
        if name in sees:
            assert service.get_case(user, case.id).id == case.id
            assert service.events(user, case.id)
        else:
            with pytest.raises(NotFound):
                service.get_case(user, case.id)
            with pytest.raises(NotFound):
                service.events(user, case.id)
    everyone = {item.id for item in service.list_cases(reviewer).items}
    assert everyone == {c.id for c in cases.values()}


def test_agency_scoping_follows_changes_to_the_agencies(
    service: Service, reviewer: Actor, police: Actor
) -> None:
    case = open_ni(service, reviewer, agencies=["Health"])
    assert service.list_cases(police).items == []
    case = service.update_data(reviewer, case.id, {"agencies": ["Health", "police"]}, case.version)
    assert [i.id for i in service.list_cases(police).items] == [case.id]
    service.update_data(reviewer, case.id, {"agencies": None}, case.version)
    assert service.list_cases(police).items == []
    with pytest.raises(NotFound):
        service.get_case(police, case.id)


@pytest.mark.parametrize("name", ["Lena Lead", "lena lead", "  LENA LEAD "])
def test_a_lead_reviewer_sees_the_cases_they_lead(
    service: Service, reviewer: Actor, name: str
) -> None:
    mine = open_ni(service, reviewer, lead_reviewer={"name": " Lena Lead", "organisations": []})
    other = open_ni(service, reviewer, lead_reviewer={"name": "Someone Else", "organisations": []})
    open_ni(service, reviewer)
    lead = Actor(name, "lead_reviewer")
    assert [i.id for i in service.list_cases(lead).items] == [mine.id]
    assert service.get_case(lead, mine.id).id == mine.id
    with pytest.raises(NotFound):
        service.get_case(lead, other.id)


# -- published definitions --------------------------------------------------------------------


def test_published_versions_are_numbered_and_never_change(
    db: Engine,
    service: Service,
    admin: Actor,
    reviewer: Actor,
) -> None:
    original = (DEFINITIONS / f"{NI}.toml").read_text(encoding="utf-8")
    old_case = open_ni(service, reviewer)
    assert old_case.definition_version == 1
    changed = original.replace('label = "Notified"', 'label = "Notified (v2)"')
    assert changed != original
    assert service.publish(admin, changed) == Published(key=NI, version=2)
    assert service.publish(admin, changed) == Published(key=NI, version=3)
    assert service.review_type(NI).version == 3
    assert service.review_type(NI, 1).source == original
    assert service.review_type(NI, 2).source == changed
    # A case keeps the version it was opened on; a new one gets the newest.
    assert service.get_case(reviewer, old_case.id).definition_version == 1
    assert open_ni(service, reviewer).definition_version == 3
    with Session(db) as s:
        rows = s.exec(
            select(ReviewTypeVersion)
            .where(ReviewTypeVersion.key == NI)
            .order_by(col(ReviewTypeVersion.version))
        ).all()
        assert [(r.version, r.source == original) for r in rows] == [
            (1, True),
            (2, False),
            (3, False),
        ]


def test_an_invalid_or_unauthorised_publication_adds_no_version(
    service: Service,
    admin: Actor,
    chair: Actor,
) -> None:
    original = (DEFINITIONS / f"{NI}.toml").read_text(encoding="utf-8")
    with pytest.raises(DefinitionError):
        service.publish(admin, original.replace('dest = "notified"', 'dest = "nowhere"'))
    with pytest.raises(PermissionDenied):
        service.publish(chair, original)
    assert service.review_type(NI).version == 1


def test_each_database_gets_its_own_definitions(
    db: Engine, service: Service, admin: Actor, clock: Clock, tmp_path: Path
) -> None:
    assert service.definition(NI).label_of("notified") == "Notified"
    other_db = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        upgrade(other_db)
        other = Service(Store(other_db), WorkingCalendar(), clock)
        for path in sorted(DEFINITIONS.glob("*.toml")):  # the same ids, one source changed
            source = path.read_text(encoding="utf-8")
            other.publish(admin, source.replace('label = "Notified"', 'label = "Told"'))
        assert other.review_type(NI).version == 1
        assert other.definition(NI).label_of("notified") == "Told"
    finally:
        other_db.dispose()


def test_a_case_runs_on_its_own_version(service: Service, admin: Actor, reviewer: Actor) -> None:
    original = (DEFINITIONS / f"{NI}.toml").read_text(encoding="utf-8")
    old_case = open_ni(service, reviewer)
    # Version 2 lets only the chair notify.
    chair_only = original.replace(
        'dest = "notified"\nroles = ["reviewer", "chair"]', 'dest = "notified"\nroles = ["chair"]'
    )
    assert chair_only != original
    service.publish(admin, chair_only)
    with pytest.raises(PermissionDenied):
        service.transition(reviewer, open_ni(service, reviewer).id, "notify", 1, data=NOTIFIABLE)
    moved = service.transition(reviewer, old_case.id, "notify", old_case.version, data=NOTIFIABLE)
    assert moved.state == "notified"


# -- the database itself ----------------------------------------------------------------------


def test_sqlite_file_databases_get_their_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        upgrade(engine)
        with pytest.raises(Exception, match="FOREIGN KEY"), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO event (case_id, seq, at, actor, actor_role, kind, note, detail) "
                    "VALUES (999, 1, '2026-11-30 10:00:00', 'x', 'x', 'x', '', '{}')"
                )
            )
    finally:
        engine.dispose()


def test_the_schema_is_at_head_and_upgrading_again_is_safe(
    empty_db: Engine, calendar: Any, clock: Clock
) -> None:
    db = empty_db
    upgrade(db)
    assert is_current(db)
    upgrade(db)
    upgrade(db)
    assert is_current(db)
    service = Service(Store(db), calendar, clock)
    assert service.publish_missing(DEFINITIONS)
    assert service.publish_missing(DEFINITIONS) == []  # published once only
    assert service.count_cases() == 0


def test_system_actor_sees_everything(service: Service, reviewer: Actor) -> None:
    case = open_ni(service, reviewer, agencies=["Police"])
    assert service.get_case(SYSTEM_ACTOR, case.id).id == case.id
