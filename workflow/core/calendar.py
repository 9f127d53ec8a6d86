"""Working days, durations and deadlines, judged in Europe/London time.

This module owns the product's notion of time limits: what a working day is (Monday to Friday,
not a bank holiday in England and Wales, not one of the board's own closure days), how a written
duration such as ``"5 working days"`` or ``"6 months"`` is parsed, how the last permitted date is
counted from an anchor date, and the instant at which that date ends in London, in UTC.

It is pure: no I/O, no clock reads and no config reading. Callers pass dates and the board's
closure days in. Bank holidays come from the ``holidays`` package (England subdivision of GB),
which includes substitute, moved and one-off days and expands each year lazily on first use.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "LONDON",
    "CalendarKind",
    "Duration",
    "DurationUnit",
    "WorkingCalendar",
    "parse_duration",
]

LONDON: ZoneInfo = ZoneInfo("Europe/London")

_ONE_DAY = timedelta(days=1)
_EXAMPLE = "write it like '5 working days'"


class DurationUnit(StrEnum):
    """The units a time limit may be written in. The value is the plural spelling."""

    WORKING_DAYS = "working days"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"

    @property
    def singular(self) -> str:
        return self.value[:-1]


class CalendarKind(StrEnum):
    """Which working days a time limit counts: England and Wales bank holidays only (every
    statutory limit, and the default), or those and the board's own closure days (only the
    board's policy limits, where the definition says so)."""

    BANK_HOLIDAYS = "bank_holidays"
    BOARD = "board"


_UNIT_CHOICES = ", ".join(u.value for u in DurationUnit)
_UNITS_BY_SPELLING: dict[str, DurationUnit] = {}
for _unit in DurationUnit:
    _UNITS_BY_SPELLING[_unit.value] = _unit
    _UNITS_BY_SPELLING[_unit.singular] = _unit


@dataclass(frozen=True)
class Duration:
    """A time limit such as 5 working days or 6 months; ``amount`` is a whole number >= 1."""

    amount: int
    unit: DurationUnit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValueError(
                f"duration amount must be a whole number, not {self.amount!r}; {_EXAMPLE}"
            )
        if self.amount < 1:
            raise ValueError(f"duration amount must be at least 1, not {self.amount}; {_EXAMPLE}")
        if not isinstance(self.unit, DurationUnit):
            try:
                unit = DurationUnit(self.unit)
            except ValueError:
                raise ValueError(
                    f"unknown unit {self.unit!r}; use one of: {_UNIT_CHOICES}"
                ) from None
            object.__setattr__(self, "unit", unit)

    def __str__(self) -> str:
        word = self.unit.singular if self.amount == 1 else self.unit.value
        return f"{self.amount} {word}"


_DURATION_RE = re.compile(r"([+-]?[0-9]+(?:[.,][0-9]*)?)\s*(.*)", re.ASCII | re.DOTALL)


def parse_duration(text: str) -> Duration:
    """Parse ``"5 working days"``, ``"1 month"``, ``"2 Weeks"`` ... into a :class:`Duration`.

    Case-insensitive; surrounding and repeated inner whitespace is tolerated; singular and plural
    spellings are both accepted. Raises ``ValueError`` saying what is wrong and how to fix it.
    """
    stripped = text.strip()
    if not stripped:
        return _fail(f"the duration is empty; {_EXAMPLE}")
    match = _DURATION_RE.fullmatch(stripped)
    if match is None:
        return _fail(f"{text!r} does not start with a whole number; {_EXAMPLE}")
    number, rest = match.groups()
    if not re.fullmatch(r"[+-]?[0-9]+", number):
        return _fail(f"the amount {number!r} in {text!r} is not a whole number; {_EXAMPLE}")
    amount = int(number)
    if amount < 1:
        return _fail(f"the amount in {text!r} must be at least 1, not {amount}; {_EXAMPLE}")
    spelling = " ".join(rest.lower().split())
    if not spelling:
        return _fail(f"{text!r} has no unit; use one of: {_UNIT_CHOICES}")
    unit = _UNITS_BY_SPELLING.get(spelling)
    if unit is None:
        return _fail(f"unknown unit {rest.strip()!r} in {text!r}; use one of: {_UNIT_CHOICES}")
    return Duration(amount, unit)


def _fail(message: str) -> Duration:
    raise ValueError(message)


def _weekdays_through(ordinal: int) -> int:
    """Monday-to-Friday days with proleptic ordinal in [1, ordinal]; ordinal 1 is a Monday."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _require_date(day: date, name: str = "day") -> date:
    if isinstance(day, datetime):
        raise TypeError(
            f"{name} must be a date, not a datetime; convert instants with local_date() first"
        )
    return day


def _add_months(day: date, months: int) -> date:
    """Same day of month ``months`` later, clamped to the last day of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    if not date.min.year <= year <= date.max.year:
        raise OverflowError(f"year {year} is out of range")
    month = month0 + 1
    month_length = 31 if month == 12 else (date(year, month + 1, 1) - _ONE_DAY).day
    return date(year, month, min(day.day, month_length))


