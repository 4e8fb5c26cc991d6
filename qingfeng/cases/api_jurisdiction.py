"""Jurisdiction moves API (管辖调整): 提级办理, 指定管辖 and 交叉办理 of a township's case.

DOMAIN.md §4. Scoped like the other case steps (DESIGN.md §3): the case is resolved with
``get_case_for_user`` and ``CASE_HANDLE``, so a case outside the caller's scope answers 404
exactly like a missing one. ``jurisdiction.propose_move`` decides the rest: only an officer
of the township's upper body may propose (a township's own officers get 403), 交叉办理 needs
a township of another 协作区, and bad input answers 400 naming the field of the request body.
Mounted on the API as ``case_moves_router``.
"""

# No ``from __future__ import annotations``: django-ninja resolves annotations at runtime.
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from qingfeng.accounts.roles import Cap
from qingfeng.approvals.api_common import (
    ApprovalSummaryOut,
    approval_summary,
    caller,
    enum_doc,
    service_errors,
)
from qingfeng.cases import jurisdiction
from qingfeng.cases.case_selectors import get_case_for_user
from qingfeng.cases.jurisdiction import MoveKind
from qingfeng.orgs.models import Org

case_moves_router = Router(tags=["案件"])

# Service field → request field, so a 400 names what the client sent.
MOVE_FIELDS = {"target": "target_org_id"}


class CaseMoveIn(Schema):
    kind: str = Field(
        default="",
        description="调整方式：escalate 提级办理，designate 指定管辖，cross 交叉办理",
        json_schema_extra=enum_doc(MoveKind.values),
    )
    target_org_id: int | None = Field(
        default=None,
        description=(
            "承办机关：本县其他乡镇（街道）纪（工）委；交叉办理须属其他协作区；提级办理不填"
            "（由上级机关直接办理）"
        ),
    )
    reason: str = Field(default="", description="理由（至少4个字）")


@case_moves_router.post(
    "/cases/{int:case_id}/jurisdiction",
    response={201: ApprovalSummaryOut},
    summary="管辖调整呈批（提级办理、指定管辖、交叉办理；由上级机关提出，其主要负责人批准）",
    description=(
        "批准后案件交由承办机关办理：原办案机关不再能查看本案，原审查调查组解散，"
        "未完成的时限随案转移；指定管辖另出具指定管辖决定书。"
    ),
)
def propose_move(request: HttpRequest, case_id: int, payload: CaseMoveIn) -> Status[dict[str, Any]]:
    user = caller(request)
    case = get_case_for_user(user, case_id, cap=Cap.CASE_HANDLE)
    target = None
    if payload.target_org_id is not None:
        target = Org.objects.filter(pk=payload.target_org_id, is_active=True).first()
        if target is None:
            raise ValidationError({"target_org_id": "承办机关不存在"})
    with service_errors(MOVE_FIELDS):
        approval = jurisdiction.propose_move(
            case=case,
            actor=user,
            kind=payload.kind,
            target=target,
            reason=payload.reason,
            request=request,
        )
    return Status(201, approval_summary(approval))
