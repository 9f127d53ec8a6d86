"""The use case: the board's annual report for one year, from the store's facts."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from workflow.core.roles import Actor
from workflow.services import access
from workflow.services.reports import timeliness
from workflow.services.reports.annual.classifications import (
    classification_rows,
    classified_cases,
)
from workflow.services.reports.annual.figures import action_figures, learning_figures, year_themes
from workflow.services.reports.annual.period import Period, period_of
from workflow.services.reports.annual.results import AnnualReport, ReportPeriod
from workflow.services.reports.annual.reviews import Trail, decision_rows, publishes, review_rows

if TYPE_CHECKING:
    from workflow.services.cases import Service


def _report_period(period: Period, now: datetime, today: date) -> ReportPeriod:
    return ReportPeriod(
        year=period.year,
        start_month=period.start_month,
        label=period.label,
        start=period.start,
        end=period.end,
        as_of=now,
        complete=today > period.end,
    )


def annual(
    service: Service, actor: Actor | None, year: int, start_month: int | None = None
) -> AnnualReport:
    """The annual report for the year from ``start_month`` (1: the calendar year; when left
    out, the board's ``[reports] annual_start_month``). With an actor, only the roles that see
    every case may read it; the command line reads it as the system."""
    if actor is not None:
        access.require_role(actor, timeliness.REPORT_ROLES, "read the annual report")
    period = period_of(year, service.annual_start_month if start_month is None else start_month)
    now = service.now()
    calendar = service.calendar
    today = calendar.local_date(now)
    with service.store.read() as u:
        defs = {row.key: d for row, d in service.definitions.latest(u)}
        steps = u.reports.steps()
        cases = {c.id: c for c in u.reports.cases()}
        published = {s.case_id for s in steps if publishes(defs, cases, s)}
        trail = Trail(
            defs,
            cases,
            steps,
            u.reports.publications(published),
            period,
            calendar,
        )
        actions = action_figures(u.reports.actions(), period, min(period.end, today))
        learned = learning_figures(u.learning.deliveries_in(period.start, period.end))
        themes = year_themes(u, calendar, period, defs)
        recorded = classified_cases(trail)
        values = u.reports.data_of(recorded, {k for ks in recorded.values() for k in ks})
    reviews, publications = review_rows(trail)
    return AnnualReport(
        period=_report_period(period, now, today),
        reviews=reviews,
        publications=publications,
        decisions=decision_rows(trail),
        timeliness=[
            row.model_dump(mode="json")
            for row in timeliness.timeliness(service, None, period.start, period.end).deadlines
        ],
        actions=actions,
        learning=learned,
        themes=themes,
        classifications=classification_rows(trail, recorded, values),
    )
