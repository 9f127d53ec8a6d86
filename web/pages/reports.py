"""Pages for the board: the printable annual report (with charts drawn here as inline SVG, so
nothing is fetched from elsewhere) and the themes across reviews with "what good looks like".

Only signed-in people whose role sees every case (reviewer, chair, admin) may read them. The
annual report's body is one template (``reports/_annual_body.html``) shared by the page and by
the standalone document ``workflow report annual`` writes, so both show the same figures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from web.pages import helpers
from workflow.core.errors import InvalidInput, PermissionDenied, WorkflowError
from workflow.services import learning
from workflow.services.reports import annual as annual_report
from workflow.services.reports.timeliness import REPORT_ROLES

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

#: GOV.UK colours, one per series; distinguishable in greyscale print by their lightness order.
SERIES_COLOURS = ("#1d70b8", "#00703c", "#f47738", "#d4351c", "#4c2c92", "#505a5f")


# -- charts -----------------------------------------------------------------------------------


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    width: int = 680,
) -> Markup:
    """A horizontal bar chart as inline SVG: one group of bars per category, one bar per series,
    each labelled with its value. Every text is escaped."""
    label_w, value_w, bar_h, gap, top = 230, 40, 14, 10, 8
    legend_h = 22 if len(series) > 1 else 0
    plot_w = width - label_w - value_w
    top += legend_h
    group_h = bar_h * len(series) + gap
    height = top + max(len(categories), 1) * group_h + 6
    biggest = max([v for _, values in series for v in values] + [1])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    x = label_w
    for i, (name, _) in enumerate(series if legend_h else ()):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        out.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="14" font-size="12" fill="#0b0c0c">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    if not categories:
        out.append(
            f'<text x="{label_w}" y="{top + 12}" font-size="13" fill="#505a5f">Nothing to show'
            "</text>"
        )
    for row, category in enumerate(categories):
        y0 = top + row * group_h
        label = category if len(category) <= 34 else category[:33] + "…"
        out.append(
            f'<text x="{label_w - 8}" y="{y0 + group_h / 2}" font-size="12" text-anchor="end" '
            f'dominant-baseline="middle" fill="#0b0c0c">{escape(label)}</text>'
        )
        for i, (name, values) in enumerate(series):
            value = values[row] if row < len(values) else 0
            w = round(plot_w * value / biggest, 1)
            y = y0 + i * bar_h
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h - 2}" fill="{colour}">'
                f"<title>{escape(category)}: {escape(name)} {value}</title></rect>"
            )
            out.append(
                f'<text x="{label_w + w + 4}" y="{y + bar_h - 4}" font-size="11" '
                f'fill="#0b0c0c">{value}</text>'
            )
    out.append(
        f'<line x1="{label_w}" y1="{top - 2}" x2="{label_w}" y2="{height - 4}" '
        'stroke="#505a5f" stroke-width="1"/></svg>'
    )
    return Markup("".join(out))


def annual_charts(report: Mapping[str, Any]) -> dict[str, Markup]:
    reviews = [r for r in report["reviews"] if any(r[m] for m in annual_report.REVIEW_MEASURES)]
    timeliness = report["timeliness"]
    agencies = report["actions"]["by_agency"]
    kinds = report["learning"]["by_kind"]
    themes = report["themes"]["rows"][:15]
    return {
        "reviews": bar_chart(
            "Reviews opened, completed and published, by review type",
            [r["name"] for r in reviews],
            [(label, [r[key] for r in reviews]) for key, label in REVIEW_SERIES],
        ),
        "timeliness": bar_chart(
            "Time limits: met on time, met late, missed and still open",
            [_limit_label(t) for t in timeliness],
            [(label, [t[key] for t in timeliness]) for key, label in TIMELINESS_SERIES],
        ),
        "actions": bar_chart(
            "Actions completed and overdue, by owner agency",
            [a["agency"] for a in agencies],
            [(label, [a[key] for a in agencies]) for key, label in ACTION_SERIES],
        ),
        "learning": bar_chart(
            "Reach of learning products, by kind",
            [k["label"] for k in kinds],
            [("Reach", [k["reach"] for k in kinds])],
        ),
        "themes": bar_chart(
            "Themes of findings: findings and reviews",
            [t["theme"] for t in themes],
            [
                ("Findings", [t["findings"] for t in themes]),
                ("Reviews", [t["reviews"] for t in themes]),
            ],
        ),
    }


REVIEW_SERIES = (("opened", "Opened"), ("completed", "Completed"), ("published", "Published"))
TIMELINESS_SERIES = (
    ("met_on_time", "Met on time"),
    ("met_late", "Met late"),
    ("missed", "Missed"),
    ("open", "Open"),
)
ACTION_SERIES = (("completed", "Completed"), ("overdue_at_end", "Overdue"))


def _limit_label(t: Mapping[str, Any]) -> str:
    limit = f"{t['limit']}: " if t.get("limit") else ""
    return f"{limit}{t.get('label') or t['deadline']}"


def _context(report: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "report": report,
        "charts": annual_charts(report),
        "names": names,
        "limit_label": _limit_label,
        "kind_labels": learning.KIND_LABELS,
        "published_as": PUBLISHED_AS_WORDS,
    }


PUBLISHED_AS_WORDS = {
    "full_report": "Full report",
    "summary": "Summary only",
    "learning_brief": "Learning brief only",
}


def render_document(report: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The annual report as one self-contained printable HTML document (for the command line)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("reports/annual_document.html").render(**_context(report, names))


# -- the blueprint ------------------------------------------------------------------------------


def blueprint() -> Blueprint:
    bp = Blueprint("reports_pages", __name__)
    bp.add_url_rule("/reports/annual", view_func=annual_page)
    bp.add_url_rule("/reports/annual.csv", view_func=annual_csv)
    bp.add_url_rule("/reports/annual.json", view_func=annual_json)
    bp.add_url_rule("/learning/themes", view_func=themes_page)
    bp.before_request(_require_reader)  # after the parent's sign-in check
    bp.register_error_handler(InvalidInput, _invalid)
    bp.record_once(_register_nav_items)
    return bp


def _register_nav_items(state: BlueprintSetupState) -> None:
    helpers.register_nav_item(
        state.app, "Annual report", "pages.reports_pages.annual_page", "reports", roles=REPORT_ROLES
    )
    helpers.register_nav_item(
        state.app, "Themes", "pages.reports_pages.themes_page", "themes", roles=REPORT_ROLES
    )


def _require_reader() -> None:
    if current_user.role not in REPORT_ROLES:
        raise PermissionDenied(
            "Reports summarise every case, so only a reviewer, chair or administrator may read "
            "them."
        )


def _invalid(error: WorkflowError) -> tuple[str, int]:
    return (
        render_template(
            "pages/error.html",
            title="The report could not be made",
            message=" ".join([error.message, *error.details]),
        ),
        400,
    )


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise InvalidInput(f"{name} must be a whole number; got {raw!r}.")
    return int(raw)


def _annual() -> dict[str, Any]:
    svc = helpers.service()
    year = _int_arg("year", helpers.today().year)
    return annual_report.annual(svc, helpers.actor(), year, _int_arg("start_month", 1))


def annual_page() -> str:
    report = _annual()
    names = learning.type_names(helpers.service())
    years = list(range(helpers.today().year, helpers.today().year - 6, -1))
    return render_template(
        "reports/annual.html", years=years, nav="reports", **_context(report, names)
    )


def annual_csv() -> Response:
    report = _annual()
    return Response(
        annual_report.to_csv(report),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{annual_report.file_stem(report)}.csv"'
        },
    )


def annual_json() -> Response:
    report = _annual()
    return Response(
        json.dumps(report, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{annual_report.file_stem(report)}.json"'
        },
    )


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a date written like 2026-04-01; got {raw!r}.") from None


def themes_page() -> str:
    svc = helpers.service()
    who = helpers.actor()
    start, end = _date_arg("from"), _date_arg("to")
    names = learning.type_names(svc)
    review_type = request.args.get("review_type") or None
    if review_type not in names:
        review_type = None
    view = learning.themes_view(svc, who, start, end, review_type)
    good = learning.good_practice(
        svc, who, request.args.get("theme") or None, start, end, review_type
    )
    return render_template(
        "reports/themes.html",
        view=view,
        good=good,
        names=names,
        start=start,
        end=end,
        review_type=review_type or "",
        nav="themes",
    )
