"""Case pages under /cases/ (namespace ``case_files``): the list and its Excel export, the
即将超期 queue and the case file (卷宗) with the steps the user may take now.

Views are thin: scope comes from ``case_selectors`` (404 for out of scope exactly like
missing; 403 on the list pages for a user holding no case capability at all), rules and
writes from the services, which the steps of ``views_case_actions`` call. A refused step
comes back here with its bound form (``render_file``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers, has_cap
from qingfeng.approvals.chains import TOWNSHIP_KINDS
from qingfeng.approvals.models import ApprovalStatus, Matter
from qingfeng.audit.models import Action as AuditAction
from qingfeng.audit.services import record
from qingfeng.cases import case_list_selectors as cls
from qingfeng.cases import case_workflow, decisions
from qingfeng.cases.case_forms import (
    AnnouncementForm,
    CaseFilterForm,
    CloseForm,
    DecisionForm,
    ExecutionForm,
    ExtensionForm,
    InvestigationReportForm,
    JurisdictionMoveForm,
    MeasureForm,
    RecommendationReplyForm,
    ReturnForm,
    ReviewersForm,
    ReviewReportForm,
    ReviewTalkForm,
    TeamForm,
)
from qingfeng.cases.case_review import may_assign_reviewers
from qingfeng.cases.case_selectors import (
    approvals_of,
    clocks_of,
    get_case_for_user,
    may_handle_case,
    may_review_case,
    measures_of,
    reviews_of,
    sanctions_of,
    transitions_of,
)
from qingfeng.cases.case_workflow import CaseAction
from qingfeng.cases.models import (
    Case,
    CaseClock,
    CaseClockKind,
    CaseReview,
    CaseStatus,
    MeasureStatus,
    ReviewStatus,
    Sanction,
    SanctionStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import SANCTIONS, Authority, SanctionKind
from qingfeng.cases.views import APPROVAL_BADGES, clock_views
from qingfeng.cases.views_case_appeals import appeal_context
from qingfeng.core.excel import xlsx_response
from qingfeng.core.forms import StyledForm
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.documents.selectors import documents_of_case

STATUS_BADGES: dict[str, str] = {
    CaseStatus.INVESTIGATING: "text-bg-primary",
    CaseStatus.REPORT_PENDING: "text-bg-info",
    CaseStatus.IN_REVIEW: "text-bg-warning",
    CaseStatus.REVIEW_PENDING: "text-bg-info",
    CaseStatus.REVIEWED: "text-bg-warning",
    CaseStatus.DECISION_PENDING: "text-bg-info",
    CaseStatus.DECIDED: "text-bg-danger",
    CaseStatus.EXECUTING: "text-bg-dark",
    CaseStatus.CLOSED: "text-bg-success",
}

EXPORT_HEADERS = (
    "案件编号",
    "被审查调查人",
    "单位",
    "职务",
    "立案类别",
    "办案机关",
    "承办部门",
    "审理机关",
    "状态",
    "立案日期",
    "最近时限",
    "截止日",
    "超期",
    "结案日期",
)


def require_case_view(request: HttpRequest) -> None:
    """403 for a user who may read no case anywhere (the menu hides the pages)."""
    if not (has_cap(request.user, Cap.CASE_VIEW) or has_cap(request.user, Cap.CASE_REVIEW)):
        raise PermissionDenied("没有查看案件的权限")


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# -- the list, its export and the queue -----------------------------------------------------


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The scoped case list: filter bar, 20 a page, count capped, nearest clock per row."""
    require_case_view(request)
    form = CaseFilterForm(request.GET, user=request.user)
    filters = form.filters() if form.is_valid() else None
    page = cls.case_list(request.user, filters) if filters else cls.CasePage([], 0, False)
    for row in page.rows:
        row.sides = cls.sides_label(row)  # type: ignore[attr-defined]
        row.badge = STATUS_BADGES.get(row.status, "text-bg-secondary")  # type: ignore[attr-defined]
    return render(
        request,
        "cases/case_list.html",
        {"form": form, "page": page, "querystring": _querystring(request)},
    )


