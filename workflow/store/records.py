"""The review's records as the store reads them: each kind of a case, in the order people read
them, with the themes and sources of findings and (when asked) the details of documents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from sqlmodel import Session, col, select

from workflow.core.guards.registry import Records
from workflow.services.views import record_view
from workflow.store.models.records import (
    Action,
    Contribution,
    Document,
    FamilyMember,
    Finding,
    FindingSource,
    FindingTheme,
    LeadAppointment,
    PanelMember,
    Practitioner,
    Theme,
)

#: The kinds of record a case holds, as they are named in ``CaseSnapshot.records``.
RECORD_KINDS = (
    "lead_appointments",
    "panel_members",
    "practitioners",
    "family_members",
    "contributions",
    "findings",
    "actions",
)


def load_records(
    session: Session, case_id: int, *, documents: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """The case's records, each kind a list of plain dicts in the order people read them
    (findings and actions by number). ``documents``: list each contribution's documents (their
    details, never their content)."""

    def rows(model: Any, *order: Any) -> list[Any]:
        query = select(model).where(model.case_id == case_id).order_by(*order, col(model.id))
        return list(session.exec(query))

    appointments = rows(LeadAppointment, col(LeadAppointment.appointed_on))
    contributions = rows(Contribution, col(Contribution.requested_on))
    findings = rows(Finding, col(Finding.number))
    actions = rows(Action)
    finding_ids = [f.id for f in findings]
    themes: dict[int, list[str]] = {}
    sources: dict[int, list[int]] = {}
    if finding_ids:
        for finding_id, name in session.exec(
            select(FindingTheme.finding_id, Theme.name)
            .join(Theme, col(Theme.id) == col(FindingTheme.theme_id))
            .where(col(FindingTheme.finding_id).in_(finding_ids))
            .order_by(col(Theme.name))
        ):
            themes.setdefault(finding_id, []).append(name)
        for finding_id, contribution_id in session.exec(
            select(FindingSource.finding_id, FindingSource.contribution_id)
            .where(col(FindingSource.finding_id).in_(finding_ids))
            .order_by(col(FindingSource.contribution_id))
        ):
            sources.setdefault(finding_id, []).append(contribution_id)
    sent: dict[int, list[dict[str, Any]]] = {}
    if documents and contributions:
        details = [c for c in Document.__table__.columns if c.name != "content"]  # type: ignore[attr-defined]
        for row in session.execute(
            select(*details).where(col(Document.case_id) == case_id).order_by(col(Document.id))
        ).mappings():
            sent.setdefault(row["contribution_id"], []).append(record_view("documents", row))
    number_of = {f.id: f.number for f in findings}
    return {
        "lead_appointments": [record_view("lead_appointments", r) for r in appointments],
        "panel_members": [record_view("panel_members", r) for r in rows(PanelMember)],
        "practitioners": [
            record_view("practitioners", r, number=i)
            for i, r in enumerate(rows(Practitioner), start=1)
        ],
        "family_members": [
            record_view("family_members", r, number=i)
            for i, r in enumerate(rows(FamilyMember), start=1)
        ],
        "contributions": [
            record_view(
                "contributions", r, **({"documents": sent.get(r.id or 0, [])} if documents else {})
            )
            for r in contributions
        ],
        "findings": [
            record_view(
                "findings", r, themes=themes.get(r.id or 0, []), sources=sources.get(r.id or 0, [])
            )
            for r in findings
        ],
        "actions": [
            record_view("actions", r, number=i, finding=number_of.get(r.finding_id))
            for i, r in enumerate(actions, start=1)
        ],
    }


def freeze(records: Mapping[str, Sequence[Mapping[str, Any]]]) -> Records:
    """Read-only records for the engine: mappings of tuples of mappings (lists become tuples)."""

    def value(v: Any) -> Any:
        return tuple(value(x) for x in v) if isinstance(v, list | tuple) else v

    return MappingProxyType(
        {
            kind: tuple(MappingProxyType({k: value(v) for k, v in r.items()}) for r in items)
            for kind, items in records.items()
        }
    )
