"""Home-page to-do of approvals: the 呈批 waiting for this user's signature."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from qingfeng.approvals.selectors import waiting_count
from qingfeng.core.todos import Todo


def approval_todos(user: Any) -> list[Todo]:
    return [Todo("待我审批的呈批", waiting_count(user), reverse("approvals:inbox"), "danger")]
