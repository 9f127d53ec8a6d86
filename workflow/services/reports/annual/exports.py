"""The annual report as files: its JSON (as the API answers it) and its CSV, long rows of
section, review type, item, measure and value (every section of the JSON has its rows), so a
spreadsheet can pivot them (a text a spreadsheet would run as a formula is written as text)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from workflow.services.reports.annual.results import (
    ActionMeasure,
    AnnualReport,
    ReviewMeasure,
)

COLUMNS = ("section", "review_type", "item", "measure", "value")
TIMELINESS_MEASURES = ("total", "met_on_time", "met_late", "missed", "open", "overdue")
LEARNING_MEASURES = ("products", "deliveries", "reach")
THEME_MEASURES = ("findings", "problems", "good_practice", "reviews")

Row = tuple[object, ...]


def csv_rows(report: AnnualReport) -> list[Row]:
    """The report as long rows: section, review type, item, measure, value."""
    return [
        *_period(report),
        *_reviews(report),
        *_timeliness(report),
        *_actions(report),
        *_learning(report),
        *_themes(report),
        *_classifications(report),
    ]


def _period(report: AnnualReport) -> Iterator[Row]:
    p = report.period
    yield ("period", "", "", "label", p.label)
    yield ("period", "", "", "from", p.start.isoformat())
    yield ("period", "", "", "to", p.end.isoformat())
    yield ("period", "", "", "as_of", p.as_of.isoformat())


def _reviews(report: AnnualReport) -> Iterator[Row]:
    for r in report.reviews:
        for m in ReviewMeasure:
            yield ("reviews", r.review_type, "", str(m), getattr(r, m))
        for e in r.ended:
            yield ("reviews_ended", r.review_type, e.state, "count", e.count)
    for x in report.publications:
        yield ("publications", x.review_type, x.case, "published_on", x.published_on.isoformat())
        yield ("publications", x.review_type, x.case, "published_as", x.published_as)
    for d in report.decisions:
        yield ("decisions", d.review_type, d.trigger, "count", d.count)


def _timeliness(report: AnnualReport) -> Iterator[Row]:
    for t in report.timeliness:
        item = f"{t['limit']} {t['deadline']}".strip()
        for m in TIMELINESS_MEASURES:
            yield ("timeliness", t["review_type"], item, m, t[m])
        lateness = t["lateness_days"]
        for m in ("median", "worst"):
            value = lateness.get(m) if isinstance(lateness, dict) else None
            yield ("timeliness", t["review_type"], item, f"lateness_days_{m}", value)


def _actions(report: AnnualReport) -> Iterator[Row]:
    a = report.actions
    for m in ActionMeasure:
        yield ("actions", "", "all agencies", str(m), getattr(a.totals, m))
    for g in a.by_agency:
        for m in ActionMeasure:
            yield ("actions", "", g.agency, str(m), getattr(g, m))


def _learning(report: AnnualReport) -> Iterator[Row]:
    lr = report.learning
    for m in LEARNING_MEASURES:
        yield ("learning", "", "all kinds", m, getattr(lr, m))
    for k in lr.by_kind:
        for m in LEARNING_MEASURES:
            yield ("learning", "", k.kind, m, getattr(k, m))
    for g in lr.agencies_reached:
        yield ("learning_agencies", "", g.agency, "deliveries", g.deliveries)


def _themes(report: AnnualReport) -> Iterator[Row]:
    for r in report.themes.rows:
        for m in THEME_MEASURES:
            yield ("themes", "", r.theme, m, getattr(r, m))
        yield ("themes", "", r.theme, "recurring", "yes" if r.recurring else "no")
        yield ("themes", "", r.theme, "seen_before", "yes" if r.seen_before else "no")


def _classifications(report: AnnualReport) -> Iterator[Row]:
    """Each value of each choice (a death's category, its modifiable factors…): the item is the
    value's label, the measure the choice's key, so a pivot gives a column per choice."""
    for c in report.classifications:
        yield ("classifications", c.review_type, c.label, c.field, c.count)


def to_csv(report: AnnualReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in csv_rows(report):
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return out.getvalue()


def _safe_cell(value: object) -> object:
    """A text a spreadsheet would run as a formula is written as text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_json(report: AnnualReport) -> str:
    """The report as the JSON API answers it, indented."""
    return json.dumps(report.model_dump(mode="json"), indent=2)


def file_stem(report: AnnualReport) -> str:
    return f"annual-report-{report.period.label}"
