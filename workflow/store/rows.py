"""The rows one decision writes, by SQLAlchemy Core: the case row under its version check (and
the number of its last audit event with it), the audit events and the new deadlines in one
executemany each, and the changed deadlines by id, one executemany per set of changed columns.

The ORM's unit of work costs more than these statements (its flush plans, compares and
refreshes each object); the objects already loaded in the session are kept in step with what
was written by ``set_committed_value``, so the session never writes them a second time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, Table, Update, bindparam, insert, inspect, update
from sqlalchemy.orm import instrumentation
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from workflow.core.errors import VersionConflict
from workflow.core.events import NewEvent
from workflow.core.roles import Actor
from workflow.store import wakeups
from workflow.store.models.cases import Case, Event
from workflow.store.models.time import Deadline

CASES: Table = Case.__table__  # type: ignore[attr-defined]
EVENTS: Table = Event.__table__  # type: ignore[attr-defined]
DEADLINES: Table = Deadline.__table__  # type: ignore[attr-defined]


#: The columns of the case row a decision writes (besides its version and ``last_seq``).
CASE_COLUMNS = (
    "state",
    "data",
    "milestones",
    "agencies",
    "lead_name",
    "updated_at",
    "definition_id",  # a migration to another version of the review type moves these two
    "definition_version",
)
# Built once: building a statement costs more than running it from SQLAlchemy's cache.
_UPDATE_CASE = (
    update(CASES)
    .where(CASES.c.id == bindparam("b_id"), CASES.c.version == bindparam("b_version"))
    .values(
        {
            **{c: bindparam(f"v_{c}", type_=CASES.c[c].type) for c in CASE_COLUMNS},
            "version": CASES.c.version + 1,
            "last_seq": CASES.c.last_seq + bindparam("b_events", type_=Integer()),
        }
    )
    .returning(CASES.c.last_seq)
)
#: The same, when the audit trail is still where it was read (``last_seq``, ``last_hash``): the
#: new events were numbered and linked before the write, and the chain's new head is written
#: with the row, so nothing is read to append them.
_UPDATE_CASE_AT = (
    update(CASES)
    .where(
        CASES.c.id == bindparam("b_id"),
        CASES.c.version == bindparam("b_version"),
        CASES.c.last_seq == bindparam("b_seq"),
    )
    .values(
        {
            **{c: bindparam(f"v_{c}", type_=CASES.c[c].type) for c in CASE_COLUMNS},
            "version": CASES.c.version + 1,
            "last_seq": bindparam("v_last_seq", type_=Integer()),
            "last_hash": bindparam("v_last_hash", type_=CASES.c.last_hash.type),
        }
    )
)
_SET_HEAD = (
    update(CASES)
    .where(CASES.c.id == bindparam("b_id"))
    .values(last_hash=bindparam("v_last_hash", type_=CASES.c.last_hash.type))
)


def _stage(session: Session, case: Case, values: Mapping[str, Any]) -> dict[str, Any]:
    """Put ``values`` on the object as written (the statement below writes them, not the ORM),
    flush anything else pending; the parameters of the row's columns."""
    for key, value in values.items():
        set_committed_value(case, key, value)
    # Columns the caller set on the object itself (a migration's definition) are written by the
    # one UPDATE too: were the ORM to flush them, the version would rise twice.
    changed = inspect(case).attrs
    for key in CASE_COLUMNS:
        if changed[key].history.has_changes():
            set_committed_value(case, key, getattr(case, key))
    # Anything else pending (a record added in this unit, say) goes first, and then the
    # version is the one to check.
    session.flush()
    return {f"v_{c}": getattr(case, c) for c in CASE_COLUMNS}


def update_case_at(
    session: Session, case: Case, values: Mapping[str, Any], new: Sequence[Mapping[str, Any]]
) -> bool:
    """Write ``values`` to the case row with the events ``new`` (numbered from its
    ``last_seq`` and linked from its ``last_hash`` as read) if the row is still at the version
    and the audit trail where they were read: raise its version, move ``last_seq`` and
    ``last_hash`` to the last of ``new``. False (nothing written) when it is not."""
    assert case.id is not None
    params = _stage(session, case, values)
    last_seq = case.last_seq + len(new)
    last_hash = str(new[-1]["hash"]) if new else case.last_hash
    params |= {"b_id": case.id, "b_version": case.version, "b_seq": case.last_seq}
    params |= {"v_last_seq": last_seq, "v_last_hash": last_hash}
    if session.execute(_UPDATE_CASE_AT, params).rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(case, "version", case.version + 1)
    set_committed_value(case, "last_seq", last_seq)
    set_committed_value(case, "last_hash", last_hash)
    return True


def set_head(session: Session, case: Case, last_hash: str) -> None:
    """Write the hash of the case's last audit event (after appending by the other paths)."""
    session.execute(_SET_HEAD, {"b_id": case.id, "v_last_hash": last_hash})
    set_committed_value(case, "last_hash", last_hash)


