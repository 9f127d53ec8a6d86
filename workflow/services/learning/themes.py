"""Learning across reviews: which themes recur, in which review types and agencies, over which
years, and the good-practice findings gathered as "what good looks like".

Only the roles that see every case read them. A review is named by its case reference and
review type, never by its title or data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from workflow.core.calendar import WorkingCalendar
from workflow.core.errors import InvalidInput
from workflow.core.roles import Actor
from workflow.services import access
from workflow.services.learning.results import (
    AgencyCount,
    GoodPractice,
    GoodPracticeFinding,
    ThemeRow,
    ThemesView,
    TypeCount,
    YearCount,
)
from workflow.services.reports.timeliness import REPORT_ROLES
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

# The kinds of finding (to become the records' FindingKind once it lands on main).
GOOD_PRACTICE = "good_practice"
PROBLEM = "problem"


@dataclass(frozen=True)
class FindingFacts:
    """One finding as the themes view counts it (no free text)."""

    id: int
    case_id: int
    reference: str
    review_type: str
    number: int
    kind: str
    year: int
    recorded_on: date
    themes: list[str]
    agencies: list[str]


def finding_facts(
    u: Unit,
    calendar: WorkingCalendar,
    start: date | None = None,
    end: date | None = None,
    review_type: str | None = None,
) -> list[FindingFacts]:
    """Every finding recorded from ``start`` to ``end`` (London dates, inclusive), with its
    themes and agencies: the agencies of the contributions it draws on and of the actions that
    answer it, else every agency that contributed to its review."""
    kept = []
    for fact in u.learning.finding_facts(review_type):
        day = calendar.local_date(fact.recorded_at)
        if not ((start and day < start) or (end and day > end)):
            kept.append((fact, day))
    ids = [fact.id for fact, _ in kept]
    themes = u.learning.finding_themes(ids)
    agencies = _agencies(u, {fact.id: fact.case_id for fact, _ in kept})
    return [
        FindingFacts(
            f.id,
            f.case_id,
            f.reference,
            f.review_type,
            f.number,
            f.kind,
            day.year,
            day,
            themes.get(f.id, []),
            agencies.get(f.id, []),
        )
        for f, day in kept
    ]


def _agencies(u: Unit, case_of: Mapping[int, int]) -> dict[int, list[str]]:
    """The agencies of each finding (finding id to its case id): see ``finding_facts``."""
    if not case_of:
        return {}
    named = _by_key(u.learning.named_agencies(list(case_of)))
    contributed = _by_key(u.learning.contributing_agencies(set(case_of.values())))
    out = {}
    for fid, cid in case_of.items():
        found = named.get(fid) or contributed.get(cid, {})
        out[fid] = sorted(found.values(), key=str.casefold)
    return out


def _by_key(pairs: Iterable[tuple[int, str]]) -> dict[int, dict[str, str]]:
    """Agency names by key, each spelt as first written (spaces tidied), folded for matching."""
    out: dict[int, dict[str, str]] = defaultdict(dict)
    for key, agency in pairs:
        text = " ".join(agency.split())
        if text:
            out[key].setdefault(text.casefold(), text)
    return out


def _count(items: Iterable[str]) -> list[tuple[str, int]]:
    """How often each appears, most first, then by name."""
    return sorted(Counter(items).items(), key=lambda kv: (-kv[1], kv[0]))


def theme_rows(facts: Sequence[FindingFacts], type_names: Mapping[str, str]) -> list[ThemeRow]:
    """Per theme: findings (problems, good practice), the reviews they come from, whether it
    recurs (in more than one review), and the review types, agencies and years it appears in."""
    by_theme: dict[str, list[FindingFacts]] = defaultdict(list)
    for x in facts:
        for t in x.themes:
            by_theme[t].append(x)
    rows = [_theme_row(theme, items, type_names) for theme, items in by_theme.items()]
    rows.sort(key=lambda r: (-r.reviews, -r.findings, r.theme.casefold()))
    return rows


def _theme_row(
    theme: str, items: Sequence[FindingFacts], type_names: Mapping[str, str]
) -> ThemeRow:
    reviews = sorted({x.reference for x in items})
    return ThemeRow(
        theme=theme,
        findings=len(items),
        problems=sum(1 for x in items if x.kind == PROBLEM),
        good_practice=sum(1 for x in items if x.kind == GOOD_PRACTICE),
        reviews=len(reviews),
        recurring=len(reviews) > 1,
        cases=reviews,
        review_types=[
            TypeCount(review_type=k, name=type_names.get(k, k), findings=n)
            for k, n in _count(x.review_type for x in items)
        ],
        agencies=[
            AgencyCount(agency=k, findings=n)
            for k, n in _count(a for x in items for a in x.agencies)
        ],
        years=[
            YearCount(year=year, findings=n)
            for year, n in sorted(Counter(x.year for x in items).items())
        ],
    )


def type_names(service: Service) -> dict[str, str]:
    """The name of each review type (its latest version's), by key."""
    with service.store.read() as u:
        return names_of_types(u)


def names_of_types(u: Unit) -> dict[str, str]:
    return {r.key: r.name for r in u.catalog.latest()}


def themes_view(
    service: Service,
    actor: Actor,
    start: date | None = None,
    end: date | None = None,
    review_type: str | None = None,
) -> ThemesView:
    """Which themes recur across reviews, in which review types and agencies, over which years;
    for findings recorded from ``start`` to ``end``."""
    access.require_role(actor, REPORT_ROLES, "read the themes across reviews")
    _check_period(start, end)
    with service.store.read() as u:
        facts = finding_facts(u, service.calendar, start, end, review_type)
        rows = theme_rows(facts, names_of_types(u))
    return ThemesView(
        start=start,
        end=end,
        review_type=review_type,
        findings=len(facts),
        unthemed_findings=sum(1 for x in facts if not x.themes),
        reviews=len({x.case_id for x in facts}),
        recurring=sum(1 for r in rows if r.recurring),
        themes=rows,
    )


def good_practice(
    service: Service,
    actor: Actor,
    theme: str | None = None,
    start: date | None = None,
    end: date | None = None,
    review_type: str | None = None,
) -> GoodPractice:
    """ "What good looks like": the good-practice findings, what happened and why, with their
    review (reference and type) and themes."""
    access.require_role(actor, REPORT_ROLES, "read the good practice found in reviews")
    _check_period(start, end)
    wanted = theme.casefold() if theme else None
    with service.store.read() as u:
        facts = [
            x
            for x in finding_facts(u, service.calendar, start, end, review_type)
            if x.kind == GOOD_PRACTICE
            and (wanted is None or any(t.casefold() == wanted for t in x.themes))
        ]
        names = names_of_types(u)
        texts = u.learning.finding_texts([x.id for x in facts])
    items = [
        GoodPracticeFinding(
            case=x.reference,
            review_type=x.review_type,
            review_type_name=names.get(x.review_type, x.review_type),
            number=x.number,
            year=x.year,
            what_happened=texts.get(x.id, ("", ""))[0],
            why=texts.get(x.id, ("", ""))[1],
            themes=x.themes,
            agencies=x.agencies,
        )
        for x in facts
    ]
    return GoodPractice(theme=theme, items=items)


def _check_period(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise InvalidInput(
            f"The period ends ({end}) before it starts ({start}); swap from and to.",
            ["to is before from"],
        )
