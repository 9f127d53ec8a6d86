"""The demo board's good-practice reviews and multi-agency audits, at every stage: the same
findings and actions as any review, with no lead reviewer appointed (the business support and
the chair run them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.services.cases import Service
from workflow.services.demo import stages
from workflow.services.demo.people import HEALTH, POLICE, REVIEWER, SCHOOL, SOCIAL_CARE
from workflow.services.demo.reviews import staged
from workflow.services.demo.stages import complete_actions, plan_actions
from workflow.services.demo.steps import Plan, Step, rationale

SCOPING = {"scoping": {"scale": "Six months, three agencies", "method": "Case file audit"}}


def find(service: Service, case_id: int, today: date, agencies: tuple[str, ...]) -> None:
    """The findings, recorded by the business support (no lead reviewer is appointed)."""
    stages._themes(service)
    for finding in stages._findings():
        stages._add(service, REVIEWER, case_id, "findings", **finding)


def _line(start: str, commission: dict[str, Any]) -> tuple[Step, ...]:
    return (
        Step("commission", "chair", commission),
        Step(start, "reviewer", SCOPING),
        Step("begin_findings", "reviewer"),
        Step("agree_findings", "chair", records=find),
        Step("sign_off_action_plan", "chair", records=plan_actions),
        Step("close", "chair", records=complete_actions),
    )


def non_statutory(today: date) -> list[Plan]:
    """A good-practice review and a multi-agency audit at each stage, and one of each declined."""
    good = "good_practice_review", "Child good practice"
    audit = "multi_agency_audit", "Child audit"
    good_data: dict[str, Any] = {"demo": True, "agencies": [HEALTH, SCHOOL, SOCIAL_CARE]}
    audit_data: dict[str, Any] = {"demo": True, "agencies": [POLICE, SOCIAL_CARE, HEALTH]}
    why = rationale("Joint working that prevented harm: worth sharing as what good looks like.")
    theme = {"audit_theme": "Neglect of adolescents", **rationale("A theme of recent reviews.")}
    declined = Step("decline", "chair", rationale("Covered by this year's thematic work."))
    return [
        Plan(good[0], f"{good[1]} A", good_data),
        Plan(good[0], f"{good[1]} B", good_data, (declined,)),
        *staged(good[0], good[1], good_data, _line("start_gathering", why)),
        Plan(audit[0], f"{audit[1]} A", audit_data),
        Plan(audit[0], f"{audit[1]} B", audit_data, (declined,)),
        *staged(audit[0], audit[1], audit_data, _line("start_audit", theme)),
    ]
