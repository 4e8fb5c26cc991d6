"""Every write to a lead: registration, edits, the 处置呈批 and what its approval applies.

Each service is one transaction: it validates (``ValidationError`` naming the field, in
Chinese), checks the actor may handle the lead (``selectors.may_handle``: scope in the
query), locks the lead, applies a step of ``workflow.STEPS``, writes one
``LeadTransition`` and appends to the audit log. Decisions that need approval go through
``qingfeng.approvals.services.submit``; the ``Handler`` registered here for each matter
applies the decision when the last signature is given (DOMAIN.md §3; DESIGN.md §3).
The 谈话函询 and 初步核实 steps live in ``cases.handling``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, Matter
from qingfeng.audit.models import Action as AuditAction
from qingfeng.audit.services import record
from qingfeng.cases.models import BodySettings, Lead, LeadSource, LeadStatus, LeadTransition, Way
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.selectors import may_handle
from qingfeng.cases.workflow import STEPS, WAY_TARGET, Action, allowed
from qingfeng.core.validation import clean_text
from qingfeng.documents import lead_docs
from qingfeng.documents.numbering import next_number
from qingfeng.orgs.models import Org, OrgKind, Person

BODY_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.STREET)
DEPARTMENT_KINDS = (OrgKind.DEPARTMENT, OrgKind.DISPATCHED)
SUMMARY_MAX = 4000
TEXT_MAX = 20000

# Sources an officer registers by hand; 信访举报 leads come from accepting a report.
MANUAL_SOURCES = tuple(s for s in LeadSource if s != LeadSource.REPORT)


def new_lead_number(org: Org) -> str:
    """线索编号: body code, XS, year, sequence — in order per body and year."""
    year = timezone.localdate().year
    seq = next_number(org=org, series="问题线索", year=year)
    return f"{org.code}-XS-{year}-{seq:05d}"


def text_field(value: str | None, field: str, label: str, *, limit: int, minimum: int = 2) -> str:
    """Required free text of a lead step: at least ``minimum``, at most ``limit`` characters."""
    return clean_text(
        value, field_name=field, label=label, max_length=limit, required=True, min_length=minimum
    )


def write_transition(
    lead: Lead, action: str, old: str, actor: Any, note: str = ""
) -> LeadTransition:
    return LeadTransition.objects.create(
        lead=lead,
        action=action,
        from_status=old,
        to_status=lead.status,
        actor=actor,
        note=note[:2000],
    )


def lock_lead(lead: Lead, action: Action | None, actor: Any) -> Lead:
    """Re-read ``lead`` under a row lock and check the actor may take ``action`` on it."""
    if actor is not None and not may_handle(actor, lead):
        raise PermissionDenied("没有办理该问题线索的权限")
    locked = Lead.objects.select_for_update(of=("self",)).select_related("org").get(pk=lead.pk)
    if action is not None and not allowed(action, locked.status):
        raise ValidationError(
            {"status": f"线索当前状态为“{locked.get_status_display()}”，不能{STEPS[action].label}"}
        )
    return locked


def lead_state(lead: Lead) -> dict[str, Any]:
    """What approvers read of a lead: the input of every lead approval's digest."""
    return {
        "number": lead.number,
        "org": lead.org_id,
        "dept": lead.handling_dept_id,
        "source": lead.source,
        "report": lead.report_id,
        "subject": [lead.subject_name, lead.subject_unit, lead.subject_post, lead.person_id],
        "summary": lead.summary,
    }


@dataclass(frozen=True)
class LeadInput:
    source: str
    summary: str
    subject_name: str
    subject_unit: str = ""
    subject_post: str = ""
    person_id: int | None = None
    handling_dept_id: int | None = None


