"""``workflow report annual``: the board's annual report written to files.

It joins the ``report`` group of ``workflow.cli_time`` through ``register(group)``, called after
``cli_time.register``. The files are the ones the web app serves: the JSON of
``GET /api/v1/reports/annual``, its CSV, and the printable page as one self-contained HTML
document with its charts inline.
"""

from __future__ import annotations

from pathlib import Path

import click

from workflow.cli import time as cli_time
from workflow.services import learning
from workflow.services.reports import annual as annual_report


@click.command("annual")
@click.option("--year", type=int, required=True, help="The year, e.g. 2026.")
@click.option(
    "--start-month",
    type=click.IntRange(1, 12),
    default=None,
    help="The month the year starts: 1 for the calendar year, 4 for April to March "
    "(default: config.toml [reports] annual_start_month).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The folder to write the files to (made if missing).",
)
@click.pass_context
def annual(ctx: click.Context, year: int, start_month: int | None, out: Path) -> None:
    """Write the board's annual report for a year as JSON, CSV and a printable HTML page;
    prints each file's path on a line."""
    # The printable document is the page's template, rendered by web's presentation (neither
    # its pages nor its API); imported here so that no other command loads the web app.
    from web.presentation.annual import render_document

    service = cli_time._Context(ctx).service
    cli_time._require_schema(service)
    report = annual_report.annual(service, None, year, start_month)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / annual_report.file_stem(report)
    files = {
        stem.with_suffix(".json"): annual_report.to_json(report) + "\n",
        stem.with_suffix(".csv"): annual_report.to_csv(report),
        stem.with_suffix(".html"): render_document(report, learning.type_names(service)),
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8", newline="")
        click.echo(str(path))


def register(group: click.Group) -> None:
    """Add ``annual`` to the ``report`` group of ``group`` (``cli_time.register`` adds it)."""
    report = group.commands.get("report")
    if not isinstance(report, click.Group):
        raise RuntimeError("register the time commands (cli_time.register) first")
    report.add_command(annual)