@login_required
@require_GET
def case_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel (at most 10,000 rows); audited like every export."""
    require_case_view(request)
    form = CaseFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        messages.error(request, "筛选条件有误，未能导出。")
        return redirect("case_files:list")
    filters = form.filters()
    rows, truncated = cls.export_rows(request.user, filters)
    cut = "（已截断）" if truncated else ""
    criteria = filters.for_audit()
    text = json.dumps(criteria, ensure_ascii=False) if criteria else "无"
    record(
        action=AuditAction.EXPORT,
        actor=request.user,
        org=filters.org or getattr(request.user, "org", None),
        detail=f"导出案件列表 {len(rows)} 行{cut}；筛选条件：{text}",
        request=request,
    )
    notice: list[list[Any]] = (
        [
            [
                f"注：符合条件的案件超过 {cls.EXPORT_CAP} 件，仅导出前 {cls.EXPORT_CAP} 件，"
                "请缩小筛选范围后分批导出。"
            ]
        ]
        if truncated
        else []
    )
    return xlsx_response(
        filename="案件列表", sheet="案件", headers=EXPORT_HEADERS, rows=[*rows, *notice]
    )


@login_required
@require_GET
def due_queue(request: HttpRequest) -> HttpResponse:
    """即将超期: open clocks of the user's cases overdue or due soon, most urgent first."""
    require_case_view(request)
    raw = request.GET.get("page", "1")
    page = cls.due_queue(request.user, int(raw) if raw.isdigit() else 1)
    views = clock_views(cast(Any, page.rows))
    return render(
        request,
        "cases/case_due.html",
        {"page": page, "clocks": views, "soon_days": cls.SOON_WORKING_DAYS, "querystring": ""},
    )


# -- the case file --------------------------------------------------------------------------

# The steps of the case file, keyed as their forms are prefixed.
PANEL_LABELS: dict[str, str] = {
    "set_team": "组成审查调查组",
    "request_measure": "审查调查措施呈批",
    "end_measure": "解除措施",
    "request_extension": "延长审查调查期限呈批",
    "investigation_report": "审查调查报告呈批",
    "assign_reviewers": "确定审理人员",
    "review_talk": "记录审理谈话",
    "return_for_evidence": "退回补充证据",
    "review_report": "审理报告呈批",
    "propose_decision": "处分（处理）决定呈批",
    "announcement": "登记宣布处分决定",
    "execution": "登记执行情况",
    "recommendation_reply": "登记建议书回复",
    "close_case": "结案",
    "propose_move": "管辖调整",
}


@dataclass
class Panel:
    """One step offered on the case file: its form posts to ``url``."""

    key: str
    label: str
    url: str
    form: StyledForm
    notes: list[str] = field(default_factory=list)


def _form(bound: dict[str, StyledForm], key: str, make: Callable[[], StyledForm]) -> StyledForm:
    return bound.get(key) or make()


def open_review(reviews: list[CaseReview]) -> CaseReview | None:
    """The review round under way (审理中), if any."""
    return next((r for r in reversed(reviews) if r.status == ReviewStatus.REVIEWING), None)


