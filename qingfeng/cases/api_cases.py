"""Cases API (案件): the case list, the case file, and one endpoint per step from 立案 to 结案.

DOMAIN.md §4–§5. Scoped like the pages (DESIGN.md §3): every case is resolved with
``get_case_for_user`` — ``CASE_VIEW`` to read, ``CASE_HANDLE`` for the handling body's steps,
``CASE_REVIEW`` for the 审理 steps — so a case outside the caller's scope answers 404 exactly
like a missing one; a measure or a review round is reached only through its case. A refusal
by a service answers 403; bad input answers 400 with a Chinese message naming the field of
the request body. Endpoints never write models: they call ``case_services``, ``case_review``
and ``decisions``. Mounted on the API as ``case_files_router``.
"""

# No ``from __future__ import annotations``: django-ninja resolves annotations at runtime.
import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import orgs_with, subtree_q
from qingfeng.approvals import services as approvals
from qingfeng.approvals.api_common import (
    ApprovalSummaryOut,
    LeadRef,
    OrgBrief,
    approval_summary,
    caller,
    enum_doc,
    service_errors,
)
from qingfeng.cases import case_review, case_services, decisions
from qingfeng.cases.api import MEETING_FIELDS, DocumentRefOut, MeetingIn, PersonRef
from qingfeng.cases.api_case_json import case_file, case_row, measure_json, review_json
from qingfeng.cases.api_handling import MemberOut
from qingfeng.cases.case_list_selectors import attach_row_data, case_holders, page_rows
from qingfeng.cases.case_selectors import (
    cases_visible_to,
    get_case_for_user,
    may_handle_case,
    may_review_case,
    measures_of,
    reviews_of,
)
from qingfeng.cases.models import (
    Case,
    CaseClock,
    CaseReview,
    CaseStatus,
    MeasureKind,
)
from qingfeng.cases.sanctions import DECIDABLE
from qingfeng.cases.selectors import get_lead_for_user
from qingfeng.core.paging import capped_count

case_files_router = Router(tags=["案件"])

Row = TypeVar("Row", bound=Model)
Json = dict[str, Any]
Created = Status[dict[str, Any]]

COUNT_CAP = 10_000
MAX_LIMIT = 100
Q_MAX = 60
MEMBERS_MAX = 20
REFUSED = "无权办理本案件"

# Service field → request field, so a 400 names what the client sent.
TEAM_FIELDS = {"leader": "leader_id", "team": "team_ids"}
REVIEWER_FIELDS = {"reviewers": "reviewer_ids"}
# The outcome codes a report or decision may carry (the services check them, 400 on others).
OUTCOMES_DOC: dict[str, Any] = {"items": {"type": "string", **enum_doc(sorted(DECIDABLE))}}

# -- schemas: requests ------------------------------------------------------------------------


class CaseFilingIn(Schema):
    summary: str = Field(description="主要问题及立案依据")
    party_case: bool = Field(default=True, description="党纪立案审查（纪委）")
    supervision_case: bool = Field(default=False, description="监察立案调查（监委）")
    complex_case: bool = Field(default=False, description="复杂案件（处分须报县级批准）")
    is_party_member: bool = Field(default=True, description="被审查调查人系中共党员")
    is_supervised: bool = Field(default=True, description="被审查调查人系监察对象")
    is_village_cadre: bool = Field(default=False, description="被审查调查人系村（社区）干部")
    meeting: MeetingIn = Field(description="集体研究记录")


class CaseTeamIn(Schema):
    leader_id: int | None = Field(default=None, description="审查调查组组长")
    team_ids: list[int] = Field(
        default_factory=list, description=f"审查调查组成员，最多{MEMBERS_MAX}人"
    )


class CaseMeasureIn(Schema):
    kind: str = Field(description="审查调查措施", json_schema_extra=enum_doc(MeasureKind.values))
    target: str = Field(description="措施对象或涉及财物")
    reason: str = Field(description="采取措施的理由")
    starts_on: dt.date | None = Field(default=None, description="开始日期")


