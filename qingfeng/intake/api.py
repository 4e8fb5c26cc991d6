"""Reports API for staff: register, one report's detail, its handling steps, the identity
request and the message thread. Scoped like the pages (out of scope answers 404 like
missing); the reporter's identity is returned only by ``POST /reports/{id}/identity``,
which requires a reason and is logged (DESIGN.md §3).
"""

# No ``from __future__ import annotations``: django-ninja resolves annotations at runtime.
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers, has_cap
from qingfeng.intake import services, workflow
from qingfeng.intake.forms import forward_targets, registration_bodies
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel, ProblemCategory, Report, ReportClass
from qingfeng.intake.selectors import get_report_for_user, reports_visible_to
from qingfeng.intake.views import (
    available_actions,
    can_handle,
    clock_views,
    proposed_candidates,
)
from qingfeng.orgs.models import Org
from qingfeng.orgs.selectors import persons_visible_to

router = Router(tags=["信访举报"])

API_ACTIONS = (
    "classify",
    "accept",
    "refuse",
    "forward_down",
    "send_up",
    "transfer_out",
    "assign",
    "notify_acceptance",
    "close",
    "record_feedback",
    "mark_repeat",
    "reject_repeat",
)


# -- schemas -------------------------------------------------------------------------------


class SubjectIn(Schema):
    name: str = Field(default="", max_length=200)
    unit_name: str = Field(default="", max_length=400)
    post: str = Field(default="", max_length=400)
    person_id: int | None = Field(default=None, description="确认对应的监察对象（可不关联）")


class IdentityIn(Schema):
    name: str = Field(default="", max_length=200)
    id_number: str = Field(default="", max_length=40)
    phone: str = Field(default="", max_length=40)
    unit: str = Field(default="", max_length=400)
    address: str = Field(default="", max_length=800)
    companions: str = Field(default="", max_length=2000)


class ReportIn(Schema):
    org_id: int = Field(description="登记机关（本人有办理权限的纪委监委或乡镇纪委）")
    channel: Channel
    received_on: dt.date
    title: str = Field(max_length=1000)
    content: str = Field(max_length=100_000)
    category: ProblemCategory = ProblemCategory.OTHER
    subjects: list[SubjectIn] = Field(max_length=50)
    is_real_name: bool = False
    identity: IdentityIn | None = None
    occurred_when: str = Field(default="", max_length=400)
    occurred_where: str = Field(default="", max_length=800)
    received_by: str = Field(default="", max_length=200, description="来访接待人 / 来电接听人")
    visitor_count: int = Field(default=0, ge=0, le=999)
    source_body: str = Field(default="", max_length=400)
    source_ref: str = Field(default="", max_length=240)
    about_head: bool = Field(default=False, description="反映本机关主要负责人：径送上级")


class OrgRefOut(Schema):
    id: int
    name: str


class SubjectOut(Schema):
    name: str
    unit_name: str
    post: str
    person_id: int | None
    person_name: str | None


class ReportClockOut(Schema):
    kind: str
    kind_display: str
    starts_on: dt.date
    working_days: int
    due_on: dt.date
    provisional: bool
    met_at: dt.datetime | None
    days_left: int | None = Field(description="剩余工作日（未完成且未超期时）")
    days_overdue: int | None = Field(description="超期工作日")


class TransitionOut(Schema):
    action: str
    label: str
    from_status: str
    to_status: str
    from_org: str | None
    to_org: str | None
    actor: str | None
    at: dt.datetime
    reason: str


class CandidateOut(Schema):
    id: int
    earlier_id: int
    earlier_number: str
    earlier_title: str
    score: float


class IdentityViewOut(Schema):
    viewer: str
    viewer_org: str
    at: dt.datetime
    reason: str


class AttachmentOut(Schema):
    id: int
    content_type: str
    extension: str
    size: int
    from_reporter: bool
    uploaded_at: dt.datetime


