"""Report list, full-text search and monthly statistics API, plus the caller's notices.

Scoped like the pages (DESIGN.md §3): a body outside the caller's scope answers 404 like
a missing one. No field of a reporter's identity is ever returned, only ``is_real_name``.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja import Status as Reply
from pydantic import Field

from qingfeng.intake import api as intake_api
from qingfeng.intake import list_selectors as ls
from qingfeng.intake.models import Channel, Report, Status
from qingfeng.intake.search import COUNT_CAP as SEARCH_CAP
from qingfeng.intake.search import MAX_PAGES as SEARCH_MAX_PAGES
from qingfeng.intake.search import PAGE_SIZE as SEARCH_PAGE_SIZE
from qingfeng.intake.stats import COLUMNS, monthly_stats, parse_month
from qingfeng.reminders.selectors import notices_for
from qingfeng.reminders.services import mark_read

router = Router(tags=["信访举报"])
# ``GET /reports`` shares its path with ``POST /reports`` (registration, qingfeng.intake.api):
# ninja answers a path from the first router that declares it (405 for the other method),
# so the list operation is declared on that router; the rest live on this one.
reports_router = intake_api.router

NOTICE_PAGE_SIZE = 20


class ClockOut(Schema):
    kind: str
    kind_display: str
    due_on: dt.date
    provisional: bool
    overdue: bool


class ReportRowOut(Schema):
    id: int
    number: str
    received_on: dt.date
    channel: str
    channel_display: str
    klass: str
    klass_display: str
    title: str
    subjects: list[str]
    is_real_name: bool
    org_id: int
    org_name: str
    status: str
    status_display: str
    is_repeat: bool
    next_clock: ClockOut | None


class ReportPageOut(Schema):
    items: list[ReportRowOut]
    total: int
    has_more: bool = Field(description="为真时 total 为上限值，实际条数更多，请缩小筛选范围")
    page: int
    num_pages: int


class SearchOut(Schema):
    items: list[ReportRowOut]
    total: int
    has_more: bool = Field(False, description="命中超过 total（计数封顶）")
    page: int
    num_pages: int


class StatsRowOut(Schema):
    channel: str
    label: str
    cells: dict[str, int]


class StatsOut(Schema):
    org_id: int
    org_name: str
    month: str
    columns: list[list[str]] = Field(description="[列键, 列名]，按表格顺序")
    rows: list[StatsRowOut]
    total: StatsRowOut


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NoticePageOut(Schema):
    items: list[NoticeOut]
    total: int
    unread: int
    page: int
    num_pages: int


def _row(r: Report) -> dict[str, Any]:
    clock = r.next_clock  # type: ignore[attr-defined]
    return {
        "id": r.pk,
        "number": r.number,
        "received_on": r.received_on,
        "channel": r.channel,
        "channel_display": r.get_channel_display(),
        "klass": r.klass,
        "klass_display": r.get_klass_display() if r.klass else "未分类",
        "title": r.title,
        "subjects": [s.name or s.unit_name for s in r.subjects.all()],
        "is_real_name": r.is_real_name,
        "org_id": r.org_id,
        "org_name": r.org.name,
        "status": r.status,
        "status_display": r.get_status_display(),
        "is_repeat": r.repeat_of_id is not None,
        "next_clock": (
            {
                "kind": clock.kind,
                "kind_display": clock.get_kind_display(),
                "due_on": clock.due_on,
                "provisional": clock.provisional,
                "overdue": r.is_overdue,  # type: ignore[attr-defined]
            }
            if clock is not None
            else None
        ),
    }


def _choice(value: str, allowed: list[str], field: str, label: str) -> str:
    if value and value not in allowed:
        raise ValidationError({field: f"{label}取值无效"})
    return value


@reports_router.get(
    "/reports",
    response=ReportPageOut,
    summary="信访件列表（不含举报人身份信息）",
    description=(
        "org：办理机关（含下级）；due：overdue 已超期、soon 3个工作日内到期；"
        "q：登记编号（精确）或标题开头；klass 取 none 表示未分类。每页20件，总数最多计到10000。"
    ),
)
def list_reports(
    request: HttpRequest,
    channel: str = "",
    klass: str = "",
    real_name: bool | None = None,
    repeat: bool | None = None,
    status: str = "",
    due: str = "",
    org: int | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    q: str = "",
    page: int = 1,
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    body = None
    if org is not None:
        body = ls.filter_body(user, org)
        if body is None:
            raise Http404
    if received_from and received_to and received_from > received_to:
        raise ValidationError({"received_to": "截止日期不能早于起始日期"})
    filters = ls.ReportFilters(
        channel=_choice(channel, list(Channel.values), "channel", "来源渠道"),
        klass=_choice(klass, [k for k, _ in ls.CLASS_LABELS], "klass", "信访类别"),
        real_name=real_name,
        repeat=repeat,
        status=_choice(status, list(Status.values), "status", "状态"),
        due=_choice(due, [ls.DUE_OVERDUE, ls.DUE_SOON], "due", "办理时限"),
        org=body,
        received_from=received_from,
        received_to=received_to,
        q=q[:60],
        page=max(1, page),
    )
    result = ls.report_list(user, filters)
    return {
        "items": [_row(r) for r in result.rows],
        "total": result.total,
        "has_more": result.has_more,
        "page": result.page,
        "num_pages": result.num_pages,
    }


@router.get(
    "/reports/search",
    response=SearchOut,
    summary="信访件全文检索（每页20件，含总数）",
    description=(
        f"q：检索词，空格分隔的词须同时出现；page：页码（1–{SEARCH_MAX_PAGES}）。"
        f"可翻阅最新的 {SEARCH_CAP} 件，总数最多计到 {SEARCH_CAP}"
        f"（has_more 为真即“{SEARCH_CAP}+”）。"
    ),
)
def search(request: HttpRequest, q: str, page: int = 1) -> dict[str, Any]:
    from qingfeng.intake.search import search_page

    user = request.auth  # type: ignore[attr-defined]
    q = q.strip()[:50]
    if not q:
        raise ValidationError({"q": "请输入检索词"})
    page = min(max(1, page), SEARCH_MAX_PAGES)
    found = search_page(user, q, limit=SEARCH_PAGE_SIZE, offset=(page - 1) * SEARCH_PAGE_SIZE)
    total = found.total
    return {
        "items": [_row(r) for r in ls.attach_row_data(found.rows)],
        "total": total,
        "has_more": found.has_more,
        "page": page,
        "num_pages": max(1, min(SEARCH_MAX_PAGES, -(-total // SEARCH_PAGE_SIZE))),
    }


@router.get(
    "/reports/stats",
    response=StatsOut,
    summary="信访举报月度统计（按渠道 × 类别）",
    description="month：YYYY-MM，默认本月；org：机关（含下级），默认授权范围内最高一级。",
)
def stats(
    request: HttpRequest,
    month: str = "",
    org: int | None = None,
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    first = parse_month(month, timezone.localdate())
    if first is None:
        raise ValidationError({"month": "统计月份格式应为“年-月”，例如 2026-03"})
    body = ls.filter_body(user, org) if org is not None else ls.top_body(user)
    if body is None:
        raise Http404
    result = monthly_stats(user, body=body, month=first)

    def out(row: Any) -> dict[str, Any]:
        return {"channel": row.channel, "label": row.label, "cells": dict(row.cells)}

    return {
        "org_id": body.pk,
        "org_name": body.name,
        "month": f"{first:%Y-%m}",
        "columns": [[k, label] for k, label in COLUMNS],
        "rows": [out(r) for r in result.rows],
        "total": out(result.total),
    }


@router.get("/reminders", response=NoticePageOut, summary="我的提醒（未读在前）")
def my_notices(request: HttpRequest, page: int = 1) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    qs = notices_for(user)
    total = qs.count()
    num_pages = max(1, -(-total // NOTICE_PAGE_SIZE))
    page = min(max(1, page), num_pages)
    start = (page - 1) * NOTICE_PAGE_SIZE
    items = list(qs[start : start + NOTICE_PAGE_SIZE])
    return {
        "items": items,
        "total": total,
        "unread": qs.filter(read_at=None).count(),
        "page": page,
        "num_pages": num_pages,
    }


@router.post("/reminders/{int:notice_id}/read", response={204: None}, summary="将提醒标为已读")
def read_notice(request: HttpRequest, notice_id: int) -> Reply[None]:
    user = request.auth  # type: ignore[attr-defined]
    if not mark_read(user=user, notice_id=notice_id):
        raise Http404
    return Reply(204, None)