def _handling_panels(
    user: Any,
    case: Case,
    team_ids: set[int],
    reviews: list[CaseReview],
    awaiting_execution: bool,
    extension_pending: bool,
    bound: dict[str, StyledForm],
    awaiting_reply: bool = False,
) -> list[Panel]:
    """The handling body's steps (审查调查, 决定, 执行, 结案) in the case's status; execution
    is reported while a decision is announced and not yet executed, the reply to a
    纪检监察建议书 while it is awaited, and closing waits for both
    (``decisions.record_execution`` / ``record_recommendation_reply`` / ``close_case``)."""
    panels: list[Panel] = []
    status = case.status

    def add(key: str, name: str, make: Callable[[], StyledForm], notes: list[str]) -> None:
        url = reverse(f"case_files:{name}", args=[case.pk])
        panels.append(Panel(key, PANEL_LABELS[key], url, _form(bound, key, make), notes))

    if case_workflow.allowed(CaseAction.SET_TEAM, status):
        add("set_team", "set_team", lambda: TeamForm(prefix="set_team", case=case), [])
    if case_workflow.allowed(CaseAction.REQUEST_MEASURE, status):
        notes = [
            "乡镇纪委只能采取谈话、询问、查询、调取、勘验检查、鉴定措施；留置须报县级以上监委。"
        ]
        add(
            "request_measure",
            "request_measure",
            lambda: MeasureForm(
                prefix="request_measure", case=case, initial={"starts_on": _today()}
            ),
            notes if case.org.kind in TOWNSHIP_KINDS else [],
        )
    if (
        case_workflow.allowed(CaseAction.REQUEST_EXTENSION, status)
        and not case.extended_months
        and not extension_pending
    ):
        add(
            "request_extension",
            "request_extension",
            lambda: ExtensionForm(prefix="request_extension"),
            ["审查调查期限为立案后1年，经上级批准可延长一次，最长6个月。"],
        )
    if case_workflow.allowed(CaseAction.SUBMIT_REPORT, status) and user.pk in team_ids:
        add(
            "investigation_report",
            "investigation_report",
            lambda: InvestigationReportForm(prefix="investigation_report", case=case),
            ["批准后移送审理。"],
        )
    if case_workflow.allowed(CaseAction.PROPOSE_DECISION, status):
        done = [r for r in reviews if r.status == ReviewStatus.DONE]
        proposed = list(done[-1].proposed_outcomes) if done else list(case.proposed_outcomes)
        add(
            "propose_decision",
            "propose_decision",
            lambda: DecisionForm(prefix="propose_decision", case=case, proposed=proposed),
            ["处分自批准机关作出决定之日起生效。"],
        )
    if case_workflow.allowed(CaseAction.ANNOUNCE, status):
        add(
            "announcement",
            "announcement",
            lambda: AnnouncementForm(prefix="announcement", initial={"announced_on": _today()}),
            ["处分决定应在作出后1个月内向受处分人宣布，并通知其所在党组织。"],
        )
    if case_workflow.allowed(CaseAction.RECORD_EXECUTION, status) and awaiting_execution:
        add(
            "execution",
            "execution",
            lambda: ExecutionForm(prefix="execution", initial={"executed_on": _today()}),
            ["受处分人所在单位应在6个月内报告处分决定执行情况。"],
        )
    if case_workflow.allowed(CaseAction.RECOMMENDATION_REPLY, status) and awaiting_reply:
        add(
            "recommendation_reply",
            "recommendation_reply",
            lambda: RecommendationReplyForm(
                prefix="recommendation_reply", initial={"replied_on": _today()}
            ),
            ["组织处理由主送单位决定；纪检监察建议书应在1个月内书面回复采纳落实情况。"],
        )
    if (
        case_workflow.allowed(CaseAction.CLOSE, status)
        and not awaiting_execution
        and not awaiting_reply
    ):
        add("close_case", "close_case", lambda: CloseForm(prefix="close_case"), [])
    return panels


def _move_panel(
    user: Any, case: Case, move_pending: bool, bound: dict[str, StyledForm]
) -> Panel | None:
    """管辖调整 (提级办理, 指定管辖, 交叉办理; DOMAIN.md §4): offered while a township's case
    is investigated to whoever holds ``case.handle`` on the township's upper body, who
    proposes it for that body's head (``jurisdiction.propose_move``)."""
    org = case.org
    if (
        move_pending
        or not case_workflow.allowed(CaseAction.PROPOSE_MOVE, case.status)
        or org.kind not in TOWNSHIP_KINDS
        or org.parent_id is None
    ):
        return None
    upper = org.parent
    assert upper is not None
    if not covers(user, Cap.CASE_HANDLE, upper):
        return None
    form = bound.get("propose_move") or JurisdictionMoveForm(prefix="propose_move", case=case)
    assert isinstance(form, JurisdictionMoveForm)
    zones = "、".join(form.home_zone_names) or "未加入协作区"
    notes = [
        f"原管辖机关：{case.home_org.name}（{zones}）。",
        f"提级办理由{upper.name}直接办理；指定管辖出具指定管辖决定书；"
        "交叉办理由其他协作区的乡镇（街道）承办，实行本地回避。",
        f"经{upper.name}主要负责人批准后生效，原审查调查组解散，由承办机关重新组成。",
    ]
    url = reverse("case_files:propose_move", args=[case.pk])
    return Panel("propose_move", PANEL_LABELS["propose_move"], url, form, notes)