class CaseExtensionIn(Schema):
    months: int = Field(description="延长月数（只能延长一次，最长6个月）")
    reason: str = Field(description="延长理由")


class CaseInvestigationReportIn(Schema):
    report_text: str = Field(description="审查调查报告")
    proposed_outcomes: list[str] = Field(description="建议处理意见", json_schema_extra=OUTCOMES_DOC)


class CaseReviewersIn(Schema):
    reviewer_ids: list[int] = Field(description=f"审理人员（至少2人，最多{MEMBERS_MAX}人）")


class CaseReviewTalkIn(Schema):
    talk_on: dt.date | None = Field(default=None, description="审理谈话日期")
    talk_record: str = Field(default="", description="审理谈话记录")


class CaseReturnIn(Schema):
    reason: str = Field(description="退回补充证据的理由")


class CaseReviewReportIn(Schema):
    report_text: str = Field(description="审理报告")
    proposed_outcomes: list[str] = Field(description="审理意见", json_schema_extra=OUTCOMES_DOC)
    meeting: MeetingIn = Field(description="集体审议记录")


class CaseDecisionIn(Schema):
    outcomes: list[str] = Field(
        description="处分（处理）决定，每项一条", json_schema_extra=OUTCOMES_DOC
    )
    probation_years: int | None = Field(default=None, description="留党察看期限（1或2年）")
    recommend_to: str = Field(
        default="", description="纪检监察建议书主送单位（拟给予组织处理时必填，其他情况忽略）"
    )
    recommend_text: str = Field(default="", description="纪检监察建议书中的其他建议（可选）")
    meeting: MeetingIn = Field(description="集体研究记录")


class CaseAnnouncementIn(Schema):
    announced_on: dt.date | None = Field(default=None, description="宣布日期（决定后1个月内）")


class CaseExecutionIn(Schema):
    executed_on: dt.date | None = Field(default=None, description="执行情况报告日期")
    note: str = Field(default="", description="执行情况")


class CaseRecommendationReplyIn(Schema):
    replied_on: dt.date | None = Field(default=None, description="回复日期")
    reply: str = Field(default="", description="采纳落实情况")


class CaseCloseIn(Schema):
    summary: str = Field(description="结案报告")


# -- schemas: responses -----------------------------------------------------------------------


class CaseRowOut(Schema):
    id: int
    number: str
    status: str
    status_display: str
    subject_name: str
    subject_unit: str
    org: OrgBrief
    handling_dept: OrgBrief | None
    review_org: OrgBrief | None
    filed_on: dt.date
    closed_on: dt.date | None
    next_due_on: dt.date | None = Field(description="最近的未完成时限")
    overdue: bool = Field(description="有已超期的未完成时限")


class CasePageOut(Schema):
    items: list[CaseRowOut]
    total: int
    has_more: bool = Field(description="为真时 total 为上限值，实际条数更多，请缩小筛选范围")
    limit: int
    offset: int


class CaseOutcomeOut(Schema):
    code: str
    label: str
    form: int | None = Field(description="四种形态（1–4），不属于时为空")


class CaseClockOut(Schema):
    kind: str
    kind_display: str
    starts_on: dt.date
    due_on: dt.date
    provisional: bool = Field(description="按未录入的年度估算，录入后重算")
    met_at: dt.datetime | None
    overdue: bool


class CaseTransitionOut(Schema):
    action: str
    label: str
    from_status: str
    to_status: str
    to_status_display: str
    actor: str | None
    note: str
    at: dt.datetime


class CaseMeasureOut(Schema):
    id: int
    kind: str
    kind_display: str
    target: str
    reason: str
    starts_on: dt.date
    ends_on: dt.date | None
    status: str
    status_display: str
    created_by: str | None
    created_at: dt.datetime


class CaseMeetingOut(Schema):
    kind: str
    kind_display: str
    held_on: dt.date
    participants: str
    conclusion: str


