"""The notice inbox: my notices, unread first; mark one or all read (POST)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from qingfeng.reminders.selectors import notices_for, unread_count
from qingfeng.reminders.services import mark_all_read, mark_read

PAGE_SIZE = 20


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's own notices (nobody sees another's), 20 a page."""
    page_obj = Paginator(notices_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reminders/inbox.html", {"page_obj": page_obj, "querystring": ""})


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read, then follow its link if asked (``?go=1``); 404 if not mine."""
    if not mark_read(user=request.user, notice_id=pk):
        raise Http404
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("reminders:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    n = mark_all_read(user=request.user)
    messages.success(request, f"已将 {n} 条提醒标为已读。" if n else "没有未读提醒。")
    return redirect("reminders:inbox")


@login_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The unread count beside the bell in the top bar, fetched after the page loads so
    that no page pays for it in its own queries."""
    count = unread_count(request.user)
    return HttpResponse(
        f'<span class="badge text-bg-warning">{count}</span>' if count else "",
        content_type="text/html; charset=utf-8",
    )
