"""The annual report's figures of what changed: actions (due, completed on time or late, with
impact evidenced, open and overdue at the end of the year), learning products delivered and
their reach, and the themes of the year's findings (recurring, and seen in earlier years)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from workflow.core.calendar import WorkingCalendar
from workflow.core.definition import Definition
from workflow.core.values import is_blank
from workflow.services import learning
from workflow.services.reports.annual.period import Period
from workflow.services.reports.annual.results import (
    ActionFigures,
    ActionMeasure,
    Actions,
    AgencyActions,
    AgencyReached,
    KindReach,
    Learning,
    Themes,
    YearTheme,
)
from workflow.store.models.learning import LearningDelivery, LearningProduct
from workflow.store.models.records import Action
from workflow.store.unit import Unit

#: An action's status once it is done (to become the records' status enum once it lands).
DONE = "done"


def action_figures(actions: Iterable[Action], period: Period, cutoff: date) -> Actions:
    """Action figures, overall and by owner agency; open and overdue are judged at ``cutoff``
    (the end of the period, or today while it runs)."""
    totals: Counter[str] = Counter()
    by_agency: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for a in actions:
        agency = " ".join(a.owner_agency.split())
        key = agency.casefold()
        names.setdefault(key, agency)
        for m in _measures(a, period, cutoff):
            totals[m] += 1
            by_agency[key][m] += 1
    return Actions(
        as_of=cutoff,
        totals=ActionFigures(**{m: totals[m] for m in ActionMeasure}),
        by_agency=[
            AgencyActions(agency=names[k], **{m: by_agency[k][m] for m in ActionMeasure})
            for k in sorted(by_agency, key=lambda k: names[k].casefold())
            if any(by_agency[k].values())
        ],
    )


def _measures(a: Action, period: Period, cutoff: date) -> list[ActionMeasure]:
    """What one action counts towards."""
    seen: list[ActionMeasure] = []
    if period.contains(a.due_date):
        seen.append(ActionMeasure.DUE)
    done_on = a.completed_on if a.status == DONE else None
    if done_on and period.contains(done_on):
        seen.append(ActionMeasure.COMPLETED)
        on_time = done_on <= a.due_date
        seen.append(ActionMeasure.COMPLETED_ON_TIME if on_time else ActionMeasure.COMPLETED_LATE)
        if not is_blank(a.impact_evidence):
            seen.append(ActionMeasure.IMPACT_EVIDENCED)
    done_by_cutoff = a.status == DONE and (done_on is None or done_on <= cutoff)
    if not done_by_cutoff:
        seen.append(ActionMeasure.OPEN_AT_END)
        if a.due_date < cutoff:
            seen.append(ActionMeasure.OVERDUE_AT_END)
    return seen


def learning_figures(deliveries: Iterable[tuple[LearningDelivery, LearningProduct]]) -> Learning:
    """Products delivered in the period, deliveries and reach, by kind and by agency reached
    (those a delivery names, else the product's audience)."""
    products: dict[int, LearningProduct] = {}
    times: Counter[int] = Counter()
    reach: Counter[int] = Counter()
    agencies: Counter[str] = Counter()
    agency_names: dict[str, str] = {}
    for dl, product in deliveries:
        pid = product.id or 0
        products.setdefault(pid, product)
        times[pid] += 1
        reach[pid] += dl.reach
        for agency in dl.agencies_reached or product.audience_agencies:
            text = " ".join(str(agency).split())
            agency_names.setdefault(text.casefold(), text)
            agencies[text.casefold()] += 1
    by_kind = []
    for kind, label in learning.KIND_LABELS.items():
        ids = [pid for pid, p in products.items() if p.kind == kind]
        by_kind.append(
            KindReach(
                kind=str(kind),
                label=label,
                products=len(ids),
                deliveries=sum(times[i] for i in ids),
                reach=sum(reach[i] for i in ids),
            )
        )
    return Learning(
        products=len(products),
        deliveries=sum(times.values()),
        reach=sum(reach.values()),
        by_kind=by_kind,
        agencies_reached=[
            AgencyReached(agency=agency_names[k], deliveries=n)
            for k, n in sorted(agencies.items(), key=lambda kv: (-kv[1], agency_names[kv[0]]))
        ],
    )


def year_themes(
    u: Unit, calendar: WorkingCalendar, period: Period, defs: Mapping[str, Definition]
) -> Themes:
    """The themes of findings recorded in the period; whether each recurs (in more than one
    review) and whether it was seen in findings recorded before the period."""
    facts = learning.finding_facts(u, calendar, period.start, period.end)
    before = learning.finding_facts(u, calendar, None, period.start - timedelta(days=1))
    earlier = {t.casefold() for x in before for t in x.themes}
    rows = learning.theme_rows(facts, {k: d.name for k, d in defs.items()})
    return Themes(
        findings=len(facts),
        reviews=len({x.case_id for x in facts}),
        recurring=sum(1 for r in rows if r.recurring),
        rows=[
            YearTheme(
                theme=r.theme,
                findings=r.findings,
                problems=r.problems,
                good_practice=r.good_practice,
                reviews=r.reviews,
                recurring=r.recurring,
                seen_before=r.theme.casefold() in earlier,
                review_types=[x.review_type for x in r.review_types],
            )
            for r in rows
        ],
    )
