"""What a new learning product links, looked up and checked: the reviews by case reference, the
themes by name from the vocabulary, and the findings it draws on (named one by one, or those of
its reviews on its themes); a thematic presentation draws on findings of several reviews."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workflow.services.learning.commands import FindingRef, NewProduct
from workflow.store.models.cases import Case
from workflow.store.models.learning import ProductKind
from workflow.store.models.records import Finding, Theme
from workflow.store.unit import Unit

#: A thematic product draws together the findings of at least this many reviews.
THEMATIC_MIN_REVIEWS = 2


@dataclass(frozen=True)
class Links:
    cases: list[Case]
    themes: list[Theme]
    findings: list[Finding]


def names(values: Iterable[str]) -> list[str]:
    """Short texts with their spaces tidied, without repeats (the first spelling is kept)."""
    out: dict[str, str] = {}
    for item in values:
        text = " ".join(item.split())
        if text:
            out.setdefault(text.casefold(), text)
    return list(out.values())


def resolve(u: Unit, product: NewProduct, problems: list[str]) -> Links:
    """The product's reviews, themes and findings; each one that cannot be found, and each rule
    of a thematic presentation it breaks, is added to ``problems``."""
    cases = _cases(u, names(product.cases), problems)
    themes = _themes(u, names(product.themes), problems)
    if product.names_findings:
        findings = _named_findings(u, product.findings, cases, problems)
    else:
        case_ids = [c.id or 0 for c in cases]
        findings = u.learning.findings_on_themes(case_ids, [t.id or 0 for t in themes])
    if product.kind == ProductKind.THEMATIC_PRESENTATION and not problems:
        problems += _thematic_problems(cases, themes, findings)
    return Links(cases, themes, findings)


def _cases(u: Unit, references: Sequence[str], problems: list[str]) -> list[Case]:
    found = {c.reference.casefold(): c for c in u.learning.cases_by_reference(references)}
    out = []
    for ref in references:
        case = found.get(ref.casefold())
        if case is None:
            problems.append(f"cases: there is no case {ref}.")
        else:
            out.append(case)
    return out


def _themes(u: Unit, wanted: Sequence[str], problems: list[str]) -> list[Theme]:
    if not wanted:
        return []
    vocabulary = {t.name.casefold(): t for t in u.learning.vocabulary()}
    out = []
    for name in wanted:
        theme = vocabulary.get(name.casefold())
        if theme is None:
            known = ", ".join(sorted(t.name for t in vocabulary.values() if t.active)) or "none yet"
            problems.append(f"themes: '{name}' is not in the vocabulary; its themes: {known}.")
        else:
            out.append(theme)
    return out


def _named_findings(
    u: Unit, refs: Sequence[FindingRef], cases: Sequence[Case], problems: list[str]
) -> list[Finding]:
    by_ref = {c.reference.casefold(): c for c in cases}
    out: dict[int, Finding] = {}
    for i, ref in enumerate(refs):
        case = by_ref.get(ref.case.casefold())
        if case is None:
            problems.append(
                f"findings[{i}]: give the case reference of one of the linked reviews and the "
                "finding's number, e.g. {'case': 'SCR-2026-ABC123', 'number': 1}."
            )
            continue
        finding = u.learning.finding(case.id or 0, ref.number)
        if finding is None:
            problems.append(f"findings[{i}]: case {case.reference} has no finding {ref.number}.")
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