def update_case(session: Session, case: Case, values: Mapping[str, Any], events: int) -> int:
    """Write ``values`` (``CASE_COLUMNS``) to the case row if it is still at the version it was
    read at, raise its version and reserve ``events`` sequence numbers; returns the first."""
    assert case.id is not None
    params = _stage(session, case, values)
    params |= {"b_id": case.id, "b_version": case.version, "b_events": events}
    top = session.execute(_UPDATE_CASE, params).scalar()
    if top is None:
        raise VersionConflict(
            "Someone else changed this case at the same moment; reload it and try again."
        )
    set_committed_value(case, "version", case.version + 1)
    set_committed_value(case, "last_seq", int(top))
    return int(top) - events + 1


def reserve_seqs(session: Session, case: Case, events: int) -> tuple[int, str]:
    """Reserve ``events`` sequence numbers of the case's audit trail without changing its
    version (an event that is not a change of the case); returns the first, and the hash of
    the event before it as the row holds it ('' when the row does not know it)."""
    assert case.id is not None
    query = (
        update(CASES)
        .where(CASES.c.id == case.id)
        .values(last_seq=CASES.c.last_seq + events)
        .returning(CASES.c.last_seq, CASES.c.last_hash)
    )
    top, head = session.execute(query).one()
    set_committed_value(case, "last_seq", int(top))
    return int(top) - events + 1, str(head or "")


def event_rows(
    case_id: int, actor: Actor, events: Sequence[NewEvent], now: datetime, first_seq: int
) -> list[dict[str, Any]]:
    """The audit trail's new rows, numbered from ``first_seq``."""
    return [
        {
            "case_id": case_id,
            "seq": first_seq + i,
            "at": now,
            "actor": actor.name,
            "actor_role": actor.role,
            "kind": e.kind,
            "trigger": e.trigger,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "note": e.note,
            "detail": dict(e.detail),
        }
        for i, e in enumerate(events)
    ]


def insert_events(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append the rows to the audit trail in one statement."""
    if rows:
        session.execute(_INSERT_EVENTS, list(rows))


_DEADLINE_COLUMNS = [c.name for c in DEADLINES.columns if c.name != "id"]
_INSERT_DEADLINES = insert(DEADLINES).returning(DEADLINES.c.id, DEADLINES.c.name)
_INSERT_EVENTS = insert(EVENTS)


def insert_deadlines(session: Session, new: Sequence[Deadline]) -> None:
    """Insert new deadline objects (not in the session) in one statement; they get their ids."""
    if not new:
        return
    values = [{n: getattr(d, n) for n in _DEADLINE_COLUMNS} for d in new]
    # Matched by name (in order, should one outcome open two of a name), not by position: the
    # rows of an INSERT … RETURNING are not promised in the order of its parameters.
    ids: dict[str, list[int]] = {}
    for row_id, name in sorted(session.execute(_INSERT_DEADLINES, values).all()):
        ids.setdefault(name, []).append(row_id)
    for d in new:
        d.id = ids[d.name].pop(0)
    wakeups.note_due(session, (d.due_at for d in new))


_NEW_DEADLINE = instrumentation.manager_of_class(Deadline)
#: The columns a new deadline takes from its model when not given: (name, default, factory).
_DEADLINE_DEFAULTS = [
    (name, f.default, f.default_factory)
    for name, f in Deadline.model_fields.items()
    if not f.is_required()
]


def new_deadline(**values: Any) -> Deadline:
    """A deadline to insert (with ``insert_deadlines``), made as SQLAlchemy makes a row it
    loads: the model's defaults and ``values`` put straight into the object. The model's own
    constructor costs twenty times as much (SQLModel routes every field through its
    ``__setattr__``) and checks nothing more: a table model does not validate."""
    row: Deadline = _NEW_DEADLINE.new_instance()
    for name, default, factory in _DEADLINE_DEFAULTS:
        if name not in values:
            row.__dict__[name] = factory() if factory is not None else default  # type: ignore[call-arg]
    row.__dict__.update(values)
    return row


def set_deadline(row: Deadline, changed: dict[int, set[str]], **values: Any) -> None:
    """Change a loaded deadline in memory (written by ``update_deadlines``), noting what."""
    for key, value in values.items():
        set_committed_value(row, key, value)
    changed.setdefault(id(row), set()).update(values)


def update_deadlines(
    session: Session, rows: Iterable[Deadline], changed: Mapping[int, set[str]]
) -> None:
    """Write the changed deadlines by id in one executemany (of every column any of them
    changed: one statement, however the changes differ)."""
    touched = [row for row in rows if changed.get(id(row))]
    if not touched:
        return
    keys = tuple(sorted(set().union(*(changed[id(row)] for row in touched))))
    params = [{"b_id": row.id, **{f"v_{k}": getattr(row, k) for k in keys}} for row in touched]
    session.execute(_update_deadlines(keys), params)
    if "due_at" in keys:
        wakeups.note_due(session, (row.due_at for row in touched if row.status == "pending"))


@cache
def _update_deadlines(keys: tuple[str, ...]) -> Update:
    return (
        update(DEADLINES)
        .where(DEADLINES.c.id == bindparam("b_id"))
        .values({k: bindparam(f"v_{k}", type_=DEADLINES.c[k].type) for k in keys})
    )


__all__ = [
    "event_rows",
    "insert_deadlines",
    "insert_events",
    "new_deadline",
    "reserve_seqs",
    "set_deadline",
    "set_head",
    "update_case",
    "update_case_at",
    "update_deadlines",
]
