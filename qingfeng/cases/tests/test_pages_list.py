"""The lead list and its Excel export: scope per persona, filters, bad input, the audited
export and bounded query counts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.cases import list_selectors as ls
from qingfeng.cases import services
from qingfeng.cases.models import Lead, LeadClock, LeadClockKind, LeadSource, LeadStatus, Way
from qingfeng.orgs.models import Org

URL = reverse("cases:list")
EXPORT = reverse("cases:export")

PERSONAS = (
    "sysadmin",
    "county_leader",
    "petition_officer",
    "township_secretary",
    "township_officer",
    "other_officer",
    "informant",
    "auditor",
    "dept_head",
)
# Personas holding no lead capability: list and export answer 403 (the menu hides them).
NO_LEAD_CAP = ("petition_officer", "informant", "auditor")

EXPECTED = {
    "sysadmin": {"a", "a2", "b", "county_dept", "county"},
    "county_leader": {"a", "a2", "b", "county_dept", "county"},
    "township_secretary": {"a", "a2"},
    "township_officer": {"a", "a2"},
    "other_officer": {"b"},
    "dept_head": {"county_dept"},
}


def register(
    actor: Any,
    org: Org,
    name: str,
    *,
    source: str = LeadSource.INSPECTION,
    dept: Org | None = None,
    unit: str = "李庄村民委员会",
    post: str = "村党支部书记",
) -> Lead:
    return services.register_lead(
        actor=actor,
        org=org,
        data=services.LeadInput(
            source=source,
            summary=f"反映{name}在低保评定中优亲厚友",
            subject_name=name,
            subject_unit=unit,
            subject_post=post,
            handling_dept_id=dept.pk if dept else None,
        ),
    )


@pytest.fixture
def leads(county) -> dict[str, Lead]:
    u = county.users
    return {
        "a": register(u["township_officer"], county.township_a, "李建国"),
        "a2": register(
            u["township_secretary"], county.township_a, "王小二", source=LeadSource.STATION
        ),
        "b": register(u["other_officer"], county.township_b, "石秀英", unit="石门村民委员会"),
        "county_dept": register(
            u["sysadmin"], county.county, "张局长", dept=county.supervision_dept, unit="县民政局"
        ),
        "county": register(u["sysadmin"], county.county, "赵科长", source=LeadSource.AUDIT),
    }


def numbers(resp: Any) -> set[str]:
    return {r.number for r in resp.context["page"].rows}


def keys(leads: dict[str, Lead], *names: str) -> set[str]:
    return {leads[n].number for n in names}


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_is_scoped_for_each_persona(persona, login, leads):
    resp = login(persona).get(URL)
    if persona in NO_LEAD_CAP:
        assert resp.status_code == 403
        return
    assert resp.status_code == 200
    assert numbers(resp) == keys(leads, *EXPECTED[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_menu_shows_leads_only_to_holders(persona, login, county):
    html = login(persona).get(reverse("core:home")).content.decode()
    assert (URL in html) == (persona not in NO_LEAD_CAP)
    registers = persona not in (*NO_LEAD_CAP, "county_leader")  # view only
    assert (reverse("cases:create") in html) == registers


def test_anonymous_is_sent_to_login(client, leads):
    for url in (URL, EXPORT):
        resp = client.get(url)
        assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]


def test_list_shows_the_columns(county, login, leads):
    LeadClock.objects.create(
        lead=leads["a"],
        kind=LeadClockKind.VERIFICATION,
        org=county.township_a,
        starts_on=timezone.localdate() - dt.timedelta(days=70),
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    resp = login("sysadmin").get(URL)
    html = resp.content.decode()
    for text in ("线索编号", "被反映人/单位职务", "管辖机关/承办部门", "最近时限", "登记时间"):
        assert text in html
    assert reverse("cases:detail", args=[leads["a"].pk]) in html
    assert "李建国" in html and "李庄村民委员会 · 村党支部书记" in html
    assert "巡察移交" in html and "审计移交" in html and "联络站信息" in html
    assert "东坝镇纪委" in html and "第一监督检查室" in html
    assert "待处置" in html
    overdue_on = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    assert f'class="text-danger fw-semibold">{overdue_on}</span>' in html
    assert "已超期" in html


def test_filters(county, login, leads):
    u = county.users
    Lead.objects.filter(pk=leads["a2"].pk).update(
        status=LeadStatus.VERIFICATION, way=Way.VERIFICATION
    )
    old = register(u["township_officer"], county.township_a, "钱老三")
    Lead.objects.filter(pk=old.pk).update(created_at=dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC))
    client = login("sysadmin")

    def got(**params: Any) -> set[str]:
        resp = client.get(URL, params)
        assert resp.status_code == 200, resp.context["form"].errors
        return numbers(resp)

    assert got(status=LeadStatus.VERIFICATION) == keys(leads, "a2")
    assert got(way=Way.VERIFICATION) == keys(leads, "a2")
    assert got(source=LeadSource.AUDIT) == keys(leads, "county")
    assert got(source=LeadSource.STATION) == keys(leads, "a2")
    assert got(org=county.township_a.pk) == keys(leads, "a", "a2") | {old.number}
    assert got(org=county.township_b.pk) == keys(leads, "b")
    assert got(dept=county.supervision_dept.pk) == keys(leads, "county_dept")
    assert got(created_to="2026-01-31") == {old.number}
    assert old.number not in got(created_from="2026-02-01")
    today = timezone.localdate().isoformat()
    assert old.number not in got(created_from=today, created_to=today)
    assert got(q=leads["b"].number) == keys(leads, "b")
    assert got(q=leads["b"].number.lower()) == keys(leads, "b")
    assert got(q="石") == keys(leads, "b")
    assert got(q="秀英") == set()  # a name prefix, not a substring


def test_org_and_dept_filters_stay_in_scope(county, login, leads):
    # Another township is not a choice for a township officer: the field says so, no rows.
    resp = login("other_officer").get(URL, {"org": county.township_a.pk})
    assert resp.status_code == 200
    assert "org" in resp.context["form"].errors
    assert numbers(resp) == set()
    assert "东坝镇纪委" not in resp.content.decode()
    resp = login("township_officer").get(URL, {"dept": county.supervision_dept.pk})
    assert "dept" in resp.context["form"].errors and numbers(resp) == set()
    # A 室主任 is offered their own department.
    resp = login("dept_head").get(URL)
    assert (str(county.supervision_dept.pk), "第一监督检查室") in resp.context["form"].fields[
        "dept"
    ].choices


def test_due_filters_follow_open_clocks(county, login, leads):
    today = timezone.localdate()

    def clock(lead: Lead, due_on: dt.date, met: bool = False) -> None:
        LeadClock.objects.create(
            lead=lead,
            kind=LeadClockKind.ENQUIRY_REPLY,
            org=lead.org,
            starts_on=due_on - dt.timedelta(days=21),
            due_on=due_on,
            met_at=timezone.now() if met else None,
        )

    clock(leads["a"], today - dt.timedelta(days=1))
    clock(leads["a2"], today)
    clock(leads["b"], today + dt.timedelta(days=40))
    clock(leads["county"], today - dt.timedelta(days=5), met=True)
    client = login("sysadmin")
    resp = client.get(URL, {"due": ls.DUE_OVERDUE})
    assert numbers(resp) == keys(leads, "a")
    resp = client.get(URL, {"due": ls.DUE_SOON})
    assert numbers(resp) == keys(leads, "a2")
    # The home to-dos link here.
    assert numbers(client.get(URL, {"status": LeadStatus.PENDING})) == set(
        keys(leads, *EXPECTED["sysadmin"])
    )
    # The other township sees none of 东坝镇's clocks.
    assert numbers(login("other_officer").get(URL, {"due": ls.DUE_OVERDUE})) == set()


def test_bad_filter_input_keeps_it_and_names_the_field(login, leads):
    resp = login("sysadmin").get(
        URL, {"created_from": "2026-05-01", "created_to": "2026-04-01", "status": "nope"}
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "截止日期不能早于起始日期" in html
    assert "状态：请从列表中选择" in html
    assert 'value="2026-05-01"' in html
    assert resp.context["page"].rows == []
    resp = login("sysadmin").get(URL, {"created_from": "2026-13-45"})
    assert "登记日期起：格式不正确" in resp.content.decode()


def test_list_paginates_with_bounded_queries(county, login, django_assert_max_num_queries):
    officer = county.users["township_officer"]
    made = []
    for i in range(23):
        lead = register(officer, county.township_a, f"张{i}")
        made.append(lead)
        LeadClock.objects.create(
            lead=lead,
            kind=LeadClockKind.VERIFICATION,
            org=county.township_a,
            starts_on=timezone.localdate(),
            due_on=timezone.localdate() + dt.timedelta(days=60 - i),
        )
    client = login("township_officer")
    client.get(URL)  # warm up session and content types
    # Fixed whatever the number of rows: session, user, grants, the filter bar's bodies and
    # departments, the page's ids, its rows, their clocks, the capped count.
    with django_assert_max_num_queries(12):
        resp = client.get(URL)
    page = resp.context["page"]
    assert len(page.rows) == 20 and page.total == 23 and page.num_pages == 2
    assert [r.subject_name for r in page.rows[:2]] == ["张22", "张21"]
    assert all(r.next_clock is not None for r in page.rows)
    assert "共 23 件" in resp.content.decode()
    with django_assert_max_num_queries(12):
        resp = client.get(URL, {"page": 2})
    assert [r.subject_name for r in resp.context["page"].rows] == ["张2", "张1", "张0"]


def test_list_function_caps_the_count(county, monkeypatch):
    officer = county.users["township_officer"]
    for i in range(5):
        register(officer, county.township_a, f"王{i}")
    monkeypatch.setattr(ls, "COUNT_CAP", 3)
    monkeypatch.setattr(ls, "PAGE_SIZE", 2)
    page = ls.lead_list(officer, ls.LeadFilters())
    assert (page.total, page.has_more, len(page.rows)) == (3, True, 2)
    assert ls.lead_list(officer, ls.LeadFilters(page=2)).page == 2


# -- export ---------------------------------------------------------------------------------


def _rows(resp: Any) -> list[tuple[Any, ...]]:
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws is not None
    return list(ws.iter_rows(values_only=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_export_is_scoped(persona, login, leads):
    resp = login(persona).get(EXPORT)
    if persona in NO_LEAD_CAP:
        assert resp.status_code == 403
        assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
        return
    rows = _rows(resp)
    assert rows[0][0] == "线索编号"
    assert {r[0] for r in rows[1:]} == keys(leads, *EXPECTED[persona])


def test_export_follows_the_filters_and_is_audited(county, login, leads):
    resp = login("sysadmin").get(EXPORT, {"org": county.township_a.pk, "source": "station"})
    rows = _rows(resp)
    assert len(rows) == 2
    number, name, unit, post, source, org, dept, status = rows[1][:8]
    assert (number, name, unit, post, source, org, dept, status) == (
        leads["a2"].number,
        "王小二",
        "李庄村民委员会",
        "村党支部书记",
        "联络站信息",
        "东坝镇纪委",
        None,
        "待处置",
    )
    assert leads["a2"].summary not in str(rows)  # the summary is not exported
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("seq")
    assert event.actor_id == county.users["sysadmin"].pk
    assert "导出问题线索列表 1 行" in event.detail
    assert "station" in event.detail and "东坝镇纪委" in event.detail


def test_export_with_bad_filters_redirects(login, leads):
    resp = login("sysadmin").get(EXPORT, {"status": "nope"})
    assert resp.status_code == 302 and resp["Location"] == URL
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_export_is_capped_with_a_notice(login, leads, monkeypatch):
    monkeypatch.setattr(ls, "EXPORT_CAP", 2)
    rows = _rows(login("sysadmin").get(EXPORT))
    assert len([r for r in rows[1:] if r[1]]) == 2
    assert "仅导出前 2 件" in str(rows[-1][0])
    assert "（已截断）" in AuditEvent.objects.filter(action=Action.EXPORT).latest("seq").detail
