"""The store's rows of a case's records shaped for their readers: as the kinds show them (with
their number on the case, the themes and sources of findings, the finding an action answers),
as plain values for the guards (dates as ISO text, read-only) and as typed answers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from workflow.core.engine import CaseSnapshot
from workflow.core.fields import FieldSpec
from workflow.core.guards.registry import Records
from workflow.core.record_kinds import DOCUMENT_FIELDS, KINDS, THEME_FIELDS, RecordKey, freeze
from workflow.services.agencies.checking import guard_facts
from workflow.store.cases import snapshot
from workflow.store.models.cases import Case
from workflow.store.records import CaseRecords
from workflow.store.unit import Unit

View = dict[str, Any]
#: The fields of each thing shown, by name: the kinds of record, documents and themes.
SHOWN: Mapping[str, tuple[FieldSpec, ...]] = {
    **{key: kind.shown for key, kind in KINDS.items()},
    "documents": DOCUMENT_FIELDS,
    "themes": (FieldSpec("id"), *THEME_FIELDS),
}


def view(kind: str, row: Any, **extra: Any) -> View:
    """A record's shown fields (``extra``: those the row does not hold, e.g. its number)."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    out = {s.name: extra[s.name] if s.name in extra else get(s.name) for s in SHOWN[kind]}
    return out | {k: v for k, v in extra.items() if k not in out}


def columns(kind: str, row: Any) -> View:
    """The shown fields a record's row holds itself (not its number, themes…)."""
    return {s.name: getattr(row, s.name) for s in SHOWN[kind] if hasattr(row, s.name)}


def plain(value: Any) -> Any:
    """A value as JSON has it: dates as ISO text, lists and mappings of those."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value


def record_view(kind: str, row: Any, **extra: Any) -> View:
    """A record as plain values (as the guards and the notices read it)."""
    shown: View = plain(view(kind, row, **extra))
    return shown


def views(records: CaseRecords) -> dict[str, list[View]]:
    """Each kind's records as shown, in the order people read them."""
    rows = records.rows
    number_of = {f.id: f.number for f in rows[RecordKey.FINDINGS]}
    sent = records.documents

    def numbered(key: str) -> list[View]:
        return [view(key, r, number=i) for i, r in enumerate(rows[key], start=1)]

    def contribution(r: Any) -> View:
        if sent is None:
            return view(RecordKey.CONTRIBUTIONS, r)
        docs = [view("documents", asdict(d)) for d in sent.get(r.id or 0, [])]
        return view(RecordKey.CONTRIBUTIONS, r, documents=docs)

    return {
        RecordKey.LEAD_APPOINTMENTS: [
            view(RecordKey.LEAD_APPOINTMENTS, r, current=r.ended_on is None)
            for r in rows[RecordKey.LEAD_APPOINTMENTS]
        ],
        RecordKey.PANEL_MEMBERS: [view(RecordKey.PANEL_MEMBERS, r) for r in rows["panel_members"]],
        RecordKey.PRACTITIONERS: numbered(RecordKey.PRACTITIONERS),
        RecordKey.FAMILY_MEMBERS: numbered(RecordKey.FAMILY_MEMBERS),
        RecordKey.CONTRIBUTIONS: [contribution(r) for r in rows[RecordKey.CONTRIBUTIONS]],
        RecordKey.FINDINGS: [
            view(
                RecordKey.FINDINGS,
                r,
                themes=list(records.themes.get(r.id or 0, [])),
                sources=list(records.sources.get(r.id or 0, [])),
            )
            for r in rows[RecordKey.FINDINGS]
        ],
        RecordKey.ACTIONS: [
            view(RecordKey.ACTIONS, r, number=i, finding=number_of.get(r.finding_id))
            for i, r in enumerate(rows[RecordKey.ACTIONS], start=1)
        ],
    }


def case_records(
    u: Unit, case_id: int, *, documents: bool = False, kinds: Collection[str] | None = None
) -> dict[str, list[View]]:
    """The case's records of every kind (``kinds``: of those kinds only, the others left out),
    as shown (typed values: dates as dates); and, beside them, when the lead's records are read,
    the board's register of agencies and the case's independence confirmations, as the
    independence guards read them."""
    shown = views(u.records.of_case(case_id, documents=documents, kinds=kinds))
    if kinds is None:
        return shown | guard_facts(u, case_id)
    kept = {k: v for k, v in shown.items() if k in kinds}
    if RecordKey.LEAD_APPOINTMENTS in kinds:
        kept |= guard_facts(u, case_id)
    return kept


def plain_records(
    u: Unit, case_id: int, kinds: Collection[str] | None = None
) -> dict[str, list[View]]:
    """The case's records as plain values (dates as ISO text), as the guards read them;
    ``kinds``: only those kinds (the others are left out: not read)."""
    found = case_records(u, case_id, kinds=kinds)
    return {k: [plain(v) for v in items] for k, items in found.items()}


def guard_records(u: Unit, case_id: int) -> Records:
    """The case's records as the engine's guards see them: plain values, read-only."""
    return freeze(plain_records(u, case_id))


def snapshot_of(u: Unit, case: Case) -> CaseSnapshot:
    """The case as the engine sees it: its current deadlines, and its records as guards do."""
    deadlines = u.records.current_deadlines(case.id or 0)
    return snapshot(case, deadlines, guard_records(u, case.id or 0))


def frozen(records: Mapping[str, Sequence[View]]) -> Records:
    return freeze({k: [plain(v) for v in items] for k, items in records.items()})


__all__ = [
    "SHOWN",
    "case_records",
    "columns",
    "frozen",
    "guard_records",
    "plain",
    "plain_records",
    "record_view",
    "snapshot_of",
    "view",
    "views",
]
