"""Leads API (问题线索): list, detail, registration, correction and the 处置呈批.

Scoped like the pages (DESIGN.md §3): every read goes through ``cases.selectors``; a lead
outside the caller's scope answers 404 exactly like a missing one, and acting on a lead
needs ``lead.handle`` on it (``get_lead_for_user(..., write=True)``). A refusal by a service
answers 403; bad input answers 400 naming the field of the request body. The 谈话函询 and
初步核实 endpoints live in ``cases.api_handling`` and are mounted on this router.
"""

# No ``from __future__ import annotations``: django-ninja resolves annotations at runtime.
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap, orgs_with, subtree_q
from qingfeng.approvals import services as approvals
from qingfeng.approvals.api_common import (
    ApprovalSummaryOut,
    OrgBrief,
    approval_summary,
    caller,
    enum_doc,
    name_of,
    org_ref,
    service_errors,
)
from qingfeng.approvals.models import MeetingKind
from qingfeng.cases import api_handling, services, workflow
from qingfeng.cases.api_handling import (
    EnquiryOut,
    VerificationOut,
    enquiry_out,
    verification_out,
)
from qingfeng.cases.list_selectors import page_rows
from qingfeng.cases.models import Lead, LeadSource, LeadStatus, Way
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.selectors import (
    approvals_of,
    clocks_of,
    enquiries_of,
    get_lead_for_user,
    leads_visible_to,
    transitions_of,
)
from qingfeng.core.paging import capped_count
from qingfeng.intake.list_selectors import holder_org_ids

router = Router(tags=["问题线索"])
router.add_router("/", api_handling.router)

COUNT_CAP = 10_000
MAX_LIMIT = 100
Q_MAX = 60

# Service field → request field, so a 400 names what the client sent.
LEAD_FIELDS = {"org": "org_id", "person": "person_id", "handling_dept": "handling_dept_id"}
MEETING_FIELDS = {
    "meeting_kind": "meeting.kind",
    "meeting_held_on": "meeting.held_on",
    "meeting_participants": "meeting.participants",
    "meeting_conclusion": "meeting.conclusion",
}

# -- schemas -------------------------------------------------------------------------------


class LeadIn(Schema):
    org_id: int = Field(description="管辖机关（本人有办理权限的纪委监委或乡镇纪委）")
    source: str = Field(
        description="线索来源（信访举报形成的线索在受理信访件时生成）",
        json_schema_extra=enum_doc(services.MANUAL_SOURCES),
    )
    summary: str = Field(description=f"线索摘要，4–{services.SUMMARY_MAX}字")
    subject_name: str = Field(description="被反映人，不超过100字")
    subject_unit: str = ""
    subject_post: str = ""
    person_id: int | None = Field(default=None, description="对应的监察对象（可不关联）")
    handling_dept_id: int | None = Field(default=None, description="承办部门（本机关内设部门）")


class LeadPatchIn(Schema):
    """Only the fields sent are changed; ``person_id`` / ``handling_dept_id`` sent as null
    are cleared."""

    summary: str | None = None
    subject_name: str | None = None
    subject_unit: str | None = None
    subject_post: str | None = None
    person_id: int | None = None
    handling_dept_id: int | None = None


class MeetingIn(Schema):
    kind: str = Field(json_schema_extra=enum_doc(MeetingKind.values))
    held_on: dt.date | None = None
    participants: str = ""
    conclusion: str = ""


class DisposalIn(Schema):
    way: str = Field(description="处置方式", json_schema_extra=enum_doc(Way.values))
    proposal: str = Field(description="呈批意见")
    meeting: MeetingIn = Field(description="集体研究记录")


class PersonRef(Schema):
    id: int
    name: str


class LeadRowOut(Schema):
    id: int
    number: str
    source: str
    source_display: str
    subject_name: str
    subject_unit: str
    status: str
    status_display: str
    way: str
    way_display: str
    outcome: str
    outcome_display: str
    org: OrgBrief
    handling_dept: OrgBrief | None
    created_at: dt.datetime
    closed_on: dt.date | None


class LeadPageOut(Schema):
    items: list[LeadRowOut]
    total: int
    has_more: bool = Field(description="为真时 total 为上限值，实际条数更多，请缩小筛选范围")
    limit: int
    offset: int


class LeadClockOut(Schema):
    kind: str
    kind_display: str
    starts_on: dt.date
    due_on: dt.date
    provisional: bool = Field(description="按未录入的年度估算，录入后重算")
    met_at: dt.datetime | None
    overdue: bool


class DocumentRefOut(Schema):
    id: int
    number: str
    kind: str
    kind_display: str
    title: str
    issued_at: dt.datetime


