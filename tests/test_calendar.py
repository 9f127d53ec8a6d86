"""Tests for workflow.calendar: working days, durations, deadlines and London time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from workflow.core.calendar import LONDON, Duration, DurationUnit, WorkingCalendar, parse_duration

CAL = WorkingCalendar()


def d(text: str) -> date:
    return date.fromisoformat(text)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# Bank holidays in England and Wales as published by the UK government (gov.uk/bank-holidays),
# weekday (observed) dates only: substitute days replace weekend-dated holidays.
PUBLISHED_BANK_HOLIDAYS: dict[int, list[date]] = {
    2011: [
        date(2011, 1, 3),  # New Year's Day (substitute day)
        date(2011, 4, 22),  # Good Friday
        date(2011, 4, 25),  # Easter Monday
        date(2011, 4, 29),  # Royal wedding
        date(2011, 5, 2),  # Early May bank holiday
        date(2011, 5, 30),  # Spring bank holiday
        date(2011, 8, 29),  # Summer bank holiday
        date(2011, 12, 26),  # Boxing Day
        date(2011, 12, 27),  # Christmas Day (substitute day)
    ],
    2012: [
        date(2012, 1, 2),  # New Year's Day (substitute day)
        date(2012, 4, 6),  # Good Friday
        date(2012, 4, 9),  # Easter Monday
        date(2012, 5, 7),  # Early May bank holiday
        date(2012, 6, 4),  # Spring bank holiday (moved)
        date(2012, 6, 5),  # Queen's Diamond Jubilee
        date(2012, 8, 27),  # Summer bank holiday
        date(2012, 12, 25),  # Christmas Day
        date(2012, 12, 26),  # Boxing Day
    ],
    2013: [
        date(2013, 1, 1),
        date(2013, 3, 29),
        date(2013, 4, 1),
        date(2013, 5, 6),
        date(2013, 5, 27),
        date(2013, 8, 26),
        date(2013, 12, 25),
        date(2013, 12, 26),
    ],
    2014: [
        date(2014, 1, 1),
        date(2014, 4, 18),
        date(2014, 4, 21),
        date(2014, 5, 5),
        date(2014, 5, 26),
        date(2014, 8, 25),
        date(2014, 12, 25),
        date(2014, 12, 26),
    ],
    2015: [
        date(2015, 1, 1),
        date(2015, 4, 3),
        date(2015, 4, 6),
        date(2015, 5, 4),
        date(2015, 5, 25),
        date(2015, 8, 31),
        date(2015, 12, 25),
        date(2015, 12, 28),  # Boxing Day (substitute day)
    ],
    2016: [
        date(2016, 1, 1),
        date(2016, 3, 25),
        date(2016, 3, 28),
        date(2016, 5, 2),
        date(2016, 5, 30),
        date(2016, 8, 29),
        date(2016, 12, 26),  # Boxing Day
        date(2016, 12, 27),  # Christmas Day (substitute day)
    ],
    2017: [
        date(2017, 1, 2),  # New Year's Day (substitute day)
        date(2017, 4, 14),
        date(2017, 4, 17),
        date(2017, 5, 1),
        date(2017, 5, 29),
        date(2017, 8, 28),
        date(2017, 12, 25),
        date(2017, 12, 26),
    ],
    2018: [
        date(2018, 1, 1),
        date(2018, 3, 30),
        date(2018, 4, 2),
        date(2018, 5, 7),
        date(2018, 5, 28),
        date(2018, 8, 27),
        date(2018, 12, 25),
        date(2018, 12, 26),
    ],
    2019: [
        date(2019, 1, 1),
        date(2019, 4, 19),
        date(2019, 4, 22),
        date(2019, 5, 6),
        date(2019, 5, 27),
        date(2019, 8, 26),
        date(2019, 12, 25),
        date(2019, 12, 26),
    ],
    2020: [
        date(2020, 1, 1),
        date(2020, 4, 10),
        date(2020, 4, 13),
        date(2020, 5, 8),  # Early May bank holiday (VE day), moved from Monday 4 May
        date(2020, 5, 25),
        date(2020, 8, 31),
        date(2020, 12, 25),
        date(2020, 12, 28),  # Boxing Day (substitute day)
    ],
    2021: [
        date(2021, 1, 1),
        date(2021, 4, 2),
        date(2021, 4, 5),
        date(2021, 5, 3),
        date(2021, 5, 31),
        date(2021, 8, 30),
        date(2021, 12, 27),  # Christmas Day (substitute day)
        date(2021, 12, 28),  # Boxing Day (substitute day)
    ],
    2022: [
        date(2022, 1, 3),  # New Year's Day (substitute day)
        date(2022, 4, 15),
        date(2022, 4, 18),
        date(2022, 5, 2),
        date(2022, 6, 2),  # Spring bank holiday (moved)
        date(2022, 6, 3),  # Queen's Platinum Jubilee
        date(2022, 8, 29),
        date(2022, 9, 19),  # State funeral of Queen Elizabeth II
        date(2022, 12, 26),  # Boxing Day
        date(2022, 12, 27),  # Christmas Day (substitute day)
    ],
    2023: [
        date(2023, 1, 2),  # New Year's Day (substitute day)
        date(2023, 4, 7),
        date(2023, 4, 10),
        date(2023, 5, 1),
        date(2023, 5, 8),  # Coronation of King Charles III
        date(2023, 5, 29),
        date(2023, 8, 28),
        date(2023, 12, 25),
        date(2023, 12, 26),
    ],
    2024: [
        date(2024, 1, 1),
        date(2024, 3, 29),
        date(2024, 4, 1),
        date(2024, 5, 6),
        date(2024, 5, 27),
        date(2024, 8, 26),
        date(2024, 12, 25),
        date(2024, 12, 26),
    ],
    2025: [
        date(2025, 1, 1),
        date(2025, 4, 18),
        date(2025, 4, 21),
        date(2025, 5, 5),
        date(2025, 5, 26),
        date(2025, 8, 25),
        date(2025, 12, 25),
        date(2025, 12, 26),
    ],
    2026: [
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day (substitute day)
    ],
    2027: [
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),  # Christmas Day (substitute day)
        date(2027, 12, 28),  # Boxing Day (substitute day)
    ],
}


def days_of(year: int) -> list[date]:
    start = date(year, 1, 1)
    return [start + timedelta(days=i) for i in range((date(year + 1, 1, 1) - start).days)]


# --- bank holidays -------------------------------------------------------------------------------


def test_table_covers_2011_to_2027() -> None:
    assert sorted(PUBLISHED_BANK_HOLIDAYS) == list(range(2011, 2028))
    for year, days in PUBLISHED_BANK_HOLIDAYS.items():
        assert all(day.year == year and day.weekday() < 5 for day in days), year
        assert len(days) == len(set(days)), year


@pytest.mark.parametrize("year", sorted(PUBLISHED_BANK_HOLIDAYS))
def test_weekday_bank_holidays_match_published_dates(year: int) -> None:
    calendar = WorkingCalendar()
    observed = {
        day for day in days_of(year) if not calendar.is_working_day(day) and day.weekday() < 5
    }
    assert observed == set(PUBLISHED_BANK_HOLIDAYS[year])


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (d("2020-05-04"), True),  # the early May holiday moved away from this Monday in 2020
        (d("2020-05-08"), False),  # ... to this Friday
        (d("2021-12-24"), True),
        (d("2021-12-25"), False),  # a Saturday: not working because it is a weekend
        (d("2021-12-26"), False),
        (d("2021-12-27"), False),  # substitute days
        (d("2021-12-28"), False),
        (d("2021-12-29"), True),
        (d("2022-09-19"), False),
        (d("2023-05-08"), False),
        (d("2026-06-13"), False),  # Saturday
        (d("2026-06-14"), False),  # Sunday
        (d("2026-06-15"), True),  # plain Monday
        (d("2090-12-25"), False),  # far years expand lazily
        (d("2090-12-27"), True),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_datetime_is_not_accepted_as_a_day() -> None:
    with pytest.raises(TypeError, match="local_date"):
        CAL.is_working_day(datetime(2026, 6, 15, 12, tzinfo=UTC))


# --- closure days --------------------------------------------------------------------------------

CLOSURES = WorkingCalendar(
    closure_days=[
        d("2026-12-24"),
        d("2026-12-29"),
        d("2026-12-30"),
        d("2026-12-31"),
        d("2026-12-26"),  # a Saturday and a bank holiday: changes nothing
    ]
)


def test_closure_day_is_not_a_working_day() -> None:
    assert not CLOSURES.is_working_day(d("2026-12-24"))
    assert CAL.is_working_day(d("2026-12-24"))
    assert CLOSURES.closure_days == frozenset(
        {d("2026-12-24"), d("2026-12-26"), d("2026-12-29"), d("2026-12-30"), d("2026-12-31")}
    )


def test_closure_days_are_skipped_by_add_working_days() -> None:
    # Mon 21, Tue 22, Wed 23 | 24 closed, 25 and 28 holidays, 29-31 closed, 1 Jan holiday | 4, 5 Jan
    assert CLOSURES.add_working_days(d("2026-12-18"), 5) == d("2027-01-05")
    assert CAL.add_working_days(d("2026-12-18"), 5) == d("2026-12-29")


def test_closure_days_are_counted_out_of_working_days_between() -> None:
    assert CLOSURES.working_days_between(d("2026-12-18"), d("2027-01-05")) == 5
    assert CAL.working_days_between(d("2026-12-18"), d("2027-01-05")) == 9
    assert CLOSURES.working_days_between(d("2026-12-23"), d("2026-12-31")) == 0


def test_closure_day_given_as_datetime_is_refused() -> None:
    with pytest.raises(TypeError, match="closure day"):
        WorkingCalendar([datetime(2026, 12, 24, tzinfo=UTC)])


# --- add_working_days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # a plain week
        (d("2026-06-08"), 1, d("2026-06-09")),
        (d("2026-06-08"), 5, d("2026-06-15")),
        (d("2026-06-10"), 5, d("2026-06-17")),
        (d("2026-06-12"), 1, d("2026-06-15")),  # Friday -> Monday
        (d("2026-06-10"), 20, d("2026-07-08")),
        # Christmas and New Year
        (d("2026-12-18"), 5, d("2026-12-29")),  # skips 25 Dec and 28 Dec (Boxing Day substitute)
        (d("2026-12-23"), 5, d("2027-01-04")),  # also skips 1 Jan 2027
        (d("2026-12-24"), 1, d("2026-12-29")),
        (d("2021-12-24"), 1, d("2021-12-29")),  # 27 and 28 Dec 2021 substitutes
        (d("2021-12-31"), 1, d("2022-01-04")),  # 3 Jan 2022 substitute
        # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr
        (d("2026-04-02"), 1, d("2026-04-07")),
        (d("2026-04-01"), 5, d("2026-04-10")),
        # moved early May holiday in 2020
        (d("2020-05-01"), 5, d("2020-05-11")),
        (d("2020-05-01"), 1, d("2020-05-04")),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(start, n) == expected


@pytest.mark.parametrize("n", [0, -1])
def test_add_working_days_needs_n_at_least_one(n: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CAL.add_working_days(d("2026-06-10"), n)


FIVE_WORKING_DAYS = Duration(5, DurationUnit.WORKING_DAYS)


@pytest.mark.parametrize(
    ("aware", "due_date", "due_at"),
    [
        # aware on a Friday: Mon 15 .. Fri 19 June; ends at midnight BST = 23:00 UTC
        (d("2026-06-12"), d("2026-06-19"), utc("2026-06-19T23:00")),
        # aware on a Saturday: counting starts on the Monday, same deadline
        (d("2026-06-13"), d("2026-06-19"), utc("2026-06-19T23:00")),
        # aware on a bank holiday (Mon 4 May 2026): Tue 5 .. Fri 8, Mon 11
        (d("2026-05-04"), d("2026-05-11"), utc("2026-05-11T23:00")),
        # aware on Good Friday 2026: Tue 7 .. Fri 10, Mon 13 April
        (d("2026-04-03"), d("2026-04-13"), utc("2026-04-13T23:00")),
        # aware on the Saturday before a bank holiday Monday
        (d("2026-05-02"), d("2026-05-11"), utc("2026-05-11T23:00")),
        # aware on a Friday before Christmas: winter, midnight GMT
        (d("2026-12-18"), d("2026-12-29"), utc("2026-12-30T00:00")),
    ],
)
def test_five_working_days_of_becoming_aware(aware: date, due_date: date, due_at: datetime) -> None:
    assert CAL.due(aware, FIVE_WORKING_DAYS) == (due_date, due_at)
    # "within 5 working days" = by the end of the 5th working day after the day of awareness
    assert CAL.working_days_between(aware, due_date) == 5
    assert CAL.is_working_day(due_date)
    assert CAL.local_date(due_at - timedelta(microseconds=1)) == due_date
    assert CAL.local_date(due_at) == due_date + timedelta(days=1)


# --- last_day ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "duration", "expected"),
    [
        (d("2026-08-31"), "6 months", d("2027-02-28")),
        (d("2027-08-31"), "6 months", d("2028-02-29")),  # leap year
        (d("2024-01-31"), "1 month", d("2024-02-29")),
        (d("2023-01-31"), "1 month", d("2023-02-28")),
        (d("2026-03-15"), "1 month", d("2026-04-15")),
        (d("2026-03-31"), "1 month", d("2026-04-30")),
        (d("2026-11-30"), "3 months", d("2027-02-28")),
        (d("2026-12-15"), "1 month", d("2027-01-15")),
        (d("2026-07-31"), "12 months", d("2027-07-31")),
        (d("2026-03-15"), "14 days", d("2026-03-29")),
        (d("2026-12-25"), "1 day", d("2026-12-26")),  # calendar days ignore holidays
        (d("2026-03-15"), "2 weeks", d("2026-03-29")),
        (d("2026-03-15"), "1 week", d("2026-03-22")),
        (d("2026-12-18"), "5 working days", d("2026-12-29")),
        (d("2026-06-12"), "15 working days", d("2026-07-03")),
    ],
)
def test_last_day(anchor: date, duration: str, expected: date) -> None:
    assert CAL.last_day(anchor, parse_duration(duration)) == expected


def test_last_day_beyond_supported_dates_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="beyond the last supported date"):
        CAL.last_day(date(9999, 12, 1), Duration(1, DurationUnit.MONTHS))
    with pytest.raises(ValueError, match="beyond the last supported date"):
        CAL.last_day(date(9999, 12, 30), Duration(14, DurationUnit.DAYS))


# --- London time ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (d("2026-03-28"), utc("2026-03-29T00:00")),  # last GMT day
        (d("2026-03-29"), utc("2026-03-29T23:00")),  # first BST day (23 hours long)
        (d("2026-10-24"), utc("2026-10-24T23:00")),  # last full BST day
        (d("2026-10-25"), utc("2026-10-26T00:00")),  # clocks go back (25 hours long)
        (d("2024-03-30"), utc("2024-03-31T00:00")),
        (d("2024-03-31"), utc("2024-03-31T23:00")),
        (d("2024-10-26"), utc("2024-10-26T23:00")),
        (d("2024-10-27"), utc("2024-10-28T00:00")),
        (d("2026-01-15"), utc("2026-01-16T00:00")),
        (d("2026-07-15"), utc("2026-07-15T23:00")),
    ],
)
def test_end_of_day_across_clock_changes(day: date, end: datetime) -> None:
    result = CAL.end_of_day(day)
    assert result == end
    assert result.tzinfo is UTC


def test_end_of_day_and_local_date_agree_every_day_of_2024_to_2027() -> None:
    day = d("2024-01-01")
    while day.year < 2028:
        end = CAL.end_of_day(day)
        assert CAL.local_date(end - timedelta(microseconds=1)) == day
        assert CAL.local_date(end) == day + timedelta(days=1)
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # summer (BST, UTC+1): local midnight is 23:00 UTC
        (utc("2026-07-14T22:59:59.999999"), d("2026-07-14")),
        (utc("2026-07-14T23:00"), d("2026-07-15")),
        # winter (GMT, UTC+0)
        (utc("2026-01-14T23:59:59.999999"), d("2026-01-14")),
        (utc("2026-01-15T00:00"), d("2026-01-15")),
        # other offsets are converted, not read as local
        (datetime(2026, 7, 15, 4, 59, tzinfo=timezone(timedelta(hours=6))), d("2026-07-14")),
        (datetime(2026, 7, 15, 5, 0, tzinfo=timezone(timedelta(hours=6))), d("2026-07-15")),
        (datetime(2026, 7, 15, 0, 30, tzinfo=LONDON), d("2026-07-15")),
    ],
)
def test_local_date(instant: datetime, expected: date) -> None:
    assert CAL.local_date(instant) == expected


def test_local_date_rejects_naive_datetime() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        CAL.local_date(datetime(2026, 7, 14, 23, 30))


# --- durations -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("5 working days", 5, DurationUnit.WORKING_DAYS),
        ("1 working day", 1, DurationUnit.WORKING_DAYS),
        ("14 days", 14, DurationUnit.DAYS),
        ("1 day", 1, DurationUnit.DAYS),
        ("2 weeks", 2, DurationUnit.WEEKS),
        ("1 week", 1, DurationUnit.WEEKS),
        ("6 months", 6, DurationUnit.MONTHS),
        ("1 month", 1, DurationUnit.MONTHS),
        ("  15   Working   DAYS \n", 15, DurationUnit.WORKING_DAYS),
        ("\t1 MONTH", 1, DurationUnit.MONTHS),
        ("12 Months", 12, DurationUnit.MONTHS),
        ("7days", 7, DurationUnit.DAYS),
        ("1 working days", 1, DurationUnit.WORKING_DAYS),
    ],
)
def test_parse_duration(text: str, amount: int, unit: DurationUnit) -> None:
    assert parse_duration(text) == Duration(amount, unit)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2 fortnights", "unknown unit 'fortnights' in '2 fortnights'; use one of: working days, "),
        ("5 working", "unknown unit 'working'"),
        ("five days", "'five days' does not start with a whole number; write it like '5 working"),
        ("days", "does not start with a whole number"),
        ("0 days", "must be at least 1, not 0"),
        ("-3 working days", "must be at least 1, not -3"),
        ("", "the duration is empty"),
        ("   ", "the duration is empty"),
        ("5", "'5' has no unit; use one of: working days, days, weeks, months"),
        ("1.5 days", "'1.5' in '1.5 days' is not a whole number"),
    ],
)
def test_parse_duration_rejects_bad_input(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(5, DurationUnit.WORKING_DAYS), "5 working days"),
        (Duration(1, DurationUnit.WORKING_DAYS), "1 working day"),
        (Duration(14, DurationUnit.DAYS), "14 days"),
        (Duration(1, DurationUnit.DAYS), "1 day"),
        (Duration(2, DurationUnit.WEEKS), "2 weeks"),
        (Duration(1, DurationUnit.WEEKS), "1 week"),
        (Duration(6, DurationUnit.MONTHS), "6 months"),
        (Duration(1, DurationUnit.MONTHS), "1 month"),
    ],
)
def test_duration_str_round_trips(duration: Duration, text: str) -> None:
    assert str(duration) == text
    assert parse_duration(text) == duration


@pytest.mark.parametrize("amount", [0, -1])
def test_duration_amount_must_be_at_least_one(amount: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Duration(amount, DurationUnit.DAYS)


def test_duration_accepts_unit_spelling_and_rejects_unknown() -> None:
    assert Duration(2, "weeks").unit is DurationUnit.WEEKS  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="use one of"):
        Duration(2, "fortnights")  # type: ignore[arg-type]


# --- working_days_between ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (d("2026-12-18"), d("2026-12-29"), 5),
        (d("2026-06-08"), d("2026-06-15"), 5),
        (d("2026-06-12"), d("2026-06-13"), 0),  # Friday -> Saturday
        (d("2026-06-12"), d("2026-06-15"), 1),
        (d("2026-06-13"), d("2026-06-15"), 1),  # start on a weekend
        (d("2026-06-15"), d("2026-06-15"), 0),
        (d("2026-06-15"), d("2026-06-10"), 0),  # end before start
        (d("2026-12-31"), d("2027-01-04"), 1),  # across the year end, 1 Jan is a holiday
        (d("2025-12-31"), d("2026-12-31"), 253),  # all of 2026: 261 weekdays, 8 bank holidays
        (d("2020-05-03"), d("2020-05-10"), 4),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert CAL.working_days_between(start, end) == expected


def test_working_days_between_agrees_with_day_by_day_count() -> None:
    calendar = WorkingCalendar(closure_days=[d("2026-04-07"), d("2026-12-24"), d("2027-01-02")])
    first = d("2025-12-20")
    days = [first + timedelta(days=i) for i in range(420)]
    working = [day for day in days if calendar.is_working_day(day)]
    for start in days[::17]:
        for end in days[::23]:
            expected = sum(1 for day in working if start < day <= end)
            assert calendar.working_days_between(start, end) == expected, (start, end)


@pytest.mark.parametrize("n", [1, 2, 5, 15, 20, 60])
def test_add_working_days_and_working_days_between_agree(n: int) -> None:
    day = d("2026-03-01")
    while day < d("2027-03-01"):
        after = CAL.add_working_days(day, n)
        assert CAL.working_days_between(day, after) == n
        assert CAL.is_working_day(after)
        day += timedelta(days=1)
