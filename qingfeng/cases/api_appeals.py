"""Appeals API (复议复查 / 复审 / 复核) and the end of a 留党察看 term, DOMAIN.md §4 "Appeals"
and §5: the appeals of a case's sanctions, and one endpoint per step — 申请, 复查人员,
复查决定呈批 (signed through the approvals API) and 察看期满处理.

Scoped like the case pages (DESIGN.md §3): the case is resolved with ``get_case_for_user`` —
``CASE_VIEW`` to read, ``CASE_HANDLE`` for the steps — so a case outside the caller's scope
answers 404 exactly like a missing one; a sanction or an appeal is reached only through its
case. The body receiving an appeal may be above the case's body
(``appeals.deciding_body``): a refusal by the service answers 403; bad input answers 400
with a Chinese message naming the field of the request body. Endpoints never write models:
they call ``appeals`` and ``probation``. Mounted on the API as ``case_appeals_router``.
"""

# No ``from __future__ import annotations``: django-ninja resolves annotations at runtime.
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Cap
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
from qingfeng.cases import appeals, probation
from qingfeng.cases.api_cases import CaseOutcomeOut
from qingfeng.cases.api_handling import MemberOut
from qingfeng.cases.appeal_forms import appeal_reviewer_candidates
from qingfeng.cases.case_selectors import get_case_for_user, sanctions_of
from qingfeng.cases.models import (
    Appeal,
    AppealKind,
    AppealOutcome,
    Case,
    CaseClockKind,
    ProbationResult,
    Sanction,
)
from qingfeng.cases.outcomes import Outcome, form_of
from qingfeng.cases.sanctions import DECIDABLE, SANCTIONS

case_appeals_router = Router(tags=["案件"])

Json = dict[str, Any]
Created = Status[dict[str, Any]]

REVIEWERS_MAX = 20
# Service field → request field, so a 400 names what the client sent.
REVIEWER_FIELDS = {"reviewers": "reviewer_ids"}
PROBATION_FIELDS = {"probation_years": "result"}

# -- schemas ------------------------------------------------------------------------------------


class AppealFileIn(Schema):
    kind: str = Field(
        description="类别：党纪处分复议复查；政务处分复审（收到处分决定后1个月内）；"
        "政务处分复核（收到复审决定后1个月内，向上一级监委）",
        json_schema_extra=enum_doc(AppealKind.values),
    )
    received_on: dt.date | None = Field(
        default=None, description="收到处分决定（复核：复审决定）日期"
    )
    applied_on: dt.date | None = Field(default=None, description="申请日期")
    reason: str = Field(default="", description="申请理由")


class AppealReviewersIn(Schema):
    reviewer_ids: list[int] = Field(
        description=f"复查人员（至少2人，最多{REVIEWERS_MAX}人，未参与原案件办理）"
    )


class AppealDecisionIn(Schema):
    outcome: str = Field(description="复查结论", json_schema_extra=enum_doc(AppealOutcome.values))
    new_outcome: str = Field(
        default="",
        description="变更后的处分（仅变更时填写；较轻的同类处分）",
        json_schema_extra=enum_doc(["", *sorted(DECIDABLE)]),
    )
    decision_text: str = Field(description="复查决定")


class ProbationIn(Schema):
    result: str = Field(
        description="察看期满处理：恢复党员权利（期满后）或延长察看期一年（一年期，察看期内）",
        json_schema_extra=enum_doc(ProbationResult.values),
    )
    decided_on: dt.date | None = Field(default=None, description="决定日期")
    note: str = Field(default="", description="处理意见")


class AppealOut(Schema):
    id: int
    sanction_id: int
    kind: str
    kind_display: str
    org: OrgBrief = Field(description="受理机关")
    received_on: dt.date
    applied_on: dt.date
    due_on: dt.date | None = Field(description="办理期限")
    reason: str
    reviewers: list[MemberOut]
    status: str
    status_display: str
    outcome: str
    outcome_display: str
    new_outcome: CaseOutcomeOut | None
    decision_text: str
    decided_on: dt.date | None
    created_by: str | None
    created_at: dt.datetime


