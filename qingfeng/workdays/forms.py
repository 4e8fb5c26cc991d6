"""Forms of the calendar page: the deadline calculator and the administrator's edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from qingfeng.core.forms import StyledForm
from qingfeng.workdays.services import MAX_YEAR, MIN_YEAR, NOTE_MAX

FIRST_DAY = dt.date(MIN_YEAR, 1, 1)
LAST_DAY = dt.date(MAX_YEAR, 12, 31)
MAX_WORKING_DAYS = 3650


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _check_range(value: dt.date) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise forms.ValidationError(f"日期应在 {MIN_YEAR}–{MAX_YEAR} 年之间")
    return value


class DeadlineForm(StyledForm):
    """期限计算: a start date plus N working days (the start day is not counted)."""

    start = forms.DateField(label="起算日期（收到/发生之日）", widget=DateInput())
    days = forms.IntegerField(label="工作日数", min_value=1, max_value=MAX_WORKING_DAYS, initial=15)

    def clean_start(self) -> dt.date:
        return _check_range(self.cleaned_data["start"])


class DayForm(StyledForm):
    """Set one day as a working day or a day off, with its note (e.g. 春节 / 调休上班)."""

    day = forms.DateField(label="日期", widget=DateInput())
    is_workday = forms.TypedChoiceField(
        label="类型",
        choices=[("0", "休息日（节假日）"), ("1", "工作日（含调休上班）")],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label="说明", max_length=NOTE_MAX, required=False)

    def clean_day(self) -> dt.date:
        return _check_range(self.cleaned_data["day"])


class YearForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=MIN_YEAR, max_value=MAX_YEAR)
