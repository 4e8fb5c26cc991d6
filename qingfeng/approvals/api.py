"""Approvals API (呈批审批): what waits for my signature, one 呈批 with its steps, signing and
withdrawing, and each body's approval chains.

Reads go through ``approvals.selectors`` (an approval is visible to those who may read its
record and to its signers; anything else answers 404 like a missing one). Writes go through
``approvals.services``: a refusal answers 403, bad input 400 naming the field, and a 呈批 whose
record changed since submission becomes void and answers 400 with field ``approval``
(DESIGN.md §3 "Approvals bind state").
"""

# No ``from __future__ import annotations``: django-ninja resolves annotations at runtime.
import datetime as dt
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from pydantic import Field

from qingfeng.approvals import chains, services
from qingfeng.approvals.api_common import (
    ApprovalSummaryOut,
    LeadRef,
    OrgBrief,
    approval_summary,
    caller,
    enum_doc,
    name_of,
    org_ref,
    service_errors,
)
from qingfeng.approvals.models import (
    Approval,
    ApprovalStatus,
    ApprovalStep,
    Matter,
    Relation,
    StepState,
)
from qingfeng.approvals.selectors import get_approval_for_user, steps_of, waiting_steps_for
from qingfeng.orgs.models import Org
from qingfeng.orgs.selectors import get_org_for_user

router = Router(tags=["呈批审批"])

WAITING_MAX_LIMIT = 200

# -- schemas -------------------------------------------------------------------------------


class WaitingOut(Schema):
    approval: ApprovalSummaryOut
    org: OrgBrief = Field(description="呈批机关")
    lead: LeadRef | None
    step_order: int
    step_label: str = Field(description="待我签批的栏目")
    step_org: OrgBrief
    submitted_by: str | None


class WaitingPageOut(Schema):
    items: list[WaitingOut]
    total: int
    limit: int
    offset: int


class StepOut(Schema):
    order: int
    label: str
    role: str
    role_display: str
    org: OrgBrief
    state: str
    state_display: str
    signer: str | None
    comment: str
    signed_at: dt.datetime | None


class MeetingOut(Schema):
    kind: str
    kind_display: str
    held_on: dt.date
    participants: str
    conclusion: str


class ApprovalDetailOut(ApprovalSummaryOut):
    org: OrgBrief
    proposal: str
    payload: dict[str, Any] = Field(description="拟办事项（批准后执行），如处置方式、处理意见")
    void_reason: str
    submitted_by: str | None
    lead: LeadRef | None
    meeting: MeetingOut | None = Field(description="集体研究记录（处置呈批）")
    steps: list[StepOut]
    is_current: bool | None = Field(
        description="审批中时：记录是否仍与呈批时一致；为假时签批将使呈批失效。已办结时为空"
    )
    can_sign: bool = Field(description="当前用户能否签批当前栏目")
    can_withdraw: bool = Field(description="当前用户能否撤回（仅呈批人，审批中）")


class SignIn(Schema):
    approve: bool = Field(description="同意为真，不同意为假")
    comment: str = Field(default="", description="审批意见；不同意时必填，不超过2000字")


class ChainStepIn(Schema):
    role: str = Field(json_schema_extra=enum_doc(chains.SIGNING_ROLES))
    relation: str = Field(json_schema_extra=enum_doc(Relation.values))
    label: str = Field(description="签批栏目，不超过40字")


class ChainIn(Schema):
    steps: list[ChainStepIn] = Field(
        description="按顺序的审批步骤，最多5步；为空时恢复该类机关的默认流程"
    )


class ChainStepOut(Schema):
    order: int
    role: str
    role_display: str
    relation: str
    relation_display: str
    label: str


class MatterChainOut(Schema):
    matter: str
    matter_display: str
    configured: bool = Field(description="为假时使用该类机关的默认流程")
    steps: list[ChainStepOut]


class RoleOut(Schema):
    code: str
    name: str


class ChainsOut(Schema):
    org: OrgBrief
    chains: list[MatterChainOut]
    roles: list[RoleOut] = Field(description="可作为审批人的角色")


# -- helpers --------------------------------------------------------------------------------


def _lead_ref(approval: Approval) -> dict[str, Any] | None:
    lead = approval.lead
    if lead is None:
        return None
    return {"id": lead.pk, "number": lead.number, "subject_name": lead.subject_name}


def _may_sign_now(user: Any, approval: Approval, steps: list[ApprovalStep]) -> bool:
    """The same rule ``services.sign`` applies: the waiting step's role on its org, never
    the submitter, never twice in one approval."""
    if approval.status != ApprovalStatus.PENDING or approval.submitted_by_id == user.pk:
        return False
    if any(s.signer_id == user.pk for s in steps):
        return False
    waiting = next((s for s in steps if s.state == StepState.WAITING), None)
    return waiting is not None and services.may_sign(user, waiting)


def _is_current(approval: Approval) -> bool | None:
    """Whether a pending 呈批 still matches its record (read under the record's lock)."""
    if approval.status != ApprovalStatus.PENDING:
        return None
    with transaction.atomic():
        return services.is_current(approval, services.current_state(approval))


