"""Every write to approvals: submit a 呈批, sign a step, withdraw, void, configure chains.

Each target kind registers a ``Handler`` (``register``) that locks its record, describes its
material state and applies the outcome. ``sign`` runs in one transaction: it locks the
approval, re-reads the record, refuses and voids the approval when the record no longer
matches the digest it was submitted with (DESIGN.md §3 "Approvals bind state"), records the
signature, and on the last approving signature applies the decision through the handler.
Two signers of the same step at once: the step is claimed with a conditional UPDATE, so
exactly one wins on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers, user_grants
from qingfeng.approvals import chains
from qingfeng.approvals.digests import digest_of
from qingfeng.approvals.models import (
    Approval,
    ApprovalStatus,
    ApprovalStep,
    ChainStep,
    Matter,
    Meeting,
    MeetingKind,
    Relation,
    StepState,
)
from qingfeng.audit.models import Action as AuditAction
from qingfeng.audit.services import record
from qingfeng.core.validation import clean_text
from qingfeng.documents.numbering import next_number
from qingfeng.orgs.models import Org

COMMENT_MAX = 2000
# A 呈批 may carry a whole 情况报告 as its proposal.
PROPOSAL_MAX = 20000


@dataclass(frozen=True)
class Handler:
    """How approvals of one matter reach their record.

    - ``lock``: the record, locked (``select_for_update``) for the signing transaction;
    - ``state``: its material state, the input of the digest;
    - ``approved``: apply the decision (last approving signature), inside the transaction;
    - ``ended``: the approval ended without effect (rejected, withdrawn or void).
    """

    lock: Callable[[Approval], Any]
    state: Callable[[Any], Mapping[str, Any]]
    approved: Callable[[Approval, Any, Any], None]
    ended: Callable[[Approval, Any, Any], None]


_handlers: dict[str, Handler] = {}


def register(matter: str, handler: Handler) -> None:
    _handlers[matter] = handler


def handler_for(matter: str) -> Handler:
    return _handlers[matter]


@dataclass(frozen=True)
class MeetingInput:
    kind: str
    held_on: Any
    participants: str
    conclusion: str


def _meeting(org: Org, data: MeetingInput, actor: Any) -> Meeting:
    """Validate and store a collective decision (DOMAIN.md §3: 集体研究)."""
    errors: dict[str, str] = {}
    if data.kind not in MeetingKind.values:
        errors["meeting_kind"] = "请选择会议类型"
    if not data.held_on:
        errors["meeting_held_on"] = "请填写集体研究的会议日期"
    elif data.held_on > timezone.localdate():
        errors["meeting_held_on"] = "会议日期不能晚于今天"
    for key, attr, label, limit in (
        ("meeting_participants", "participants", "参会人员", 1000),
        ("meeting_conclusion", "conclusion", "集体研究意见", COMMENT_MAX),
    ):
        try:
            clean_text(
                getattr(data, attr),
                field_name=key,
                label=label,
                max_length=limit,
                required=True,
                min_length=2,
            )
        except ValidationError as e:
            errors.update({k: v[0] for k, v in e.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return Meeting.objects.create(
        org=org,
        kind=data.kind,
        held_on=data.held_on,
        participants=data.participants.strip(),
        conclusion=data.conclusion.strip(),
        recorded_by=actor,
    )


def submit(
    *,
    org: Org,
    matter: Matter,
    title: str,
    proposal: str,
    payload: Mapping[str, Any],
    state: Mapping[str, Any],
    actor: Any,
    lead: Any = None,
    case: Any = None,
    dept: Org | None = None,
    meeting: MeetingInput | None = None,
    steps: Sequence[chains.StepSpec] | None = None,
    request: HttpRequest | None = None,
) -> Approval:
    """Open a 呈批 of ``matter`` at ``org`` and queue its chain (DOMAIN.md §3).

    The chain is copied from ``chains.chain_for`` and resolved to orgs now; a step whose
    approver cannot be placed (no handling department, no upper body) is refused with a
    message naming what is missing. The first step waits for its signer. Called by the
    record's own service inside its transaction. ``steps`` replaces the chain where the law
    fixes who approves (a sanction goes to the body holding the power, DOMAIN.md §4).
    """
    proposal = clean_text(
        proposal,
        field_name="proposal",
        label="呈批意见",
        max_length=PROPOSAL_MAX,
        required=True,
        min_length=2,
    )
    specs = tuple(steps) if steps is not None else chains.chain_for(org, matter)[0]
    resolved: list[tuple[chains.StepSpec, Org]] = []
    for spec in specs:
        target = chains.resolve(spec, body=org, dept=dept)
        if target is None:
            if spec.relation == Relation.DEPT:
                raise ValidationError(
                    {"handling_dept": "该审批流程需承办部门审批，请先确定承办部门"}
                )
            raise ValidationError({"org": f"找不到“{spec.label}”所在的机关"})
        resolved.append((spec, target))
    with transaction.atomic():
        stored_meeting = _meeting(org, meeting, actor) if meeting is not None else None
        year = timezone.localdate().year
        seq = next_number(org=org, series="呈批", year=year)
        approval = Approval.objects.create(
            number=f"{org.code}-CP-{year}-{seq:05d}",
            org=org,
            matter=matter,
            lead=lead,
            case=case,
            title=title[:200],
            proposal=proposal,
            payload=dict(payload),
            digest=digest_of(state, payload),
            meeting=stored_meeting,
            submitted_by=actor,
        )
        ApprovalStep.objects.bulk_create(
            ApprovalStep(
                approval=approval,
                order=i,
                label=spec.label,
                role=spec.role,
                org=target,
                state=StepState.WAITING if i == 1 else StepState.QUEUED,
            )
            for i, (spec, target) in enumerate(resolved, start=1)
        )
        record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=approval,
            org=org,
            detail=f"呈批：{approval.get_matter_display()}（{title[:60]}）",
            request=request,
        )
    return approval


def may_sign(user: Any, step: ApprovalStep) -> bool:
    """Whether ``user`` holds the step's role on the step's org (node or a subtree above)."""
    return any(
        g.role == step.role
        and (step.org.path.startswith(g.path) if g.subtree else g.org_id == step.org_id)
        for g in user_grants(user)
    )


def current_state(approval: Approval) -> Mapping[str, Any]:
    handler = handler_for(approval.matter)
    return handler.state(handler.lock(approval))


def is_current(approval: Approval, state: Mapping[str, Any]) -> bool:
    """True while the record reads as it did when the 呈批 was submitted (DESIGN.md §3)."""
    return digest_of(state, approval.payload) == approval.digest


def _close_open_steps(approval: Approval) -> None:
    approval.steps.filter(state__in=(StepState.WAITING, StepState.QUEUED)).update(
        state=StepState.CLOSED
    )


def _end(approval: Approval, status: ApprovalStatus, target: Any, actor: Any, why: str) -> None:
    approval.status = status
    approval.void_reason = why[:200] if status == ApprovalStatus.VOID else ""
    approval.decided_at = timezone.now()
    approval.save(update_fields=["status", "void_reason", "decided_at"])
    _close_open_steps(approval)
    if status != ApprovalStatus.APPROVED:
        handler_for(approval.matter).ended(approval, target, actor)


class ApprovalVoid(ValidationError):
    """The record changed after the 呈批 was submitted: the approval is void."""


def sign(
    *,
    approval: Approval,
    actor: Any,
    approve: bool,
    comment: str = "",
    request: HttpRequest | None = None,
) -> Approval:
    """Sign the waiting step of ``approval`` as ``actor`` (同意 / 不同意).

    - Only a holder of the step's role on the step's org may sign, never the submitter and
      never twice in one approval (separation of duties);
    - the record must read as it did at submission: otherwise the approval becomes void,
      the record goes back to be proposed again, and ``ApprovalVoid`` is raised;
    - 不同意 ends the approval; the last 同意 applies the decision through the handler.
    """
    comment = clean_text(
        comment, field_name="comment", label="审批意见", max_length=COMMENT_MAX, required=False
    )
    if not approve and len(comment) < 2:
        raise ValidationError({"comment": "不同意时请填写审批意见"})
    voided = False
    with transaction.atomic():
        approval = Approval.objects.select_for_update(of=("self",)).get(pk=approval.pk)
        if approval.status != ApprovalStatus.PENDING:
            raise ValidationError(
                {"approval": f"该呈批{approval.get_status_display()}，不能再审批"}
            )
        step = approval.steps.select_related("org").filter(state=StepState.WAITING).first()
        if step is None or not may_sign(actor, step):
            raise PermissionDenied("没有审批该呈批的权限")
        if approval.submitted_by_id == actor.pk or approval.steps.filter(signer=actor).exists():
            raise PermissionDenied("呈批人或已签批人不能再次审批同一呈批")
        handler = handler_for(approval.matter)
        target = handler.lock(approval)
        if not is_current(approval, handler.state(target)):
            _end(approval, ApprovalStatus.VOID, target, actor, "呈批后内容已变更")
            record(
                action=AuditAction.UPDATE,
                actor=actor,
                obj=approval,
                org=approval.org,
                detail="呈批后内容已变更，审批失效",
                request=request,
            )
            voided = True
        else:
            now = timezone.now()
            claimed = ApprovalStep.objects.filter(pk=step.pk, state=StepState.WAITING).update(
                state=StepState.APPROVED if approve else StepState.REJECTED,
                signer=actor,
                comment=comment,
                signed_at=now,
                signed_digest=approval.digest,
            )
            if claimed != 1:
                raise ValidationError({"approval": "该步骤已由他人审批，请刷新后查看"})
            if not approve:
                _end(approval, ApprovalStatus.REJECTED, target, actor, "")
            else:
                following = approval.steps.filter(state=StepState.QUEUED).order_by("order").first()
                if following is not None:
                    following.state = StepState.WAITING
                    following.save(update_fields=["state"])
                else:
                    _end(approval, ApprovalStatus.APPROVED, target, actor, "")
                    handler.approved(approval, target, actor)
            record(
                action=AuditAction.UPDATE,
                actor=actor,
                obj=approval,
                org=approval.org,
                changes={"step": step.label, "decision": "同意" if approve else "不同意"},
                detail=f"审批：{step.label}{'同意' if approve else '不同意'}",
                request=request,
            )
    if voided:
        raise ApprovalVoid({"approval": "呈批后相关内容已变更，原呈批已失效，请重新呈批"})
    return approval


def withdraw(*, approval: Approval, actor: Any, request: HttpRequest | None = None) -> Approval:
    """The submitter takes back a 呈批 no one has decided yet."""
    with transaction.atomic():
        approval = Approval.objects.select_for_update(of=("self",)).get(pk=approval.pk)
        if approval.status != ApprovalStatus.PENDING:
            raise ValidationError({"approval": f"该呈批{approval.get_status_display()}，不能撤回"})
        if approval.submitted_by_id != actor.pk:
            raise PermissionDenied("只有呈批人可以撤回呈批")
        target = handler_for(approval.matter).lock(approval)
        _end(approval, ApprovalStatus.WITHDRAWN, target, actor, "")
        record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=approval,
            org=approval.org,
            detail="撤回呈批",
            request=request,
        )
    return approval


def void_pending(*, target_filter: dict[str, Any], actor: Any, why: str) -> int:
    """Void the pending approvals of a record that has just changed (inside its transaction).

    The record's service calls this after an edit, so that no one signs what is no longer
    there; ``sign`` would refuse anyway, this only says so at once.
    """
    count = 0
    for approval in Approval.objects.select_for_update().filter(
        status=ApprovalStatus.PENDING, **target_filter
    ):
        approval.status = ApprovalStatus.VOID
        approval.void_reason = why[:200]
        approval.decided_at = timezone.now()
        approval.save(update_fields=["status", "void_reason", "decided_at"])
        _close_open_steps(approval)
        record(action=AuditAction.UPDATE, actor=actor, obj=approval, org=approval.org, detail=why)
        count += 1
    return count


# -- configuration --------------------------------------------------------------------------


def set_chain(
    *,
    org: Org,
    matter: Matter,
    steps: Sequence[chains.StepSpec],
    actor: Any,
    request: HttpRequest | None = None,
) -> list[ChainStep]:
    """Replace ``org``'s chain for ``matter`` (empty ``steps``: back to the default).

    Only a holder of ``approval.chain`` on the body may change it; roles must be signing
    roles and a DEPT step needs a county-level body (townships have no departments).
    Approvals already submitted keep the chain they were submitted with.
    """
    if org.kind not in chains.BODY_KINDS:
        raise ValidationError({"org": "只能为纪委监委或乡镇（街道）纪（工）委配置审批流程"})
    if matter not in chains.matters_for(org):
        raise ValidationError({"matter": "该审批事项的审批机关由规定确定，不能配置"})
    if not covers(actor, Cap.CHAIN_MANAGE, org):
        raise PermissionDenied("没有配置该机关审批流程的权限")
    if len(steps) > 5:
        raise ValidationError({"steps": "审批流程最多5步"})
    errors: dict[str, str] = {}
    for i, spec in enumerate(steps, start=1):
        if spec.role not in chains.SIGNING_ROLES:
            errors[f"step{i}_role"] = f"第{i}步：请选择审批人角色"
        if spec.relation not in Relation.values:
            errors[f"step{i}_relation"] = f"第{i}步：请选择审批人所在机关"
        elif spec.relation == Relation.DEPT and org.kind in chains.TOWNSHIP_KINDS:
            errors[f"step{i}_relation"] = f"第{i}步：乡镇（街道）纪（工）委没有承办部门"
        if not spec.label.strip() or len(spec.label.strip()) > 40:
            errors[f"step{i}_label"] = f"第{i}步：请填写签批栏目（不超过40字）"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = [f"{s.label}({s.role}@{s.relation})" for s in chains.chain_for(org, matter)[0]]
        ChainStep.objects.filter(org=org, matter=matter).delete()
        rows = ChainStep.objects.bulk_create(
            ChainStep(
                org=org,
                matter=matter,
                order=i,
                role=spec.role,
                relation=spec.relation,
                label=spec.label.strip(),
            )
            for i, spec in enumerate(steps, start=1)
        )
        after = [f"{s.label}({s.role}@{s.relation})" for s in chains.chain_for(org, matter)[0]]
        record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=org,
            org=org,
            changes={"chain": [before, after]},
            detail=f"审批流程：{Matter(matter).label}",
            request=request,
        )
    return rows
