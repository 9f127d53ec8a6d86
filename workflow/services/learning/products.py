"""Use cases of learning products: create one (linking reviews, themes and the findings it
draws on), record each delivery, and read them.

Products are the board's, not a case's: only the roles that see every case (reviewer, chair,
admin) read or change them, and each change is kept in the learning audit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from workflow.core.errors import InvalidInput, NotFound
from workflow.core.roles import Actor
from workflow.services import access
from workflow.services.learning import linking
from workflow.services.learning.commands import KIND_LABELS, NewDelivery, NewProduct
from workflow.services.learning.results import (
    Audiences,
    Delivery,
    DrawnFinding,
    LinkedReview,
    Product,
    ProductList,
)
from workflow.services.reports.timeliness import REPORT_ROLES
from workflow.store.learning import ProductLinks
from workflow.store.models.learning import (
    LearningAction,
    LearningAudit,
    LearningDelivery,
    LearningProduct,
    ProductKind,
)
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

#: A title longer than this is refused (the column's width).
TITLE_MAX = 300


def create_product(service: Service, actor: Actor, product: NewProduct) -> Product:
    """A learning product linking one or more reviews (case references) and themes (names from
    the vocabulary), with its audiences and any deliveries already made. The findings it draws
    on are named one by one, or, left out, are the findings of the linked reviews that carry
    one of its themes. A thematic presentation draws on findings of at least two reviews."""
    access.require_role(actor, REPORT_ROLES, "create learning products")
    now = service.now()
    problems = _product_problems(product, service.calendar.local_date(now))
    with service.store.write() as u:
        links = linking.resolve(u, product, problems)
        if problems:
            raise InvalidInput(
                "The learning product was not saved: fix each problem listed.", problems
            )
        row = LearningProduct(
            kind=str(product.kind),
            title=product.title.strip(),
            summary=product.summary.strip(),
            audience_agencies=linking.names(product.audience_agencies),
            audience_roles=linking.names(product.audience_roles),
            created_at=now,
            created_by=actor.name,
        )
        pid = u.learning.add_product(
            row,
            (c.id or 0 for c in links.cases),
            (t.id or 0 for t in links.themes),
            (f.id or 0 for f in links.findings),
        )
        for delivery in product.deliveries:
            u.learning.add_delivery(_delivery_row(pid, delivery, actor, now))
        detail = {
            "kind": str(product.kind),
            "cases": [c.reference for c in links.cases],
            "themes": [t.name for t in links.themes],
            "findings": len(links.findings),
            "deliveries": len(product.deliveries),
        }
        u.learning.audit(_audit(pid, actor, now, LearningAction.CREATED, detail))
        return _view(row, u.learning.links(pid))


def _product_problems(product: NewProduct, today: date) -> list[str]:
    """What is wrong with the product before anything is looked up."""
    problems: list[str] = []
    title = product.title.strip()
    if not title:
        problems.append("title: give the product a title, e.g. 'Seven-minute briefing: neglect'.")
    elif len(title) > TITLE_MAX:
        problems.append(f"title: at most {TITLE_MAX} characters.")
    if not linking.names(product.cases):
        problems.append("cases: link at least one review, by its case reference.")
    for i, delivery in enumerate(product.deliveries):
        problems += _delivery_problems(delivery, f"deliveries[{i}]", today)
    return problems


def _delivery_problems(delivery: NewDelivery, where: str, today: date) -> list[str]:
    if delivery.delivered_on > today:
        return [
            f"{where}.delivered_on: {delivery.delivered_on} is in the future; record a delivery "
            "once it has happened, with how many it reached."
        ]
    return []


def _delivery_row(pid: int, delivery: NewDelivery, actor: Actor, now: datetime) -> LearningDelivery:
    return LearningDelivery(
        product_id=pid,
        delivered_on=delivery.delivered_on,
        reach=delivery.reach,
        agencies_reached=linking.names(delivery.agencies_reached),
        note=delivery.note.strip(),
        recorded_at=now,
        recorded_by=actor.name,
    )


def _audit(
    pid: int, actor: Actor, now: datetime, action: LearningAction, detail: dict[str, Any]
) -> LearningAudit:
    return LearningAudit(
        product_id=pid,
        at=now,
        actor=actor.name,
        actor_role=actor.role,
        action=str(action),
        detail=detail,
    )


def add_delivery(service: Service, actor: Actor, product_id: int, delivery: NewDelivery) -> Product:
    """Record that the product went out (a bulletin sent, a forum held) and whom it reached."""
    access.require_role(actor, REPORT_ROLES, "record deliveries of learning products")
    now = service.now()
    problems = _delivery_problems(delivery, "delivery", service.calendar.local_date(now))
    if problems:
        raise InvalidInput("The delivery was not saved: fix each problem listed.", problems)
    with service.store.write() as u:
        row = _product(u, product_id)
        u.learning.add_delivery(_delivery_row(product_id, delivery, actor, now))
        detail = {"delivered_on": delivery.delivered_on.isoformat(), "reach": delivery.reach}
        u.learning.audit(_audit(product_id, actor, now, LearningAction.DELIVERED, detail))
        return _view(row, u.learning.links(product_id))


def get_product(service: Service, actor: Actor, product_id: int) -> Product:
    access.require_role(actor, REPORT_ROLES, "read learning products")
    with service.store.read() as u:
        return _view(_product(u, product_id), u.learning.links(product_id))


def list_products(
    service: Service,
    actor: Actor,
    kind: ProductKind | None = None,
    case: str | None = None,
    theme: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> ProductList:
    """Products, newest first: of a kind, linking a case (its reference), on a theme; ``start``
    and ``end`` keep those delivered in that period."""
    access.require_role(actor, REPORT_ROLES, "read learning products")
    with service.store.read() as u:
        rows = u.learning.products(kind, case, theme, start, end)
        return ProductList(items=[_view(p, u.learning.links(p.id or 0)) for p in rows])


def _product(u: Unit, product_id: int) -> LearningProduct:
    product = u.learning.product(product_id)
    if product is None:
        raise NotFound(f"There is no learning product {product_id}.")
    return product


def _view(p: LearningProduct, links: ProductLinks) -> Product:
    refs = {r.case_id: r.reference for r in links.reviews}
    return Product(
        id=p.id or 0,
        kind=p.kind,
        kind_label=KIND_LABELS.get(p.kind, p.kind),
        title=p.title,
        summary=p.summary,
        audiences=Audiences(agencies=list(p.audience_agencies), roles=list(p.audience_roles)),
        cases=[
            LinkedReview(reference=r.reference, review_type=r.review_type) for r in links.reviews
        ],
        themes=links.themes,
        findings=[
            DrawnFinding(
                case=refs.get(f.case_id, ""),
                number=f.number,
                kind=f.kind,
                what_happened=f.what_happened,
                why=f.why,
                themes=links.finding_themes.get(f.id or 0, []),
            )
            for f in links.findings
        ],
        deliveries=_deliveries(links.deliveries),
        reach=sum(d.reach for d in links.deliveries),
        created_at=p.created_at,
        created_by=p.created_by,
    )


def _deliveries(rows: Iterable[LearningDelivery]) -> list[Delivery]:
    return [
        Delivery(
            delivered_on=d.delivered_on,
            reach=d.reach,
            agencies_reached=list(d.agencies_reached),
            note=d.note,
        )
        for d in rows
    ]
