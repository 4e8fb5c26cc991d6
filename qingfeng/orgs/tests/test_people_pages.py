"""Person pages: scope per persona, audit of views and exports, query counts, forms."""

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.core.testing import SmallCounty, id_number_with_check
from qingfeng.orgs.models import Gender, Person, PersonCategory, Unit, UnitKind

LIST = reverse("orgs:persons")


def _names(resp: Any) -> set[str]:
    return {p.name for p in resp.context["page"].rows}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("sysadmin", {"李建国", "石秀英"}),
        ("county_leader", {"李建国", "石秀英"}),
        ("petition_officer", {"李建国", "石秀英"}),
        ("township_secretary", {"李建国"}),
        ("other_officer", {"石秀英"}),
    ],
)
def test_list_is_scoped(login, persona, expected):
    resp = login(persona).get(LIST)
    assert resp.status_code == 200
    assert _names(resp) == expected


@pytest.mark.parametrize("persona", ["informant", "auditor"])
def test_list_without_person_view_is_not_found(login, persona):
    assert login(persona).get(LIST).status_code == 404


def test_anonymous_is_sent_to_login(client, county):
    for url in (
        LIST,
        reverse("orgs:person_detail", args=[county.person_a.pk]),
        reverse("orgs:persons_export"),
        reverse("orgs:import_persons"),
    ):
        resp = client.get(url)
        assert resp.status_code == 302
        assert "/accounts/login" in resp["Location"]


def test_list_masks_id_numbers(login, county):
    resp = login("township_secretary").get(LIST)
    body = resp.content.decode()
    assert county.person_a.masked_id_number in body
    assert county.person_a.id_number not in body


def test_list_filters(login, county):
    c = login("county_leader")
    assert _names(c.get(LIST, {"org": county.township_b.pk})) == {"石秀英"}
    assert _names(c.get(LIST, {"q": "李"})) == {"李建国"}
    assert _names(c.get(LIST, {"q": "建国"})) == set()  # prefix match only
    assert _names(c.get(LIST, {"q": county.person_b.id_number[:10]})) == {"石秀英"}
    assert _names(c.get(LIST, {"party": "1"})) == {"李建国"}
    assert _names(c.get(LIST, {"party": "0"})) == {"石秀英"}
    assert _names(c.get(LIST, {"category": "5", "active": "1"})) == {"李建国", "石秀英"}
    assert _names(c.get(LIST, {"category": "1"})) == set()
    resp = c.get(LIST, {"org": county.township_a.pk, "unit": county.unit_a.pk})
    assert _names(resp) == {"李建国"}
    assert "李庄村民委员会" in resp.content.decode()


def test_filter_by_org_outside_scope_is_refused(login, county):
    resp = login("township_secretary").get(LIST, {"org": county.township_b.pk})
    assert resp.status_code == 200
    assert _names(resp) == set()
    assert "请从列表中选择" in resp.content.decode()


def _add_persons(county: SmallCounty, n: int, *, start: int = 100) -> None:
    Person.objects.bulk_create(
        Person(
            name=f"测试{i}",
            gender=Gender.MALE,
            id_number=id_number_with_check(f"370102198001{i:05d}"),
            birth_date="1980-01-01",
            unit=county.unit_a,
            org=county.unit_a.org,
            category=PersonCategory.CIVIL_SERVANT,
        )
        for i in range(start, start + n)
    )


def test_list_pages_and_query_count(login, county, django_assert_max_num_queries):
    _add_persons(county, 45)
    c = login("township_secretary")
    # 7 are fixed costs of any page (session read/save, user, grants, user.org, savepoint);
    # the list adds the chosen org, org and unit choices, the org-share count, the page
    # and the capped count — the same for 45 rows as for a million.
    with django_assert_max_num_queries(13):
        resp = c.get(LIST, {"org": county.township_a.pk})
    page = resp.context["page"]
    assert (page.total, page.num_pages, len(page.rows)) == (46, 3, 20)
    assert page.rows[0].name == "测试144"  # newest first
    with django_assert_max_num_queries(13):
        resp = c.get(LIST, {"org": county.township_a.pk, "page": 3})
    assert [p.name for p in resp.context["page"].rows][-2:] == ["测试100", "李建国"]
    assert "第 3/3 页" in resp.content.decode()
    # A page past the end shows the last page.
    assert c.get(LIST, {"page": 99}).context["page"].page == 3


