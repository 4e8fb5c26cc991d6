"""Persona × scope over the accounts API, bearer tokens, field-named errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qingfeng.accounts.models import ApiToken, RoleGrant, User
from qingfeng.core.testing import PERSONAS, SmallCounty

pytestmark = pytest.mark.django_db

USER_VIEWERS = {"sysadmin", "county_leader", "township_secretary", "auditor"}
GOOD_PASSWORD = "Lizhuang-2026-xy"


def _json(
    client: Client, method: str, url: str, data: dict[str, Any] | None = None, **extra: Any
) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(data or {}), content_type="application/json", **extra
    )


def test_me_for_every_persona(county, login):
    for persona in PERSONAS:
        response = login(persona).get("/api/me")
        assert response.status_code == 200, persona
        body = response.json()
        user = county.users[persona]
        assert body["username"] == user.username
        assert body["org"]["id"] == user.org_id
        assert body["grants"], persona
        assert {"role", "role_name", "org", "include_subtree", "scope"} <= set(body["grants"][0])
    informant = login("informant").get("/api/me").json()["grants"][0]
    assert informant == informant | {"role": "informant", "role_name": "信息员", "scope": "仅本级"}


def test_anonymous_gets_401(county):
    client = Client()
    pk = county.users["informant"].pk
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/users").status_code == 401
    assert client.get(f"/api/users/{pk}").status_code == 401
    assert _json(client, "post", "/api/users", {}).status_code == 401
    assert _json(client, "patch", f"/api/users/{pk}", {}).status_code == 401
    assert _json(client, "post", f"/api/users/{pk}/grants", {}).status_code == 401
    assert client.delete(f"/api/users/{pk}/grants/1").status_code == 401


def test_users_list_by_persona(county, login):
    for persona in PERSONAS:
        response = login(persona).get("/api/users")
        assert response.status_code == (200 if persona in USER_VIEWERS else 403), persona
    body = login("township_secretary").get("/api/users").json()
    names = {u["username"] for u in body["items"]}
    assert names == {"dongba", "dongba_gs", "xinxiyuan"}
    assert body["count"] == 3


def test_users_list_filters_and_paging(county, login, django_assert_max_num_queries):
    client = login("sysadmin")
    assert {u["username"] for u in client.get("/api/users?role=informant").json()["items"]} == {
        "xinxiyuan"
    }
    by_org = client.get(f"/api/users?org={county.township_b.pk}").json()
    assert [u["username"] for u in by_org["items"]] == ["xiling"]
    assert client.get("/api/users?q=周干").json()["count"] == 1
    assert client.get("/api/users?status=disabled").json()["count"] == 0
    assert client.get("/api/users?status=bogus").status_code == 422
    response = login("township_secretary").get(f"/api/users?org={county.township_b.pk}")
    assert response.status_code == 400 and response.json()["field"] == "org"
    for i in range(25):
        User.objects.create(username=f"p{i}", full_name=f"批{i}", org=county.station_b1)
    with django_assert_max_num_queries(10):
        page = client.get("/api/users?page=2").json()
    assert page["count"] == 35 and len(page["items"]) == 15


def test_user_detail_by_persona(county, login):
    pk = county.users["informant"].pk
    for persona in PERSONAS:
        response = login(persona).get(f"/api/users/{pk}")
        assert response.status_code == (200 if persona in USER_VIEWERS else 404), persona
    response = login("other_officer").get(f"/api/users/{pk}")
    assert response.json() == {"detail": "未找到", "field": None}
    assert login("sysadmin").get("/api/users/999999").status_code == 404


def _create_body(county: SmallCounty, **overrides: Any) -> dict[str, Any]:
    body = {
        "username": "api_user",
        "full_name": "接口用户",
        "phone": "13900000000",
        "org": county.station_a1.pk,
        "password": GOOD_PASSWORD,
        "role": "informant",
        "grant_org": county.station_a1.pk,
        "include_subtree": False,
    }
    body.update(overrides)
    return body


def test_create_user(county, login):
    client = login("township_secretary")
    response = _json(client, "post", "/api/users", _create_body(county))
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "api_user"
    assert body["grants"][0]["role"] == "informant"
    assert body["grants"][0]["org"]["id"] == county.station_a1.pk
    for persona in ("county_leader", "other_officer", "informant"):
        response = _json(login(persona), "post", "/api/users", _create_body(county, username="z"))
        assert response.status_code == 403, persona
    assert not User.objects.filter(username="z").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": "sysadmin"}, "role"),
        ({"role": "county_leader"}, "role"),
        ({"grant_org": "TB"}, "grant_org"),
        ({"grant_org": "COUNTY"}, "grant_org"),
        ({"grant_org": 999999}, "grant_org"),
        ({"org": "TB"}, "org"),
        ({"password": "123"}, "password"),
        ({"username": "dongba"}, "username"),
    ],
)
def test_create_user_refused_names_field(county, login, overrides, field):
    alias = {"TB": county.township_b.pk, "COUNTY": county.county.pk}
    overrides = {k: alias.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    before = (User.objects.count(), RoleGrant.objects.count())
    response = _json(
        login("township_secretary"), "post", "/api/users", _create_body(county, **overrides)
    )
    assert response.status_code == 400
    assert response.json()["field"] == field, response.json()
    assert (User.objects.count(), RoleGrant.objects.count()) == before


def test_create_user_schema_error_is_422_with_field(county, login):
    body = _create_body(county)
    del body["role"]
    response = _json(login("sysadmin"), "post", "/api/users", body)
    assert response.status_code == 422
    assert response.json()["field"] == "role"


def test_patch_user(county, login):
    pk = county.users["informant"].pk
    response = _json(
        login("township_secretary"), "patch", f"/api/users/{pk}", {"phone": "13700000000"}
    )
    assert response.status_code == 200 and response.json()["phone"] == "13700000000"
    response = _json(login("township_secretary"), "patch", f"/api/users/{pk}", {"phone": "1"})
    assert response.status_code == 400 and response.json()["field"] == "phone"
    response = _json(
        login("township_secretary"), "patch", f"/api/users/{pk}", {"org": county.township_b.pk}
    )
    assert response.status_code == 400 and response.json()["field"] == "org"
    for persona in ("other_officer", "county_leader", "auditor", "informant"):
        response = _json(login(persona), "patch", f"/api/users/{pk}", {"full_name": "x"})
        assert response.status_code == 404, persona
    assert User.objects.get(pk=pk).full_name == "吴信息员"


def test_grants_add_and_delete(county, login):
    target = county.users["informant"]
    url = f"/api/users/{target.pk}/grants"
    secretary = login("township_secretary")
    body = {"role": "station_head", "org": county.station_a1.pk, "include_subtree": True}
    for persona in ("other_officer", "county_leader", "informant"):
        assert _json(login(persona), "post", url, body).status_code == 404, persona
    response = _json(secretary, "post", url, body)
    assert response.status_code == 201
    grant_id = response.json()["id"]
    assert response.json()["scope"] == "本级及下级"
    refused = _json(secretary, "post", url, {"role": "informant", "org": county.station_b1.pk})
    assert refused.status_code == 400 and refused.json()["field"] == "org"
    refused = _json(secretary, "post", url, {"role": "county_leader", "org": county.station_a1.pk})
    assert refused.status_code == 400 and refused.json()["field"] == "role"
    assert login("other_officer").delete(f"{url}/{grant_id}").status_code == 404
    assert secretary.delete(f"{url}/999999").status_code == 404
    assert secretary.delete(f"{url}/{grant_id}").status_code == 204
    assert not RoleGrant.objects.filter(pk=grant_id).exists()
    # A grant given from the county is beyond the secretary: 400, nothing removed.
    wide = RoleGrant.objects.create(
        user=target, role_id="township_officer", org=county.county, include_subtree=True
    )
    response = secretary.delete(f"{url}/{wide.pk}")
    assert response.status_code == 400
    assert RoleGrant.objects.filter(pk=wide.pk).exists()


def test_token_auth_and_revocation(county, login):
    browser = login("township_secretary")
    response = browser.post(reverse("accounts:token_create"), {"name": "统计脚本"})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=county.users["township_secretary"])
    assert token.digest != raw and raw.startswith(token.prefix)
    # The raw value is never shown again.
    assert raw not in browser.get(reverse("accounts:profile")).content.decode()

    api = Client()
    auth: dict[str, Any] = {"headers": {"Authorization": f"Bearer {raw}"}}
    assert api.get("/api/me", **auth).json()["username"] == "dongba"
    assert api.get("/api/users", **auth).json()["count"] == 3
    other = county.users["other_officer"].pk
    assert api.get(f"/api/users/{other}", **auth).status_code == 404
    response = _json(api, "post", "/api/users", _create_body(county, username="via_token"), **auth)
    assert response.status_code == 201
    assert api.get("/api/me", headers={"Authorization": "Bearer qf_wrong"}).status_code == 401

    # Another user cannot revoke it; the owner can, and then it answers 401.
    assert (
        login("sysadmin").post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    )
    assert browser.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert api.get("/api/me", **auth).status_code == 401


def test_openapi_documents_the_endpoints(county, login):
    paths = login("sysadmin").get("/api/openapi.json").json()["paths"]
    assert {
        "/api/me",
        "/api/users",
        "/api/users/{user_id}",
        "/api/users/{user_id}/grants",
        "/api/users/{user_id}/grants/{grant_id}",
    } <= set(paths)
    assert paths["/api/users"]["get"]["summary"] == "用户列表（仅管辖范围内，可筛选）"


def test_out_of_scope_org_in_body_reads_like_a_missing_one(county, login):
    """A township secretary naming another township's station gets the same field error as
    for an org id that does not exist."""
    client = login("township_secretary")
    body = {
        "username": "probe",
        "full_name": "探测",
        "phone": "",
        "password": "Probe-2026-xyz",
        "role": "informant",
        "include_subtree": False,
    }
    other = client.post(
        "/api/users",
        {**body, "org": county.station_b1.pk, "grant_org": county.station_b1.pk},
        content_type="application/json",
    )
    missing = client.post(
        "/api/users", {**body, "org": 999999, "grant_org": 999999}, content_type="application/json"
    )
    assert other.status_code == missing.status_code == 400
    assert other.json() == missing.json()
    assert other.json()["field"] == "org"
