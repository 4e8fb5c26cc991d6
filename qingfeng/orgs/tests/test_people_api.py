"""Persons API: scope per persona, masked lists, audited detail, create and patch."""

from typing import Any

import pytest

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.core.testing import SmallCounty, id_number_with_check
from qingfeng.orgs.models import Person

NEW_ID = id_number_with_check("37010219880808004")


def _ids(resp: Any) -> set[str]:
    return {item["name"] for item in resp.json()["items"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_leader", {"李建国", "石秀英"}),
        ("township_secretary", {"李建国"}),
        ("other_officer", {"石秀英"}),
        ("informant", set()),
        ("auditor", set()),
    ],
)
def test_list_is_scoped(login, persona, expected):
    resp = login(persona).get("/api/persons")
    assert resp.status_code == 200
    assert _ids(resp) == expected


def test_list_masks_and_filters(login, county):
    c = login("county_leader")
    data = c.get("/api/persons", {"org": county.township_a.pk}).json()
    assert [i["id_number"] for i in data["items"]] == [county.person_a.masked_id_number]
    assert data["total"] == 1 and data["has_more"] is False
    assert _ids(c.get("/api/persons", {"q": "石"})) == {"石秀英"}
    assert _ids(c.get("/api/persons", {"party": "true"})) == {"李建国"}


def test_list_org_filter_out_of_scope_is_400(login, county):
    resp = login("township_secretary").get("/api/persons", {"org": county.township_b.pk})
    assert resp.status_code == 400
    assert resp.json()["field"] == "org"


def test_anonymous_gets_401(client, county):
    assert client.get("/api/persons").status_code == 401
    assert client.get(f"/api/persons/{county.person_a.pk}").status_code == 401
    assert client.post("/api/persons", {}, content_type="application/json").status_code == 401


def test_detail_full_id_and_audited(login, county):
    resp = login("township_secretary").get(f"/api/persons/{county.person_a.pk}")
    assert resp.status_code == 200
    assert resp.json()["id_number"] == county.person_a.id_number
    assert AuditEvent.objects.filter(action=Action.VIEW, object_id=str(county.person_a.pk)).exists()


@pytest.mark.parametrize("persona", ["other_officer", "informant", "auditor"])
def test_detail_out_of_scope_404(login, county, persona):
    resp = login(persona).get(f"/api/persons/{county.person_a.pk}")
    assert resp.status_code == 404
    assert resp.json()["detail"] == "未找到"
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


def _payload(county: SmallCounty, **over: Any) -> dict[str, Any]:
    data = {
        "name": "王小红",
        "id_number": NEW_ID,
        "unit_id": county.unit_a.pk,
        "category": 5,
        "post": "村委委员",
    }
    data.update(over)
    return data


def test_create(login, county):
    resp = login("township_secretary").post(
        "/api/persons", _payload(county, gender="F"), content_type="application/json"
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["gender"], body["birth_date"], body["org_id"]) == (
        "F",
        "1988-08-08",
        county.station_a1.pk,
    )
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="orgs.person").exists()


@pytest.mark.parametrize(
    ("over", "status", "field"),
    [
        ({"id_number": NEW_ID[:17] + ("1" if NEW_ID[17] != "1" else "2")}, 400, "id_number"),
        ({"gender": "M"}, 400, "gender"),
        ({"birth_date": "1990-01-01"}, 400, "birth_date"),
        ({"category": 7}, 422, "category"),
        ({"name": ""}, 422, "name"),
    ],
)
def test_create_bad_input(login, county, over, status, field):
    resp = login("township_secretary").post(
        "/api/persons", _payload(county, **over), content_type="application/json"
    )
    assert resp.status_code == status
    assert resp.json()["field"] == field
    assert not Person.objects.filter(name="王小红").exists()


def test_create_in_unit_out_of_scope(login, county):
    resp = login("township_secretary").post(
        "/api/persons", _payload(county, unit_id=county.unit_b.pk), content_type="application/json"
    )
    assert resp.status_code == 400
    assert resp.json()["field"] == "unit_id"
    assert Person.objects.count() == 2


def test_create_without_person_manage_is_404(login, county):
    resp = login("county_leader").post(
        "/api/persons", _payload(county), content_type="application/json"
    )
    assert resp.status_code == 404


def test_patch(login, county):
    resp = login("township_secretary").patch(
        f"/api/persons/{county.person_a.pk}",
        {"post": "村主任", "is_active": False},
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    person = Person.objects.get(pk=county.person_a.pk)
    assert (person.post, person.is_active) == ("村主任", False)
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="orgs.person")
    assert event.changes == {"post": ["村党支部书记", "村主任"], "is_active": [True, False]}


@pytest.mark.parametrize("persona", ["other_officer", "county_leader"])
def test_patch_out_of_scope_404(login, county, persona):
    resp = login(persona).patch(
        f"/api/persons/{county.person_a.pk}", {"post": "x"}, content_type="application/json"
    )
    assert resp.status_code == 404
    assert Person.objects.get(pk=county.person_a.pk).post == "村党支部书记"


def test_token_auth(county):
    from django.test import Client

    from qingfeng.accounts.tokens import token_issue

    _token, raw = token_issue(user=county.users["other_officer"], name="测试")
    resp = Client().get("/api/persons", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert resp.status_code == 200
    assert _ids(resp) == {"石秀英"}
    resp = Client().get(f"/api/persons/{county.person_a.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert resp.status_code == 404
