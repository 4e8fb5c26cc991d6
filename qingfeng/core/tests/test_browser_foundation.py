"""Browser walk of the foundation, as a township secretary would do it (headless Chromium)."""

from __future__ import annotations

import re

import pytest

from qingfeng.accounts.models import RoleGrant, User
from qingfeng.audit.models import Action, AuditEvent
from qingfeng.conftest_paths import ARTIFACTS
from qingfeng.core.testing import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#qf-login-submit")
    page.wait_for_url(re.compile(r".*/$"))


def test_township_secretary_sees_own_township_and_adds_informant(page, live_county):
    county = live_county
    sign_in(page, "dongba")
    assert "待办事项" in page.content()

    # The org tree shows this township's stations only.
    page.get_by_role("link", name="机构树").first.click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "东坝镇纪委" in body
    assert "西岭乡" not in body
    page.goto(f"/orgs/?org={county.township_a.pk}")
    body = page.locator("main").inner_text()
    assert "东坝镇李庄村联络站" in body and "东坝镇王屯村联络站" in body
    assert "石门村" not in body

    # Persons: only this township's.
    page.get_by_role("link", name="监察对象").first.click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "李建国" in body
    assert "石秀英" not in body

    # Another township's station is simply not there.
    resp = page.goto(f"/orgs/?org={county.station_b1.pk}")
    assert resp is not None and resp.status == 404

    # Add an informant for 李庄村 station.
    page.goto("/accounts/users/new/")
    page.fill("#id_username", "lizhuang_xxy")
    page.fill("#id_full_name", "李小梅")
    page.fill("#id_phone", "13800000001")
    page.select_option("#id_org", str(county.station_a1.pk))
    page.fill("#id_password", "Lizhuang-2026-xxy")
    page.fill("#id_password2", "Lizhuang-2026-xxy")
    page.select_option("#id_role", "informant")
    page.select_option("#id_grant_org", str(county.station_a1.pk))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "李小梅" in page.locator("main").inner_text()
    user = User.objects.get(username="lizhuang_xxy")
    grant = RoleGrant.objects.get(user=user)
    assert (grant.role_id, grant.org_id) == ("informant", county.station_a1.pk)
    assert AuditEvent.objects.filter(action=Action.GRANT, object_id=str(user.pk)).exists()
    page.screenshot(path=str(ARTIFACTS / "township-secretary-added-informant.png"), full_page=True)

    # Log out through the user menu.
    page.click("#qf-user-menu")
    page.click("#qf-logout")
    page.wait_for_url(re.compile(r".*/accounts/login/.*"))
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_phone_layout_has_menu_behind_a_button(page, live_county):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "xinxiyuan")
    sidebar = page.locator("#qf-sidebar")
    assert not sidebar.is_visible()
    page.click("button[aria-controls=qf-sidebar]")
    sidebar.get_by_role("link", name="首页").wait_for(state="visible")
    page.screenshot(path=str(ARTIFACTS / "phone-menu.png"))
