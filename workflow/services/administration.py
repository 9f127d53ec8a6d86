"""What administrators do with review types: drafts, previews, publishing, the guard and role
catalogue, export, and moving open cases to another version. Every draft, publication and
migration is audited in ``admin_event``."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from workflow.core.definition import Definition, load
from workflow.core.definition.compare import compare
from workflow.core.errors import DefinitionError, InvalidInput, NotFound, Problem, VersionConflict
from workflow.core.guards import REGISTRY
from workflow.core.machine import mermaid
from workflow.core.migration import check_state_map, plan_case
from workflow.core.roles import ASSIGNABLE_ROLES, Actor, Role
from workflow.services import access, catalog, records
from workflow.services.cases import Service
from workflow.store.cases import apply_outcome, current_deadlines, snapshot
from workflow.store.models.admin import AdminEvent, Draft
from workflow.store.models.cases import Case
from workflow.store.models.catalog import ReviewTypeVersion
from workflow.store.models.time import Deadline
from workflow.store.unit import Unit, unit_of_work

log = logging.getLogger(__name__)
ADMINS = {Role.ADMIN.value}


def problem_view(p: Problem) -> dict[str, Any]:
    return {"key": p.key, "line": p.line, "message": p.message, "text": str(p)}


def _audit(
    s: Session,
    actor: Actor,
    action: str,
    key: str,
    now: datetime,
    version: int | None = None,
    **detail: Any,
) -> None:
    s.add(
        AdminEvent(at=now, actor=actor.name, action=action, key=key, version=version, detail=detail)
    )


class Administration:
    def __init__(self, service: Service) -> None:
        self.service = service

    @property
    def db(self) -> Any:
        return self.service.db

    # -- what can be composed ------------------------------------------------------------------

    def catalogue(self, actor: Actor) -> dict[str, Any]:
        access.require_role(actor, ADMINS, "see the guard catalogue")
        return {
            "guards": [
                {
                    "name": g.name,
                    "doc": " ".join(g.doc.split()),
                    "params": [
                        {"name": p.name, "kind": p.kind, "required": p.required, "doc": p.doc}
                        for p in g.params
                    ],
                    "reads": list(g.reads),
                }
                for g in sorted(REGISTRY.guards.values(), key=lambda g: g.name)
            ],
            "roles": [*ASSIGNABLE_ROLES, Role.SYSTEM.value],
            "duration_units": ["working days", "days", "weeks", "months"],
            "anchors": ["data.<key>", "entered:<state>", "trigger:<trigger>"],
        }

    # -- drafts ----------------------------------------------------------------------------------

    def preview(self, actor: Actor, key: str, source: str) -> dict[str, Any]:
        """Problems (with lines), the diagram and the changes against the latest version."""
        access.require_role(actor, ADMINS, "preview review types")
        try:
            draft = load(source, f"{key} (draft)")
        except DefinitionError as exc:
            return {
                "valid": False,
                "problems": [problem_view(p) for p in exc.problems],
                "diagram": None,
                "changes": [],
            }
        problems = []
        if draft.key != key:
            problems.append(
                problem_view(
                    Problem(
                        f"{key} (draft)", "key", f"is '{draft.key}' but this draft is of '{key}'", 1
                    )
                )
            )
        changes: list[dict[str, str]] = []
        with Session(self.db) as s:
            try:
                latest = catalog.DEFINITIONS.parsed(catalog.row_for(Unit(s), key))
                changes = [vars(c) for c in compare(latest, draft)]
            except NotFound:
                changes = [{"kind": "added", "part": "review type", "text": "a new review type"}]
        return {
            "valid": not problems,
            "problems": problems,
            "diagram": mermaid(draft),
            "changes": changes,
        }

    def save_draft(
        self, actor: Actor, key: str, source: str, expected_version: int | None = None
    ) -> dict[str, Any]:
        """Keep the draft even when it has problems: it is work in progress. Saving over a draft
        someone else changed since you read it is refused."""
        access.require_role(actor, ADMINS, "edit review types")
        if not isinstance(source, str) or not source.strip():
            raise InvalidInput("Send the draft's TOML text in source.")
        now = self.service.now()
        with unit_of_work(self.db) as s:
            draft = s.exec(select(Draft).where(Draft.key == key)).first()
            if draft is None:
                top = s.exec(
                    select(ReviewTypeVersion)
                    .where(ReviewTypeVersion.key == key)
                    .order_by(col(ReviewTypeVersion.version).desc())
                ).first()
                draft = Draft(
                    key=key,
                    source=source,
                    based_on_version=top.version if top else None,
                    updated_by=actor.name,
                    updated_at=now,
                )
            else:
                if expected_version is not None and draft.version != expected_version:
                    raise VersionConflict(
                        f"{draft.updated_by} saved this draft at {draft.updated_at.isoformat()} "
                        "after you opened it; reload it and merge your changes.",
                        current_version=draft.version,
                        expected_version=expected_version,
                    )
                draft.source, draft.updated_by, draft.updated_at = source, actor.name, now
            s.add(draft)
            s.flush()
            _audit(s, actor, "draft_saved", key, now, detail_version=draft.version)
            view = self._draft_view(draft)
        return view | {"preview": self.preview(actor, key, source)}

    def get_draft(self, actor: Actor, key: str) -> dict[str, Any]:
        access.require_role(actor, ADMINS, "edit review types")
        with Session(self.db) as s:
            draft = s.exec(select(Draft).where(Draft.key == key)).first()
            if draft is None:
                row = catalog.row_for(Unit(s), key)  # NotFound names the known types
                return {
                    "key": key,
                    "source": row.source,
                    "based_on_version": row.version,
                    "version": None,
                    "saved": False,
                    "preview": self.preview(actor, key, row.source),
                }
            view = self._draft_view(draft)
        return view | {"preview": self.preview(actor, key, view["source"])}

    def discard_draft(self, actor: Actor, key: str) -> None:
        access.require_role(actor, ADMINS, "edit review types")
        now = self.service.now()
        with unit_of_work(self.db) as s:
            draft = s.exec(select(Draft).where(Draft.key == key)).first()
            if draft is None:
                raise NotFound(f"There is no draft of '{key}' to discard.")
            s.delete(draft)
            _audit(s, actor, "draft_discarded", key, now)

    def publish_draft(self, actor: Actor, key: str) -> dict[str, Any]:
        access.require_role(actor, ADMINS, "publish review types")
        now = self.service.now()
        with unit_of_work(self.db) as s:
            draft = s.exec(select(Draft).where(Draft.key == key)).first()
            if draft is None:
                raise NotFound(f"There is no draft of '{key}'; save one first.")
            row = catalog.publish(Unit(s), draft.source, f"{key} (draft)", actor.name, now, key)
            s.delete(draft)  # catalog.publish audited the publication
            log.info("published %s v%s from a draft by %s", key, row.version, actor.name)
            return {"key": row.key, "version": row.version}

    def export(self, key: str, version: int | None = None) -> tuple[str, int]:
        with Session(self.db) as s:
            row = catalog.row_for(Unit(s), key, version)
            return row.source, row.version

    def versions(self, actor: Actor, key: str) -> list[dict[str, Any]]:
        access.require_role(actor, ADMINS, "see review-type versions")
        with Session(self.db) as s:
            rows = s.exec(
                select(ReviewTypeVersion)
                .where(ReviewTypeVersion.key == key)
                .order_by(col(ReviewTypeVersion.version))
            )
            out = [
                {
                    "version": r.version,
                    "published_at": r.published_at.isoformat(),
                    "published_by": r.published_by,
                    "open_cases": self._open_cases(s, r),
                }
                for r in rows
            ]
        if not out:
            raise NotFound(f"There is no review type '{key}'.")
        return out

    def audit(self, actor: Actor, key: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        access.require_role(actor, ADMINS, "read the admin audit trail")
        with Session(self.db) as s:
            query = select(AdminEvent).order_by(col(AdminEvent.id).desc()).limit(min(limit, 500))
            if key:
                query = query.where(AdminEvent.key == key)
            return [
                {
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "action": e.action,
                    "key": e.key,
                    "version": e.version,
                    "detail": e.detail,
                }
                for e in s.exec(query)
            ]

    # -- migrating open cases ---------------------------------------------------------------------

    def migrate(
        self,
        actor: Actor,
        key: str,
        from_version: int,
        to_version: int,
        state_map: Mapping[str, str],
        cases: Sequence[Mapping[str, int]] | None = None,
        dry_run: bool = True,
    ) -> dict[str, Any]:
        """Plan (dry run) or apply moving open cases of ``key`` from one version to another.

        ``cases`` lists ``{"id", "version"}`` (the versions seen in the dry run); applying skips,
        and reports, any case changed since. Each case is moved in its own transaction."""
        access.require_role(actor, ADMINS, "migrate cases")
        if not isinstance(state_map, Mapping):
            raise InvalidInput("state_map must map each old state to a new one.")
        now = self.service.now()
        calendar = self.service.calendar
        with Session(self.db) as s:
            old_row = catalog.row_for(Unit(s), key, from_version)
            new_row = catalog.row_for(Unit(s), key, to_version)
            old, new = catalog.DEFINITIONS.parsed(old_row), catalog.DEFINITIONS.parsed(new_row)
            query = select(Case).where(
                Case.definition_id == old_row.id, col(Case.state).not_in(old.final_states)
            )
            wanted = {int(c["id"]): c.get("version") for c in cases} if cases else None
            if wanted is not None:
                query = query.where(col(Case.id).in_(wanted))
            rows = list(s.exec(query.order_by(col(Case.id))))
            check_state_map(old, new, state_map, {c.state for c in rows})
        results = []
        for case in rows:
            expected = wanted.get(case.id or 0) if wanted else None
            results.append(
                self._migrate_one(
                    actor,
                    case.id or 0,
                    old,
                    new,
                    old_row,
                    new_row,
                    state_map,
                    expected,
                    dry_run,
                    now,
                    calendar,
                )
            )
        if not dry_run:
            with unit_of_work(self.db) as s:
                _audit(
                    s,
                    actor,
                    "migration_applied",
                    key,
                    now,
                    to_version,
                    from_version=from_version,
                    state_map=dict(state_map),
                    applied=[r["reference"] for r in results if r["outcome"] == "migrated"],
                    skipped=[r["reference"] for r in results if r["outcome"] == "skipped"],
                )
        return {
            "key": key,
            "from_version": from_version,
            "to_version": to_version,
            "dry_run": dry_run,
            "cases": results,
        }

    def _migrate_one(
        self,
        actor: Actor,
        case_id: int,
        old: Definition,
        new: Definition,
        old_row: ReviewTypeVersion,
        new_row: ReviewTypeVersion,
        state_map: Mapping[str, str],
        expected: int | None,
        dry_run: bool,
        now: datetime,
        calendar: Any,
    ) -> dict[str, Any]:
        try:
            with unit_of_work(self.db) as s:
                case = s.get(Case, case_id)
                assert case is not None
                result: dict[str, Any] = {
                    "id": case.id,
                    "reference": case.reference,
                    "version": case.version,
                    "from_state": case.state,
                }
                if case.definition_id != old_row.id or (
                    expected is not None and case.version != expected
                ):
                    return result | {
                        "outcome": "skipped",
                        "reason": (
                            f"the case changed since the dry run (now version {case.version}); "
                            "run the dry run again"
                        ),
                    }
                rows = current_deadlines(s, case_id)
                plan = plan_case(
                    old,
                    new,
                    snapshot(case, rows, records.guard_records(Unit(s), case_id)),
                    state_map,
                    actor,
                    now,
                    calendar,
                    old_row.version,
                    new_row.version,
                )
                by_id = {d.id: d for d in rows}
                result |= {
                    "to_state": plan.to_state,
                    "blocked": plan.blocked,
                    "deadlines": [
                        _describe(c, by_id) for c in plan.deadline_changes if c.name != "stall"
                    ],
                }
                if dry_run:
                    return result | {"outcome": "planned"}
                case.definition_id = new_row.id or 0
                case.definition_version = new_row.version
                apply_outcome(
                    s,
                    case,
                    plan.outcome,
                    actor,
                    now,
                    calendar,
                    expected if expected is not None else case.version,
                )
                return result | {"outcome": "migrated", "version": case.version}
        except VersionConflict as exc:
            return {
                "id": case_id,
                "outcome": "skipped",
                "reference": result.get("reference"),
                "reason": f"a reviewer changed the case at the same moment: {exc.message}",
            }

    @staticmethod
    def _draft_view(draft: Draft) -> dict[str, Any]:
        return {
            "key": draft.key,
            "source": draft.source,
            "version": draft.version,
            "based_on_version": draft.based_on_version,
            "updated_by": draft.updated_by,
            "updated_at": draft.updated_at.isoformat(),
            "saved": True,
        }

    @staticmethod
    def _open_cases(s: Session, row: ReviewTypeVersion) -> int:
        final = catalog.DEFINITIONS.parsed(row).final_states
        return len(
            list(
                s.exec(
                    select(Case.id).where(
                        Case.definition_id == row.id, col(Case.state).not_in(final)
                    )
                )
            )
        )


def _describe(change: Any, rows: Mapping[int | None, Deadline]) -> dict[str, Any]:
    row = rows.get(change.deadline_id)
    out: dict[str, Any] = {
        "op": change.op if change.op != "restart" else "move",
        "name": change.name,
    }
    if row is not None:
        out["from_due_date"] = row.due_date.isoformat()
    if change.due_date is not None:
        out["due_date"] = change.due_date.isoformat()
    return out
