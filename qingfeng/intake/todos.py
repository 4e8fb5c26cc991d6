"""Home-page to-dos of the reports module (registered with ``qingfeng.core.todos``).

Counts are of reports (not clocks: one report may run two clocks) whose open clock binds a
body in the user's ``report.handle`` scope (DOMAIN.md §2 clocks; DESIGN.md §3 scope).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap, scoped
from qingfeng.core.todos import Todo
from qingfeng.intake.list_selectors import DUE_OVERDUE, DUE_SOON, due_soon_until, holder_org_ids
from qingfeng.intake.models import Clock, Status
from qingfeng.intake.selectors import reports_visible_to


def _open_clocks(user: Any) -> QuerySet[Clock]:
    return scoped(Clock.objects.filter(met_at=None), user, Cap.REPORT_HANDLE)


def due_soon_count(user: Any) -> int:
    """Reports with an open clock due today or within 3 working days (not yet overdue)."""
    today = timezone.localdate()
    qs = _open_clocks(user).filter(due_on__gte=today, due_on__lte=due_soon_until(today))
    return qs.values("report_id").distinct().count()


def overdue_count(user: Any) -> int:
    """Reports with an open clock whose deadline has passed."""
    qs = _open_clocks(user).filter(due_on__lt=timezone.localdate())
    return qs.values("report_id").distinct().count()


def registered_count(user: Any) -> int:
    """Reports waiting to be handled (status 待办理) that the user may act on."""
    holders, _wide = holder_org_ids(user, cap=Cap.REPORT_HANDLE)
    # ``org_id IN (bodies)`` lets the (org, status, …) index answer (see holder_org_ids).
    return (
        reports_visible_to(user, Cap.REPORT_HANDLE)
        .filter(org_id__in=holders, status=Status.REGISTERED)
        .count()
    )


def report_todos(user: Any) -> list[Todo]:
    """The provider for the home page: overdue, due soon and waiting reports."""
    if not has_cap(user, Cap.REPORT_HANDLE):
        return []
    url = reverse("intake:list")
    return [
        Todo("信访件已超期", overdue_count(user), f"{url}?due={DUE_OVERDUE}", "danger"),
        Todo("信访件即将到期（3个工作日内）", due_soon_count(user), f"{url}?due={DUE_SOON}"),
        Todo("待办理信访件", registered_count(user), f"{url}?status={Status.REGISTERED}", "info"),
    ]
