"""The lead list and its Excel export (pages under /leads/, namespace ``cases``).

A user who holds ``lead.view`` nowhere gets 403 on both (the menu hides them); what is
listed comes from the scoped selectors of ``list_selectors`` (DESIGN.md §3). Exports are
audited like every export.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap
from qingfeng.audit.models import Action
from qingfeng.audit.services import record
from qingfeng.cases import list_selectors as ls
from qingfeng.cases.forms import LeadFilterForm
from qingfeng.core.excel import xlsx_response

EXPORT_HEADERS = (
    "线索编号",
    "被反映人",
    "单位",
    "职务",
    "线索来源",
    "管辖机关",
    "承办部门",
    "状态",
    "处置方式",
    "处置结果",
    "最近时限",
    "截止日",
    "超期",
    "登记时间",
)


def require_lead_view(request: HttpRequest) -> None:
    if not has_cap(request.user, Cap.LEAD_VIEW):
        raise PermissionDenied("没有查看问题线索的权限")


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def lead_list(request: HttpRequest) -> HttpResponse:
    """The scoped lead list: filter bar, 20 a page, count capped, nearest clock per row."""
    require_lead_view(request)
    form = LeadFilterForm(request.GET, user=request.user)
    filters = form.filters() if form.is_valid() else None
    page = ls.lead_list(request.user, filters) if filters else ls.LeadPage([], 0, False)
    return render(
        request,
        "cases/lead_list.html",
        {
            "form": form,
            "page": page,
            "querystring": _querystring(request),
            "today": timezone.localdate(),
            "can_register": has_cap(request.user, Cap.LEAD_HANDLE),
        },
    )


@login_required
@require_GET
def lead_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel (at most 10,000 rows); audited."""
    require_lead_view(request)
    form = LeadFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        messages.error(request, "筛选条件有误，未能导出。")
        return redirect("cases:list")
    filters = form.filters()
    rows, truncated = ls.export_rows(request.user, filters)
    cut = "（已截断）" if truncated else ""
    criteria = filters.for_audit()
    text = json.dumps(criteria, ensure_ascii=False) if criteria else "无"
    record(
        action=Action.EXPORT,
        actor=request.user,
        org=filters.org or getattr(request.user, "org", None),
        detail=f"导出问题线索列表 {len(rows)} 行{cut}；筛选条件：{text}",
        request=request,
    )
    notice: list[list[Any]] = (
        [
            [
                f"注：符合条件的问题线索超过 {ls.EXPORT_CAP} 件，仅导出前 {ls.EXPORT_CAP} 件，"
                "请缩小筛选范围后分批导出。"
            ]
        ]
        if truncated
        else []
    )
    return xlsx_response(
        filename="问题线索列表", sheet="问题线索", headers=EXPORT_HEADERS, rows=[*rows, *notice]
    )
