"""The least a list page can cost: a signed-in request that runs the list's selector.

``bench`` compares each list page with its own SQL run by hand. This measures what stands
between the two and cannot be taken out of a page written with Django: the middleware,
the session and the signed-in user, and the selector's statements built and run through
the ORM. The views below do only that and answer a fixed body — no filter bar, no
template, no table — so no page of the same list can be faster than they are.

They are served only while ``bench`` runs (``override_settings(ROOT_URLCONF=__name__)``);
no deployment routes to them.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from qingfeng.orgs.models import Org
from qingfeng.orgs.people_selectors import PersonFilters, person_list

BODY = "<!doctype html><title>清风</title>"


@login_required
def person_floor(request: HttpRequest) -> HttpResponse:
    """``person_list`` for the query string's org and name prefix, nothing rendered."""
    raw_org = request.GET.get("org", "")
    org = Org.objects.filter(pk=int(raw_org)).first() if raw_org.isdigit() else None
    person_list(request.user, PersonFilters(org=org, q=request.GET.get("q", "")))
    return HttpResponse(BODY)


@login_required
def report_floor(request: HttpRequest) -> HttpResponse:
    """``report_list`` for the query string's status and due filters, nothing rendered."""
    from qingfeng.intake.list_selectors import ReportFilters, report_list

    filters = ReportFilters(status=request.GET.get("status", ""), due=request.GET.get("due", ""))
    report_list(request.user, filters)
    return HttpResponse(BODY)


urlpatterns = [
    path("floor/persons/", person_floor),
    path("floor/reports/", report_floor),
]
