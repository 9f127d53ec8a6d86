"""The JSON API of the board's register of agencies and organisations (``/agencies``), and the
chair's confirmations that a case's lead reviewer is independent of an agency near one of their
organisations (``/cases/{id}/independence-confirmations``)."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from pydantic import BaseModel

from web.api.auth import current_actor, current_service
from web.api.record_docs import RESPONSES
from workflow.services.agencies import confirmations as conf
from workflow.services.agencies.register import (
    AgencyList,
    AgencyOut,
    SaveAgency,
    list_agencies,
    save_agency,
)

bp = APIBlueprint("agencies", __name__)
TAG = "Agencies"
REGISTER_NOTE = (
    "When the register has entries, the agencies involved in a case (`data.agencies`), a lead "
    "reviewer's `organisations` and the agency of a panel member, practitioner, contribution or "
    "action are chosen from it: a name or another name of an entry, written back as the "
    "entry's name; any other name is refused (422) with the entries closest to it. An empty "
    "register checks nothing."
)


class AgencyQuery(BaseModel):
    include_retired: bool = False


@bp.get("/agencies")
@bp.input(AgencyQuery, location="query", arg_name="query")
@bp.output(AgencyList)
@bp.doc(
    summary="The board's register of agencies",
    description=REGISTER_NOTE,
    tags=[TAG],
    responses={401: RESPONSES[401]},
)
def agencies_list(query: AgencyQuery) -> Any:
    actor = current_actor()
    retired = query.include_retired and actor.role == "admin"
    return list_agencies(current_service(), actor, include_retired=retired)


@bp.post("/agencies")
@bp.input(SaveAgency, location="json", arg_name="body")
@bp.output(AgencyOut, status_code=201)
@bp.doc(
    summary="Add an agency to the register (admin)",
    description="`name` (required), `aliases` (other names), `parent` (the body it is part of). "
    "A name or alias may be in the register once; names may not contain `|`.",
    tags=[TAG],
    responses={**RESPONSES, 409: "That name or alias is in the register already"},
)
def agencies_add(body: SaveAgency) -> Any:
    return save_agency(current_service(), current_actor(), body), 201


@bp.patch("/agencies/<int:agency_id>")
@bp.input(SaveAgency, location="json", arg_name="body")
@bp.output(AgencyOut)
@bp.doc(
    summary="Change an entry of the register (admin)",
    description="Only the fields sent change; `aliases` replaces the other names; `parent` "
    '"" removes the parent body; `active: false` retires it (cases naming it keep it).',
    tags=[TAG],
    responses={**RESPONSES, 409: "That name or alias is in the register already"},
)
def agencies_change(agency_id: int, body: SaveAgency) -> Any:
    return save_agency(current_service(), current_actor(), body, agency_id)


@bp.get("/cases/<int:case_id>/independence-confirmations")
@bp.output(conf.ConfirmationList)
@bp.doc(
    summary="The chair's independence confirmations of a case",
    tags=[TAG],
    responses=RESPONSES,
)
def confirmations_list(case_id: int) -> Any:
    return conf.list_confirmations(current_service(), current_actor(), case_id)


@bp.post("/cases/<int:case_id>/independence-confirmations")
@bp.input(conf.ConfirmIndependence, location="json", arg_name="body")
@bp.output(conf.SavedConfirmation, status_code=201)
@bp.doc(
    summary="Confirm a lead reviewer's independence despite a near match (chair)",
    description=(
        "A lead reviewer is refused when one of their organisations is an agency involved, or "
        "another name of it; and, until the chair confirms it here with reasons, when it is "
        "the parent body of one, part of one, or has a similar name (rapidfuzz token-set "
        "ratio at least the guard's `similarity`, default 90). The confirmation is a change "
        "to the case (send `expected_version`) and is in its audit trail."
    ),
    tags=[TAG],
    responses={
        **RESPONSES,
        409: "Stale expected_version, or that pair is confirmed already",
        422: "Not a near match, or not an agency involved",
    },
)
def confirmations_add(case_id: int, body: conf.ConfirmIndependence) -> Any:
    return conf.confirm_independence(current_service(), current_actor(), case_id, body), 201
