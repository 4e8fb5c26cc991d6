"""Browser walk of the accounts module (headless Chromium): a secretary binds an
authenticator, signs in with it, and unlocks a locked informant."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from django.conf import settings
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.conftest_paths import ARTIFACTS
from qingfeng.core.testing import PASSWORD

pytestmark = pytest.mark.browser


def _password_step(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#qf-login-submit")
    page.wait_for_load_state()


def test_secretary_enrols_2fa_signs_in_and_unlocks(page, live_county):
    _password_step(page, "dongba")
    page.goto("/accounts/profile/")
    page.click("#qf-2fa-enable")
    page.wait_for_url(re.compile(r".*/accounts/2fa/setup/$"))
    assert page.locator("#qf-totp-qr").get_attribute("src").startswith("data:image/svg+xml")
    totp = pyotp.TOTP(page.locator("#qf-totp-secret").inner_text().replace(" ", ""))
    page.fill("#id_code", totp.now())
    page.click("#qf-totp-confirm")
    page.wait_for_url(re.compile(r".*/accounts/profile/$"))
    assert "已启用" in page.locator("#qf-profile-2fa").inner_text()
    page.screenshot(path=str(ARTIFACTS / "accounts-2fa-enabled.png"), full_page=True)

    page.click("#qf-user-menu")
    page.click("#qf-logout")
    page.wait_for_url(re.compile(r".*/accounts/login/.*"))
    _password_step(page, "dongba")
    assert page.url.endswith("/accounts/2fa/verify/")
    page.fill("#id_code", totp.at(timezone.now() + dt.timedelta(seconds=30)))
    page.click("#qf-totp-submit")
    page.wait_for_url(re.compile(r".*/$"))
    assert "待办事项" in page.content()

    # An informant locked by wrong passwords appears as a to-do and is unlocked.
    informant = live_county.users["informant"]
    User.objects.filter(pk=informant.pk).update(
        locked_until=timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    )
    page.goto("/")
    page.get_by_role("link", name="被锁定的账号待处理").click()
    page.wait_for_load_state()
    page.get_by_role("link", name=informant.username).click()
    page.click("#qf-unlock")
    page.wait_for_load_state()
    assert "已解除账号锁定" in page.content()
    assert not User.objects.get(pk=informant.pk).is_locked
