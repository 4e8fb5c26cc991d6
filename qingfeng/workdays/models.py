"""The working-day calendar (DESIGN.md §3 "Clocks").

One row per day for every year the table holds, so a deadline is computed from one
indexed range query. Years come from the ``chinese_calendar`` package (2004–2026) or are
entered by an administrator when the State Council publishes a new arrangement.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DaySource(models.TextChoices):
    PACKAGE = "package", _("国务院安排（内置数据）")
    MANUAL = "manual", _("人工录入")


class WorkDay(models.Model):
    """One calendar day: whether it is a working day (工作日) and why.

    Weekends and statutory holidays are off; weekend days swapped into workdays (调休上班)
    are on (DOMAIN.md "Counting periods").
    """

    date = models.DateField(_("日期"), primary_key=True)
    is_workday = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=60, blank=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=DaySource.choices, default=DaySource.PACKAGE
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = "工作日" if self.is_workday else "休息日"
        return f"{self.date.isoformat()} {kind}{' ' + self.note if self.note else ''}"


class CalendarYear(models.Model):
    """A year the table holds. Only a ``complete`` year gives final (non-provisional) clocks."""

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=DaySource.choices, default=DaySource.PACKAGE
    )
    complete = models.BooleanField(_("已确认完整"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年"
