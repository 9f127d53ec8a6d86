"""Who sees which records: a case's records of one kind (the read is logged like any read of the
case), how many of each kind the case page shows, and which record deadlines an agency user may
see. Agency users see only their own agency's contributions and actions, and never people,
family or panel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from workflow.core.errors import PermissionDenied
from workflow.core.record_deadlines import is_record_deadline
from workflow.core.record_kinds import AGENCY, KINDS, RecordKey, RecordKind, kind_of, may_read, owns
from workflow.core.roles import Actor, a_role
from workflow.services import access
from workflow.services.records.schemas import RecordList, record_list
from workflow.services.records.shaping import View, case_records
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)


def require_reader(actor: Actor, kind: RecordKind) -> None:
    if not may_read(actor.role, kind):
        raise PermissionDenied(
            f"{a_role(actor.role).capitalize()} may not "
            f"see a case's {kind.plural}; agency users see only their "
            "own agency's contributions and actions."
        )


def visible(actor: Actor, kind: RecordKind, rows: Sequence[Mapping[str, Any]]) -> list[View]:
    """The records of ``rows`` the actor may see (an agency user: their own agency's)."""
    if actor.role == AGENCY and kind.agency_field:
        return [dict(r) for r in rows if owns(actor.agencies, r.get(kind.agency_field))]
    return [dict(r) for r in rows]


def list_records(service: Service, actor: Actor, case_id: int, kind_key: str) -> RecordList:
    """The case's records of one kind the actor may see, and the case's version."""
    kind = kind_of(kind_key)
    now = service.now()
    with service.store.write() as u:
        case = access.require_visible(actor, u.records.case(case_id), case_id)
        require_reader(actor, kind)
        found = case_records(u, case_id, documents=kind.key == RecordKey.CONTRIBUTIONS)
        items = visible(actor, kind, found[kind.key])
        u.records.log_read(case_id, now, actor.name, f"read {kind.key}")
        return record_list(kind.key, items, case.version)


def counts(service: Service, actor: Actor, case_id: int) -> dict[str, int]:
    """How many records of each kind the actor may see on the case (for the case page, whose
    read is logged already): only the kinds they may read."""
    with service.store.read() as u:
        access.require_visible(actor, u.records.case(case_id), case_id)
        kept = case_records(u, case_id)
    return {
        kind.key: len(visible(actor, kind, kept[kind.key]))
        for kind in KINDS.values()
        if may_read(actor.role, kind)
    }


def visible_deadlines(u: Unit, actor: Actor, deadlines: Sequence[T]) -> list[T]:
    """The deadlines an actor may see: an agency user sees no other agency's contribution or
    action deadline (the case's own time limits, they do)."""
    if actor.role != AGENCY:
        return list(deadlines)
    names = [d.name for d in deadlines]
    owner = u.records.owners(n for n in names if is_record_deadline(n))
    return [
        d
        for d, name in zip(deadlines, names, strict=True)
        if not is_record_deadline(name) or owns(actor.agencies, owner.get(name))
    ]


__all__ = ["counts", "list_records", "require_reader", "visible", "visible_deadlines"]