def _clean(org: Org, data: LeadInput, actor: Any, current: Lead | None = None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for field, label, limit, minimum in (
        ("summary", "线索摘要", SUMMARY_MAX, 4),
        ("subject_name", "被反映人", 100, 1),
    ):
        try:
            out[field] = text_field(
                getattr(data, field), field, label, limit=limit, minimum=minimum
            )
        except ValidationError as e:
            errors.update({k: v[0] for k, v in e.message_dict.items()})
    for field, label in (("subject_unit", "单位"), ("subject_post", "职务")):
        try:
            out[field] = clean_text(
                getattr(data, field),
                field_name=field,
                label=label,
                max_length=100,
                required=False,
            )
        except ValidationError as e:
            errors.update({k: v[0] for k, v in e.message_dict.items()})
    out["person"] = None
    if data.person_id and current is not None and data.person_id == current.person_id:
        out["person"] = current.person  # unchanged: no need to reach the person's org
    elif data.person_id:
        person = Person.objects.filter(pk=data.person_id).first()
        if person is None or not covers(actor, Cap.PERSON_VIEW, person.org):
            errors["person"] = "所选监察对象不存在"
        out["person"] = person
    out["handling_dept"] = None
    if data.handling_dept_id:
        dept = Org.objects.filter(
            pk=data.handling_dept_id, parent=org, kind__in=DEPARTMENT_KINDS, is_active=True
        ).first()
        if dept is None:
            errors["handling_dept"] = "承办部门须为本机关的内设部门或派驻组"
        out["handling_dept"] = dept
    if errors:
        raise ValidationError(errors)
    return out


def register_lead(
    *, actor: Any, org: Org, data: LeadInput, request: HttpRequest | None = None
) -> Lead:
    """Register a lead from a source other than a report (巡察、审计、监督检查、联络站、预警、
    上级交办; DOMAIN.md §2–§3). Leads from reports are formed by accepting the report."""
    if org.kind not in BODY_KINDS or not org.is_active:
        raise ValidationError({"org": "问题线索只能由纪委监委或乡镇（街道）纪（工）委管辖"})
    if data.source not in MANUAL_SOURCES:
        raise ValidationError({"source": "请选择线索来源（信访举报形成的线索在受理信访件时生成）"})
    fields = _clean(org, data, actor)
    # A body's officers register its leads; a department's officers register leads of the
    # body that their own department will handle.
    dept = fields["handling_dept"]
    if not covers(actor, Cap.LEAD_HANDLE, org) and not (
        dept is not None and covers(actor, Cap.LEAD_HANDLE, dept)
    ):
        raise PermissionDenied("没有在该机关登记问题线索的权限")
    with transaction.atomic():
        lead = Lead.objects.create(
            number=new_lead_number(org),
            org=org,
            source=data.source,
            created_by=actor,
            **fields,
        )
        write_transition(lead, Action.REGISTER, "", actor)
        lead_docs.issue_lead_register(lead=lead, actor=actor)
        record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=lead,
            org=org,
            request=request,
            detail=f"登记问题线索（{lead.get_source_display()}）",
        )
    return lead


def update_lead(
    *, lead: Lead, actor: Any, data: LeadInput, request: HttpRequest | None = None
) -> Lead:
    """Correct a lead before it is disposed of. A pending 呈批 of it becomes void
    (DESIGN.md §3: an approval is void once the record it approved has changed)."""
    with transaction.atomic():
        lead = lock_lead(lead, Action.EDIT, actor)
        fields = _clean(lead.org, data, actor, current=lead)
        before = lead_state(lead)
        for name, value in fields.items():
            setattr(lead, name, value)
        after = lead_state(lead)
        if before == after:
            return lead
        old = lead.status
        voided = approvals.void_pending(
            target_filter={"lead": lead}, actor=actor, why="线索内容已修改，原呈批失效"
        )
        if voided and lead.status == LeadStatus.PROPOSED:
            lead.status = _proposal_origin(lead)
        lead.save()
        write_transition(
            lead, Action.EDIT, old, actor, "修改线索内容" + ("，原呈批失效" if voided else "")
        )
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=lead,
            org=lead.org,
            changes=changes,
            request=request,
        )
    return lead


def _proposal_origin(lead: Lead) -> str:
    """The state a lead returns to when its 处置呈批 ends without effect."""
    last = (
        Approval.objects.filter(lead=lead, matter=Matter.LEAD_DISPOSAL)
        .order_by("-submitted_at", "-id")
        .values_list("payload", flat=True)
        .first()
    )
    origin = (last or {}).get("from", LeadStatus.PENDING)
    return origin if origin in (LeadStatus.PENDING, LeadStatus.ON_HOLD) else LeadStatus.PENDING


