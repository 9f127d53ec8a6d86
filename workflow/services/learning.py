"""Learning across reviews: learning products that carry the lessons of reviews to the agencies,
the themes view (which themes recur, in which review types and agencies, over which years) and
the good-practice findings gathered as "what good looks like".

Products are the board's, not a case's: only the roles that see every case (reviewer, chair,
admin) read or change them, and each change is kept in ``learning_audit``. Everything here names
a review by its case reference and review type, never by its title or data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from workflow.core.errors import InvalidInput, NotFound
from workflow.core.roles import Actor
from workflow.core.values import BadValue, as_date, as_list
from workflow.services import access
from workflow.services.reports.timeliness import REPORT_ROLES
from workflow.store.models.cases import Case
from workflow.store.models.learning import (
    LearningAudit,
    LearningDelivery,
    LearningProduct,
    LearningProductCase,
    LearningProductFinding,
    LearningProductTheme,
    ProductKind,
)
from workflow.store.models.records import (
    Action,
    Contribution,
    Finding,
    FindingSource,
    FindingTheme,
    Theme,
)
from workflow.store.unit import Unit, unit_of_work

if TYPE_CHECKING:
    from workflow.services.cases import Service

KIND_LABELS: dict[str, str] = {
    ProductKind.BULLETIN: "Bulletin",
    ProductKind.BRIEFING: "Briefing",
    ProductKind.PRACTITIONER_FORUM: "Practitioner forum",
    ProductKind.EVENT: "Dissemination event",
    ProductKind.THEMATIC_PRESENTATION: "Thematic presentation",
}
#: A thematic product draws together the findings of at least this many reviews.
THEMATIC_MIN_REVIEWS = 2
GOOD_PRACTICE = "good_practice"
PROBLEM = "problem"
PRODUCT_KEYS = (
    "kind",
    "title",
    "summary",
    "cases",
    "themes",
    "findings",
    "audience_agencies",
    "audience_roles",
    "deliveries",
)
DELIVERY_KEYS = ("delivered_on", "reach", "agencies_reached", "note")


def _names(value: Any, where: str, problems: list[str]) -> list[str]:
    """A list of short texts, trimmed, without repeats (first spelling kept)."""
    out: dict[str, str] = {}
    for item in as_list(value):
        if not isinstance(item, str):
            problems.append(f"{where}: each must be a text; got {item!r}.")
            continue
        text = " ".join(item.split())
        if text:
            out.setdefault(text.casefold(), text)
    return list(out.values())


def _require_reader(actor: Actor, doing: str) -> None:
    access.require_role(actor, REPORT_ROLES, doing)


# -- learning products --------------------------------------------------------------------------


@dataclass
class _Delivery:
    delivered_on: date
    reach: int
    agencies_reached: list[str]
    note: str


def _delivery(value: Any, where: str, today: date, problems: list[str]) -> _Delivery | None:
    if not isinstance(value, Mapping):
        problems.append(f"{where}: give delivered_on and reach, e.g. {{'delivered_on': ...}}.")
        return None
    before = len(problems)
    problems += [
        f"{where}.{k}: unknown; use {', '.join(DELIVERY_KEYS)}."
        for k in value
        if k not in DELIVERY_KEYS
    ]
    try:
        day = as_date(value.get("delivered_on"), f"{where}.delivered_on")
    except BadValue as exc:
        problems.append(str(exc).removeprefix("data.") + ".")
        day = None
    if day is None and not any(p.startswith(f"{where}.delivered_on") for p in problems):
        problems.append(f"{where}.delivered_on: the date it was sent or held is required.")
    elif day is not None and day > today:
        problems.append(
            f"{where}.delivered_on: {day} is in the future; record a delivery once it has "
            "happened, with how many it reached."
        )
    reach = value.get("reach")
    if not isinstance(reach, int) or isinstance(reach, bool) or reach < 0:
        problems.append(f"{where}.reach: how many attended or received it, a whole number.")
    agencies = _names(value.get("agencies_reached"), f"{where}.agencies_reached", problems)
    note = value.get("note") or ""
    if not isinstance(note, str):
        problems.append(f"{where}.note: must be text.")
    if len(problems) > before or day is None or not isinstance(reach, int):
        return None
    return _Delivery(day, reach, agencies, str(note).strip())


def create_product(service: Service, actor: Actor, body: Mapping[str, Any]) -> dict[str, Any]:
    """A learning product linking one or more reviews (case references) and themes (names from
    the vocabulary), with its audiences and any deliveries already made. The findings it draws
    on are ``[{"case": reference, "number": n}]``; left out, they are the findings of the linked
    reviews that carry one of its themes. A thematic presentation draws on findings of at least
    two reviews."""
    _require_reader(actor, "create learning products")
    if not isinstance(body, Mapping):
        raise InvalidInput("Send the learning product as an object of named values.")
    now = service.now()
    today = service.calendar.local_date(now)
    problems: list[str] = [
        f"{k}: unknown; a learning product has {', '.join(PRODUCT_KEYS)}."
        for k in body
        if k not in PRODUCT_KEYS
    ]
    kind = body.get("kind")
    if kind not in KIND_LABELS:
        problems.append(f"kind: one of {', '.join(KIND_LABELS)}; got {kind!r}.")
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append("title: give the product a title, e.g. 'Seven-minute briefing: neglect'.")
    elif len(title.strip()) > 300:
        problems.append("title: at most 300 characters.")
    summary = body.get("summary") or ""
    if not isinstance(summary, str):
        problems.append("summary: must be text.")
    references = _names(body.get("cases"), "cases", problems)
    if not references:
        problems.append("cases: link at least one review, by its case reference.")
    theme_names = _names(body.get("themes"), "themes", problems)
    agencies = _names(body.get("audience_agencies"), "audience_agencies", problems)
    roles = _names(body.get("audience_roles"), "audience_roles", problems)
    deliveries = [
        _delivery(v, f"deliveries[{i}]", today, problems)
        for i, v in enumerate(as_list(body.get("deliveries")))
    ]
    wanted_findings = body.get("findings")
    with unit_of_work(service.db) as s:
        cases = _cases(s, references, problems)
        themes = _themes(s, theme_names, problems)
        if wanted_findings is None:
            findings = _findings_with_themes(s, [c.id or 0 for c in cases], themes)
        else:
            findings = _named_findings(s, wanted_findings, cases, problems)
        if kind == ProductKind.THEMATIC_PRESENTATION and not problems:
            problems += _thematic_problems(cases, themes, findings)
        if problems:
            raise InvalidInput(
                "The learning product was not saved: fix each problem listed.", problems
            )
        product = LearningProduct(
            kind=str(kind),
            title=str(title).strip(),
            summary=str(summary).strip(),
            audience_agencies=agencies,
            audience_roles=roles,
            created_at=now,
            created_by=actor.name,
        )
        s.add(product)
        s.flush()
        pid = product.id or 0
        s.add_all(LearningProductCase(product_id=pid, case_id=c.id or 0) for c in cases)
        s.add_all(LearningProductTheme(product_id=pid, theme_id=t.id or 0) for t in themes)
        s.add_all(LearningProductFinding(product_id=pid, finding_id=f.id or 0) for f in findings)
        for dl in deliveries:
            assert dl is not None
            s.add(_delivery_row(pid, dl, actor, now))
        _audit(
            s,
            pid,
            actor,
            now,
            "created",
            {
                "kind": kind,
                "cases": [c.reference for c in cases],
                "themes": [t.name for t in themes],
                "findings": len(findings),
                "deliveries": len(deliveries),
            },
        )
        s.flush()
        return _product_view(s, product)


def _delivery_row(pid: int, dl: _Delivery, actor: Actor, now: datetime) -> LearningDelivery:
    return LearningDelivery(
        product_id=pid,
        delivered_on=dl.delivered_on,
        reach=dl.reach,
        agencies_reached=dl.agencies_reached,
        note=dl.note,
        recorded_at=now,
        recorded_by=actor.name,
    )


def _audit(
    s: Session, pid: int, actor: Actor, now: datetime, action: str, detail: dict[str, Any]
) -> None:
    s.add(
        LearningAudit(
            product_id=pid,
            at=now,
            actor=actor.name,
            actor_role=actor.role,
            action=action,
            detail=detail,
        )
    )


def _cases(s: Session, references: Sequence[str], problems: list[str]) -> list[Case]:
    if not references:
        return []
    found = {
        c.reference.casefold(): c
        for c in s.exec(select(Case).where(col(Case.reference).in_(references)))
    }
    out = []
    for ref in references:
        case = found.get(ref.casefold())
        if case is None:
            problems.append(f"cases: there is no case {ref}.")
        else:
            out.append(case)
    return out


def _themes(s: Session, names: Sequence[str], problems: list[str]) -> list[Theme]:
    if not names:
        return []
    vocabulary = {t.name.casefold(): t for t in s.exec(select(Theme))}
    out = []
    for name in names:
        theme = vocabulary.get(name.casefold())
        if theme is None:
            known = ", ".join(sorted(t.name for t in vocabulary.values() if t.active)) or "none yet"
            problems.append(f"themes: '{name}' is not in the vocabulary; its themes: {known}.")
        else:
            out.append(theme)
    return out


def _findings_with_themes(
    s: Session, case_ids: Sequence[int], themes: Sequence[Theme]
) -> list[Finding]:
    if not case_ids or not themes:
        return []
    query = (
        select(Finding)
        .join(FindingTheme, col(FindingTheme.finding_id) == col(Finding.id))
        .where(
            col(Finding.case_id).in_(case_ids),
            col(FindingTheme.theme_id).in_([t.id for t in themes]),
        )
        .order_by(col(Finding.case_id), col(Finding.number))
    )
    seen: dict[int, Finding] = {}
    for f in s.exec(query):
        seen.setdefault(f.id or 0, f)
    return list(seen.values())


def _named_findings(
    s: Session, value: Any, cases: Sequence[Case], problems: list[str]
) -> list[Finding]:
    by_ref = {c.reference.casefold(): c for c in cases}
    out: dict[int, Finding] = {}
    for i, item in enumerate(as_list(value)):
        ref = item.get("case") if isinstance(item, Mapping) else None
        number = item.get("number") if isinstance(item, Mapping) else None
        case = by_ref.get(ref.casefold()) if isinstance(ref, str) else None
        if case is None or not isinstance(number, int) or isinstance(number, bool):
            problems.append(
                f"findings[{i}]: give the case reference of one of the linked reviews and the "
                "finding's number, e.g. {'case': 'SCR-2026-ABC123', 'number': 1}."
            )
            continue
        finding = s.exec(
            select(Finding).where(Finding.case_id == case.id, Finding.number == number)
        ).first()
        if finding is None:
            problems.append(f"findings[{i}]: case {case.reference} has no finding {number}.")
            continue
        out.setdefault(finding.id or 0, finding)
    return list(out.values())


def _thematic_problems(
    cases: Sequence[Case], themes: Sequence[Theme], findings: Sequence[Finding]
) -> list[str]:
    problems = []
    if len(cases) < THEMATIC_MIN_REVIEWS:
        problems.append(
            f"A thematic presentation combines the learning of several reviews: link at least "
            f"{THEMATIC_MIN_REVIEWS} (cases)."
        )
    if not themes:
        problems.append("A thematic presentation is about a theme: name at least one (themes).")
    drawn = {f.case_id for f in findings}
    missing = [c.reference for c in cases if c.id not in drawn]
    if len(drawn) < THEMATIC_MIN_REVIEWS:
        problems.append(
            "A thematic presentation draws together the findings of several reviews: only "
            f"{len(drawn)} of the linked reviews have findings on its themes (findings)."
        )
    elif missing:
        problems.append(
            "Each linked review must contribute findings to a thematic presentation; none drawn "
            f"from {', '.join(missing)} (findings, or the themes of their findings)."
        )
    return problems


def add_delivery(
    service: Service, actor: Actor, product_id: int, body: Mapping[str, Any]
) -> dict[str, Any]:
    """Record that the product went out (a bulletin sent, a forum held) and whom it reached."""
    _require_reader(actor, "record deliveries of learning products")
    now = service.now()
    problems: list[str] = []
    dl = _delivery(body, "delivery", service.calendar.local_date(now), problems)
    if problems or dl is None:
        raise InvalidInput("The delivery was not saved: fix each problem listed.", problems)
    with unit_of_work(service.db) as s:
        product = _product(s, product_id)
        s.add(_delivery_row(product_id, dl, actor, now))
        _audit(
            s,
            product_id,
            actor,
            now,
            "delivered",
            {"delivered_on": dl.delivered_on.isoformat(), "reach": dl.reach},
        )
        s.flush()
        return _product_view(s, product)


def _product(s: Session, product_id: int) -> LearningProduct:
    product = s.get(LearningProduct, product_id)
    if product is None:
        raise NotFound(f"There is no learning product {product_id}.")
    return product


def get_product(service: Service, actor: Actor, product_id: int) -> dict[str, Any]:
    _require_reader(actor, "read learning products")
    with Session(service.db) as s:
        return _product_view(s, _product(s, product_id))


def list_products(
    service: Service,
    actor: Actor,
    kind: str | None = None,
    case: str | None = None,
    theme: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    """Products, newest first; ``start``/``end`` keep those delivered in that period."""
    _require_reader(actor, "read learning products")
    if kind and kind not in KIND_LABELS:
        raise InvalidInput(f"kind: one of {', '.join(KIND_LABELS)}; got {kind!r}.")
    query = select(LearningProduct)
    if kind:
        query = query.where(LearningProduct.kind == kind)
    if case:
        query = query.where(
            col(LearningProduct.id).in_(
                select(LearningProductCase.product_id)
                .join(Case, col(Case.id) == col(LearningProductCase.case_id))
                .where(Case.reference == case)
            )
        )
    if theme:
        query = query.where(
            col(LearningProduct.id).in_(
                select(LearningProductTheme.product_id)
                .join(Theme, col(Theme.id) == col(LearningProductTheme.theme_id))
                .where(col(Theme.name).ilike(theme))
            )
        )
    if start or end:
        delivered = select(LearningDelivery.product_id)
        if start:
            delivered = delivered.where(col(LearningDelivery.delivered_on) >= start)
        if end:
            delivered = delivered.where(col(LearningDelivery.delivered_on) <= end)
        query = query.where(col(LearningProduct.id).in_(delivered))
    with Session(service.db) as s:
        rows = list(s.exec(query.order_by(col(LearningProduct.id).desc())))
        return {"items": [_product_view(s, p) for p in rows]}


def _product_view(s: Session, p: LearningProduct) -> dict[str, Any]:
    pid = p.id or 0
    cases = list(
        s.exec(
            select(Case.id, Case.reference, Case.review_type)
            .join(LearningProductCase, col(LearningProductCase.case_id) == col(Case.id))
            .where(LearningProductCase.product_id == pid)
            .order_by(col(Case.reference))
        )
    )
    refs = {cid: ref for cid, ref, _ in cases}
    themes = list(
        s.exec(
            select(Theme.name)
            .join(LearningProductTheme, col(LearningProductTheme.theme_id) == col(Theme.id))
            .where(LearningProductTheme.product_id == pid)
            .order_by(col(Theme.name))
        )
    )
    findings = list(
        s.exec(
            select(Finding)
            .join(LearningProductFinding, col(LearningProductFinding.finding_id) == col(Finding.id))
            .where(LearningProductFinding.product_id == pid)
            .order_by(col(Finding.case_id), col(Finding.number))
        )
    )
    theme_names = _finding_themes(s, [f.id or 0 for f in findings])
    deliveries = list(
        s.exec(
            select(LearningDelivery)
            .where(LearningDelivery.product_id == pid)
            .order_by(col(LearningDelivery.delivered_on), col(LearningDelivery.id))
        )
    )
    return {
        "id": pid,
        "kind": p.kind,
        "kind_label": KIND_LABELS.get(p.kind, p.kind),
        "title": p.title,
        "summary": p.summary,
        "audiences": {"agencies": list(p.audience_agencies), "roles": list(p.audience_roles)},
        "cases": [{"reference": ref, "review_type": rt} for _, ref, rt in cases],
        "themes": themes,
        "findings": [
            {
                "case": refs.get(f.case_id, ""),
                "number": f.number,
                "kind": f.kind,
                "what_happened": f.what_happened,
                "why": f.why,
                "themes": theme_names.get(f.id or 0, []),
            }
            for f in findings
        ],
        "deliveries": [
            {
                "delivered_on": d.delivered_on.isoformat(),
                "reach": d.reach,
                "agencies_reached": list(d.agencies_reached),
                "note": d.note,
            }
            for d in deliveries
        ],
        "reach": sum(d.reach for d in deliveries),
        "created_at": p.created_at.isoformat(),
        "created_by": p.created_by,
    }


def _finding_themes(s: Session, finding_ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if not finding_ids:
        return out
    rows = s.exec(
        select(FindingTheme.finding_id, Theme.name)
        .join(Theme, col(Theme.id) == col(FindingTheme.theme_id))
        .where(col(FindingTheme.finding_id).in_(finding_ids))
        .order_by(col(Theme.name))
    )
    for fid, name in rows:
        out[fid].append(name)
    return out


# -- learning across reviews --------------------------------------------------------------------


@dataclass
class FindingFacts:
    """One finding as the themes view counts it (no free text but what good looks like)."""

    id: int
    case_id: int
    reference: str
    review_type: str
    number: int
    kind: str
    year: int
    recorded_on: date
    themes: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)


def finding_facts(
    service: Service,
    start: date | None = None,
    end: date | None = None,
    review_type: str | None = None,
) -> list[FindingFacts]:
    """Every finding recorded from ``start`` to ``end`` (London dates, inclusive), with its
    themes and agencies: the agencies of the contributions it draws on and of the actions that
    answer it, else every agency that contributed to its review."""
    calendar = service.calendar
    query = (
        select(Finding, Case.reference, Case.review_type)
        .join(Case, col(Case.id) == col(Finding.case_id))
        .order_by(col(Case.reference), col(Finding.number))
    )
    if review_type:
        query = query.where(Case.review_type == review_type)
    out: list[FindingFacts] = []
    with Session(service.db) as s:
        for f, reference, rtype in s.exec(query):
            day = calendar.local_date(f.created_at)
            if (start and day < start) or (end and day > end):
                continue
            out.append(
                FindingFacts(
                    f.id or 0, f.case_id, reference, rtype, f.number, f.kind, day.year, day
                )
            )
        ids = [x.id for x in out]
        themes = _finding_themes(s, ids)
        agencies = _finding_agencies(s, {x.id: x.case_id for x in out})
    for x in out:
        x.themes = themes.get(x.id, [])
        x.agencies = agencies.get(x.id, [])
    return out


def _finding_agencies(s: Session, case_of: Mapping[int, int]) -> dict[int, list[str]]:
    """The agencies of each finding (id to its case id): see ``finding_facts``."""
    finding_ids = list(case_of)
    if not finding_ids:
        return {}
    named: dict[int, dict[str, str]] = defaultdict(dict)

    def add(fid: int, agency: str) -> None:
        text = " ".join(agency.split())
        if text:
            named[fid].setdefault(text.casefold(), text)

    for fid, agency in s.exec(
        select(FindingSource.finding_id, Contribution.agency)
        .join(Contribution, col(Contribution.id) == col(FindingSource.contribution_id))
        .where(col(FindingSource.finding_id).in_(finding_ids))
    ):
        add(fid, agency)
    for fid, agency in s.exec(
        select(Action.finding_id, Action.owner_agency).where(
            col(Action.finding_id).in_(finding_ids)
        )
    ):
        add(fid, agency)
    contributed: dict[int, dict[str, str]] = defaultdict(dict)
    for cid, agency in s.exec(
        select(Contribution.case_id, Contribution.agency).where(
            col(Contribution.case_id).in_(set(case_of.values()))
        )
    ):
        text = " ".join(agency.split())
        if text:
            contributed[cid].setdefault(text.casefold(), text)
    out = {}
    for fid in finding_ids:
        names = named.get(fid) or contributed.get(case_of.get(fid, 0), {})
        out[fid] = sorted(names.values(), key=str.casefold)
    return out


def _count(items: Iterable[Any]) -> dict[str, int]:
    counts = Counter(str(x) for x in items)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def theme_rows(
    facts: Sequence[FindingFacts], type_names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Per theme: findings (problems, good practice), the reviews they come from, whether it
    recurs (in more than one review), and the review types, agencies and years it appears in."""
    by_theme: dict[str, list[FindingFacts]] = defaultdict(list)
    for x in facts:
        for t in x.themes:
            by_theme[t].append(x)
    rows: list[dict[str, Any]] = []
    for theme, items in by_theme.items():
        reviews = sorted({x.reference for x in items})
        rows.append(
            {
                "theme": theme,
                "findings": len(items),
                "problems": sum(1 for x in items if x.kind == PROBLEM),
                "good_practice": sum(1 for x in items if x.kind == GOOD_PRACTICE),
                "reviews": len(reviews),
                "recurring": len(reviews) > 1,
                "cases": reviews,
                "review_types": [
                    {"review_type": k, "name": type_names.get(k, k), "findings": n}
                    for k, n in _count(x.review_type for x in items).items()
                ],
                "agencies": [
                    {"agency": k, "findings": n}
                    for k, n in _count(a for x in items for a in x.agencies).items()
                ],
                "years": [
                    {"year": int(k), "findings": n}
                    for k, n in sorted(Counter(str(x.year) for x in items).items())
                ],
            }
        )
    rows.sort(key=lambda r: (-r["reviews"], -r["findings"], r["theme"].casefold()))
    return rows