class CaseReviewOut(Schema):
    id: int
    round: int
    org: OrgBrief
    received_on: dt.date
    reviewers: list[MemberOut]
    status: str
    status_display: str
    talk_on: dt.date | None
    talk_record: str
    meeting: CaseMeetingOut | None
    return_reason: str
    report_text: str
    proposed_outcomes: list[CaseOutcomeOut]


class CaseSanctionOut(Schema):
    id: int
    outcome: CaseOutcomeOut
    kind: str
    kind_display: str
    authority: str
    authority_display: str
    probation_years: int | None
    status: str
    status_display: str
    decided_on: dt.date | None
    effect_ends_on: dt.date | None
    announced_on: dt.date | None
    executed_on: dt.date | None
    execution_note: str
    document: DocumentRefOut | None


class CaseFileOut(CaseRowOut):
    lead: LeadRef
    home_org: OrgBrief
    subject_post: str
    person: PersonRef | None
    is_party_member: bool
    is_supervised: bool
    is_village_cadre: bool
    party_case: bool
    supervision_case: bool
    complex_case: bool
    summary: str
    extended_months: int
    transferred_on: dt.date | None
    investigation_report: str
    recommendation_replied_on: dt.date | None = Field(description="纪检监察建议书回复日期")
    recommendation_reply: str = Field(description="纪检监察建议书采纳落实情况")
    proposed_outcomes: list[CaseOutcomeOut]
    leader: MemberOut | None
    team: list[MemberOut]
    created_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    clocks: list[CaseClockOut]
    transitions: list[CaseTransitionOut]
    measures: list[CaseMeasureOut]
    reviews: list[CaseReviewOut]
    sanctions: list[CaseSanctionOut]
    documents: list[DocumentRefOut]
    approvals: list[ApprovalSummaryOut]


# -- helpers ----------------------------------------------------------------------------------


def _case_file(user: Any, case_id: int) -> dict[str, Any]:
    """The case file as the caller reads it after a step (``CASE_VIEW`` scope)."""
    return case_file(get_case_for_user(user, case_id))


def _one(qs: QuerySet[Row], pk: int) -> Row:
    """A row of a case (a measure, a review round) reached through the case already resolved
    in scope; a row of another case answers 404 like a missing one."""
    row = qs.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def _people(
    ids: list[int], field: str, label: str, refusal: str, allowed: Callable[[User], bool]
) -> list[User]:
    """The active users ``ids``, in order, each passing ``allowed`` (may handle or review the
    case). Anyone else answers like a missing user: no name outside the caller's reach is
    revealed (DESIGN.md §3)."""
    if len(ids) > MEMBERS_MAX:
        raise ValidationError({field: f"{label}最多{MEMBERS_MAX}人"})
    users = User.objects.filter(pk__in=set(ids), is_active=True)
    found = {u.pk: u for u in users if allowed(u)}
    for i, pk in enumerate(ids):
        if pk not in found:
            which = f"第{i + 1}位" if len(ids) > 1 else ""
            raise ValidationError({field: f"{which}{label}不存在或{refusal}"})
    return [found[pk] for pk in ids]


def _args(payload: Schema) -> dict[str, Any]:
    """A request body as the service's keyword arguments: the request schemas name their
    fields as the services do; a collective decision becomes a ``MeetingInput``."""
    args = payload.model_dump()
    if "meeting" in args:
        args["meeting"] = approvals.MeetingInput(**args["meeting"])
    return args


def _handled(request: HttpRequest, case_id: int) -> tuple[Any, Case]:
    """The caller and a case they may handle (``CASE_HANDLE``), else 404."""
    user = caller(request)
    return user, get_case_for_user(user, case_id, cap=Cap.CASE_HANDLE)


def _reviewed(request: HttpRequest, case_id: int, review_id: int) -> tuple[Any, Case, CaseReview]:
    """The caller, a case they reach as reviewers (``CASE_REVIEW``) and its round, else 404."""
    user = caller(request)
    case = get_case_for_user(user, case_id, cap=Cap.CASE_REVIEW)
    return user, case, _one(reviews_of(case), review_id)


