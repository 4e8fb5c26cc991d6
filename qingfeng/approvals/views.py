"""Pages of approvals (呈批): 待我审批, one 呈批 with its signatures, and the chains and
办案设置 of a body.

Views are thin: scope comes from ``selectors`` (``get_approval_for_user`` answers 404 for
out of scope exactly like missing), rules and writes from ``services``. A signature binds
the record's state (DESIGN.md §3 "Approvals bind state"): the detail page says when the
record no longer reads as it did, and ``services.sign`` voids the approval then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qingfeng.accounts.roles import ROLE_DEFINITIONS, Cap
from qingfeng.accounts.scope import has_cap, orgs_with
from qingfeng.approvals import chains, services
from qingfeng.approvals.chains import TOWNSHIP_KINDS
from qingfeng.approvals.forms import BodySettingsForm, ChainForm, SignForm
from qingfeng.approvals.models import (
    Approval,
    ApprovalStatus,
    ApprovalStep,
    Matter,
    Relation,
    StepState,
)
from qingfeng.approvals.selectors import (
    get_approval_for_user,
    signed_steps_of,
    steps_of,
    submitted_by,
    waiting_steps_for,
)
from qingfeng.cases import services as case_services
from qingfeng.cases.clocks import verification_months
from qingfeng.cases.models import BodySettings, LeadStatus, Way
from qingfeng.cases.outcomes import Outcome
from qingfeng.core.forms import apply_service_errors
from qingfeng.orgs.models import Org

# "待我审批" shows the oldest this many; the two histories the newest this many.
WAITING_LIMIT = 200
HISTORY_LIMIT = 50
TABS = ("waiting", "signed", "mine")

STATUS_BADGES: dict[str, str] = {
    ApprovalStatus.PENDING: "text-bg-warning",
    ApprovalStatus.APPROVED: "text-bg-success",
    ApprovalStatus.REJECTED: "text-bg-danger",
    ApprovalStatus.WITHDRAWN: "text-bg-secondary",
    ApprovalStatus.VOID: "text-bg-dark",
}
STEP_BADGES: dict[str, str] = {
    StepState.QUEUED: "text-bg-light border",
    StepState.WAITING: "text-bg-warning",
    StepState.APPROVED: "text-bg-success",
    StepState.REJECTED: "text-bg-danger",
    StepState.CLOSED: "text-bg-secondary",
}


def role_name(code: str) -> str:
    if code in chains.SIGNING_ROLES:
        return chains.SIGNING_ROLES[code]
    definition = ROLE_DEFINITIONS.get(code)
    return definition[0] if definition else code


# -- 待我审批 ------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """待我审批, 我已审批 and 我的呈批: a fixed number of queries whatever the lengths."""
    user = request.user
    waiting = list(
        waiting_steps_for(user).select_related("approval__submitted_by")[: WAITING_LIMIT + 1]
    )
    signed = signed_steps_of(user, limit=HISTORY_LIMIT)
    mine = submitted_by(user, limit=HISTORY_LIMIT)
    tab = request.GET.get("tab", "waiting")
    return render(
        request,
        "approvals/inbox.html",
        {
            "waiting": waiting[:WAITING_LIMIT],
            "waiting_more": len(waiting) > WAITING_LIMIT,
            "waiting_limit": WAITING_LIMIT,
            "signed": [{"step": s, "badge": STATUS_BADGES[s.approval.status]} for s in signed],
            "mine": [{"approval": a, "badge": STATUS_BADGES[a.status]} for a in mine],
            "history_limit": HISTORY_LIMIT,
            "tab": tab if tab in TABS else "waiting",
        },
    )


# -- one 呈批 ------------------------------------------------------------------------------


def lead_url(approval: Approval) -> str | None:
    """The lead's page, when the leads pages are installed (reversed per request)."""
    if approval.lead_id is None:
        return None
    try:
        return reverse("cases:detail", args=[approval.lead_id])
    except NoReverseMatch:
        return None


