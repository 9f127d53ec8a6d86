"""Writing what the engine decided: the case row (version-checked: optimistic concurrency), its
append-only audit trail, and the deadlines opened, moved, met and cancelled, in the same
transaction as the case change that caused them.

``CaseRepository.save`` (``workflow.store.cases``) is the way in for services; the functions
here take the session, for the store's own code and the areas still moving onto the repository.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from workflow.core.audit_chain import GENESIS
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
from workflow.core.record_deadlines import is_record_deadline, reminder_of
from workflow.core.record_kinds import freeze
from workflow.core.roles import Actor
from workflow.core.values import as_list
from workflow.store import audit, rows
from workflow.store.models.cases import Case, CaseAgency
from workflow.store.models.time import Deadline, Escalation


def folded_agencies(data: dict[str, Any]) -> list[str]:
    """The case's agencies, trimmed and case-folded, sorted and without repeats."""
    return sorted({str(a).strip().casefold() for a in as_list(data.get("agencies"))} - {""})


def _sync_agencies(session: Session, case_id: int, names: list[str]) -> None:
    """Replace the indexed agency rows of a case (called only when its agencies changed)."""
    table = CaseAgency.__table__  # type: ignore[attr-defined]
    session.execute(delete(table).where(table.c.case_id == case_id))
    if names:
        session.execute(insert(table), [{"case_id": case_id, "agency": a} for a in names])


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


def append_events(
    session: Session, case: Case, actor: Actor, events: Sequence[NewEvent], now: datetime
) -> None:
    """Append events that change nothing of the case row but its ``last_seq`` (one UPDATE …
    RETURNING reserves their numbers and gives the hash before them, one INSERT writes them,
    one UPDATE moves the row's ``last_hash``)."""
    assert case.id is not None
    if not events:
        return
    first, previous = rows.reserve_seqs(session, case, len(events))
    _insert_linked(session, case, actor, events, now, first, previous)


def _insert_linked(
    session: Session,
    case: Case,
    actor: Actor,
    events: Sequence[NewEvent],
    now: datetime,
    first: int,
    previous: str = "",
) -> None:
    """Insert the events numbered from ``first``, linked onto the case's hash chain after
    ``previous`` (read from the trail when not given), in one statement, and keep the chain's
    new head on the case row. The case row's lock (taken when the numbers were reserved) orders
    the writers, so the event before ``first`` is final."""
    if not events:
        return
    case_id = case.id or 0
    new = rows.event_rows(case_id, actor, events, now, first)
    head = audit.link_events(previous or audit.hash_before(session, case_id, first), new)
    rows.insert_events(session, new)
    rows.set_head(session, case, head)


def apply_outcome(
    session: Session,
    case: Case,
    outcome: Outcome,
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
    expected_version: int | None = None,
    deadlines: Sequence[Deadline] | None = None,
) -> list[Deadline]:
    """Write the outcome: the case row (version-checked), its events, its deadline changes;
    returns the deadlines it opened (with their ids).

    Pass ``deadlines`` when the caller already loaded the case's current deadlines in this
    session (for the snapshot the engine decided on), to save reading them again. Every save
    of an existing case raises its version (``updated_at`` always changes)."""
    if expected_version is not None and case.version != expected_version:
        raise VersionConflict.stale(case.version, expected_version)
    data = dict(outcome.data)
    agencies = folded_agencies(data)
    joined = "|" + "|".join(agencies) + "|" if agencies else ""
    agencies_changed = case.id is None or joined != case.agencies
    values = {
        "state": outcome.state,
        "data": data,
        "milestones": dict(outcome.milestones),
        "agencies": joined,
        # lead_name (who leads it, for access) follows the lead appointment, set by the caller.
        "lead_name": case.lead_name,
        "updated_at": now,
    }
    if case.id is not None and deadlines is None:
        deadlines = current_deadlines(session, case.id)
    plan = _plan_deadlines(session, case, deadlines or (), outcome, now, calendar)
    events = [*outcome.events, *plan.events]
    opening = case.id is None
    linked = _written_with_its_events(session, case, values, actor, events, now)
    first = 0 if linked is not None else _write_case(session, case, values, len(events))
    case_id = case.id or 0
    if agencies_changed:
        _sync_agencies(session, case_id, agencies)
    rows.update_deadlines(session, deadlines or (), plan.changed)
    for d in plan.opened:
        d.case_id = case_id
    rows.insert_deadlines(session, plan.opened)
    if linked is not None:
        rows.insert_events(session, linked)
    else:  # a new case starts its chain; else someone appended events since it was read
        _insert_linked(session, case, actor, events, now, first, GENESIS if opening else "")
    return plan.opened


def _written_with_its_events(
    session: Session,
    case: Case,
    values: dict[str, Any],
    actor: Actor,
    events: Sequence[NewEvent],
    now: datetime,
) -> list[dict[str, Any]] | None:
    """An existing case's row, written with its new events numbered and linked from the trail
    as the row was read (nothing read to append them); the events' rows, to insert. None (and
    nothing written) for a new case, a row that does not know its chain's head, or a trail
    that moved since the row was read (an acknowledgement appended to it)."""
    if case.id is None or not case.last_hash:
        return None
    new = rows.event_rows(case.id, actor, events, now, case.last_seq + 1)
    audit.link_events(case.last_hash, new)
    return new if rows.update_case_at(session, case, values, new) else None


def _write_case(session: Session, case: Case, values: dict[str, Any], events: int) -> int:
    """The case row: inserted (through the ORM, which gives it its id) or updated under its
    version check. Returns the seq of its first new event."""
    if case.id is not None:
        return rows.update_case(session, case, values, events)
    for key, value in values.items():
        setattr(case, key, value)
    case.last_seq = events
    session.add(case)
    try:
        session.flush()
    except IntegrityError as exc:
        raise VersionConflict("The case changed while saving; reload it and try again.") from exc
    return 1


