"""Jurisdiction moves of a case (DOMAIN.md §4): 提级办理, 指定管辖, 交叉办理.

All three are decided by the upper body (the county over its townships), approved and
audited. On approval the case's handling body (``Case.org``) becomes the target: the scope
rules of ``case_selectors`` then hide the case from the body that had it and show it to the
target — for 交叉办理, a township of another 协作区, whose officers see that case only
(local avoidance, 回避). The team is dissolved (the new body forms its own), open clocks move
to the new body, and 指定管辖 issues a 指定管辖决定书.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.approvals import services as approvals
from qingfeng.approvals.chains import StepSpec
from qingfeng.approvals.models import Approval, Matter, Relation
from qingfeng.cases import case_clocks
from qingfeng.cases.case_services import (
    case_id_of,
    case_state,
    is_township,
    lock_case,
    move,
    write_case_transition,
)
from qingfeng.cases.case_workflow import CaseAction
from qingfeng.cases.models import Case
from qingfeng.cases.services import TEXT_MAX, text_field
from qingfeng.documents import case_docs
from qingfeng.orgs.models import CollaborationZone, Org


class MoveKind(models.TextChoices):
    ESCALATE = "escalate", _("提级办理")
    DESIGNATE = "designate", _("指定管辖")
    CROSS = "cross", _("交叉办理")


_UPPER_HEAD = StepSpec("county_leader", Relation.PARENT, "上级机关主要负责人")


def zones_of(org: Org) -> set[int]:
    return set(CollaborationZone.objects.filter(members=org).values_list("pk", flat=True))


def _check_target(case: Case, kind: str, target: Org | None) -> Org:
    """The body the case moves to, checked against the rule of ``kind``."""
    county = case.org.parent
    assert county is not None
    if kind == MoveKind.ESCALATE:
        return county
    if target is None:
        raise ValidationError({"target": "请选择承办机关"})
    if target.pk == case.org_id:
        raise ValidationError({"target": "承办机关不能是本案现在的办案机关"})
    if not is_township(target) or target.parent_id != county.pk:
        raise ValidationError({"target": f"只能指定{county.name}所辖的乡镇（街道）纪（工）委"})
    if kind == MoveKind.CROSS:
        home = zones_of(case.home_org)
        if not home:
            raise ValidationError({"target": f"{case.home_org.name}未加入协作区，不能交叉办理"})
        if zones_of(target) & home:
            raise ValidationError(
                {"target": "交叉办理须由其他协作区的乡镇（街道）纪（工）委承办（本地回避）"}
            )
    return target


def propose_move(
    *,
    case: Case,
    actor: Any,
    kind: str,
    target: Org | None,
    reason: str,
    request: HttpRequest | None = None,
) -> Approval:
    """Ask the upper body to move a township case: take it up (提级办理), assign it to
    another township (指定管辖) or have a township of another 协作区 handle it (交叉办理).
    Proposed by an officer of the upper body who reaches the case; approved by the upper
    body's head (DOMAIN.md §4)."""
    if kind not in MoveKind.values:
        raise ValidationError({"kind": "请选择管辖调整方式"})
    reason = text_field(reason, "reason", "理由", limit=TEXT_MAX, minimum=4)
    with transaction.atomic():
        case = lock_case(case, CaseAction.PROPOSE_MOVE, actor)
        if not is_township(case.org) or case.org.parent is None:
            raise ValidationError({"kind": "只有乡镇（街道）办理的案件可以调整管辖"})
        if not covers(actor, Cap.CASE_HANDLE, case.org.parent):
            raise PermissionDenied("管辖调整由上级机关提出")
        to = _check_target(case, kind, target)
        if Approval.objects.filter(
            case=case, matter=Matter.JURISDICTION_MOVE, status="pending"
        ).exists():
            raise ValidationError({"kind": "本案已有管辖调整呈批正在审批"})
        label = MoveKind(kind).label
        approval = approvals.submit(
            org=case.org,
            matter=Matter.JURISDICTION_MOVE,
            title=f"关于{case.subject_name}案{label}（{to.name}）的呈批",
            proposal=reason,
            payload={"kind": kind, "to_org": to.pk},
            state=case_state(case),
            actor=actor,
            case=case,
            steps=[_UPPER_HEAD],
            request=request,
        )
        move(case, CaseAction.PROPOSE_MOVE, actor, f"拟{label}：{to.name}（{approval.number}）")
    return approval


def _lock_case_of(approval: Approval) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("org", "home_org", "lead")
        .get(pk=case_id_of(approval))
    )


def _move_approved(approval: Approval, case: Case, actor: Any) -> None:
    kind = approval.payload["kind"]
    target = Org.objects.get(pk=approval.payload["to_org"])
    source = case.org
    approvals.void_pending(
        target_filter={"case": case}, actor=actor, why="案件管辖已调整，原呈批失效"
    )
    case.org = target
    case.handling_dept = None
    case.leader = None
    case.save(update_fields=["org", "handling_dept", "leader", "updated_at"])
    case.team.clear()
    case_clocks.move_clocks(case=case)
    label = MoveKind(kind).label
    move(
        case, CaseAction.MOVE, actor, f"{label}：{source.name} → {target.name}（{approval.number}）"
    )
    if kind == MoveKind.DESIGNATE:
        case_docs.issue_jurisdiction_decision(approval=approval, case=case, actor=actor)


def _move_ended(approval: Approval, case: Case, actor: Any) -> None:
    write_case_transition(
        case,
        CaseAction.MOVE_RETURNED,
        case.status,
        actor,
        f"{approval.get_status_display()}（{approval.number}）",
    )


approvals.register(
    Matter.JURISDICTION_MOVE,
    approvals.Handler(
        lock=_lock_case_of, state=case_state, approved=_move_approved, ended=_move_ended
    ),
)