def payload_rows(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """What the approved decision will do, in Chinese (internal record ids are left out)."""
    rows: list[tuple[str, str]] = []
    way = payload.get("way")
    if way in Way.values:
        rows.append(("拟处置方式", str(Way(way).label)))
    outcome = payload.get("outcome")
    if outcome in Outcome.values:
        rows.append(("拟处理意见", str(Outcome(outcome).label)))
    origin = payload.get("from")
    if origin in LeadStatus.values:
        rows.append(("呈批前线索状态", str(LeadStatus(origin).label)))
    return rows


def still_current(approval: Approval) -> bool | None:
    """For a pending 呈批: whether its record still reads as it did when submitted.

    ``services.current_state`` reads the record through its handler's lock
    (``select_for_update``), so it runs in a short transaction of its own; nothing is
    written. None for an approval no longer pending (DESIGN.md §3 "Approvals bind state").
    """
    if approval.status != ApprovalStatus.PENDING:
        return None
    with transaction.atomic():
        return services.is_current(approval, services.current_state(approval))


def signable_step(user: Any, approval: Approval, steps: list[ApprovalStep]) -> ApprovalStep | None:
    """The waiting step if ``user`` may sign it now: holds its role on its org, is not the
    submitter and has not signed another step of this approval (separation of duties)."""
    if approval.status != ApprovalStatus.PENDING or approval.submitted_by_id == user.pk:
        return None
    if any(s.signer_id == user.pk for s in steps):
        return None
    step = next((s for s in steps if s.state == StepState.WAITING), None)
    if step is None or not services.may_sign(user, step):
        return None
    return step


def render_detail(
    request: HttpRequest,
    approval: Approval,
    *,
    sign_form: SignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    steps = steps_of(approval)
    signable = signable_step(user, approval, steps)
    if sign_form is None and signable is not None:
        sign_form = SignForm()
    context = {
        "approval": approval,
        "status_badge": STATUS_BADGES.get(approval.status, "text-bg-secondary"),
        "steps": [
            {
                "step": s,
                "role": role_name(s.role),
                "badge": STEP_BADGES.get(s.state, "text-bg-secondary"),
            }
            for s in steps
        ],
        "payload_rows": payload_rows(approval.payload),
        "lead_url": lead_url(approval),
        "current": still_current(approval),
        "signable": signable,
        "sign_form": sign_form,
        "may_withdraw": approval.status == ApprovalStatus.PENDING
        and approval.submitted_by_id == user.pk,
    }
    return render(request, "approvals/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, get_approval_for_user(request.user, pk))


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """同意 / 不同意 on the waiting step. A record changed since submission voids the
    approval (the message says so); a refused signature keeps its input on the form."""
    user = request.user
    approval = get_approval_for_user(user, pk)
    if approval.status == ApprovalStatus.PENDING and (
        signable_step(user, approval, steps_of(approval)) is None
    ):
        raise PermissionDenied("没有审批该呈批的权限")
    form = SignForm(request.POST)
    if not form.is_valid():
        return render_detail(request, approval, sign_form=form, status=400)
    try:
        signed = services.sign(
            approval=approval,
            actor=user,
            approve=form.approve,
            comment=form.cleaned_data["comment"],
            request=request,
        )
    except services.ApprovalVoid as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("approvals:detail", pk=approval.pk)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        approval.refresh_from_db()
        return render_detail(request, approval, sign_form=form, status=400)
    if signed.status == ApprovalStatus.APPROVED:
        messages.success(request, f"已签批同意，呈批 {signed.number} 已批准。")
    elif signed.status == ApprovalStatus.REJECTED:
        messages.success(request, f"已签批不同意，呈批 {signed.number} 未批准。")
    else:
        messages.success(request, f"已签批同意，呈批 {signed.number} 已转下一步审批。")
    return redirect("approvals:inbox")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The submitter takes back a pending 呈批."""
    approval = get_approval_for_user(request.user, pk)
    try:
        services.withdraw(approval=approval, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("approvals:detail", pk=approval.pk)
    messages.success(request, f"已撤回呈批 {approval.number}。")
    return redirect("approvals:detail", pk=approval.pk)


# -- chains and 办案设置 -------------------------------------------------------------------


def manageable_bodies(user: Any) -> QuerySet[Org]:
    """Bodies whose chains and settings the user may change (``approval.chain``)."""
    return (
        orgs_with(user, Cap.CHAIN_MANAGE)
        .filter(kind__in=chains.BODY_KINDS, is_active=True)
        .order_by("path")
    )


def get_body_for_user(user: Any, pk: int) -> Org:
    body = manageable_bodies(user).filter(pk=pk).first()
    if body is None:
        raise Http404
    return body


def chains_url(org: Org) -> str:
    return f"{reverse('approvals:chains')}?org={org.pk}"


@dataclass
class StepRow:
    order: int
    label: str
    role: str
    relation: str


@dataclass
class MatterChain:
    matter: str
    label: str
    configured: bool
    steps: list[StepRow]


def matter_chains(org: Org) -> list[MatterChain]:
    out: list[MatterChain] = []
    for matter in chains.matters_for(org):
        specs, configured = chains.chain_for(org, matter)
        rows = [
            StepRow(i, s.label, role_name(s.role), str(Relation(s.relation).label))
            for i, s in enumerate(specs, start=1)
        ]
        out.append(MatterChain(matter.value, str(matter.label), configured, rows))
    return out


def render_chains(
    request: HttpRequest,
    bodies: list[Org],
    org: Org,
    *,
    settings_form: BodySettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    months = verification_months(org)
    row = BodySettings.objects.filter(org=org).first()
    county_review = bool(row and row.reviews_township_cases)
    return render(
        request,
        "approvals/chains.html",
        {
            "bodies": bodies,
            "org": org,
            "matters": matter_chains(org),
            "months": months,
            "county_review": county_review,
            "is_township": org.kind in TOWNSHIP_KINDS,
            "settings_form": settings_form
            or BodySettingsForm(
                initial={"verification_months": months, "reviews_township_cases": county_review}
            ),
        },
        status=status,
    )


@login_required
@require_GET
def chain_list(request: HttpRequest) -> HttpResponse:
    """审批流程与办案设置 of one body in the user's scope (default: the user's own)."""
    user = request.user
    if not has_cap(user, Cap.CHAIN_MANAGE):
        raise Http404
    bodies = list(manageable_bodies(user))
    if not bodies:
        raise Http404
    chosen = request.GET.get("org", "")
    if chosen:
        org = next((b for b in bodies if str(b.pk) == chosen), None)
        if org is None:
            raise Http404
    else:
        own = getattr(user, "org_id", None)
        org = next((b for b in bodies if b.pk == own), bodies[0])
    return render_chains(request, bodies, org)


def _chain_page(
    request: HttpRequest, org: Org, matter: Matter, form: ChainForm, configured: bool, status: int
) -> HttpResponse:
    default = chains.default_chain(org, matter)
    return render(
        request,
        "approvals/chain_edit.html",
        {
            "org": org,
            "matter": matter,
            "form": form,
            "configured": configured,
            "default_steps": [
                StepRow(i, s.label, role_name(s.role), str(Relation(s.relation).label))
                for i, s in enumerate(default, start=1)
            ],
            "township": org.kind in chains.TOWNSHIP_KINDS,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def chain_edit(request: HttpRequest, org_pk: int, matter: str) -> HttpResponse:
    """Edit one body's chain for one matter, or put it back to the default. Approvals
    already submitted keep the steps they were submitted with."""
    org = get_body_for_user(request.user, org_pk)
    if matter not in chains.matters_for(org):
        raise Http404
    which = Matter(matter)
    specs, configured = chains.chain_for(org, which)
    if request.method != "POST":
        form = ChainForm(initial=ChainForm.initial_for(specs))
        return _chain_page(request, org, which, form, configured, 200)
    if "reset" in request.POST:
        services.set_chain(org=org, matter=which, steps=[], actor=request.user, request=request)
        messages.success(request, f"“{which.label}”已恢复默认审批流程。")
        return redirect(chains_url(org))
    form = ChainForm(request.POST)
    if not form.is_valid():
        return _chain_page(request, org, which, form, configured, 400)
    try:
        services.set_chain(
            org=org, matter=which, steps=form.steps(), actor=request.user, request=request
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return _chain_page(request, org, which, form, configured, 400)
    messages.success(request, f"已保存“{which.label}”的审批流程，此后提交的呈批按新流程审批。")
    return redirect(chains_url(org))


@login_required
@require_POST
def body_settings(request: HttpRequest, org_pk: int) -> HttpResponse:
    """办案设置: the body's 初步核实 limit; running verifications keep theirs."""
    org = get_body_for_user(request.user, org_pk)
    form = BodySettingsForm(request.POST)
    if form.is_valid():
        try:
            case_services.set_body_settings(
                org=org,
                actor=request.user,
                verification_months=form.cleaned_data["verification_months"],
                reviews_township_cases=form.cleaned_data["reviews_township_cases"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"已保存{org.name}的办案设置：初步核实时限"
                f"{form.cleaned_data['verification_months']}个月"
                f"{'，乡案县审已开启' if form.cleaned_data['reviews_township_cases'] else ''}。",
            )
            return redirect(chains_url(org))
    bodies = list(manageable_bodies(request.user))
    return render_chains(request, bodies, org, settings_form=form, status=400)
