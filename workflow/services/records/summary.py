"""The action plan's progress: counts by status, overdue, done with evidence of impact, and the
same per owner agency (an agency user: their own agency's actions only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from workflow.core.record_kinds import ActionStatus, RecordKey, kind_of
from workflow.core.roles import Actor
from workflow.services import access
from workflow.services.records.listing import require_reader, visible
from workflow.services.records.shaping import case_records
from workflow.services.results import Result

if TYPE_CHECKING:
    from workflow.services.cases import Service


class Progress(Result):
    total: int
    open: int
    in_progress: int
    done: int
    done_with_impact: int
    overdue: int
    next_due: date | None
    percent_done: int | None


class AgencyProgress(Progress):
    agency: str


class OverdueAction(Result):
    id: int
    number: int
    finding: int | None
    owner_agency: str
    due_date: date
    status: str


class ActionSummary(Progress):
    case: str
    as_of: date
    by_agency: list[AgencyProgress]
    overdue_actions: list[OverdueAction]


def _overdue(action: Mapping[str, Any], today: date) -> bool:
    return bool(action["status"] != ActionStatus.DONE and action["due_date"] < today)


def tally(items: Sequence[Mapping[str, Any]], today: date) -> dict[str, Any]:
    done = [a for a in items if a["status"] == ActionStatus.DONE]
    open_due = sorted(a["due_date"] for a in items if a["status"] != ActionStatus.DONE)
    return {
        "total": len(items),
        "open": sum(1 for a in items if a["status"] == ActionStatus.OPEN),
        "in_progress": sum(1 for a in items if a["status"] == ActionStatus.IN_PROGRESS),
        "done": len(done),
        "done_with_impact": sum(1 for a in done if str(a["impact_evidence"]).strip()),
        "overdue": sum(1 for a in items if _overdue(a, today)),
        "next_due": open_due[0] if open_due else None,
        "percent_done": round(100 * len(done) / len(items)) if items else None,
    }


def actions_summary(service: Service, actor: Actor, case_id: int) -> ActionSummary:
    kind = kind_of(RecordKey.ACTIONS)
    now = service.now()
    today = service.calendar.local_date(now)
    with service.store.write() as u:
        case = access.require_visible(actor, u.records.case(case_id), case_id)
        require_reader(actor, kind)
        actions = visible(actor, kind, case_records(u, case_id)[kind.key])
        u.records.log_read(case_id, now, actor.name, "read actions")
        reference = case.reference
    by_agency: dict[str, list[Mapping[str, Any]]] = {}
    for a in actions:
        by_agency.setdefault(a["owner_agency"], []).append(a)
    fields = tuple(OverdueAction.model_fields)
    return ActionSummary(
        case=reference,
        as_of=today,
        **tally(actions, today),
        by_agency=[
            AgencyProgress(agency=agency, **tally(items, today))
            for agency, items in sorted(by_agency.items())
        ],
        overdue_actions=[
            OverdueAction(**{k: a[k] for k in fields}) for a in actions if _overdue(a, today)
        ],
    )


__all__ = ["ActionSummary", "AgencyProgress", "OverdueAction", "Progress", "actions_summary"]
