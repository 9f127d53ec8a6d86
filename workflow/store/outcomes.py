"""Writing what the engine decided: the case row (version-checked: optimistic concurrency), its
append-only audit trail, and the deadlines opened, moved, met and cancelled, in the same
transaction as the case change that caused them.

``CaseRepository.save`` (``workflow.store.cases``) is the way in for services; the functions
here take the session, for the store's own code and the areas still moving onto the repository.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from workflow.core.calendar import WorkingCalendar
from workflow.core.deadlines import (
    STALL,
    DeadlineChange,
    DeadlineOp,
    DeadlineSnapshot,
    DeadlineStatus,
)
from workflow.core.engine import CaseSnapshot, Outcome
from workflow.core.errors import VersionConflict
from workflow.core.events import EventKind, NewEvent
from workflow.core.record_kinds import freeze
from workflow.core.roles import Actor
from workflow.core.values import as_list
from workflow.store.models.cases import Case, CaseAgency, Event
from workflow.store.models.time import Deadline, Escalation


def folded_agencies(data: dict[str, Any]) -> list[str]:
    """The case's agencies, trimmed and case-folded, sorted and without repeats."""
    return sorted({str(a).strip().casefold() for a in as_list(data.get("agencies"))} - {""})


def _sync_agencies(session: Session, case_id: int, names: list[str]) -> None:
    """Replace the indexed agency rows of a case (called only when its agencies changed)."""
    session.execute(delete(CaseAgency).where(col(CaseAgency.case_id) == case_id))
    session.add_all(CaseAgency(case_id=case_id, agency=a) for a in names)


def new_reference(prefix: str, now: datetime) -> str:
    return f"{prefix}-{now.year}-{secrets.token_hex(3).upper()}"


def reference_prefix(key: str) -> str:
    return "".join(part[0] for part in key.split("_") if part).upper()


def current_deadlines(session: Session, case_id: int) -> list[Deadline]:
    return list(
        session.exec(
            select(Deadline).where(
                col(Deadline.case_id) == case_id, col(Deadline.current).is_(True)
            )
        )
    )


