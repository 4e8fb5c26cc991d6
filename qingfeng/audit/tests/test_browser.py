"""Browser walk of the audit log as an auditor: filter, open an event, verify the chain."""

from __future__ import annotations

import re
from typing import Any

import pytest

from qingfeng.audit.models import Action
from qingfeng.audit.services import record
from qingfeng.core.testing import PASSWORD

pytestmark = pytest.mark.browser


def test_auditor_filters_opens_and_verifies(page: Any, live_county: Any) -> None:
    county = live_county
    record(
        action=Action.UPDATE,
        actor=county.users["township_secretary"],
        obj=county.person_a,
        changes={"post": ["村党支部书记", "村委会主任"]},
        detail="调整职务",
    )
    page.goto("/accounts/login/")
    page.fill("#id_username", "shenji")
    page.fill("#id_password", PASSWORD)
    page.click("#qf-login-submit")
    page.wait_for_url(re.compile(r".*/$"))

    page.get_by_role("link", name="审计日志").click()
    page.wait_for_url(re.compile(r".*/audit/$"))
    table = page.locator("#qf-audit-table")
    assert "登录" in table.inner_text()  # this sign-in, just recorded
    assert "调整职务" in table.inner_text()

    page.select_option("#id_action", "update")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r".*action=update.*"))
    assert "登录" not in table.inner_text()
    table.locator("tbody a").first.click()
    changes = page.locator("#qf-audit-changes")
    changes.wait_for()
    assert "村党支部书记" in changes.inner_text() and "村委会主任" in changes.inner_text()

    page.get_by_role("link", name="返回列表").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#qf-audit-verify")
    result = page.locator("#qf-verify-result")
    result.wait_for()
    assert "审计日志链校验通过" in result.inner_text()