def test_count_is_capped(login, county, monkeypatch):
    from qingfeng.orgs import people_selectors

    monkeypatch.setattr(people_selectors, "COUNT_CAP", 30)
    _add_persons(county, 40)
    resp = login("township_secretary").get(LIST)
    page = resp.context["page"]
    assert page.has_more and page.total == 30
    assert "超过 30 条" in resp.content.decode()


# --- detail -------------------------------------------------------------------------------


def test_detail_shows_full_id_and_is_audited(login, county):
    url = reverse("orgs:person_detail", args=[county.person_a.pk])
    resp = login("township_secretary").get(url)
    assert resp.status_code == 200
    assert county.person_a.id_number in resp.content.decode()
    event = AuditEvent.objects.get(action=Action.VIEW)
    assert event.object_id == str(county.person_a.pk)
    assert event.actor == county.users["township_secretary"]


@pytest.mark.parametrize("persona", ["other_officer", "informant", "auditor"])
def test_detail_out_of_scope_is_404_and_not_audited(login, county, persona):
    url = reverse("orgs:person_detail", args=[county.person_a.pk])
    assert login(persona).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


def test_missing_person_is_404(login):
    assert login("sysadmin").get(reverse("orgs:person_detail", args=[999999])).status_code == 404


# --- export -------------------------------------------------------------------------------


def test_export_is_scoped_masked_and_audited(login, county):
    resp = login("township_secretary").get(reverse("orgs:persons_export"), {"party": "1"})
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "姓名"
    assert [r[0] for r in rows[1:]] == ["李建国"]
    assert rows[1][2] == county.person_a.masked_id_number
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.changes["count"] == 1
    assert event.changes["filters"] == {"party": "1"}


def test_export_is_capped_with_notice(login, county, monkeypatch):
    from qingfeng.orgs import people_selectors

    monkeypatch.setattr(people_selectors, "EXPORT_CAP", 3)
    _add_persons(county, 5)
    resp = login("township_secretary").get(reverse("orgs:persons_export"))
    ws = load_workbook(io.BytesIO(resp.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 1 + 3 + 1
    assert str(rows[-1][0]).startswith("注：")
    assert AuditEvent.objects.get(action=Action.EXPORT).changes["truncated"] is True


def test_export_without_person_view_is_404(login):
    assert login("informant").get(reverse("orgs:persons_export")).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


# --- create / edit ------------------------------------------------------------------------

NEW_ID = id_number_with_check("37010219880808004")


def _form(county: SmallCounty, **over: Any) -> dict[str, Any]:
    data = {
        "name": "王小红",
        "id_number": NEW_ID,
        "unit": county.unit_a.pk,
        "post": "村委委员",
        "category": "5",
        "phone": "13800000000",
        "is_active": "on",
    }
    data.update(over)
    return data


def test_create_person_derives_birth_and_gender(login, county):
    resp = login("township_secretary").post(reverse("orgs:person_create"), _form(county))
    person = Person.objects.get(id_number=NEW_ID)
    assert resp.status_code == 302
    assert resp["Location"] == reverse("orgs:person_detail", args=[person.pk])
    assert (person.gender, str(person.birth_date)) == ("F", "1988-08-08")
    assert person.org == county.unit_a.org
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="orgs.person")
    assert event.changes["id_number"] == person.masked_id_number


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", NEW_ID[:17] + ("1" if NEW_ID[17] != "1" else "2"), "身份证号校验位错误"),
        ("id_number", "123", "身份证号应为18位"),
        ("name", "", "此项为必填项"),
        ("category", "9", "请从列表中选择"),
    ],
)
def test_create_bad_input_names_field_and_keeps_input(login, county, field, value, message):
    resp = login("township_secretary").post(
        reverse("orgs:person_create"), _form(county, **{field: value})
    )
    assert resp.status_code == 200
    assert message in resp.content.decode()
    assert field in resp.context["form"].errors
    assert "13800000000" in resp.content.decode()  # input kept
    assert not Person.objects.filter(name="王小红").exists()


def test_create_duplicate_id_number(login, county):
    resp = login("township_secretary").post(
        reverse("orgs:person_create"), _form(county, id_number=county.person_b.id_number)
    )
    assert "该身份证号已登记" in resp.content.decode()
    assert Person.objects.count() == 2


