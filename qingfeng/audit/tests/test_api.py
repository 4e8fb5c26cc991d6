"""Audit API: same scope and filters as the pages; 401 anonymous, 404 out of scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qingfeng.accounts.models import Role, RoleGrant, User
from qingfeng.accounts.tokens import token_issue
from qingfeng.audit.models import Action, AuditEvent
from qingfeng.audit.services import record
from qingfeng.core.testing import PASSWORD, SmallCounty

LIST = "/api/audit/events"


def detail(pk: int) -> str:
    return f"/api/audit/events/{pk}"


@pytest.fixture
def auditor_b(county: SmallCounty) -> User:
    user = User.objects.create_user(
        username="shenji_b", password=PASSWORD, full_name="西岭审计", org=county.township_b
    )
    RoleGrant.objects.create(
        user=user, role=Role.objects.get(code="auditor"), org=county.township_b
    )
    return user


def test_anonymous_gets_401(chain: list[AuditEvent]) -> None:
    client = Client()
    for url in (LIST, detail(chain[0].pk)):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["detail"] == "未登录或令牌无效"


@pytest.mark.parametrize("persona", ["township_secretary", "other_officer", "county_leader"])
def test_non_auditors_get_404(login: Any, chain: list[AuditEvent], persona: str) -> None:
    client = login(persona)
    assert client.get(LIST).status_code == 404
    assert client.get(detail(chain[0].pk)).json() == {"detail": "未找到", "field": None}


def test_list_newest_first_with_chinese_labels(login: Any, chain: list[AuditEvent]) -> None:
    response = login("auditor").get(LIST)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["seq"] for i in items] == [e.seq for e in reversed(chain)]
    assert items[0]["action_display"] == "修改"
    assert items[0]["object_type_display"] == "监察对象"
    assert response.json()["next_before"] is None


def test_keyset_paging(login: Any, chain: list[AuditEvent]) -> None:
    client = login("auditor")
    first = client.get(LIST, {"limit": 4}).json()
    assert [i["seq"] for i in first["items"]] == [e.seq for e in reversed(chain)][:4]
    assert first["next_before"] == chain[2].seq
    rest = client.get(LIST, {"limit": 4, "before": first["next_before"]}).json()
    assert [i["seq"] for i in rest["items"]] == [chain[1].seq, chain[0].seq]
    assert rest["next_before"] is None


def test_filters(county: SmallCounty, login: Any, chain: list[AuditEvent]) -> None:
    client = login("auditor")
    failed = record(action=Action.LOGIN_FAILED, actor_name="ghost", detail="用户名不存在")

    def seqs(**params: Any) -> list[int]:
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return [i["seq"] for i in response.json()["items"]]

    assert seqs(action="login_failed") == [failed.seq]
    assert seqs(user="ghost") == [failed.seq]
    in_b = [
        e.seq for e in reversed(chain) if e.org_id in (county.township_b.pk, county.station_b1.pk)
    ]
    assert seqs(org=county.township_b.pk) == in_b
    about_a = [e.seq for e in reversed(chain) if e.object_id == str(county.person_a.pk)]
    assert len(about_a) == 5
    assert seqs(object_type="orgs.person", object_id=str(county.person_a.pk)) == about_a
    assert seqs(date_to="2020-01-01") == []


def test_bad_filters_name_the_field(
    county: SmallCounty, login: Any, chain: list[AuditEvent], auditor_b: User
) -> None:
    client = login("auditor")
    bad = client.get(LIST, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert bad.status_code == 400 and bad.json()["field"] == "date_to"
    assert "截止日期不能早于起始日期" in bad.json()["detail"]
    assert client.get(LIST, {"action": "hack"}).json()["field"] == "action"
    assert client.get(LIST, {"date_from": "nope"}).status_code == 422
    assert client.get(LIST, {"limit": 500}).status_code == 422
    b_client = Client()
    b_client.force_login(auditor_b, backend="qingfeng.accounts.backends.LockoutBackend")
    other = b_client.get(LIST, {"org": county.township_a.pk})  # outside 西岭乡
    assert other.status_code == 400 and other.json()["field"] == "org"


def test_township_auditor_scope(
    county: SmallCounty, chain: list[AuditEvent], auditor_b: User
) -> None:
    client = Client()
    client.force_login(auditor_b, backend="qingfeng.accounts.backends.LockoutBackend")
    items = client.get(LIST).json()["items"]
    assert {i["org_id"] for i in items} == {county.township_b.pk, county.station_b1.pk}
    in_a = next(e for e in chain if e.org_id == county.township_a.pk)
    orgless = next(e for e in chain if e.org_id is None)
    assert client.get(detail(in_a.pk)).status_code == 404
    assert client.get(detail(orgless.pk)).status_code == 404
    assert client.get(detail(999_999)).status_code == 404


def test_detail_with_change_rows(county: SmallCounty, chain: list[AuditEvent]) -> None:
    _token, raw = token_issue(user=county.users["auditor"], name="测试")
    event = chain[2]
    response = Client().get(detail(event.pk), headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    body = response.json()
    assert body["seq"] == event.seq and body["digest"] == event.digest
    assert body["changes"] == {"post": ["旧职务2", "新职务2"]}
    assert body["change_rows"] == [
        {"field": "post", "label": "职务", "before": "旧职务2", "after": "新职务2"}
    ]


def test_openapi_has_chinese_summaries(login: Any) -> None:
    paths = login("auditor").get("/api/openapi.json").json()["paths"]
    assert paths[LIST]["get"]["summary"].startswith("审计日志列表")
    assert paths["/api/audit/events/{event_id}"]["get"]["summary"].startswith("审计日志详情")
