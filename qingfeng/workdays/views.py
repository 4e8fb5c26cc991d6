"""Calendar pages: the year view with the deadline calculator, and the administrator's edits."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap
from qingfeng.core.forms import apply_service_errors
from qingfeng.workdays import services
from qingfeng.workdays.clock import add_working_days
from qingfeng.workdays.forms import DayForm, DeadlineForm, YearForm
from qingfeng.workdays.selectors import calendar_year, holiday_runs, month_grids, year_days

WEEKDAYS = "一二三四五六日"


def _year_param(value: str | None) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return timezone.localdate().year
    if services.MIN_YEAR <= year <= services.MAX_YEAR:
        return year
    return timezone.localdate().year


def _calendar_url(year: int) -> str:
    return f"{reverse('workdays:calendar')}?year={year}"


def _require_manager(request: HttpRequest) -> None:
    if not has_cap(request.user, Cap.CALENDAR_MANAGE):
        raise PermissionDenied("没有维护工作日历的权限")


def _render(
    request: HttpRequest,
    year: int,
    *,
    day_form: DayForm | None = None,
    year_form: YearForm | None = None,
) -> HttpResponse:
    status = calendar_year(year)
    provisional = status is None or not status.complete
    bound = "start" in request.GET or "days" in request.GET
    deadline_form = DeadlineForm(request.GET if bound else None, initial={"days": 15})
    deadline = None
    if bound and deadline_form.is_valid():
        deadline = add_working_days(
            deadline_form.cleaned_data["start"], deadline_form.cleaned_data["days"]
        )
    manager = has_cap(request.user, Cap.CALENDAR_MANAGE)
    days = year_days(year, provisional=provisional)
    context: dict[str, Any] = {
        "year": year,
        "status": status,
        "provisional": provisional,
        "months": month_grids(year, days),
        "runs": holiday_runs(days),
        "weekdays": WEEKDAYS,
        "today": timezone.localdate(),
        "deadline_form": deadline_form,
        "deadline": deadline,
        "manager": manager,
        "day_form": day_form or DayForm(initial={"is_workday": "0"}),
        "year_form": year_form or YearForm(initial={"year": year}),
        "min_year": services.MIN_YEAR,
        "max_year": services.MAX_YEAR,
    }
    return render(request, "workdays/calendar.html", context)


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    """Year view (?year=2026) with holidays, 调休上班 days and the deadline calculator."""
    return _render(request, _year_param(request.GET.get("year")))


@login_required
@require_POST
def day_edit(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = DayForm(request.POST)
    if form.is_valid():
        day = form.cleaned_data["day"]
        try:
            services.set_day(
                actor=request.user,
                day=day,
                is_workday=form.cleaned_data["is_workday"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已保存 {day.year}年{day.month}月{day.day}日")
            return redirect(_calendar_url(day.year))
    year = form.cleaned_data["day"].year if "day" in form.cleaned_data else None
    return _render(request, year or _year_param(request.POST.get("year")), day_form=form)


@login_required
@require_POST
def year_create(request: HttpRequest) -> HttpResponse:
    """Create a missing year as a draft, every day by weekends, for the admin to edit."""
    _require_manager(request)
    form = YearForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            services.enter_year(
                actor=request.user, year=year, rows=(), complete=False, request=request
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"已按双休日生成{year}年日历草稿。请逐日标注节假日和调休上班，核对无误后点击“确认已完整录入”。",
            )
            return redirect(_calendar_url(year))
    return _render(request, _year_param(request.POST.get("year")), year_form=form)


@login_required
@require_POST
def year_confirm(request: HttpRequest) -> HttpResponse:
    """Confirm a draft year: clocks on it stop being provisional and are recomputed."""
    _require_manager(request)
    form = YearForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            services.confirm_year(actor=request.user, year=year, request=request)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{year}年工作日历已确认，相关期限将重新计算。")
            return redirect(_calendar_url(year))
    return _render(request, _year_param(request.POST.get("year")), year_form=form)
