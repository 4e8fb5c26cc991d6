"""Deadlines on the working-day calendar (DESIGN.md §3 "Clocks"; DOMAIN.md "Counting periods").

Rules encoded here:

- 民法典 第201条: the day of the triggering event is not counted; a "within N working
  days" deadline is the Nth working day *after* it.
- 工作日: weekends and statutory holidays are off; weekend days the State Council swaps into
  workdays (调休上班) are on. The table ``WorkDay`` holds every day of each entered year.
- 民法典 第202条: a period in months or years ends on the same-numbered day of the final
  month, or on that month's last day when it has no such day.
- 民法典 第203条: when a *deadline* falls on a statutory holiday (or weekend) it moves to the
  day after the holiday ends; an *effect period* of a sanction does not move.
- DESIGN.md §3: for a year the table does not hold completely, assume weekends only and mark
  the result provisional; it is recomputed when the year is entered
  (``qingfeng.workdays.services.on_year_entered``).

Days are loaded by range (one query for the days, one for the complete years), never one
query per day. For many clocks at once, build one ``WorkCalendar`` and reuse it.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass

from qingfeng.workdays.models import CalendarYear, WorkDay

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    """A computed deadline; ``provisional`` when it rests on a year not yet entered."""

    date: dt.date
    provisional: bool


def _span_for(n: int) -> dt.timedelta:
    # n working days fit in n*7/5 calendar days plus the longest holiday run (≈ 10 days).
    return dt.timedelta(days=n * 7 // 5 + 21)


class WorkCalendar:
    """The working-day table loaded for a date range, extended on demand.

    Days missing from the table count by weekends only (Mon–Fri on); a year not marked
    complete in ``CalendarYear`` makes every result that touches it provisional.
    """

    def __init__(self) -> None:
        self._days: dict[dt.date, bool] = {}
        self._first: dt.date | None = None
        self._last: dt.date | None = None
        self._complete: set[int] | None = None

    # -- loading ---------------------------------------------------------------------------

    def _load_days(self, first: dt.date, last: dt.date) -> None:
        self._days.update(
            WorkDay.objects.filter(date__range=(first, last)).values_list("date", "is_workday")
        )

    def ensure(self, first: dt.date, last: dt.date) -> None:
        """Make sure ``[first, last]`` is loaded (at most two range queries).

        Whole years are loaded (365 small rows each) so a calendar reused for many clocks
        rarely needs another query.
        """
        first = dt.date(first.year, 1, 1)
        last = dt.date(last.year, 12, 31)
        if self._first is None or self._last is None:
            self._load_days(first, last)
            self._first, self._last = first, last
            return
        if first < self._first:
            self._load_days(first, self._first - ONE_DAY)
            self._first = first
        if last > self._last:
            self._load_days(self._last + ONE_DAY, last)
            self._last = last

    def _complete_years(self) -> set[int]:
        if self._complete is None:
            self._complete = set(
                CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
            )
        return self._complete

    # -- questions -------------------------------------------------------------------------

    def is_workday(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day (table first, weekends-only where missing)."""
        self.ensure(day, day)
        known = self._days.get(day)
        return known if known is not None else day.weekday() < 5

    def is_final(self, year: int) -> bool:
        """Whether ``year`` is entered completely (clocks on it are not provisional)."""
        return year in self._complete_years()

    def _provisional(self, first: dt.date, last: dt.date) -> bool:
        return any(not self.is_final(y) for y in range(first.year, last.year + 1))

    def add_working_days(self, start: dt.date, n: int) -> Deadline:
        """The Nth working day after ``start`` (民法典 第201条: the start day is not counted)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        self.ensure(start, start + _span_for(n))
        day = start
        counted = 0
        while counted < n:
            day += ONE_DAY
            if self._last is None or day > self._last:
                self.ensure(start, day + _span_for(n - counted))
            if self.is_workday(day):
                counted += 1
        return Deadline(date=day, provisional=self._provisional(start + ONE_DAY, day))

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after ``a`` up to and including ``b`` (0 when ``b <= a``)."""
        if b <= a:
            return 0
        self.ensure(a + ONE_DAY, b)
        count = 0
        day = a + ONE_DAY
        while day <= b:
            count += self.is_workday(day)
            day += ONE_DAY
        return count

    def next_workday(self, day: dt.date) -> Deadline:
        """``day`` itself when it is a working day, else the first working day after it.

        民法典 第203条: a deadline on a statutory holiday moves to the day after it ends.
        """
        self.ensure(day, day + dt.timedelta(days=21))
        first = day
        while not self.is_workday(day):
            day += ONE_DAY
        return Deadline(date=day, provisional=self._provisional(first, day))

    def deadline_months(self, start: dt.date, months: int) -> Deadline:
        """A deadline of ``months`` months after ``start``, moved off non-working days."""
        return self.next_workday(add_months(start, months))


# -- pure calendar arithmetic ----------------------------------------------------------------


def add_months(start: dt.date, months: int) -> dt.date:
    """The same-numbered day ``months`` months later, or that month's last day (民法典 第202条).

    2025-01-31 + 1 month = 2025-02-28; 2024-01-31 + 1 month = 2024-02-29. Years are
    ``12 * years`` months. ``months`` may be negative.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last_day = _calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(start.day, last_day))


def period_end_months(start: dt.date, months: int) -> dt.date:
    """End of a period of ``months`` months that does *not* move off holidays.

    For sanction effect periods (处分影响期): DOMAIN.md "Counting periods" — an effect
    period ends on the same-numbered day (民法典 第202条) even on a holiday.
    """
    return add_months(start, months)


# -- one-off helpers (one WorkCalendar per call) ------------------------------------------------


def add_working_days(start: dt.date, n: int) -> Deadline:
    """The deadline of "within ``n`` working days" of ``start``.

    民法典 第201条: the start day is not counted, so the deadline is the Nth working day
    after ``start``; 调休 weekend workdays count, statutory holidays do not. Provisional
    when any counted day lies in a year not entered completely (weekends-only assumed).
    """
    return WorkCalendar().add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days after ``a`` up to and including ``b`` (0 when ``b <= a``).

    Same counting as ``add_working_days`` (民法典 第201条): ``a`` itself never counts.
    """
    return WorkCalendar().working_days_between(a, b)


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is a working day on the calendar (weekends-only for missing years)."""
    return WorkCalendar().is_workday(day)


def deadline_months(start: dt.date, months: int) -> Deadline:
    """A deadline of ``months`` months after ``start`` (民法典 第202–203条).

    Ends on the same-numbered day of the final month (its last day when none); if that day
    is not a working day the deadline moves to the next working day.
    """
    return WorkCalendar().deadline_months(start, months)
