"""Pages of the public portal: no login, phone first (issue 3 item 1).

The query code is shown once, in the answer to the submission itself: it is not put in
the session, a URL, a log or the database. Following a report up, the code is posted,
checked, and only the report's id is kept in the session for a short while.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qingfeng.intake import querycode
from qingfeng.intake.models import ProblemCategory, Report
from qingfeng.intake.selectors import report_for_code
from qingfeng.portal import guard
from qingfeng.portal.forms import CodeForm, MessageForm, ReportForm, SupplementForm, apply_errors
from qingfeng.portal.selectors import public_status
from qingfeng.portal.services import clean_files, reporter_message, submit_report

SESSION_REPORT = "portal_report"
SESSION_UNTIL = "portal_until"
SESSION_SECONDS = 15 * 60
SUPPLEMENT_ID = "id_supplement_%s"
WRONG_CODE = "查询码不正确，请核对后重新输入"

# Plain-language explanations of the problem categories for the home page.
CATEGORY_HINTS = {
    ProblemCategory.POLITICAL: "如对抗组织审查、搞团团伙伙、在重大问题上与党中央唱反调等。",
    ProblemCategory.ORGANISATIONAL: "如违规选人用人、拉票贿选、不如实报告个人事项等。",
    ProblemCategory.INTEGRITY: "如吃拿卡要、收受礼品礼金、违规公款吃喝、违规经商办企业等。",
    ProblemCategory.MASSES: "如在惠民资金、低保评定中优亲厚友，侵害群众利益，对群众冷硬横推等。",
    ProblemCategory.WORK: "如形式主义、官僚主义，不作为、乱作为，违规干预插手工程项目等。",
    ProblemCategory.LIFE: "如生活奢靡、铺张浪费、违背社会公序良俗等。",
    ProblemCategory.EMBEZZLEMENT: "如贪污、受贿，侵占挪用低保、补贴、集体资金资产等。",
    ProblemCategory.ABUSE: "如超越职权、违规决定，或不负责任造成损失等。",
    ProblemCategory.OTHER: "不属于上述类别的其他违纪违法问题。",
}


def _too_many(request: HttpRequest, exc: guard.RateLimited) -> HttpResponse:
    return render(request, "portal/limited.html", {"message": exc.message}, status=429)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    categories = [
        (label, CATEGORY_HINTS[ProblemCategory(v)]) for v, label in ProblemCategory.choices
    ]
    return render(request, "portal/home.html", {"categories": categories})


def _render_form(request: HttpRequest, form: ReportForm, status: int = 200) -> HttpResponse:
    # Every rendering gets a fresh challenge and one-time token; the user's input stays.
    if form.is_bound:
        data = request.POST.copy()
        data["form_token"] = guard.new_form_token()
        data["altcha"] = ""
        form.data = data
    else:
        form.initial["form_token"] = guard.new_form_token()
    return render(
        request,
        "portal/report_form.html",
        {
            "form": form,
            "rows": form.subject_rows(),
            "challenge_json": json.dumps(guard.new_challenge()),
            "max_files": settings.PORTAL_MAX_FILES,
            "max_file_mb": f"{settings.PORTAL_MAX_FILE_BYTES / (1024 * 1024):g}",
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The report form; a valid submission answers with the receipt (the code, once)."""
    if request.method != "POST":
        return _render_form(request, ReportForm())
    form = ReportForm(request.POST)
    try:
        guard.check_rate(request, guard.SUBMIT)
    except guard.RateLimited as exc:
        return _too_many(request, exc)
    try:
        guard.check_solution(request.POST.get("altcha", ""))
        guard.use_form_token(request.POST.get("form_token", ""))
    except guard.ChallengeFailed as exc:
        guard.count(request, guard.SUBMIT)
        form.is_valid()
        form.add_error(None, exc.message)
        return _render_form(request, form, status=400)
    files = request.FILES.getlist("files")
    cleaned = []
    valid = form.is_valid()
    try:
        cleaned = clean_files(files)
    except ValidationError as exc:
        apply_errors(form, exc)
        valid = False
    if not valid:
        return _render_form(request, form, status=400)
    try:
        registered = submit_report(
            body=form.cleaned_data["body"], data=form.to_input(), files=cleaned
        )
    except ValidationError as exc:
        apply_errors(form, exc, form.service_field)
        return _render_form(request, form, status=400)
    guard.count(request, guard.SUBMIT)
    report = registered.report
    assert registered.query_code is not None
    return render(
        request,
        "portal/receipt.html",
        {
            "report": report,
            "code": querycode.grouped(registered.query_code),
            "files": len(cleaned),
        },
    )


