"""The year an annual report covers: the calendar year, or the year from another month (April
to March is a financial year)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from workflow.core.errors import InvalidInput

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
        """``2026`` for a calendar year, ``2026-27`` for a year from another month."""
        if self.start_month == 1:
            return str(self.year)
        return f"{self.year}-{str(self.year + 1)[-2:]}"


def period_of(year: int, start_month: int = 1) -> Period:
    """The year from the first day of ``start_month``; a year the report cannot cover, or a
    month that is none, is refused with each problem."""
    problems = []
    if not MIN_YEAR <= year <= MAX_YEAR:
        problems.append(f"year: a year from {MIN_YEAR} to {MAX_YEAR}, e.g. 2026; got {year!r}.")
    if not 1 <= start_month <= 12:
        problems.append(f"start_month: a month from 1 to 12 (4 for April); got {start_month!r}.")
    if problems:
        raise InvalidInput("The annual report needs a year.", problems)
    start = date(year, start_month, 1)
    following = date(year + 1, start_month, 1)
    return Period(year, start_month, start, following - timedelta(days=1))
