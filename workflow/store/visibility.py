"""Who may see which cases, as one rule with two faces: a SQL condition for the queries that
list cases (and the records' deadlines in them), and the same test on a case already loaded.

``scope_of`` says which cases a person may see; a ``Scope`` decides what it admits beside the
columns it reads (the ``case_agency`` rows, the case's folded agencies, for both faces;
``case.lead_name``, its lead reviewer's folded name), so a list never shows a case that opening
it would refuse (``workflow.services.access`` asks the same scope).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import String, cast, exists, false, func, literal, or_, select
from sqlalchemy.orm import object_session
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from workflow.core.record_deadlines import ACTION, CONTRIBUTION
from workflow.core.roles import Actor, Role
from workflow.store.models.cases import Case, CaseAgency
from workflow.store.models.records import Action, Contribution

#: The roles that see every case.
SEE_ALL = frozenset({Role.REVIEWER.value, Role.CHAIR.value, Role.ADMIN.value, Role.SYSTEM.value})


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
            return _involves(case, self.agencies)
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


def _involves(case: Case, agencies: frozenset[str]) -> bool:
    """Whether the case's ``case_agency`` rows name one of ``agencies`` (folded), whole names
    only: the same rule as ``Scope.condition``, so a name holding ``|`` matches nothing else."""
    session = object_session(case)
    if session is None or case.id is None or not agencies:
        return False
    query = select(col(CaseAgency.case_id)).where(
        col(CaseAgency.case_id) == case.id, col(CaseAgency.agency).in_(sorted(agencies))
    )
    with session.no_autoflush:  # a pending change of the case is not written by asking
        return session.execute(query.limit(1)).first() is not None


def scope_of(actor: Actor) -> Scope:
    """The cases the actor may see: every case; an agency user's, those involving one of their
    agencies; a lead reviewer's, those they lead; anyone else's, none."""
    if actor.role in SEE_ALL:
        return Scope.everything()
    if actor.role == Role.AGENCY.value:
        return Scope.of_agencies(actor.agencies)
    if actor.role == Role.LEAD_REVIEWER.value:
        return Scope.led_by(actor.name)
    return Scope.nothing()


def case_filter(actor: Actor) -> ColumnElement[bool] | None:
    """A SQL condition selecting the cases the actor may see (None: all of them)."""
    return scope_of(actor).condition()


def own_records_only(actor: Actor, name: Any) -> ColumnElement[bool]:
    """A SQL condition on a deadline's name (``name``, a column of deadlines or escalations):
    for an agency user, not another agency's contribution or action (the case's own time limits
    are theirs to see)."""
    mine = [fold(a) for a in actor.agencies if fold(a)]

    def names(prefix: str, model: Any, agency: Any) -> Any:
        return select(literal(f"{prefix}:").concat(cast(model.id, String))).where(
            func.lower(func.trim(agency)).in_(mine)
        )

    return or_(
        ~or_(name.like(f"{ACTION}:%"), name.like(f"{CONTRIBUTION}:%")),
        name.in_(names(ACTION, Action, Action.owner_agency)),
        name.in_(names(CONTRIBUTION, Contribution, Contribution.agency)),
    )


__all__ = ["SEE_ALL", "Reach", "Scope", "case_filter", "fold", "own_records_only", "scope_of"]