class WorkingCalendar:
    """Working days in England and Wales plus the board's own closure days.

    A working day is Monday to Friday, not a bank holiday (including substitute, moved and
    one-off days) and not a closure day. Each year's non-working weekdays are worked out on first
    use and kept, so years far ahead or behind work without configuration.
    """

    def __init__(self, closure_days: Iterable[date] = ()) -> None:
        closures = frozenset(_require_date(d, "closure day") for d in closure_days)
        self._closure_days = closures
        # Keep the lazily-expanding object: it populates a whole year when a date in it is
        # looked up. It also holds weekend-dated originals (25 Dec 2021, a Saturday) beside the
        # observed substitutes, which is harmless because weekends are excluded first.
        self._holidays = holidays.country_holidays("GB", subdiv="ENG", observed=True, expand=True)
        self._off_by_year: dict[int, frozenset[date]] = {}
        self._lock = threading.Lock()
        self._bank_holidays_only: WorkingCalendar | None = None

    @property
    def closure_days(self) -> frozenset[date]:
        return self._closure_days

    def of_kind(self, kind: CalendarKind | str) -> WorkingCalendar:
        """This calendar (``board``), or one counting bank holidays only (``bank_holidays``)."""
        if CalendarKind(kind) == CalendarKind.BOARD or not self._closure_days:
            return self
        with self._lock:
            if self._bank_holidays_only is None:
                self._bank_holidays_only = WorkingCalendar()
            return self._bank_holidays_only

    def _off_weekdays(self, year: int) -> frozenset[date]:
        """Weekdays of ``year`` that are bank holidays or closure days."""
        off = self._off_by_year.get(year)
        if off is not None:
            return off
        with self._lock:
            off = self._off_by_year.get(year)
            if off is not None:
                return off
            # Populate neighbouring years too, so a holiday observed across a year boundary
            # would be seen (none is today in England, but the rule is the package's to keep).
            for y in (year - 1, year, year + 1):
                if date.min.year <= y <= date.max.year:
                    _ = date(y, 1, 1) in self._holidays
            days = {d for d in self._holidays if d.year == year and d.weekday() < 5}
            days.update(d for d in self._closure_days if d.year == year and d.weekday() < 5)
            off = frozenset(days)
            self._off_by_year[year] = off
            return off

    def is_working_day(self, day: date) -> bool:
        _require_date(day)
        return day.weekday() < 5 and day not in self._off_weekdays(day.year)

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day strictly after ``day`` (which need not be a working day)."""
        _require_date(day)
        if n < 1:
            raise ValueError(f"n must be at least 1 to count working days forward, not {n}")
        current = day
        year = day.year
        off = self._off_weekdays(year)
        remaining = n
        while remaining:
            current += _ONE_DAY
            if current.year != year:
                year = current.year
                off = self._off_weekdays(year)
            if current.weekday() < 5 and current not in off:
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days ``d`` with ``start < d <= end``; 0 if ``end <= start``."""
        _require_date(start, "start")
        _require_date(end, "end")
        if end <= start:
            return 0
        count = _weekdays_through(end.toordinal()) - _weekdays_through(start.toordinal())
        for year in range(start.year, end.year + 1):
            count -= sum(1 for d in self._off_weekdays(year) if start < d <= end)
        return count

    def last_day(self, anchor: date, duration: Duration) -> date:
        """The last permitted local date of a time limit of ``duration`` counted from ``anchor``."""
        _require_date(anchor, "anchor")
        n = duration.amount
        try:
            match duration.unit:
                case DurationUnit.WORKING_DAYS:
                    return self.add_working_days(anchor, n)
                case DurationUnit.DAYS:
                    return anchor + timedelta(days=n)
                case DurationUnit.WEEKS:
                    return anchor + timedelta(weeks=n)
                case DurationUnit.MONTHS:
                    return _add_months(anchor, n)
        except OverflowError:
            raise ValueError(
                f"{duration} after {anchor.isoformat()} is beyond the last supported date"
            ) from None
        raise ValueError(f"unknown unit {duration.unit!r}; use one of: {_UNIT_CHOICES}")

    def due(self, anchor: date, duration: Duration) -> tuple[date, datetime]:
        """``(due_date, due_at)``: the last permitted date and the UTC instant it ends."""
        due_date = self.last_day(anchor, duration)
        return due_date, self.end_of_day(due_date)

    def end_of_day(self, day: date) -> datetime:
        """The UTC instant at which ``day`` ends in London: local midnight starting the next day."""
        _require_date(day)
        next_midnight = datetime.combine(day + _ONE_DAY, time(0), tzinfo=LONDON)
        return next_midnight.astimezone(UTC)

    def local_date(self, instant: datetime) -> date:
        """The Europe/London date of an aware instant; a naive datetime is refused."""
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError(
                f"{instant.isoformat()} has no time zone; pass an aware datetime "
                "(for example with tzinfo=datetime.timezone.utc)"
            )
        return instant.astimezone(LONDON).date()
