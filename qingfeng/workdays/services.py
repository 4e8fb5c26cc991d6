"""Writes to the working-day calendar: one day at a time, or a whole year.

DESIGN.md §3 "Clocks": the table is seeded from the ``chinese_calendar`` package and
edited by an administrator (capability ``calendar.manage``) when the State Council
publishes a new year's arrangement. Every write is audited.

Recomputing clocks — ``on_year_entered``
----------------------------------------
Clocks computed on a year the table does not hold completely are provisional
(``qingfeng.workdays.clock``). Modules that store such clocks register a callable here,
usually in their ``AppConfig.ready()``::

    from qingfeng.workdays.services import on_year_entered
    on_year_entered.append(recompute_report_clocks)   # fn(year: int) -> None

Each callable is called with the year, after the transaction commits, when

- a year is entered complete (``enter_year(..., complete=True)``) or a draft year is
  confirmed (``confirm_year``): provisional clocks touching that year become final;
- a single day of a complete year is changed (``set_day``): clocks spanning it may move.

Hooks run with ``robust=True``: one failing hook is logged and does not stop the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap
from qingfeng.audit.models import Action
from qingfeng.audit.services import diff, record
from qingfeng.workdays.models import CalendarYear, DaySource, WorkDay
from qingfeng.workdays.seed import year_dates

YearHook = Callable[[int], None]
on_year_entered: list[YearHook] = []

MIN_YEAR = 1990
MAX_YEAR = 2100
NOTE_MAX = 60


class DayEntry(NamedTuple):
    """One day of a year being entered: a holiday (off) or a swapped workday (on)."""

    date: dt.date
    is_workday: bool
    note: str = ""


def _require_manager(actor: Any) -> None:
    if not has_cap(actor, Cap.CALENDAR_MANAGE):
        raise PermissionDenied("没有维护工作日历的权限")


def _fire_year_hooks(year: int) -> None:
    def call(hook: YearHook) -> Callable[[], None]:
        def run() -> None:
            hook(year)

        # Django logs a failing robust callback by its ``__qualname__``.
        run.__qualname__ = f"on_year_entered[{getattr(hook, '__qualname__', hook)!s}]"
        return run

    for hook in list(on_year_entered):
        transaction.on_commit(call(hook), robust=True)


def _day_state(row: WorkDay | None) -> dict[str, Any]:
    if row is None:
        return {}
    return {"is_workday": row.is_workday, "note": row.note, "source": row.source}


def set_day(
    *,
    actor: Any,
    day: dt.date,
    is_workday: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> WorkDay:
    """Mark one day as a working day or a day off (e.g. a holiday or 调休上班).

    Only within a year the table holds (create the year first, ``enter_year``). Requires
    ``calendar.manage``; audited as an update. Changing a day of a complete year calls the
    ``on_year_entered`` hooks on commit, since clocks spanning the day may move.
    """
    _require_manager(actor)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"说明最多 {NOTE_MAX} 个字"})
    with transaction.atomic():
        year_row = CalendarYear.objects.select_for_update().filter(year=day.year).first()
        if year_row is None:
            raise ValidationError({"day": f"{day.year}年尚未录入，请先创建该年度的日历"})
        row = WorkDay.objects.select_for_update().filter(date=day).first()
        before = _day_state(row)
        if row is None:
            row = WorkDay(date=day)
        row.is_workday = is_workday
        row.note = note
        row.source = DaySource.MANUAL
        row.updated_by = actor
        row.updated_at = timezone.now()
        changes = diff(before, _day_state(row))
        if not changes:
            return row
        row.save()
        kind = "工作日" if is_workday else "休息日"
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=row,
            changes=changes,
            detail=f"将 {day.isoformat()} 设为{kind}{'（' + note + '）' if note else ''}",
            request=request,
        )
        if year_row.complete:
            _fire_year_hooks(day.year)
    return row


def enter_year(
    *,
    actor: Any,
    year: int,
    rows: Iterable[DayEntry | tuple[dt.date, bool, str]] = (),
    complete: bool = True,
    request: HttpRequest | None = None,
) -> CalendarYear:
    """Enter a year the package does not know (DESIGN.md §3 "Clocks").

    Every day defaults by weekends (Mon–Fri working, Sat–Sun off); ``rows`` then set the
    holidays and 调休上班 days of the State Council's arrangement. With ``complete=False``
    the year is a draft: clocks on it stay provisional until ``confirm_year``. Requires
    ``calendar.manage``; audited as a create; fires ``on_year_entered`` on commit when
    complete.
    """
    _require_manager(actor)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": f"年度应在 {MIN_YEAR}–{MAX_YEAR} 之间"})
    overrides: dict[dt.date, DayEntry] = {}
    for raw in rows:
        entry = DayEntry(*raw)
        if entry.date.year != year:
            raise ValidationError({"rows": f"{entry.date.isoformat()} 不属于 {year} 年"})
        if len(entry.note.strip()) > NOTE_MAX:
            raise ValidationError({"rows": f"{entry.date.isoformat()} 的说明最多 {NOTE_MAX} 个字"})
        overrides[entry.date] = entry
    now = timezone.now()
    with transaction.atomic():
        if CalendarYear.objects.select_for_update().filter(year=year).exists():
            raise ValidationError({"year": f"{year}年已录入，如需调整请逐日修改"})
        # Rows left without a year row (e.g. an interrupted import) are replaced.
        WorkDay.objects.filter(date__year=year).delete()
        days = []
        for day in year_dates(year):
            override = overrides.get(day)
            days.append(
                WorkDay(
                    date=day,
                    is_workday=override.is_workday if override else day.weekday() < 5,
                    note=override.note.strip() if override else "",
                    source=DaySource.MANUAL,
                    updated_by=actor,
                    updated_at=now,
                )
            )
        WorkDay.objects.bulk_create(days, batch_size=500)
        year_row = CalendarYear.objects.create(
            year=year, source=DaySource.MANUAL, complete=complete, entered_by=actor, entered_at=now
        )
        record(
            action=Action.CREATE,
            actor=actor,
            obj=year_row,
            changes={
                "year": year,
                "complete": complete,
                "days": [
                    [e.date.isoformat(), e.is_workday, e.note.strip()]
                    for e in sorted(overrides.values())
                ],
            },
            detail=f"录入{year}年工作日历（{'已确认' if complete else '草稿'}，"
            f"按双休日生成并调整 {len(overrides)} 天）",
            request=request,
        )
        if complete:
            _fire_year_hooks(year)
    return year_row


def confirm_year(*, actor: Any, year: int, request: HttpRequest | None = None) -> CalendarYear:
    """Confirm a draft year as complete: its clocks stop being provisional.

    Requires ``calendar.manage``; audited as an update; fires ``on_year_entered`` on commit.
    """
    _require_manager(actor)
    with transaction.atomic():
        year_row = CalendarYear.objects.select_for_update().filter(year=year).first()
        if year_row is None:
            raise ValidationError({"year": f"{year}年尚未录入"})
        if year_row.complete:
            raise ValidationError({"year": f"{year}年已确认，无需重复确认"})
        year_row.complete = True
        year_row.entered_by = actor
        year_row.entered_at = timezone.now()
        year_row.save(update_fields=["complete", "entered_by", "entered_at"])
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=year_row,
            changes={"complete": [False, True]},
            detail=f"确认{year}年工作日历已完整录入",
            request=request,
        )
        _fire_year_hooks(year)
    return year_row
