"""The board's register of agencies through the use cases: administrators keep it (names,
aliases, parent bodies; audited); the agencies involved, a lead reviewer's organisations and a
record's agency are chosen from it (written as the register names them; an unknown name is
refused with the entries close to it); independence sees aliases, parent and part bodies and
similar names, and a near match needs the chair's recorded confirmation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import Session, col, select

from tests import records_support as rs
from workflow.core.agencies import Register, Relation
from workflow.core.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransitionBlocked,
)
from workflow.core.roles import SYSTEM_ACTOR, Actor
from workflow.services.agencies import confirmations as conf
from workflow.services.agencies.register import SaveAgency, list_agencies, save_agency
from workflow.services.cases import Service
from workflow.store.models.admin import AdminEvent

SCR_MET = {
    "criteria": {
        "abuse_or_neglect": True,
        "child_died": True,
        "seriously_harmed": False,
        "concern_about_working_together": True,
        "died_in_custody": False,
    },
    "decision_rationale": "Regulation 5 criteria met.",
}
SCOPING = {"scoping": {"scale": "full", "method": "systems"}}


def add(service: Service, admin: Actor, name: str, **kw: Any) -> Any:
    return save_agency(service, admin, SaveAgency(name=name, **kw))


@pytest.fixture
def board(service: Service, admin: Actor) -> Service:
    """A register: a council with its children's services, a police force (also "Police")
    and the police authority, a health trust, and an independent reviewers' firm."""
    add(service, admin, "Northshire County Council")
    add(service, admin, "Northshire Children's Services", parent="Northshire County Council")
    add(service, admin, "Northshire Police", aliases=["Police", "NP"])
    add(service, admin, "Northshire Police Authority")
    add(service, admin, "Northshire Health Trust", aliases=["Health"])
    add(service, admin, "Independent Reviews Ltd")
    return service


def scr(service: Service, reviewer: Actor, chair: Actor, agencies: list[str]) -> Any:
    case = service.open_case(reviewer, "serious_case_review", "Child A", {"agencies": agencies})
    return service.transition(chair, case.id, "decide_scr", case.version, data=SCR_MET)


# -- the pure rule -------------------------------------------------------------------------------


def test_relations_in_the_register() -> None:
    register = Register.of(
        [
            {"name": "Council"},
            {"name": "Children's Services", "parent": "Council"},
            {"name": "Northshire Police", "aliases": ["Police"]},
        ]
    )
    assert register.relation("police", "Northshire Police") is Relation.ALIAS
    assert register.relation("Council", "Children's Services") is Relation.PARENT
    assert register.relation("Children's Services", "Council") is Relation.PART
    assert register.relation("Northshire Police Authority", "Northshire Police") is (
        Relation.SIMILAR
    )
    assert register.relation("Northshire Police", "Southshire Police") is None
    assert register.relation("Council", "Northshire Police") is None
    assert register.closest("Northshire Polce") == ["Northshire Police"]


# -- keeping the register ------------------------------------------------------------------------


def test_only_administrators_keep_the_register_and_each_change_is_audited(
    board: Service, admin: Actor, reviewer: Actor
) -> None:
    with pytest.raises(PermissionDenied):
        add(board, reviewer, "Northshire Schools")
    listed = {a.name: a for a in list_agencies(board, reviewer).items}
    assert listed["Northshire Children's Services"].parent == "Northshire County Council"
    assert listed["Northshire Police"].aliases == ["Police", "NP"]
    police = listed["Northshire Police"]
    save_agency(board, admin, SaveAgency(active=False), police.id)
    assert "Northshire Police" not in {a.name for a in list_agencies(board, reviewer).items}
    assert "Northshire Police" in {
        a.name for a in list_agencies(board, admin, include_retired=True).items
    }
    with Session(board.db) as s:
        actions = s.exec(
            select(col(AdminEvent.action)).where(col(AdminEvent.key) == "agencies")
        ).all()
    assert actions.count("agency_added") == 6 and actions.count("agency_changed") == 1


def test_a_name_or_alias_is_entered_once_and_names_are_whole(board: Service, admin: Actor) -> None:
    with pytest.raises(AlreadyExists, match="as Northshire Police"):
        add(board, admin, "POLICE")
    with pytest.raises(AlreadyExists, match="as Northshire Health Trust"):
        add(board, admin, "Northshire Hospitals", aliases=["health"])
    with pytest.raises(InvalidInput, match=re.escape("may not contain '|'")):
        add(board, admin, "Police|Health")
    with pytest.raises(InvalidInput, match="200 characters or fewer"):
        add(board, admin, "Northshire Schools", aliases=["x" * 201])
    with pytest.raises(InvalidInput, match="no agency 'Nowhere'"):
        add(board, admin, "Northshire Schools", parent="Nowhere")
    council = next(
        a for a in list_agencies(board, admin).items if a.name == "Northshire County Council"
    )
    with pytest.raises(InvalidInput, match="part of itself"):
        save_agency(board, admin, SaveAgency(parent="Northshire Children's Services"), council.id)
    with pytest.raises(NotFound):
        save_agency(board, admin, SaveAgency(name="X"), 9999)