def _review_panels(
    user: Any, case: Case, review: CaseReview, bound: dict[str, StyledForm]
) -> list[Panel]:
    """The 审理 body's steps on the open review round: its head names the reviewers
    (``case_review.may_assign_reviewers``); talk, return and report are the named
    reviewers' (``case_review._require_reviewer``)."""
    panels: list[Panel] = []

    def add(key: str, name: str, make: Callable[[], StyledForm], notes: list[str]) -> None:
        url = reverse(f"case_files:{name}", args=[case.pk, review.pk])
        panels.append(Panel(key, PANEL_LABELS[key], url, _form(bound, key, make), notes))

    if may_assign_reviewers(user, review.org):
        add(
            "assign_reviewers",
            "assign_reviewers",
            lambda: ReviewersForm(prefix="assign_reviewers", case=case, review=review),
            ["审理人员由审理机关负责人确定，不少于2人，审查调查组成员不得参加。"],
        )
    if any(r.pk == user.pk for r in review.reviewers.all()):
        add("review_talk", "review_talk", lambda: ReviewTalkForm(prefix="review_talk"), [])
        add(
            "return_for_evidence",
            "return_for_evidence",
            lambda: ReturnForm(prefix="return_for_evidence"),
            ["退回后案件回到审查调查阶段，补充证据后重新报送审查调查报告。"],
        )
        add(
            "review_report",
            "review_report",
            lambda: ReviewReportForm(prefix="review_report", case=case),
            ["审理报告须经集体审议；提交前须完成审理谈话。"],
        )
    return panels


def _effect_text(sanction: Sanction) -> str:
    """影响期至: the end date, 长期 for a permanent 政务 开除 (DOMAIN.md §5), — otherwise."""
    if sanction.effect_ends_on is not None:
        return sanction.effect_ends_on.isoformat()
    if sanction.decided_on is not None and Outcome(sanction.outcome) in SANCTIONS:
        return "长期"
    return "—"


def _recommendation(
    case: Case, documents: list[Document], clocks: list[CaseClock]
) -> dict[str, Any] | None:
    """The 纪检监察建议书 of the decision, the day its reply is due and the reply once
    recorded (DOMAIN.md §5, §9); None when no 组织处理 was recommended."""
    document = next((d for d in documents if d.kind == DocumentKind.RECOMMENDATION), None)
    if document is None:
        return None
    clock = next((c for c in clocks if c.kind == CaseClockKind.RECOMMENDATION_REPLY), None)
    return {
        "document": document,
        "due_on": clock.due_on if clock else None,
        "replied_on": case.recommendation_replied_on,
        "reply": case.recommendation_reply,
    }


def _today() -> Any:
    return timezone.localdate()


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


