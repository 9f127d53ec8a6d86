"""The board's learning as the store keeps it: learning products with the reviews, themes and
findings they link, each delivery, the learning audit (append-only), and the facts of findings
that learning across reviews counts (each finding's review, themes and the agencies it names).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from workflow.store.models.cases import Case
from workflow.store.models.learning import (
    LearningAudit,
    LearningDelivery,
    LearningProduct,
    LearningProductCase,
    LearningProductFinding,
    LearningProductTheme,
)
from workflow.store.models.records import (
    Action,
    Contribution,
    Finding,
    FindingSource,
    FindingTheme,
    Theme,
)


@dataclass(frozen=True)
class LinkedReview:
    """A review a product links, by its reference and type (never its title)."""

    case_id: int
    reference: str
    review_type: str


@dataclass(frozen=True)
class ProductLinks:
    """What a product links and every time it went out, in the order people read them."""

    reviews: list[LinkedReview]
    themes: list[str]
    findings: list[Finding]
    finding_themes: dict[int, list[str]]
    deliveries: list[LearningDelivery]


@dataclass(frozen=True)
class FindingFact:
    """A finding with its review, as learning across reviews counts it (no free text)."""

    id: int
    case_id: int
    reference: str
    review_type: str
    number: int
    kind: str
    recorded_at: datetime


class LearningRepository:
    """Learning products, their links and deliveries, the learning audit, and finding facts."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # -- what a product links to ---------------------------------------------------------------

    def cases_by_reference(self, references: Collection[str]) -> list[Case]:
        if not references:
            return []
        query = select(Case).where(col(Case.reference).in_(references))
        return list(self._session.exec(query))

    def vocabulary(self) -> list[Theme]:
        """Every theme of the vocabulary, active or not."""
        return list(self._session.exec(select(Theme)))

    def findings_on_themes(
        self, case_ids: Collection[int], theme_ids: Collection[int]
    ) -> list[Finding]:
        """The findings of these cases that carry one of these themes, each once, by case and
        number."""
        if not case_ids or not theme_ids:
            return []
        query = (
            select(Finding)
            .join(FindingTheme, col(FindingTheme.finding_id) == col(Finding.id))
            .where(col(Finding.case_id).in_(case_ids), col(FindingTheme.theme_id).in_(theme_ids))
            .order_by(col(Finding.case_id), col(Finding.number))
        )
        seen: dict[int, Finding] = {}
        for f in self._session.exec(query):
            seen.setdefault(f.id or 0, f)
        return list(seen.values())

    def finding(self, case_id: int, number: int) -> Finding | None:
        query = select(Finding).where(Finding.case_id == case_id, Finding.number == number)
        return self._session.exec(query).first()

    # -- products ------------------------------------------------------------------------------

    def add_product(
        self,
        product: LearningProduct,
        case_ids: Iterable[int],
        theme_ids: Iterable[int],
        finding_ids: Iterable[int],
    ) -> int:
        """Store a new product with its links; its id."""
        self._session.add(product)
        self._session.flush()
        pid = product.id or 0
        s = self._session
        s.add_all(LearningProductCase(product_id=pid, case_id=c) for c in case_ids)
        s.add_all(LearningProductTheme(product_id=pid, theme_id=t) for t in theme_ids)
        s.add_all(LearningProductFinding(product_id=pid, finding_id=f) for f in finding_ids)
        return pid

    def add_delivery(self, delivery: LearningDelivery) -> None:
        self._session.add(delivery)

    def audit(self, entry: LearningAudit) -> None:
        """Append to the learning audit (append-only)."""
        self._session.add(entry)

    def product(self, product_id: int) -> LearningProduct | None:
        return self._session.get(LearningProduct, product_id)

    def products(
        self,
        kind: str | None = None,
        case: str | None = None,
        theme: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[LearningProduct]:
        """Products, newest first: of a kind, linking a case reference, on a theme (its name,
        any case), delivered from ``start`` to ``end``."""
        query = select(LearningProduct)
        if kind:
            query = query.where(LearningProduct.kind == kind)
        if case:
            linked = select(LearningProductCase.product_id).join(
                Case, col(Case.id) == col(LearningProductCase.case_id)
            )
            query = query.where(col(LearningProduct.id).in_(linked.where(Case.reference == case)))
        if theme:
            on = select(LearningProductTheme.product_id).join(
                Theme, col(Theme.id) == col(LearningProductTheme.theme_id)
            )
            query = query.where(col(LearningProduct.id).in_(on.where(col(Theme.name).ilike(theme))))
        if start or end:
            delivered = select(LearningDelivery.product_id)
            if start:
                delivered = delivered.where(col(LearningDelivery.delivered_on) >= start)
            if end:
                delivered = delivered.where(col(LearningDelivery.delivered_on) <= end)
            query = query.where(col(LearningProduct.id).in_(delivered))
        return list(self._session.exec(query.order_by(col(LearningProduct.id).desc())))

    def links(self, product_id: int) -> ProductLinks:
        """The reviews (by reference), themes (by name), findings (by case and number, with
        their themes) and deliveries (oldest first) of a product."""
        s = self._session
        reviews = [
            LinkedReview(cid or 0, ref, rtype)
            for cid, ref, rtype in s.exec(
                select(Case.id, Case.reference, Case.review_type)
                .join(LearningProductCase, col(LearningProductCase.case_id) == col(Case.id))
                .where(LearningProductCase.product_id == product_id)
                .order_by(col(Case.reference))
            )
        ]
        themes = s.exec(
            select(Theme.name)
            .join(LearningProductTheme, col(LearningProductTheme.theme_id) == col(Theme.id))
            .where(LearningProductTheme.product_id == product_id)
            .order_by(col(Theme.name))
        )
        findings = list(
            s.exec(
                select(Finding)
                .join(
                    LearningProductFinding,
                    col(LearningProductFinding.finding_id) == col(Finding.id),
                )
                .where(LearningProductFinding.product_id == product_id)
                .order_by(col(Finding.case_id), col(Finding.number))
            )
        )
        deliveries = s.exec(
            select(LearningDelivery)
            .where(LearningDelivery.product_id == product_id)
            .order_by(col(LearningDelivery.delivered_on), col(LearningDelivery.id))
        )
        themed = self.finding_themes([f.id or 0 for f in findings])
        return ProductLinks(reviews, list(themes), findings, themed, list(deliveries))

    def deliveries_in(
        self, start: date, end: date
    ) -> list[tuple[LearningDelivery, LearningProduct]]:
        """Deliveries made from ``start`` to ``end`` with their products, oldest first."""
        query = (
            select(LearningDelivery, LearningProduct)
            .join(LearningProduct, col(LearningProduct.id) == col(LearningDelivery.product_id))
            .where(
                col(LearningDelivery.delivered_on) >= start,
                col(LearningDelivery.delivered_on) <= end,
            )
            .order_by(col(LearningDelivery.delivered_on), col(LearningDelivery.id))
        )
        return list(self._session.exec(query))

    # -- finding facts ---------------------------------------------------------------------------

    def finding_facts(self, review_type: str | None = None) -> list[FindingFact]:
        """Every finding (of one review type, if named), by case reference and number."""
        query = (
            select(Finding, Case.reference, Case.review_type)
            .join(Case, col(Case.id) == col(Finding.case_id))
            .order_by(col(Case.reference), col(Finding.number))
        )
        if review_type:
            query = query.where(Case.review_type == review_type)
        return [
            FindingFact(f.id or 0, f.case_id, ref, rtype, f.number, f.kind, f.created_at)
            for f, ref, rtype in self._session.exec(query)
        ]

    def finding_themes(self, finding_ids: Collection[int]) -> dict[int, list[str]]:
        """The theme names of each finding, by name."""
        out: dict[int, list[str]] = defaultdict(list)
        if not finding_ids:
            return out
        rows = self._session.exec(
            select(FindingTheme.finding_id, Theme.name)
            .join(Theme, col(Theme.id) == col(FindingTheme.theme_id))
            .where(col(FindingTheme.finding_id).in_(finding_ids))
            .order_by(col(Theme.name))
        )
        for fid, name in rows:
            out[fid].append(name)
        return out

    def named_agencies(self, finding_ids: Collection[int]) -> list[tuple[int, str]]:
        """(finding id, agency) for the agencies each finding names: those of the contributions
        it draws on, then the owners of the actions that answer it, as written."""
        if not finding_ids:
            return []
        sources = self._session.exec(
            select(FindingSource.finding_id, Contribution.agency)
            .join(Contribution, col(Contribution.id) == col(FindingSource.contribution_id))
            .where(col(FindingSource.finding_id).in_(finding_ids))
        )
        owners = self._session.exec(
            select(Action.finding_id, Action.owner_agency).where(
                col(Action.finding_id).in_(finding_ids)
            )
        )
        return [*sources, *owners]

    def contributing_agencies(self, case_ids: Collection[int]) -> list[tuple[int, str]]:
        """(case id, agency) for each contribution asked of an agency in these cases."""
        if not case_ids:
            return []
        query = select(Contribution.case_id, Contribution.agency).where(
            col(Contribution.case_id).in_(case_ids)
        )
        return list(self._session.exec(query))

    def finding_texts(self, finding_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """What happened and why, for each of these findings."""
        if not finding_ids:
            return {}
        query = select(Finding).where(col(Finding.id).in_(finding_ids))
        return {f.id or 0: (f.what_happened, f.why) for f in self._session.exec(query)}
