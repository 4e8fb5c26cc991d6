"""The steps of a case, each a small form posting to its own URL: 立案呈批 (on the lead),
审查调查组, measures, extension, 审查调查报告, 管辖调整, 审理 (reviewers, talk, return,
report), 处分决定, 宣布, 执行, the reply to a 纪检监察建议书 and 结案 (DOMAIN.md §4–§5).

Each view reads the case with the capability its service needs — ``case.handle`` for the
handling body's steps, ``case.review`` for the 审理 body's — so a user who may not act
gets 404, exactly like a missing case. The input goes to the service; success redirects to
the case file with a message; a ``ValidationError`` goes onto the field it names and the
case file is shown again with the input kept (status 400). A ``PermissionDenied`` from a
service (e.g. a report by someone outside the team) answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from qingfeng.accounts.roles import Cap
from qingfeng.cases import case_list_selectors as cls
from qingfeng.cases import case_review, case_services, decisions, jurisdiction
from qingfeng.cases.case_forms import (
    AnnouncementForm,
    CloseForm,
    DecisionForm,
    ExecutionForm,
    ExtensionForm,
    FilingForm,
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
from qingfeng.cases.case_selectors import get_case_for_user
from qingfeng.cases.models import Case, CaseMeasure, CaseReview, Lead, LeadStatus
from qingfeng.cases.sanctions import person_is_village_cadre
from qingfeng.cases.selectors import get_lead_for_user
from qingfeng.cases.views_cases import render_file
from qingfeng.core.forms import StyledForm, apply_service_errors

# -- 立案呈批 on a lead ------------------------------------------------------------------------


def _filing_initial(lead: Lead) -> dict[str, Any]:
    """The person's status as the person record knows it; the Party side for a member."""
    person = lead.person
    is_member = bool(person.is_party_member) if person is not None else True
    is_village = person is not None and person_is_village_cadre(person)
    return {
        "is_party_member": is_member,
        "is_supervised": True,
        "is_village_cadre": is_village,
        "party_case": is_member,
    }


def _filing_page(request: HttpRequest, lead: Lead, form: FilingForm, status: int) -> HttpResponse:
    return render(request, "cases/case_filing.html", {"lead": lead, "form": form}, status=status)