def render_file(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, StyledForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case file. ``bound``: a refused step's form, shown open with its errors."""
    user = request.user
    bound = bound or {}
    handle = may_handle_case(user, case)
    review_here = may_review_case(user, case)
    team = list(case.team.all())
    team_ids = {m.pk for m in team} | ({case.leader_id} if case.leader_id else set())
    reviews = list(reviews_of(case))
    for r in reviews:
        r.outcome_text = cls.outcome_labels(r.proposed_outcomes)  # type: ignore[attr-defined]
    approvals = list(approvals_of(case))
    for a in approvals:
        a.badge = APPROVAL_BADGES.get(a.status, "text-bg-secondary")  # type: ignore[attr-defined]
    pending = {a.matter for a in approvals if a.status == ApprovalStatus.PENDING}
    extension_pending = Matter.CASE_EXTENSION in pending
    sanctions = list(sanctions_of(case))
    awaiting_execution = any(s.status == SanctionStatus.ANNOUNCED for s in sanctions)
    documents = list(documents_of_case(case))
    awaiting_reply = decisions.awaits_recommendation_reply(case, documents)
    panels: list[Panel] = []
    if handle:
        panels += _handling_panels(
            user,
            case,
            team_ids,
            reviews,
            awaiting_execution,
            extension_pending,
            bound,
            awaiting_reply=awaiting_reply,
        )
    move = _move_panel(user, case, Matter.JURISDICTION_MOVE in pending, bound)
    if move is not None:
        panels.append(move)
    current = open_review(reviews)
    if review_here and current is not None and case.status == CaseStatus.IN_REVIEW:
        panels += _review_panels(user, case, current, bound)
    appeal = appeal_context(user, case, bound=bound, sanctions=sanctions)
    offered = {p.key for p in panels} | appeal["appeal_form_keys"]
    # A refused step stays on the page with its error even if the state moved on.
    for key, form in bound.items():
        if key not in offered:
            panels.append(Panel(key, PANEL_LABELS.get(key, "办理"), request.path, form))
    measures = list(measures_of(case))
    can_end = handle and case_workflow.allowed(CaseAction.END_MEASURE, case.status)
    for m in measures:
        m.can_end = can_end and m.status == MeasureStatus.APPROVED  # type: ignore[attr-defined]
    for s in sanctions:
        s.outcome_text = cls.outcome_labels([s.outcome])  # type: ignore[attr-defined]
        s.kind_text = (  # type: ignore[attr-defined]
            _label(SanctionKind, s.kind) if s.kind in SanctionKind.values else "其他处理"
        )
        s.authority_text = _label(Authority, s.authority)  # type: ignore[attr-defined]
        s.effect_text = _effect_text(s)  # type: ignore[attr-defined]
    transitions = [
        {
            "t": t,
            "label": case_workflow.label(t.action),
            "from": _label(CaseStatus, t.from_status) if t.from_status else "",
            "to": _label(CaseStatus, t.to_status),
        }
        for t in transitions_of(case)
    ]
    hints = []
    if handle and case.status == CaseStatus.INVESTIGATING and user.pk not in team_ids:
        hints.append("审查调查报告由审查调查组成员提交。")
    if handle and Matter.JURISDICTION_MOVE in pending:
        hints.append("管辖调整呈批正在审批中，批准后本案交由承办机关办理。")
    if review_here and current is not None and not any(p.key == "review_talk" for p in panels):
        hints.append("审理谈话、退回补充证据和审理报告由确定的审理人员办理。")
    if handle and awaiting_reply and case_workflow.allowed(CaseAction.CLOSE, case.status):
        hints.append("纪检监察建议书尚未收到回复，登记回复后方可结案。")
    clocks = list(clocks_of(case))
    context = {
        "case": case,
        "status_badge": STATUS_BADGES.get(case.status, "text-bg-secondary"),
        "sides": cls.sides_label(case),
        "proposed_text": cls.outcome_labels(case.proposed_outcomes),
        "lead_visible": cls.lead_visible(user, case),
        "clocks": clock_views(cast(Any, clocks)),
        "team": [m for m in team if m.pk != case.leader_id],
        "measures": measures,
        "reviews": reviews,
        "sanctions": sanctions,
        "approvals": approvals,
        "documents": documents,
        "recommendation": _recommendation(case, documents, clocks),
        "transitions": transitions,
        "panels": panels,
        "hints": hints,
        "may_handle": handle,
        "may_review": review_here,
        **appeal,
    }
    return render(request, "cases/case_file.html", context, status=status)


@login_required
@require_GET
def case_file(request: HttpRequest, pk: int) -> HttpResponse:
    return render_file(request, get_case_for_user(request.user, pk))
