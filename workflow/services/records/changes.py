"""Adding, changing and removing a record, each a change to its case.

One unit of work writes the record, asks the pure engine to decide (the data rules must still
hold with the records as they would be, e.g. the lead reviewer's independence; record deadlines
follow the records), bumps the case's version (the caller sends the version it read: a stale one
gets a conflict) and appends an audit event naming the record and the fields changed — never
their values, so no family or child detail reaches the audit trail or the logs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from workflow.core import engine
from workflow.core.errors import InvalidInput, NotFound, PermissionDenied, VersionConflict
from workflow.core.events import EventKind, NewEvent
from workflow.core.record_kinds import AGENCY, RecordKey, RecordKind, kind_of, owns
from workflow.core.roles import Actor, a_role
from workflow.services import access
from workflow.services.records.commands import AddRecord, ChangeRecord, RemoveRecord
from workflow.services.records.leads import sync_lead
from workflow.services.records.rules import apply_rules, link_finding
from workflow.services.records.schemas import Removed, SavedRecord, record_saved
from workflow.services.records.shaping import case_records, columns, frozen
from workflow.store.cases import snapshot
from workflow.store.models.cases import Case
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

log = logging.getLogger(__name__)

A = TypeVar("A")
#: What the work of a change gives: the answer (made once the case's new version is known) and
#: the audit events.
Done = tuple[Callable[[int], A], list[NewEvent]]
#: The work of a change: writes records in the unit.
Work = Callable[[Unit, Case, datetime], Done[A]]


def write(service: Service, actor: Actor, case_id: int, expected_version: int, work: Work[A]) -> A:
    """Run ``work`` as a change to the case, in one transaction; answer with the case's new
    version."""
    now = service.now()
    with service.store.write() as u:
        case = access.require_visible(actor, u.records.case_for_change(case_id), case_id)
        if case.version != expected_version:
            raise VersionConflict.stale(case.version, expected_version)
        d = service.definitions.of_version(u, case.definition_id)
        if case.state in d.final_states:
            raise InvalidInput(
                f"The case is closed ({d.label_of(case.state)}); its records can no longer change."
            )
        answer, events = work(u, case, now)
        u.flush()
        apply_records_change(service, u, case, actor, events, now, expected_version)
        return answer(case.version)


def apply_records_change(
    service: Service,
    u: Unit,
    case: Case,
    actor: Actor,
    events: Sequence[NewEvent],
    now: datetime,
    expected_version: int | None = None,
) -> None:
    """The engine decides on the records as written (not yet committed) and the case is
    written through the store: version, audit events, deadlines."""
    d = service.definitions.of_version(u, case.definition_id)
    records = case_records(u, case.id or 0)
    deadlines = u.records.current_deadlines(case.id or 0)
    outcome = engine.change_records(
        d, snapshot(case, deadlines, frozen(records)), actor, events, now, service.calendar
    )
    # Changed only now: any query after it would flush the case (and bump its version) early.
    sync_lead(case, records[RecordKey.LEAD_APPOINTMENTS])
    u.records.write_case(case, outcome, actor, now, service.calendar, expected_version, deadlines)


def record_event(
    kind_of_event: str, kind: RecordKind, row: Any, fields: Sequence[str], **extra: Any
) -> NewEvent:
    label = f"{kind.noun.capitalize()} {getattr(row, 'number', None) or row.id}"
    detail = {"record": kind.noun, "id": row.id, "label": label, "fields": sorted(fields)}
    return NewEvent(kind_of_event, detail=detail | extra)


def _record(u: Unit, kind: RecordKind, case: Case, record_id: int, actor: Actor) -> Any:
    row = u.records.get(kind.key, record_id)
    if (
        row is None
        or row.case_id != case.id
        or (
            actor.role == AGENCY
            and not (kind.agency_field and owns(actor.agencies, getattr(row, kind.agency_field)))
        )
    ):
        raise NotFound(f"There is no {kind.noun} {record_id} on case {case.id} that you can see.")
    return row


def _agency_may(kind: RecordKind, fields: Mapping[str, Any]) -> None:
    others = sorted(set(fields) - set(kind.agency_may_change))
    if others:
        raise PermissionDenied(
            f"An agency user may change only {', '.join(kind.agency_may_change)} of their "
            f"agency's {kind.noun}s, not {', '.join(others)}."
        )
    if kind.key == RecordKey.CONTRIBUTIONS and fields.get("status", "received") != "received":
        raise PermissionDenied(
            "An agency user may record their contribution as received, not requested or "
            "waived; ask the reviewer."
        )


def may_edit(actor: Actor, kind: RecordKind, fields: Mapping[str, Any] | None) -> None:
    """Editors may change everything; an agency user only their own record's reported fields
    (``fields`` None: adding or removing, which is never theirs)."""
    if actor.role in kind.edit_roles:
        return
    if actor.role == AGENCY and kind.agency_field and fields is not None:
        _agency_may(kind, fields)
        return
    doing = "change" if fields is not None else "add or remove"
    raise PermissionDenied(
        f"{a_role(actor.role).capitalize()} may not "
        f"{doing} a case's {kind.plural}; ask someone with the role "
        f"{' or '.join(sorted(kind.edit_roles))}."
    )


def _answer(u: Unit, kind: RecordKind, case: Case, record_id: Any) -> Callable[[int], SavedRecord]:
    documents = kind.key == RecordKey.CONTRIBUTIONS
    shown = case_records(u, case.id or 0, documents=documents)[kind.key]
    found = next(r for r in shown if r["id"] == record_id)
    return lambda version: record_saved(kind.key, found, version)


def add_record(service: Service, actor: Actor, command: AddRecord) -> SavedRecord:
    kind = kind_of(command.kind)
    may_edit(actor, kind, None)
    values = command.fields.values()

    def work(u: Unit, case: Case, now: datetime) -> Done[SavedRecord]:
        today = service.calendar.local_date(now)
        row = u.records.new(kind.key, case.id or 0)
        events = apply_rules(u, kind, case, row, values, actor, today, now, adding=True)
        u.records.save(row)
        events.insert(0, record_event(EventKind.RECORD_ADDED, kind, row, list(values)))
        link_finding(u, kind, row, values)
        log.info("case %s: %s %s added by %s", case.reference, kind.noun, row.id, actor.name)
        return _answer(u, kind, case, row.id), events

    return write(service, actor, command.case_id, command.expected_version, work)


def change_record(service: Service, actor: Actor, command: ChangeRecord) -> SavedRecord:
    kind = kind_of(command.kind)
    if actor.role not in kind.edit_roles and actor.role != AGENCY:
        may_edit(actor, kind, {})
    values = command.fields.values()
    if not values:
        raise InvalidInput(f"Send at least one field of the {kind.noun} to change.")

    def work(u: Unit, case: Case, now: datetime) -> Done[SavedRecord]:
        row = _record(u, kind, case, command.record_id, actor)
        may_edit(actor, kind, values)
        today = service.calendar.local_date(now)
        before = columns(kind.key, row)
        events = apply_rules(u, kind, case, row, values, actor, today, now, adding=False)
        u.records.save(row)
        link_finding(u, kind, row, values)
        after = columns(kind.key, row)
        changed = [k for k in after if before.get(k) != after[k]]
        changed += [k for k in ("themes", "sources") if k in values]
        events.insert(0, record_event(EventKind.RECORD_CHANGED, kind, row, changed))
        return _answer(u, kind, case, row.id), events

    return write(service, actor, command.case_id, command.expected_version, work)


def remove_record(service: Service, actor: Actor, command: RemoveRecord) -> Removed:
    kind = kind_of(command.kind)
    may_edit(actor, kind, None)
    record_id = command.record_id

    def work(u: Unit, case: Case, now: datetime) -> Done[Removed]:
        row = _record(u, kind, case, record_id, actor)
        event = record_event(EventKind.RECORD_REMOVED, kind, row, [])
        if kind.key == RecordKey.FINDINGS:
            answered = u.records.actions_of(row.id)
            if answered:
                raise InvalidInput(
                    f"Finding {row.number} has {len(answered)} action(s): remove them or link "
                    "them to another finding first."
                )
        u.records.remove(kind.key, row)
        log.info("case %s: %s %s removed by %s", case.reference, kind.noun, record_id, actor.name)
        return lambda version: Removed(removed=record_id, case_version=version), [event]

    return write(service, actor, command.case_id, command.expected_version, work)


__all__ = [
    "Done",
    "add_record",
    "apply_records_change",
    "change_record",
    "may_edit",
    "record_event",
    "remove_record",
    "write",
]