def type_names(service: Service) -> dict[str, str]:
    with Session(service.db) as s:
        return {r.key: r.name for r in Unit(s).catalog.latest()}


def themes_view(
    service: Service,
    actor: Actor,
    start: date | None = None,
    end: date | None = None,
    review_type: str | None = None,
) -> dict[str, Any]:
    """Which themes recur across reviews, in which review types and agencies, over which years;
    for findings recorded from ``start`` to ``end``."""
    _require_reader(actor, "read the themes across reviews")
    _check_period(start, end)
    facts = finding_facts(service, start, end, review_type)
    names = type_names(service)
    rows = theme_rows(facts, names)
    return {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "review_type": review_type,
        "findings": len(facts),
        "unthemed_findings": sum(1 for x in facts if not x.themes),
        "reviews": len({x.case_id for x in facts}),
        "recurring": sum(1 for r in rows if r["recurring"]),
        "themes": rows,
    }


def good_practice(
    service: Service,
    actor: Actor,
    theme: str | None = None,
    start: date | None = None,
    end: date | None = None,
    review_type: str | None = None,
) -> dict[str, Any]:
    """ "What good looks like": the good-practice findings, what happened and why, with their
    review (reference and type) and themes."""
    _require_reader(actor, "read the good practice found in reviews")
    _check_period(start, end)
    facts = [
        x
        for x in finding_facts(service, start, end, review_type)
        if x.kind == GOOD_PRACTICE
        and (not theme or any(t.casefold() == theme.casefold() for t in x.themes))
    ]
    names = type_names(service)
    with Session(service.db) as s:
        texts = {
            f.id: (f.what_happened, f.why)
            for f in s.exec(select(Finding).where(col(Finding.id).in_([x.id for x in facts])))
        }
    items = [
        {
            "case": x.reference,
            "review_type": x.review_type,
            "review_type_name": names.get(x.review_type, x.review_type),
            "number": x.number,
            "year": x.year,
            "what_happened": texts.get(x.id, ("", ""))[0],
            "why": texts.get(x.id, ("", ""))[1],
            "themes": x.themes,
            "agencies": x.agencies,
        }
        for x in facts
    ]
    return {"theme": theme, "items": items}


def _check_period(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise InvalidInput(
            f"The period ends ({end}) before it starts ({start}); swap from and to.",
            ["to is before from"],
        )


def deliveries_in(
    s: Session, start: date, end: date
) -> list[tuple[LearningDelivery, LearningProduct]]:
    """Deliveries made from ``start`` to ``end`` with their products (for the annual report)."""
    return list(
        s.exec(
            select(LearningDelivery, LearningProduct)
            .join(LearningProduct, col(LearningProduct.id) == col(LearningDelivery.product_id))
            .where(
                col(LearningDelivery.delivered_on) >= start,
                col(LearningDelivery.delivered_on) <= end,
            )
            .order_by(col(LearningDelivery.delivered_on), col(LearningDelivery.id))
        )
    )