# -- follow-up with the code --------------------------------------------------------------


def _session_report(request: HttpRequest) -> Report | None:
    pk = request.session.get(SESSION_REPORT)
    until = request.session.get(SESSION_UNTIL, 0)
    if not pk or until < time.time():
        _forget(request)
        return None
    return Report.objects.select_related("org").filter(pk=pk).first()


def _forget(request: HttpRequest) -> None:
    # Only the portal's keys: a staff user's own login in the same browser stays.
    request.session.pop(SESSION_REPORT, None)
    request.session.pop(SESSION_UNTIL, None)


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Enter the query code (POST only, never in a URL)."""
    if request.method != "POST":
        return render(request, "portal/lookup.html", {"form": CodeForm()})
    try:
        guard.check_rate(request, guard.CODE)
    except guard.RateLimited as exc:
        return _too_many(request, exc)
    report = report_for_code(str(request.POST.get("code", ""))[:40])
    if report is None:
        guard.count(request, guard.CODE)
        # One message for empty, malformed, wrong and forged codes alike; the code typed
        # is not echoed back into the page.
        form = CodeForm({"code": ""})
        form.is_valid()
        form.errors["code"] = form.error_class([WRONG_CODE])
        return render(request, "portal/lookup.html", {"form": form}, status=400)
    if request.session.session_key:
        request.session.cycle_key()
    request.session[SESSION_REPORT] = report.pk
    request.session[SESSION_UNTIL] = int(time.time()) + SESSION_SECONDS
    return redirect("portal:status")


def _status_page(
    request: HttpRequest, report: Report, status: int = 200, **forms: Any
) -> HttpResponse:
    context: dict[str, Any] = {
        "s": public_status(report),
        "message_form": forms.get("message_form") or MessageForm(),
        "supplement_form": forms.get("supplement_form") or SupplementForm(auto_id=SUPPLEMENT_ID),
        "session_minutes": SESSION_SECONDS // 60,
    }
    return render(request, "portal/status.html", context, status=status)


@never_cache
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    report = _session_report(request)
    if report is None:
        return redirect("portal:lookup")
    return _status_page(request, report)


@never_cache
@require_POST
def message(request: HttpRequest) -> HttpResponse:
    """A reporter's message, or "补充材料" with files (``supplement=1``)."""
    report = _session_report(request)
    if report is None:
        return redirect("portal:lookup")
    supplement = request.POST.get("supplement") == "1"
    form: MessageForm | SupplementForm = (
        SupplementForm(request.POST, auto_id=SUPPLEMENT_ID)
        if supplement
        else MessageForm(request.POST)
    )
    key = "supplement_form" if supplement else "message_form"
    try:
        guard.check_rate(request, guard.MESSAGE)
    except guard.RateLimited as exc:
        return _too_many(request, exc)
    if not form.is_valid():
        return _status_page(request, report, 400, **{key: form})
    try:
        reporter_message(
            report=report,
            body=form.cleaned_data["body"],
            files=request.FILES.getlist("files") if supplement else [],
            supplement=supplement,
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return _status_page(request, report, 400, **{key: form})
    guard.count(request, guard.MESSAGE)
    return redirect("portal:status")


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    """退出查询: forget the report in this browser."""
    _forget(request)
    return redirect("portal:home")
