"""Calendar API: deadlines on the working-day calendar and the days of a month."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from qingfeng.workdays.clock import add_working_days
from qingfeng.workdays.forms import FIRST_DAY, LAST_DAY, MAX_WORKING_DAYS
from qingfeng.workdays.selectors import month_days
from qingfeng.workdays.services import MAX_YEAR, MIN_YEAR

router = Router(tags=["工作日历"])


class DeadlineQuery(Schema):
    start: dt.date = Field(description="起算日期（该日不计入），YYYY-MM-DD")
    days: int = Field(ge=1, le=MAX_WORKING_DAYS, description="工作日数")


class DeadlineOut(Schema):
    start: dt.date
    days: int
    deadline: dt.date
    provisional: bool = Field(description="期间涉及未录入放假安排的年度时为 true（按仅双休日推算）")


class MonthQuery(Schema):
    year: int = Field(ge=MIN_YEAR, le=MAX_YEAR)
    month: int = Field(ge=1, le=12)


class DayOut(Schema):
    date: dt.date
    is_workday: bool
    note: str
    provisional: bool


@router.get(
    "/calendar/deadline",
    response=DeadlineOut,
    summary="计算工作日期限",
    description=(
        "起算日不计入，返回其后第 N 个工作日（《民法典》第二百零一条）；调休上班的周末计为工作日。"
    ),
)
def deadline(request: HttpRequest, q: Query[DeadlineQuery]) -> DeadlineOut:
    if not FIRST_DAY <= q.start <= LAST_DAY:
        raise ValidationError({"start": f"日期应在 {MIN_YEAR}–{MAX_YEAR} 年之间"})
    result = add_working_days(q.start, q.days)
    return DeadlineOut(
        start=q.start, days=q.days, deadline=result.date, provisional=result.provisional
    )


@router.get(
    "/calendar/days",
    response=list[DayOut],
    summary="查询某月工作日历",
    description="返回该月每一天是否为工作日及说明（节假日名称、调休上班）；未录入的年度按仅双休日给出并标记暂定。",
)
def days(request: HttpRequest, q: Query[MonthQuery]) -> list[DayOut]:
    return [
        DayOut(date=d.date, is_workday=d.is_workday, note=d.note, provisional=d.provisional)
        for d in month_days(q.year, q.month)
    ]