class ReportDetailOut(Schema):
    id: int
    number: str
    status: str
    status_display: str
    channel: str
    channel_display: str
    klass: str
    klass_display: str
    refuse_reason: str
    category: str
    category_display: str
    is_real_name: bool
    title: str
    content: str
    received_on: dt.date
    arrived_on: dt.date
    registered_at: dt.datetime
    org: OrgRefOut
    handling_dept: OrgRefOut | None
    occurred_when: str
    occurred_where: str
    received_by: str
    visitor_count: int
    source_body: str
    source_ref: str
    transfer_to: str
    repeat_of_id: int | None
    repeat_count: int
    accept_notice_on: dt.date | None
    closed_on: dt.date | None
    result: str
    feedback_on: dt.date | None
    objection: str
    subjects: list[SubjectOut]
    clocks: list[ReportClockOut]
    transitions: list[TransitionOut]
    candidates: list[CandidateOut]
    identity_views: list[IdentityViewOut]
    attachments: list[AttachmentOut]
    available_actions: list[str]


class RegisteredOut(Schema):
    id: int
    number: str
    status: str
    visible: bool = Field(description="为假时：反映本机关主要负责人，已径送上级，本机关不可见")


class ActionIn(Schema):
    """Fields per action: classify → klass; accept → split_leads; refuse → refuse_reason,
    reason; forward_down → target_id, reason; send_up → reason; transfer_out → authority,
    reason; assign → department_id (reason optional); close → result; record_feedback →
    objection (optional); mark_repeat / reject_repeat → earlier_id; notify_acceptance → none."""

    klass: str = ""
    split_leads: bool = False
    refuse_reason: str = ""
    reason: str = Field(default="", max_length=5000)
    target_id: int | None = None
    authority: str = Field(default="", max_length=400)
    department_id: int | None = None
    result: str = Field(default="", max_length=20_000)
    objection: str = Field(default="", max_length=20_000)
    earlier_id: int | None = None


class ActionOut(Schema):
    id: int
    number: str
    status: str
    status_display: str
    org: OrgRefOut
    visible: bool = Field(description="为假时：该件已转出本人的管辖范围")


class ReasonIn(Schema):
    reason: str = Field(max_length=1000)


class IdentityOut(Schema):
    name: str
    id_number: str
    phone: str
    unit: str
    address: str
    companions: str


class MessageIn(Schema):
    body: str = Field(max_length=20_000)


class MessageOut(Schema):
    id: int
    from_reporter: bool
    author: str | None
    body: str
    is_supplement: bool
    at: dt.datetime


# -- helpers --------------------------------------------------------------------------------


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _name(user: Any) -> str | None:
    if user is None:
        return None
    return str(user.full_name or user.username)


def _detail(user: Any, report: Report) -> dict[str, Any]:
    subjects = report.subjects.select_related("person")
    transitions = report.transitions.select_related("actor", "from_org", "to_org")
    views = report.identity_views.select_related("viewer", "viewer_org")
    dept = report.handling_dept
    return {
        "id": report.pk,
        "number": report.number,
        "status": report.status,
        "status_display": report.get_status_display(),
        "channel": report.channel,
        "channel_display": report.get_channel_display(),
        "klass": report.klass,
        "klass_display": report.get_klass_display() if report.klass else "",
        "refuse_reason": report.refuse_reason,
        "category": report.category,
        "category_display": report.get_category_display(),
        "is_real_name": report.is_real_name,
        "title": report.title,
        "content": report.content,
        "received_on": report.received_on,
        "arrived_on": report.arrived_on,
        "registered_at": report.registered_at,
        "org": {"id": report.org_id, "name": report.org.name},
        "handling_dept": {"id": dept.pk, "name": dept.name} if dept else None,
        "occurred_when": report.occurred_when,
        "occurred_where": report.occurred_where,
        "received_by": report.received_by,
        "visitor_count": report.visitor_count,
        "source_body": report.source_body,
        "source_ref": report.source_ref,
        "transfer_to": report.transfer_to,
        "repeat_of_id": report.repeat_of_id,
        "repeat_count": report.repeat_count,
        "accept_notice_on": report.accept_notice_on,
        "closed_on": report.closed_on,
        "result": report.result,
        "feedback_on": report.feedback_on,
        "objection": report.objection,
        "subjects": [
            {
                "name": s.name,
                "unit_name": s.unit_name,
                "post": s.post,
                "person_id": s.person_id,
                "person_name": s.person.name if s.person else None,
            }
            for s in subjects
        ],
        "clocks": [
            {
                "kind": v.clock.kind,
                "kind_display": v.label,
                "starts_on": v.clock.starts_on,
                "working_days": v.clock.working_days,
                "due_on": v.clock.due_on,
                "provisional": v.clock.provisional,
                "met_at": v.clock.met_at,
                "days_left": v.days_left,
                "days_overdue": v.days_overdue,
            }
            for v in clock_views(list(report.clocks.order_by("due_on", "pk")))
        ],
        "transitions": [
            {
                "action": t.action,
                "label": workflow.label(t.action),
                "from_status": t.from_status,
                "to_status": t.to_status,
                "from_org": t.from_org.name if t.from_org else None,
                "to_org": t.to_org.name if t.to_org else None,
                "actor": _name(t.actor),
                "at": t.at,
                "reason": t.reason,
            }
            for t in transitions
        ],
        "candidates": [
            {
                "id": c.pk,
                "earlier_id": c.earlier_id,
                "earlier_number": c.earlier.number,
                "earlier_title": c.earlier.title,
                "score": c.score,
            }
            for c in proposed_candidates(user, report)
        ],
        "identity_views": [
            {
                "viewer": _name(v.viewer),
                "viewer_org": v.viewer_org.name,
                "at": v.at,
                "reason": v.reason,
            }
            for v in views
        ],
        "attachments": [
            {
                "id": a.pk,
                "content_type": a.content_type,
                "extension": a.extension,
                "size": a.size,
                "from_reporter": a.from_reporter,
                "uploaded_at": a.uploaded_at,
            }
            for a in report.attachments.all()
        ],
        "available_actions": available_actions(user, report),
    }


