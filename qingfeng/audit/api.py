"""Audit log API for auditors: the same filters and scope as the pages, keyset pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from qingfeng.audit.forms import EventFilterForm
from qingfeng.audit.models import AuditEvent
from qingfeng.audit.presentation import change_rows, object_type_label
from qingfeng.audit.selectors import (
    apply_filters,
    events_visible_to,
    get_event_for_user,
    is_auditor,
    keyset_page,
)

router = Router(tags=["安全审计"])

MAX_LIMIT = 200


class ChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


class EventOut(Schema):
    id: int
    seq: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    org_id: int | None
    org_name: str
    action: str
    action_display: str
    object_type: str
    object_type_display: str
    object_id: str
    object_repr: str
    detail: str
    ip: str
    changes: dict[str, Any]


class EventDetailOut(EventOut):
    change_rows: list[ChangeOut]
    prev_digest: str
    digest: str


class EventPageOut(Schema):
    items: list[EventOut]
    next_before: int | None = Field(
        description="下一页（较早记录）请传 before=此值；为空表示没有更早的记录"
    )


class EventQuery(Schema):
    user: str = Field(default="", max_length=150, description="用户名（精确）或姓名（包含）")
    org: int | None = Field(default=None, description="机构编号（含下级），须在授权范围内")
    object_type: str = Field(default="", description="对象类型，如 orgs.person")
    object_id: str = Field(default="", max_length=64, description="对象编号（须同时给出对象类型）")
    action: str = Field(default="", description="操作代码，如 login、update、export")
    date_from: dt.date | None = Field(default=None, description="起始日期（含），本地日期")
    date_to: dt.date | None = Field(default=None, description="截止日期（含），本地日期")
    before: int | None = Field(default=None, description="只返回序号小于此值的记录（翻页用）")
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="每页条数，最多 200")


def _auditor(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not is_auditor(user):
        raise Http404
    return user


def _out(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "seq": event.seq,
        "at": event.at,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "org_id": event.org_id,
        "org_name": event.org.name if event.org is not None else "",
        "action": event.action,
        "action_display": event.get_action_display(),
        "object_type": event.object_type,
        "object_type_display": object_type_label(event.object_type),
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "detail": event.detail,
        "ip": event.ip,
        "changes": event.changes if isinstance(event.changes, dict) else {"": event.changes},
    }


@router.get(
    "/audit/events", response=EventPageOut, summary="审计日志列表（按授权范围，新记录在前）"
)
def list_events(request: HttpRequest, q: Query[EventQuery]) -> dict[str, Any]:
    auditor = _auditor(request)
    data = {
        "user": q.user,
        "org": q.org if q.org is not None else "",
        "object_type": q.object_type,
        "object_id": q.object_id,
        "action": q.action,
        "date_from": q.date_from.isoformat() if q.date_from else "",
        "date_to": q.date_to.isoformat() if q.date_to else "",
    }
    form = EventFilterForm(data, user=auditor)
    if not form.is_valid():
        raise ValidationError(
            {
                name: [f"{form.fields[name].label}：{e}" for e in errs]
                for name, errs in form.errors.items()
            }
        )
    qs = apply_filters(events_visible_to(auditor), form.filters())
    page = keyset_page(qs, before=q.before, size=q.limit)
    return {"items": [_out(e) for e in page.events], "next_before": page.older}


@router.get(
    "/audit/events/{int:event_id}",
    response=EventDetailOut,
    summary="审计日志详情（含变更前后对照）",
)
def get_event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    auditor = _auditor(request)
    event = get_event_for_user(auditor, event_id)
    return {
        **_out(event),
        "change_rows": [asdict(r) for r in change_rows(event)],
        "prev_digest": event.prev_digest,
        "digest": event.digest,
    }
