"""The annual report as people read it: its charts, the values its templates read, and the
whole report as one self-contained printable HTML document.

The report's body is one template (``reports/_annual_body.html``) shared by the page and by the
document ``workflow report annual`` writes, so both show the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from web.presentation.charts import bar_chart
from workflow.core.guards.publication import PublishedAs
from workflow.services import learning
from workflow.services.reports.annual import REVIEW_MEASURES, AnnualReport
from workflow.services.reports.annual.results import ClassificationRow

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

REVIEW_SERIES = (("opened", "Opened"), ("completed", "Completed"), ("published", "Published"))
TIMELINESS_SERIES = (
    ("met_on_time", "Met on time"),
    ("met_late", "Met late"),
    ("missed", "Missed"),
    ("open", "Open"),
)
ACTION_SERIES = (("completed", "Completed"), ("overdue_at_end", "Overdue"))
#: The charts show this many themes at most, those of the most reviews first.
CHART_THEMES = 15
PUBLISHED_AS_WORDS = {
    PublishedAs.FULL_REPORT: "Full report",
    PublishedAs.SUMMARY: "Summary only",
    PublishedAs.LEARNING_BRIEF: "Learning brief only",
}


def limit_label(t: Mapping[str, Any]) -> str:
    """A time limit as a reader names it: ``T1: Notification to the national panel``."""
    limit = f"{t['limit']}: " if t.get("limit") else ""
    return f"{limit}{t.get('label') or t['deadline']}"


def charts(report: AnnualReport, names: Mapping[str, str] | None = None) -> dict[str, Markup]:
    """The report's five charts, by section; ``names``: each review type's name, by key (a time
    limit several types share is told apart by its type)."""
    names = names or {}
    reviews = [r for r in report.reviews if any(getattr(r, m) for m in REVIEW_MEASURES)]
    timeliness = report.timeliness
    agencies = report.actions.by_agency
    kinds = report.learning.by_kind
    themes = report.themes.rows[:CHART_THEMES]
    return {
        "reviews": bar_chart(
            "Reviews opened, completed and published, by review type",
            [r.name for r in reviews],
            [(label, [getattr(r, key) for r in reviews]) for key, label in REVIEW_SERIES],
        ),
        "timeliness": bar_chart(
            "Time limits: met on time, met late, missed and still open",
            [
                f"{names.get(str(t['review_type']), str(t['review_type']))}: {limit_label(t)}"
                for t in timeliness
            ],
            [(label, [_count(t[key]) for t in timeliness]) for key, label in TIMELINESS_SERIES],
        ),
        "actions": bar_chart(
            "Actions completed and overdue, by owner agency",
            [a.agency for a in agencies],
            [(label, [getattr(a, key) for a in agencies]) for key, label in ACTION_SERIES],
        ),
        "learning": bar_chart(
            "Reach of learning products, by kind",
            [k.label for k in kinds],
            [("Reach", [k.reach for k in kinds])],
        ),
        "themes": bar_chart(
            "Themes of findings: findings and reviews",
            [t.theme for t in themes],
            [("Findings", [t.findings for t in themes]), ("Reviews", [t.reviews for t in themes])],
        ),
    }


def _count(value: object) -> int:
    return value if isinstance(value, int) else 0


def context(report: AnnualReport, names: Mapping[str, str]) -> dict[str, Any]:
    """What the report's templates read; ``names``: the name of each review type, by key."""
    return {
        "report": report,
        "charts": charts(report, names),
        "names": names,
        "limit_label": limit_label,
        "kind_labels": learning.KIND_LABELS,
        "published_as": PUBLISHED_AS_WORDS,
        "classification_tables": classification_tables(report),
    }


def classification_tables(
    report: AnnualReport,
) -> list[tuple[str, str, list[ClassificationRow]]]:
    """The classification counts as one table per review type and choice, in report order."""
    tables: dict[tuple[str, str], list[ClassificationRow]] = {}
    for row in report.classifications:
        tables.setdefault((row.review_type, row.field), []).append(row)
    return [(review_type, field, rows) for (review_type, field), rows in tables.items()]


def render_document(report: AnnualReport, names: Mapping[str, str]) -> str:
    """The annual report as one self-contained printable HTML document (for the command line)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("reports/annual_document.html").render(**context(report, names))