def _filtered(user: Any, *, status: str, org: int | None, overdue: bool | None, q: str) -> Any:
    """The caller's cases matching the filters, in the list's index-friendly form
    (``case_list_selectors``): narrowed to ``case_holders`` unless the scope is wide, and
    overdue tested against the open clocks (a case is overdue when one of its open clocks
    is past due — its earliest one is)."""
    qs = cases_visible_to(user)
    if status:
        if status not in CaseStatus.values:
            raise ValidationError({"status": "状态取值无效"})
        qs = qs.filter(status=status)
    if org is not None:
        # A body or department the caller reads cases of, with everything under it; another
        # org answers 404 like a missing one (DESIGN.md §3).
        bodies = orgs_with(user, Cap.CASE_VIEW) | orgs_with(user, Cap.CASE_REVIEW)
        body = bodies.filter(pk=org).first()
        if body is None:
            raise Http404
        qs = qs.filter(
            subtree_q(body.path, "org__")
            | subtree_q(body.path, "handling_dept__")
            | subtree_q(body.path, "review_org__")
        )
    else:
        holders, wide = case_holders(user)
        if not holders:
            return Case.objects.none()
        if not wide:
            qs = qs.filter(org_id__in=holders)
    past_due = CaseClock.objects.filter(met_at=None, due_on__lt=timezone.localdate())
    if overdue is True:
        qs = qs.filter(pk__in=past_due.values("case_id"))
    elif overdue is False:
        qs = qs.exclude(pk__in=past_due.values("case_id"))
    q = q.strip()[:Q_MAX]
    if q:
        qs = qs.filter(Q(number=q) | Q(subject_name__startswith=q))
    return qs


def _capped_count(qs: QuerySet[Any]) -> tuple[int, bool]:
    return capped_count(qs, COUNT_CAP)


# -- reads ------------------------------------------------------------------------------------


