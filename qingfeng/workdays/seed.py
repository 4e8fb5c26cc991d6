"""Seeding the working-day table from the ``chinese_calendar`` package.

Used by the data migration (with historical models) and by ``manage.py seed_calendar``.
The package holds the State Council's arrangements for 2004–2026 and raises
``NotImplementedError`` for other years; those years are entered by an administrator
(``qingfeng.workdays.services.enter_year``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import chinese_calendar

# The package's English holiday names → the names printed on Chinese calendars.
HOLIDAY_NAMES: dict[str, str] = {h.value: h.chinese for h in chinese_calendar.Holiday}
SWAP_NOTE = "调休上班"


def package_years() -> range:
    """The years the installed package knows (2004–2026 for chinesecalendar 1.11)."""
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def year_dates(year: int) -> Iterator[dt.date]:
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def package_days(year: int) -> list[tuple[dt.date, bool, str]]:
    """Every day of ``year`` as ``(date, is_workday, note)`` from the package.

    Holidays carry their Chinese name ("春节"); weekend days swapped into workdays carry
    "调休上班（春节）". Raises ``NotImplementedError`` for a year the package does not know.
    """
    rows: list[tuple[dt.date, bool, str]] = []
    for day in year_dates(year):
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        workday = not on_holiday
        label = HOLIDAY_NAMES.get(name, name) if name else ""
        if workday and day.weekday() >= 5:
            note = f"{SWAP_NOTE}（{label}）" if label else SWAP_NOTE
        else:
            note = label
        rows.append((day, workday, note))
    return rows


def seed_years(
    years: Iterable[int],
    *,
    workday_model: Any = None,
    year_model: Any = None,
) -> int:
    """Write the package's arrangement for ``years``; return the number of rows written.

    Days an administrator edited by hand (source ``manual``) are kept. Each seeded year is
    marked complete. Pass the historical models from a data migration; by default the
    current models are used.
    """
    if workday_model is None or year_model is None:
        from qingfeng.workdays.models import CalendarYear, WorkDay

        workday_model, year_model = WorkDay, CalendarYear
    written = 0
    for year in years:
        days = package_days(year)
        existing = {
            row.date: row
            for row in workday_model.objects.filter(date__year=year).only(
                "date", "is_workday", "note", "source"
            )
        }
        to_create = []
        to_update = []
        for day, workday, note in days:
            row = existing.get(day)
            if row is None:
                to_create.append(
                    workday_model(date=day, is_workday=workday, note=note, source="package")
                )
            elif row.source == "package" and (row.is_workday, row.note) != (workday, note):
                row.is_workday, row.note = workday, note
                to_update.append(row)
        workday_model.objects.bulk_create(to_create, batch_size=500)
        workday_model.objects.bulk_update(to_update, ["is_workday", "note"], batch_size=500)
        year_model.objects.update_or_create(
            year=year,
            defaults={"complete": True},
            create_defaults={"complete": True, "source": "package"},
        )
        written += len(to_create) + len(to_update)
    return written