# -- names chosen from it ------------------------------------------------------------------------


def test_the_agencies_involved_are_chosen_from_the_register(
    board: Service, reviewer: Actor
) -> None:
    with pytest.raises(InvalidInput) as caught:
        board.open_case(
            reviewer, "serious_case_review", "Child A", {"agencies": ["Northshire Polce"]}
        )
    assert caught.value.details[0].startswith(
        "agencies: 'Northshire Polce' is not in the board's register of agencies. Did you mean "
        "Northshire Police"
    )
    case = board.open_case(
        reviewer, "serious_case_review", "Child A", {"agencies": ["police", "Health"]}
    )
    assert case.data["agencies"] == ["Northshire Police", "Northshire Health Trust"]
    with pytest.raises(InvalidInput, match="Northshire Polce"):
        board.update_data(reviewer, case.id, {"agencies": ["Northshire Polce"]}, case.version)


def test_a_practitioners_agency_is_chosen_from_the_register(
    board: Service, reviewer: Actor, chair: Actor
) -> None:
    case = scr(board, reviewer, chair, ["Northshire Police"])
    with pytest.raises(InvalidInput) as caught:
        rs.add(
            board, reviewer, case.id, "practitioners", agency="Northshire Polce", role_title="DC"
        )
    assert "agency: 'Northshire Polce' is not in the board's register" in caught.value.details[0]
    added = rs.add(board, reviewer, case.id, "practitioners", agency="np", role_title="DC")
    assert added["agency"] == "Northshire Police"


def test_an_empty_register_accepts_any_name(service: Service, reviewer: Actor) -> None:
    case = service.open_case(
        reviewer, "serious_case_review", "Child A", {"agencies": ["Northshire Polce"]}
    )
    assert case.data["agencies"] == ["Northshire Polce"]


# -- independence --------------------------------------------------------------------------------


def test_a_lead_of_an_alias_of_an_agency_involved_is_refused(
    board: Service, reviewer: Actor, chair: Actor
) -> None:
    case = scr(board, reviewer, chair, ["Police"])
    with pytest.raises(InvalidInput) as caught:
        rs.appoint(board, reviewer, case.id, name="Pat", organisations=["NP"])
    assert "is not independent of the case: they belong to Northshire Police" in str(
        caught.value.details
    )


def test_a_similar_name_needs_the_chairs_confirmation(
    board: Service, reviewer: Actor, chair: Actor
) -> None:
    """The issue's case: the police authority's reviewer for a case involving the police."""
    case = scr(board, reviewer, chair, ["Northshire Police"])
    lead = {"name": "Pat", "organisations": ["Northshire Police Authority"]}
    with pytest.raises(InvalidInput) as caught:
        rs.appoint(board, reviewer, case.id, **lead)
    assert caught.value.details == [
        "The lead reviewer Pat (appointed on 2026-11-30) may not be independent of the case: "
        "they belong to Northshire Police Authority (a name like Northshire Police); the chair "
        "must confirm they are independent of it (an independence confirmation, with reasons), "
        "or appoint someone else."
    ]
    # Named in data with the step, the same.
    version = rs.version(board, case.id)
    with pytest.raises(TransitionBlocked, match="may not be independent"):
        board.transition(
            chair, case.id, "appoint_lead", version, data={**SCOPING, "lead_reviewer": lead}
        )


