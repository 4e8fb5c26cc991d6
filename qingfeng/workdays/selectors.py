"""Reads of the working-day calendar. The calendar is global: any signed-in user may read it."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass

from qingfeng.workdays.models import CalendarYear, WorkDay


@dataclass(frozen=True)
class DayInfo:
    """One day as shown or served: weekends-only defaults where the table has no row."""

    date: dt.date
    is_workday: bool
    note: str
    provisional: bool

    @property
    def is_swap(self) -> bool:
        """A weekend day swapped into a working day (调休上班)."""
        return self.is_workday and self.date.weekday() >= 5

    @property
    def css(self) -> str:
        if not self.is_workday:
            return "qf-workday-off"
        return "qf-workday-swap" if self.is_swap else ""

    @property
    def label(self) -> str:
        """Mark under the day number, as on Chinese wall calendars: 休 (holiday) or 班 (调休)."""
        if self.is_swap:
            return "班"
        if not self.is_workday and self.note:
            return "休"
        return ""


@dataclass(frozen=True)
class HolidayRun:
    """One holiday as published: consecutive days off, and the weekend days worked for it."""

    name: str
    first: dt.date
    last: dt.date
    days: int
    swaps: list[dt.date]


@dataclass(frozen=True)
class MonthGrid:
    month: int
    weeks: list[list[DayInfo | None]]


def calendar_year(year: int) -> CalendarYear | None:
    """The year's status row, or ``None`` when the table does not hold the year."""
    return CalendarYear.objects.select_related("entered_by").filter(year=year).first()


def days_between(first: dt.date, last: dt.date, *, provisional: bool) -> list[DayInfo]:
    """Every day of ``[first, last]`` from one range query, weekends-only where missing."""
    rows = {
        day: (workday, note)
        for day, workday, note in WorkDay.objects.filter(date__range=(first, last)).values_list(
            "date", "is_workday", "note"
        )
    }
    out = []
    day = first
    while day <= last:
        workday, note = rows.get(day, (day.weekday() < 5, ""))
        out.append(
            DayInfo(
                date=day,
                is_workday=workday,
                note=note,
                provisional=provisional,
            )
        )
        day += dt.timedelta(days=1)
    return out


def month_days(year: int, month: int) -> list[DayInfo]:
    """The days of one month (API ``/api/calendar/days``)."""
    status = CalendarYear.objects.filter(year=year, complete=True).exists()
    last = _calendar.monthrange(year, month)[1]
    return days_between(dt.date(year, month, 1), dt.date(year, month, last), provisional=not status)


def year_days(year: int, *, provisional: bool) -> list[DayInfo]:
    return days_between(dt.date(year, 1, 1), dt.date(year, 12, 31), provisional=provisional)


def month_grids(year: int, days: list[DayInfo]) -> list[MonthGrid]:
    """Twelve month grids (weeks Monday-first) for the year view."""
    by_date = {d.date: d for d in days}
    months = []
    for month in range(1, 13):
        weeks: list[list[DayInfo | None]] = []
        for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([by_date.get(d) if d.month == month else None for d in week])
        months.append(MonthGrid(month=month, weeks=weeks))
    return months


_SWAP_NAME = re.compile(r"（(.+)）")


def holiday_runs(days: list[DayInfo]) -> list[HolidayRun]:
    """The year's arrangement as a list: each run of named days off with its 调休上班 days.

    A run is consecutive non-working days carrying a note (weekends inside a holiday carry
    its name too); a swapped weekend day joins the run whose name it mentions
    ("调休上班（春节）"), otherwise it is listed on its own.
    """
    runs: list[list[DayInfo]] = []
    gap: list[DayInfo] = []  # plain days off right after a run, kept if the same name resumes
    for day in days:
        if day.is_workday:
            gap = []
        elif not day.note:
            gap.append(day)
        else:
            previous = runs[-1][-1] if runs else None
            bridged = [*gap, day] if previous and previous.note == day.note else [day]
            if previous and previous.date == bridged[0].date - dt.timedelta(days=1):
                runs[-1].extend(bridged)
            else:
                runs.append([day])
            gap = []
    names = []
    for run in runs:
        seen: list[str] = []
        for d in run:
            if d.note and d.note not in seen:
                seen.append(d.note)
        names.append("、".join(seen))
    swaps: list[list[dt.date]] = [[] for _ in runs]
    loose: list[DayInfo] = []
    for day in days:
        if not day.is_swap:
            continue
        match = _SWAP_NAME.search(day.note)
        target = match.group(1) if match else None
        candidates = [i for i, run in enumerate(runs) if target and target in names[i]]
        if candidates:
            # The nearest run of that name (a name may occur twice, e.g. 元旦 of two years).
            best = min(candidates, key=lambda i: abs((runs[i][0].date - day.date).days))
            swaps[best].append(day.date)
        else:
            loose.append(day)
    out = [
        HolidayRun(names[i], run[0].date, run[-1].date, len(run), swaps[i])
        for i, run in enumerate(runs)
    ]
    out.extend(HolidayRun(d.note or "调休上班", d.date, d.date, 0, [d.date]) for d in loose)
    return sorted(out, key=lambda r: r.first)