def propose_disposal(
    *,
    lead: Lead,
    actor: Any,
    way: str,
    proposal: str,
    meeting: approvals.MeetingInput,
    request: HttpRequest | None = None,
) -> Approval:
    """处置呈批: propose one of the four ways after a collective decision (DOMAIN.md §3:
    "every lead is decided collectively and approved"). The body's chain signs it; the last
    signature applies the way (``_disposal_approved``)."""
    if way not in Way.values:
        raise ValidationError({"way": "请选择处置方式"})
    with transaction.atomic():
        lead = lock_lead(lead, Action.PROPOSE, actor)
        old = lead.status
        payload = {"way": way, "from": old}
        approval = approvals.submit(
            org=lead.org,
            matter=Matter.LEAD_DISPOSAL,
            title=f"关于{lead.subject_name}问题线索拟{Way(way).label}的呈批",
            proposal=proposal,
            payload=payload,
            state=lead_state(lead),
            actor=actor,
            lead=lead,
            dept=lead.handling_dept,
            meeting=meeting,
            request=request,
        )
        lead.status = LeadStatus.PROPOSED
        lead.save(update_fields=["status", "updated_at"])
        write_transition(lead, Action.PROPOSE, old, actor, f"拟{Way(way).label}：{approval.number}")
    return approval


def _lock_for_approval(approval: Approval) -> Lead:
    assert approval.lead_id is not None
    return (
        Lead.objects.select_for_update(of=("self",)).select_related("org").get(pk=approval.lead_id)
    )


def _disposal_approved(approval: Approval, lead: Lead, actor: Any) -> None:
    way = approval.payload["way"]
    old = lead.status
    lead.status = WAY_TARGET[way]
    lead.way = way
    if way == Way.CLOSE:
        lead.outcome = Outcome.CLOSED
        lead.closed_on = timezone.localdate()
    elif way == Way.HOLD:
        lead.outcome = Outcome.ON_HOLD
    lead.save(update_fields=["status", "way", "outcome", "closed_on", "updated_at"])
    write_transition(lead, Action.DISPOSE, old, actor, f"{Way(way).label}（{approval.number}）")
    lead_docs.issue_disposal_form(approval=approval, actor=actor)
    record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=lead,
        org=lead.org,
        changes={"status": [old, lead.status]},
        detail=f"批准处置：{Way(way).label}",
    )


def _disposal_ended(approval: Approval, lead: Lead, actor: Any) -> None:
    if lead.status != LeadStatus.PROPOSED:
        return
    old = lead.status
    origin = approval.payload.get("from", LeadStatus.PENDING)
    lead.status = (
        origin if origin in (LeadStatus.PENDING, LeadStatus.ON_HOLD) else LeadStatus.PENDING
    )
    lead.save(update_fields=["status", "updated_at"])
    write_transition(
        lead, Action.RETURN, old, actor, f"{approval.get_status_display()}：{approval.number}"
    )


def _lead_only_state(lead: Lead) -> Mapping[str, Any]:
    return lead_state(lead)


approvals.register(
    Matter.LEAD_DISPOSAL,
    approvals.Handler(
        lock=_lock_for_approval,
        state=_lead_only_state,
        approved=_disposal_approved,
        ended=_disposal_ended,
    ),
)


def set_body_settings(
    *,
    org: Org,
    actor: Any,
    verification_months: int,
    reviews_township_cases: bool = False,
    request: HttpRequest | None = None,
) -> BodySettings:
    """Set a body's local practice: its 初步核实 limit (DOMAIN.md §3 *local*: 15 working days
    to 2 months; whole months here, 1 or 2) and, for a county, 乡案县审 (DOMAIN.md §4
    *local*: its 审理室 reviews township cases before the sanction is approved). Running
    verifications keep their limit; cases already in 审理 keep their 审理 body."""
    if org.kind not in BODY_KINDS:
        raise ValidationError({"org": "只能为纪委监委或乡镇（街道）纪（工）委设置"})
    if not covers(actor, Cap.CHAIN_MANAGE, org):
        raise PermissionDenied("没有修改该机关办案设置的权限")
    if verification_months not in (1, 2):
        raise ValidationError({"verification_months": "初步核实时限须为1个月或2个月"})
    if reviews_township_cases and org.kind in (OrgKind.TOWNSHIP, OrgKind.STREET):
        raise ValidationError({"reviews_township_cases": "乡案县审由县（区）纪委监委设置"})
    with transaction.atomic():
        row, _created = BodySettings.objects.select_for_update().get_or_create(org=org)
        before = [row.verification_months, row.reviews_township_cases]
        row.verification_months = verification_months
        row.reviews_township_cases = reviews_township_cases
        row.save(update_fields=["verification_months", "reviews_township_cases"])
        record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=org,
            org=org,
            request=request,
            changes={
                "verification_months": [before[0], verification_months],
                "reviews_township_cases": [before[1], reviews_township_cases],
            },
            detail="办案设置：初步核实时限、乡案县审",
        )
    return row
