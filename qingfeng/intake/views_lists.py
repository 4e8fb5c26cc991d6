"""Report list, Excel export, full-text search page and monthly statistics (pages).

Every page answers 404 to a user who holds ``report.view`` nowhere, like a missing page;
what is listed comes from scoped selectors (DESIGN.md §3). Nothing of a reporter's
identity is shown or exported here: only 实名/匿名 (DOMAIN.md §2 protection).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap
from qingfeng.audit.models import Action
from qingfeng.audit.services import record
from qingfeng.core.excel import xlsx_response
from qingfeng.core.forms import CHINESE_ERRORS, mark_invalid, style_fields
from qingfeng.intake import list_selectors as ls
from qingfeng.intake.models import Channel, Status
from qingfeng.intake.search import MAX_PAGES as SEARCH_MAX_PAGES
from qingfeng.intake.search import PAGE_SIZE as SEARCH_PAGE_SIZE
from qingfeng.intake.stats import COLUMNS, monthly_stats, parse_month

ALL = ("", "全部")
EXPORT_HEADERS = (
    "登记编号",
    "收到日期",
    "来源渠道",
    "信访类别",
    "标题",
    "被反映人",
    "实名/匿名",
    "办理机关",
    "状态",
    "最近时限",
    "截止日",
    "超期",
)
EXPORT_NOTICE = (
    f"注：符合条件的信访件超过 {ls.EXPORT_CAP} 件，仅导出前 {ls.EXPORT_CAP} 件，"
    "请缩小筛选范围后分批导出。"
)
SEARCH_Q_MAX = 50


def _require_view(request: HttpRequest) -> None:
    if not has_cap(request.user, Cap.REPORT_VIEW):
        raise Http404


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


class ReportFilterForm(forms.Form):
    """The filter bar above the list (GET); the org choices are bodies within scope."""

    q = forms.CharField(label="编号/标题", required=False, max_length=60)
    channel = forms.ChoiceField(label="来源渠道", required=False, choices=[ALL, *Channel.choices])
    klass = forms.ChoiceField(label="信访类别", required=False, choices=[ALL, *ls.CLASS_LABELS])
    real_name = forms.ChoiceField(
        label="实名/匿名", required=False, choices=[ALL, ("1", "实名"), ("0", "匿名")]
    )
    repeat = forms.ChoiceField(
        label="初次/重复", required=False, choices=[ALL, ("0", "初次件"), ("1", "重复件")]
    )
    status = forms.ChoiceField(label="状态", required=False, choices=[ALL, *Status.choices])
    due = forms.ChoiceField(
        label="办理时限",
        required=False,
        choices=[ALL, (ls.DUE_OVERDUE, "已超期"), (ls.DUE_SOON, "即将到期（3个工作日内）")],
    )
    org = forms.ChoiceField(label="办理机关（含下级）", required=False)
    received_from = forms.DateField(
        label="收到日期起", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label="收到日期止", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.selected_org = ls.filter_body(user, self.data.get("org"))
        bodies = ls.filter_bodies(user, self.selected_org)
        top = min((o.depth for o in bodies), default=0)
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = [
            ALL,
            *[(str(o.pk), "\u3000" * (o.depth - top) + o.name) for o in bodies],
        ]
        self.fields["q"].widget.attrs["placeholder"] = "登记编号或标题开头"
        for f in self.fields.values():
            f.error_messages = {**f.error_messages, **CHINESE_ERRORS}
        style_fields(self)
        for f in self.fields.values():
            css = f.widget.attrs.get("class", "")
            small = "form-select-sm" if "form-select" in css else "form-control-sm"
            f.widget.attrs["class"] = f"{css} {small}"
        org_field.widget.attrs["data-qf-autosubmit"] = ""

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "截止日期不能早于起始日期")
        return data

    def filters(self) -> ls.ReportFilters:
        d = self.cleaned_data
        return ls.ReportFilters(
            channel=d.get("channel", ""),
            klass=d.get("klass", ""),
            real_name=_flag(d.get("real_name", "")),
            repeat=_flag(d.get("repeat", "")),
            status=d.get("status", ""),
            due=d.get("due", ""),
            org=self.selected_org,
            received_from=d.get("received_from"),
            received_to=d.get("received_to"),
            q=d.get("q", ""),
            page=d.get("page") or 1,
        )


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def report_list_view(request: HttpRequest) -> HttpResponse:
    """The scoped report list: filter bar, 20 a page, count capped, next clock per row."""
    _require_view(request)
    form = ReportFilterForm(request.GET, user=request.user)
    filters = form.filters() if form.is_valid() else None
    page = ls.report_list(request.user, filters) if filters else ls.ReportPage([], 0, False)
    return render(
        request,
        "intake/report_list.html",
        {
            "form": form,
            "page": page,
            "querystring": _querystring(request),
            "today": timezone.localdate(),
            "can_register": has_cap(request.user, Cap.REPORT_HANDLE),
        },
    )


@login_required
@require_GET
def report_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel (at most 10,000 rows, never identity); audited."""
    _require_view(request)
    form = ReportFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        messages.error(request, "筛选条件有误，未能导出。")
        return redirect("intake:list")
    filters = form.filters()
    rows, truncated = ls.export_rows(request.user, filters)
    record(
        action=Action.EXPORT,
        actor=request.user,
        org=filters.org or getattr(request.user, "org", None),
        detail=_export_detail("导出信访件列表", len(rows), truncated, filters.for_audit()),
        request=request,
    )
    notice: list[list[Any]] = [[EXPORT_NOTICE]] if truncated else []
    return xlsx_response(
        filename="信访件列表", sheet="信访件", headers=EXPORT_HEADERS, rows=[*rows, *notice]
    )