@case_files_router.get(
    "/cases",
    response=CasePageOut,
    summary="案件列表（新立案的在前）",
    description=(
        "status：案件状态；org：机关或部门（含下级，办案、承办或审理）；overdue：有超期未完成"
        "的时限（true）或没有（false）；q：案件编号（精确）或被审查调查人姓名开头。"
        f"limit 每页条数（1–{MAX_LIMIT}，默认20），offset 起始位置；总数最多计到{COUNT_CAP}。"
    ),
)
def list_cases(
    request: HttpRequest,
    status: str = "",
    org: int | None = None,
    overdue: bool | None = None,
    q: str = "",
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    user = caller(request)
    qs = _filtered(user, status=status, org=org, overdue=overdue, q=q)
    limit = min(max(1, limit), MAX_LIMIT)
    offset = min(max(0, offset), COUNT_CAP)
    # The list page's reads: ids off the index, then the rows and their open clocks.
    rows = attach_row_data(page_rows(qs.order_by("-filed_on", "-id"), offset, offset + limit))
    for r in rows:
        clock = r.next_clock  # type: ignore[attr-defined]
        r.next_due_on = clock.due_on if clock else None  # type: ignore[attr-defined]
    total, has_more = _capped_count(qs)
    items = [case_row(r) for r in rows]
    return {"items": items, "total": total, "has_more": has_more, "limit": limit, "offset": offset}


@case_files_router.get(
    "/cases/{int:case_id}",
    response=CaseFileOut,
    summary="案卷（案件信息、时限、办理经过、审查调查组、措施、审理、处分、文书、呈批）",
)
def get_case(request: HttpRequest, case_id: int) -> Json:
    return _case_file(caller(request), case_id)


# -- 立案 and 审查调查 (case_services) ----------------------------------------------------------


@case_files_router.post(
    "/leads/{int:lead_id}/case-filing",
    response={201: ApprovalSummaryOut},
    summary="立案审查调查呈批（线索经初步核实拟立案；批准后立案）",
)
def propose_filing(request: HttpRequest, lead_id: int, payload: CaseFilingIn) -> Created:
    user = caller(request)
    lead = get_lead_for_user(user, lead_id, write=True)
    with service_errors(MEETING_FIELDS):
        approval = case_services.propose_filing(
            lead=lead, actor=user, **_args(payload), request=request
        )
    return Status(201, approval_summary(approval))


@case_files_router.post(
    "/cases/{int:case_id}/team", response=CaseFileOut, summary="组成审查调查组（组长及成员）"
)
def set_team(request: HttpRequest, case_id: int, payload: CaseTeamIn) -> Json:
    user, case = _handled(request, case_id)

    def handles(u: User) -> bool:
        return may_handle_case(u, case)

    leader = None
    if payload.leader_id is not None:
        [leader] = _people([payload.leader_id], "leader_id", "审查调查组组长", REFUSED, handles)
    team = _people(payload.team_ids, "team_ids", "审查调查组成员", REFUSED, handles)
    with service_errors(TEAM_FIELDS):
        case_services.set_team(case=case, actor=user, leader=leader, team=team, request=request)
    return _case_file(user, case_id)


@case_files_router.post(
    "/cases/{int:case_id}/measures",
    response={201: ApprovalSummaryOut},
    summary="审查调查措施呈批（乡镇只能采取谈话、询问等措施，不能留置）",
)
def request_measure(request: HttpRequest, case_id: int, payload: CaseMeasureIn) -> Created:
    user, case = _handled(request, case_id)
    with service_errors():
        approval = case_services.request_measure(
            case=case, actor=user, **_args(payload), request=request
        )
    return Status(201, approval_summary(approval))


@case_files_router.post(
    "/cases/{int:case_id}/measures/{int:measure_id}/end",
    response=CaseMeasureOut,
    summary="解除审查调查措施",
)
def end_measure(request: HttpRequest, case_id: int, measure_id: int) -> Json:
    user, case = _handled(request, case_id)
    measure = _one(measures_of(case), measure_id)
    with service_errors():
        case_services.end_measure(measure=measure, actor=user, request=request)
    return measure_json(_one(measures_of(case), measure_id))


@case_files_router.post(
    "/cases/{int:case_id}/extension",
    response={201: ApprovalSummaryOut},
    summary="延长审查调查期限呈批（只能延长一次，最长6个月，报上级批准）",
)
def request_extension(request: HttpRequest, case_id: int, payload: CaseExtensionIn) -> Created:
    user, case = _handled(request, case_id)
    with service_errors():
        approval = case_services.request_extension(
            case=case, actor=user, **_args(payload), request=request
        )
    return Status(201, approval_summary(approval))


@case_files_router.post(
    "/cases/{int:case_id}/investigation-report",
    response={201: ApprovalSummaryOut},
    summary="审查调查报告呈批（审查调查组成员提交；批准后移送审理）",
)
def submit_investigation_report(
    request: HttpRequest, case_id: int, payload: CaseInvestigationReportIn
) -> Created:
    user, case = _handled(request, case_id)
    with service_errors():
        approval = case_services.submit_investigation_report(
            case=case, actor=user, **_args(payload), request=request
        )
    return Status(201, approval_summary(approval))


# -- 审理 (case_review) -------------------------------------------------------------------------


@case_files_router.post(
    "/cases/{int:case_id}/reviews/{int:review_id}/reviewers",
    response=CaseReviewOut,
    summary="确定审理人员（至少2人，未参加审查调查）",
)
def assign_reviewers(
    request: HttpRequest, case_id: int, review_id: int, payload: CaseReviewersIn
) -> Json:
    user, case, review = _reviewed(request, case_id, review_id)
    reviewers = _people(
        payload.reviewer_ids,
        "reviewer_ids",
        "审理人员",
        "无权审理本案件",
        lambda u: may_review_case(u, case),
    )
    with service_errors(REVIEWER_FIELDS):
        case_review.assign_reviewers(
            review=review, actor=user, reviewers=reviewers, request=request
        )
    return review_json(_one(reviews_of(case), review_id))


@case_files_router.post(
    "/cases/{int:case_id}/reviews/{int:review_id}/talk",
    response=CaseReviewOut,
    summary="记录审理谈话（审理人员）",
)
def record_review_talk(
    request: HttpRequest, case_id: int, review_id: int, payload: CaseReviewTalkIn
) -> Json:
    user, case, review = _reviewed(request, case_id, review_id)
    with service_errors():
        case_review.record_review_talk(review=review, actor=user, **_args(payload), request=request)
    return review_json(_one(reviews_of(case), review_id))


@case_files_router.post(
    "/cases/{int:case_id}/reviews/{int:review_id}/return",
    response=CaseFileOut,
    summary="退回补充证据（案件回到审查调查）",
)
def return_for_evidence(
    request: HttpRequest, case_id: int, review_id: int, payload: CaseReturnIn
) -> Json:
    user, _case, review = _reviewed(request, case_id, review_id)
    with service_errors():
        case_review.return_for_evidence(
            review=review, actor=user, **_args(payload), request=request
        )
    return _case_file(user, case_id)


@case_files_router.post(
    "/cases/{int:case_id}/reviews/{int:review_id}/report",
    response={201: ApprovalSummaryOut},
    summary="审理报告呈批（经集体审议）",
)
def submit_review_report(
    request: HttpRequest, case_id: int, review_id: int, payload: CaseReviewReportIn
) -> Created:
    user, _case, review = _reviewed(request, case_id, review_id)
    with service_errors(MEETING_FIELDS):
        approval = case_review.submit_review_report(
            review=review, actor=user, **_args(payload), request=request
        )
    return Status(201, approval_summary(approval))


# -- decision, execution and 结案 (decisions) ----------------------------------------------------


@case_files_router.post(
    "/cases/{int:case_id}/decision",
    response={201: ApprovalSummaryOut},
    summary="处分（处理）决定呈批（报有批准权限的机关；组织处理以纪检监察建议书提出）",
)
def propose_decision(request: HttpRequest, case_id: int, payload: CaseDecisionIn) -> Created:
    user, case = _handled(request, case_id)
    with service_errors(MEETING_FIELDS):
        approval = decisions.propose_decision(
            case=case, actor=user, **_args(payload), request=request
        )
    return Status(201, approval_summary(approval))


@case_files_router.post(
    "/cases/{int:case_id}/announcement",
    response=CaseFileOut,
    summary="宣布处分决定（决定后1个月内）",
)
def record_announcement(request: HttpRequest, case_id: int, payload: CaseAnnouncementIn) -> Json:
    user, case = _handled(request, case_id)
    with service_errors():
        decisions.record_announcement(case=case, actor=user, **_args(payload), request=request)
    return _case_file(user, case_id)


@case_files_router.post(
    "/cases/{int:case_id}/execution",
    response=CaseFileOut,
    summary="登记执行情况（6个月内报告）",
)
def record_execution(request: HttpRequest, case_id: int, payload: CaseExecutionIn) -> Json:
    user, case = _handled(request, case_id)
    with service_errors():
        decisions.record_execution(case=case, actor=user, **_args(payload), request=request)
    return _case_file(user, case_id)


@case_files_router.post(
    "/cases/{int:case_id}/recommendation-reply",
    response=CaseFileOut,
    summary="登记纪检监察建议书回复（组织处理的采纳落实情况，1个月内）",
)
def record_recommendation_reply(
    request: HttpRequest, case_id: int, payload: CaseRecommendationReplyIn
) -> Json:
    user, case = _handled(request, case_id)
    with service_errors():
        decisions.record_recommendation_reply(
            case=case, actor=user, **_args(payload), request=request
        )
    return _case_file(user, case_id)


@case_files_router.post(
    "/cases/{int:case_id}/close", response=CaseFileOut, summary="结案（处分决定均已执行）"
)
def close_case(request: HttpRequest, case_id: int, payload: CaseCloseIn) -> Json:
    user, case = _handled(request, case_id)
    with service_errors():
        decisions.close_case(case=case, actor=user, **_args(payload), request=request)
    return _case_file(user, case_id)
