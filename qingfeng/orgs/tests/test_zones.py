"""协作区: scoped list, create/edit pages and the one-zone-per-township rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.core.testing import make_org
from qingfeng.orgs.models import CollaborationZone, OrgKind
from qingfeng.orgs.services import zone_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(county):
    """东片协作区: 东坝镇 under the 信访室."""
    z = CollaborationZone.objects.create(
        name="东片协作区", county=county.county, lead_department=county.petition_dept
    )
    z.members.set([county.township_a])
    return z


def test_anonymous_is_sent_to_login(client, county, zone):
    for url in ("/orgs/zones/", "/orgs/zones/new/", f"/orgs/zones/{zone.pk}/edit/"):
        resp = client.get(url)
        assert resp.status_code == 302, url
        assert resp["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("sysadmin", True),
        ("county_leader", True),
        ("petition_officer", True),
        ("auditor", True),
        ("township_secretary", True),  # 东坝镇 is a member
        ("other_officer", False),
        ("informant", False),
    ],
)
def test_list_follows_scope(county, login, zone, persona, sees):
    resp = login(persona).get("/orgs/zones/")
    assert resp.status_code == 200
    assert (zone in resp.context["zones"]) is sees
    assert ("东片协作区" in resp.content.decode()) is sees


def test_list_shows_lead_and_members(county, login, zone):
    html = login("county_leader").get("/orgs/zones/").content.decode()
    assert "信访室" in html and "东坝镇纪委" in html


def test_create_zone(county, login):
    client = login("sysadmin")
    page = client.get("/orgs/zones/new/")  # one manageable county: chosen automatically
    assert page.status_code == 200
    assert set(page.context["form"].fields["members"].queryset) == {
        county.township_a,
        county.township_b,
    }
    resp = client.post(
        "/orgs/zones/new/",
        {
            "name": "全县协作区",
            "lead_department": county.petition_dept.pk,
            "members": [county.township_a.pk, county.township_b.pk],
            "sort_order": "1",
        },
    )
    assert resp.status_code == 302
    z = CollaborationZone.objects.get(name="全县协作区")
    assert set(z.members.all()) == {county.township_a, county.township_b}
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="orgs.collaborationzone")
    assert event.changes["after"]["members"] == sorted([county.township_a.pk, county.township_b.pk])


def test_township_in_at_most_one_zone(county, login, zone):
    client = login("sysadmin")
    resp = client.post(
        "/orgs/zones/new/",
        {
            "name": "西片协作区",
            "lead_department": county.petition_dept.pk,
            "members": [county.township_a.pk, county.township_b.pk],
        },
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "成员乡镇（街道）：“东坝镇纪委”已属于协作区“东片协作区”" in html
    assert 'value="西片协作区"' in html
    assert html.count(" checked") == 2  # both ticked boxes stay ticked
    assert not CollaborationZone.objects.filter(name="西片协作区").exists()
    # Without 东坝镇 it is accepted.
    resp = client.post(
        "/orgs/zones/new/",
        {
            "name": "西片协作区",
            "lead_department": county.petition_dept.pk,
            "members": [county.township_b.pk],
        },
    )
    assert resp.status_code == 302


def test_zone_in_another_county_may_share_nothing_but_is_separate(county):
    other = make_org("临河县纪委监委", "C02", OrgKind.COUNTY)
    dept = make_org("信访室", "C02-XF", OrgKind.DEPARTMENT, other)
    town = make_org("北关镇纪委", "T21", OrgKind.TOWNSHIP, other)
    admin = county.users["sysadmin"]
    # sysadmin holds no grant on the other county.
    with pytest.raises(ValidationError) as exc:
        zone_save(
            actor=admin, zone=None, county=other, name="北片", lead_department=dept, members=[town]
        )
    assert "county" in exc.value.message_dict


def test_members_limited_to_the_countys_townships(county, login):
    client = login("sysadmin")
    resp = client.post(
        "/orgs/zones/new/",
        {
            "name": "错误协作区",
            "lead_department": county.petition_dept.pk,
            "members": [county.station_a1.pk],
        },
    )
    assert resp.status_code == 200
    assert "成员乡镇（街道）：请从列表中选择" in resp.content.decode()
    admin = county.users["sysadmin"]
    with pytest.raises(ValidationError) as exc:
        zone_save(
            actor=admin,
            zone=None,
            county=county.county,
            name="错误协作区",
            lead_department=county.petition_dept,
            members=[county.station_a1],
        )
    assert exc.value.message_dict["members"] == ["“东坝镇李庄村联络站”不是本县（区）的乡镇（街道）"]
    with pytest.raises(ValidationError) as exc:
        zone_save(
            actor=admin,
            zone=None,
            county=county.county,
            name="错误协作区",
            lead_department=county.township_a,
            members=[county.township_b],
        )
    assert "lead_department" in exc.value.message_dict
    assert not CollaborationZone.objects.exists()


def test_edit_zone_is_audited(county, login, zone):
    resp = login("sysadmin").post(
        f"/orgs/zones/{zone.pk}/edit/",
        {
            "name": "东片协作区",
            "lead_department": county.petition_dept.pk,
            "members": [county.township_a.pk, county.township_b.pk],
        },
    )
    assert resp.status_code == 302
    assert set(zone.members.all()) == {county.township_a, county.township_b}
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="orgs.collaborationzone")
    assert event.changes == {
        "members": [[county.township_a.pk], sorted([county.township_a.pk, county.township_b.pk])]
    }


def test_editing_keeps_own_members(county, zone):
    """Saving a zone with its own members is not a clash with itself."""
    saved = zone_save(
        actor=county.users["sysadmin"],
        zone=zone,
        county=county.county,
        name="东片协作区（改）",
        lead_department=county.petition_dept,
        members=[county.township_a],
    )
    assert saved.name == "东片协作区（改）"


@pytest.mark.parametrize(
    "persona", ["county_leader", "township_secretary", "other_officer", "informant", "auditor"]
)
def test_create_and_edit_need_county_org_manage(county, login, zone, persona):
    client = login(persona)
    assert client.get("/orgs/zones/new/").status_code == 404
    assert client.get(f"/orgs/zones/new/?county={county.county.pk}").status_code == 404
    assert client.get(f"/orgs/zones/{zone.pk}/edit/").status_code == 404
    resp = client.post(
        f"/orgs/zones/{zone.pk}/edit/",
        {
            "name": "改名",
            "lead_department": county.petition_dept.pk,
            "members": [county.township_a.pk],
        },
    )
    assert resp.status_code == 404
    zone.refresh_from_db()
    assert zone.name == "东片协作区"
