"""The review's records as use cases: list, add, change and remove each kind of record, the
themes vocabulary, and the action plan's progress.

A change to a record is a change to its case: one unit of work writes the record, asks the pure
engine to decide (the data rules must still hold with the records as they would be, e.g. the
lead reviewer's independence; record deadlines follow the records), bumps the case's version
(the caller sends the version it read: a stale one gets a conflict) and appends an audit event
naming the record and the fields changed — never their values, so no family or child detail
reaches the audit trail or the logs.

Agency users see and update only their own agency's contributions and actions, and only the
fields that are theirs to report (progress and evidence); they never see people, family or panel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from workflow.core import engine
from workflow.core.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    PermissionDenied,
    VersionConflict,
)
from workflow.core.events import EventKind, NewEvent
from workflow.core.guards.review import current_leads
from workflow.core.record_deadlines import ACTION, CONTRIBUTION, is_record_deadline, record_deadline
from workflow.core.roles import Actor, Role
from workflow.services import access
from workflow.services.record_kinds import (
    AGENCY,
    KINDS,
    READ_ROLES,
    RecordKind,
    clean,
    folded,
    kind_of,
    owns,
)
from workflow.services.views import record_view
from workflow.store.cases import (
    apply_outcome,
    current_deadlines,
    snapshot,
)
from workflow.store.models.admin import AdminEvent
from workflow.store.models.cases import AccessLog, Case
from workflow.store.models.records import (
    Action,
    Contribution,
    Document,
    Finding,
    FindingSource,
    FindingTheme,
    LeadAppointment,
    Theme,
)
from workflow.store.records import load_records
from workflow.store.unit import unit_of_work

if TYPE_CHECKING:
    from workflow.services.cases import Service

log = logging.getLogger(__name__)

Work = Callable[[Session, Case, datetime], tuple[dict[str, Any], list[NewEvent]]]


# -- reading --------------------------------------------------------------------------------


def _may_read(actor: Actor, kind: RecordKind) -> None:
    if actor.role in READ_ROLES:
        return
    if actor.role == AGENCY and kind.agency_field:
        return
    raise PermissionDenied(
        f"A {actor.role} may not see a case's {kind.key.replace('_', ' ')}; agency users see "
        "only their own agency's contributions and actions."
    )


def _visible_rows(actor: Actor, kind: RecordKind, rows: list[dict[str, Any]]) -> list[Any]:
    if actor.role == AGENCY and kind.agency_field:
        return [r for r in rows if owns(actor.agencies, r.get(kind.agency_field))]
    return rows


def list_records(service: Service, actor: Actor, case_id: int, kind_key: str) -> dict[str, Any]:
    """``{"items": [...], "case_version": n}``; the read is logged like any read of the case."""
    kind = kind_of(kind_key)
    now = service.now()
    with unit_of_work(service.db) as s:
        case = access.require_visible(actor, s.get(Case, case_id), case_id)
        _may_read(actor, kind)
        records = load_records(s, case_id, documents=kind.key == "contributions")
        items = _visible_rows(actor, kind, records[kind.key])
        s.add(AccessLog(case_id=case_id, at=now, actor=actor.name, action=f"read {kind.key}"))
        return {"items": items, "case_version": case.version}


def counts(service: Service, actor: Actor, case_id: int) -> dict[str, int]:
    """How many records of each kind the actor may see on the case (for the case page, whose
    read is logged already): only the kinds they may read."""
    with Session(service.db) as s:
        access.require_visible(actor, s.get(Case, case_id), case_id)
        kept = load_records(s, case_id)
    out = {}
    for kind in KINDS.values():
        if actor.role in READ_ROLES or (actor.role == AGENCY and kind.agency_field):
            out[kind.key] = len(_visible_rows(actor, kind, kept[kind.key]))
    return out


def actions_summary(service: Service, actor: Actor, case_id: int) -> dict[str, Any]:
    """The action plan's progress: counts by status, overdue, done with evidence of impact, and
    the same per owner agency (an agency user: their own agency's actions only)."""
    kind = kind_of("actions")
    now = service.now()
    today = service.calendar.local_date(now)
    with unit_of_work(service.db) as s:
        case = access.require_visible(actor, s.get(Case, case_id), case_id)
        _may_read(actor, kind)
        actions = _visible_rows(actor, kind, load_records(s, case_id)["actions"])
        s.add(AccessLog(case_id=case_id, at=now, actor=actor.name, action="read actions"))
        reference = case.reference

    def tally(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        overdue = [
            a for a in items if a["status"] != "done" and date.fromisoformat(a["due_date"]) < today
        ]
        done = [a for a in items if a["status"] == "done"]
        open_due = sorted(a["due_date"] for a in items if a["status"] != "done")
        return {
            "total": len(items),
            "open": sum(1 for a in items if a["status"] == "open"),
            "in_progress": sum(1 for a in items if a["status"] == "in_progress"),
            "done": len(done),
            "done_with_impact": sum(1 for a in done if str(a["impact_evidence"]).strip()),
            "overdue": len(overdue),
            "next_due": open_due[0] if open_due else None,
            "percent_done": round(100 * len(done) / len(items)) if items else None,
        }

    by_agency: dict[str, list[Mapping[str, Any]]] = {}
    for a in actions:
        by_agency.setdefault(a["owner_agency"], []).append(a)
    return {
        "case": reference,
        "as_of": today.isoformat(),
        **tally(actions),
        "by_agency": [
            {"agency": agency, **tally(items)} for agency, items in sorted(by_agency.items())
        ],
        "overdue_actions": [
            {k: a[k] for k in ("id", "number", "finding", "owner_agency", "due_date", "status")}
            for a in actions
            if a["status"] != "done" and date.fromisoformat(a["due_date"]) < today
        ],
    }


def visible_deadlines(s: Session, actor: Actor, deadlines: Sequence[Any]) -> list[Any]:
    """The deadlines an actor may see: an agency user sees no other agency's contribution or
    action deadline (the case's own time limits, they do)."""
    if actor.role != AGENCY:
        return list(deadlines)
    ids: dict[str, list[int]] = {CONTRIBUTION: [], ACTION: []}
    for d in deadlines:
        if is_record_deadline(d.name):
            kind, _, record_id = d.name.partition(":")
            ids[kind].append(int(record_id))
    owner: dict[str, str] = {}
    if ids[CONTRIBUTION]:
        for rid, agency in s.exec(
            select(Contribution.id, Contribution.agency).where(
                col(Contribution.id).in_(ids[CONTRIBUTION])
            )
        ):
            owner[record_deadline(CONTRIBUTION, rid)] = agency
    if ids[ACTION]:
        for rid, agency in s.exec(
            select(Action.id, Action.owner_agency).where(col(Action.id).in_(ids[ACTION]))
        ):
            owner[record_deadline(ACTION, rid)] = agency
    return [
        d
        for d in deadlines
        if not is_record_deadline(d.name) or owns(actor.agencies, owner.get(d.name))
    ]


# -- writing --------------------------------------------------------------------------------


def _require_version(expected_version: Any) -> int:
    if not isinstance(expected_version, int) or isinstance(expected_version, bool):
        raise InvalidInput(
            "Send expected_version, the version of the case you last read, so a change made by "
            "someone else in between is not overwritten."
        )
    return expected_version


def write(
    service: Service, actor: Actor, case_id: int, expected_version: Any, work: Work
) -> dict[str, Any]:
    """Run ``work`` (which writes records and returns the answer and its audit events) as a
    change to the case, in one transaction; answer with ``case_version`` added."""
    expected = _require_version(expected_version)
    now = service.now()
    with unit_of_work(service.db) as s:
        found = s.exec(select(Case).where(col(Case.id) == case_id).with_for_update()).first()
        case = access.require_visible(actor, found, case_id)
        if case.version != expected:
            raise VersionConflict.stale(case.version, expected)
        d = service._definition_of(s, case)
        if case.state in d.final_states:
            raise InvalidInput(
                f"The case is closed ({d.label_of(case.state)}); its records can no longer change."
            )
        answer, events = work(s, case, now)
        s.flush()
        apply_records_change(service, s, case, actor, events, now, expected)
        answer["case_version"] = case.version
        return answer


def apply_records_change(
    service: Service,
    s: Session,
    case: Case,
    actor: Actor,
    events: Sequence[NewEvent],
    now: datetime,
    expected_version: int | None = None,
) -> None:
    """The engine decides on the records as written (not yet committed) and the case is
    written through the store: version, audit events, deadlines."""
    d = service._definition_of(s, case)
    records = load_records(s, case.id or 0)
    deadlines = current_deadlines(s, case.id or 0)
    outcome = engine.change_records(
        d, snapshot(case, deadlines, records), actor, events, now, service.calendar
    )
    # Changed only now: any query after it would flush the case (and bump its version) early.
    sync_lead(case, records["lead_appointments"])
    flag_modified(case, "updated_at")  # the version goes up even within the same instant
    apply_outcome(s, case, outcome, actor, now, service.calendar, expected_version, deadlines)


def sync_lead(case: Case, appointments: Sequence[Mapping[str, Any]]) -> None:
    """The case's ``lead_name`` (who may see it as its lead reviewer) follows the lead in force."""
    leads = current_leads(appointments)
    case.lead_name = folded(leads[-1].get("name")) if leads else ""


def _event(
    kind_of_event: str, kind: RecordKind, row: Any, fields: Sequence[str], **extra: Any
) -> NewEvent:
    label = f"{kind.noun.capitalize()} {getattr(row, 'number', None) or row.id}"
    detail = {"record": kind.noun, "id": row.id, "label": label, "fields": sorted(fields)}
    return NewEvent(kind_of_event, detail=detail | extra)


def _record(s: Session, kind: RecordKind, case: Case, record_id: int, actor: Actor) -> Any:
    row = s.get(kind.model, record_id)
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


def _may_edit(actor: Actor, kind: RecordKind, fields: Mapping[str, Any] | None) -> None:
    """Editors may change everything; an agency user only their own record's reported fields
    (``fields`` None: adding or removing, which is never theirs)."""
    if actor.role in kind.edit_roles:
        return
    if actor.role == AGENCY and kind.agency_field and fields is not None:
        others = sorted(set(fields) - set(kind.agency_may_change))
        if others:
            raise PermissionDenied(
                f"An agency user may change only {', '.join(kind.agency_may_change)} of their "
                f"agency's {kind.noun}s, not {', '.join(others)}."
            )
        if kind.key == "contributions" and fields.get("status", "received") != "received":
            raise PermissionDenied(
                "An agency user may record their contribution as received, not requested or "
                "waived; ask the reviewer."
            )
        return
    doing = "change" if fields is not None else "add or remove"
    raise PermissionDenied(
        f"A {actor.role} may not {doing} a case's {kind.key.replace('_', ' ')}; ask someone "
        f"with the role {' or '.join(sorted(kind.edit_roles))}."
    )


def add_record(
    service: Service,
    actor: Actor,
    case_id: int,
    kind_key: str,
    body: Mapping[str, Any],
    expected_version: Any,
) -> dict[str, Any]:
    kind = kind_of(kind_key)
    _require_version(expected_version)
    _may_edit(actor, kind, None)
    values = clean(kind, body, adding=True)

    def work(s: Session, case: Case, now: datetime) -> tuple[dict[str, Any], list[NewEvent]]:
        today = service.calendar.local_date(now)
        row = kind.model(case_id=case.id)
        events = _apply(s, kind, case, row, values, actor, today, now, adding=True)
        s.add(row)
        s.flush()
        events.insert(0, _event(EventKind.RECORD_ADDED, kind, row, list(values)))
        _after_write(s, kind, row, values)
        log.info("case %s: %s %s added by %s", case.reference, kind.noun, row.id, actor.name)
        return _answer(s, kind, case, row.id), events

    return write(service, actor, case_id, expected_version, work)


def change_record(
    service: Service,
    actor: Actor,
    case_id: int,
    kind_key: str,
    record_id: int,
    body: Mapping[str, Any],
    expected_version: Any,
) -> dict[str, Any]:
    kind = kind_of(kind_key)
    _require_version(expected_version)
    if actor.role not in kind.edit_roles and actor.role != AGENCY:
        _may_edit(actor, kind, {})
    values = clean(kind, body, adding=False)
    if not values:
        raise InvalidInput(f"Send at least one field of the {kind.noun} to change.")

    def work(s: Session, case: Case, now: datetime) -> tuple[dict[str, Any], list[NewEvent]]:
        row = _record(s, kind, case, record_id, actor)
        _may_edit(actor, kind, values)
        today = service.calendar.local_date(now)
        before = record_view(kind.key, row)
        events = _apply(s, kind, case, row, values, actor, today, now, adding=False)
        s.add(row)
        s.flush()
        _after_write(s, kind, row, values)
        after = record_view(kind.key, row)
        changed = [k for k in after if before.get(k) != after[k]]
        changed += [k for k in ("themes", "sources") if k in values]
        events.insert(0, _event(EventKind.RECORD_CHANGED, kind, row, changed))
        return _answer(s, kind, case, row.id), events

    return write(service, actor, case_id, expected_version, work)


def remove_record(
    service: Service,
    actor: Actor,
    case_id: int,
    kind_key: str,
    record_id: int,
    expected_version: Any,
) -> dict[str, Any]:
    kind = kind_of(kind_key)
    _may_edit(actor, kind, None)

    def work(s: Session, case: Case, now: datetime) -> tuple[dict[str, Any], list[NewEvent]]:
        row = _record(s, kind, case, record_id, actor)
        event = _event(EventKind.RECORD_REMOVED, kind, row, [])
        if kind.key == "findings":
            answered = s.exec(select(Action.id).where(Action.finding_id == row.id)).all()
            if answered:
                raise InvalidInput(
                    f"Finding {row.number} has {len(answered)} action(s): remove them or link "
                    "them to another finding first."
                )
            s.execute(delete(FindingTheme).where(col(FindingTheme.finding_id) == row.id))
            s.execute(delete(FindingSource).where(col(FindingSource.finding_id) == row.id))
        if kind.key == "contributions":
            s.execute(delete(FindingSource).where(col(FindingSource.contribution_id) == row.id))
            s.execute(delete(Document).where(col(Document.contribution_id) == row.id))
        s.delete(row)
        log.info("case %s: %s %s removed by %s", case.reference, kind.noun, record_id, actor.name)
        return {"removed": record_id}, [event]

    return write(service, actor, case_id, expected_version, work)


def _answer(s: Session, kind: RecordKind, case: Case, record_id: Any) -> dict[str, Any]:
    records = load_records(s, case.id or 0, documents=kind.key == "contributions")
    return next(dict(r) for r in records[kind.key] if r["id"] == record_id)


def _future(problems: list[str], row: Any, names: Sequence[str], today: date) -> None:
    for name in names:
        day = getattr(row, name)
        if isinstance(day, date) and day > today:
            problems.append(
                f"{name}: {day.isoformat()} is in the future; record the date it actually "
                f"happened (today is {today.isoformat()})"
            )


def _apply(
    s: Session,
    kind: RecordKind,
    case: Case,
    row: Any,
    values: dict[str, Any],
    actor: Actor,
    today: date,
    now: datetime,
    *,
    adding: bool,
) -> list[NewEvent]:
    """Set the checked values on the row, with the rules of each kind; returns further audit
    events (a lead appointment ends the one before)."""
    problems: list[str] = []
    events: list[NewEvent] = []
    plain = {k: v for k, v in values.items() if k not in ("themes", "sources", "finding", "number")}
    for name, value in plain.items():
        setattr(row, name, value)
    key = kind.key
    if key == "lead_appointments":
        if adding:
            row.appointed_on = row.appointed_on or today
            row.created_at, row.created_by = now, actor.name
        _future(problems, row, ("appointed_on", "ended_on"), today)
        if row.ended_on and row.ended_on < row.appointed_on:
            problems.append("ended_on: cannot be before appointed_on")
        if adding and row.ended_on is None:
            events += _end_leads(s, case, row.appointed_on, f"Replaced by {row.name}")
    elif key in ("practitioners", "family_members"):
        _future(problems, row, ("invited_on",), today)
    elif key == "contributions":
        if adding:
            row.requested_on = row.requested_on or today
            row.status = row.status or "requested"
        if row.due_date < row.requested_on:
            problems.append("due_date: cannot be before requested_on")
        if row.status == "received":
            row.received_on = row.received_on or today
            row.received_by = row.received_by or actor.name
        else:
            row.received_on, row.received_by = None, ""
        if row.status == "waived" and not row.waived_reason.strip():
            problems.append("waived_reason: record why the contribution is waived")
        _future(problems, row, ("requested_on", "received_on"), today)
    elif key == "findings":
        if adding:
            row.created_at, row.created_by = now, actor.name
            row.why = row.why or ""
            row.kind = row.kind or ""
        number = values.get("number")
        if number is None and adding:
            top = s.exec(select(func.max(Finding.number)).where(Finding.case_id == case.id)).one()
            number = int(top or 0) + 1
        if number is not None:
            taken = s.exec(
                select(Finding.id).where(
                    Finding.case_id == case.id, Finding.number == number, col(Finding.id) != row.id
                )
            ).first()
            if taken is not None:
                problems.append(f"number: finding {number} exists already")
            row.number = number
        problems += _check_themes(s, values.get("themes"))
        problems += _check_sources(s, case, values.get("sources"))
    elif key == "actions":
        if "finding" in values:
            finding = s.exec(
                select(Finding).where(
                    Finding.case_id == case.id, Finding.number == values["finding"]
                )
            ).first()
            if finding is None:
                problems.append(f"finding: there is no finding {values['finding']} on this case")
            else:
                row.finding_id = finding.id
        if adding:
            row.status = row.status or "open"
        if row.status == "done":
            row.completed_on = row.completed_on or today
        else:
            row.completed_on = None
        _future(problems, row, ("completed_on",), today)
    if problems:
        raise InvalidInput(f"The {kind.noun} was not saved: fix each problem listed.", problems)
    return events


def _check_themes(s: Session, names: list[str] | None) -> list[str]:
    if not names:
        return []
    known = {folded(t.name): t for t in s.exec(select(Theme).where(Theme.active == True))}  # noqa: E712
    return [
        f"themes: '{n}' is not a theme in use; ask an administrator to add it"
        for n in names
        if folded(n) not in known
    ]


def _check_sources(s: Session, case: Case, ids: list[int] | None) -> list[str]:
    if not ids:
        return []
    found = set(
        s.exec(
            select(Contribution.id).where(
                Contribution.case_id == case.id, col(Contribution.id).in_(ids)
            )
        )
    )
    return [f"sources: there is no contribution {i} on this case" for i in ids if i not in found]


def _after_write(s: Session, kind: RecordKind, row: Any, values: Mapping[str, Any]) -> None:
    """The links of a finding: its themes and the contributions it draws on."""
    if kind.key != "findings":
        return
    if "themes" in values:
        s.execute(delete(FindingTheme).where(col(FindingTheme.finding_id) == row.id))
        wanted = {folded(n) for n in values["themes"]}
        for theme in s.exec(select(Theme).where(Theme.active == True)):  # noqa: E712
            if folded(theme.name) in wanted:
                s.add(FindingTheme(finding_id=row.id, theme_id=theme.id or 0))
    if "sources" in values:
        s.execute(delete(FindingSource).where(col(FindingSource.finding_id) == row.id))
        for contribution_id in values["sources"]:
            s.add(FindingSource(finding_id=row.id, contribution_id=contribution_id))
    s.flush()


def _end_leads(s: Session, case: Case, on: date, reason: str) -> list[NewEvent]:
    """End every appointment in force (a new lead replaces them)."""
    kind = kind_of("lead_appointments")
    events = []
    for old in s.exec(
        select(LeadAppointment).where(
            LeadAppointment.case_id == case.id, col(LeadAppointment.ended_on).is_(None)
        )
    ):
        old.ended_on = max(on, old.appointed_on)
        old.end_reason = reason
        s.add(old)
        events.append(_event(EventKind.RECORD_CHANGED, kind, old, ["ended_on", "end_reason"]))
    return events


# -- the lead reviewer named in data (the contract's data.lead_reviewer) --------------------


def lead_from_data(value: Any) -> tuple[str, list[str]] | None:
    """``data.lead_reviewer`` = ``{"name", "organisations"}`` as sent by a client, checked;
    None for null (end the appointment in force)."""
    if value is None:
        return None
    problems = []
    if not isinstance(value, Mapping):
        raise InvalidInput(
            'data.lead_reviewer must be {"name": ..., "organisations": [...]}, or null.'
        )
    unknown = sorted(set(value) - {"name", "organisations"})
    if unknown:
        problems.append(
            f"data.lead_reviewer.{unknown[0]}: not a field; send name and organisations"
        )
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("Record the lead reviewer's name (data.lead_reviewer.name).")
    orgs = value.get("organisations")
    if not isinstance(orgs, list) or not all(isinstance(o, str) for o in orgs):
        problems.append(
            "Record the lead reviewer's organisations (data.lead_reviewer.organisations), an "
            "empty list if none, so independence can be checked."
        )
    if problems:
        raise InvalidInput("The lead reviewer was not appointed.", problems)
    assert isinstance(name, str) and isinstance(orgs, list)
    return name.strip(), list(dict.fromkeys(o.strip() for o in orgs if o.strip()))


def appoint_from_data(
    s: Session, case: Case, actor: Actor, value: Any, now: datetime, today: date
) -> list[NewEvent]:
    """Record ``data.lead_reviewer`` as the lead appointment (the record is the one source of
    truth; the case's data shows it back). The same lead again changes nothing; null ends the
    appointment in force. Returns the audit events; the caller writes the case (and its
    ``lead_name``, with ``sync_lead``, just before)."""
    kind = kind_of("lead_appointments")
    _may_edit(actor, kind, None)
    lead = lead_from_data(value)
    in_force = list(
        s.exec(
            select(LeadAppointment).where(
                LeadAppointment.case_id == case.id, col(LeadAppointment.ended_on).is_(None)
            )
        )
    )
    if lead is None:
        return _end_leads(s, case, today, "Ended")
    name, organisations = lead
    if (
        len(in_force) == 1
        and in_force[0].name == name
        and list(in_force[0].organisations) == organisations
    ):
        return []
    events = _end_leads(s, case, today, f"Replaced by {name}")
    row = LeadAppointment(
        case_id=case.id or 0,
        name=name,
        organisations=organisations,
        appointed_on=today,
        created_at=now,
        created_by=actor.name,
    )
    s.add(row)
    s.flush()
    events.insert(
        0, _event(EventKind.RECORD_ADDED, kind, row, ["name", "organisations", "appointed_on"])
    )
    return events


def lead_in_data(appointments: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The lead in force as the contract's ``data.lead_reviewer``."""
    leads = current_leads(appointments)
    if not leads:
        return None
    return {"name": leads[-1]["name"], "organisations": list(leads[-1]["organisations"])}


# -- themes ---------------------------------------------------------------------------------


def list_themes(
    service: Service, actor: Actor, include_inactive: bool = False
) -> list[dict[str, Any]]:
    query = select(Theme).order_by(col(Theme.name))
    if not include_inactive:
        query = query.where(Theme.active == True)  # noqa: E712
    with Session(service.db) as s:
        return [record_view("themes", t) for t in s.exec(query)]


def _theme_values(body: Mapping[str, Any], adding: bool) -> dict[str, Any]:
    problems = []
    out: dict[str, Any] = {}
    for key in body:
        if key not in ("name", "description", "active"):
            problems.append(
                f"{key}: not a field of a theme; its fields are: name, description, active"
            )
    if "name" in body or adding:
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append("name: must not be empty")
        elif len(name.strip()) > 120:
            problems.append("name: must be at most 120 characters")
        else:
            out["name"] = name.strip()
    if "description" in body:
        if not isinstance(body["description"], str):
            problems.append("description: must be text")
        else:
            out["description"] = body["description"].strip()
    if "active" in body:
        if not isinstance(body["active"], bool):
            problems.append("active: must be true or false")
        else:
            out["active"] = body["active"]
    if problems:
        raise InvalidInput("The theme was not saved: fix each problem listed.", problems)
    return out


def save_theme(
    service: Service, actor: Actor, body: Mapping[str, Any], theme_id: int | None = None
) -> dict[str, Any]:
    """Add a theme (``theme_id`` None) or change one; administrators only, audited."""
    access.require_role(actor, {Role.ADMIN.value}, "maintain the themes vocabulary")
    values = _theme_values(body, adding=theme_id is None)
    now = service.now()
    with unit_of_work(service.db) as s:
        if theme_id is None:
            theme = Theme(**values)
        else:
            found = s.get(Theme, theme_id)
            if found is None:
                raise NotFound(f"There is no theme {theme_id}.")
            theme = found
            for k, v in values.items():
                setattr(theme, k, v)
        if "name" in values:
            clash = s.exec(
                select(Theme).where(
                    func.lower(Theme.name) == values["name"].lower(),
                    col(Theme.id) != (theme.id or 0),
                )
            ).first()
            if clash is not None:
                raise AlreadyExists(f"There is a theme named '{clash.name}' already.")
        s.add(theme)
        s.flush()
        s.add(
            AdminEvent(
                at=now,
                actor=actor.name,
                action="theme_added" if theme_id is None else "theme_changed",
                key="themes",
                detail={"theme": theme.id, "fields": sorted(values)},
            )
        )
        return record_view("themes", theme)


__all__ = [
    "actions_summary",
    "add_record",
    "appoint_from_data",
    "change_record",
    "lead_in_data",
    "list_records",
    "list_themes",
    "remove_record",
    "save_theme",
    "write",
]
