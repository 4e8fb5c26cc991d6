"""Home-page to-dos of leads: overdue and soon-due clocks, and leads waiting for disposal.

Counts are of leads whose open clock binds a body in the user's ``lead.handle`` scope, and of
leads the user may act on that wait for a 处置呈批 (DOMAIN.md §3; DESIGN.md §3 scope).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap
from qingfeng.cases.models import LeadClock, LeadStatus
from qingfeng.cases.selectors import leads_visible_to
from qingfeng.core.todos import Todo
from qingfeng.workdays.clock import WorkCalendar

SOON_WORKING_DAYS = 3


def _open_clocks(user: Any) -> Any:
    leads = leads_visible_to(user, Cap.LEAD_HANDLE).values("pk")
    return LeadClock.objects.filter(met_at=None, lead__in=leads)


def lead_todos(user: Any) -> list[Todo]:
    if not has_cap(user, Cap.LEAD_HANDLE):
        return []
    today = timezone.localdate()
    soon = WorkCalendar().add_working_days(today, SOON_WORKING_DAYS).date
    clocks = _open_clocks(user)
    overdue = clocks.filter(due_on__lt=today).values("lead_id").distinct().count()
    due_soon = (
        clocks.filter(due_on__gte=today, due_on__lte=soon).values("lead_id").distinct().count()
    )
    pending = leads_visible_to(user, Cap.LEAD_HANDLE).filter(status=LeadStatus.PENDING).count()
    url = reverse("cases:list")
    return [
        Todo("问题线索办理已超期", overdue, f"{url}?due=overdue", "danger"),
        Todo("问题线索即将到期（3个工作日内）", due_soon, f"{url}?due=soon"),
        Todo("待处置问题线索", pending, f"{url}?status={LeadStatus.PENDING}", "info"),
    ]
