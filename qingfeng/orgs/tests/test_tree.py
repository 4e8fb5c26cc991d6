"""The org tree page, its lazy partial, and adding, renaming and moving nodes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from qingfeng.accounts.models import Role, RoleGrant
from qingfeng.audit.models import Action, AuditEvent
from qingfeng.core.testing import make_org, make_user
from qingfeng.orgs.models import Org, OrgKind, Unit, UnitKind
from qingfeng.orgs.services import org_move

pytestmark = pytest.mark.django_db

IN_SCOPE_OF_TOWNSHIP_A = ["sysadmin", "county_leader", "petition_officer", "township_secretary"]


def _events(obj: Any, action: str) -> Any:
    return AuditEvent.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )


# --- Browsing -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, county):
    for url in (
        "/orgs/",
        f"/orgs/?org={county.township_a.pk}",
        f"/orgs/tree/children/?parent={county.county.pk}",
        f"/orgs/new/?parent={county.county.pk}",
        f"/orgs/{county.township_a.pk}/edit/",
        f"/orgs/{county.station_a1.pk}/move/",
    ):
        resp = client.get(url)
        assert resp.status_code == 302, url
        assert resp["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", [*IN_SCOPE_OF_TOWNSHIP_A, "auditor"])
def test_in_scope_personas_see_township_a(county, login, persona):
    resp = login(persona).get(f"/orgs/?org={county.township_a.pk}")
    assert resp.status_code == 200
    assert resp.context["selected"] == county.township_a
    assert "东坝镇李庄村联络站" in resp.content.decode()


@pytest.mark.parametrize("persona", ["other_officer", "informant"])
@pytest.mark.parametrize("target", ["township_a", "station_a2"])
def test_out_of_scope_personas_get_404(county, login, persona, target):
    org = getattr(county, target)
    client = login(persona)
    assert client.get(f"/orgs/?org={org.pk}").status_code == 404
    assert client.get(f"/orgs/tree/children/?parent={org.pk}").status_code == 404


def test_missing_org_is_404_like_forbidden(county, login):
    assert login("county_leader").get("/orgs/?org=999999").status_code == 404


def test_tree_shows_only_the_users_scope(county, login):
    resp = login("township_secretary").get("/orgs/")
    html = resp.content.decode()
    assert resp.context["selected"] == county.township_a
    assert [n.org for n in resp.context["nodes"]] == [county.township_a]
    assert "东坝镇王屯村联络站" in html
    assert "西岭乡" not in html
    assert "清河县纪委监委" not in html  # the county is above the scope: not in breadcrumb


def test_informant_sees_only_their_station(county, login):
    client = login("informant")
    resp = client.get("/orgs/")
    html = resp.content.decode()
    assert resp.context["selected"] == county.station_a1
    assert [n.org for n in resp.context["nodes"]] == [county.station_a1]
    assert not resp.context["nodes"][0].expandable
    assert "东坝镇纪委" not in resp.content.decode().split('id="qf-org-tree"')[1]
    assert "王屯村" not in html
    assert "李庄村民委员会" in html  # the unit the station supervises


def test_tree_loads_only_the_selected_chain(county, login):
    resp = login("county_leader").get(f"/orgs/?org={county.county.pk}")
    html = resp.content.decode()
    root = resp.context["nodes"][0]
    assert root.org == county.county and root.current
    towns = {n.org.pk: n for n in root.children}
    assert set(towns) == {
        county.petition_dept.pk,
        county.supervision_dept.pk,
        county.township_a.pk,
        county.township_b.pk,
    }
    # Stations sit one level deeper: lazily fetched, never rendered on this page.
    assert towns[county.township_a.pk].expandable
    assert towns[county.township_a.pk].children is None
    assert "联络站" in html  # the column header
    assert "李庄村联络站" not in html
    assert f"/orgs/tree/children/?parent={county.township_a.pk}" in html


def test_tree_children_partial(county, login):
    resp = login("county_leader").get(f"/orgs/tree/children/?parent={county.township_a.pk}")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "东坝镇李庄村联络站" in html and "东坝镇王屯村联络站" in html
    assert "<html" not in html


def test_right_column_counts_and_children(county, login):
    Unit.objects.create(
        name="东坝镇人民政府", code="U-TA", kind=UnitKind.TOWNSHIP_GOV, org=county.township_a
    )
    resp = login("county_leader").get(f"/orgs/?org={county.county.pk}")
    counts = dict(resp.context["counts"])
    assert counts == {"部门/派驻组": 2, "乡镇（街道）": 2, "联络站": 3, "被监督单位": 3}
    children = {c.pk: c for c in resp.context["children"]}
    assert children[county.township_a.pk].station_count == 2
    assert children[county.township_a.pk].unit_count == 2
    assert children[county.township_b.pk].unit_count == 1
    resp = login("county_leader").get(f"/orgs/?org={county.township_a.pk}")
    assert [u.name for u in resp.context["units"]] == ["东坝镇人民政府"]


def test_breadcrumb_within_scope(county, login):
    resp = login("county_leader").get(f"/orgs/?org={county.station_a1.pk}")
    assert resp.context["breadcrumb"] == [county.county, county.township_a]
    resp = login("township_secretary").get(f"/orgs/?org={county.station_a1.pk}")
    assert resp.context["breadcrumb"] == [county.township_a]


def test_manage_buttons_follow_capability(county, login):
    admin = login("sysadmin").get(f"/orgs/?org={county.township_a.pk}").content.decode()
    assert 'id="qf-org-add"' in admin and 'id="qf-org-move"' in admin
    leader = login("county_leader").get(f"/orgs/?org={county.township_a.pk}").content.decode()
    assert 'id="qf-org-add"' not in leader and 'id="qf-org-edit"' not in leader


def test_tree_page_query_count(county, login, django_assert_max_num_queries):
    for i in range(15):
        town = make_org(f"测试镇{i}", f"TX{i:02d}", OrgKind.TOWNSHIP, county.county)
        for j in range(3):
            station = make_org(f"测试镇{i}站{j}", f"TX{i:02d}-{j}", OrgKind.STATION, town)
            Unit.objects.create(
                name=f"测试村{i}-{j}", code=f"UX{i}-{j}", kind=UnitKind.VILLAGE, org=station
            )
    client = login("county_leader")
    with django_assert_max_num_queries(16):
        resp = client.get(f"/orgs/?org={county.county.pk}")
    assert len(resp.context["children"]) == 19
    with django_assert_max_num_queries(16):
        client.get(f"/orgs/?org={county.station_a1.pk}")


# --- Creating and editing -----------------------------------------------------------------


def test_create_station_under_township(county, login):
    client = login("sysadmin")
    resp = client.post(
        f"/orgs/new/?parent={county.township_a.pk}",
        {
            "name": "东坝镇张庄村联络站",
            "code": "T01-V03",
            "kind": OrgKind.STATION,
            "sort_order": "3",
        },
    )
    assert resp.status_code == 302
    org = Org.objects.get(code="T01-V03")
    assert org.parent == county.township_a
    assert org.path == f"{county.township_a.path}{org.pk}/"
    assert org.depth == county.township_a.depth + 1
    assert _events(org, Action.CREATE).count() == 1


def test_cannot_create_station_under_county(county, login):
    client = login("sysadmin")
    page = client.get(f"/orgs/new/?parent={county.county.pk}")
    assert [c[0] for c in page.context["form"].fields["kind"].widget.choices] == [
        OrgKind.DEPARTMENT,
        OrgKind.DISPATCHED,
        OrgKind.TOWNSHIP,
        OrgKind.STREET,
    ]
    before = Org.objects.count()
    resp = client.post(
        f"/orgs/new/?parent={county.county.pk}",
        {"name": "越级联络站", "code": "BAD-1", "kind": OrgKind.STATION},
    )
    assert resp.status_code == 200
    assert resp.context["form"].errors["kind"] == [
        "“县（区）纪委监委”下不能设立“纪检监察工作联络站”"
    ]
    assert 'value="越级联络站"' in resp.content.decode()
    assert Org.objects.count() == before


def test_create_duplicate_code_keeps_input(county, login):
    client = login("sysadmin")
    resp = client.post(
        f"/orgs/new/?parent={county.county.pk}",
        {"name": "南湖镇纪委", "code": "T01", "kind": OrgKind.TOWNSHIP},
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "机构代码：机构代码“T01”已存在" in html
    assert 'value="南湖镇纪委"' in html
    assert not Org.objects.filter(name="南湖镇纪委").exists()


def test_create_missing_name_names_the_field(county, login):
    resp = login("sysadmin").post(
        f"/orgs/new/?parent={county.county.pk}", {"code": "T09", "kind": OrgKind.TOWNSHIP}
    )
    assert resp.status_code == 200
    assert "名称：此项为必填项" in resp.content.decode()
    assert 'value="T09"' in resp.content.decode()


@pytest.mark.parametrize("persona", ["county_leader", "township_secretary", "other_officer"])
def test_create_needs_org_manage(county, login, persona):
    client = login(persona)
    assert client.get(f"/orgs/new/?parent={county.township_a.pk}").status_code == 404
    resp = client.post(
        f"/orgs/new/?parent={county.township_a.pk}",
        {"name": "X", "code": "X1", "kind": OrgKind.STATION},
    )
    assert resp.status_code == 404
    assert not Org.objects.filter(code="X1").exists()


def test_rename_is_audited(county, login):
    ta = county.township_a
    resp = login("sysadmin").post(
        f"/orgs/{ta.pk}/edit/",
        {
            "name": "东坝镇纪委（新）",
            "code": "T01",
            "sort_order": "5",
            "has_supervision_office": "on",
            "is_active": "on",
        },
    )
    assert resp.status_code == 302
    ta.refresh_from_db()
    assert ta.name == "东坝镇纪委（新）" and ta.sort_order == 5
    event = _events(ta, Action.UPDATE).get()
    assert event.changes["name"] == ["东坝镇纪委", "东坝镇纪委（新）"]


def test_rename_bad_input_keeps_input(county, login):
    ta = county.township_a
    resp = login("sysadmin").post(f"/orgs/{ta.pk}/edit/", {"name": "新名字", "code": "T02"})
    assert resp.status_code == 200
    assert "机构代码“T02”已存在" in resp.content.decode()
    assert 'value="新名字"' in resp.content.decode()
    ta.refresh_from_db()
    assert ta.name == "东坝镇纪委"


def test_edit_out_of_scope_is_404(county, login):
    assert login("other_officer").get(f"/orgs/{county.township_a.pk}/edit/").status_code == 404
    assert login("county_leader").get(f"/orgs/{county.township_a.pk}/edit/").status_code == 404


# --- Moving -------------------------------------------------------------------------------


def test_move_station_to_other_township(county, login):
    a2 = county.station_a2
    client = login("sysadmin")
    page = client.get(f"/orgs/{a2.pk}/move/")
    targets = set(page.context["form"].fields["new_parent"].queryset)
    assert targets == {county.township_b}  # not its own parent, not a county or a department
    resp = client.post(f"/orgs/{a2.pk}/move/", {"new_parent": county.township_b.pk})
    assert resp.status_code == 302
    a2.refresh_from_db()
    assert a2.parent == county.township_b
    assert a2.path == f"{county.township_b.path}{a2.pk}/"
    event = _events(a2, Action.UPDATE).get()
    assert event.detail == "移动机构"
    assert event.changes["parent"] == [county.township_a.pk, county.township_b.pk]


def test_move_rewrites_the_whole_subtree(county, login):
    city = make_org("临江市纪委监委", "CITY", OrgKind.CITY)
    admin = county.users["sysadmin"]
    RoleGrant.objects.create(user=admin, role=Role.objects.get(code="sysadmin"), org=city)
    resp = login("sysadmin").post(f"/orgs/{county.county.pk}/move/", {"new_parent": city.pk})
    # The county is a scope root of sysadmin and has no parent: not movable from the page.
    assert resp.status_code == 404
    admin = type(admin).objects.get(pk=admin.pk)
    org_move(actor=admin, org=county.county, new_parent=city)
    a1 = Org.objects.get(pk=county.station_a1.pk)
    assert a1.path == f"/{city.pk}/{county.county.pk}/{county.township_a.pk}/{a1.pk}/"
    assert a1.depth == 3
    assert Org.objects.get(pk=county.township_b.pk).depth == 2
    assert list(Org.objects.filter(depth=0)) == [city]


def test_cannot_move_under_own_descendant(county):
    admin = county.users["sysadmin"]
    with pytest.raises(ValidationError) as exc:
        org_move(actor=admin, org=county.township_a, new_parent=county.station_a1)
    assert exc.value.message_dict["parent"] == ["不能移动到本机构或其下级之下"]
    county.township_a.refresh_from_db()
    assert county.township_a.parent == county.county


def test_move_to_descendant_via_page_is_refused(county, login):
    ta = county.township_a
    resp = login("sysadmin").post(f"/orgs/{ta.pk}/move/", {"new_parent": county.station_a1.pk})
    assert resp.status_code == 200
    assert "新的上级机构：请从列表中选择" in resp.content.decode()
    ta.refresh_from_db()
    assert ta.parent == county.county


def test_move_outside_scope_is_refused(county, login):
    # An org manager of 东坝镇 only: 西岭乡 is neither offered nor accepted.
    manager = make_user("dongba_admin", "东坝管理员", county.township_a, "sysadmin")
    from django.test import Client

    client = Client()
    client.force_login(manager, backend="qingfeng.accounts.backends.LockoutBackend")
    page = client.get(f"/orgs/{county.station_a1.pk}/move/")
    assert page.status_code == 200
    assert county.township_b not in set(page.context["form"].fields["new_parent"].queryset)
    resp = client.post(f"/orgs/{county.station_a1.pk}/move/", {"new_parent": county.township_b.pk})
    assert resp.status_code == 200
    with pytest.raises(ValidationError, match="无权移动到目标机构下"):
        org_move(actor=manager, org=county.station_a1, new_parent=county.township_b)
    county.station_a1.refresh_from_db()
    assert county.station_a1.parent == county.township_a


@pytest.mark.parametrize("persona", ["county_leader", "other_officer", "informant"])
def test_move_page_needs_manage(county, login, persona):
    client = login(persona)
    assert client.get(f"/orgs/{county.station_a1.pk}/move/").status_code == 404
    resp = client.post(f"/orgs/{county.station_a1.pk}/move/", {"new_parent": county.township_b.pk})
    assert resp.status_code == 404
    county.station_a1.refresh_from_db()
    assert county.station_a1.parent == county.township_a
