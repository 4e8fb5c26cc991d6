"""The orgs API: tree, zones, units and staffing; scoped, with field-named errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from qingfeng.accounts.tokens import token_issue
from qingfeng.audit.models import Action, AuditEvent
from qingfeng.orgs.models import CollaborationZone, Org, PostKind, StaffPost, Unit

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def _patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_anonymous_gets_401(client, county):
    for url in (
        "/api/orgs",
        f"/api/orgs/{county.township_a.pk}",
        "/api/zones",
        "/api/units",
        f"/api/units/{county.unit_a.pk}",
        "/api/staffing",
    ):
        resp = client.get(url)
        assert resp.status_code == 401, url
        assert resp.json()["detail"] == "未登录或令牌无效"
    assert _post(client, "/api/orgs", {}).status_code == 401
    assert _patch(client, f"/api/orgs/{county.township_a.pk}", {"name": "X"}).status_code == 401


def test_bearer_token(county):
    _token, raw = token_issue(user=county.users["township_secretary"], name="测试")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    resp = client.get("/api/orgs")
    assert resp.status_code == 200
    assert {o["code"] for o in resp.json()["items"]} == {"T01", "T01-V01", "T01-V02"}


# --- Orgs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "codes"),
    [
        (
            "county_leader",
            {"C01", "C01-XF", "C01-JC1", "T01", "T02", "T01-V01", "T01-V02", "T02-V01"},
        ),
        ("township_secretary", {"T01", "T01-V01", "T01-V02"}),
        ("other_officer", {"T02", "T02-V01"}),
        ("informant", {"T01-V01"}),
    ],
)
def test_list_orgs_is_scoped(county, login, persona, codes):
    body = login(persona).get("/api/orgs").json()
    assert {o["code"] for o in body["items"]} == codes
    assert body["count"] == len(codes)


def test_list_orgs_filters_and_paging(county, login):
    client = login("county_leader")
    body = client.get(f"/api/orgs?parent={county.county.pk}").json()
    assert [o["code"] for o in body["items"]] == ["C01-JC1", "C01-XF", "T01", "T02"]
    assert [o["code"] for o in client.get("/api/orgs?kind=station").json()["items"]] == [
        "T01-V01",
        "T01-V02",
        "T02-V01",
    ]
    assert [o["name"] for o in client.get("/api/orgs?q=西岭").json()["items"]] == [
        "西岭乡纪委",
        "西岭乡石门村联络站",
    ]
    page = client.get("/api/orgs?page=2&page_size=3").json()
    assert page["count"] == 8 and len(page["items"]) == 3
    resp = client.get("/api/orgs?kind=village")
    assert resp.status_code == 422 and resp.json()["field"] == "kind"


@pytest.mark.parametrize("persona", ["county_leader", "township_secretary", "petition_officer"])
def test_get_org_in_scope(county, login, persona):
    body = login(persona).get(f"/api/orgs/{county.township_a.pk}").json()
    assert body["name"] == "东坝镇纪委"
    assert body["kind_label"] == "乡镇纪委"
    assert body["path"] == county.township_a.path


@pytest.mark.parametrize("persona", ["other_officer", "informant"])
def test_get_org_out_of_scope_is_404(county, login, persona):
    resp = login(persona).get(f"/api/orgs/{county.township_a.pk}")
    assert resp.status_code == 404
    assert resp.json()["detail"] == "未找到"


def test_create_org(county, login):
    client = login("sysadmin")
    resp = _post(
        client,
        "/api/orgs",
        {
            "name": "东坝镇张庄村联络站",
            "code": "T01-V03",
            "kind": "station",
            "parent_id": county.township_a.pk,
        },
    )
    assert resp.status_code == 201
    org = Org.objects.get(code="T01-V03")
    assert resp.json()["path"] == f"{county.township_a.path}{org.pk}/"
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(org.pk)).exists()


def test_create_org_errors_name_the_field(county, login):
    client = login("sysadmin")
    resp = _post(
        client,
        "/api/orgs",
        {"name": "越级联络站", "code": "X1", "kind": "station", "parent_id": county.county.pk},
    )
    assert resp.status_code == 400
    assert resp.json()["field"] == "parent"
    assert "下不能设立" in resp.json()["detail"]
    resp = _post(
        client, "/api/orgs", {"code": "X2", "kind": "township", "parent_id": county.county.pk}
    )
    assert resp.status_code == 422 and resp.json()["field"] == "name"
    resp = _post(
        client,
        "/api/orgs",
        {"name": "重复", "code": "T01", "kind": "township", "parent_id": county.county.pk},
    )
    assert resp.status_code == 400 and resp.json()["field"] == "code"
    assert not Org.objects.filter(code__in=["X1", "X2"]).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("county_leader", 400), ("township_secretary", 400), ("other_officer", 404)],
)
def test_create_org_needs_manage(county, login, persona, status):
    # A parent the caller sees but may not manage is a field error; one outside scope, 404.
    resp = _post(
        login(persona),
        "/api/orgs",
        {"name": "X", "code": "X1", "kind": "station", "parent_id": county.township_a.pk},
    )
    assert resp.status_code == status
    if status == 400:
        assert resp.json()["field"] == "parent"
    assert not Org.objects.filter(code="X1").exists()


def test_patch_org(county, login):
    resp = _patch(
        login("sysadmin"),
        f"/api/orgs/{county.township_a.pk}",
        {"name": "东坝镇纪委（新）", "sort_order": 9},
    )
    assert resp.status_code == 200
    assert resp.json()["name"] == "东坝镇纪委（新）" and resp.json()["sort_order"] == 9
    county.township_a.refresh_from_db()
    assert county.township_a.code == "T01"  # untouched fields stay
    assert (
        _patch(
            login("other_officer"), f"/api/orgs/{county.township_a.pk}", {"name": "X"}
        ).status_code
        == 404
    )
    assert (
        _patch(
            login("county_leader"), f"/api/orgs/{county.township_a.pk}", {"name": "X"}
        ).status_code
        == 404
    )
    resp = _patch(login("sysadmin"), f"/api/orgs/{county.township_a.pk}", {"code": "T02"})
    assert resp.status_code == 400 and resp.json()["field"] == "code"


def test_move_org(county, login):
    client = login("sysadmin")
    resp = _post(
        client, f"/api/orgs/{county.station_a2.pk}/move", {"parent_id": county.township_b.pk}
    )
    assert resp.status_code == 200
    assert resp.json()["parent_id"] == county.township_b.pk
    assert resp.json()["path"] == f"{county.township_b.path}{county.station_a2.pk}/"
    resp = _post(
        client, f"/api/orgs/{county.township_a.pk}/move", {"parent_id": county.station_a1.pk}
    )
    assert resp.status_code == 400
    assert resp.json() == {
        "detail": "不能移动到本机构或其下级之下",
        "field": "parent",
        "errors": [{"field": "parent", "message": "不能移动到本机构或其下级之下"}],
    }
    resp = _post(
        login("other_officer"),
        f"/api/orgs/{county.station_a1.pk}/move",
        {"parent_id": county.township_b.pk},
    )
    assert resp.status_code == 404


# --- Zones --------------------------------------------------------------------------------


def test_list_zones(county, login):
    zone = CollaborationZone.objects.create(
        name="东片", county=county.county, lead_department=county.petition_dept
    )
    zone.members.set([county.township_a])
    body = login("township_secretary").get("/api/zones").json()
    assert body == [
        {
            "id": zone.pk,
            "name": "东片",
            "county": {"id": county.county.pk, "name": "清河县纪委监委"},
            "lead_department": {"id": county.petition_dept.pk, "name": "信访室"},
            "members": [{"id": county.township_a.pk, "name": "东坝镇纪委"}],
            "sort_order": 0,
        }
    ]
    assert login("other_officer").get("/api/zones").json() == []


# --- Units --------------------------------------------------------------------------------


def test_list_units_scoped_and_filtered(county, login):
    assert [u["code"] for u in login("other_officer").get("/api/units").json()["items"]] == ["U-B1"]
    assert [u["code"] for u in login("informant").get("/api/units").json()["items"]] == ["U-A1"]
    client = login("county_leader")
    assert client.get("/api/units").json()["count"] == 2
    assert [
        u["code"] for u in client.get(f"/api/units?org={county.township_b.pk}").json()["items"]
    ] == ["U-B1"]
    assert client.get("/api/units?kind=school").json()["count"] == 0
    assert client.get("/api/units?q=李庄").json()["items"][0]["org"]["name"] == "东坝镇李庄村联络站"
    assert login("other_officer").get(f"/api/units?org={county.township_a.pk}").status_code == 404


def test_get_unit(county, login):
    assert (
        login("informant").get(f"/api/units/{county.unit_a.pk}").json()["kind_label"]
        == "村民委员会"
    )
    assert login("other_officer").get(f"/api/units/{county.unit_a.pk}").status_code == 404


def test_create_and_patch_unit(county, login):
    client = login("township_secretary")
    resp = _post(
        client,
        "/api/units",
        {
            "name": "东坝镇卫生院",
            "code": "U-H1",
            "kind": "hospital",
            "org_id": county.township_a.pk,
        },
    )
    assert resp.status_code == 201
    unit_id = resp.json()["id"]
    resp = _patch(client, f"/api/units/{unit_id}", {"name": "东坝镇中心卫生院"})
    assert resp.status_code == 200 and resp.json()["name"] == "东坝镇中心卫生院"
    assert Unit.objects.get(pk=unit_id).kind == "hospital"
    resp = _post(
        client,
        "/api/units",
        {"name": "重复", "code": "U-A1", "kind": "other", "org_id": county.township_a.pk},
    )
    assert resp.status_code == 400 and resp.json()["field"] == "code"
    resp = _post(
        client,
        "/api/units",
        {"name": "越权", "code": "U-Z", "kind": "other", "org_id": county.township_b.pk},
    )
    assert resp.status_code == 404
    resp = _post(
        login("county_leader"),
        "/api/units",
        {"name": "无权", "code": "U-Y", "kind": "other", "org_id": county.township_a.pk},
    )
    assert resp.status_code == 400 and resp.json()["field"] == "org"
    assert (
        _patch(login("other_officer"), f"/api/units/{county.unit_a.pk}", {"name": "X"}).status_code
        == 404
    )
    assert not Unit.objects.filter(code__in=["U-Z", "U-Y"]).exists()


# --- Staffing -----------------------------------------------------------------------------


def test_staffing_api(county, login):
    StaffPost.objects.create(org=county.station_a1, kind=PostKind.INFORMANT, quota=2)
    body = login("township_secretary").get("/api/staffing").json()
    assert body["count"] == 1
    row = body["items"][0]
    assert row["name"] == "东坝镇纪委" and row["stations"] == 2
    informant = next(p for p in row["posts"] if p["kind"] == "informant")
    assert informant == {
        "kind": "informant",
        "label": "信息员/联络员",
        "quota": 3,
        "held": 0,
        "vacant": 3,
        "short_stations": 2,
    }
    assert body["total"]["name"] == "合计"
    assert login("informant").get("/api/staffing").json()["count"] == 0
    assert (
        login("other_officer").get(f"/api/staffing?org={county.township_a.pk}").status_code == 404
    )