class SanctionAppealsOut(Schema):
    id: int
    outcome: CaseOutcomeOut
    status: str
    status_display: str
    decided_on: dt.date | None
    effect_ends_on: dt.date | None
    deciding_body: OrgBrief = Field(description="作出处分的机关（受理复议复查、复审）")
    probation_years: int | None
    term_ends_on: dt.date | None = Field(description="留党察看：察看期至")
    probation_extended: bool
    probation_result: str
    probation_result_display: str
    appeals: list[AppealOut]


class CaseAppealsOut(Schema):
    items: list[SanctionAppealsOut]


# -- rendering ----------------------------------------------------------------------------------


def _outcome(code: str) -> Json:
    if code not in Outcome.values:
        return {"code": code, "label": code, "form": None}
    return {"code": code, "label": str(Outcome(code).label), "form": form_of(code)}


def _appeal(a: Appeal, dues: dict[tuple[dt.date, int, int | None], dt.date]) -> Json:
    """Reads ``a.reviewers.all()`` and ``a.org``: prefetch and join them."""
    months = appeals.DECIDE_MONTHS[AppealKind(a.kind)]
    return {
        "id": a.pk,
        "sanction_id": a.sanction_id,
        "kind": a.kind,
        "kind_display": a.get_kind_display(),
        "org": org_ref(a.org),
        "received_on": a.received_on,
        "applied_on": a.applied_on,
        "due_on": dues.get((a.applied_on, a.org_id, months)),
        "reason": a.reason,
        "reviewers": [
            {"id": u.pk, "name": name_of(u)} for u in sorted(a.reviewers.all(), key=lambda u: u.pk)
        ],
        "status": a.status,
        "status_display": a.get_status_display(),
        "outcome": a.outcome,
        "outcome_display": a.get_outcome_display() if a.outcome else "",
        "new_outcome": _outcome(a.new_outcome) if a.new_outcome else None,
        "decision_text": a.decision_text,
        "decided_on": a.decided_on,
        "created_by": name_of(a.created_by),
        "created_at": a.created_at,
    }


def _dues(case: Case) -> dict[tuple[dt.date, int, int | None], dt.date]:
    """The appeals' clocks, by (start, body, months): one is opened per appeal."""
    rows = case.clocks.filter(kind=CaseClockKind.APPEAL).values_list(
        "starts_on", "org_id", "months", "due_on"
    )
    return {(start, org, months): due for start, org, months, due in rows}


def _appeals_of(case: Case) -> list[Appeal]:
    return list(
        case.appeals.select_related("org", "created_by")
        .prefetch_related("reviewers")
        .order_by("applied_on", "id")
    )


def _sanction(s: Sanction, case: Case, every: list[Appeal], dues: Any) -> Json:
    s.case = case
    return {
        "id": s.pk,
        "outcome": _outcome(s.outcome),
        "status": s.status,
        "status_display": s.get_status_display(),
        "decided_on": s.decided_on,
        "effect_ends_on": s.effect_ends_on,
        "deciding_body": org_ref(appeals.deciding_body(s)),
        "probation_years": s.probation_years,
        "term_ends_on": s.term_ends_on,
        "probation_extended": s.probation_extended,
        "probation_result": s.probation_result,
        "probation_result_display": s.get_probation_result_display() if s.probation_result else "",
        "appeals": [_appeal(a, dues) for a in every if a.sanction_id == s.pk],
    }


def _decided(s: Sanction) -> bool:
    return s.decided_on is not None and s.outcome in {o.value for o in SANCTIONS}


# -- helpers ------------------------------------------------------------------------------------


def _handled(request: HttpRequest, case_id: int) -> tuple[Any, Case]:
    """The caller and a case they may handle (``CASE_HANDLE``), else 404."""
    user = caller(request)
    return user, get_case_for_user(user, case_id, cap=Cap.CASE_HANDLE)


def _sanction_of(case: Case, sanction_id: int) -> Sanction:
    sanction = sanctions_of(case).filter(pk=sanction_id).first()
    if sanction is None:
        raise Http404
    sanction.case = case
    return sanction


def _appeal_of(case: Case, appeal_id: int) -> Appeal:
    appeal = case.appeals.select_related("org", "sanction").filter(pk=appeal_id).first()
    if appeal is None:
        raise Http404
    appeal.case = appeal.sanction.case = case
    return appeal


def _one_appeal(case: Case, appeal_id: int) -> Json:
    appeal = next(a for a in _appeals_of(case) if a.pk == appeal_id)
    return _appeal(appeal, _dues(case))


