"""The board's annual report: what reviews there were and what they changed, for one year.

For the period (the calendar year, or the year from ``start_month``, e.g. April to March), by
review type:

- **reviews** — ``opened`` (cases opened in the period); ``completed`` (the review's completion
  step taken: a trigger that meets its completion timer — the one named ``completion`` or with
  limit T4 — or, for a type without one, the step into an end state); ``ended`` (first reached
  an end state, by outcome); ``published`` (the ``publish`` step, counted on its recorded
  publication date), ``not_published``, ``delayed`` (publication delayed);
- **decisions** — the steps the chair took, by step;
- **timeliness** — each time limit (T1 …, and the record deadlines of actions and agency
  contributions) through ``workflow.reports.timeliness``, for deadlines due in the period;
- **actions** — due, completed (on time, late), completed with impact evidenced, and open and
  overdue at the end of the period (or today, if it has not ended), overall and by owner agency;
- **learning** — products delivered in the period, deliveries and reach, by kind and by agency
  reached;
- **themes** — the themes of findings recorded in the period: findings, reviews, whether they
  recur (more than one review) and whether they were seen in earlier years.

No child is named: reviews appear by case reference and review type only, never by title or by
any free text from their data.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workflow.core.definition import Definition
from workflow.core.errors import InvalidInput
from workflow.core.events import EventKind
from workflow.core.guards.publication import PUBLISHED_AS
from workflow.core.roles import Actor, Role
from workflow.core.values import BadValue, as_date, is_blank
from workflow.services import access, catalog, learning
from workflow.services.reports import timeliness as reports
from workflow.store.models.cases import Case, Event
from workflow.store.models.records import Action
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

PUBLISH = "publish"
NOT_PUBLISHED = "decide_not_to_publish"
DELAYED = "delay_publication"
REVIEW_MEASURES = ("opened", "completed", "published", "not_published", "delayed")
ACTION_MEASURES = (
    "due",
    "completed",
    "completed_on_time",
    "completed_late",
    "impact_evidenced",
    "open_at_end",
    "overdue_at_end",
)
TIMELINESS_MEASURES = ("total", "met_on_time", "met_late", "missed", "open", "overdue")
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    year: int
    start_month: int
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.start_month == 1:
            return str(self.year)
        return f"{self.year}-{str(self.year + 1)[-2:]}"


def period_of(year: Any, start_month: Any = 1) -> Period:
    problems = []
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        problems.append(f"year: a year from {MIN_YEAR} to {MAX_YEAR}, e.g. 2026; got {year!r}.")
    if (
        not isinstance(start_month, int)
        or isinstance(start_month, bool)
        or not 1 <= start_month <= 12
    ):
        problems.append(f"start_month: a month from 1 to 12 (4 for April); got {start_month!r}.")
    if problems:
        raise InvalidInput("The annual report needs a year.", problems)
    start = date(year, start_month, 1)
    following = date(year + 1, start_month, 1)
    return Period(year, start_month, start, following - timedelta(days=1))


def _label_of(defs: Mapping[str, Definition], review_type: str, trigger: str) -> str:
    d = defs.get(review_type)
    t = next((x for x in d.transitions if x.trigger == trigger), None) if d else None
    return t.label if t and t.label else trigger.replace("_", " ").capitalize()


def completion_triggers(d: Definition) -> set[str]:
    """The steps that complete a review of this type (see the module's docstring)."""
    for timer in d.timers.values():
        if (timer.name == "completion" or timer.limit == "T4") and timer.met_by:
            return set(timer.met_by)
    return {t.trigger for t in d.transitions if t.dest in d.final_states}


def _day(value: Any) -> date | None:
    try:
        return as_date(value, "date")
    except BadValue:
        return None


def annual(
    service: Service, actor: Actor | None, year: Any, start_month: Any = 1
) -> dict[str, Any]:
    """The annual report as a JSON-ready dict (see the module's docstring)."""
    if actor is not None:
        access.require_role(actor, reports.REPORT_ROLES, "read the annual report")
    period = period_of(year, start_month)
    now = service.now()
    calendar = service.calendar
    today = calendar.local_date(now)
    cutoff = min(period.end, today)
    with Session(service.db) as s:
        defs = {r.key: catalog.DEFINITIONS.parsed(r) for r in Unit(s).catalog.latest()}
        cases = {
            int(cid or 0): (ref, rtype, calendar.local_date(created))
            for cid, ref, rtype, created in s.exec(
                select(Case.id, Case.reference, Case.review_type, Case.created_at)
            )
        }
        events = [
            (int(cid), at, trigger, to_state, role)
            for cid, at, trigger, to_state, role in s.execute(
                sa_select(
                    col(Event.case_id),
                    col(Event.at),
                    col(Event.trigger),
                    col(Event.to_state),
                    col(Event.actor_role),
                )
                .where(col(Event.kind) == EventKind.TRANSITION)
                .order_by(col(Event.case_id), col(Event.seq))
            )
        ]
        published_ids = {cid for cid, _, trig, _, _ in events if trig == PUBLISH}
        publication_data = {
            c.id: (c.data.get("published_at"), c.data.get("published_as"))
            for c in s.exec(select(Case).where(col(Case.id).in_(published_ids)))
        }
        actions = list(s.exec(select(Action)))
        deliveries = learning.deliveries_in(s, period.start, period.end)
    review_rows = _reviews(defs, cases, events, publication_data, period, calendar)
    published = review_rows.pop("_published")
    return {
        "period": {
            "year": period.year,
            "start_month": period.start_month,
            "label": period.label,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "as_of": now.isoformat(),
            "complete": today > period.end,
        },
        "reviews": review_rows["rows"],
        "publications": published,
        "decisions": _decisions(defs, cases, events, period, calendar),
        "timeliness": _timeliness(service, period),
        "actions": _actions(actions, period, cutoff),
        "learning": _learning(deliveries),
        "themes": _themes(service, period, defs),
    }


def _reviews(
    defs: Mapping[str, Definition],
    cases: Mapping[int, tuple[str, str, date]],
    events: Iterable[tuple[int, datetime, str | None, str | None, str]],
    publication_data: Mapping[int | None, tuple[Any, Any]],
    period: Period,
    calendar: Any,
) -> dict[str, Any]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    ended: dict[str, Counter[str]] = defaultdict(Counter)
    for _ref, rtype, opened in cases.values():
        if period.contains(opened):
            counts[rtype]["opened"] += 1
    completing = {key: completion_triggers(d) for key, d in defs.items()}
    completed: set[int] = set()
    finished: set[int] = set()
    published: list[dict[str, Any]] = []
    for cid, at, trigger, to_state, _role in events:
        if cid not in cases:
            continue
        ref, rtype, _ = cases[cid]
        d = defs.get(rtype)
        day = calendar.local_date(at)
        if trigger in completing.get(rtype, ()) and cid not in completed:
            completed.add(cid)
            if period.contains(day):
                counts[rtype]["completed"] += 1
        if d is not None and to_state in d.final_states and cid not in finished:
            finished.add(cid)
            if period.contains(day):
                ended[rtype][to_state or ""] += 1
        if trigger == PUBLISH:
            recorded, form = publication_data.get(cid, (None, None))
            on = _day(recorded) or day
            if period.contains(on):
                counts[rtype]["published"] += 1
                published.append(
                    {
                        "case": ref,
                        "review_type": rtype,
                        "published_on": on.isoformat(),
                        "published_as": form if form in PUBLISHED_AS else "full_report",
                    }
                )
        elif trigger == NOT_PUBLISHED and period.contains(day):
            counts[rtype]["not_published"] += 1
        elif trigger == DELAYED and period.contains(day):
            counts[rtype]["delayed"] += 1
    rows = []
    for key in sorted(set(defs) | set(counts)):
        d = defs.get(key)
        rows.append(
            {
                "review_type": key,
                "name": d.name if d else key,
                **{m: counts[key][m] for m in REVIEW_MEASURES},
                "ended": [
                    {"state": state, "label": d.label_of(state) if d else state, "count": n}
                    for state, n in sorted(ended[key].items())
                ],
            }
        )
    published.sort(key=lambda p: (p["published_on"], p["case"]))
    return {"rows": rows, "_published": published}


def _decisions(
    defs: Mapping[str, Definition],
    cases: Mapping[int, tuple[str, str, date]],
    events: Iterable[tuple[int, datetime, str | None, str | None, str]],
    period: Period,
    calendar: Any,
) -> list[dict[str, Any]]:
    """The chair's steps in the period, by review type and step."""
    counts: Counter[tuple[str, str]] = Counter()
    for cid, at, trigger, _to, role in events:
        if (
            role == Role.CHAIR.value
            and trigger
            and cid in cases
            and period.contains(calendar.local_date(at))
        ):
            counts[(cases[cid][1], trigger)] += 1
    return [
        {
            "review_type": rtype,
            "trigger": trigger,
            "label": _label_of(defs, rtype, trigger),
            "count": n,
        }
        for (rtype, trigger), n in sorted(counts.items())
    ]


def _timeliness(service: Service, period: Period) -> list[dict[str, Any]]:
    report = reports.timeliness(service, None, period.start, period.end)
    return [row.model_dump(mode="json") for row in report.deadlines]


def _actions(actions: Iterable[Action], period: Period, cutoff: date) -> dict[str, Any]:
    """Action figures; open and overdue are judged at ``cutoff`` (the end of the period, or
    today while it runs)."""
    totals: Counter[str] = Counter()
    by_agency: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for a in actions:
        agency = " ".join(a.owner_agency.split())
        key = agency.casefold()
        names.setdefault(key, agency)
        seen: list[str] = []
        if period.start <= a.due_date <= period.end:
            seen.append("due")
        done_on = a.completed_on if a.status == "done" else None
        if done_on and period.start <= done_on <= period.end:
            seen.append("completed")
            seen.append("completed_on_time" if done_on <= a.due_date else "completed_late")
            if not is_blank(a.impact_evidence):
                seen.append("impact_evidenced")
        done_by_cutoff = a.status == "done" and (done_on is None or done_on <= cutoff)
        if not done_by_cutoff:
            seen.append("open_at_end")
            if a.due_date < cutoff:
                seen.append("overdue_at_end")
        for m in seen:
            totals[m] += 1
            by_agency[key][m] += 1
    return {
        "as_of": cutoff.isoformat(),
        "totals": {m: totals[m] for m in ACTION_MEASURES},
        "by_agency": [
            {"agency": names[k], **{m: by_agency[k][m] for m in ACTION_MEASURES}}
            for k in sorted(by_agency, key=lambda k: names[k].casefold())
            if any(by_agency[k].values())
        ],
    }


def _learning(deliveries: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    products: dict[int, dict[str, Any]] = {}
    agencies: Counter[str] = Counter()
    agency_names: dict[str, str] = {}
    for dl, product in deliveries:
        item = products.setdefault(
            product.id,
            {"id": product.id, "kind": product.kind, "deliveries": 0, "reach": 0},
        )
        item["deliveries"] += 1
        item["reach"] += dl.reach
        for agency in dl.agencies_reached or product.audience_agencies:
            text = " ".join(str(agency).split())
            agency_names.setdefault(text.casefold(), text)
            agencies[text.casefold()] += 1
    by_kind = []
    for kind, label in learning.KIND_LABELS.items():
        items = [p for p in products.values() if p["kind"] == kind]
        by_kind.append(
            {
                "kind": str(kind),
                "label": label,
                "products": len(items),
                "deliveries": sum(p["deliveries"] for p in items),
                "reach": sum(p["reach"] for p in items),
            }
        )
    return {
        "products": len(products),
        "deliveries": sum(p["deliveries"] for p in products.values()),
        "reach": sum(p["reach"] for p in products.values()),
        "by_kind": by_kind,
        "agencies_reached": [
            {"agency": agency_names[k], "deliveries": n}
            for k, n in sorted(agencies.items(), key=lambda kv: (-kv[1], agency_names[kv[0]]))
        ],
    }


def _themes(service: Service, period: Period, defs: Mapping[str, Definition]) -> dict[str, Any]:
    facts = learning.finding_facts(service, period.start, period.end)
    before = learning.finding_facts(service, None, period.start - timedelta(days=1))
    earlier = {t.casefold() for x in before for t in x.themes}
    rows = learning.theme_rows(facts, {k: d.name for k, d in defs.items()})
    return {
        "findings": len(facts),
        "reviews": len({x.case_id for x in facts}),
        "recurring": sum(1 for r in rows if r["recurring"]),
        "rows": [
            {
                "theme": r["theme"],
                "findings": r["findings"],
                "problems": r["problems"],
                "good_practice": r["good_practice"],
                "reviews": r["reviews"],
                "recurring": r["recurring"],
                "seen_before": r["theme"].casefold() in earlier,
                "review_types": [x["review_type"] for x in r["review_types"]],
            }
            for r in rows
        ],
    }


# -- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = ("section", "review_type", "item", "measure", "value")


def csv_rows(report: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The report as long rows: section, review type, item, measure, value."""
    rows: list[tuple[Any, ...]] = []
    p = report["period"]
    for key in ("label", "from", "to", "as_of"):
        rows.append(("period", "", "", key, p[key]))
    for r in report["reviews"]:
        for m in REVIEW_MEASURES:
            rows.append(("reviews", r["review_type"], "", m, r[m]))
        for e in r["ended"]:
            rows.append(("reviews_ended", r["review_type"], e["state"], "count", e["count"]))
    for x in report["publications"]:
        rows.append(
            ("publications", x["review_type"], x["case"], "published_on", x["published_on"])
        )
        rows.append(
            ("publications", x["review_type"], x["case"], "published_as", x["published_as"])
        )
    for x in report["decisions"]:
        rows.append(("decisions", x["review_type"], x["trigger"], "count", x["count"]))
    for t in report["timeliness"]:
        item = f"{t['limit']} {t['deadline']}".strip()
        for m in TIMELINESS_MEASURES:
            rows.append(("timeliness", t["review_type"], item, m, t[m]))
        for m in ("median", "worst"):
            value = t["lateness_days"][m]
            rows.append(("timeliness", t["review_type"], item, f"lateness_days_{m}", value))
    a = report["actions"]
    for m in ACTION_MEASURES:
        rows.append(("actions", "", "all agencies", m, a["totals"][m]))
    for g in a["by_agency"]:
        for m in ACTION_MEASURES:
            rows.append(("actions", "", g["agency"], m, g[m]))
    lr = report["learning"]
    for m in ("products", "deliveries", "reach"):
        rows.append(("learning", "", "all kinds", m, lr[m]))
    for k in lr["by_kind"]:
        for m in ("products", "deliveries", "reach"):
            rows.append(("learning", "", k["kind"], m, k[m]))
    for g in lr["agencies_reached"]:
        rows.append(("learning_agencies", "", g["agency"], "deliveries", g["deliveries"]))
    th = report["themes"]
    for r in th["rows"]:
        for m in ("findings", "problems", "good_practice", "reviews"):
            rows.append(("themes", "", r["theme"], m, r[m]))
        rows.append(("themes", "", r["theme"], "recurring", "yes" if r["recurring"] else "no"))
        rows.append(("themes", "", r["theme"], "seen_before", "yes" if r["seen_before"] else "no"))
    return rows


def to_csv(report: Mapping[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return out.getvalue()


def _safe_cell(value: Any) -> Any:
    """A text a spreadsheet would run as a formula is written as text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def file_stem(report: Mapping[str, Any]) -> str:
    return f"annual-report-{report['period']['label']}"
