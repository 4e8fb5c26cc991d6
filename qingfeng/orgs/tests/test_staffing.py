"""Staffing (人员配备): vacancies per township, the roster, quotas and holders."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.core.testing import make_org
from qingfeng.orgs.models import Org, OrgKind, PostHolder, PostKind, StaffPost
from qingfeng.orgs.selectors import StaffingRow, staffing_table

pytestmark = pytest.mark.django_db


def _post(org: Org, kind: str, quota: int, *names: str) -> StaffPost:
    post = StaffPost.objects.create(org=org, kind=kind, quota=quota)
    for name in names:
        PostHolder.objects.create(post=post, name=name)
    return post


@pytest.fixture
def staffed(county):
    """东坝镇: secretary 1/1, officers 2/1; 李庄站: 村纪检委员 2/1, 信息员 1/1; 王屯站: nothing.
    西岭乡: secretary 1/1, 石门站: head 1/1."""
    _post(county.township_a, PostKind.SECRETARY, 1, "孙书记")
    _post(county.township_a, PostKind.OFFICER, 2, "干事甲")
    _post(county.station_a1, PostKind.VILLAGE_MEMBER, 2, "委员甲")
    _post(county.station_a1, PostKind.INFORMANT, 1, "吴信息员")
    _post(county.township_b, PostKind.SECRETARY, 1, "西岭书记")
    _post(county.station_b1, PostKind.STATION_HEAD, 1, "石站长")
    return county


def _sheet(content: bytes) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    return list(ws.iter_rows(values_only=True))


def _cells(row: StaffingRow) -> dict[str, tuple[int, int, int, int | None]]:
    return {c.kind: (c.quota, c.held, c.vacant, c.short_stations) for c in row.cells}


def test_staffing_numbers(staffed):
    rows, total = staffing_table(staffed.users["county_leader"])
    assert [r.org for r in rows] == [staffed.township_a, staffed.township_b]
    a = _cells(rows[0])
    assert rows[0].stations == 2
    assert a[PostKind.SECRETARY] == (1, 1, 0, None)
    assert a[PostKind.DEPUTY] == (1, 0, 1, None)  # no row: default quota 1
    assert a[PostKind.OFFICER] == (2, 1, 1, None)
    assert a[PostKind.SUPERVISION_OFFICE] == (0, 0, 0, None)
    assert a[PostKind.STATION_HEAD] == (2, 0, 2, 2)  # neither station has a head
    assert a[PostKind.VILLAGE_MEMBER] == (3, 1, 2, 2)  # 李庄 2/1 short, 王屯 default 1/0
    assert a[PostKind.INFORMANT] == (2, 1, 1, 1)  # only 王屯 lacks one
    b = _cells(rows[1])
    assert b[PostKind.STATION_HEAD] == (1, 1, 0, 0)
    assert b[PostKind.INFORMANT] == (1, 0, 1, 1)
    t = _cells(total)
    assert total.stations == 3
    assert t[PostKind.SECRETARY] == (2, 2, 0, None)
    assert t[PostKind.VILLAGE_MEMBER] == (4, 1, 3, 3)
    assert total.vacant == rows[0].vacant + rows[1].vacant


def test_surplus_does_not_fill_another_gap(staffed):
    # Two 信息员 at 李庄 (quota 1) do not make up for 王屯's missing one.
    PostHolder.objects.create(
        post=StaffPost.objects.get(org=staffed.station_a1, kind=PostKind.INFORMANT),
        name="第二信息员",
    )
    rows, _total = staffing_table(staffed.users["county_leader"], root=staffed.township_a)
    assert _cells(rows[0])[PostKind.INFORMANT] == (2, 2, 1, 1)


def test_anonymous_is_sent_to_login(client, staffed):
    holder = PostHolder.objects.get(name="吴信息员")
    for url in (
        "/orgs/staffing/",
        "/orgs/staffing/export/",
        "/orgs/staffing/roster/",
        "/orgs/staffing/roster/export/",
        f"/orgs/staffing/org/{staffed.township_a.pk}/",
        f"/orgs/staffing/holders/new/?org={staffed.station_a1.pk}",
    ):
        resp = client.get(url)
        assert resp.status_code == 302, url
        assert resp["Location"].startswith("/accounts/login/")
    resp = client.post(f"/orgs/staffing/holders/{holder.pk}/remove/")
    assert resp.status_code == 302
    assert PostHolder.objects.filter(pk=holder.pk).exists()


@pytest.mark.parametrize(
    ("persona", "towns"),
    [
        ("sysadmin", ["东坝镇纪委", "西岭乡纪委"]),
        ("county_leader", ["东坝镇纪委", "西岭乡纪委"]),
        ("petition_officer", ["东坝镇纪委", "西岭乡纪委"]),
        ("township_secretary", ["东坝镇纪委"]),
        ("other_officer", ["西岭乡纪委"]),
        ("informant", []),  # no staffing.view
        ("auditor", []),
    ],
)
def test_staffing_page_follows_scope(staffed, login, persona, towns):
    resp = login(persona).get("/orgs/staffing/")
    assert resp.status_code == 200
    assert [r.name for r in resp.context["page_obj"]] == towns


def test_staffing_page_renders_totals(staffed, login):
    html = login("county_leader").get("/orgs/staffing/").content.decode()
    assert 'id="qf-staffing-total"' in html
    assert "信息员/联络员" in html and "缺配站" in html


def test_staffing_page_query_count(staffed, login, django_assert_max_num_queries):
    for i in range(12):
        town = make_org(f"测试镇{i}", f"TX{i:02d}", OrgKind.TOWNSHIP, staffed.county)
        _post(town, PostKind.SECRETARY, 1, f"书记{i}")
        for j in range(3):
            station = make_org(f"测试镇{i}站{j}", f"TX{i:02d}-{j}", OrgKind.STATION, town)
            _post(station, PostKind.INFORMANT, 1, f"信息员{i}-{j}")
    client = login("county_leader")
    with django_assert_max_num_queries(11):
        resp = client.get("/orgs/staffing/")
    assert len(resp.context["page_obj"]) == 14
    assert _cells(resp.context["total"])[PostKind.INFORMANT][1] == 37


def test_staffing_filter_by_org(staffed, login):
    resp = login("county_leader").get(f"/orgs/staffing/?org={staffed.township_b.pk}")
    assert [r.name for r in resp.context["page_obj"]] == ["西岭乡纪委"]


def test_staffing_export_is_audited(staffed, login):
    resp = login("township_secretary").get("/orgs/staffing/export/")
    assert resp.status_code == 200
    rows = _sheet(resp.content)
    assert rows[0][:4] == ("乡镇（街道）", "所属县（区）", "联络站数", "纪委书记应配")
    assert [r[0] for r in rows[1:]] == ["东坝镇纪委", "合计"]
    assert (
        AuditEvent.objects.filter(action=Action.EXPORT, detail__startswith="导出人员配备").count()
        == 1
    )


# --- Roster -------------------------------------------------------------------------------


def test_roster_filters_and_scope(staffed, login):
    client = login("county_leader")
    resp = client.get("/orgs/staffing/roster/?kind=informant")
    assert [h.name for h in resp.context["page_obj"]] == ["吴信息员"]
    resp = client.get(f"/orgs/staffing/roster/?org={staffed.township_b.pk}")
    assert {h.name for h in resp.context["page_obj"]} == {"西岭书记", "石站长"}
    resp = client.get("/orgs/staffing/roster/?q=委员")
    assert [h.name for h in resp.context["page_obj"]] == ["委员甲"]
    other = login("other_officer").get("/orgs/staffing/roster/")
    assert {h.name for h in other.context["page_obj"]} == {"西岭书记", "石站长"}
    assert login("informant").get("/orgs/staffing/roster/").context["page_obj"].paginator.count == 0


def test_roster_export_is_audited(staffed, login):
    resp = login("other_officer").get("/orgs/staffing/roster/export/")
    rows = _sheet(resp.content)
    assert {r[0] for r in rows[1:]} == {"西岭书记", "石站长"}
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == 1


# --- One org's posts, quotas, holders -----------------------------------------------------


@pytest.mark.parametrize("persona", ["county_leader", "township_secretary", "petition_officer"])
def test_org_page_in_scope(staffed, login, persona):
    resp = login(persona).get(f"/orgs/staffing/org/{staffed.township_a.pk}/")
    assert resp.status_code == 200
    assert "委员甲" in resp.content.decode()  # its stations' holders are listed too


@pytest.mark.parametrize("persona", ["other_officer", "informant", "auditor"])
def test_org_page_out_of_scope_is_404(staffed, login, persona):
    client = login(persona)
    assert client.get(f"/orgs/staffing/org/{staffed.township_a.pk}/").status_code == 404
    assert client.get(f"/orgs/staffing/org/{staffed.station_a1.pk}/").status_code == 404


def test_org_page_only_for_orgs_with_posts(staffed, login):
    assert login("county_leader").get(f"/orgs/staffing/org/{staffed.county.pk}/").status_code == 404


def test_set_quota(staffed, login):
    client = login("township_secretary")
    resp = client.post(
        f"/orgs/staffing/org/{staffed.township_a.pk}/", {"kind": PostKind.OFFICER, "quota": "3"}
    )
    assert resp.status_code == 302
    assert StaffPost.objects.get(org=staffed.township_a, kind=PostKind.OFFICER).quota == 3
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="orgs.staffpost")
    assert event.changes == {"quota": [2, 3]}
    resp = client.post(
        f"/orgs/staffing/org/{staffed.township_a.pk}/", {"kind": PostKind.DEPUTY, "quota": "1"}
    )
    assert StaffPost.objects.get(org=staffed.township_a, kind=PostKind.DEPUTY).quota == 1


def test_set_quota_bad_input(staffed, login):
    client = login("township_secretary")
    resp = client.post(
        f"/orgs/staffing/org/{staffed.township_a.pk}/", {"kind": PostKind.OFFICER, "quota": "-1"}
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "应配人数：不能小于 0" in html
    assert 'value="-1"' in html
    resp = client.post(
        f"/orgs/staffing/org/{staffed.township_a.pk}/", {"kind": PostKind.INFORMANT, "quota": "2"}
    )
    assert "岗位：请从列表中选择" in resp.content.decode()  # a township has no 信息员 post
    assert StaffPost.objects.get(org=staffed.township_a, kind=PostKind.OFFICER).quota == 2
    assert not StaffPost.objects.filter(org=staffed.township_a, kind=PostKind.INFORMANT).exists()


@pytest.mark.parametrize("persona", ["county_leader", "other_officer", "informant"])
def test_set_quota_needs_staffing_manage(staffed, login, persona):
    resp = login(persona).post(
        f"/orgs/staffing/org/{staffed.township_a.pk}/", {"kind": PostKind.OFFICER, "quota": "9"}
    )
    assert resp.status_code == 404
    assert StaffPost.objects.get(org=staffed.township_a, kind=PostKind.OFFICER).quota == 2


def test_add_holder(staffed, login):
    client = login("township_secretary")
    url = f"/orgs/staffing/holders/new/?org={staffed.station_a2.pk}&kind=informant"
    assert client.get(url).status_code == 200
    resp = client.post(
        url,
        {
            "kind": PostKind.INFORMANT,
            "name": "王信息员",
            "phone": "13800000000",
            "started_on": "2026-01-05",
        },
    )
    assert resp.status_code == 302
    assert resp["Location"] == f"/orgs/staffing/org/{staffed.township_a.pk}/"
    holder = PostHolder.objects.get(name="王信息员")
    assert holder.post.org == staffed.station_a2 and holder.post.quota == 1
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="orgs.postholder")
    assert event.changes["after"]["started_on"] == "2026-01-05"
    rows, _total = staffing_table(staffed.users["township_secretary"])
    assert _cells(rows[0])[PostKind.INFORMANT] == (2, 2, 0, 0)


def test_add_holder_bad_input_keeps_input(staffed, login):
    client = login("township_secretary")
    url = f"/orgs/staffing/holders/new/?org={staffed.station_a2.pk}"
    resp = client.post(url, {"kind": PostKind.INFORMANT, "name": "", "phone": "abc"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "姓名：此项为必填项" in html and "联系电话：格式不正确" in html
    assert 'value="abc"' in html
    resp = client.post(url, {"kind": PostKind.SECRETARY, "name": "张三"})
    assert "岗位：请从列表中选择" in resp.content.decode()  # a station has no secretary
    resp = client.post(
        f"/orgs/staffing/holders/new/?org={staffed.station_a1.pk}",
        {"kind": PostKind.INFORMANT, "name": "吴信息员"},
    )
    assert "姓名：“吴信息员”已在该岗位上" in resp.content.decode()
    assert PostHolder.objects.count() == 6


@pytest.mark.parametrize("persona", ["county_leader", "other_officer", "informant"])
def test_add_holder_needs_staffing_manage(staffed, login, persona):
    client = login(persona)
    url = f"/orgs/staffing/holders/new/?org={staffed.station_a2.pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": PostKind.INFORMANT, "name": "X"}).status_code == 404
    assert not PostHolder.objects.filter(name="X").exists()


def test_remove_holder(staffed, login):
    holder = PostHolder.objects.get(name="委员甲")
    client = login("township_secretary")
    assert client.get(f"/orgs/staffing/holders/{holder.pk}/remove/").status_code == 405
    resp = client.post(f"/orgs/staffing/holders/{holder.pk}/remove/")
    assert resp.status_code == 302
    assert not PostHolder.objects.filter(pk=holder.pk).exists()
    event = AuditEvent.objects.get(action=Action.DELETE, object_type="orgs.postholder")
    assert event.changes == {"before": {"post": PostKind.VILLAGE_MEMBER, "name": "委员甲"}}


@pytest.mark.parametrize("persona", ["county_leader", "other_officer", "informant"])
def test_remove_holder_needs_staffing_manage(staffed, login, persona):
    holder = PostHolder.objects.get(name="委员甲")
    assert login(persona).post(f"/orgs/staffing/holders/{holder.pk}/remove/").status_code == 404
    assert PostHolder.objects.filter(pk=holder.pk).exists()