def test_create_in_unit_out_of_scope_is_refused(login, county):
    resp = login("township_secretary").post(
        reverse("orgs:person_create"), _form(county, unit=county.unit_b.pk)
    )
    assert resp.status_code == 200
    assert "单位不存在或不在您的管辖范围内" in resp.content.decode()
    assert not Person.objects.filter(id_number=NEW_ID).exists()


@pytest.mark.parametrize("persona", ["other_officer", "county_leader", "informant"])
def test_create_needs_person_manage(login, persona):
    assert login(persona).get(reverse("orgs:person_create")).status_code == 404


def test_edit_person(login, county):
    c = login("township_secretary")
    url = reverse("orgs:person_edit", args=[county.person_a.pk])
    assert c.get(url).status_code == 200
    Unit.objects.create(
        name="王屯村委会", code="U-A2", kind=UnitKind.VILLAGE, org=county.station_a2
    )
    unit2 = Unit.objects.get(code="U-A2")
    resp = c.post(
        url,
        _form(
            county,
            name="李建国",
            id_number=county.person_a.id_number,
            unit=unit2.pk,
            post="村主任",
            is_party_member="on",
        ),
    )
    assert resp.status_code == 302
    person = Person.objects.get(pk=county.person_a.pk)
    assert (person.post, person.unit, person.org) == ("村主任", unit2, county.station_a2)
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="orgs.person")
    assert event.changes["post"] == ["村党支部书记", "村主任"]
    assert event.changes["org"] == [county.station_a1.pk, county.station_a2.pk]


@pytest.mark.parametrize("persona", ["other_officer", "county_leader"])
def test_edit_out_of_scope_is_404(login, county, persona):
    url = reverse("orgs:person_edit", args=[county.person_a.pk])
    c = login(persona)
    assert c.get(url).status_code == 404
    assert c.post(url, _form(county)).status_code == 404
    assert Person.objects.get(pk=county.person_a.pk).name == "李建国"


@pytest.mark.parametrize("share", [0.0, 1.01])
def test_wide_and_narrow_reads_agree(login, county, monkeypatch, share):
    """Both ways of reading a page (primary-key walk / per-org ids) give the same rows."""
    from qingfeng.orgs import people_selectors

    monkeypatch.setattr(people_selectors, "WIDE_SHARE", share)
    _add_persons(county, 30)
    c = login("county_leader")
    first = [p.name for p in c.get(LIST).context["page"].rows]
    assert first == [f"测试{i}" for i in range(129, 109, -1)]
    second = [p.name for p in c.get(LIST, {"page": 2}).context["page"].rows]
    assert second == [*[f"测试{i}" for i in range(109, 99, -1)], "石秀英", "李建国"]
    assert [p.name for p in c.get(LIST, {"unit": ""}).context["page"].rows] == first


def _org_labels(resp: Any) -> list[str]:
    return [label.strip("\u3000") for _, label in resp.context["form"].fields["org"].choices]


def test_org_filter_is_a_short_drill_down(login, county):
    c = login("county_leader")
    assert _org_labels(c.get(LIST)) == [
        "全部",
        "清河县纪委监委",
        "信访室",
        "第一监督检查室",
        "东坝镇纪委",
        "西岭乡纪委",
    ]
    assert _org_labels(c.get(LIST, {"org": county.township_a.pk})) == [
        "全部",
        "清河县纪委监委",
        "东坝镇纪委",
        "东坝镇李庄村联络站",
        "东坝镇王屯村联络站",
    ]


def test_unit_filter_waits_for_a_small_enough_org(login, county, monkeypatch):
    from qingfeng.orgs import people_selectors

    c = login("county_leader")
    assert c.get(LIST).context["form"].fields["unit"].disabled
    form = c.get(LIST, {"org": county.county.pk}).context["form"]
    assert not form.fields["unit"].disabled
    monkeypatch.setattr(people_selectors, "FILTER_UNIT_LIMIT", 1)
    resp = c.get(LIST, {"org": county.county.pk, "unit": county.unit_a.pk})
    assert resp.context["form"].fields["unit"].disabled
    assert "单位较多，请先选择下级机构" in resp.content.decode()
    assert _names(resp) == {"李建国", "石秀英"}  # the unit filter is not applied
