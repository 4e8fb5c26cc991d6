"""Auditor pages: the log with its filter bar, one event, Excel export, chain check."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from qingfeng.audit.export import EXPORT_LIMIT, export_events
from qingfeng.audit.forms import EventFilterForm
from qingfeng.audit.models import AuditHead
from qingfeng.audit.presentation import change_rows, object_type_label, summarize_changes
from qingfeng.audit.selectors import (
    apply_filters,
    events_visible_to,
    get_event_for_user,
    is_auditor,
    keyset_page,
    sees_unscoped_events,
)
from qingfeng.audit.verify import verify_chain

# Above this many rows the page points to ``manage.py verify_audit`` instead.
ONLINE_VERIFY_LIMIT = 200_000
FILTER_KEYS = ("user", "org", "object_type", "object_id", "action", "date_from", "date_to")


def _require_auditor(user: Any) -> None:
    """Pages of this app answer 404 to anyone without ``audit.view`` (like out-of-scope)."""
    if not is_auditor(user):
        raise Http404


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _filter_querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    for key in list(params):
        if key not in FILTER_KEYS:
            del params[key]
    return params.urlencode()


@require_GET
@login_required
def events(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, within the auditor's scope."""
    _require_auditor(request.user)
    form = EventFilterForm(request.GET, user=request.user)
    page = None
    if form.is_valid():
        qs = apply_filters(events_visible_to(request.user), form.filters())
        page = keyset_page(
            qs, before=_int_param(request, "before"), after=_int_param(request, "after")
        )
        for event in page.events:
            event.type_label = object_type_label(event.object_type)  # type: ignore[attr-defined]
            event.summary = summarize_changes(event)  # type: ignore[attr-defined]
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": page,
            "querystring": _filter_querystring(request),
            "can_verify": sees_unscoped_events(request.user),
            "export_limit": EXPORT_LIMIT,
        },
    )


@require_GET
@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One event with its before/after table; 404 when out of scope."""
    _require_auditor(request.user)
    event = get_event_for_user(request.user, pk)
    return render(
        request,
        "audit/event.html",
        {
            "event": event,
            "type_label": object_type_label(event.object_type),
            "rows": change_rows(event),
        },
    )


@require_GET
@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The filtered rows as .xlsx (recorded as an export)."""
    _require_auditor(request.user)
    form = EventFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(
            request,
            "audit/events.html",
            {
                "form": form,
                "page": None,
                "querystring": _filter_querystring(request),
                "can_verify": sees_unscoped_events(request.user),
                "export_limit": EXPORT_LIMIT,
            },
            status=400,
        )
    return export_events(actor=request.user, filters=form.filters(), request=request)


@require_POST
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Run the chain check now. The chain spans every org, so only auditors of a root org
    (who see the whole log) may run it; others get 404."""
    if not sees_unscoped_events(request.user):
        raise Http404
    head = AuditHead.objects.filter(pk=1).first()
    size = head.seq if head is not None else 0
    result = verify_chain() if size <= ONLINE_VERIFY_LIMIT else None
    return render(
        request,
        "audit/verify.html",
        {"result": result, "size": size, "limit": ONLINE_VERIFY_LIMIT},
    )
