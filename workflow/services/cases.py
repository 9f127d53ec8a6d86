"""Use cases: what a person (or the scheduler) can do with cases and review types.

Each call is one unit of work: it loads what it needs, asks the pure engine to decide, and writes
the outcome in one transaction, or raises a typed error and writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from workflow.core import engine
from workflow.core.calendar import WorkingCalendar
from workflow.core.deadlines import STALL
from workflow.core.definition import Definition
from workflow.core.errors import InvalidInput, NotFound, VersionConflict
from workflow.core.events import NewEvent
from workflow.core.roles import Actor, Role
from workflow.services import access, catalog, conversions, records
from workflow.services.views import case_view, definition_summary, definition_view, event_view
from workflow.store.cases import (
    append_events,
    apply_outcome,
    current_deadlines,
    new_reference,
    reference_prefix,
    snapshot,
)
from workflow.store.models.cases import AccessLog, Case, Event
from workflow.store.models.records import LeadAppointment
from workflow.store.models.time import Deadline
from workflow.store.unit import Store, Unit, unit_of_work

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
MAX_PAGE = 200
#: ``data.lead_reviewer`` (the contract's form) is kept as the lead appointment record.
LEAD_KEY = "lead_reviewer"
#: What used to be kept in data and is now a record of its own (one source of truth).
RECORD_DATA_KEYS = {
    "involvement": "practitioners and family-members",
    "findings": "findings",
    "actions": "actions",
}


def split_lead(patch: Mapping[str, Any] | None) -> tuple[dict[str, Any], bool, Any]:
    """The patch without ``lead_reviewer``, whether it named one, and its value. A key that is
    now a record of its own is refused with where to record it."""
    rest = dict(patch or {})
    wrong = [
        f"data.{key} is no longer kept in the case's data: record it at "
        f"/api/v1/cases/<id>/{where.split(' and ')[0]} (and the case page's records)."
        for key, where in RECORD_DATA_KEYS.items()
        if rest.get(key) is not None
    ]
    if wrong:
        raise InvalidInput("The change was not saved: these are records now.", wrong)
    if LEAD_KEY not in rest:
        return rest, False, None
    return rest, True, rest.pop(LEAD_KEY)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_after: int | None


class Service:
    """What every use case works with: the store, the calendar, the clock and the definitions.

    The case use cases are its methods; other areas are modules of functions that take it.
    """

    def __init__(
        self, store: Store, calendar: WorkingCalendar, clock: Clock = utc_now, page_size: int = 50
    ) -> None:
        self.store = store
        self.calendar = calendar
        self.clock = clock
        self.page_size = page_size
        self.definitions = catalog.DEFINITIONS

    @property
    def db(self) -> Engine:
        """The database engine (while areas still open sessions of their own)."""
        return self.store.engine

    def now(self) -> datetime:
        now = self.clock()
        return now if now.tzinfo else now.replace(tzinfo=UTC)

    # -- review types -------------------------------------------------------------------------

    def publish(
        self, actor: Actor, source: str, file: str = "<request>", expected_key: str | None = None
    ) -> dict[str, Any]:
        access.require_role(actor, {Role.ADMIN.value, Role.SYSTEM.value}, "publish review types")
        with unit_of_work(self.db) as s:
            row = catalog.publish(Unit(s), source, file, actor.name, self.now(), expected_key)
            log.info("published %s v%s by %s", row.key, row.version, actor.name)
            return {"key": row.key, "version": row.version}

    def publish_missing(self, folder: Any, by: str = "workflow init") -> list[dict[str, Any]]:
        """Publish each definition file as version 1 of its review type where none exists."""
        published = []
        with unit_of_work(self.db) as s:
            known = {r.key for r in Unit(s).catalog.latest()}
            for path in catalog.definition_files(folder):
                text = path.read_text(encoding="utf-8")
                definition = catalog.load(text, str(path))
                if definition.key in known:
                    continue
                row = catalog.publish(Unit(s), text, str(path), by, self.now())
                published.append({"key": row.key, "version": row.version})
        return published

    def review_types(self) -> list[dict[str, Any]]:
        with Session(self.db) as s:
            return [
                definition_summary(catalog.DEFINITIONS.parsed(r), r.version)
                for r in Unit(s).catalog.latest()
            ]

    def review_type(self, key: str, version: int | None = None) -> dict[str, Any]:
        with Session(self.db) as s:
            row = catalog.row_for(Unit(s), key, version)
            return definition_view(catalog.DEFINITIONS.parsed(row), row.version, row.source)

    def definition(self, key: str, version: int | None = None) -> Definition:
        with Session(self.db) as s:
            return catalog.DEFINITIONS.parsed(catalog.row_for(Unit(s), key, version))

    # -- cases ----------------------------------------------------------------------------------

    def open_case(
        self, actor: Actor, review_type: str, title: str, data: Mapping[str, Any]
    ) -> dict[str, Any]:
        problems = []
        if not isinstance(title, str) or not title.strip():
            problems.append("Give the case a title (title), e.g. 'Child A'.")
        if not isinstance(data, Mapping):
            problems.append("data must be an object of named values.")
        if problems:
            raise InvalidInput("The case was not opened.", problems)
        now = self.now()
        data, has_lead, lead_value = split_lead(data)
        lead = records.lead_from_data(lead_value) if has_lead else None
        with unit_of_work(self.db) as s:
            row = catalog.row_for(Unit(s), review_type)
            d = catalog.DEFINITIONS.parsed(row)
            access.require_role(actor, set(d.open_roles), f"open a {d.name.lower()}")
            today = self.calendar.local_date(now)
            opening: dict[str, Any] = {}
            if lead is not None:
                opening["lead_appointments"] = [
                    {
                        "name": lead.name,
                        "organisations": list(lead.organisations),
                        "appointed_on": today.isoformat(),
                    }
                ]
            outcome = engine.open_case(d, actor, data, now, self.calendar, opening or None)
            case = Case(
                reference=new_reference(reference_prefix(d.key), now),
                review_type=d.key,
                definition_id=row.id or 0,
                definition_version=row.version,
                state=outcome.state,
                title=title.strip(),
                created_at=now,
                updated_at=now,
                created_by=actor.name,
                lead_name=lead.name.casefold() if lead else "",
            )
            apply_outcome(s, case, outcome, actor, now, self.calendar)
            if lead is not None:
                events = records.appoint_from_data(Unit(s), case, actor, lead_value, now, today)
                append_events(s, case, actor, events, now)
            return self._view(s, case, d, actor, now)

    def get_case(self, actor: Actor, case_id: int) -> dict[str, Any]:
        now = self.now()
        with unit_of_work(self.db) as s:
            case = access.require_visible(actor, s.get(Case, case_id), case_id)
            s.add(AccessLog(case_id=case_id, at=now, actor=actor.name, action="read"))
            return self._view(s, case, self._definition_of(s, case), actor, now)

    def find_case(self, actor: Actor, reference: str) -> dict[str, Any]:
        with Session(self.db) as s:
            case = s.exec(select(Case).where(Case.reference == reference)).first()
            if case is None or not access.may_see(actor, case):
                raise NotFound(f"There is no case {reference} that you can see.")
            case_id = case.id or 0
        return self.get_case(actor, case_id)

    def list_cases(
        self,
        actor: Actor,
        review_type: str | None = None,
        state: str | None = None,
        overdue: bool = False,
        limit: int | None = None,
        after: int | None = None,
    ) -> Page:
        """Newest first, keyset-paged by id: pass ``after`` = the last page's ``next_after``."""
        limit = min(max(limit or self.page_size, 1), MAX_PAGE)
        now = self.now()
        query = select(Case)
        scope = access.case_filter(actor)
        if scope is not None:
            query = query.where(scope)
        if review_type:
            query = query.where(Case.review_type == review_type)
        if state:
            query = query.where(Case.state == state)
        if overdue:
            query = query.where(
                exists().where(
                    col(Deadline.case_id) == col(Case.id),
                    col(Deadline.current).is_(True),
                    col(Deadline.name) != STALL,
                    or_(
                        col(Deadline.status) == "missed",
                        and_(col(Deadline.status) == "pending", col(Deadline.due_at) <= now),
                    ),
                )
            )
        if after is not None:
            query = query.where(col(Case.id) < after)
        query = query.order_by(col(Case.id).desc()).limit(limit + 1)
        with unit_of_work(self.db) as s:
            rows = list(s.exec(query))
            more = len(rows) > limit
            rows = rows[:limit]
            deadlines = self._deadlines_of(s, [c.id or 0 for c in rows])
            leads = self._leads_of(s, [c.id or 0 for c in rows])
            items = []
            for case in rows:
                d = self._definition_of(s, case)
                shown = records.visible_deadlines(Unit(s), actor, deadlines.get(case.id or 0, []))
                items.append(case_view(case, d, shown, None, leads.get(case.id or 0)))
                s.add(AccessLog(case_id=case.id or 0, at=now, actor=actor.name, action="list"))
            return Page(items, (rows[-1].id if more and rows else None))

    def update_data(
        self,
        actor: Actor,
        case_id: int,
        patch: Mapping[str, Any],
        expected_version: int | None,
        note: str = "",
    ) -> dict[str, Any]:
        _require_version(expected_version)
        if not isinstance(patch, Mapping) or not patch:
            raise InvalidInput('Send the values to change in data, e.g. {"data": {...}}.')
        patch, has_lead, lead_value = split_lead(patch)
        now = self.now()
        with unit_of_work(self.db) as s:
            case = access.require_visible(actor, s.get(Case, case_id), case_id)
            access.require_role(actor, access.EDIT_DATA, "change a case's data")
            _require_current(case, expected_version)
            d = self._definition_of(s, case)
            if case.state in d.final_states:
                raise InvalidInput(
                    f"The case is closed ({d.label_of(case.state)}); its data can no longer change."
                )
            lead_events = self._lead_from_data(s, case, actor, has_lead, lead_value, now)
            deadlines = current_deadlines(s, case_id)
            kept = records.plain_records(Unit(s), case_id)
            if patch or not has_lead:
                outcome = engine.change_data(
                    d, snapshot(case, deadlines, kept), actor, patch, now, self.calendar, note
                )
            else:
                outcome = engine.change_records(
                    d, snapshot(case, deadlines, kept), actor, (), now, self.calendar
                )
            outcome = replace(outcome, events=(*lead_events, *outcome.events))
            self._sync_lead(s, case, lead_events)
            flag_modified(case, "updated_at")
            apply_outcome(s, case, outcome, actor, now, self.calendar, expected_version, deadlines)
            return self._view(s, case, d, actor, now, kept)

    def transition(
        self,
        actor: Actor,
        case_id: int,
        trigger: str,
        expected_version: int | None,
        note: str = "",
        data: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        _require_version(expected_version)
        if not isinstance(trigger, str) or not trigger:
            raise InvalidInput('Name the step to take in trigger, e.g. {"trigger": "notify"}.')
        if data is not None and not isinstance(data, Mapping):
            raise InvalidInput('data must be an object of named values, e.g. {"data": {...}}.')
        patch, has_lead, lead_value = split_lead(data)
        now = self.now()
        with unit_of_work(self.db) as s:
            case = access.require_visible(actor, s.get(Case, case_id), case_id)
            _require_current(case, expected_version)
            d = self._definition_of(s, case)
            step = d.find(trigger, case.state)
            # A lead named with the step (e.g. appoint_lead) is recorded first, so the step's
            # guards see it; a step the actor may not take is refused by the engine below.
            has_lead = has_lead and step is not None and actor.role in step.roles
            lead_events = self._lead_from_data(s, case, actor, has_lead, lead_value, now)
            deadlines = current_deadlines(s, case_id)
            kept = records.plain_records(Unit(s), case_id)
            old_state = case.state
            outcome = engine.fire(
                d,
                snapshot(case, deadlines, kept),
                actor,
                trigger,
                patch,
                note or "",
                now,
                self.calendar,
            )
            outcome = replace(outcome, events=(*lead_events, *outcome.events))
            t = d.find(trigger, old_state)
            if t is not None:
                outcome = conversions.open_linked(s, case, t, outcome, actor, now, self.calendar)
            self._sync_lead(s, case, lead_events)
            apply_outcome(s, case, outcome, actor, now, self.calendar, expected_version, deadlines)
            log.info("case %s: %s -> %s by %s", case.reference, trigger, outcome.state, actor.name)
            return self._view(s, case, d, actor, now, kept)

    def events(self, actor: Actor, case_id: int) -> list[dict[str, Any]]:
        now = self.now()
        with unit_of_work(self.db) as s:
            access.require_visible(actor, s.get(Case, case_id), case_id)
            s.add(AccessLog(case_id=case_id, at=now, actor=actor.name, action="events"))
            rows = s.exec(select(Event).where(Event.case_id == case_id).order_by(col(Event.seq)))
            return [event_view(e) for e in rows]

    def count_cases(self) -> int:
        with Session(self.db) as s:
            return int(s.exec(select(func.count()).select_from(Case)).one())

    # -- helpers --------------------------------------------------------------------------------

    def _definition_of(self, s: Session, case: Case) -> Definition:
        return self.definitions.of_version(Unit(s), case.definition_id)

    def _lead_from_data(
        self,
        s: Session,
        case: Case,
        actor: Actor,
        has_lead: bool,
        value: Any,
        now: datetime,
    ) -> list[NewEvent]:
        if not has_lead:
            return []
        today = self.calendar.local_date(now)
        events = records.appoint_from_data(Unit(s), case, actor, value, now, today)
        s.flush()
        return events

    def _sync_lead(self, s: Session, case: Case, lead_events: Sequence[NewEvent]) -> None:
        """After the appointment changed, the case's lead (for access) follows it. Called just
        before the case is written: a query after it would flush the case too early."""
        if lead_events:
            appointments = records.plain_records(Unit(s), case.id or 0)["lead_appointments"]
            records.sync_lead(case, appointments)

    def _leads_of(self, s: Session, case_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The lead in force of each case, as the contract's ``data.lead_reviewer``."""
        out: dict[int, dict[str, Any]] = {}
        if not case_ids:
            return out
        rows = s.exec(
            select(LeadAppointment)
            .where(
                col(LeadAppointment.case_id).in_(case_ids),
                col(LeadAppointment.ended_on).is_(None),
            )
            .order_by(col(LeadAppointment.appointed_on), col(LeadAppointment.id))
        )
        for row in rows:
            out[row.case_id] = {"name": row.name, "organisations": list(row.organisations)}
        return out

    def _deadlines_of(self, s: Session, case_ids: Sequence[int]) -> dict[int, list[Deadline]]:
        out: dict[int, list[Deadline]] = {}
        if not case_ids:
            return out
        rows = s.exec(
            select(Deadline)
            .where(col(Deadline.case_id).in_(case_ids), Deadline.name != STALL)
            .order_by(col(Deadline.id))
        )
        for row in rows:
            out.setdefault(row.case_id, []).append(row)
        return out

    def _view(
        self,
        s: Session,
        case: Case,
        d: Definition,
        actor: Actor,
        now: datetime,
        kept: dict[str, list[dict[str, Any]]] | None = None,
    ) -> dict[str, Any]:
        """The case as the contract shows it; ``kept``: its records, when already loaded in
        this unit of work and unchanged since."""
        s.flush()
        deadlines = self._deadlines_of(s, [case.id or 0]).get(case.id or 0, [])
        deadlines = records.visible_deadlines(Unit(s), actor, deadlines)
        if kept is None:
            kept = records.plain_records(Unit(s), case.id or 0)
        # engine.options reads the state, data and records, never the deadlines: don't load them.
        options = engine.options(d, snapshot(case, (), kept), actor, now, self.calendar)
        view = case_view(
            case, d, deadlines, options, records.lead_in_data(kept["lead_appointments"])
        )
        view["linked_cases"] = conversions.linked_cases(s, actor, case)
        return view


def _require_version(expected_version: int | None) -> None:
    if not isinstance(expected_version, int) or isinstance(expected_version, bool):
        raise InvalidInput(
            "Send expected_version, the version of the case you last read, so a change made by "
            "someone else in between is not overwritten."
        )


def _require_current(case: Case, expected_version: int | None) -> None:
    # Checked before the engine decides: a step decided on a state the caller never saw would
    # answer 422 (not available, blocked) where the truth is "reload: someone else changed it".
    if case.version != expected_version:
        raise VersionConflict.stale(case.version, expected_version)
