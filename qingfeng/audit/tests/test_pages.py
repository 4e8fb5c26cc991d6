"""Auditor pages: personas, scope, filters, keyset pages, export and the chain check."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qingfeng.accounts.models import Role, RoleGrant, User
from qingfeng.audit import export as export_module
from qingfeng.audit import views
from qingfeng.audit.models import Action, AuditEvent
from qingfeng.audit.selectors import events_visible_to
from qingfeng.audit.services import record
from qingfeng.core.testing import PASSWORD, SmallCounty

EVENTS = reverse("audit:events")
EXPORT = reverse("audit:export")
VERIFY = reverse("audit:verify")
NOT_AUDITORS = (
    "county_leader",
    "petition_officer",
    "township_secretary",
    "other_officer",
    "informant",
)


@pytest.fixture
def auditor_b(county: SmallCounty) -> User:
    """An auditor granted audit.view on 西岭乡 (township_b) and below only."""
    user = User.objects.create_user(
        username="shenji_b", password=PASSWORD, full_name="西岭审计", org=county.township_b
    )
    RoleGrant.objects.create(
        user=user, role=Role.objects.get(code="auditor"), org=county.township_b
    )
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="qingfeng.accounts.backends.LockoutBackend")
    return client


def shown_details(response: Any) -> set[str]:
    return {e.detail for e in response.context["page"].events}


# --- personas -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["auditor", "sysadmin"])
def test_auditors_get_the_log(login: Any, chain: list[AuditEvent], persona: str) -> None:
    response = login(persona).get(EVENTS)
    assert response.status_code == 200
    assert "审计日志" in response.content.decode()
    assert shown_details(response) == {e.detail for e in chain}


@pytest.mark.parametrize("persona", NOT_AUDITORS)
def test_other_personas_get_404(login: Any, chain: list[AuditEvent], persona: str) -> None:
    client = login(persona)
    assert client.get(EVENTS).status_code == 404
    assert client.get(reverse("audit:event", args=[chain[0].pk])).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert client.post(VERIFY).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_anonymous_is_redirected_to_login(chain: list[AuditEvent]) -> None:
    for url in (EVENTS, reverse("audit:event", args=[chain[0].pk]), EXPORT):
        response = Client().get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    assert Client().post(VERIFY).status_code == 302


def test_menu_links_the_log_for_auditors_only(login: Any) -> None:
    assert EVENTS in login("auditor").get("/").content.decode()
    assert EVENTS not in login("township_secretary").get("/").content.decode()


# --- scope ----------------------------------------------------------------------------


def test_township_auditor_sees_only_own_subtree(
    county: SmallCounty, chain: list[AuditEvent], auditor_b: User
) -> None:
    in_b = [e for e in chain if e.org_id in (county.township_b.pk, county.station_b1.pk)]
    assert len(in_b) == 2
    response = client_for(auditor_b).get(EVENTS)
    assert response.status_code == 200
    assert shown_details(response) == {e.detail for e in in_b}
    assert set(events_visible_to(auditor_b)) == set(in_b)


def test_orgless_events_only_for_root_auditors(
    county: SmallCounty, chain: list[AuditEvent], auditor_b: User
) -> None:
    failed = record(action=Action.LOGIN_FAILED, actor_name="nobody", detail="用户名不存在")
    assert failed.org_id is None
    root = county.users["auditor"]
    assert failed in events_visible_to(root)
    assert failed not in events_visible_to(auditor_b)
    assert client_for(auditor_b).get(reverse("audit:event", args=[failed.pk])).status_code == 404
    page = client_for(root).get(reverse("audit:event", args=[failed.pk]))
    assert page.status_code == 200 and "nobody" in page.content.decode()


def test_detail_out_of_scope_answers_404_like_missing(
    county: SmallCounty, chain: list[AuditEvent], auditor_b: User
) -> None:
    client = client_for(auditor_b)
    in_a = next(e for e in chain if e.org_id == county.township_a.pk)
    in_b = next(e for e in chain if e.org_id == county.township_b.pk)
    assert client.get(reverse("audit:event", args=[in_a.pk])).status_code == 404
    assert client.get(reverse("audit:event", args=[999_999])).status_code == 404
    assert client.get(reverse("audit:event", args=[in_b.pk])).status_code == 200


def test_org_filter_offers_only_scope(
    county: SmallCounty, chain: list[AuditEvent], auditor_b: User
) -> None:
    client = client_for(auditor_b)
    choices = {o.pk for o in client.get(EVENTS).context["form"].fields["org"].queryset}
    assert choices == {county.township_b.pk, county.station_b1.pk}
    response = client.get(EVENTS, {"org": county.township_a.pk})
    assert response.context["page"] is None
    assert "请从列表中选择" in response.content.decode()


# --- detail ---------------------------------------------------------------------------


def test_detail_shows_before_after_table(login: Any, chain: list[AuditEvent]) -> None:
    event = chain[1]
    response = login("auditor").get(reverse("audit:event", args=[event.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "旧职务1" in html and "新职务1" in html
    assert "职务" in html  # the Person.post verbose name
    assert event.digest in html


# --- filters --------------------------------------------------------------------------


def test_filters(county: SmallCounty, login: Any, chain: list[AuditEvent]) -> None:
    client = login("auditor")
    login_event = record(
        action=Action.LOGIN, actor=county.users["other_officer"], org=county.township_b
    )
    failed = record(action=Action.LOGIN_FAILED, actor_name="ghost", detail="用户名不存在")

    def seqs(**params: Any) -> set[int]:
        response = client.get(EVENTS, params)
        assert response.status_code == 200, response.context["form"].errors
        return {e.seq for e in response.context["page"].events}

    all_chain = {e.seq for e in chain}
    assert seqs(action="login") == {login_event.seq}
    assert seqs(user="dongba") == all_chain  # username
    assert seqs(user="孙") == all_chain  # part of the name
    assert seqs(user="周干事") == {login_event.seq}
    assert seqs(user="ghost") == {failed.seq}  # failed login with no account
    in_b = {e.seq for e in chain if e.org_id in (county.township_b.pk, county.station_b1.pk)}
    assert seqs(org=county.township_b.pk) == in_b | {login_event.seq}  # with its stations
    about_a = {e.seq for e in chain if e.object_id == str(county.person_a.pk)}
    assert len(about_a) == 5
    assert seqs(object_type="orgs.person", object_id=county.person_a.pk) == about_a
    assert seqs(object_type="orgs.person", object_id=county.person_b.pk) == set()
    today = timezone.localdate()
    everything = all_chain | {login_event.seq, failed.seq}
    assert seqs(date_from=today.isoformat(), date_to=today.isoformat()) == everything
    assert seqs(date_from=(today + dt.timedelta(days=1)).isoformat()) == set()
    assert seqs(date_to=(today - dt.timedelta(days=1)).isoformat()) == set()


def test_bad_filter_names_field_keeps_input(login: Any, chain: list[AuditEvent]) -> None:
    response = login("auditor").get(
        EVENTS, {"date_from": "2026-05-02", "date_to": "2026-05-01", "user": "孙书记"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "截止日期：截止日期不能早于起始日期" in html
    assert 'value="2026-05-02"' in html and 'value="孙书记"' in html
    response = login("auditor").get(EVENTS, {"object_id": "5"})
    assert "对象类型：按对象编号查询时请选择对象类型" in response.content.decode()
    response = login("auditor").get(EVENTS, {"action": "hack"})
    assert "操作：请从列表中选择" in response.content.decode()


# --- pages and query count ------------------------------------------------------------


def test_keyset_pages_and_query_count(
    county: SmallCounty, login: Any, django_assert_max_num_queries: Any
) -> None:
    orgs = [county.township_a, county.township_b, county.station_a1, None]
    events = [
        record(action=Action.VIEW, org=orgs[i % 4], detail=f"查看{i}", actor_name="x")
        for i in range(60)
    ]
    client = login("auditor")
    client.get(EVENTS)  # warm caches (session, content types)
    # session, user, user.org, grants, session save (3) + org options and the page itself;
    # the same for 60 rows in four orgs as for one: no per-row query.
    with django_assert_max_num_queries(9):
        first = client.get(EVENTS)
    page = first.context["page"]
    assert [e.seq for e in page.events] == [e.seq for e in reversed(events)][:50]
    assert page.newer is None and page.older == events[10].seq
    assert f"before={page.older}" in first.content.decode()
    with django_assert_max_num_queries(9):
        second = client.get(EVENTS, {"before": page.older})
    page2 = second.context["page"]
    assert [e.seq for e in page2.events] == [e.seq for e in reversed(events[:10])]
    assert page2.older is None and page2.newer == events[9].seq
    back = client.get(EVENTS, {"after": page2.newer}).context["page"]
    assert [e.seq for e in back.events] == [e.seq for e in reversed(events[10:])]
    assert back.older == events[10].seq


def test_times_shown_in_local_time(login: Any, chain: list[AuditEvent]) -> None:
    local = timezone.localtime(chain[0].at).strftime("%Y-%m-%d %H:%M:%S")
    assert local in login("auditor").get(EVENTS).content.decode()


# --- export ---------------------------------------------------------------------------


def read_xlsx(response: Any) -> list[tuple[Any, ...]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_export_filtered_rows_and_audit_it(
    county: SmallCounty, chain: list[AuditEvent], auditor_b: User
) -> None:
    response = client_for(auditor_b).get(EXPORT, {"action": "update"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = read_xlsx(response)
    assert rows[0][:5] == ("序号", "时间", "操作人", "机构", "操作")
    in_b = [e for e in chain if e.org_id in (county.township_b.pk, county.station_b1.pk)]
    assert sorted(r[0] for r in rows[1:]) == sorted(e.seq for e in in_b)
    assert {r[4] for r in rows[1:]} == {"修改"}
    exported = AuditEvent.objects.get(action=Action.EXPORT)
    assert exported.actor_id == auditor_b.pk and exported.org_id == county.township_b.pk
    assert "导出审计日志 2 条" in exported.detail and "操作=修改" in exported.detail
    assert exported.changes["filters"]["action"] == "update"
    assert exported.changes["rows"] == 2


def test_export_capped_with_notice(
    login: Any, chain: list[AuditEvent], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_module, "EXPORT_LIMIT", 4)
    rows = read_xlsx(login("auditor").get(EXPORT))
    assert [r[0] for r in rows[1:5]] == [e.seq for e in reversed(chain)][:4]
    assert "仅导出最新的 4 条" in str(rows[5][0])
    exported = AuditEvent.objects.get(action=Action.EXPORT)
    assert exported.changes["cut"] is True and "已截断" in exported.detail


def test_export_bad_filter_writes_nothing(login: Any, chain: list[AuditEvent]) -> None:
    response = login("auditor").get(EXPORT, {"date_from": "not-a-date"})
    assert response.status_code == 400
    assert "起始日期" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


# --- verify button --------------------------------------------------------------------


def test_verify_button_runs_the_check(login: Any, chain: list[AuditEvent]) -> None:
    client = login("auditor")
    assert VERIFY in client.get(EVENTS).content.decode()
    response = client.post(VERIFY)
    assert response.status_code == 200
    assert "审计日志链校验通过" in response.content.decode()
    assert client.get(VERIFY).status_code == 405


def test_verify_button_names_tampered_row(
    login: Any, chain: list[AuditEvent], unguarded: None
) -> None:
    victim = chain[3]
    AuditEvent.objects.filter(pk=victim.pk).update(detail="改过")
    html = login("auditor").post(VERIFY).content.decode()
    assert f"第{victim.seq}条记录内容被篡改（id={victim.pk}" in html
    assert "只追加保护" in html  # the lifted guard is reported


def test_verify_not_for_township_auditor(chain: list[AuditEvent], auditor_b: User) -> None:
    client = client_for(auditor_b)
    assert VERIFY not in client.get(EVENTS).content.decode()
    assert client.post(VERIFY).status_code == 404


def test_verify_refuses_huge_log_online(
    login: Any, chain: list[AuditEvent], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "ONLINE_VERIFY_LIMIT", 3)
    html = login("auditor").post(VERIFY).content.decode()
    assert "超过在线校验上限" in html and "verify_audit" in html
