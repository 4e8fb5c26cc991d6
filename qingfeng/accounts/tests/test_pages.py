"""Persona × scope over every accounts page (STYLE.md "Tests")."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qingfeng.accounts.models import RoleGrant, User
from qingfeng.core.testing import PERSONAS, make_user

pytestmark = pytest.mark.django_db

USER_VIEWERS = {"sysadmin", "county_leader", "township_secretary", "auditor"}
USER_MANAGERS = {"sysadmin", "township_secretary"}


def _status(client: Client, url: str) -> int:
    return client.get(url).status_code


def test_users_list_by_persona(county, login):
    url = reverse("accounts:users")
    for persona in PERSONAS:
        expected = 200 if persona in USER_VIEWERS else 403
        assert _status(login(persona), url) == expected, persona


def test_users_list_shows_only_scope(county, login):
    body = login("township_secretary").get(reverse("accounts:users")).content.decode()
    assert "xinxiyuan" in body  # informant of station_a1
    assert "dongba" in body
    assert "xiling" not in body  # township_b
    assert "admin" not in body.split('id="qf-users"')[1]  # county users not listed
    county_body = login("county_leader").get(reverse("accounts:users")).content.decode()
    assert "xiling" in county_body and "xinxiyuan" in county_body


def test_users_list_filters(county, login):
    client = login("sysadmin")
    url = reverse("accounts:users")
    body = client.get(url, {"org": county.township_a.pk}).content.decode()
    assert "xinxiyuan" in body and "xiling" not in body
    body = client.get(url, {"role": "informant"}).content.decode()
    table = body.split('id="qf-users"')[1]
    assert "xinxiyuan" in table and "dongba" not in table
    body = client.get(url, {"q": "周干"}).content.decode()
    table = body.split('id="qf-users"')[1]
    assert "xiling" in table and "dongba" not in table
    user = county.users["other_officer"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    table = client.get(url, {"status": "disabled"}).content.decode().split('id="qf-users"')[1]
    assert "xiling" in table and "dongba" not in table
    table = client.get(url, {"status": "active"}).content.decode().split('id="qf-users"')[1]
    assert "xiling" not in table and "dongba" in table


def test_users_list_org_filter_outside_scope_is_rejected(county, login):
    response = login("township_secretary").get(
        reverse("accounts:users"), {"org": county.township_b.pk}
    )
    assert response.status_code == 200
    assert "xiling" not in response.content.decode().split('id="qf-users"')[1]


def test_users_list_query_count(county, login, django_assert_max_num_queries):
    for i in range(30):
        make_user(f"bulk{i}", f"批量{i}", county.station_a1, "informant", subtree=False)
    client = login("sysadmin")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:users"))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        client.get(reverse("accounts:users"), {"role": "informant", "page": 2})


def test_user_detail_by_persona(county, login):
    target = county.users["informant"]  # home station_a1 (township_a)
    url = reverse("accounts:user_detail", args=[target.pk])
    for persona in PERSONAS:
        expected = 200 if persona in USER_VIEWERS else 404
        assert _status(login(persona), url) == expected, persona
    missing = reverse("accounts:user_detail", args=[999999])
    assert _status(login("sysadmin"), missing) == 404


def test_other_township_user_is_404_for_secretary(county, login):
    url = reverse("accounts:user_detail", args=[county.users["other_officer"].pk])
    assert _status(login("township_secretary"), url) == 404
    assert _status(login("sysadmin"), url) == 200


def test_user_create_page_by_persona(county, login):
    url = reverse("accounts:user_create")
    for persona in PERSONAS:
        expected = 200 if persona in USER_MANAGERS else 403
        assert _status(login(persona), url) == expected, persona


def test_roles_page_by_persona(county, login):
    url = reverse("accounts:roles")
    for persona in PERSONAS:
        expected = 200 if persona == "sysadmin" else 403
        assert _status(login(persona), url) == expected, persona
    body = login("sysadmin").get(url).content.decode()
    assert "管理用户与授权" in body and "信息员" in body


def test_own_pages_for_every_persona(county, login):
    for persona in PERSONAS:
        client = login(persona)
        assert _status(client, reverse("accounts:profile")) == 200, persona
        assert _status(client, reverse("accounts:totp_setup")) == 200, persona


def test_anonymous_is_sent_to_login(county):
    client = Client()
    pk = county.users["informant"].pk
    urls = [
        reverse("accounts:users"),
        reverse("accounts:user_create"),
        reverse("accounts:user_detail", args=[pk]),
        reverse("accounts:roles"),
        reverse("accounts:profile"),
        reverse("accounts:totp_setup"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    posts = [
        reverse("accounts:grant_add", args=[pk]),
        reverse("accounts:user_unlock", args=[pk]),
        reverse("accounts:user_password", args=[pk]),
        reverse("accounts:user_toggle_active", args=[pk]),
    ]
    for url in posts:
        assert client.post(url).status_code == 302, url
    # The second sign-in step without a pending password step goes back to the login page.
    assert client.get(reverse("accounts:totp_verify"))["Location"] == reverse("accounts:login")


def _write_posts(target: User, grant: RoleGrant) -> list[tuple[str, dict[str, str]]]:
    pk = target.pk
    return [
        (reverse("accounts:user_unlock", args=[pk]), {}),
        (reverse("accounts:user_2fa_reset", args=[pk]), {}),
        (reverse("accounts:user_toggle_active", args=[pk]), {}),
        (
            reverse("accounts:user_password", args=[pk]),
            {"new_password": "Another-pass-77", "new_password2": "Another-pass-77"},
        ),
        (
            reverse("accounts:user_edit", args=[pk]),
            {"full_name": "改名", "phone": "", "org": str(target.org_id), "is_active": "on"},
        ),
        (
            reverse("accounts:grant_add", args=[pk]),
            {"role": "informant", "grant_org": str(target.org_id)},
        ),
        (reverse("accounts:grant_revoke", args=[pk, grant.pk]), {}),
    ]


def test_write_actions_out_of_scope_are_404_and_change_nothing(county, login):
    target = county.users["informant"]
    grant = target.grants.get()
    before = (target.full_name, target.is_active, target.password, RoleGrant.objects.count())
    for persona in ("other_officer", "county_leader", "petition_officer", "auditor", "informant"):
        client = login(persona)
        for url, data in _write_posts(target, grant):
            assert client.post(url, data).status_code == 404, (persona, url)
    target.refresh_from_db()
    after = (target.full_name, target.is_active, target.password, RoleGrant.objects.count())
    assert after == before


def test_write_actions_in_scope(county, login):
    target = county.users["informant"]
    client = login("township_secretary")
    response = client.post(
        reverse("accounts:user_edit", args=[target.pk]),
        {
            "full_name": "吴新名",
            "phone": "13800000000",
            "org": county.station_a2.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.full_name, target.phone, target.org_id) == (
        "吴新名",
        "13800000000",
        county.station_a2.pk,
    )
    response = client.post(
        reverse("accounts:grant_add", args=[target.pk]),
        {"role": "station_head", "grant_org": county.station_a2.pk},
    )
    assert response.status_code == 302
    grant = target.grants.get(role_id="station_head")
    assert grant.include_subtree is False  # checkbox left unticked
    response = client.post(reverse("accounts:grant_revoke", args=[target.pk, grant.pk]))
    assert response.status_code == 302
    assert not target.grants.filter(role_id="station_head").exists()
    response = client.post(reverse("accounts:user_toggle_active", args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active is False
    response = client.post(
        reverse("accounts:user_password", args=[target.pk]),
        {"new_password": "Another-pass-77", "new_password2": "Another-pass-77"},
    )
    target.refresh_from_db()
    assert target.check_password("Another-pass-77")


def test_edit_bad_input_keeps_input_and_names_field(county, login):
    target = county.users["informant"]
    response = login("township_secretary").post(
        reverse("accounts:user_edit", args=[target.pk]),
        {"full_name": "吴某", "phone": "12345", "org": county.station_a1.pk, "is_active": "on"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "手机号：手机号应为 11 位数字" in body
    assert 'value="12345"' in body and 'value="吴某"' in body
    target.refresh_from_db()
    assert target.phone == "" and target.full_name == "吴信息员"


def test_secretary_cannot_touch_account_holding_more(county, login):
    """A county auditor whose home is a township: the secretary may see but not take over."""
    auditor = make_user("aud2", "审计二", county.township_a, "auditor", county.county)
    client = login("township_secretary")
    assert client.get(reverse("accounts:user_detail", args=[auditor.pk])).status_code == 200
    old = auditor.password
    response = client.post(
        reverse("accounts:user_password", args=[auditor.pk]),
        {"new_password": "Another-pass-77", "new_password2": "Another-pass-77"},
        follow=True,
    )
    assert "超出您授权范围" in response.content.decode()
    auditor.refresh_from_db()
    assert auditor.password == old
    grant = auditor.grants.get()
    client.post(reverse("accounts:grant_revoke", args=[auditor.pk, grant.pk]))
    assert auditor.grants.filter(pk=grant.pk).exists()


def test_role_2fa_toggle(county, login):
    url = reverse("accounts:role_2fa", args=["informant"])
    assert login("township_secretary").post(url, {"required": "1"}).status_code == 403
    from qingfeng.accounts.models import Role

    assert Role.objects.get(code="informant").requires_2fa is False
    assert login("sysadmin").post(url, {"required": "1"}).status_code == 302
    assert Role.objects.get(code="informant").requires_2fa is True
    login("sysadmin").post(url, {"required": "0"})
    assert Role.objects.get(code="informant").requires_2fa is False
    assert login("sysadmin").post(reverse("accounts:role_2fa", args=["nope"])).status_code == 404


def test_home_todo_lists_locked_accounts(county, login):
    import datetime as dt

    from django.utils import timezone

    User.objects.filter(pk=county.users["informant"].pk).update(
        locked_until=timezone.now() + dt.timedelta(minutes=10)
    )
    body = login("township_secretary").get("/").content.decode()
    assert "被锁定的账号待处理" in body
    assert "被锁定的账号待处理" not in login("county_leader").get("/").content.decode()
