"""Creating users and granting roles: within scope, never more than the granter holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qingfeng.accounts import services
from qingfeng.accounts.models import RoleGrant, User
from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import orgs_with
from qingfeng.audit.models import Action, AuditEvent
from qingfeng.core.testing import SmallCounty, make_user

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Lizhuang-2026-xy"


def _form(county: SmallCounty, **overrides: Any) -> dict[str, Any]:
    data = {
        "username": "lizhuang_xxy",
        "full_name": "李小燕",
        "phone": "13912345678",
        "org": county.station_a1.pk,
        "password": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "role": "informant",
        "grant_org": county.station_a1.pk,
    }
    data.update(overrides)
    return data


def _counts() -> tuple[int, int, int]:
    return User.objects.count(), RoleGrant.objects.count(), AuditEvent.objects.count()


def test_secretary_creates_informant_at_station(county, login):
    response = login("township_secretary").post(reverse("accounts:user_create"), _form(county))
    user = User.objects.get(username="lizhuang_xxy")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    grant = user.grants.get()
    assert (grant.role_id, grant.org_id, grant.include_subtree) == (
        "informant",
        county.station_a1.pk,
        False,
    )
    assert grant.granted_by == county.users["township_secretary"]
    assert user.check_password(GOOD_PASSWORD)
    actions = set(
        AuditEvent.objects.filter(actor=county.users["township_secretary"]).values_list(
            "action", flat=True
        )
    )
    assert {Action.CREATE, Action.GRANT} <= actions


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": "sysadmin"}, "role"),
        ({"role": "county_leader"}, "role"),
        ({"role": "auditor"}, "role"),
        ({"grant_org": "TB"}, "grant_org"),
        ({"grant_org": "COUNTY"}, "grant_org"),
        ({"org": "TB"}, "org"),
        ({"password": "12345678901", "password2": "12345678901"}, "password"),
        ({"password": "short", "password2": "short"}, "password"),
        ({"password2": "different-Pass-1"}, "password2"),
        ({"phone": "555"}, "phone"),
        ({"username": "dongba"}, "username"),
        ({"username": "bad name!"}, "username"),
    ],
)
def test_secretary_refused_with_field_named_and_nothing_written(county, login, overrides, field):
    org_alias = {"TB": county.township_b.pk, "COUNTY": county.county.pk}
    overrides = {k: org_alias.get(v, v) for k, v in overrides.items()}
    before = _counts()
    response = login("township_secretary").post(
        reverse("accounts:user_create"), _form(county, **overrides)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert _counts() == before
    body = response.content.decode()
    assert 'value="李小燕"' in body  # the user's input stays on the form
    assert form[field].label in body


def test_password_messages_are_chinese(county, login):
    response = login("township_secretary").post(
        reverse("accounts:user_create"), _form(county, password="123", password2="123")
    )
    errors = " ".join(response.context["form"].errors["password"])
    assert "密码太短，至少需要 10 个字符" in errors
    assert "不能全部是数字" in errors
    assert "This password" not in errors


def test_service_refuses_grants_beyond_granter(county):
    secretary = county.users["township_secretary"]
    base = {
        "actor": secretary,
        "username": "x1",
        "full_name": "某甲",
        "phone": "",
        "org": county.station_a1,
        "password": GOOD_PASSWORD,
        "include_subtree": False,
    }
    cases = [
        ({"role": "sysadmin", "grant_org": county.station_a1}, "role"),
        ({"role": "county_leader", "grant_org": county.township_a}, "role"),
        ({"role": "informant", "grant_org": county.township_b}, "grant_org"),
        ({"role": "informant", "grant_org": county.county}, "grant_org"),
        ({"role": "informant", "grant_org": None}, "grant_org"),
        ({"role": "no_such_role", "grant_org": county.station_a1}, "role"),
    ]
    before = _counts()
    for extra, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.user_create(**base, **extra)
        assert field in exc.value.message_dict, (extra, exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            **{**base, "org": county.township_b}, role="informant", grant_org=county.station_a1
        )
    assert "org" in exc.value.message_dict
    assert _counts() == before


def test_node_only_holder_cannot_grant_subtree(county):
    """A granter holding user.manage on a node alone cannot grant that node's subtree."""
    boss = make_user("boss", "某书记", county.township_a, "township_secretary", subtree=False)
    target = make_user("ta_user", "某丁", county.township_a, "township_officer", subtree=False)
    with pytest.raises(ValidationError) as exc:
        services.grant_role(
            actor=boss,
            user=target,
            role="township_officer",
            org=county.township_a,
            include_subtree=True,
        )
    assert "include_subtree" in exc.value.message_dict
    # station_a1 lies under township_a, but a node-only grant does not reach it.
    with pytest.raises(ValidationError):
        services.grant_role(
            actor=boss,
            user=target,
            role="informant",
            org=county.station_a1,
            include_subtree=False,
        )


