"""Browser walk of the org tree: lazy expansion with htmx, as a county leader would."""

from __future__ import annotations

import re
from typing import Any

import pytest

from qingfeng.core.testing import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#qf-login-submit")
    page.wait_for_url(re.compile(r".*/$"))


def test_county_leader_expands_the_tree(page: Any, live_county: Any) -> None:
    county = live_county
    sign_in(page, "leader")
    page.get_by_role("link", name="清河县纪委监委").first.click()  # home: scope root
    page.wait_for_load_state()
    tree = page.locator("#qf-org-tree")
    assert "东坝镇纪委" in tree.inner_text()
    assert "李庄村联络站" not in tree.inner_text()  # one level deeper: not loaded yet

    # Open 东坝镇: its stations arrive through htmx.
    node = tree.locator(f"a[data-org='{county.township_a.pk}']").locator("..")
    node.locator("> .qf-org-toggle").click()
    station = tree.get_by_role("link", name="东坝镇李庄村联络站")
    station.wait_for()
    assert station.is_visible()
    # Close it again; open once more: no second request is needed.
    node.locator("> .qf-org-toggle").click()
    assert not station.is_visible()
    node.locator("> .qf-org-toggle").click()
    assert station.is_visible()

    station.click()
    page.wait_for_load_state()
    assert page.locator("#qf-org-name").inner_text().startswith("东坝镇李庄村联络站")
    assert "李庄村民委员会" in page.locator("#qf-org-units").inner_text()
