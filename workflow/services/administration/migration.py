"""Moving open cases of a review type from one published version to another.

A dry run (the default) shows, for each case, its new state, the steps it would be blocked on
and every deadline recomputed; nothing changes. Applying moves each case in its own
transaction, planned exactly as the dry run was (``workflow.core.migration``); a case changed
since the dry run (another version, or a reviewer's step at the same moment) is skipped and
reported, never overwritten. The applied migration is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from workflow.core.deadlines import STALL, DeadlineChange, DeadlineOp
from workflow.core.definition import Definition
from workflow.core.errors import VersionConflict
from workflow.core.migration import check_state_map, plan_case
from workflow.core.roles import Actor
from workflow.services import access, catalog, records
from workflow.services.administration import audit
from workflow.services.administration.audit import ADMINS
from workflow.services.administration.results import (
    AdminAction,
    CaseMigration,
    DeadlineMove,
    Migration,
    MigrationOutcome,
    MigrationPlan,
)
from workflow.services.cases import Service
from workflow.store.models.cases import Case
from workflow.store.models.time import Deadline
from workflow.store.unit import Unit


@dataclass(frozen=True)
class _Move:
    """One migration as each case is moved: the two versions, the map, who and when."""

    service: Service
    actor: Actor
    plan: MigrationPlan
    old: Definition
    new: Definition
    old_id: int
    new_id: int
    now: datetime


def migrate(service: Service, actor: Actor, key: str, plan: MigrationPlan) -> Migration:
    """Plan (dry run) or apply moving the open cases of ``key`` between two versions."""
    access.require_role(actor, ADMINS, "migrate cases")
    wanted = {c.id: c.version for c in plan.cases} if plan.cases is not None else None
    with service.store.read() as u:
        old_row = catalog.row_for(u, key, plan.from_version)
        new_row = catalog.row_for(u, key, plan.to_version)
        old, new = service.definitions.parsed(old_row), service.definitions.parsed(new_row)
        cases = u.admin.open_cases(old_row.id or 0, old.final_states, wanted)
        check_state_map(old, new, plan.state_map, {c.state for c in cases})
    move = _Move(service, actor, plan, old, new, old_row.id or 0, new_row.id or 0, service.now())
    results = tuple(
        _move_one(move, c.id or 0, wanted.get(c.id or 0) if wanted else None) for c in cases
    )
    if not plan.dry_run:
        _audit(move, key, results)
    return Migration(
        key=key,
        from_version=plan.from_version,
        to_version=plan.to_version,
        dry_run=plan.dry_run,
        cases=results,
    )


def _move_one(move: _Move, case_id: int, expected: int | None) -> CaseMigration:
    reference: str | None = None
    try:
        with move.service.store.read() if move.plan.dry_run else move.service.store.write() as u:
            case = u.admin.case(case_id)
            assert case is not None  # listed as open in this migration, and cases are kept
            reference = case.reference
            return _plan_and_apply(move, u, case, expected)
    except VersionConflict as exc:
        return CaseMigration(
            id=case_id,
            reference=reference,
            outcome=MigrationOutcome.SKIPPED,
            reason=f"a reviewer changed the case at the same moment: {exc.message}",
        )


def _plan_and_apply(move: _Move, u: Unit, case: Case, expected: int | None) -> CaseMigration:
    seen = CaseMigration(
        id=case.id or 0,
        reference=case.reference,
        version=case.version,
        from_state=case.state,
        outcome=MigrationOutcome.SKIPPED,
    )
    if case.definition_id != move.old_id or (expected is not None and case.version != expected):
        reason = (
            f"the case changed since the dry run (now version {case.version}); "
            "run the dry run again"
        )
        return seen.model_copy(update={"reason": reason})
    rows = u.admin.current_deadlines(case.id or 0)
    planned = plan_case(
        move.old,
        move.new,
        u.admin.snapshot(case, rows, records.guard_records(u, case.id or 0)),
        move.plan.state_map,
        move.actor,
        move.now,
        move.service.calendar,
        move.plan.from_version,
        move.plan.to_version,
    )
    by_id = {d.id: d for d in rows}
    deadlines = tuple(_described(c, by_id) for c in planned.deadline_changes if c.name != STALL)
    found = seen.model_copy(
        update={
            "to_state": planned.to_state,
            "blocked": planned.blocked,
            "deadlines": deadlines,
            "outcome": MigrationOutcome.PLANNED,
        }
    )
    if move.plan.dry_run:
        return found
    case.definition_id = move.new_id
    case.definition_version = move.plan.to_version
    version = expected if expected is not None else case.version
    u.admin.save(case, planned.outcome, move.actor, move.now, move.service.calendar, version, rows)
    return found.model_copy(update={"version": case.version, "outcome": MigrationOutcome.MIGRATED})


def _described(change: DeadlineChange, rows: Mapping[int | None, Deadline]) -> DeadlineMove:
    row = rows.get(change.deadline_id)
    return DeadlineMove(
        op=DeadlineOp.MOVE if change.op == DeadlineOp.RESTART else change.op,
        name=change.name,
        from_due_date=row.due_date if row is not None else None,
        due_date=change.due_date,
    )


def _audit(move: _Move, key: str, results: tuple[CaseMigration, ...]) -> None:
    def refs(outcome: MigrationOutcome) -> list[str | None]:
        return [r.reference for r in results if r.outcome == outcome]

    with move.service.store.write() as u:
        audit.record(
            u,
            move.actor,
            AdminAction.MIGRATION_APPLIED,
            key,
            move.now,
            move.plan.to_version,
            from_version=move.plan.from_version,
            state_map=dict(move.plan.state_map),
            applied=refs(MigrationOutcome.MIGRATED),
            skipped=refs(MigrationOutcome.SKIPPED),
        )