def _summary(user: Any, report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "number": report.number,
        "status": report.status,
        "status_display": report.get_status_display(),
        "org": {"id": report.org_id, "name": report.org.name},
        "visible": reports_visible_to(user).filter(pk=report.pk).exists(),
    }


# -- endpoints ------------------------------------------------------------------------------


@router.post("/reports", response={201: RegisteredOut}, summary="登记信访件")
def register_report(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    user = _user(request)
    if not has_cap(user, Cap.REPORT_HANDLE):
        raise Http404
    org = registration_bodies(user).filter(pk=payload.org_id).first()
    if org is None:
        raise ValidationError({"org_id": "登记机关不存在或不在您的管辖范围内"})
    persons = persons_visible_to(user)
    for i, s in enumerate(payload.subjects):
        if s.person_id is not None and not persons.filter(pk=s.person_id).exists():
            raise ValidationError(
                {f"subjects.{i}.person_id": "所选监察对象不存在或不在您的管辖范围内"}
            )
    identity = Identity(**payload.identity.dict()) if payload.identity else Identity()
    data = services.ReportInput(
        channel=payload.channel,
        received_on=payload.received_on,
        title=payload.title,
        content=payload.content,
        subjects=[
            services.SubjectInput(s.name, s.unit_name, s.post, s.person_id)
            for s in payload.subjects
        ],
        category=payload.category,
        is_real_name=payload.is_real_name,
        identity=identity,
        occurred_when=payload.occurred_when,
        occurred_where=payload.occurred_where,
        received_by=payload.received_by,
        visitor_count=payload.visitor_count,
        source_body=payload.source_body,
        source_ref=payload.source_ref,
        about_head=payload.about_head,
    )
    try:
        report = services.register_report(actor=user, org=org, data=data, request=request).report
    except PermissionDenied:
        raise Http404 from None
    return Status(
        201,
        {
            "id": report.pk,
            "number": report.number,
            "status": report.status,
            "visible": reports_visible_to(user).filter(pk=report.pk).exists(),
        },
    )


@router.get(
    "/reports/{int:report_id}", response=ReportDetailOut, summary="信访件详情（不含举报人身份）"
)
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    user = _user(request)
    return _detail(user, get_report_for_user(user, report_id))


def _org_choice(qs: Any, pk: int | None, field: str, message: str) -> Org:
    org = qs.filter(pk=pk).first() if pk is not None else None
    if org is None:
        raise ValidationError({field: message})
    assert isinstance(org, Org)
    return org


def _earlier(user: Any, report: Report, pk: int | None) -> Report:
    earlier = reports_visible_to(user).filter(pk=pk).first() if pk is not None else None
    if earlier is None or earlier.pk == report.pk:
        raise ValidationError({"earlier_id": "首件不存在或不在您的管辖范围内"})
    return earlier


def _apply(action: str, report: Report, p: ActionIn, request: HttpRequest) -> None:
    user = _user(request)
    common: dict[str, Any] = {"report": report, "actor": user}
    if action == "classify":
        if p.klass not in ReportClass.values:
            raise ValidationError({"klass": "请选择信访类别"})
        services.classify(klass=p.klass, request=request, **common)
    elif action == "accept":
        services.accept(split_leads=p.split_leads, request=request, **common)
    elif action == "refuse":
        services.refuse(refuse_reason=p.refuse_reason, reason=p.reason, request=request, **common)
    elif action == "forward_down":
        target = _org_choice(
            forward_targets(report),
            p.target_id,
            "target_id",
            "请选择本机关下级的乡镇（街道）纪（工）委",
        )
        services.forward_down(target=target, reason=p.reason, request=request, **common)
    elif action == "send_up":
        services.send_up(reason=p.reason, request=request, **common)
    elif action == "transfer_out":
        services.transfer_out(authority=p.authority, reason=p.reason, request=request, **common)
    elif action == "assign":
        departments = Org.objects.filter(
            parent_id=report.org_id, kind__in=services.DEPARTMENT_KINDS, is_active=True
        )
        department = _org_choice(
            departments, p.department_id, "department_id", "请选择本机关的内设部门或派驻组"
        )
        services.assign(department=department, reason=p.reason, request=request, **common)
    elif action == "notify_acceptance":
        services.notify_acceptance(request=request, **common)
    elif action == "close":
        services.close(result=p.result, request=request, **common)
    elif action == "record_feedback":
        services.record_feedback(objection=p.objection, request=request, **common)
    elif action == "mark_repeat":
        services.mark_repeat(
            earlier=_earlier(user, report, p.earlier_id), request=request, **common
        )
    elif action == "reject_repeat":
        services.reject_repeat(earlier=_earlier(user, report, p.earlier_id), **common)


@router.post(
    "/reports/{int:report_id}/actions/{action}",
    response=ActionOut,
    summary="办理信访件（分类、受理、不予受理、转下级、报上级、移交、交办、告知、办结、反馈、重复件）",
)
def report_action(
    request: HttpRequest, report_id: int, action: str, payload: ActionIn
) -> dict[str, Any]:
    user = _user(request)
    if action not in API_ACTIONS:
        raise Http404
    report = get_report_for_user(user, report_id, write=True)
    try:
        with transaction.atomic():
            _apply(action, report, payload, request)
    except PermissionDenied:
        raise Http404 from None
    report.refresh_from_db()
    return _summary(user, report)


@router.post(
    "/reports/{int:report_id}/identity",
    response=IdentityOut,
    summary="申请查看举报人身份（须说明理由，留痕并告知举报人）",
)
def report_identity(
    request: HttpRequest, response: HttpResponse, report_id: int, payload: ReasonIn
) -> dict[str, Any]:
    user = _user(request)
    report = get_report_for_user(user, report_id)
    if not covers(user, Cap.REPORT_IDENTITY, report.org):
        raise Http404
    try:
        identity = services.view_identity(
            report=report, actor=user, reason=payload.reason, request=request
        )
    except PermissionDenied:
        raise Http404 from None
    response["Cache-Control"] = "no-store"
    return {
        "name": identity.name,
        "id_number": identity.id_number,
        "phone": identity.phone,
        "unit": identity.unit,
        "address": identity.address,
        "companions": identity.companions,
    }


def _message_out(m: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "from_reporter": m.from_reporter,
        "author": None if m.from_reporter else _name(m.author),
        "body": m.body,
        "is_supplement": m.is_supplement,
        "at": m.at,
    }


@router.get(
    "/reports/{int:report_id}/messages", response=list[MessageOut], summary="与举报人的沟通留言"
)
def list_messages(request: HttpRequest, report_id: int) -> list[dict[str, Any]]:
    report = get_report_for_user(_user(request), report_id)
    return [_message_out(m) for m in report.messages.select_related("author")]


@router.post("/reports/{int:report_id}/messages", response={201: MessageOut}, summary="回复举报人")
def post_message(
    request: HttpRequest, report_id: int, payload: MessageIn
) -> Status[dict[str, Any]]:
    user = _user(request)
    report = get_report_for_user(user, report_id, write=True)
    if not can_handle(user, report):
        raise Http404
    try:
        message = services.post_message(
            report=report, body=payload.body, actor=user, request=request
        )
    except PermissionDenied:
        raise Http404 from None
    return Status(201, _message_out(message))
