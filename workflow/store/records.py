"""The review's records as the store keeps them: each kind's table, a case's records in the order
people read them (with the themes and sources of findings and, when asked, the details of
documents), the links of findings, and the few reads the records' rules need (the next finding
number, the lead appointments in force, who owns a record deadline).

Rows and small frozen values only: the services shape them for the guards and the answers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, SQLModel, col, select

from workflow.core.calendar import WorkingCalendar
from workflow.core.engine import Outcome
from workflow.core.errors import AlreadyExists
from workflow.core.record_deadlines import ACTION, CONTRIBUTION, record_deadline
from workflow.core.record_kinds import RecordKey, theme_key
from workflow.core.roles import Actor
from workflow.store import audit
from workflow.store import cases as case_store
from workflow.store.models.admin import AdminEvent
from workflow.store.models.cases import Case
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
from workflow.store.models.time import Deadline

#: The table of each kind of record.
TABLES: Mapping[str, type[SQLModel]] = {
    RecordKey.LEAD_APPOINTMENTS: LeadAppointment,
    RecordKey.PANEL_MEMBERS: PanelMember,
    RecordKey.PRACTITIONERS: Practitioner,
    RecordKey.FAMILY_MEMBERS: FamilyMember,
    RecordKey.CONTRIBUTIONS: Contribution,
    RecordKey.FINDINGS: Finding,
    RecordKey.ACTIONS: Action,
}


@dataclass(frozen=True)
class DocumentInfo:
    """A document's details, never its content."""

    id: int
    contribution_id: int | None
    agency: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True)
class CaseRecords:
    """A case's rows of each kind, in the order people read them (findings by number), with
    the themes (names) and sources (contribution ids) of each finding and, when asked, the
    documents of each contribution."""

    rows: Mapping[str, Sequence[Any]]
    themes: Mapping[int, Sequence[str]] = field(default_factory=dict)
    sources: Mapping[int, Sequence[int]] = field(default_factory=dict)
    documents: Mapping[int, Sequence[DocumentInfo]] | None = None


def _document_infos() -> Any:
    """SELECT of a document's details (``DocumentInfo``), never its content."""
    return select(*(getattr(Document, n) for n in DocumentInfo.__dataclass_fields__))