@dataclass
class _Plan:
    """The deadline writes of one outcome: rows to insert, columns changed by row, events."""

    opened: list[Deadline] = field(default_factory=list)
    changed: dict[int, set[str]] = field(default_factory=dict)
    events: list[NewEvent] = field(default_factory=list)


def _plan_deadlines(
    session: Session,
    case: Case,
    deadlines: Sequence[Deadline],
    outcome: Outcome,
    now: datetime,
    calendar: WorkingCalendar,
) -> _Plan:
    plan = _Plan()
    by_id = {d.id: d for d in deadlines}
    for change in outcome.deadline_changes:
        if change.op == DeadlineOp.OPEN:
            event = _open_deadline(plan, case, change, now, calendar)
        else:
            event = _apply_deadline(session, plan, by_id[change.deadline_id], change, now, calendar)
        if event is not None:
            plan.events.append(event)
    return plan


def _apply_deadline(
    session: Session,
    plan: _Plan,
    row: Deadline,
    change: DeadlineChange,
    now: datetime,
    calendar: WorkingCalendar,
) -> NewEvent | None:
    """Change one loaded deadline; the audit event it makes, if it makes one."""
    # A changed deadline is claimed anew.
    rows.set_deadline(row, plan.changed, claimed_by=None, lease_expires_at=None)
    if change.op in (DeadlineOp.MOVE, DeadlineOp.RESTART):
        return _move_deadline(plan, row, change, calendar)
    if change.op == DeadlineOp.MEET:
        return _meet_deadline(session, plan, row, change, now)
    if change.op == DeadlineOp.CANCEL:
        return _cancel_deadline(plan, row, change)
    raise ValueError(f"unknown deadline change {change.op!r}")


def _audited(change: DeadlineChange) -> bool:
    # A stall clock restarts on every change: not worth a line in the audit trail.
    return change.name != STALL


def _open_deadline(
    plan: _Plan,
    case: Case,
    change: DeadlineChange,
    now: datetime,
    calendar: WorkingCalendar,
) -> NewEvent | None:
    assert change.due_date is not None
    plan.opened.append(
        rows.new_deadline(
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
    plan: _Plan, row: Deadline, change: DeadlineChange, calendar: WorkingCalendar
) -> NewEvent | None:
    assert change.due_date is not None
    detail = {
        "deadline": change.name,
        "from": row.due_date.isoformat(),
        "to": change.due_date.isoformat(),
    }
    due_at = calendar.end_of_day(change.due_date)
    rows.set_deadline(row, plan.changed, due_date=change.due_date, due_at=due_at)
    if change.op == DeadlineOp.MOVE:
        return NewEvent(EventKind.DEADLINE_MOVED, detail=detail)
    return None


def _meet_deadline(
    session: Session, plan: _Plan, row: Deadline, change: DeadlineChange, now: datetime
) -> NewEvent:
    """Met, on time or late: one truth for the case and the timeliness report (the status is
    met either way; the met date says how late). Its escalations still open are resolved."""
    # Escalations are raised only by the sweep, on the deadline it marks missed (and on the
    # reminders that follow a missed one): a deadline still pending has none to resolve.
    escalated = row.status != DeadlineStatus.PENDING
    met = DeadlineStatus.MET
    rows.set_deadline(row, plan.changed, met_at=now, met_date=change.met_date, status=met)
    resolved = _resolve_escalations(session, row, now) if escalated else []
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


#: One statement resolves them and says which (no read first, no unit of work), built once.
_RESOLVE = (
    update(Escalation)
    .where(
        col(Escalation.deadline_id) == bindparam("of_deadline"),
        col(Escalation.acknowledged_at).is_(None),
    )
    .values(acknowledged_at=bindparam("now"), acknowledged_by=RESOLVED_BY)
    .returning(col(Escalation.id))
    .execution_options(synchronize_session="fetch")  # loaded ones stay true
)
_RESOLVE_WITH_REMINDERS = (
    update(Escalation)
    .where(
        or_(
            col(Escalation.deadline_id) == bindparam("of_deadline"),
            and_(
                col(Escalation.case_id) == bindparam("case"),
                col(Escalation.deadline_name) == bindparam("reminder"),
            ),
        ),
        col(Escalation.acknowledged_at).is_(None),
    )
    .values(acknowledged_at=bindparam("now"), acknowledged_by=RESOLVED_BY)
    .returning(col(Escalation.id))
    .execution_options(synchronize_session="fetch")
)


def _resolve_escalations(session: Session, row: Deadline, now: datetime) -> list[int]:
    if row.id is None:
        return []
    if not is_record_deadline(row.name):
        found = session.execute(_RESOLVE, {"of_deadline": row.id, "now": now}).scalars()
    else:
        # The reminders that the record was still overdue are resolved with it.
        params = {"of_deadline": row.id, "case": row.case_id, "reminder": reminder_of(row.name)}
        found = session.execute(_RESOLVE_WITH_REMINDERS, params | {"now": now}).scalars()
    return sorted(int(i) for i in found)


def _cancel_deadline(plan: _Plan, row: Deadline, change: DeadlineChange) -> NewEvent | None:
    was_pending = row.status == DeadlineStatus.PENDING
    if was_pending:
        rows.set_deadline(row, plan.changed, status=DeadlineStatus.CANCELLED)
    rows.set_deadline(row, plan.changed, current=False)
    if _audited(change) and was_pending:
        return NewEvent(EventKind.DEADLINE_CANCELLED, detail={"deadline": change.name})
    return None