class TimelineOut(Schema):
    action: str
    label: str
    from_status: str
    to_status: str
    actor: str | None
    note: str
    at: dt.datetime


class LeadDetailOut(LeadRowOut):
    subject_post: str
    person: PersonRef | None
    summary: str
    report_id: int | None = Field(description="来源信访件")
    created_by: str | None
    updated_at: dt.datetime
    clocks: list[LeadClockOut]
    enquiries: list[EnquiryOut]
    verifications: list[VerificationOut]
    approvals: list[ApprovalSummaryOut]
    documents: list[DocumentRefOut]
    timeline: list[TimelineOut]


# -- helpers --------------------------------------------------------------------------------


def _row(lead: Lead) -> dict[str, Any]:
    return {
        "id": lead.pk,
        "number": lead.number,
        "source": lead.source,
        "source_display": lead.get_source_display(),
        "subject_name": lead.subject_name,
        "subject_unit": lead.subject_unit,
        "status": lead.status,
        "status_display": lead.get_status_display(),
        "way": lead.way,
        "way_display": lead.get_way_display() if lead.way else "",
        "outcome": lead.outcome,
        "outcome_display": str(Outcome(lead.outcome).label) if lead.outcome else "",
        "org": org_ref(lead.org),
        "handling_dept": org_ref(lead.handling_dept),
        "created_at": lead.created_at,
        "closed_on": lead.closed_on,
    }


def _detail(lead: Lead) -> dict[str, Any]:
    today = timezone.localdate()
    verifications = lead.verifications.select_related("leader").prefetch_related("team")
    out = _row(lead)
    out.update(
        {
            "subject_post": lead.subject_post,
            "person": {"id": lead.person.pk, "name": lead.person.name} if lead.person else None,
            "summary": lead.summary,
            "report_id": lead.report_id,
            "created_by": name_of(lead.created_by),
            "updated_at": lead.updated_at,
            "clocks": [
                {
                    "kind": c.kind,
                    "kind_display": c.get_kind_display(),
                    "starts_on": c.starts_on,
                    "due_on": c.due_on,
                    "provisional": c.provisional,
                    "met_at": c.met_at,
                    "overdue": c.met_at is None and c.due_on < today,
                }
                for c in clocks_of(lead)
            ],
            "enquiries": [enquiry_out(e) for e in enquiries_of(lead)],
            "verifications": [
                verification_out(v) for v in verifications.order_by("created_at", "id")
            ],
            "approvals": [approval_summary(a) for a in approvals_of(lead)],
            "documents": [
                {
                    "id": d.pk,
                    "number": d.number,
                    "kind": d.kind,
                    "kind_display": d.get_kind_display(),
                    "title": d.title,
                    "issued_at": d.issued_at,
                }
                for d in lead.documents.order_by("-issued_at", "-id")
            ],
            "timeline": [
                {
                    "action": t.action,
                    "label": workflow.label(t.action),
                    "from_status": t.from_status,
                    "to_status": t.to_status,
                    "actor": name_of(t.actor),
                    "note": t.note,
                    "at": t.at,
                }
                for t in transitions_of(lead)
            ],
        }
    )
    return out


def _choice(value: str, allowed: list[str], field: str, label: str) -> str:
    if value and value not in allowed:
        raise ValidationError({field: f"{label}取值无效"})
    return value


def _filtered(
    user: Any, *, status: str, way: str, source: str, org: int | None, q: str
) -> QuerySet[Lead]:
    qs = leads_visible_to(user)
    if status:
        qs = qs.filter(status=_choice(status, list(LeadStatus.values), "status", "状态"))
    if way:
        qs = qs.filter(way=_choice(way, list(Way.values), "way", "处置方式"))
    if source:
        qs = qs.filter(source=_choice(source, list(LeadSource.values), "source", "线索来源"))
    if org is not None:
        # A body or department of the caller's scope, with everything under it; another
        # org answers 404 like a missing one (DESIGN.md §3).
        body = orgs_with(user, Cap.LEAD_VIEW).filter(pk=org).first()
        if body is None:
            raise Http404
        qs = qs.filter(subtree_q(body.path, "org__") | subtree_q(body.path, "handling_dept__"))
    else:
        # The index-friendly superset the list page reads through (``holder_org_ids``):
        # the scope test alone joins the org table for every lead.
        holders, _wide = holder_org_ids(user, None, cap=Cap.LEAD_VIEW)
        qs = qs.filter(org_id__in=holders)
    q = q.strip()[:Q_MAX]
    if q:
        qs = qs.filter(Q(number=q) | Q(subject_name__startswith=q))
    return qs