def _detail(user: Any, approval: Approval) -> dict[str, Any]:
    steps = steps_of(approval)
    meeting = approval.meeting
    out = approval_summary(approval)
    out.update(
        {
            "org": org_ref(approval.org),
            "proposal": approval.proposal,
            "payload": dict(approval.payload),
            "void_reason": approval.void_reason,
            "submitted_by": name_of(approval.submitted_by),
            "lead": _lead_ref(approval),
            "meeting": (
                {
                    "kind": meeting.kind,
                    "kind_display": meeting.get_kind_display(),
                    "held_on": meeting.held_on,
                    "participants": meeting.participants,
                    "conclusion": meeting.conclusion,
                }
                if meeting is not None
                else None
            ),
            "steps": [
                {
                    "order": s.order,
                    "label": s.label,
                    "role": s.role,
                    "role_display": chains.SIGNING_ROLES.get(s.role, s.role),
                    "org": org_ref(s.org),
                    "state": s.state,
                    "state_display": s.get_state_display(),
                    "signer": name_of(s.signer),
                    "comment": s.comment,
                    "signed_at": s.signed_at,
                }
                for s in steps
            ],
            "is_current": _is_current(approval),
            "can_sign": _may_sign_now(user, approval, steps),
            "can_withdraw": approval.status == ApprovalStatus.PENDING
            and approval.submitted_by_id == user.pk,
        }
    )
    return out


def _matter_chain(org: Org, matter: str) -> dict[str, Any]:
    specs, configured = chains.chain_for(org, matter)
    return {
        "matter": matter,
        "matter_display": str(Matter(matter).label),
        "configured": configured,
        "steps": [
            {
                "order": i,
                "role": s.role,
                "role_display": chains.SIGNING_ROLES.get(s.role, s.role),
                "relation": s.relation,
                "relation_display": str(Relation(s.relation).label),
                "label": s.label,
            }
            for i, s in enumerate(specs, start=1)
        ],
    }


def _chain_body(user: Any, org_id: int) -> Org:
    """A body whose chains the caller may see: outside the caller's scope (or not a body
    holding leads) answers 404 like a missing org."""
    org = get_org_for_user(user, org_id)
    if org.kind not in chains.BODY_KINDS:
        raise Http404
    return org


# -- endpoints ------------------------------------------------------------------------------


@router.get(
    "/approvals/waiting",
    response=WaitingPageOut,
    summary="待我审批（先呈先批）",
    description=f"limit 每页条数（1–{WAITING_MAX_LIMIT}，默认50），offset 起始位置。",
)
def waiting(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    user = caller(request)
    limit = min(max(1, limit), WAITING_MAX_LIMIT)
    offset = max(0, offset)
    qs = waiting_steps_for(user)
    rows = list(
        qs.select_related("approval__submitted_by").prefetch_related("approval__steps")[
            offset : offset + limit
        ]
    )
    return {
        "items": [
            {
                "approval": approval_summary(s.approval),
                "org": org_ref(s.approval.org),
                "lead": _lead_ref(s.approval),
                "step_order": s.order,
                "step_label": s.label,
                "step_org": org_ref(s.org),
                "submitted_by": name_of(s.approval.submitted_by),
            }
            for s in rows
        ],
        "total": qs.count(),
        "limit": limit,
        "offset": offset,
    }


@router.get(
    "/approvals/{int:approval_id}",
    response=ApprovalDetailOut,
    summary="呈批详情：审批步骤、集体研究，以及记录是否仍与呈批时一致",
)
def get_approval(request: HttpRequest, approval_id: int) -> dict[str, Any]:
    user = caller(request)
    return _detail(user, get_approval_for_user(user, approval_id))


@router.post(
    "/approvals/{int:approval_id}/sign",
    response=ApprovalDetailOut,
    summary="签批（同意 / 不同意）",
    description=(
        "只有当前栏目的审批人可以签批，呈批人和已签批人不能再签。呈批后记录已变更的，"
        "呈批失效并返回 400（field 为 approval）。"
    ),
)
def sign(request: HttpRequest, approval_id: int, payload: SignIn) -> dict[str, Any]:
    user = caller(request)
    approval = get_approval_for_user(user, approval_id)
    with service_errors():
        services.sign(
            approval=approval,
            actor=user,
            approve=payload.approve,
            comment=payload.comment,
            request=request,
        )
    return _detail(user, get_approval_for_user(user, approval_id))


@router.post(
    "/approvals/{int:approval_id}/withdraw",
    response=ApprovalDetailOut,
    summary="撤回呈批（仅呈批人，审批中）",
)
def withdraw(request: HttpRequest, approval_id: int) -> dict[str, Any]:
    user = caller(request)
    approval = get_approval_for_user(user, approval_id)
    with service_errors():
        services.withdraw(approval=approval, actor=user, request=request)
    return _detail(user, get_approval_for_user(user, approval_id))


@router.get(
    "/approval-chains/{int:org_id}",
    response=ChainsOut,
    summary="机关的审批流程（各审批事项）",
)
def get_chains(request: HttpRequest, org_id: int) -> dict[str, Any]:
    org = _chain_body(caller(request), org_id)
    return {
        "org": org_ref(org),
        "chains": [_matter_chain(org, m) for m in chains.matters_for(org)],
        "roles": [{"code": c, "name": n} for c, n in chains.SIGNING_ROLES.items()],
    }


@router.put(
    "/approval-chains/{int:org_id}/{matter}",
    response=MatterChainOut,
    summary="配置机关某一审批事项的审批流程（需“配置审批流程”权限）",
    description="已提交的呈批仍按提交时的流程审批。",
)
def put_chain(request: HttpRequest, org_id: int, matter: str, payload: ChainIn) -> dict[str, Any]:
    user = caller(request)
    org = _chain_body(user, org_id)
    if matter not in chains.matters_for(org):
        raise Http404
    rename = {
        f"step{i}_{attr}": f"steps.{i - 1}.{attr}"
        for i in range(1, len(payload.steps) + 1)
        for attr in ("role", "relation", "label")
    }
    with service_errors(rename):
        services.set_chain(
            org=org,
            matter=Matter(matter),
            steps=[chains.StepSpec(s.role, s.relation, s.label) for s in payload.steps],
            actor=user,
            request=request,
        )
    return _matter_chain(org, matter)