@login_required
def propose_filing(request: HttpRequest, lead_pk: int) -> HttpResponse:
    """立案审查调查呈批报告 on a lead whose 初步核实 proposed 立案 (DOMAIN.md §4): the form
    (GET) and its submission (POST). A lead already filed leads to its case."""
    lead = get_lead_for_user(request.user, lead_pk, write=True)
    if lead.status != LeadStatus.CASE_PROPOSED:
        case = cls.case_of_lead(request.user, lead)
        if case is not None:
            return redirect("case_files:detail", pk=case.pk)
        messages.error(request, f"线索当前状态为“{lead.get_status_display()}”，不能立案呈批。")
        return redirect("cases:detail", pk=lead.pk)
    if request.method != "POST":
        return _filing_page(request, lead, FilingForm(initial=_filing_initial(lead)), 200)
    form = FilingForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            approval = case_services.propose_filing(
                lead=lead,
                actor=request.user,
                summary=d["summary"],
                party_case=d["party_case"],
                supervision_case=d["supervision_case"],
                complex_case=d["complex_case"],
                is_party_member=d["is_party_member"],
                is_supervised=d["is_supervised"],
                is_village_cadre=d["is_village_cadre"],
                meeting=form.meeting(),
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已提交立案呈批 {approval.number}，待审批。")
            return redirect("cases:detail", pk=lead.pk)
    return _filing_page(request, lead, form, 400)


# -- steps of the case file -----------------------------------------------------------------


def _step(
    request: HttpRequest,
    case: Case,
    key: str,
    form: StyledForm,
    run: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Validate ``form``, run the service; success → message and back to the case file."""
    if form.is_valid():
        try:
            done = run(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("case_files:detail", pk=case.pk)
    return render_file(request, case, bound={key: form}, status=400)


def _handled(request: HttpRequest, pk: int) -> Case:
    return get_case_for_user(request.user, pk, cap=Cap.CASE_HANDLE)


def _review(request: HttpRequest, pk: int, review_id: int) -> tuple[Case, CaseReview]:
    """The case as its 审理 body reads it, and one of its review rounds (404 otherwise)."""
    case = get_case_for_user(request.user, pk, cap=Cap.CASE_REVIEW)
    review = CaseReview.objects.filter(pk=review_id, case=case).select_related("org").first()
    if review is None:
        raise Http404
    review.case = case
    return case, review


@login_required
@require_POST
def set_team(request: HttpRequest, pk: int) -> HttpResponse:
    """组成审查调查组: a leader and members who may handle the case."""
    case = _handled(request, pk)

    def run(d: dict[str, Any]) -> str:
        case_services.set_team(
            case=case,
            actor=request.user,
            leader=d["leader"],
            team=list(d["team"]),
            request=request,
        )
        return "已组成审查调查组。"

    form = TeamForm(request.POST, prefix="set_team", case=case)
    return _step(request, case, "set_team", form, run)


@login_required
@require_POST
def request_measure(request: HttpRequest, pk: int) -> HttpResponse:
    """审查调查措施呈批: each measure approved (DOMAIN.md §4; 留置 never at township)."""
    case = _handled(request, pk)

    def run(d: dict[str, Any]) -> str:
        approval = case_services.request_measure(
            case=case,
            actor=request.user,
            kind=d["kind"],
            target=d["target"],
            reason=d["reason"],
            starts_on=d["starts_on"],
            request=request,
        )
        return f"已提交措施呈批 {approval.number}，待审批。"

    form = MeasureForm(request.POST, prefix="request_measure", case=case)
    return _step(request, case, "request_measure", form, run)


@login_required
@require_POST
def end_measure(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    """解除 an approved measure (lifting 留置 stops its clock)."""
    case = _handled(request, pk)
    measure = CaseMeasure.objects.filter(pk=measure_id, case=case).first()
    if measure is None:
        raise Http404
    measure.case = case

    def run(d: dict[str, Any]) -> str:
        ended = case_services.end_measure(measure=measure, actor=request.user, request=request)
        return f"已解除{ended.get_kind_display()}措施。"

    form = StyledForm(request.POST, prefix="end_measure")
    return _step(request, case, "end_measure", form, run)


@login_required
@require_POST
def request_extension(request: HttpRequest, pk: int) -> HttpResponse:
    """延长审查调查期限呈批: once, by up to 6 months, upper-level approval (DOMAIN.md §4)."""
    case = _handled(request, pk)

    def run(d: dict[str, Any]) -> str:
        approval = case_services.request_extension(
            case=case,
            actor=request.user,
            months=d["months"],
            reason=d["reason"],
            request=request,
        )
        return f"已提交延长期限呈批 {approval.number}，待审批。"

    form = ExtensionForm(request.POST, prefix="request_extension")
    return _step(request, case, "request_extension", form, run)


@login_required
@require_POST
def submit_investigation_report(request: HttpRequest, pk: int) -> HttpResponse:
    """审查调查报告 with the proposed handling; on approval the case goes to 审理."""
    case = _handled(request, pk)

    def run(d: dict[str, Any]) -> str:
        approval = case_services.submit_investigation_report(
            case=case,
            actor=request.user,
            report_text=d["report_text"],
            proposed_outcomes=list(d["proposed_outcomes"]),
            request=request,
        )
        return f"已提交审查调查报告 {approval.number}，待审批。"

    form = InvestigationReportForm(request.POST, prefix="investigation_report", case=case)
    return _step(request, case, "investigation_report", form, run)


@login_required
@require_POST
def propose_move(request: HttpRequest, pk: int) -> HttpResponse:
    """管辖调整呈批 — 提级办理, 指定管辖 or 交叉办理 (DOMAIN.md §4): proposed by an officer of
    the township's upper body for its head's approval; the service refuses anyone else
    (403), a township of the home 协作区 for 交叉办理 and a case no longer investigated."""
    case = _handled(request, pk)

    def run(d: dict[str, Any]) -> str:
        approval = jurisdiction.propose_move(
            case=case,
            actor=request.user,
            kind=d["kind"],
            target=d["target"],
            reason=d["reason"],
            request=request,
        )
        return f"已提交管辖调整呈批 {approval.number}，待审批。"

    form = JurisdictionMoveForm(request.POST, prefix="propose_move", case=case)
    return _step(request, case, "propose_move", form, run)


@login_required
@require_POST
def assign_reviewers(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    """确定审理人员: at least two, none from the investigation team."""
    case, review = _review(request, pk, review_id)

    def run(d: dict[str, Any]) -> str:
        case_review.assign_reviewers(
            review=review, actor=request.user, reviewers=list(d["reviewers"]), request=request
        )
        return "已确定审理人员。"

    form = ReviewersForm(request.POST, prefix="assign_reviewers", case=case, review=review)
    return _step(request, case, "assign_reviewers", form, run)


@login_required
@require_POST
def record_review_talk(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    """审理谈话 with the person under review."""
    case, review = _review(request, pk, review_id)

    def run(d: dict[str, Any]) -> str:
        case_review.record_review_talk(
            review=review,
            actor=request.user,
            talk_on=d["talk_on"],
            talk_record=d["talk_record"],
            request=request,
        )
        return "已记录审理谈话。"

    form = ReviewTalkForm(request.POST, prefix="review_talk")
    return _step(request, case, "review_talk", form, run)


@login_required
@require_POST
def return_for_evidence(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    """退回补充证据: the case goes back to 审查调查."""
    case, review = _review(request, pk, review_id)

    def run(d: dict[str, Any]) -> str:
        case_review.return_for_evidence(
            review=review, actor=request.user, reason=d["reason"], request=request
        )
        return "已退回审查调查组补充证据。"

    form = ReturnForm(request.POST, prefix="return_for_evidence")
    return _step(request, case, "return_for_evidence", form, run)


@login_required
@require_POST
def submit_review_report(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    """审理报告 after collective deliberation (集体审议), for the 审理 body's approval."""
    case, review = _review(request, pk, review_id)
    form = ReviewReportForm(request.POST, prefix="review_report", case=case)

    def run(d: dict[str, Any]) -> str:
        approval = case_review.submit_review_report(
            review=review,
            actor=request.user,
            report_text=d["report_text"],
            proposed_outcomes=list(d["proposed_outcomes"]),
            meeting=form.meeting(),
            request=request,
        )
        return f"已提交审理报告 {approval.number}，待审批。"

    return _step(request, case, "review_report", form, run)


@login_required
@require_POST
def propose_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """处分（处理）决定呈批 to the body holding the power (DOMAIN.md §4 powers by level)."""
    case = _handled(request, pk)
    form = DecisionForm(
        request.POST, prefix="propose_decision", case=case, proposed=case.proposed_outcomes
    )

    def run(d: dict[str, Any]) -> str:
        approval = decisions.propose_decision(
            case=case,
            actor=request.user,
            outcomes=list(d["outcomes"]),
            probation_years=d["probation_years"],
            meeting=form.meeting(),
            recommend_to=d["recommend_to"],
            recommend_text=d["recommend_text"],
            request=request,
        )
        return f"已提交处分（处理）决定呈批 {approval.number}，待审批。"

    return _step(request, case, "propose_decision", form, run)


@login_required
@require_POST
def record_announcement(request: HttpRequest, pk: int) -> HttpResponse:
    """宣布 the decision to the person and their Party organisation (within 1 month)."""
    case = _handled(request, pk)

    def run(d: dict[str, Any]) -> str:
        decisions.record_announcement(
            case=case, actor=request.user, announced_on=d["announced_on"], request=request
        )
        return "已登记宣布处分决定。"

    form = AnnouncementForm(request.POST, prefix="announcement")
    return _step(request, case, "announcement", form, run)


@login_required
@require_POST
def record_execution(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's report of how the decision was executed (within 6 months)."""
    case = _handled(request, pk)

    def run(d: dict[str, Any]) -> str:
        decisions.record_execution(
            case=case,
            actor=request.user,
            executed_on=d["executed_on"],
            note=d["note"],
            request=request,
        )
        return "已登记执行情况。"

    form = ExecutionForm(request.POST, prefix="execution")
    return _step(request, case, "execution", form, run)


@login_required
@require_POST
def record_recommendation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's written reply to the 纪检监察建议书 recommending 组织处理 (within 1 month;
    结案 waits for it)."""
    case = _handled(request, pk)

    def run(d: dict[str, Any]) -> str:
        decisions.record_recommendation_reply(
            case=case,
            actor=request.user,
            replied_on=d["replied_on"],
            reply=d["reply"],
            request=request,
        )
        return "已登记纪检监察建议书回复。"

    form = RecommendationReplyForm(request.POST, prefix="recommendation_reply")
    return _step(request, case, "recommendation_reply", form, run)


@login_required
@require_POST
def close_case(request: HttpRequest, pk: int) -> HttpResponse:
    """结案 with the 结案报告."""
    case = _handled(request, pk)

    def run(d: dict[str, Any]) -> str:
        closed = decisions.close_case(
            case=case, actor=request.user, summary=d["summary"], request=request
        )
        return f"案件 {closed.number} 已结案。"

    form = CloseForm(request.POST, prefix="close_case")
    return _step(request, case, "close_case", form, run)
