"""Every transition of every shipped review type, through the service on the database.

Each path below drives a case from its initial state to a final state. Every step is first
refused for a role that may not take it, and shown blocked (with the sentences a reviewer would
read) where data or the review's records can block it, then allowed once the data is supplied
and the records are made (the people involved, contributions, findings, actions). A test without
the database checks that the paths together take every transition of every shipped definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests import records_support as rs
from tests.conftest import Clock
from workflow.core.definition import Definition, load
from workflow.core.errors import (
    InvalidInput,
    PermissionDenied,
    TransitionBlocked,
    TransitionNotAllowed,
)
from workflow.core.roles import SYSTEM_ACTOR, Actor
from workflow.services.cases import Service

DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"
SHIPPED = sorted(DEFINITIONS.glob("*.toml"))

# -- data the guards need ---------------------------------------------------------------------

QUESTIONS = (
    "abuse_or_neglect",
    "child_died",
    "seriously_harmed",
    "concern_about_working_together",
    "looked_after_child",
    "regulated_setting",
    "died_in_custody",
)


def criteria(*yes: str, only: tuple[str, ...] = QUESTIONS) -> dict[str, Any]:
    return {"criteria": {q: q in yes for q in only}}


NOTIFIABLE_ONLY = (
    "abuse_or_neglect",
    "child_died",
    "seriously_harmed",
    "looked_after_child",
    "regulated_setting",
)
SCR_MET = criteria("abuse_or_neglect", "child_died")
SCR_NOT_MET = criteria("abuse_or_neglect", "seriously_harmed")  # notifiable, below SCR threshold
NOTHING = criteria()
RATIONALE = {"decision_rationale": "Recorded by the chair after the panel discussion."}
AGENCIES = {"agencies": ["Police", "Children's Social Care"]}
SCOPING = {"scoping": {"scale": "full review", "method": "SCIE learning together"}}
LEAD_DATA = {"lead_reviewer": {"name": "Lena Lead", "organisations": ["Independent Reviews Ltd"]}}
# Records a stage needs, made by the reviewer (the lead reviewer may make them too).
Supply = Callable[[Service, dict[str, Actor], int], Any]


def involve(service: Service, actors: dict[str, Actor], case_id: int) -> None:
    rs.involve(service, actors["reviewer"], case_id)


def settle_and_find(service: Service, actors: dict[str, Actor], case_id: int) -> None:
    rs.settle_and_find(service, actors["lead"], case_id)


def plan_actions(service: Service, actors: dict[str, Actor], case_id: int) -> None:
    rs.plan(service, actors["reviewer"], case_id)


def complete_actions(service: Service, actors: dict[str, Actor], case_id: int) -> None:
    rs.complete(service, actors["reviewer"], case_id)


ACTION_OPEN = "Action 1 (finding 1, Police, due 2027-03-31) is still open"


@dataclass(frozen=True)
class Step:
    """One transition: who takes it, the data that lets it through, and how it is refused first.

    ``blocked`` is a data patch with which the step is still blocked (``None``: no data can
    block it), and ``blocked_by`` the words the unmet requirements must contain.
    """

    trigger: str
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    blocked: dict[str, Any] | None = None
    blocked_by: tuple[str, ...] = ()
    wrong: str = "admin"
    advance_to: str | None = None  # the clock moves here after the refusals
    records: Supply | None = None  # made after the refusals, before the step is taken


@dataclass(frozen=True)
class Path_:
    review_type: str
    open_data: dict[str, Any]
    steps: tuple[Step, ...]
    final: str


# Published (or not) without waiting for the actions; closed only once they are done.
CLOSE_SCR = Step(
    "close",
    "chair",
    {},
    blocked={},
    blocked_by=(ACTION_OPEN, "has no evidence of completion", "has no evidence of impact"),
    wrong="reviewer",
    records=complete_actions,
)

NOTIFY = Step(
    "notify",
    "reviewer",
    criteria("abuse_or_neglect", "child_died", only=NOTIFIABLE_ONLY),
    blocked={},
    blocked_by=(
        "Answer yes or no (data.criteria.abuse_or_neglect)",
        "data.criteria.looked_after_child",
    ),
)
NOTIFY_BELOW_SCR = Step(
    "notify",
    "chair",
    criteria("abuse_or_neglect", "seriously_harmed", only=NOTIFIABLE_ONLY),
    blocked=criteria("seriously_harmed", only=NOTIFIABLE_ONLY),
    blocked_by=("meet none of the notifiable-incident criteria",),
)
# The child death review from the information gathered to the overview panel's review.
CDR_TO_PANEL = (
    Step(
        "hold_review_meeting",
        "chair",
        {"information_complete": True},
        blocked={},
        blocked_by=("Confirm the information complete",),
        wrong="police",
    ),
    Step(
        "refer_to_panel",
        "reviewer",
        {},
        blocked={"meeting_held_at": "2026-12-01"},
        blocked_by=("meeting held at (data.meeting_held_at) is 2026-12-01",),
    ),
    Step(
        "complete_panel_review",
        "chair",
        {
            "panel_outcome": "Reviewed",
            "death_category": "infection",
            "modifiable_factors": "insufficient_information",
        },
        blocked={"modifiable_factors": "None"},
        blocked_by=(
            "Record the panel outcome",
            "data.death_category as one of",
            "sudden_unexplained (Sudden unexpected, unexplained death)",
            "Record data.modifiable_factors as one of",
            "it is 'None'",
        ),
        wrong="admin",
    ),
)
SCR_DECISION_BLOCKERS = (
    "data.criteria.concern_about_working_together",
    "data.criteria.died_in_custody",
    "Record the decision rationale (data.decision_rationale).",
)
SIGNED_OFF = {"local_authority": True, "police": True, "health": True}
SI_QUESTIONS = (
    "abuse_or_neglect",
    "child_died",
    "seriously_harmed",
    "in_area",
    "outside_england_resident",
    "looked_after_child",
)
# The national panel told that the review started and who leads it (asked of an SCR only; the
# other reviews take the data as it comes).
PANEL_TOLD_OF_REVIEW = {"panel_told_of_review_at": "2026-11-30", "panel_told_of_lead": "Lena Lead"}
# The steps an SCR and a learning review share, from scoping to monitoring.
REVIEW_STEPS = (
    Step(
        "appoint_lead",
        "reviewer",
        AGENCIES | SCOPING | LEAD_DATA,
        blocked={},
        blocked_by=(
            "Record the agencies involved",
            "data.scoping.scale",
            "data.scoping.method",
            "No lead reviewer is appointed: record the lead reviewer's appointment",
        ),
    ),
    Step("start_involvement", "lead", PANEL_TOLD_OF_REVIEW, wrong="police"),
    Step(
        "begin_findings",
        "lead",
        {},
        blocked={},
        wrong="chair",
        blocked_by=(
            "Invite the practitioners of Police: no practitioner of theirs is recorded",
            "Invite the practitioners of Children's Social Care",
            "Invite the family, including surviving children",
        ),
        records=involve,
    ),
    Step(
        "agree_findings",
        "lead",
        {},
        blocked={},
        blocked_by=(
            "The chronology requested from Police on 2026-11-02 is neither received nor waived.",
            "Record at least one finding",
        ),
        wrong="reviewer",
        records=settle_and_find,
    ),
    Step(
        "sign_off_action_plan",
        "chair",
        {},
        blocked={},
        blocked_by=(
            "Finding 1 (problem) has no action with an owner agency and a due date: add one.",
        ),
        wrong="lead",
        records=plan_actions,
    ),
)

PATHS: dict[str, Path_] = {
    # -- notifiable incident
    "ni_to_scr": Path_(
        "notifiable_incident",
        {"aware_at": "2026-11-27"},
        (
            NOTIFY,
            Step(
                "decide_scr",
                "chair",
                SCR_MET | RATIONALE,
                blocked={},
                blocked_by=SCR_DECISION_BLOCKERS,
                wrong="reviewer",
            ),
        ),
        "scr_decided",
    ),
    "ni_to_learning_review": Path_(
        "notifiable_incident",
        {"aware_at": "2026-11-27"},
        (
            NOTIFY_BELOW_SCR,
            Step(
                "decide_learning_review",
                "chair",
                SCR_NOT_MET | RATIONALE,
                blocked=SCR_MET,
                blocked_by=(
                    "meet the serious case review criteria (Regulation 5)",
                    "Record the decision rationale",
                ),
                wrong="reviewer",
            ),
            Step(
                "tell_national_panel",
                "reviewer",
                {},
                blocked={"decision_rationale": None},
                blocked_by=("Record the decision rationale",),
            ),
        ),
        "closed_learning_review",
    ),
    "ni_to_no_review": Path_(
        "notifiable_incident",
        {"aware_at": "2026-11-27"},
        (
            NOTIFY_BELOW_SCR,
            Step(
                "decide_no_review",
                "chair",
                SCR_NOT_MET | RATIONALE,
                blocked={},
                blocked_by=SCR_DECISION_BLOCKERS,
                wrong="reviewer",
            ),
            Step(
                "tell_national_panel",
                "reviewer",
                {},
                blocked={"decision_rationale": None},
                blocked_by=("Record the decision rationale",),
            ),
        ),
        "closed_no_review",
    ),
    "ni_not_notifiable": Path_(
        "notifiable_incident",
        {"aware_at": "2026-11-27"},
        (
            Step(
                "not_notifiable",
                "reviewer",
                NOTHING | RATIONALE,
                blocked=criteria("child_died", "looked_after_child") | RATIONALE,
                blocked_by=("meet the notifiable-incident criteria, so it must be notified",),
            ),
        ),
        "not_notifiable",
    ),
    # -- serious case review
    "scr_declined": Path_(
        "serious_case_review",
        {},
        (
            Step(
                "decline",
                "chair",
                SCR_NOT_MET | RATIONALE,
                blocked=SCR_MET | RATIONALE,
                blocked_by=("meet the serious case review criteria (Regulation 5)",),
                wrong="reviewer",
            ),
            Step(
                "tell_national_panel",
                "reviewer",
                {},
                blocked={"decision_rationale": None},
                blocked_by=("Record the decision rationale",),
            ),
        ),
        "declined_panel_told",
    ),
    "scr_published_then_withdrawn": Path_(
        "serious_case_review",
        {},
        (
            Step(
                "decide_scr",
                "chair",
                SCR_MET | RATIONALE,
                blocked={},
                blocked_by=(
                    "data.criteria.abuse_or_neglect",
                    "data.criteria.died_in_custody",
                    "Record the decision rationale",
                ),
                wrong="reviewer",
            ),
            *REVIEW_STEPS,
            Step("prepare_publication", "reviewer", {}, wrong="lead"),
            Step(
                "delay_publication",
                "chair",
                {"delay_reason": "Criminal trial listed for March"},
                blocked={},
                blocked_by=("Record the delay reason (data.delay_reason).",),
                wrong="reviewer",
            ),
            Step(
                "resume_publication",
                "chair",
                {},
                blocked={"report_sent_at": "2026-12-25"},
                blocked_by=("report sent at (data.report_sent_at) is 2026-12-25", "in the future"),
                wrong="reviewer",
            ),
            Step(
                "publish",
                "chair",
                {
                    "report_sent_at": "2026-11-20",
                    "board_response": "Accepted in full",
                    "harm_check_confirmed": True,
                    "publication_url": "https://lscb.example/scr-a",
                },
                blocked={"report_sent_at": "2026-11-27"},
                blocked_by=(
                    "Upload the final report (data.final_report) as a document",
                    "Record the board response",
                    "Confirm the harm check confirmed",
                    "Record the publication url",
                    "At least 1 week must pass after the report sent at",
                ),
                wrong="reviewer",
                records=rs.final_report_signed_off,
            ),
            Step(
                "withdraw",
                "chair",
                {},
                blocked={},
                blocked_by=(
                    "At least 12 months must pass after the published at (2026-11-30)",
                    "the earliest day is 2027-11-30",
                ),
                wrong="system",
                advance_to="2027-11-30T09:00:00+00:00",
            ),
            CLOSE_SCR,
        ),
        "closed",
    ),
    "scr_not_published": Path_(
        "serious_case_review",
        {},
        (
            Step("decide_scr", "chair", criteria("died_in_custody") | RATIONALE),
            *REVIEW_STEPS,
            Step("prepare_publication", "chair", {}, wrong="lead"),
            Step(
                "decide_not_to_publish",
                "chair",
                {
                    "not_published_reasons": "Protects a surviving sibling",
                    "panel_told_at": "2026-11-30",
                },
                blocked={},
                blocked_by=(
                    "Upload the final report (data.final_report) as a document",
                    "Record the not published reasons",
                    "Record the panel told at",
                ),
                wrong="reviewer",
                records=rs.final_report_signed_off,
            ),
            CLOSE_SCR,
        ),
        "closed",
    ),
    # -- learning review
    "lr_declined": Path_(
        "learning_review",
        {},
        (
            Step(
                "decline",
                "chair",
                RATIONALE,
                blocked={},
                blocked_by=("Record the decision rationale",),
                wrong="reviewer",
            ),
        ),
        "declined",
    ),
    "lr_closed": Path_(
        "learning_review",
        {},
        (
            Step(
                "commission",
                "chair",
                RATIONALE,
                blocked={},
                blocked_by=("Record the decision rationale",),
                wrong="reviewer",
            ),
            *REVIEW_STEPS,
            Step(
                "close",
                "chair",
                {},
                blocked={},
                blocked_by=(ACTION_OPEN,),
                wrong="reviewer",
                records=complete_actions,
            ),
        ),
        "closed",
    ),
    # -- serious incident notification (2018+)
    "si_rapid_review": Path_(
        "serious_incident",
        {"aware_at": "2026-11-27"},
        (
            Step(
                "notify",
                "reviewer",
                criteria("abuse_or_neglect", "child_died", "in_area", only=SI_QUESTIONS),
                blocked=criteria("abuse_or_neglect", "child_died", only=SI_QUESTIONS),
                blocked_by=("do not meet the serious incident criteria",),
            ),
            Step(
                "start_rapid_review",
                "reviewer",
                AGENCIES,
                blocked={},
                blocked_by=("Record the agencies involved",),
            ),
        ),
        "rapid_review_started",
    ),
    "si_not_notifiable": Path_(
        "serious_incident",
        {"aware_at": "2026-11-27"},
        (
            Step(
                "not_notifiable",
                "reviewer",
                criteria("child_died", "looked_after_child", "in_area", only=SI_QUESTIONS)
                | RATIONALE
                | {"sos_ofsted_notified_at": "2026-11-30"},
                blocked=criteria("child_died", "looked_after_child", "in_area", only=SI_QUESTIONS)
                | RATIONALE,
                blocked_by=("looked-after child", "data.sos_ofsted_notified_at"),
            ),
        ),
        "not_notifiable",
    ),
    # -- rapid review (2018+)
    "rr_lcspr": Path_(
        "rapid_review",
        {"notified_at": "2026-11-27"},
        (
            Step(
                "gather",
                "reviewer",
                AGENCIES,
                blocked={},
                blocked_by=("Record the agencies involved",),
            ),
            Step(
                "hold_meeting",
                "chair",
                {"facts_gathered": True},
                blocked={"facts_gathered": False},
                blocked_by=("Confirm the facts gathered (data.facts_gathered = true).",),
            ),
            Step(
                "send_to_panel",
                "chair",
                {
                    "immediate_learning": "Share records with health visitors",
                    "recommendation": "local_practice_review",
                },
                blocked={"recommendation": "maybe"},
                blocked_by=("Record the immediate learning", "data.recommendation as one of"),
                wrong="admin",
            ),
            Step(
                "record_panel_response",
                "reviewer",
                {"panel_response": "agrees"},
                blocked={"panel_response": "yes"},
                blocked_by=("agrees (The Panel agrees", "national_review", "it is 'yes'"),
            ),
            Step(
                "commission_lcspr",
                "chair",
                RATIONALE,
                blocked={},
                blocked_by=("Record the decision rationale",),
                wrong="reviewer",
            ),
        ),
        "lcspr_commissioned",
    ),
    "rr_no_lcspr": Path_(
        "rapid_review",
        {"notified_at": "2026-11-27"},
        (
            Step("gather", "chair", AGENCIES),
            Step("hold_meeting", "reviewer", {"facts_gathered": True}),
            Step(
                "send_to_panel",
                "chair",
                {
                    "immediate_learning": "Already covered by a thematic review",
                    "recommendation": "no_local_practice_review",
                },
                blocked={"rapid_review_sent_at": "2026-11-26"},
                blocked_by=("cannot be before the notified at",),
                wrong="admin",
            ),
            Step("record_panel_response", "chair", {"panel_response": "national_review"}),
            Step(
                "decide_no_lcspr",
                "chair",
                RATIONALE,
                blocked={},
                blocked_by=("Record the decision rationale",),
                wrong="reviewer",
            ),
            Step("tell_panel", "reviewer", {}),
        ),
        "closed_no_lcspr",
    ),
    # -- local child safeguarding practice review (2018+)
    "lpr_declined": Path_(
        "local_practice_review",
        {},
        (
            Step(
                "decline",
                "chair",
                RATIONALE,
                blocked={},
                blocked_by=("Record the decision rationale",),
                wrong="reviewer",
            ),
        ),
        "declined",
    ),
    "lpr_closed": Path_(
        "local_practice_review",
        {},
        (
            Step(
                "commission",
                "chair",
                RATIONALE,
                blocked={},
                blocked_by=("Record the decision rationale",),
                wrong="reviewer",
            ),
            *REVIEW_STEPS,
            Step(
                "publish",
                "chair",
                {
                    "report_sent_at": "2026-11-18",
                    "board_response": "Accepted in full",
                    "harm_check_confirmed": True,
                    "publication_url": "https://partnership.example/lcspr-a",
                    "report_signed_off": SIGNED_OFF,
                },
                # 20 Nov is a week before 27 Nov, but only 6 working days before 30 Nov.
                blocked={"report_sent_at": "2026-11-20", "harm_check_confirmed": False},
                blocked_by=(
                    "Record the board response",
                    "Confirm the harm check confirmed",
                    "At least 7 working days must pass after the report sent at",
                    "the Secretary of State",
                    "data.report_signed_off.local_authority = true",
                    "data.report_signed_off.police = true",
                    "data.report_signed_off.health = true",
                ),
                wrong="reviewer",
            ),
            Step(
                "close",
                "chair",
                {},
                blocked={},
                blocked_by=(ACTION_OPEN,),
                wrong="reviewer",
                records=complete_actions,
            ),
        ),
        "closed",
    ),
    "lpr_not_published": Path_(
        "local_practice_review",
        {},
        (
            Step("commission", "chair", RATIONALE),
            *REVIEW_STEPS,
            Step(
                "decide_not_to_publish",
                "chair",
                {
                    "not_published_reasons": "Would identify a surviving sibling",
                    "panel_told_at": "2026-11-30",
                    "secretary_of_state_told_at": "2026-11-30",
                },
                blocked={},
                blocked_by=(
                    "Record the not published reasons",
                    "Record the panel told at",
                    "Record the secretary of state told at",
                ),
                wrong="reviewer",
            ),
        ),
        "not_published",
    ),
    # -- child death review
    "cdr_out_of_scope": Path_(
        "child_death_review",
        {"date_of_death": "2026-11-28"},
        (
            Step(
                "out_of_scope",
                "reviewer",
                RATIONALE | {"age_at_death": 18},
                blocked={},
                blocked_by=("Record the decision rationale",),
            ),
        ),
        "not_in_scope",
    ),
    "cdr_closed": Path_(
        "child_death_review",
        {"date_of_death": "2026-11-28"},
        (
            Step(
                "notify",
                "reviewer",
                {
                    "age_at_death": 2,
                    "stillbirth": False,
                    "planned_termination": False,
                    "ncmd_notified_at": "2026-11-30",
                },
                blocked={"notified_at": "2026-11-27"},
                blocked_by=(
                    "Record the child's age at death",
                    "a stillbirth (data.stillbirth",
                    "a planned termination (data.planned_termination",
                    "notified at (data.notified_at, 2026-11-27) cannot be before the date of death",
                    "Record the ncmd notified at",
                ),
            ),
            Step(
                "gather_information",
                "reviewer",
                AGENCIES | {"expected_death": True},
                blocked={"expected_death": False},
                blocked_by=("data.expected_death to be yes (it is no)", "Record the agencies"),
                wrong="chair",
            ),
            *CDR_TO_PANEL,
            Step(
                "close",
                "chair",
                {"national_database_submitted": True},
                blocked={},
                blocked_by=(
                    "Confirm the national database submitted",
                    "a review cannot close on the day it opened",
                ),
                wrong="admin",
                advance_to="2026-12-01T10:00:00+00:00",
            ),
        ),
        "closed",
    ),
    "cdr_unexpected": Path_(
        "child_death_review",
        {"date_of_death": "2026-11-28"},
        (
            Step(
                "notify",
                "reviewer",
                {
                    "age_at_death": 0.5,
                    "stillbirth": False,
                    "planned_termination": False,
                    "ncmd_notified_at": "2026-11-29",
                },
            ),
            Step(
                "start_joint_agency_response",
                "reviewer",
                AGENCIES | {"expected_death": False},
                blocked={"expected_death": True},
                blocked_by=("data.expected_death to be no (it is yes)", "Record the agencies"),
            ),
            Step(
                "refer_serious_incident",
                "reviewer",
                {"abuse_or_neglect_suspected": True, "aware_at": "2026-11-29"},
                blocked={},
                blocked_by=("Confirm the abuse or neglect suspected", "Record the aware at"),
            ),
            Step(
                "complete_joint_agency_response",
                "chair",
                {"jar_summary": "Joint visit held; police and paediatrician agree next steps."},
                blocked={},
                blocked_by=("Record the jar summary",),
            ),
            *CDR_TO_PANEL,
            Step(
                "close",
                "reviewer",
                {"national_database_submitted": True},
                advance_to="2026-12-01T10:00:00+00:00",
            ),
        ),
        "closed",
    ),
    "cdr_serious_incident": Path_(
        "child_death_review",
        {"date_of_death": "2026-11-28"},
        (
            Step(
                "notify",
                "chair",
                {
                    "age_at_death": 3,
                    "stillbirth": False,
                    "planned_termination": False,
                    "ncmd_notified_at": "2026-11-29",
                },
            ),
            Step(
                "refer_serious_incident",
                "reviewer",
                AGENCIES | {"abuse_or_neglect_suspected": True, "aware_at": "2026-11-29"},
                blocked={"abuse_or_neglect_suspected": False},
                blocked_by=("Confirm the abuse or neglect suspected",),
            ),
            Step("start_joint_agency_response", "reviewer", {"expected_death": False}),
            Step("complete_joint_agency_response", "reviewer", {"jar_summary": "Done."}),
            *CDR_TO_PANEL,
            Step(
                "close",
                "chair",
                {"national_database_submitted": True},
                advance_to="2026-12-01T10:00:00+00:00",
            ),
        ),
        "closed",
    ),
}
# Published with the actions still open, then closed once they are done (no delay, no withdrawal).
PATHS["scr_published_then_closed"] = Path_(
    "serious_case_review",
    {},
    tuple(
        s
        for s in PATHS["scr_published_then_withdrawn"].steps
        if s.trigger not in ("delay_publication", "resume_publication", "withdraw")
    ),
    "closed",
)


def _non_statutory_path(review_type: str, start: str, commission_data: dict[str, Any]) -> Path_:
    """A good-practice review or a multi-agency audit, from commissioning to closed: the same
    findings and actions as any review."""
    return Path_(
        review_type,
        {},
        (
            Step(
                "commission",
                "chair",
                commission_data | RATIONALE,
                blocked={},
                blocked_by=("Record the decision rationale",),
                wrong="reviewer",
            ),
            Step(
                start,
                "reviewer",
                AGENCIES | SCOPING,
                blocked={},
                blocked_by=("Record the agencies involved", "data.scoping.scale"),
            ),
            # No lead reviewer is appointed: the business support and the chair take it on.
            Step("begin_findings", "reviewer", {}, wrong="chair"),
            Step(
                "agree_findings",
                "chair",
                {},
                blocked={},
                blocked_by=("Record at least one finding",),
                wrong="reviewer",
                records=lambda service, actors, case_id: rs.settle_and_find(
                    service, actors["reviewer"], case_id
                ),
            ),
            Step(
                "sign_off_action_plan",
                "chair",
                {},
                blocked={},
                blocked_by=("Finding 1 (problem) has no action",),
                wrong="reviewer",
                records=plan_actions,
            ),
            Step(
                "close",
                "chair",
                {},
                blocked={},
                blocked_by=(ACTION_OPEN,),
                wrong="reviewer",
                records=complete_actions,
            ),
        ),
        "closed",
    )


PATHS["gpr_closed"] = _non_statutory_path("good_practice_review", "start_gathering", {})
PATHS["gpr_declined"] = Path_(
    "good_practice_review", {}, (Step("decline", "chair", RATIONALE),), "declined"
)
PATHS["maa_closed"] = _non_statutory_path(
    "multi_agency_audit", "start_audit", {"audit_theme": "Neglect of adolescents"}
)
PATHS["maa_declined"] = Path_(
    "multi_agency_audit", {}, (Step("decline", "chair", RATIONALE),), "declined"
)


def _definition(key: str) -> Definition:
    path = DEFINITIONS / f"{key}.toml"
    return load(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_paths_take_every_transition_of_the_definition(path: Path) -> None:
    d = _definition(path.stem)
    everything = {(t.trigger, s) for t in d.transitions for s in t.sources}
    taken: set[tuple[str, str]] = set()
    paths = [p for p in PATHS.values() if p.review_type == d.key]
    assert paths, f"no path drives a {d.key}"
    for p in paths:
        state = d.initial
        for step in p.steps:
            t = d.find(step.trigger, state)
            assert t is not None, f"{step.trigger} does not leave {state}"
            taken.add((step.trigger, state))
            state = t.dest
        assert state == p.final and state in d.final_states
    assert taken == everything, f"not taken: {sorted(everything - taken)}"
    assert {p.final for p in paths} == set(d.final_states)


# -- driving the paths ------------------------------------------------------------------------


@pytest.fixture
def actors(
    reviewer: Actor, chair: Actor, lead: Actor, police: Actor, admin: Actor
) -> dict[str, Actor]:
    return {
        "reviewer": reviewer,
        "chair": chair,
        "lead": lead,
        "police": police,
        "admin": admin,
        "system": SYSTEM_ACTOR,
    }


def _snapshot(service: Service, case_id: int) -> tuple[Any, ...]:
    case = service.get_case(SYSTEM_ACTOR, case_id)
    return (
        case.state,
        case.version,
        case.data,
        case.deadlines,
        service.events(SYSTEM_ACTOR, case_id),
    )


@pytest.mark.parametrize("name", sorted(PATHS))
def test_drive_every_path(
    name: str, service: Service, clock: Clock, actors: dict[str, Actor]
) -> None:
    path = PATHS[name]
    d = service.definition(path.review_type)
    case = service.open_case(actors["reviewer"], path.review_type, f"Child {name}", path.open_data)
    assert case.state == d.initial
    case_id = case.id
    for step in path.steps:
        actor = actors[step.actor]
        dest = d.find(step.trigger, case.state)
        assert dest is not None
        before = _snapshot(service, case_id)

        # A role the step is not open to is refused, whatever the data.
        wrong = actors[step.wrong]
        assert wrong.role not in dest.roles
        with pytest.raises(PermissionDenied, match=f"may not '{step.trigger}'"):
            service.transition(wrong, case_id, step.trigger, case.version, data=step.data)

        if step.blocked is not None:
            if step.blocked == {}:
                # What the case shows the actor before they try: the same sentences.
                shown = service.get_case(actor, case_id).transitions
                (option,) = [o for o in shown if o.trigger == step.trigger]
                assert option.allowed is False
                for words in step.blocked_by:
                    assert any(words in s for s in option.blocked_by), (words, option)
            with pytest.raises(TransitionBlocked) as caught:
                service.transition(actor, case_id, step.trigger, case.version, data=step.blocked)
            for words in step.blocked_by:
                assert any(words in s for s in caught.value.details), (
                    step.trigger,
                    words,
                    caught.value.details,
                )
        assert _snapshot(service, case_id) == before, "a refused request changed the case"

        if step.advance_to:
            clock.set(step.advance_to)
        if step.records is not None:
            step.records(service, actors, case_id)
            case = service.get_case(actor, case_id)
        after = service.transition(
            actor,
            case_id,
            step.trigger,
            case.version,
            note=f"{step.trigger} by {actor.name}",
            data=step.data,
        )
        assert after.state == dest.dest
        assert after.version == case.version + 1
        case = after

    assert case.state == path.final
    assert case.final is True
    assert case.transitions == []
    steps = [e for e in service.events(actors["reviewer"], case_id) if e.kind == "transition"]
    assert [e.trigger for e in steps] == [s.trigger for s in path.steps]
    # Nothing leaves a final state.
    with pytest.raises(TransitionNotAllowed, match="the case is closed"):
        service.transition(actors["chair"], case_id, path.steps[-1].trigger, case.version)


# -- the named rules ------------------------------------------------------------------


def _open(service: Service, actor: Actor, review_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return service.open_case(actor, review_type, "Child A", data)


def _drive(
    service: Service, actors: dict[str, Actor], case: dict[str, Any], steps: tuple[Step, ...]
) -> dict[str, Any]:
    for step in steps:
        if step.records is not None:
            step.records(service, actors, case.id)
            case = service.get_case(actors[step.actor], case.id)
        case = service.transition(
            actors[step.actor], case.id, step.trigger, case.version, data=step.data
        )
    return case


@pytest.mark.parametrize(
    ("review_type", "open_data", "before"),
    [
        ("serious_case_review", {}, ()),
        ("notifiable_incident", {"aware_at": "2026-11-27"}, (NOTIFY,)),
    ],
)
def test_the_scr_decision_needs_the_criteria_answers_and_the_chairs_rationale(
    service: Service,
    actors: dict[str, Actor],
    review_type: str,
    open_data: dict[str, Any],
    before: tuple[Step, ...],
) -> None:
    case = _drive(
        service, actors, _open(service, actors["reviewer"], review_type, open_data), before
    )
    chair = actors["chair"]
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(chair, case.id, "decide_scr", case.version, data=RATIONALE)
    assert any("data.criteria.concern_about_working_together" in s for s in caught.value.details)
    assert not any("rationale" in s for s in caught.value.details)
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(chair, case.id, "decide_scr", case.version, data=SCR_MET)
    assert caught.value.details == ["Record the decision rationale (data.decision_rationale)."]
    with pytest.raises(PermissionDenied):
        service.transition(
            actors["reviewer"], case.id, "decide_scr", case.version, data=SCR_MET | RATIONALE
        )
    # The chair may still commission an SCR when the criteria are not met.
    done = service.transition(chair, case.id, "decide_scr", case.version, data=NOTHING | RATIONALE)
    assert done.state in ("scoping", "scr_decided")


MET_CRITERIA = {
    "death_with_abuse": criteria("abuse_or_neglect", "child_died"),
    "harm_with_concern": criteria(
        "abuse_or_neglect", "seriously_harmed", "concern_about_working_together"
    ),
    "death_in_custody": criteria("died_in_custody"),
}


@pytest.mark.parametrize("answers", sorted(MET_CRITERIA))
@pytest.mark.parametrize(
    ("review_type", "open_data", "before", "trigger"),
    [
        ("serious_case_review", {}, (), "decline"),
        ("notifiable_incident", {"aware_at": "2026-11-27"}, (NOTIFY,), "decide_learning_review"),
        ("notifiable_incident", {"aware_at": "2026-11-27"}, (NOTIFY,), "decide_no_review"),
    ],
)
def test_declining_an_scr_is_blocked_when_the_criteria_are_met(
    service: Service,
    actors: dict[str, Actor],
    review_type: str,
    open_data: dict[str, Any],
    before: tuple[Step, ...],
    trigger: str,
    answers: str,
) -> None:
    case = _drive(
        service, actors, _open(service, actors["reviewer"], review_type, open_data), before
    )
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(
            actors["chair"],
            case.id,
            trigger,
            case.version,
            data=MET_CRITERIA[answers] | RATIONALE,
        )
    assert caught.value.details == [
        "The answers meet the serious case review criteria (Regulation 5), so a serious case "
        "review must be held; this decision is not open."
    ]
    allowed = service.transition(
        actors["chair"], case.id, trigger, case.version, data=SCR_NOT_MET | RATIONALE
    )
    assert allowed.version == case.version + 1


@pytest.mark.parametrize("review_type", ["serious_case_review", "learning_review"])
@pytest.mark.parametrize("organisation", ["Police", "police", " POLICE "])
def test_a_lead_reviewer_from_an_agency_involved_cannot_be_appointed(
    service: Service,
    actors: dict[str, Actor],
    review_type: str,
    organisation: str,
) -> None:
    first = Step(
        "decide_scr" if review_type == "serious_case_review" else "commission",
        "chair",
        SCR_MET | RATIONALE,
    )
    case = _drive(service, actors, _open(service, actors["reviewer"], review_type, {}), (first,))
    partial = {
        "lead_reviewer": {"name": "Pat Officer", "organisations": ["Consulting", organisation]}
    }
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(
            actors["chair"],
            case.id,
            "appoint_lead",
            case.version,
            data=AGENCIES | SCOPING | partial,
        )
    assert caught.value.details == [
        f"The lead reviewer Pat Officer (appointed on 2026-11-30) is not independent of the "
        f"case: they belong to {organisation.strip()}, whose actions are under review; appoint "
        "someone from outside those agencies."
    ]
    again = service.get_case(actors["chair"], case.id)
    assert again.state == "scoping"
    assert "lead_reviewer" not in again.data  # the refused appointment was not kept
    assert rs.listed(service, actors["chair"], case.id, "lead_appointments") == []
    ok = service.transition(
        actors["chair"],
        case.id,
        "appoint_lead",
        case.version,
        data=AGENCIES | SCOPING | LEAD_DATA,
    )
    assert ok.state == "lead_appointed"
    assert ok.data["lead_reviewer"] == LEAD_DATA["lead_reviewer"]


@pytest.mark.parametrize("review_type", ["serious_case_review", "learning_review"])
def test_findings_cannot_be_agreed_before_practitioners_and_family_are_invited(
    service: Service,
    actors: dict[str, Actor],
    review_type: str,
) -> None:
    first = Step(
        "decide_scr" if review_type == "serious_case_review" else "commission",
        "chair",
        SCR_MET | RATIONALE,
    )
    case = _drive(
        service,
        actors,
        _open(service, actors["reviewer"], review_type, {}),
        (first, *REVIEW_STEPS[:2]),
    )
    assert case.state == "involvement"
    # Into findings with everyone invited, then some of it undone to try the guard again.
    case = _drive(service, actors, case, (REVIEW_STEPS[2],))
    assert case.state == "findings"
    lead, reviewer, case_id = actors["lead"], actors["reviewer"], case.id
    rs.settle_and_find(service, lead, case_id)

    def refusal() -> list[str]:
        with pytest.raises(TransitionBlocked) as caught:
            service.transition(lead, case_id, "agree_findings", rs.version(service, case_id))
        return caught.value.details

    _police, care = rs.listed(service, reviewer, case_id, "practitioners")
    mother, sibling = rs.listed(service, reviewer, case_id, "family_members")
    rs.change(service, reviewer, case_id, "practitioners", care["id"], invited_on=None)
    assert refusal() == [
        "Invite the practitioners of Children's Social Care: no practitioner of theirs is "
        "recorded as invited (agency, role and the date invited).",
        "Practitioner 2 (Team manager, Children's Social Care) has no date invited: record when "
        "they were invited.",
    ]
    rs.change(service, reviewer, case_id, "practitioners", care["id"], invited_on="2026-11-04")
    rs.change(service, reviewer, case_id, "family_members", mother["id"], how_explained="")
    assert refusal() == [
        "Family member 1 (mother) was invited on 2026-11-03, but how the review was explained "
        "to them is not recorded."
    ]
    rs.change(service, reviewer, case_id, "family_members", mother["id"], invited_on=None)
    rs.change(service, reviewer, case_id, "family_members", sibling["id"], not_involved_reason="")
    assert refusal() == [
        "Family member 1 (mother) is neither invited nor recorded with a reason for not being "
        "involved.",
        "Family member 2 (sibling (aged 9)) is neither invited nor recorded with a reason for "
        "not being involved.",
    ]
    for member in (mother, sibling):
        rs.remove(service, reviewer, case_id, "family_members", member["id"])
    assert [s for s in refusal() if "Invite the family, including surviving children" in s]
    rs.add(
        service,
        reviewer,
        case_id,
        "family_members",
        relationship="parents",
        not_involved_reason="Parents declined in writing",
    )
    agreed = service.transition(lead, case_id, "agree_findings", rs.version(service, case_id))
    assert agreed.state == "action_plan"


@pytest.mark.parametrize("aware_at", ["2026-12-01", "2026-12-01T00:30:00+00:00", "2027-01-01"])
def test_a_notifiable_incident_cannot_be_opened_with_awareness_in_the_future(
    service: Service,
    reviewer: Actor,
    aware_at: str,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        _open(service, reviewer, "notifiable_incident", {"aware_at": aware_at})
    assert any("data.aware_at" in s and "in the future" in s for s in caught.value.details)
    assert service.count_cases() == 0


def test_a_notifiable_incident_needs_a_date_of_awareness(service: Service, reviewer: Actor) -> None:
    with pytest.raises(InvalidInput) as caught:
        _open(service, reviewer, "notifiable_incident", {})
    assert caught.value.details == ["Record the aware at (data.aware_at)."]


def test_the_date_of_awareness_cannot_be_patched_into_the_future(
    service: Service, reviewer: Actor
) -> None:
    case = _open(service, reviewer, "notifiable_incident", {"aware_at": "2026-11-27"})
    with pytest.raises(InvalidInput) as caught:
        service.update_data(reviewer, case.id, {"aware_at": "2026-12-24"}, case.version)
    assert "is 2026-12-24, which is in the future" in caught.value.details[0]
    again = service.get_case(reviewer, case.id)
    assert again.data == {"aware_at": "2026-11-27"}
    assert again.version == case.version
    # Nor slipped in with a step.
    with pytest.raises(TransitionBlocked):
        service.transition(
            reviewer,
            case.id,
            "notify",
            case.version,
            data=NOTIFY.data | {"aware_at": "2026-12-24"},
        )


# -- the notification deadline ----------------------------------------------------------------


def test_notification_is_due_by_the_end_of_the_fifth_working_day(
    service: Service,
    clock: Clock,
    reviewer: Actor,
) -> None:
    clock.set("2026-12-21T09:00:00+00:00")
    case = _open(service, reviewer, "notifiable_incident", {"aware_at": "2026-12-18"})  # a Friday
    (deadline,) = [d for d in case.deadlines if d.name == "notification"]
    # 21, 22, 23, 24 Dec; 25 Dec Christmas, 26-27 the weekend, 28 Dec Boxing Day (substitute);
    # the fifth working day is Tuesday 29 Dec, which ends at midnight in London (GMT).
    assert deadline.due_date == date(2026, 12, 29)
    assert deadline.due_at == datetime(2026, 12, 30, 0, 0, tzinfo=UTC)
    assert deadline.model_dump(mode="json")["due_at"] == "2026-12-30T00:00:00+00:00"
    assert deadline.status == "pending"
    reloaded = service.get_case(reviewer, case.id)
    assert [d for d in reloaded.deadlines if d.name == "notification"] == [deadline]

    clock.set("2026-12-23T16:00:00+00:00")
    notified = service.transition(
        reviewer,
        case.id,
        "notify",
        case.version,
        data=NOTIFY.data | {"notified_at": "2026-12-22"},
    )
    by_name = {d.name: d for d in notified.deadlines}
    assert by_name["notification"].status == "met"
    assert by_name["decision"].status == "pending"  # T2 starts when notified
    # T2 runs from the notification itself, not from the day it was recorded.
    assert by_name["decision"].due_date == date(2027, 1, 22)
    met = [e for e in service.events(reviewer, case.id) if e.kind == "deadline_met"]
    assert met[0].detail == {
        "deadline": "notification",
        "met_date": "2026-12-22",
        "on_time": True,
    }


def test_notification_deadline_in_summer_ends_at_2300_utc(
    service: Service, clock: Clock, reviewer: Actor
) -> None:
    clock.set("2026-06-29T09:00:00+00:00")
    case = _open(service, reviewer, "notifiable_incident", {"aware_at": "2026-06-26"})
    (deadline,) = [d for d in case.deadlines if d.name == "notification"]
    assert deadline.due_date == date(2026, 7, 3)
    assert deadline.model_dump(mode="json")["due_at"] == "2026-07-03T23:00:00+00:00"  # midnight BST


def test_correcting_the_date_of_awareness_moves_the_deadline(
    service: Service, reviewer: Actor
) -> None:
    case = _open(service, reviewer, "notifiable_incident", {"aware_at": "2026-11-27"})
    assert case.deadlines[0].due_date == date(2026, 12, 4)
    moved = service.update_data(reviewer, case.id, {"aware_at": "2026-11-25"}, case.version)
    (deadline,) = [d for d in moved.deadlines if d.name == "notification"]
    assert deadline.due_date == date(2026, 12, 2)
    kinds = [e.kind for e in service.events(reviewer, case.id)]
    assert kinds == ["created", "deadline_opened", "data_changed", "deadline_moved"]


def test_an_scr_completion_deadline_runs_from_the_decision_to_the_action_plan(
    service: Service,
    actors: dict[str, Actor],
) -> None:
    case = _drive(
        service,
        actors,
        _open(service, actors["reviewer"], "serious_case_review", {}),
        (Step("decide_scr", "chair", SCR_MET | RATIONALE),),
    )
    (completion,) = case.deadlines
    assert (completion.name, completion.due_date, completion.status) == (
        "completion",
        date(2027, 5, 30),
        "pending",
    )
    case = _drive(service, actors, case, REVIEW_STEPS)
    assert case.state == "monitoring"
    assert [(d.name, d.status) for d in case.deadlines] == [
        ("completion", "met"),
        ("contribution:1", "met"),  # the chronology: requested, then received
        ("action:1", "pending"),  # T8: the action is due on 2027-03-31
    ]


def test_the_report_stays_published_for_twelve_months(
    service: Service, clock: Clock, actors: dict[str, Actor]
) -> None:
    path = PATHS["scr_published_then_withdrawn"]
    case = _open(service, actors["reviewer"], "serious_case_review", {})
    case = _drive(service, actors, case, path.steps[:-2])
    assert case.state == "published"
    website = [d for d in case.deadlines if d.name == "website"]
    assert [(d.due_date, d.status) for d in website] == [(date(2027, 11, 30), "pending")]
    clock.set("2027-11-29T12:00:00+00:00")
    with pytest.raises(TransitionBlocked, match="blocked"):
        service.transition(actors["chair"], case.id, "withdraw", case.version)
    clock.set("2027-12-01T00:00:00+00:00")  # when the minimum period has ended
    with pytest.raises(PermissionDenied):  # only a person takes the report down
        service.transition(SYSTEM_ACTOR, case.id, "withdraw", case.version)
    done = service.transition(actors["chair"], case.id, "withdraw", case.version)
    assert done.state == "no_longer_published"