def _reviewers(ids: list[int], appeal: Appeal) -> list[User]:
    """The users ``ids``, in order, each one who may sit on ``appeal`` (case.handle or
    case.review on its body). Anyone else answers like a missing user: no name outside the
    caller's reach is revealed (DESIGN.md §3); the service names those on the original case."""
    if len(ids) > REVIEWERS_MAX:
        raise ValidationError({"reviewer_ids": f"复查人员最多{REVIEWERS_MAX}人"})
    found = {u.pk: u for u in appeal_reviewer_candidates(appeal, ()).filter(pk__in=set(ids))}
    for i, pk in enumerate(ids):
        if pk not in found:
            which = f"第{i + 1}位" if len(ids) > 1 else ""
            raise ValidationError(
                {"reviewer_ids": f"{which}复查人员不存在或不属于{appeal.org.name}"}
            )
    return [found[pk] for pk in ids]


# -- endpoints ----------------------------------------------------------------------------------


@case_appeals_router.get(
    "/cases/{int:case_id}/appeals",
    response=CaseAppealsOut,
    summary="复议复查（复审复核）与留党察看：案件已作出的党纪、政务处分及其申请",
)
def list_appeals(request: HttpRequest, case_id: int) -> Json:
    case = get_case_for_user(caller(request), case_id)
    every = _appeals_of(case)
    dues = _dues(case) if every else {}
    decided = [s for s in sanctions_of(case) if _decided(s)]
    return {"items": [_sanction(s, case, every, dues) for s in decided]}


@case_appeals_router.post(
    "/cases/{int:case_id}/sanctions/{int:sanction_id}/appeals",
    response={201: AppealOut},
    summary="复议复查（复审复核）申请（由作出处分的机关受理，复核由上一级监委受理）",
)
def file_appeal(
    request: HttpRequest, case_id: int, sanction_id: int, payload: AppealFileIn
) -> Created:
    user, case = _handled(request, case_id)
    sanction = _sanction_of(case, sanction_id)
    with service_errors():
        appeal = appeals.file_appeal(
            sanction=sanction, actor=user, **payload.model_dump(), request=request
        )
    return Status(201, _one_appeal(case, appeal.pk))


@case_appeals_router.post(
    "/cases/{int:case_id}/appeals/{int:appeal_id}/reviewers",
    response=AppealOut,
    summary="确定复查人员（至少2人，未参与原案件办理）",
)
def assign_appeal_reviewers(
    request: HttpRequest, case_id: int, appeal_id: int, payload: AppealReviewersIn
) -> Json:
    user, case = _handled(request, case_id)
    appeal = _appeal_of(case, appeal_id)
    reviewers = _reviewers(payload.reviewer_ids, appeal)
    with service_errors(REVIEWER_FIELDS):
        appeals.assign_appeal_reviewers(
            appeal=appeal, actor=user, reviewers=reviewers, request=request
        )
    return _one_appeal(case, appeal_id)


@case_appeals_router.post(
    "/cases/{int:case_id}/appeals/{int:appeal_id}/decision",
    response={201: ApprovalSummaryOut},
    summary="复查决定呈批（复查人员提出维持、变更或撤销，报受理机关主要负责人批准）",
)
def propose_appeal_decision(
    request: HttpRequest, case_id: int, appeal_id: int, payload: AppealDecisionIn
) -> Created:
    user, case = _handled(request, case_id)
    appeal = _appeal_of(case, appeal_id)
    with service_errors():
        approval = appeals.propose_appeal_decision(
            appeal=appeal, actor=user, **payload.model_dump(), request=request
        )
    return Status(201, approval_summary(approval))


@case_appeals_router.post(
    "/cases/{int:case_id}/sanctions/{int:sanction_id}/probation",
    response=SanctionAppealsOut,
    summary="留党察看期满处理（恢复党员权利，或一年期察看期内延长一年）",
)
def conclude_probation(
    request: HttpRequest, case_id: int, sanction_id: int, payload: ProbationIn
) -> Json:
    user, case = _handled(request, case_id)
    sanction = _sanction_of(case, sanction_id)
    with service_errors(PROBATION_FIELDS):
        probation.conclude_probation(
            sanction=sanction, actor=user, **payload.model_dump(), request=request
        )
    every = _appeals_of(case)
    return _sanction(_sanction_of(case, sanction_id), case, every, _dues(case))
