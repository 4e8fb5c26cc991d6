"""Supervised units: the scoped list with filters and export, detail, create and edit."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.orgs.models import Person, Unit, UnitKind

pytestmark = pytest.mark.django_db


def _names(resp: Any) -> set[str]:
    return {u.name for u in resp.context["page_obj"]}


def test_anonymous_is_sent_to_login(client, county):
    for url in (
        "/orgs/units/",
        "/orgs/units/export/",
        "/orgs/units/new/",
        f"/orgs/units/{county.unit_a.pk}/",
        f"/orgs/units/{county.unit_a.pk}/edit/",
    ):
        resp = client.get(url)
        assert resp.status_code == 302, url
        assert resp["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("sysadmin", {"李庄村民委员会", "石门村民委员会"}),
        ("county_leader", {"李庄村民委员会", "石门村民委员会"}),
        ("petition_officer", {"李庄村民委员会", "石门村民委员会"}),
        ("auditor", {"李庄村民委员会", "石门村民委员会"}),
        ("township_secretary", {"李庄村民委员会"}),
        ("other_officer", {"石门村民委员会"}),
        ("informant", {"李庄村民委员会"}),
    ],
)
def test_list_follows_scope(county, login, persona, expected):
    resp = login(persona).get("/orgs/units/")
    assert resp.status_code == 200
    assert _names(resp) == expected


@pytest.mark.parametrize("persona", ["county_leader", "township_secretary", "informant"])
def test_detail_in_scope(county, login, persona):
    resp = login(persona).get(f"/orgs/units/{county.unit_a.pk}/")
    assert resp.status_code == 200
    assert "李庄村民委员会" in resp.content.decode()


@pytest.mark.parametrize("persona", ["other_officer"])
def test_detail_out_of_scope_is_404(county, login, persona):
    client = login(persona)
    assert client.get(f"/orgs/units/{county.unit_a.pk}/").status_code == 404
    assert client.get("/orgs/units/999999/").status_code == 404


def test_informant_cannot_open_other_townships_unit(county, login):
    assert login("informant").get(f"/orgs/units/{county.unit_b.pk}/").status_code == 404


def test_detail_shows_person_count_only_with_person_view(county, login):
    assert (
        login("township_secretary").get(f"/orgs/units/{county.unit_a.pk}/").context["persons"] == 1
    )
    assert login("informant").get(f"/orgs/units/{county.unit_a.pk}/").context["persons"] is None


def test_filters(county, login):
    Unit.objects.create(
        name="东坝镇中心小学", code="U-S1", kind=UnitKind.SCHOOL, org=county.township_a
    )
    client = login("county_leader")
    assert _names(client.get("/orgs/units/?kind=school")) == {"东坝镇中心小学"}
    assert _names(client.get("/orgs/units/?q=石门")) == {"石门村民委员会"}
    assert _names(client.get("/orgs/units/?q=U-A1")) == {"李庄村民委员会"}
    assert _names(client.get(f"/orgs/units/?org={county.township_a.pk}")) == {
        "东坝镇中心小学",
        "李庄村民委员会",
    }


def test_filter_outside_scope_is_rejected(county, login):
    resp = login("township_secretary").get(f"/orgs/units/?org={county.township_b.pk}")
    assert resp.status_code == 200
    assert "org" in resp.context["form"].errors
    assert _names(resp) == {"李庄村民委员会"}


def test_pagination_and_query_count(county, login, django_assert_max_num_queries):
    Unit.objects.bulk_create(
        Unit(name=f"测试单位{i:03d}", code=f"UT{i:03d}", kind=UnitKind.OTHER, org=county.station_a2)
        for i in range(120)
    )
    client = login("township_secretary")
    with django_assert_max_num_queries(12):
        first = client.get("/orgs/units/")
    assert first.context["page_obj"].paginator.count == 121
    assert len(first.context["page_obj"]) == 50
    with django_assert_max_num_queries(12):
        third = client.get("/orgs/units/?page=3")
    assert len(third.context["page_obj"]) == 21
    assert "下一页" in first.content.decode()


def test_export_is_scoped_and_audited(county, login):
    resp = login("township_secretary").get("/orgs/units/export/")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("单位名称", "单位代码")
    assert [r[0] for r in rows[1:]] == ["李庄村民委员会"]
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.actor == county.users["township_secretary"]
    assert event.changes["count"] == 1


# --- Create and edit ------------------------------------------------------------------------


def test_create_unit(county, login):
    client = login("township_secretary")
    page = client.get(f"/orgs/units/new/?org={county.station_a2.pk}")
    assert page.status_code == 200
    assert county.township_b not in set(page.context["form"].fields["org"].queryset)
    resp = client.post(
        "/orgs/units/new/",
        {
            "name": "王屯村民委员会",
            "code": "U-A2",
            "kind": UnitKind.VILLAGE,
            "org": county.station_a2.pk,
        },
    )
    unit = Unit.objects.get(code="U-A2")
    assert resp.status_code == 302 and resp["Location"] == f"/orgs/units/{unit.pk}/"
    assert unit.org == county.station_a2
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="orgs.unit").count() == 1


def test_create_bad_input_keeps_input(county, login):
    client = login("township_secretary")
    resp = client.post(
        "/orgs/units/new/",
        {
            "name": "重复代码单位",
            "code": "U-A1",
            "kind": UnitKind.VILLAGE,
            "org": county.station_a2.pk,
        },
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "单位代码：单位代码“U-A1”已存在" in html
    assert 'value="重复代码单位"' in html
    resp = client.post(
        "/orgs/units/new/",
        {"name": "越权单位", "code": "U-X", "kind": UnitKind.VILLAGE, "org": county.station_b1.pk},
    )
    assert resp.status_code == 200
    assert "监督机构：请从列表中选择" in resp.content.decode()
    assert not Unit.objects.filter(name__in=["重复代码单位", "越权单位"]).exists()


@pytest.mark.parametrize("persona", ["county_leader", "other_officer", "informant"])
def test_create_needs_unit_manage(county, login, persona):
    assert login(persona).get("/orgs/units/new/").status_code == 404


def test_edit_unit_moves_persons_scope(county, login):
    client = login("township_secretary")
    resp = client.post(
        f"/orgs/units/{county.unit_a.pk}/edit/",
        {
            "name": "李庄村委会",
            "code": "U-A1",
            "kind": UnitKind.VILLAGE,
            "org": county.station_a2.pk,
        },
    )
    assert resp.status_code == 302
    county.unit_a.refresh_from_db()
    assert county.unit_a.name == "李庄村委会"
    assert Person.objects.get(pk=county.person_a.pk).org == county.station_a2
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="orgs.unit")
    assert event.changes["name"] == ["李庄村民委员会", "李庄村委会"]


@pytest.mark.parametrize("persona", ["county_leader", "other_officer", "informant"])
def test_edit_out_of_scope_or_without_cap_is_404(county, login, persona):
    client = login(persona)
    assert client.get(f"/orgs/units/{county.unit_a.pk}/edit/").status_code == 404
    resp = client.post(
        f"/orgs/units/{county.unit_a.pk}/edit/",
        {"name": "改名", "code": "U-A1", "kind": UnitKind.VILLAGE, "org": county.station_a1.pk},
    )
    assert resp.status_code == 404
    county.unit_a.refresh_from_db()
    assert county.unit_a.name == "李庄村民委员会"
