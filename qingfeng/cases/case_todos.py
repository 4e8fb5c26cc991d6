"""Home-page to-dos of cases: overdue and soon-due clocks ("即将超期", DOMAIN.md §4).

Counts are of cases whose open clock binds a body in the user's ``case.handle`` (or, for the
审理 clock, ``case.review``) scope — one query each over the partial index
``case_clock_open_due``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap
from qingfeng.cases.case_list_selectors import (
    DUE_OVERDUE,
    DUE_SOON,
    SOON_WORKING_DAYS,
    case_holders,
    soon_until,
)
from qingfeng.cases.case_selectors import cases_visible_to
from qingfeng.cases.models import CaseClock
from qingfeng.core.todos import Todo


def open_case_clocks(user: Any) -> Any:
    """Open clocks of the cases the user handles or reviews.

    A clock binds the body holding its case (``CaseClock.org``), so unless the scope is
    wide the clocks are first cut to the bodies that may hold such a case
    (``case_holders``) on the partial open-clock index, then tested exactly: the scope
    test alone read every open clock of the province (a township's home page: 270 ms).
    """
    handle = cases_visible_to(user, Cap.CASE_HANDLE).values("pk")
    review = cases_visible_to(user, Cap.CASE_REVIEW).values("pk")
    clocks = CaseClock.objects.filter(met_at=None)
    holders, wide = case_holders(user)
    if not wide:
        clocks = clocks.filter(org_id__in=holders)
    return clocks.filter(Q(case__in=handle) | Q(case__in=review))


def case_todos(user: Any) -> list[Todo]:
    if not (has_cap(user, Cap.CASE_HANDLE) or has_cap(user, Cap.CASE_REVIEW)):
        return []
    today = timezone.localdate()
    soon = soon_until(today)
    clocks = open_case_clocks(user)
    overdue = clocks.filter(due_on__lt=today).values("case_id").distinct().count()
    due_soon = (
        clocks.filter(due_on__gte=today, due_on__lte=soon).values("case_id").distinct().count()
    )
    url = reverse("case_files:list")
    return [
        Todo("案件办理已超期", overdue, f"{url}?due={DUE_OVERDUE}", "danger"),
        Todo(f"案件即将超期（{SOON_WORKING_DAYS}个工作日内）", due_soon, f"{url}?due={DUE_SOON}"),
    ]