def snapshot(
    case: Case,
    deadlines: Sequence[Deadline],
    records: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> CaseSnapshot:
    """The case as the engine sees it, with its records as the guards see them (the services
    shape them: ``workflow.services.records.guard_records``)."""
    return CaseSnapshot(
        state=case.state,
        data=dict(case.data),
        milestones=dict(case.milestones),
        deadlines=tuple(
            DeadlineSnapshot(d.id or 0, d.name, d.status, d.due_date, d.current) for d in deadlines
        ),
        records=freeze(records) if records is not None else None,
    )


def next_seq(session: Session, case_id: int) -> int:
    top = session.exec(select(func.max(Event.seq)).where(Event.case_id == case_id)).one()
    return int(top or 0) + 1


def append_events(
    session: Session, case: Case, actor: Actor, events: Sequence[NewEvent], now: datetime
) -> None:
    assert case.id is not None
    seq = next_seq(session, case.id)
    for i, e in enumerate(events):
        session.add(
            Event(
                case_id=case.id,
                seq=seq + i,
                at=now,
                actor=actor.name,
                actor_role=actor.role,
                kind=e.kind,
                trigger=e.trigger,
                from_state=e.from_state,
                to_state=e.to_state,
                note=e.note,
                detail=dict(e.detail),
            )
        )


def apply_outcome(
    session: Session,
    case: Case,
    outcome: Outcome,
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
    expected_version: int | None = None,
    deadlines: Sequence[Deadline] | None = None,
    *,
    touch: bool = False,
) -> None:
    """Write the outcome: the case row (version-checked), its events, its deadline changes.

    Pass ``deadlines`` when the caller already loaded the case's current deadlines in this
    session (for the snapshot the engine decided on), to save reading them again. ``touch``:
    the version goes up even if nothing of the row changed (e.g. only a record did)."""
    if expected_version is not None and case.version != expected_version:
        raise VersionConflict.stale(case.version, expected_version)
    if touch:
        flag_modified(case, "updated_at")
    case.state = outcome.state
    case.data = dict(outcome.data)
    case.milestones = dict(outcome.milestones)
    agencies = folded_agencies(case.data)
    joined = "|" + "|".join(agencies) + "|" if agencies else ""
    agencies_changed = case.id is None or joined != case.agencies
    case.agencies = joined  # set before the one flush, so a change bumps the version once
    # case.lead_name (who leads it, for access) follows the lead appointment, set by the caller.
    case.updated_at = now
    session.add(case)
    try:
        session.flush()  # the version check happens here, before anything else is written
    except IntegrityError as exc:
        raise VersionConflict("The case changed while saving; reload it and try again.") from exc
    if agencies_changed:
        _sync_agencies(session, case.id or 0, agencies)
    events = list(outcome.events)
    if deadlines is None:
        deadlines = current_deadlines(session, case.id or 0)
    rows = {d.id: d for d in deadlines}
    for change in outcome.deadline_changes:
        event = _apply_deadline(session, case, rows, change, now, calendar)
        if event is not None:
            events.append(event)
    append_events(session, case, actor, events, now)


def _apply_deadline(
    session: Session,
    case: Case,
    rows: Mapping[int | None, Deadline],
    change: DeadlineChange,
    now: datetime,
    calendar: WorkingCalendar,
) -> NewEvent | None:
    """Write one deadline change; the audit event it makes, if it makes one."""
    if change.op == DeadlineOp.OPEN:
        return _open_deadline(session, case, change, now, calendar)
    row = rows[change.deadline_id]
    session.add(row)
    row.claimed_by, row.lease_expires_at = None, None  # a changed deadline is claimed anew
    if change.op in (DeadlineOp.MOVE, DeadlineOp.RESTART):
        return _move_deadline(row, change, calendar)
    if change.op == DeadlineOp.MEET:
        return _meet_deadline(session, row, change, now)
    if change.op == DeadlineOp.CANCEL:
        return _cancel_deadline(row, change)
    raise ValueError(f"unknown deadline change {change.op!r}")


def _audited(change: DeadlineChange) -> bool:
    # A stall clock restarts on every change: not worth a line in the audit trail.
    return change.name != STALL


def _open_deadline(
    session: Session,
    case: Case,
    change: DeadlineChange,
    now: datetime,
    calendar: WorkingCalendar,
) -> NewEvent | None:
    assert change.due_date is not None
    session.add(
        Deadline(
            case_id=case.id or 0,
            name=change.name,
            label=change.label,
            status=DeadlineStatus.PENDING,
            due_date=change.due_date,
            due_at=calendar.end_of_day(change.due_date),
            opened_at=now,
            escalate_to=list(change.escalate_to),
        )
    )
    if not _audited(change):
        return None
    detail = {"deadline": change.name, "due_date": change.due_date.isoformat()}
    return NewEvent(EventKind.DEADLINE_OPENED, detail=detail)


def _move_deadline(
    row: Deadline, change: DeadlineChange, calendar: WorkingCalendar
) -> NewEvent | None:
    assert change.due_date is not None
    detail = {
        "deadline": change.name,
        "from": row.due_date.isoformat(),
        "to": change.due_date.isoformat(),
    }
    row.due_date = change.due_date
    row.due_at = calendar.end_of_day(change.due_date)
    if change.op == DeadlineOp.MOVE:
        return NewEvent(EventKind.DEADLINE_MOVED, detail=detail)
    return None


def _meet_deadline(
    session: Session, row: Deadline, change: DeadlineChange, now: datetime
) -> NewEvent:
    """Met, on time or late: one truth for the case and the timeliness report (the status is
    met either way; the met date says how late). Its escalations still open are resolved."""
    row.met_at = now
    row.met_date = change.met_date
    row.status = DeadlineStatus.MET
    resolved = _resolve_escalations(session, row, now)
    detail: dict[str, Any] = {
        "deadline": change.name,
        "met_date": change.met_date.isoformat() if change.met_date else None,
        "on_time": bool(change.met_date and change.met_date <= row.due_date),
    }
    if change.met_date and change.met_date > row.due_date:
        detail["days_late"] = (change.met_date - row.due_date).days
    if resolved:
        detail["escalations_resolved"] = resolved
    return NewEvent(EventKind.DEADLINE_MET, detail=detail)


#: Who is recorded as having an escalation in hand when meeting its deadline resolved it.
RESOLVED_BY = "system (deadline met)"


def _resolve_escalations(session: Session, row: Deadline, now: datetime) -> list[int]:
    if row.id is None:
        return []
    open_ones = session.exec(
        select(Escalation).where(
            Escalation.deadline_id == row.id, col(Escalation.acknowledged_at).is_(None)
        )
    ).all()
    for escalation in open_ones:
        escalation.acknowledged_at = now
        escalation.acknowledged_by = RESOLVED_BY
        session.add(escalation)
    return [e.id or 0 for e in open_ones]


def _cancel_deadline(row: Deadline, change: DeadlineChange) -> NewEvent | None:
    was_pending = row.status == DeadlineStatus.PENDING
    if was_pending:
        row.status = DeadlineStatus.CANCELLED
    row.current = False
    if _audited(change) and was_pending:
        return NewEvent(EventKind.DEADLINE_CANCELLED, detail={"deadline": change.name})
    return None