class RecordRepository:
    """The records of cases (one table per kind), the links of findings, and documents."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # -- the case a change to records belongs to (until the cases' repository has these) -----

    def case(self, case_id: int) -> Case | None:
        return self._session.get(Case, case_id)

    def case_for_change(self, case_id: int) -> Case | None:
        """The case, locked for this transaction (PostgreSQL; SQLite locks the database)."""
        return case_store.CaseRepository(self._session).for_change(case_id)

    def current_deadlines(self, case_id: int) -> list[Deadline]:
        return case_store.current_deadlines(self._session, case_id)

    def write_case(
        self,
        case: Case,
        outcome: Outcome,
        actor: Actor,
        now: datetime,
        calendar: WorkingCalendar,
        expected_version: int | None,
        deadlines: Sequence[Deadline],
    ) -> None:
        """Write the engine's outcome of a change to the case's records (its version goes up,
        even within the same instant)."""
        flag_modified(case, "updated_at")
        case_store.apply_outcome(
            self._session, case, outcome, actor, now, calendar, expected_version, deadlines
        )

    def log_read(self, case_id: int, now: datetime, actor: str, action: str) -> None:
        audit.append_access(self._session, [case_id], actor, action, now)

    # -- reading ------------------------------------------------------------------------------

    def _rows(self, model: Any, case_id: int, *order: Any) -> list[Any]:
        query = select(model).where(model.case_id == case_id).order_by(*order, col(model.id))
        return list(self._session.exec(query))

    def of_case(
        self, case_id: int, *, documents: bool = False, kinds: Collection[str] | None = None
    ) -> CaseRecords:
        """Every record of the case (``kinds``: only those kinds; the others are read as none).
        ``documents``: each contribution's documents too."""
        order: dict[str, tuple[Any, ...]] = {
            RecordKey.LEAD_APPOINTMENTS: (col(LeadAppointment.appointed_on),),
            RecordKey.CONTRIBUTIONS: (col(Contribution.requested_on),),
            RecordKey.FINDINGS: (col(Finding.number),),
        }
        rows = {
            k: self._rows(model, case_id, *order.get(k, ())) if kinds is None or k in kinds else []
            for k, model in TABLES.items()
        }
        finding_ids = [f.id for f in rows[RecordKey.FINDINGS]]
        return CaseRecords(
            rows,
            self.themes_of(finding_ids),
            self.sources_of(finding_ids),
            self.documents_of(case_id) if documents else None,
        )

    def themes_of(self, finding_ids: Sequence[int]) -> dict[int, list[str]]:
        """The names of each finding's themes, by name."""
        out: dict[int, list[str]] = {}
        if finding_ids:
            query = (
                select(FindingTheme.finding_id, Theme.name)
                .join(Theme, col(Theme.id) == col(FindingTheme.theme_id))
                .where(col(FindingTheme.finding_id).in_(finding_ids))
                .order_by(col(Theme.name))
            )
            for finding_id, name in self._session.exec(query):
                out.setdefault(finding_id, []).append(name)
        return out

    def sources_of(self, finding_ids: Sequence[int]) -> dict[int, list[int]]:
        """The contributions each finding draws on, by id."""
        out: dict[int, list[int]] = {}
        if finding_ids:
            query = (
                select(FindingSource.finding_id, FindingSource.contribution_id)
                .where(col(FindingSource.finding_id).in_(finding_ids))
                .order_by(col(FindingSource.contribution_id))
            )
            for finding_id, contribution_id in self._session.exec(query):
                out.setdefault(finding_id, []).append(contribution_id)
        return out

    def documents_of(self, case_id: int) -> dict[int, list[DocumentInfo]]:
        """The case's documents by contribution: their details, never their content."""
        query = (
            _document_infos()
            .where(col(Document.case_id) == case_id, col(Document.contribution_id).is_not(None))
            .order_by(col(Document.id))
        )
        out: dict[int, list[DocumentInfo]] = {}
        for row in self._session.execute(query):
            info = DocumentInfo(**row._mapping)
            out.setdefault(info.contribution_id or 0, []).append(info)
        return out

    def get(self, kind: str, record_id: int) -> Any:
        """The record of that kind (any case), or None."""
        return self._session.get(TABLES[kind], record_id)

    def new(self, kind: str, case_id: int) -> Any:
        """A new, unsaved record of that kind on the case."""
        return TABLES[kind](case_id=case_id)

    def owners(self, deadline_names: Iterable[str]) -> dict[str, str]:
        """The agency that owns each contribution or action deadline named (``action:7``)."""
        ids: dict[str, list[int]] = {CONTRIBUTION: [], ACTION: []}
        for name in deadline_names:
            kind, _, record_id = name.partition(":")
            ids[kind].append(int(record_id))
        owner: dict[str, str] = {}
        for kind, model, agency in (
            (CONTRIBUTION, Contribution, Contribution.agency),
            (ACTION, Action, Action.owner_agency),
        ):
            if ids[kind]:
                query = select(model.id, agency).where(col(model.id).in_(ids[kind]))
                for rid, name in self._session.exec(query):
                    owner[record_deadline(kind, rid)] = name
        return owner

    def leads_in_force(self, case_id: int) -> list[LeadAppointment]:
        query = select(LeadAppointment).where(
            LeadAppointment.case_id == case_id, col(LeadAppointment.ended_on).is_(None)
        )
        return list(self._session.exec(query))

    def next_finding_number(self, case_id: int) -> int:
        top = self._session.exec(
            select(func.max(Finding.number)).where(Finding.case_id == case_id)
        ).one()
        return int(top or 0) + 1

    def finding(self, case_id: int, number: int) -> Finding | None:
        """The case's finding of that number."""
        query = select(Finding).where(Finding.case_id == case_id, Finding.number == number)
        return self._session.exec(query).first()

    def actions_of(self, finding_id: int) -> list[int]:
        """The ids of the actions answering a finding."""
        query = select(Action.id).where(Action.finding_id == finding_id)
        return [i for i in self._session.exec(query) if i is not None]

    def contributions_among(self, case_id: int, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` are contributions of the case."""
        query = select(Contribution.id).where(
            Contribution.case_id == case_id, col(Contribution.id).in_(ids)
        )
        return {i for i in self._session.exec(query) if i is not None}

    # -- writing ------------------------------------------------------------------------------

    def save(self, row: Any) -> None:
        """Add or update a record (sent to the database at once, so its id is known)."""
        self._session.add(row)
        self._session.flush()

    def remove(self, kind: str, row: Any) -> None:
        """Remove a record with its links (a finding's themes and sources; a contribution's
        place among sources, and its documents)."""
        if kind == RecordKey.FINDINGS:
            self._delete(FindingTheme, col(FindingTheme.finding_id) == row.id)
            self._delete(FindingSource, col(FindingSource.finding_id) == row.id)
        if kind == RecordKey.CONTRIBUTIONS:
            self._delete(FindingSource, col(FindingSource.contribution_id) == row.id)
            self._delete(Document, col(Document.contribution_id) == row.id)
        self._session.delete(row)

    def _delete(self, model: Any, where: Any) -> None:
        self._session.execute(delete(model).where(where))

    def set_themes(self, finding_id: int, theme_ids: Iterable[int]) -> None:
        self._delete(FindingTheme, col(FindingTheme.finding_id) == finding_id)
        self._session.add_all(FindingTheme(finding_id=finding_id, theme_id=t) for t in theme_ids)
        self._session.flush()

    def set_sources(self, finding_id: int, contribution_ids: Iterable[int]) -> None:
        self._delete(FindingSource, col(FindingSource.finding_id) == finding_id)
        self._session.add_all(
            FindingSource(finding_id=finding_id, contribution_id=c) for c in contribution_ids
        )
        self._session.flush()


class ThemeRepository:
    """The vocabulary of learning themes (``theme``), kept by administrators."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def listed(self, *, include_inactive: bool = False) -> list[Theme]:
        """The themes by name (only those in use unless ``include_inactive``)."""
        query = select(Theme).order_by(col(Theme.name))
        if not include_inactive:
            query = query.where(col(Theme.active).is_(True))
        return list(self._session.exec(query))

    def get(self, theme_id: int) -> Theme | None:
        return self._session.get(Theme, theme_id)

    def named(self, name: str, *, other_than: int | None = None) -> Theme | None:
        """Another theme that is the same theme as ``name`` (case, accents, spacing ignored)."""
        with self._session.no_autoflush:  # a pending rename must not be written to ask this
            query = select(Theme).where(
                col(Theme.name_key) == theme_key(name), col(Theme.id) != (other_than or 0)
            )
            return self._session.exec(query).first()

    def save(self, theme: Theme) -> Theme:
        """Add or change a theme (its id is known after); AlreadyExists when another theme of
        the same name was saved meanwhile."""
        theme.name_key = theme_key(theme.name)
        self._session.add(theme)
        try:
            self._session.flush()
        except IntegrityError:  # the unit of work rolls back as the error leaves it
            raise AlreadyExists(
                f"There is a theme named '{theme.name}' already (names are compared ignoring "
                "case and accents); choose another name."
            ) from None
        return theme

    def audit(self, event: AdminEvent) -> None:
        self._session.add(event)


class DocumentRepository:
    """The documents agencies send with their contributions (``document``), content included."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, document_id: int) -> Document | None:
        return self._session.get(Document, document_id)

    def contribution(self, contribution_id: int) -> Contribution | None:
        return self._session.get(Contribution, contribution_id)

    def details(self, document_id: int) -> DocumentInfo | None:
        """A document's details without its content."""
        row = self._session.execute(
            _document_infos().where(col(Document.id) == document_id)
        ).first()
        return DocumentInfo(**row._mapping) if row else None

    def save(self, row: Document | Contribution) -> None:
        self._session.add(row)
        self._session.flush()

    def remove(self, document: Document) -> None:
        self._session.delete(document)


__all__ = [
    "TABLES",
    "CaseRecords",
    "DocumentInfo",
    "DocumentRepository",
    "RecordRepository",
    "ThemeRepository",
]