def test_the_chairs_confirmation_lets_a_near_match_pass_and_is_audited(
    board: Service, reviewer: Actor, chair: Actor
) -> None:
    case = scr(board, reviewer, chair, ["Northshire Children's Services"])
    lead = {"name": "Pat", "organisations": ["Northshire County Council"]}
    with pytest.raises(InvalidInput, match="the parent body of Northshire Children's Services"):
        rs.appoint(board, reviewer, case.id, **lead)
    confirm = conf.ConfirmIndependence(
        organisation="northshire county council",
        agency="Northshire Children's Services",
        reason="Pat works for the council's audit office, outside children's services.",
        expected_version=rs.version(board, case.id),
    )
    with pytest.raises(PermissionDenied):
        conf.confirm_independence(board, reviewer, case.id, confirm)
    for wrong, says in (
        ({"agency": "Northshire Police"}, "not an agency involved"),
        ({"organisation": "Northshire Polce"}, "not in the board's register"),
        ({"organisation": "Northshire Children's Services"}, "is the same body as"),
        ({"organisation": "Independent Reviews Ltd"}, "is not near"),
    ):
        with pytest.raises(InvalidInput, match=says):
            conf.confirm_independence(board, chair, case.id, confirm.model_copy(update=wrong))
    version = rs.version(board, case.id)
    saved = conf.confirm_independence(board, chair, case.id, confirm)
    assert saved.case_version == version + 1
    assert saved.confirmation.organisation == "Northshire County Council"
    assert [c.reason for c in conf.list_confirmations(board, reviewer, case.id).items] == [
        confirm.reason
    ]
    trail = [e for e in board.events(SYSTEM_ACTOR, case.id) if e.kind == "record_added"]
    assert (trail[-1].detail["record"], trail[-1].actor) == ("independence confirmation", "carl")
    appointed = rs.appoint(board, reviewer, case.id, **lead)
    assert appointed["organisations"] == ["Northshire County Council"]
    with pytest.raises(AlreadyExists):
        again = confirm.model_copy(update={"expected_version": rs.version(board, case.id)})
        conf.confirm_independence(board, chair, case.id, again)
    # The same body is never lifted by a confirmation.
    with pytest.raises(InvalidInput, match="is not independent"):
        rs.appoint(
            board, reviewer, case.id, name="Sam", organisations=["Northshire Children's Services"]
        )


def test_the_demo_board_seeds_its_register_once(service: Service, reviewer: Actor) -> None:
    from workflow.services.demo.register import ENTRIES, load_register

    assert load_register(service) == len(ENTRIES)
    assert load_register(service) == 0
    listed = {a.name: a for a in list_agencies(service, reviewer).items}
    assert listed["Northshire Children's Social Care"].parent == "Northshire County Council"


def test_a_definition_may_set_the_similarity_of_a_near_match() -> None:
    from datetime import date

    from workflow.core.calendar import WorkingCalendar
    from workflow.core.guards import REGISTRY
    from workflow.core.guards.registry import GuardContext
    from workflow.core.record_kinds import freeze

    assert REGISTRY.check("lead_reviewer_independent", {"similarity": 85}) == []
    assert REGISTRY.check("independence_kept", {"similarity": 101}) == [
        "guard 'independence_kept': parameter 'similarity' must be a whole number from 0 to 100"
    ]
    lead = {"name": "Pat", "organisations": ["Southshire Police"], "appointed_on": "2026-11-30"}
    ctx = GuardContext(
        {"agencies": ["Northshire Police"]},
        "scoping",
        date(2026, 11, 30),
        WorkingCalendar(),
        records=freeze({"lead_appointments": [lead]}),
    )
    assert REGISTRY.evaluate("independence_kept", {}, ctx) == []  # 88 < 90
    near = REGISTRY.evaluate("independence_kept", {"similarity": 85}, ctx)
    assert "Southshire Police (a name like Northshire Police)" in near[0]


# -- a user's agencies ------------------------------------------------------------------------


def test_an_agency_users_agencies_are_chosen_from_the_register(board: Service) -> None:
    """An agency user sees only their agencies' cases: a misspelt agency would show them nothing,
    so it is refused (nothing written) with the closest entries; an alias is written as the
    register's name."""
    from pydantic import SecretStr

    from workflow.services import accounts

    typo = accounts.NewUser(name="pat", role="agency", agencies=("Northshire Polce",))
    with pytest.raises(InvalidInput) as refused:
        accounts.create_user(board.store, typo, board.now())
    assert "Northshire Polce" in refused.value.problems[0]
    assert "Did you mean Northshire Police" in refused.value.problems[0]
    assert [u.name for u in accounts.list_users(board.store, board.now())] == []

    alias = accounts.NewUser(
        name="pat", role="agency", agencies=("NP", "Health"), password=SecretStr("")
    )
    made = accounts.create_user(board.store, alias, board.now())
    assert made.agencies == ("Northshire Police", "Northshire Health Trust")


def test_a_board_without_a_register_takes_the_agency_as_written(service: Service) -> None:
    from workflow.services import accounts

    made = accounts.create_user(
        service.store,
        accounts.NewUser(name="pat", role="agency", agencies=(" Any Agency ",)),
        service.now(),
    )
    assert made.agencies == ("Any Agency",)