def _export_detail(what: str, count: int, truncated: bool, filters: dict[str, Any]) -> str:
    cut = "（已截断）" if truncated else ""
    text = json.dumps(filters, ensure_ascii=False) if filters else "无"
    return f"{what} {count} 行{cut}；筛选条件：{text}"


# -- search ----------------------------------------------------------------------------------


@login_required
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """Full-text search over report text and reported persons, 20 a page with the total."""
    _require_view(request)
    from qingfeng.intake.search import search_page

    q = request.GET.get("q", "").strip()[:SEARCH_Q_MAX]
    raw_page = request.GET.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() else 1
    page = min(max(1, page), SEARCH_MAX_PAGES)
    results: list[Any] = []
    total = 0
    has_more = False
    if q:
        found = search_page(
            request.user, q, limit=SEARCH_PAGE_SIZE, offset=(page - 1) * SEARCH_PAGE_SIZE
        )
        results, total, has_more = ls.attach_row_data(found.rows), found.total, found.has_more
    num_pages = max(1, min(SEARCH_MAX_PAGES, -(-total // SEARCH_PAGE_SIZE)))
    return render(
        request,
        "intake/search.html",
        {
            "q": q,
            "results": results,
            "total": total,
            "has_more": has_more,
            "page": page,
            "num_pages": num_pages,
            "has_previous": page > 1,
            "has_next": page < num_pages,
            "today": timezone.localdate(),
        },
    )


# -- statistics ------------------------------------------------------------------------------


def _stats_request(request: HttpRequest) -> tuple[Any, dt.date | None, str]:
    """(body, month, error) from ``?org=&month=YYYY-MM`` with the defaults."""
    today = timezone.localdate()
    month = parse_month(request.GET.get("month"), today)
    raw_org = request.GET.get("org", "")
    body = ls.filter_body(request.user, raw_org) if raw_org else ls.top_body(request.user)
    if body is None and raw_org:
        raise Http404
    error = "" if month is not None else "统计月份格式应为“年-月”，例如 2026-03"
    return body, month, error


@login_required
@require_GET
def stats_view(request: HttpRequest) -> HttpResponse:
    """Monthly table by channel × class for a body and its subtree (DOMAIN.md §2)."""
    _require_view(request)
    body, month, error = _stats_request(request)
    stats = monthly_stats(request.user, body=body, month=month) if body and month else None
    bodies = ls.filter_bodies(request.user, body)
    top = min((o.depth for o in bodies), default=0)
    return render(
        request,
        "intake/stats.html",
        {
            "stats": stats,
            "columns": COLUMNS,
            "body": body,
            "bodies": [(o, "\u3000" * (o.depth - top)) for o in bodies],
            "month_value": request.GET.get("month", "") if error else f"{month:%Y-%m}",
            "error": error,
            "querystring": _querystring(request),
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def stats_export(request: HttpRequest) -> HttpResponse:
    """The monthly table as Excel; audited."""
    _require_view(request)
    body, month, error = _stats_request(request)
    if error or body is None or month is None:
        messages.error(request, error or "没有可统计的机关。")
        return redirect("intake:stats")
    stats = monthly_stats(request.user, body=body, month=month)
    rows: list[list[Any]] = [[r.label, *r.values()] for r in [*stats.rows, stats.total]]
    record(
        action=Action.EXPORT,
        actor=request.user,
        org=body,
        detail=_export_detail(
            "导出信访举报月度统计", len(rows), False, {"org": body.name, "month": f"{month:%Y-%m}"}
        ),
        request=request,
    )
    return xlsx_response(
        filename=f"信访举报月度统计-{body.name}-{month:%Y%m}",
        sheet=f"{stats.month_label}",
        headers=["来源渠道", *[label for _key, label in COLUMNS]],
        rows=rows,
    )
