"""Home-page to-dos of the orgs module."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap
from qingfeng.core.todos import Todo
from qingfeng.orgs.selectors import staffing_table


def staffing_gaps(user: Any) -> list[Todo]:
    """Vacant posts (缺配) in the township and station posts the user staffs."""
    if not has_cap(user, Cap.STAFFING_MANAGE):
        return []
    _rows, total = staffing_table(user)
    return [Todo("人员配备缺配（人）", total.vacant, reverse("orgs:staffing"), "warning")]
