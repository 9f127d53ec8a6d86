"""Which cases a reader may see, as one rule with two faces: a SQL condition for the queries
that list cases, and the same test on a case already loaded.

Who gets which scope is the services' rule (``workflow.services.access.scope_of``); what a scope
admits is decided here, beside the columns it reads (``case.agencies`` and ``case_agency``, the
case's folded agencies; ``case.lead_name``, its lead reviewer's folded name), so the two faces
cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, exists, false
from sqlmodel import col

from workflow.store.models.cases import Case, CaseAgency


class Reach(StrEnum):
    ALL = "all"
    AGENCIES = "agencies"  # the cases that involve one of these agencies
    LEAD = "lead"  # the cases this lead reviewer leads
    NONE = "none"


def fold(name: str) -> str:
    """A name as the case columns keep it: trimmed and case-folded."""
    return name.strip().casefold()


@dataclass(frozen=True)
class Scope:
    """The cases one reader may see."""

    reach: Reach
    agencies: frozenset[str] = frozenset()  # folded
    lead: str = ""  # folded

    @classmethod
    def everything(cls) -> Scope:
        return cls(Reach.ALL)

    @classmethod
    def nothing(cls) -> Scope:
        return cls(Reach.NONE)

    @classmethod
    def of_agencies(cls, names: Iterable[str]) -> Scope:
        return cls(Reach.AGENCIES, agencies=frozenset(fold(n) for n in names if fold(n)))

    @classmethod
    def led_by(cls, name: str) -> Scope:
        return cls(Reach.LEAD, lead=fold(name))

    @property
    def narrowed(self) -> bool:
        """Whether some cases are out of reach."""
        return self.reach is not Reach.ALL

    def admits(self, case: Case) -> bool:
        """Whether the reader may see this case."""
        if self.reach is Reach.ALL:
            return True
        if self.reach is Reach.AGENCIES:
            return any(f"|{a}|" in case.agencies for a in self.agencies)
        if self.reach is Reach.LEAD:
            return case.lead_name == self.lead
        return False

    def condition(self) -> ColumnElement[bool] | None:
        """The SQL condition selecting the cases the reader may see (None: all of them)."""
        if self.reach is Reach.ALL:
            return None
        if self.reach is Reach.AGENCIES and self.agencies:
            # Correlated EXISTS: the database checks each case it meets, instead of first
            # listing every case of the agency (measured: the dashboard at 100,000 cases).
            return exists().where(
                col(CaseAgency.case_id) == col(Case.id),
                col(CaseAgency.agency).in_(sorted(self.agencies)),
            )
        if self.reach is Reach.LEAD:
            return col(Case.lead_name) == self.lead
        return false()


__all__ = ["Reach", "Scope", "fold"]