def test_grant_and_revoke_are_audited_and_bounded(county):
    secretary = county.users["township_secretary"]
    target = county.users["informant"]
    grant = services.grant_role(
        actor=secretary,
        user=target,
        role="station_head",
        org=county.station_a1,
        include_subtree=True,
    )
    granted = AuditEvent.objects.get(action=Action.GRANT, object_id=str(target.pk))
    assert granted.changes["grant_id"] == grant.pk and granted.actor == secretary
    with pytest.raises(ValidationError):  # same role on same org twice
        services.grant_role(
            actor=secretary,
            user=target,
            role="station_head",
            org=county.station_a1,
            include_subtree=False,
        )
    grant_pk = grant.pk
    services.revoke_grant(actor=secretary, grant=grant)
    revoked = AuditEvent.objects.get(action=Action.REVOKE, object_id=str(target.pk))
    assert revoked.changes["role"] == "station_head" and revoked.changes["grant_id"] == grant_pk
    assert not RoleGrant.objects.filter(pk=grant_pk).exists()
    # A grant made by the county on township_a's subtree is beyond the secretary.
    county_grant = RoleGrant.objects.create(
        user=target, role_id="township_officer", org=county.county, include_subtree=True
    )
    with pytest.raises(ValidationError):
        services.revoke_grant(actor=secretary, grant=county_grant)
    assert RoleGrant.objects.filter(pk=county_grant.pk).exists()


def test_grant_to_user_outside_scope_is_refused(county):
    with pytest.raises(ValidationError) as exc:
        services.grant_role(
            actor=county.users["township_secretary"],
            user=county.users["other_officer"],
            role="informant",
            org=county.station_a1,
            include_subtree=False,
        )
    assert "user" in exc.value.message_dict


def test_cannot_revoke_own_last_sysadmin_grant(county):
    admin = county.users["sysadmin"]
    grant = admin.grants.get(role_id="sysadmin")
    with pytest.raises(ValidationError, match="最后一个系统管理员"):
        services.revoke_grant(actor=admin, grant=grant)
    second = RoleGrant.objects.create(
        user=admin, role_id="sysadmin", org=county.township_a, include_subtree=True
    )
    services.revoke_grant(actor=admin, grant=second)
    assert admin.grants.filter(role_id="sysadmin").count() == 1


def test_granted_scope_never_exceeds_granter(county):
    secretary = county.users["township_secretary"]
    user = services.user_create(
        actor=secretary,
        username="officer_a",
        full_name="某乙",
        phone="",
        org=county.township_a,
        password=GOOD_PASSWORD,
        role="township_officer",
        grant_org=county.township_a,
        include_subtree=True,
    )
    for cap in Cap:
        mine = set(orgs_with(secretary, cap).values_list("pk", flat=True))
        theirs = set(orgs_with(user, cap).values_list("pk", flat=True))
        assert theirs <= mine, cap


def test_self_deactivation_refused(county):
    admin = county.users["sysadmin"]
    with pytest.raises(ValidationError) as exc:
        services.user_update(
            actor=admin,
            user=admin,
            full_name=admin.full_name,
            phone="",
            org=admin.org,
            is_active=False,
        )
    assert "is_active" in exc.value.message_dict


def test_passwords_are_argon2(county, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = services.user_create(
        actor=county.users["sysadmin"],
        username="argon",
        full_name="某丙",
        phone="",
        org=county.county,
        password=GOOD_PASSWORD,
        role="petition_officer",
        grant_org=county.county,
        include_subtree=True,
    )
    assert user.password.startswith("argon2$")


def test_password_change_and_reset(county, login):
    user = county.users["informant"]
    client = login("informant")
    response = client.post(
        reverse("accounts:profile_password"),
        {"old_password": "wrong", "new_password": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert "原密码不正确" in response.content.decode()
    response = client.post(
        reverse("accounts:profile_password"),
        {
            "old_password": "Qingfeng-test-2026",
            "new_password": GOOD_PASSWORD,
            "new_password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    # Still signed in: the session hash was updated.
    assert client.get(reverse("accounts:profile")).status_code == 200
