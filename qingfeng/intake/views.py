"""Staff pages of one report: registration, the detail page and every handling step.

Views are thin: scope comes from ``selectors.get_report_for_user`` (404 for out of scope
exactly like missing), rules and writes from ``services``. The reporter's identity is
shown only in the response to a reasoned request, never through messages, the session or
a URL (DESIGN.md §3 "Reporter protection").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers, has_cap
from qingfeng.audit.models import Action as AuditAction
from qingfeng.audit.services import record
from qingfeng.core.forms import StyledForm, apply_service_errors
from qingfeng.intake import services, workflow
from qingfeng.intake.forms import (
    ACTION_FORMS,
    SOURCE_CHANNELS,
    BaseSubjectFormSet,
    IdentityRequestForm,
    MessageForm,
    RegisterForm,
    SubjectFormSet,
    action_form,
    report_input,
)
from qingfeng.intake.identity import Identity
from qingfeng.intake.matching import match_persons
from qingfeng.intake.models import (
    Channel,
    Clock,
    RepeatCandidate,
    RepeatStatus,
    Report,
    Status,
)
from qingfeng.intake.selectors import get_report_for_user, reports_visible_to
from qingfeng.intake.uploads import clean_upload, store_attachments
from qingfeng.workdays.clock import WorkCalendar

STATUS_BADGES: dict[str, str] = {
    Status.REGISTERED: "text-bg-warning",
    Status.ACCEPTED: "text-bg-primary",
    Status.ASSIGNED: "text-bg-primary",
    Status.CLOSED: "text-bg-info",
    Status.FEEDBACK_GIVEN: "text-bg-success",
}

# Steps offered as forms on the detail page (registration and repeats have their own).
FORM_ACTIONS = tuple(ACTION_FORMS)


# -- registration --------------------------------------------------------------------------


def _register_page(
    request: HttpRequest, form: RegisterForm, formset: Any, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "intake/register.html",
        {
            "form": form,
            "formset": formset,
            "visit_channel": Channel.VISIT,
            "phone_channel": Channel.PHONE,
            "source_channels": " ".join(SOURCE_CHANNELS),
        },
        status=status,
    )


def _apply_register_errors(
    form: RegisterForm, formset: Any, used: list[Any], exc: ValidationError
) -> None:
    """Put a service error on the field it names: the main form, a subject row, or the
    formset as a whole ("subjects")."""
    if not hasattr(exc, "error_dict"):
        apply_service_errors(form, exc)
        return
    for key, errors in exc.message_dict.items():
        if key.startswith("subjects."):
            _, index, field = key.split(".", 2)
            row = used[int(index)] if int(index) < len(used) else None
            for message in errors:
                if row is not None and field in row.fields:
                    row.add_error(field, message)
                else:
                    form.add_error(None, message)
        elif key == "files":  # uploads.py names the upload field "files"
            for message in errors:
                form.add_error("evidence", message)
        elif key == "subjects":
            formset._non_form_errors = formset.error_class(errors)
        else:
            apply_service_errors(form, ValidationError({key: errors}))


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """登记 a letter, visit, call or item handed over, with its reported persons and
    evidence, in one transaction; on any error nothing is written and the input stays."""
    if not has_cap(request.user, Cap.REPORT_HANDLE):
        raise Http404
    user = request.user
    if request.method != "POST":
        return _register_page(
            request,
            RegisterForm(user=user),
            SubjectFormSet(prefix="subjects", form_kwargs={"user": user}),
        )
    form = RegisterForm(request.POST, request.FILES, user=user)
    formset = SubjectFormSet(request.POST, prefix="subjects", form_kwargs={"user": user})
    form_ok = form.is_valid()
    subjects_ok = formset.is_valid()
    if not (form_ok and subjects_ok):
        return _register_page(request, form, formset, status=400)
    assert isinstance(formset, BaseSubjectFormSet)
    subjects, used = formset.subject_inputs()
    data = report_input(form, subjects)
    try:
        # Files are checked (and images re-encoded) before anything is written.
        files = [clean_upload(f) for f in form.cleaned_data["evidence"]]
        with transaction.atomic():
            registered = services.register_report(
                actor=user, org=form.cleaned_data["org"], data=data, request=request
            )
            if files:
                store_attachments(
                    report=registered.report, files=files, from_reporter=False, actor=user
                )
    except ValidationError as exc:
        _apply_register_errors(form, formset, used, exc)
        return _register_page(request, form, formset, status=400)
    except PermissionDenied:
        raise Http404 from None
    report = registered.report
    if not reports_visible_to(user).filter(pk=report.pk).exists():
        # About this body's own head: sent straight up and invisible here (DOMAIN.md §2).
        messages.success(request, f"已登记 {report.number}，该件反映本机关主要负责人，已径送上级。")
        return redirect("intake:register")
    messages.success(request, f"已登记信访件 {report.number}。")
    return redirect("intake:detail", pk=report.pk)


@login_required
@require_GET
def match_person(request: HttpRequest) -> HttpResponse:
    """The "匹配监察对象" candidates for one subject row (htmx partial)."""
    if not has_cap(request.user, Cap.REPORT_HANDLE):
        raise Http404
    row = request.GET.get("row", "")
    if not row.replace("-", "").replace("_", "").isalnum():
        raise Http404
    name = request.GET.get(f"{row}-name", request.GET.get("name", ""))
    unit = request.GET.get(f"{row}-unit_name", request.GET.get("unit", ""))
    matches = match_persons(request.user, name=name, unit=unit) if name.strip() else []
    return render(
        request,
        "intake/_register_matches.html",
        {"row": row, "matches": matches, "name": name.strip()},
    )


# -- the detail page -----------------------------------------------------------------------


@dataclass
class ClockView:
    clock: Clock
    label: str
    badge: str
    css: str
    days_left: int | None = None
    days_overdue: int | None = None


def clock_views(clocks: list[Clock]) -> list[ClockView]:
    """Each clock with its badge: 剩余N个工作日 / 已超期N个工作日 on the working-day
    calendar (DOMAIN.md §2), or done."""
    today = timezone.localdate()
    calendar = WorkCalendar()
    out: list[ClockView] = []
    for c in clocks:
        label = c.get_kind_display()
        if c.met_at is not None:
            met_on = timezone.localtime(c.met_at).date()
            late = calendar.working_days_between(c.due_on, met_on) if met_on > c.due_on else 0
            if late:
                badge, css = f"已完成（超期{late}个工作日）", "text-bg-secondary"
            else:
                badge, css = "已完成", "text-bg-success"
            out.append(ClockView(c, label, badge, css, days_overdue=late or None))
        elif today <= c.due_on:
            days = calendar.working_days_between(today, c.due_on)
            css = "text-bg-warning" if days <= 2 else "text-bg-light border"
            out.append(ClockView(c, label, f"剩余{days}个工作日", css, days_left=days))
        else:
            days = calendar.working_days_between(c.due_on, today)
            out.append(
                ClockView(c, label, f"已超期{days}个工作日", "text-bg-danger", days_overdue=days)
            )
    return out


def _document_url(pk: int) -> str | None:
    try:
        return reverse("documents:download", args=[pk])
    except NoReverseMatch:
        return None


def can_handle(user: Any, report: Report) -> bool:
    return covers(user, Cap.REPORT_HANDLE, report.org) or (
        report.handling_dept is not None and covers(user, Cap.REPORT_HANDLE, report.handling_dept)
    )


def available_actions(user: Any, report: Report) -> list[str]:
    """The handling steps the user may take now (workflow table, then the step's own
    preconditions so the page never offers a step the service would refuse outright)."""
    if not can_handle(user, report):
        return []
    out: list[str] = []
    for action in workflow.actions_from(report.status):
        name = str(action)
        if name not in FORM_ACTIONS:
            continue
        if name == "notify_acceptance" and (
            not report.is_real_name or report.accept_notice_on is not None
        ):
            continue
        if name == "accept" and not report.klass:
            continue
        out.append(name)
    return out


def proposed_candidates(user: Any, report: Report) -> list[RepeatCandidate]:
    """Open repeat proposals whose earlier report the user may see (an earlier report
    outside the user's scope is not revealed, not even its number)."""
    if report.status != Status.REGISTERED:
        return []
    visible = reports_visible_to(user).values("pk")
    return list(
        RepeatCandidate.objects.filter(
            report=report, status=RepeatStatus.PROPOSED, earlier__in=visible
        )
        .select_related("earlier")
        .order_by("-score", "pk")
    )


def render_detail(
    request: HttpRequest,
    report: Report,
    *,
    bound: dict[str, StyledForm] | None = None,
    identity: Identity | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    actions = available_actions(user, report)
    # A refused step stays on the page with its error even if the state moved on.
    shown = actions + [n for n in bound if n in FORM_ACTIONS and n not in actions]
    action_forms = [
        (name, workflow.label(name), bound.get(name) or action_form(name, report)) for name in shown
    ]
    handle = can_handle(user, report)
    may_view_identity = report.is_real_name and covers(user, Cap.REPORT_IDENTITY, report.org)
    transitions = [
        {"t": t, "label": workflow.label(t.action)}
        for t in report.transitions.select_related("actor", "from_org", "to_org")
    ]
    candidates = proposed_candidates(user, report)
    documents = [
        {"doc": d, "url": _document_url(d.pk)} for d in report.documents.order_by("-issued_at")
    ]
    context = {
        "report": report,
        "status_badge": STATUS_BADGES.get(report.status, "text-bg-secondary"),
        "subjects": list(report.subjects.select_related("person", "person__unit")),
        "clocks": clock_views(list(report.clocks.order_by("due_on", "pk"))),
        "transitions": transitions,
        "candidates": candidates,
        "thread": list(report.messages.select_related("author")),
        "attachments": list(report.attachments.all()),
        "documents": documents,
        "identity_views": list(report.identity_views.select_related("viewer", "viewer_org")),
        "action_forms": action_forms,
        "can_handle": handle,
        "may_view_identity": may_view_identity,
        "identity_form": bound.get("identity") or IdentityRequestForm(prefix="identity"),
        "message_form": bound.get("message") or MessageForm(prefix="message"),
        "identity": identity,
    }
    response = render(request, "intake/report_detail.html", context, status=status)
    if identity is not None:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, get_report_for_user(request.user, pk))


@login_required
@require_POST
def action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One handling step through its service; a refusal shows on the form with the input."""
    if name not in FORM_ACTIONS:
        raise Http404
    report = get_report_for_user(request.user, pk, write=True)
    form = action_form(name, report, request.POST)
    if not form.is_valid():
        return render_detail(request, report, bound={name: form}, status=400)
    try:
        _apply_action(name, report, form.cleaned_data, request)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return render_detail(request, report, bound={name: form}, status=400)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, f"已{workflow.label(name)}。")
    if not reports_visible_to(request.user).filter(pk=report.pk).exists():
        # Forwarded or sent beyond the user's scope.
        return redirect("intake:list")
    return redirect("intake:detail", pk=report.pk)


def _apply_action(name: str, report: Report, d: dict[str, Any], request: HttpRequest) -> None:
    actor = request.user
    if name == "classify":
        services.classify(report=report, klass=d["klass"], actor=actor, request=request)
    elif name == "accept":
        services.accept(report=report, actor=actor, split_leads=d["split_leads"], request=request)
    elif name == "refuse":
        services.refuse(
            report=report,
            refuse_reason=d["refuse_reason"],
            reason=d["reason"],
            actor=actor,
            request=request,
        )
    elif name == "forward_down":
        services.forward_down(
            report=report, target=d["target"], reason=d["reason"], actor=actor, request=request
        )
    elif name == "send_up":
        services.send_up(report=report, reason=d["reason"], actor=actor, request=request)
    elif name == "transfer_out":
        services.transfer_out(
            report=report,
            authority=d["authority"],
            reason=d["reason"],
            actor=actor,
            request=request,
        )
    elif name == "assign":
        services.assign(
            report=report,
            department=d["department"],
            reason=d.get("reason") or "",
            actor=actor,
            request=request,
        )
    elif name == "notify_acceptance":
        services.notify_acceptance(report=report, actor=actor, request=request)
    elif name == "close":
        services.close(report=report, result=d["result"], actor=actor, request=request)
    elif name == "record_feedback":
        services.record_feedback(
            report=report, objection=d.get("objection") or "", actor=actor, request=request
        )
    else:  # pragma: no cover - guarded by FORM_ACTIONS
        raise Http404


@login_required
@require_POST
def repeat_decision(request: HttpRequest, pk: int, candidate: int, decision: str) -> HttpResponse:
    """确认重复 / 不是重复 on one proposed candidate."""
    if decision not in ("confirm", "reject"):
        raise Http404
    report = get_report_for_user(request.user, pk, write=True)
    cand = next((c for c in proposed_candidates(request.user, report) if c.pk == candidate), None)
    if cand is None:
        raise Http404
    try:
        if decision == "confirm":
            services.mark_repeat(
                report=report, earlier=cand.earlier, actor=request.user, request=request
            )
            messages.success(request, f"已确认为重复件，首件 {cand.earlier.number}。")
        else:
            services.reject_repeat(report=report, earlier=cand.earlier, actor=request.user)
            messages.success(request, f"已确认与 {cand.earlier.number} 不是重复件。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    return redirect("intake:detail", pk=report.pk)


@login_required
@require_POST
def identity_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a real-name reporter's identity once, in this response only, after a reason
    is given; the view is logged (services.view_identity)."""
    report = get_report_for_user(request.user, pk)
    if not report.is_real_name or not covers(request.user, Cap.REPORT_IDENTITY, report.org):
        raise Http404
    form = IdentityRequestForm(request.POST, prefix="identity")
    if not form.is_valid():
        return render_detail(request, report, bound={"identity": form}, status=400)
    try:
        identity = services.view_identity(
            report=report, actor=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return render_detail(request, report, bound={"identity": form}, status=400)
    except PermissionDenied:
        raise Http404 from None
    return render_detail(request, report, identity=identity)


@login_required
@require_POST
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer's reply to the reporter in the report's message thread."""
    report = get_report_for_user(request.user, pk, write=True)
    form = MessageForm(request.POST, prefix="message")
    if not form.is_valid():
        return render_detail(request, report, bound={"message": form}, status=400)
    try:
        services.post_message(
            report=report, body=form.cleaned_data["body"], actor=request.user, request=request
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return render_detail(request, report, bound={"message": form}, status=400)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, "留言已发送。")
    return redirect("intake:detail", pk=report.pk)


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    """Download one evidence file of a report in scope; logged as a view of a sensitive
    record (DESIGN.md §3 "Audit")."""
    report = get_report_for_user(request.user, pk)
    item = report.attachments.filter(pk=attachment_id).first()
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    record(
        action=AuditAction.VIEW,
        actor=request.user,
        obj=report,
        org=report.org,
        detail=f"下载证据材料 附件{item.pk}{item.extension}",
        request=request,
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{report.number}-附件{item.pk}{item.extension}",
        content_type=item.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
