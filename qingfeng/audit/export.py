"""Excel export of the audit log, itself audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.audit.presentation import object_type_label, summarize_changes
from qingfeng.audit.selectors import EventFilters, apply_filters, events_visible_to
from qingfeng.audit.services import record
from qingfeng.core.excel import xlsx_response

EXPORT_LIMIT = 50_000
HEADERS = (
    "序号",
    "时间",
    "操作人",
    "机构",
    "操作",
    "对象类型",
    "对象编号",
    "对象",
    "说明",
    "变更内容",
    "IP",
)


def export_events(
    *, actor: Any, filters: EventFilters, request: HttpRequest | None = None
) -> HttpResponse:
    """The filtered events within the actor's scope as .xlsx, newest first, at most
    ``EXPORT_LIMIT`` rows (with a notice row when cut), and one ``EXPORT`` audit entry
    holding the filter (DESIGN.md §3: every export is logged)."""
    qs = apply_filters(events_visible_to(actor), filters).select_related("org").order_by("-seq")
    counter = {"rows": 0, "cut": False}

    def rows() -> Iterator[list[Any]]:
        for event in qs[: EXPORT_LIMIT + 1].iterator(chunk_size=2000):
            if counter["rows"] >= EXPORT_LIMIT:
                counter["cut"] = True
                yield [
                    f"注：符合条件的记录超过 {EXPORT_LIMIT:,} 条，"
                    f"仅导出最新的 {EXPORT_LIMIT:,} 条，请缩小筛选范围后分批导出。"
                ]
                return
            counter["rows"] += 1
            yield _row(event)

    response = xlsx_response(filename="审计日志", sheet="审计日志", headers=HEADERS, rows=rows())
    cut = "（超过上限，已截断）" if counter["cut"] else ""
    record(
        action=Action.EXPORT,
        actor=actor,
        org=getattr(actor, "org", None),
        changes={"filters": filters.as_json(), "rows": counter["rows"], "cut": counter["cut"]},
        detail=f"导出审计日志 {counter['rows']} 条{cut}；筛选条件：{filters.describe()}",
        request=request,
    )
    return response


def _row(event: AuditEvent) -> list[Any]:
    return [
        event.seq,
        event.at,
        event.actor_name,
        event.org.name if event.org is not None else "",
        event.get_action_display(),
        object_type_label(event.object_type),
        event.object_id,
        event.object_repr,
        event.detail,
        summarize_changes(event, limit=50),
        event.ip,
    ]
