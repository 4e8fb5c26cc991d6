"""Staff pages of one lead: registration, edit and the lead file (卷宗) with its steps.

Views are thin: scope comes from ``selectors.get_lead_for_user`` (404 for out of scope
exactly like missing), rules and writes from ``services`` / ``handling``. The handling steps
post to their own URLs (``views_handling``) and come back here with their bound form when a
service refuses them. Nothing of a source report's reporter is shown (DOMAIN.md §2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap
from qingfeng.approvals.chains import TOWNSHIP_KINDS
from qingfeng.approvals.models import ApprovalStatus
from qingfeng.cases import list_selectors as ls
from qingfeng.cases import services, workflow
from qingfeng.cases.case_selectors import cases_visible_to
from qingfeng.cases.forms import (
    EnquiryReportForm,
    EnquiryStartForm,
    LeadCreateForm,
    LeadForm,
    LetterForm,
    ProposeForm,
    ReplyForm,
    TalkForm,
    TransferReplyForm,
    VerificationReportForm,
    VerificationStartForm,
)
from qingfeng.cases.models import (
    Enquiry,
    EnquiryMode,
    EnquiryStatus,
    Lead,
    LeadClock,
    LeadStatus,
    Verification,
    VerificationStatus,
)
from qingfeng.cases.selectors import (
    approvals_of,
    clocks_of,
    enquiries_of,
    get_lead_for_user,
    may_handle,
    transitions_of,
)
from qingfeng.cases.workflow import OPEN_ENQUIRY, Action
from qingfeng.core.forms import StyledForm, apply_service_errors
from qingfeng.intake.matching import match_persons
from qingfeng.workdays.clock import WorkCalendar

STATUS_BADGES: dict[str, str] = {
    LeadStatus.PENDING: "text-bg-warning",
    LeadStatus.PROPOSED: "text-bg-info",
    LeadStatus.ENQUIRY: "text-bg-primary",
    LeadStatus.VERIFICATION: "text-bg-primary",
    LeadStatus.ON_HOLD: "text-bg-secondary",
    LeadStatus.CLOSED: "text-bg-success",
    LeadStatus.CASE_PROPOSED: "text-bg-danger",
    LeadStatus.FILING: "text-bg-info",
    LeadStatus.FILED: "text-bg-danger",
    LeadStatus.TRANSFERRED: "text-bg-dark",
}
APPROVAL_BADGES: dict[str, str] = {
    ApprovalStatus.PENDING: "text-bg-info",
    ApprovalStatus.APPROVED: "text-bg-success",
    ApprovalStatus.REJECTED: "text-bg-danger",
    ApprovalStatus.WITHDRAWN: "text-bg-secondary",
    ApprovalStatus.VOID: "text-bg-dark",
}


# -- registration and edit ------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form: LeadForm,
    *,
    lead: Lead | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "cases/lead_form.html",
        {"form": form, "lead": lead, "creating": lead is None},
        status=status,
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """登记 a lead from a source other than a report (巡察、审计、监督检查、联络站、预警、
    上级交办); on any error nothing is written and the input stays."""
    user = request.user
    if not has_cap(user, Cap.LEAD_HANDLE):
        raise PermissionDenied("没有登记问题线索的权限")
    if request.method != "POST":
        form = LeadCreateForm(user=user, initial={"org": request.GET.get("org")})
        return _form_page(request, form)
    form = LeadCreateForm(request.POST, user=user)
    if form.is_valid():
        try:
            lead = services.register_lead(
                actor=user,
                org=form.cleaned_data["org"],
                data=form.lead_input(form.cleaned_data["source"]),
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已登记问题线索 {lead.number}。")
            return redirect("cases:detail", pk=lead.pk)
    return _form_page(request, form, status=400)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改 a lead before it is disposed of; a pending 处置呈批 becomes void (DESIGN.md §3)."""
    lead = get_lead_for_user(request.user, pk, write=True)
    if not workflow.allowed(Action.EDIT, lead.status):
        messages.error(request, f"线索当前状态为“{lead.get_status_display()}”，不能修改。")
        return redirect("cases:detail", pk=lead.pk)
    if request.method != "POST":
        initial = {
            "subject_name": lead.subject_name,
            "subject_unit": lead.subject_unit,
            "subject_post": lead.subject_post,
            "person": lead.person_id,
            "handling_dept": lead.handling_dept_id,
            "summary": lead.summary,
        }
        form = LeadForm(
            user=request.user,
            body_id=lead.org_id,
            current_person_id=lead.person_id,
            initial=initial,
        )
        return _form_page(request, form, lead=lead)
    form = LeadForm(
        request.POST, user=request.user, body_id=lead.org_id, current_person_id=lead.person_id
    )
    if form.is_valid():
        try:
            services.update_lead(
                lead=lead, actor=request.user, data=form.lead_input(lead.source), request=request
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已保存线索 {lead.number}。")
            return redirect("cases:detail", pk=lead.pk)
    return _form_page(request, form, lead=lead, status=400)


@login_required
@require_GET
def match_person(request: HttpRequest) -> HttpResponse:
    """The "匹配监察对象" candidates for the 被反映人 (htmx partial)."""
    if not has_cap(request.user, Cap.LEAD_HANDLE):
        raise PermissionDenied("没有登记问题线索的权限")
    name = request.GET.get("subject_name", "")
    unit = request.GET.get("subject_unit", "")
    matches = match_persons(request.user, name=name, unit=unit) if name.strip() else []
    return render(request, "cases/_match_persons.html", {"matches": matches, "name": name.strip()})


# -- the lead file --------------------------------------------------------------------------


@dataclass
class ClockView:
    clock: LeadClock
    badge: str
    css: str
    overdue: bool = False


def clock_views(clocks: list[LeadClock]) -> list[ClockView]:
    """Each clock with its badge: 剩余N个工作日 / 已超期N个工作日 on the working-day
    calendar (DOMAIN.md §3), or done."""
    today = timezone.localdate()
    calendar = WorkCalendar()
    out: list[ClockView] = []
    for c in clocks:
        if c.met_at is not None:
            met_on = timezone.localtime(c.met_at).date()
            late = calendar.working_days_between(c.due_on, met_on) if met_on > c.due_on else 0
            if late:
                out.append(ClockView(c, f"已完成（超期{late}个工作日）", "text-bg-secondary"))
            else:
                out.append(ClockView(c, "已完成", "text-bg-success"))
        elif today <= c.due_on:
            days = calendar.working_days_between(today, c.due_on)
            css = "text-bg-warning" if days <= 2 else "text-bg-light border"
            out.append(ClockView(c, f"剩余{days}个工作日", css))
        else:
            days = calendar.working_days_between(c.due_on, today)
            out.append(ClockView(c, f"已超期{days}个工作日", "text-bg-danger", overdue=True))
    return out


# The handling steps of the lead file, keyed as their forms are prefixed.
PANEL_LABELS: dict[str, str] = {
    "propose": "处置呈批",
    "enquiry_start": "谈话函询方案呈批",
    "enquiry_talk": "记录谈话",
    "enquiry_letter": "发出函询通知书",
    "enquiry_reply": "登记书面说明/回复",
    "enquiry_report": "谈话函询情况报告呈批",
    "verification_start": "开展初步核实",
    "verification_report": "初步核实情况报告呈批",
    "transfer_reply": "登记转办反馈",
}


@dataclass
class Panel:
    """One handling step offered on the lead file: its form posts to ``url``."""

    key: str
    label: str
    url: str
    form: StyledForm
    notes: list[str] = field(default_factory=list)


def _status_label(value: str) -> str:
    try:
        return str(LeadStatus(value).label)
    except ValueError:
        return value or "—"


def _open_enquiry(enquiries: list[Enquiry]) -> Enquiry | None:
    return next((e for e in enquiries if e.status in OPEN_ENQUIRY), None)


def _open_verification(verifications: list[Verification]) -> Verification | None:
    return next(
        (
            v
            for v in verifications
            if v.status in (VerificationStatus.ONGOING, VerificationStatus.REPORT_PENDING)
        ),
        None,
    )


def _form(bound: dict[str, StyledForm], key: str, make: Callable[[], StyledForm]) -> StyledForm:
    return bound.get(key) or make()


def action_panels(
    user: Any,
    lead: Lead,
    enquiries: list[Enquiry],
    verifications: list[Verification],
    bound: dict[str, StyledForm],
) -> list[Panel]:
    """The steps the user may take now: the workflow table, then each step's own
    preconditions, so the page never offers a step the service would refuse outright."""
    panels: list[Panel] = []
    status = lead.status
    args = [lead.pk]
    if workflow.allowed(Action.PROPOSE, status):
        notes = []
        if lead.org.kind not in TOWNSHIP_KINDS and lead.handling_dept_id is None:
            notes.append("县级线索呈批须经承办部门审批，请先在“修改线索”中确定承办部门。")
        panels.append(
            Panel(
                "propose",
                PANEL_LABELS["propose"],
                reverse("cases:propose", args=args),
                _form(bound, "propose", lambda: ProposeForm(prefix="propose")),
                notes,
            )
        )
    open_enquiry = _open_enquiry(enquiries)
    if workflow.allowed(Action.START_ENQUIRY, status) and open_enquiry is None:
        panels.append(
            Panel(
                "enquiry_start",
                PANEL_LABELS["enquiry_start"],
                reverse("cases:enquiry_start", args=args),
                _form(bound, "enquiry_start", lambda: EnquiryStartForm(prefix="enquiry_start")),
            )
        )
    if open_enquiry is not None:
        e_args = [lead.pk, open_enquiry.pk]
        e_status = open_enquiry.status
        if e_status == EnquiryStatus.PLAN_APPROVED and open_enquiry.mode == EnquiryMode.TALK:
            panels.append(
                Panel(
                    "enquiry_talk",
                    f"记录谈话（第{open_enquiry.round}次）",
                    reverse("cases:enquiry_talk", args=e_args),
                    _form(bound, "enquiry_talk", lambda: TalkForm(prefix="enquiry_talk")),
                )
            )
        if e_status == EnquiryStatus.PLAN_APPROVED and open_enquiry.mode == EnquiryMode.LETTER:
            panels.append(
                Panel(
                    "enquiry_letter",
                    f"发出函询通知书（第{open_enquiry.round}次）",
                    reverse("cases:enquiry_letter", args=e_args),
                    _form(
                        bound,
                        "enquiry_letter",
                        lambda: LetterForm(
                            prefix="enquiry_letter",
                            initial={"letter_sent_on": timezone.localdate()},
                        ),
                    ),
                    ["被函询人须在15个工作日内作出书面说明，发函后开始计时。"],
                )
            )
        if e_status == EnquiryStatus.AWAITING_REPLY:
            panels.append(
                Panel(
                    "enquiry_reply",
                    PANEL_LABELS["enquiry_reply"],
                    reverse("cases:enquiry_reply", args=e_args),
                    _form(bound, "enquiry_reply", lambda: ReplyForm(prefix="enquiry_reply")),
                )
            )
        if e_status == EnquiryStatus.AWAITING_REPORT:
            panels.append(
                Panel(
                    "enquiry_report",
                    PANEL_LABELS["enquiry_report"],
                    reverse("cases:enquiry_report", args=e_args),
                    _form(
                        bound, "enquiry_report", lambda: EnquiryReportForm(prefix="enquiry_report")
                    ),
                )
            )
    open_verification = _open_verification(verifications)
    if workflow.allowed(Action.START_VERIFICATION, status) and open_verification is None:
        panels.append(
            Panel(
                "verification_start",
                PANEL_LABELS["verification_start"],
                reverse("cases:verification_start", args=args),
                _form(
                    bound,
                    "verification_start",
                    lambda: VerificationStartForm(prefix="verification_start", lead=lead),
                ),
            )
        )
    if (
        open_verification is not None
        and open_verification.status == VerificationStatus.ONGOING
        and (
            open_verification.leader_id == user.pk
            or any(m.pk == user.pk for m in open_verification.team.all())
        )
    ):
        panels.append(
            Panel(
                "verification_report",
                PANEL_LABELS["verification_report"],
                reverse("cases:verification_report", args=[lead.pk, open_verification.pk]),
                _form(
                    bound,
                    "verification_report",
                    lambda: VerificationReportForm(prefix="verification_report"),
                ),
            )
        )
    if workflow.allowed(Action.RECORD_TRANSFER_REPLY, status) and lead.transfer_replied_on is None:
        panels.append(
            Panel(
                "transfer_reply",
                PANEL_LABELS["transfer_reply"],
                reverse("cases:transfer_reply", args=args),
                _form(bound, "transfer_reply", lambda: TransferReplyForm(prefix="transfer_reply")),
                ["移送机关书面反馈办理结果后，登记反馈日期和反馈情况。"],
            )
        )
    return panels


def render_detail(
    request: HttpRequest,
    lead: Lead,
    *,
    bound: dict[str, StyledForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The lead file. ``bound``: a refused step's form, shown open with its errors."""
    user = request.user
    bound = bound or {}
    handle = may_handle(user, lead)
    enquiries = list(enquiries_of(lead))
    for e in enquiries:
        e.outcome_label = ls.outcome_label(e.outcome)  # type: ignore[attr-defined]
    verifications = ls.verifications_of(lead)
    for v in verifications:
        v.outcome_label = ls.outcome_label(v.outcome)  # type: ignore[attr-defined]
    panels = action_panels(user, lead, enquiries, verifications, bound) if handle else []
    offered = {p.key for p in panels}
    # A refused step stays on the page with its error even if the state moved on.
    for key, form in bound.items():
        if key not in offered:
            panels.append(Panel(key, PANEL_LABELS.get(key, "办理"), request.path, form))
    approvals = list(approvals_of(lead))
    for a in approvals:
        a.badge = APPROVAL_BADGES.get(a.status, "text-bg-secondary")  # type: ignore[attr-defined]
    transitions = [
        {
            "t": t,
            "label": workflow.label(t.action),
            "from": _status_label(t.from_status) if t.from_status else "",
            "to": _status_label(t.to_status),
        }
        for t in transitions_of(lead)
    ]
    context = {
        "lead": lead,
        "status_badge": STATUS_BADGES.get(lead.status, "text-bg-secondary"),
        "outcome_label": ls.outcome_label(lead.outcome),
        "report_visible": ls.source_report_visible(user, lead),
        "clocks": clock_views(list(clocks_of(lead))),
        "approvals": approvals,
        "enquiries": enquiries,
        "verifications": verifications,
        # The 初步核实 that transferred the lead (its 移送机关), for the 移送 card.
        "transfer": next(
            (v for v in verifications if v.status == VerificationStatus.DONE and v.transfer_to),
            None,
        )
        if lead.status == LeadStatus.TRANSFERRED
        else None,
        "documents": list(ls.documents_of(lead)),
        "transitions": transitions,
        "panels": panels,
        "may_handle": handle,
        "can_edit": handle and workflow.allowed(Action.EDIT, lead.status),
        # 立案呈批 on a lead proposed for a case; its case once filed (if the user reads it).
        "can_file": handle
        and workflow.allowed(Action.PROPOSE_FILING, lead.status)
        and has_cap(user, Cap.CASE_HANDLE),
        "case": cases_visible_to(user).filter(lead=lead).only("pk", "number").first()
        if lead.status == LeadStatus.FILED
        else None,
    }
    return render(request, "cases/lead_detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, get_lead_for_user(request.user, pk))
