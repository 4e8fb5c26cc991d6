"""Sign-in: lockout, session expiry, TOTP enrolment and the second step, forced 2FA."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.middleware import SESSION_NEEDS_2FA_SETUP
from qingfeng.accounts.models import Role, User
from qingfeng.accounts.views import SESSION_PENDING_AT
from qingfeng.audit.models import Action, AuditEvent
from qingfeng.core.crypto import decrypt_text
from qingfeng.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login_post(client: Client, username: str, password: str, nxt: str = ""):
    return client.post(LOGIN, {"username": username, "password": password, "next": nxt})


def test_lockout_after_max_failures_is_audited_and_admin_unlocks(county, login):
    user = county.users["informant"]
    client = Client()
    for i in range(settings.LOGIN_MAX_FAILURES):
        response = _login_post(client, user.username, "wrong-password")
        assert response.status_code == 200, i
        assert "用户名或密码错误" in response.content.decode()
    user.refresh_from_db()
    assert user.is_locked
    # Locked even with the right password.
    response = _login_post(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert "账号已被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    events = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
    assert events.filter(action=Action.LOGIN_FAILED).count() == settings.LOGIN_MAX_FAILURES + 1
    assert events.filter(action=Action.LOCKOUT).count() == 1
    # The locked account shows in the admin's list and can be unlocked there.
    admin = login("sysadmin")
    table = admin.get(reverse("accounts:users"), {"status": "locked"}).content.decode()
    assert user.username in table.split('id="qf-users"')[1]
    assert admin.post(reverse("accounts:user_unlock", args=[user.pk])).status_code == 302
    user.refresh_from_db()
    assert not user.is_locked
    assert events.filter(action=Action.UPDATE, detail="解除账号锁定").exists()
    response = _login_post(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_unknown_username_is_audited_without_revealing(county):
    response = _login_post(Client(), "nobody", "whatever-123")
    assert "用户名或密码错误" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, actor_name="nobody").exists()


def test_session_expiry_settings_and_expired_session(county):
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    # Idle expiry: the session is pushed forward on activity, either on every request or
    # by the refresh middleware at most every SESSION_REFRESH_SECONDS.
    assert settings.SESSION_SAVE_EVERY_REQUEST or (
        "qingfeng.core.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE
        and settings.SESSION_REFRESH_SECONDS < settings.SESSION_COOKIE_AGE
    )
    client = Client()
    assert _login_post(client, "xinxiyuan", PASSWORD).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def _enrol(client: Client) -> pyotp.TOTP:
    totp, _code = _enrol_with_code(client)
    return totp


def _enrol_with_code(client: Client) -> tuple[pyotp.TOTP, str]:
    response = client.get(reverse("accounts:totp_setup"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'src="data:image/svg+xml' in body
    secret = response.context["secret_groups"].replace(" ", "")
    assert response.context["secret_groups"] in body  # the secret is shown as text too
    totp = pyotp.TOTP(secret)
    bad = client.post(reverse("accounts:totp_setup"), {"code": "000000"})
    if totp.now() != "000000":
        assert bad.status_code == 200 and "code" in bad.context["form"].errors
    code = totp.now()
    response = client.post(reverse("accounts:totp_setup"), {"code": code})
    assert response.status_code == 302
    return totp, code


def _next_code(totp: pyotp.TOTP, steps: int = 1) -> str:
    return totp.at(timezone.now() + dt.timedelta(seconds=30 * steps))


def test_totp_full_flow(county, login):
    user = county.users["township_secretary"]
    client = login("township_secretary")
    totp, enrol_code = _enrol_with_code(client)
    user.refresh_from_db()
    assert user.totp_enabled
    assert user.totp_secret.startswith("v1:") and totp.secret not in user.totp_secret
    assert decrypt_text(user.totp_secret, context="user.totp") == totp.secret
    assert AuditEvent.objects.filter(detail="启用双因素认证", actor=user).exists()

    fresh = Client()
    response = _login_post(fresh, user.username, PASSWORD, nxt="/accounts/users/")
    assert response["Location"] == reverse("accounts:totp_verify")
    assert "_auth_user_id" not in fresh.session  # not signed in before the second step
    assert fresh.get(reverse("accounts:profile")).status_code == 302
    # The code used to enrol cannot be replayed.
    response = fresh.post(reverse("accounts:totp_verify"), {"code": enrol_code})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    response = fresh.post(reverse("accounts:totp_verify"), {"code": _next_code(totp)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/users/"
    assert fresh.get(reverse("accounts:profile")).status_code == 200
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=user).exists()

    # An administrator resets it; the user then signs in with the password alone.
    assert login("sysadmin").post(reverse("accounts:user_2fa_reset", args=[user.pk])).status_code
    user.refresh_from_db()
    assert not user.totp_enabled and user.totp_secret == ""
    assert _login_post(Client(), user.username, PASSWORD)["Location"] == "/"


def test_wrong_totp_codes_count_towards_lockout(county, login):
    user = county.users["township_secretary"]
    totp = _enrol(login("township_secretary"))
    client = Client()
    _login_post(client, user.username, PASSWORD)
    wrong = "123456" if _next_code(totp) != "123456" else "654321"
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        response = client.post(reverse("accounts:totp_verify"), {"code": wrong})
        assert response.status_code == 200
    response = client.post(reverse("accounts:totp_verify"), {"code": wrong}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "账号已被锁定" in response.content.decode()
    user.refresh_from_db()
    assert user.is_locked
    events = AuditEvent.objects.filter(object_id=str(user.pk), object_type="accounts.user")
    assert events.filter(action=Action.LOGIN_FAILED, detail__startswith="双因素验证码错误").count()
    assert events.filter(action=Action.LOCKOUT).exists()
    # The pending step is gone: even a right code does not sign in now.
    client.post(reverse("accounts:totp_verify"), {"code": _next_code(totp, 1)})
    assert "_auth_user_id" not in client.session


def test_pending_second_step_expires(county, login):
    user = county.users["township_secretary"]
    totp = _enrol(login("township_secretary"))
    client = Client()
    _login_post(client, user.username, PASSWORD)
    session = client.session
    session[SESSION_PENDING_AT] = int(timezone.now().timestamp()) - 3600
    session.save()
    response = client.post(reverse("accounts:totp_verify"), {"code": _next_code(totp)})
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_role_requiring_2fa_forces_enrolment(county):
    Role.objects.filter(code="informant").update(requires_2fa=True)
    client = Client()
    assert _login_post(client, "xinxiyuan", PASSWORD)["Location"] == "/"
    assert client.session[SESSION_NEEDS_2FA_SETUP] is True
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:totp_setup")
    assert client.get(reverse("accounts:profile"))["Location"] == reverse("accounts:totp_setup")
    api = client.get("/api/me")
    assert api.status_code == 403 and api.json()["detail"] == "请先启用双因素认证"
    setup = client.get(reverse("accounts:totp_setup"))
    assert setup.context["forced"] is True
    totp = pyotp.TOTP(setup.context["secret_groups"].replace(" ", ""))
    response = client.post(reverse("accounts:totp_setup"), {"code": totp.now()})
    assert response["Location"] == reverse("core:home")
    assert SESSION_NEEDS_2FA_SETUP not in client.session
    assert client.get("/").status_code == 200
    # Once the role requires it, the user cannot switch it off themselves.
    response = client.post(reverse("accounts:profile_2fa_disable"), {"password": PASSWORD})
    assert "不能停用" in response.content.decode()
    assert User.objects.get(username="xinxiyuan").totp_enabled


def test_self_disable_needs_password(county, login):
    client = login("county_leader")
    _enrol(client)
    response = client.post(reverse("accounts:profile_2fa_disable"), {"password": "nope"})
    assert "密码不正确" in response.content.decode()
    assert User.objects.get(username="leader").totp_enabled
    response = client.post(reverse("accounts:profile_2fa_disable"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.get(username="leader").totp_enabled


def test_admin_cannot_reset_2fa_out_of_scope(county, login):
    client = login("other_officer")
    _enrol(client)
    target = county.users["other_officer"]
    response = login("township_secretary").post(
        reverse("accounts:user_2fa_reset", args=[target.pk])
    )
    assert response.status_code == 404
    assert User.objects.get(pk=target.pk).totp_enabled
