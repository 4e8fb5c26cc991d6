"""Clock rules: 民法典 第201–203条 on the Chinese working-day calendar (DOMAIN.md)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingfeng.workdays.clock import (
    Deadline,
    WorkCalendar,
    add_months,
    add_working_days,
    deadline_months,
    is_workday,
    period_end_months,
    working_days_between,
)
from qingfeng.workdays.models import CalendarYear, WorkDay

pytestmark = pytest.mark.django_db

D = dt.date


def dates(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def reference_deadline(start: dt.date, n: int) -> dt.date:
    """Count day by day with the package itself (only for years it knows)."""
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return day


# (holiday first day, last day, swapped weekend workdays) as published by the State Council.
HOLIDAYS = {
    "spring_2025": (D(2025, 1, 28), D(2025, 2, 4), [D(2025, 1, 26), D(2025, 2, 8)]),
    "national_2025": (D(2025, 10, 1), D(2025, 10, 8), [D(2025, 9, 28), D(2025, 10, 11)]),
    "spring_2026": (D(2026, 2, 15), D(2026, 2, 23), [D(2026, 2, 14), D(2026, 2, 28)]),
    "national_2026": (D(2026, 10, 1), D(2026, 10, 7), [D(2026, 9, 20), D(2026, 10, 10)]),
}


@pytest.mark.parametrize("key", sorted(HOLIDAYS))
def test_holiday_dates_match_package_and_table(key):
    first, last, swaps = HOLIDAYS[key]
    for day in dates(first, last):
        assert not chinese_calendar.is_workday(day), day
        assert not is_workday(day), day
    for day in swaps:
        assert day.weekday() >= 5  # the swap is a Saturday or Sunday …
        assert chinese_calendar.is_workday(day), day
        assert is_workday(day), day  # … counted as a working day
        assert "调休上班" in WorkDay.objects.get(date=day).note
    # The days around the holiday are ordinary working days.
    assert is_workday(first - dt.timedelta(days=1)) or (first - dt.timedelta(days=1)).weekday() >= 5
    assert is_workday(last + dt.timedelta(days=1))
    # Holiday names are stored in Chinese.
    name = WorkDay.objects.get(date=first).note
    assert name in {"春节", "国庆节"}


# Letters received just before each holiday: (start, n, expected deadline).
DEADLINES = [
    (D(2025, 1, 24), 5, D(2025, 2, 7)),  # Sun 1-26 swap counts; 1-28..2-4 off
    (D(2025, 1, 24), 15, D(2025, 2, 20)),  # Sat 2-8 swap counts
    (D(2025, 9, 30), 5, D(2025, 10, 14)),  # 10-1..10-8 off; Sat 10-11 counts
    (D(2025, 9, 30), 15, D(2025, 10, 28)),
    (D(2026, 2, 13), 5, D(2026, 2, 27)),  # Sat 2-14 swap counts; 2-15..2-23 off
    (D(2026, 2, 13), 15, D(2026, 3, 12)),  # Sat 2-28 swap counts
    (D(2026, 9, 30), 5, D(2026, 10, 13)),  # 10-1..10-7 off; Sat 10-10 counts
    (D(2026, 9, 30), 15, D(2026, 10, 27)),
    (D(2026, 9, 18), 5, D(2026, 9, 24)),  # Sun 9-20 swap counts
]


@pytest.mark.parametrize(("start", "n", "expected"), DEADLINES)
def test_deadlines_around_holidays(start, n, expected):
    assert reference_deadline(start, n) == expected  # the package agrees with the table
    assert add_working_days(start, n) == Deadline(date=expected, provisional=False)
    assert working_days_between(start, expected) == n


def test_start_day_is_not_counted():
    # 2025-03-03 is a Monday: +1 working day is Tuesday, never the start day itself.
    assert add_working_days(D(2025, 3, 3), 1).date == D(2025, 3, 4)
    # A letter received on Saturday: Monday is the first working day.
    assert add_working_days(D(2025, 3, 8), 1).date == D(2025, 3, 10)
    assert working_days_between(D(2025, 3, 3), D(2025, 3, 3)) == 0
    assert working_days_between(D(2025, 3, 10), D(2025, 3, 3)) == 0


def test_n_must_be_positive():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 3, 3), 0)


def test_one_query_range_not_one_per_day(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert add_working_days(D(2026, 2, 13), 15).date == D(2026, 3, 12)
    calendar = WorkCalendar()
    with django_assert_max_num_queries(3):
        for start, n, expected in DEADLINES:
            assert calendar.add_working_days(start, n).date == expected


def test_long_spans_extend_the_range():
    assert add_working_days(D(2025, 1, 1), 250) == Deadline(
        reference_deadline(D(2025, 1, 1), 250), provisional=False
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.dates(min_value=D(2004, 1, 1), max_value=D(2025, 10, 1)),
    n=st.integers(min_value=1, max_value=60),
)
def test_matches_package_everywhere(start, n):
    result = add_working_days(start, n)
    assert result.date == reference_deadline(start, n)
    assert not result.provisional
    assert working_days_between(start, result.date) == n


# -- years the table does not hold ----------------------------------------------------------


def test_missing_year_is_weekends_only_and_provisional():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 1))
    assert not CalendarYear.objects.filter(year=2027).exists()
    # 2026-12-25 (Fri) + 5: 12-28..12-31 then Fri 2027-01-01 by weekends only.
    assert add_working_days(D(2026, 12, 25), 5) == Deadline(D(2027, 1, 1), provisional=True)
    # Entirely inside 2026: final.
    assert add_working_days(D(2026, 12, 21), 4) == Deadline(D(2026, 12, 25), provisional=False)
    assert add_working_days(D(2027, 3, 1), 1) == Deadline(D(2027, 3, 2), provisional=True)
    assert is_workday(D(2027, 1, 1)) and not is_workday(D(2027, 1, 2))


def test_recomputed_after_entering_the_year(county):
    from qingfeng.workdays.services import DayEntry, enter_year

    before = add_working_days(D(2026, 12, 25), 5)
    assert before == Deadline(D(2027, 1, 1), provisional=True)
    enter_year(
        actor=county.users["sysadmin"],
        year=2027,
        rows=[DayEntry(D(2027, 1, 1), False, "元旦")],
    )
    after = add_working_days(D(2026, 12, 25), 5)
    assert after == Deadline(D(2027, 1, 4), provisional=False)


def test_draft_year_stays_provisional(county):
    from qingfeng.workdays.services import confirm_year, enter_year

    admin = county.users["sysadmin"]
    enter_year(actor=admin, year=2027, rows=[(D(2027, 1, 1), False, "元旦")], complete=False)
    assert add_working_days(D(2026, 12, 25), 5) == Deadline(D(2027, 1, 4), provisional=True)
    confirm_year(actor=admin, year=2027)
    assert add_working_days(D(2026, 12, 25), 5) == Deadline(D(2027, 1, 4), provisional=False)


# -- months (民法典 第202–203条) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 1, 15), 1, D(2025, 2, 15)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected
    assert period_end_months(start, months) == expected


def test_deadline_in_months_moves_off_holidays_but_effect_period_does_not():
    # 2025-09-01 + 1 month = 2025-10-01, 国庆节: the deadline moves to 10-09 (first workday).
    assert period_end_months(D(2025, 9, 1), 1) == D(2025, 10, 1)
    assert deadline_months(D(2025, 9, 1), 1) == Deadline(D(2025, 10, 9), provisional=False)
    # Ending on a Saturday moves to Monday.
    assert deadline_months(D(2025, 2, 8), 1) == Deadline(D(2025, 3, 10), provisional=False)
    # A swapped Saturday workday is a working day: no move.
    assert deadline_months(D(2026, 1, 28), 1) == Deadline(D(2026, 2, 28), provisional=False)
    # Ending in a year not entered.
    assert deadline_months(D(2026, 12, 2), 1) == Deadline(D(2027, 1, 4), provisional=True)