def _capped_count(qs: QuerySet[Any]) -> tuple[int, bool]:
    return capped_count(qs, COUNT_CAP)


# -- endpoints ------------------------------------------------------------------------------


@router.get(
    "/leads",
    response=LeadPageOut,
    summary="问题线索列表（新登记的在前）",
    description=(
        "status / way / source：状态、处置方式、线索来源；org：机关或部门（含下级）；"
        "q：线索编号（精确）或被反映人姓名开头。limit 每页条数（1–100，默认20），"
        f"offset 起始位置；总数最多计到{COUNT_CAP}。"
    ),
)
def list_leads(
    request: HttpRequest,
    status: str = "",
    way: str = "",
    source: str = "",
    org: int | None = None,
    q: str = "",
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    user = caller(request)
    qs = _filtered(user, status=status, way=way, source=source, org=org, q=q)
    limit = min(max(1, limit), MAX_LIMIT)
    offset = min(max(0, offset), COUNT_CAP)
    rows = page_rows(qs.order_by("-created_at", "-id"), offset, offset + limit)
    total, has_more = _capped_count(qs)
    return {
        "items": [_row(r) for r in rows],
        "total": total,
        "has_more": has_more,
        "limit": limit,
        "offset": offset,
    }


@router.post("/leads", response={201: LeadDetailOut}, summary="登记问题线索（信访举报以外的来源）")
def register_lead(request: HttpRequest, payload: LeadIn) -> Status[dict[str, Any]]:
    user = caller(request)
    if not has_cap(user, Cap.LEAD_HANDLE):
        raise Http404
    org = orgs_with(user, Cap.LEAD_HANDLE).filter(pk=payload.org_id).first()
    if org is None:
        raise ValidationError({"org_id": "管辖机关不存在或不在您的办理范围内"})
    data = services.LeadInput(
        source=payload.source,
        summary=payload.summary,
        subject_name=payload.subject_name,
        subject_unit=payload.subject_unit,
        subject_post=payload.subject_post,
        person_id=payload.person_id,
        handling_dept_id=payload.handling_dept_id,
    )
    with service_errors(LEAD_FIELDS):
        lead = services.register_lead(actor=user, org=org, data=data, request=request)
    return Status(201, _detail(get_lead_for_user(user, lead.pk)))


@router.get("/leads/{int:lead_id}", response=LeadDetailOut, summary="问题线索详情（含办理经过）")
def get_lead(request: HttpRequest, lead_id: int) -> dict[str, Any]:
    return _detail(get_lead_for_user(caller(request), lead_id))


@router.patch(
    "/leads/{int:lead_id}",
    response=LeadDetailOut,
    summary="修改问题线索（处置前；审批中的处置呈批随之失效）",
)
def update_lead(request: HttpRequest, lead_id: int, payload: LeadPatchIn) -> dict[str, Any]:
    user = caller(request)
    lead = get_lead_for_user(user, lead_id, write=True)
    sent = payload.model_fields_set

    def pick(field: str, current: Any) -> Any:
        return getattr(payload, field) if field in sent else current

    data = services.LeadInput(
        source=lead.source,
        summary=pick("summary", lead.summary) or "",
        subject_name=pick("subject_name", lead.subject_name) or "",
        subject_unit=pick("subject_unit", lead.subject_unit) or "",
        subject_post=pick("subject_post", lead.subject_post) or "",
        person_id=pick("person_id", lead.person_id),
        handling_dept_id=pick("handling_dept_id", lead.handling_dept_id),
    )
    with service_errors(LEAD_FIELDS):
        services.update_lead(lead=lead, actor=user, data=data, request=request)
    return _detail(get_lead_for_user(user, lead_id))


@router.post(
    "/leads/{int:lead_id}/disposal",
    response={201: ApprovalSummaryOut},
    summary="处置呈批（集体研究后，拟谈话函询、初步核实、暂存待查或予以了结）",
)
def propose_disposal(
    request: HttpRequest, lead_id: int, payload: DisposalIn
) -> Status[dict[str, Any]]:
    user = caller(request)
    lead = get_lead_for_user(user, lead_id, write=True)
    meeting = approvals.MeetingInput(
        kind=payload.meeting.kind,
        held_on=payload.meeting.held_on,
        participants=payload.meeting.participants,
        conclusion=payload.meeting.conclusion,
    )
    with service_errors(MEETING_FIELDS):
        approval = services.propose_disposal(
            lead=lead,
            actor=user,
            way=payload.way,
            proposal=payload.proposal,
            meeting=meeting,
            request=request,
        )
    return Status(201, approval_summary(approval))
