"""Report list, Excel export, search page and list API: filters, scope per persona,
query counts, and the reporter's identity never leaving the system."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.core.testing import id_number_with_check
from qingfeng.intake import list_selectors as ls
from qingfeng.intake import services
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel, Clock, Report, ReportClass, Status

REPORTER_NAME = "张秘密"
REPORTER_PHONE = "13912345678"
REPORTER_ID = id_number_with_check("37010219800202003")

ALL_PERSONAS = (
    "sysadmin",
    "county_leader",
    "petition_officer",
    "township_secretary",
    "other_officer",
    "informant",
    "auditor",
)
NO_REPORT_CAP = ("informant", "auditor")


def report_input(**extra: Any) -> services.ReportInput:
    base: dict[str, Any] = dict(
        channel=Channel.LETTER,
        received_on=timezone.localdate() - dt.timedelta(days=3),
        title="村支书优亲厚友",
        content="李庄村支书把低保名额给了自己的亲戚。",
        subjects=[services.SubjectInput("李建国", "李庄村民委员会", "村党支部书记")],
    )
    base.update(extra)
    return services.ReportInput(**base)


def real_name_input(**extra: Any) -> services.ReportInput:
    extra.setdefault(
        "identity", Identity(name=REPORTER_NAME, id_number=REPORTER_ID, phone=REPORTER_PHONE)
    )
    return report_input(is_real_name=True, **extra)


def register(actor: Any, org: Any, **extra: Any) -> Report:
    data = real_name_input(**extra) if extra.pop("real", False) else report_input(**extra)
    return services.register_report(actor=actor, org=org, data=data).report


@pytest.fixture
def reports(county) -> dict[str, Report]:
    """One report at the county (real-name), one at each township, one forwarded down."""
    officer = county.users["petition_officer"]
    out = {
        "county": register(officer, county.county, real=True, title="县级实名件"),
        "a": register(
            county.users["township_secretary"],
            county.township_a,
            title="东坝镇来访件",
            channel=Channel.VISIT,
        ),
        "b": register(
            county.users["other_officer"],
            county.township_b,
            title="西岭乡来电件",
            channel=Channel.PHONE,
            subjects=[services.SubjectInput("石秀英", "石门村民委员会", "村委会主任")],
        ),
        "down": register(officer, county.county, title="县里转东坝件"),
    }
    services.forward_down(
        report=out["down"], target=county.township_a, reason="属于东坝镇管辖", actor=officer
    )
    return out


def numbers(resp: Any) -> set[str]:
    page = resp.context["page"]
    return {r.number for r in page.rows}


# -- scope per persona ----------------------------------------------------------------------

EXPECTED_LIST = {
    "sysadmin": {"county", "a", "b", "down"},
    "county_leader": {"county", "a", "b", "down"},
    "petition_officer": {"county", "a", "b", "down"},
    "township_secretary": {"a", "down"},
    "other_officer": {"b"},
}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_list_is_scoped_for_each_persona(persona, login, reports):
    resp = login(persona).get(reverse("intake:list"))
    if persona in NO_REPORT_CAP:
        assert resp.status_code == 404
        return
    assert resp.status_code == 200
    assert numbers(resp) == {reports[k].number for k in EXPECTED_LIST[persona]}


def test_list_shows_the_columns_but_never_the_identity(login, reports):
    resp = login("petition_officer").get(reverse("intake:list"))
    html = resp.content.decode()
    assert reports["county"].number in html
    assert reverse("intake:detail", args=[reports["county"].pk]) in html
    assert "实名" in html and "匿名" in html
    assert "李建国" in html and "石秀英" in html
    for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_ID):
        assert secret not in html


def test_org_filter_covers_the_subtree_and_rejects_out_of_scope(county, login, reports):
    client = login("petition_officer")
    resp = client.get(reverse("intake:list"), {"org": county.township_a.pk})
    assert numbers(resp) == {reports["a"].number, reports["down"].number}
    # Another township is not a choice for a township officer: the field says so, no rows.
    resp = login("other_officer").get(reverse("intake:list"), {"org": county.township_a.pk})
    assert resp.status_code == 200
    assert "org" in resp.context["form"].errors
    assert numbers(resp) == set()
    assert "东坝镇纪委" not in resp.content.decode()


def test_filters(county, login, reports):
    officer = county.users["petition_officer"]
    services.classify(report=reports["county"], klass=ReportClass.ACCUSATION, actor=officer)
    repeat = register(officer, county.county, title="县级实名件（再次反映）")
    services.mark_repeat(report=repeat, earlier=reports["county"], actor=officer)
    old = register(officer, county.county, title="早先的件", received_on=dt.date(2026, 1, 5))
    client = login("petition_officer")
    url = reverse("intake:list")

    def got(**params: Any) -> set[str]:
        resp = client.get(url, params)
        assert resp.status_code == 200, resp.context["form"].errors
        return numbers(resp)

    assert got(channel=Channel.VISIT) == {reports["a"].number}
    assert got(klass=ReportClass.ACCUSATION) == {reports["county"].number}
    assert reports["county"].number not in got(klass=ls.UNCLASSIFIED)
    assert got(real_name="1") == {reports["county"].number}
    assert reports["county"].number not in got(real_name="0")
    assert got(repeat="1") == {repeat.number}
    assert repeat.number not in got(repeat="0")
    assert got(status=Status.REPEAT) == {repeat.number}
    assert got(received_to="2026-01-31") == {old.number}
    assert old.number not in got(received_from="2026-02-01")
    assert got(q=reports["b"].number) == {reports["b"].number}
    assert got(q="西岭乡") == {reports["b"].number}
    assert got(q="来电件") == set()  # a prefix, not a substring: search has its own page


def test_overdue_and_due_soon_filters(county, login, reports):
    today = timezone.localdate()
    Clock.objects.filter(report=reports["a"], met_at=None).update(
        due_on=today - dt.timedelta(days=1)
    )
    Clock.objects.filter(report=reports["b"], met_at=None).update(due_on=today)
    Clock.objects.filter(report__in=[reports["county"], reports["down"]]).update(
        due_on=today + dt.timedelta(days=30)
    )
    client = login("petition_officer")
    resp = client.get(reverse("intake:list"), {"due": ls.DUE_OVERDUE})
    assert numbers(resp) == {reports["a"].number}
    assert "已超期" in resp.content.decode()
    resp = client.get(reverse("intake:list"), {"due": ls.DUE_SOON})
    assert numbers(resp) == {reports["b"].number}
    # A met clock is not overdue.
    Clock.objects.filter(report=reports["a"]).update(met_at=timezone.now())
    assert numbers(client.get(reverse("intake:list"), {"due": ls.DUE_OVERDUE})) == set()


@pytest.mark.parametrize("wide_share", [0.0, 2.0])  # every scope wide / every scope narrow
def test_due_filters_agree_for_wide_and_narrow_scopes(
    county, reports, wide_share, monkeypatch, django_assert_max_num_queries
):
    """A wide scope's 已超期 / 即将到期 page sorts the matching reports here
    (``core.paging.sorted_ids_page``); a narrow one walks the index: the same rows, order,
    total and paging, and scope still applies."""
    monkeypatch.setattr(ls, "WIDE_SHARE", wide_share)
    monkeypatch.setattr(ls, "PAGE_SIZE", 2)
    today = timezone.localdate()
    for days, key in ((1, "a"), (2, "county"), (5, "down")):
        Clock.objects.filter(report=reports[key], met_at=None).update(
            due_on=today - dt.timedelta(days=days)
        )
    Clock.objects.filter(report=reports["b"], met_at=None).update(due_on=today)
    overdue = [reports[k] for k in ("county", "a", "down")]
    newest_first = [r.pk for r in sorted(overdue, key=lambda r: (r.received_on, r.pk))][::-1]
    user = county.users["petition_officer"]
    with django_assert_max_num_queries(9):
        first = ls.report_list(user, ls.ReportFilters(due=ls.DUE_OVERDUE, page=1))
    second = ls.report_list(user, ls.ReportFilters(due=ls.DUE_OVERDUE, page=2))
    past_the_end = ls.report_list(user, ls.ReportFilters(due=ls.DUE_OVERDUE, page=9))
    assert [r.pk for r in first.rows] + [r.pk for r in second.rows] == newest_first
    assert first.total == second.total == 3 and not first.has_more
    assert past_the_end.page == 2 and [r.pk for r in past_the_end.rows] == newest_first[2:]
    assert all(r.is_overdue for r in first.rows)  # type: ignore[attr-defined]
    soon = ls.report_list(user, ls.ReportFilters(due=ls.DUE_SOON))
    assert [r.pk for r in soon.rows] == [reports["b"].pk] and soon.total == 1
    mine = ls.report_list(county.users["township_secretary"], ls.ReportFilters(due=ls.DUE_OVERDUE))
    assert {r.pk for r in mine.rows} == {reports["a"].pk, reports["down"].pk}


def test_bad_filter_input_keeps_it_and_names_the_field(login, reports):
    resp = login("petition_officer").get(
        reverse("intake:list"),
        {"received_from": "2026-05-01", "received_to": "2026-04-01", "channel": "nope"},
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "截止日期不能早于起始日期" in html
    assert "来源渠道：" in html
    assert 'value="2026-05-01"' in html
    assert resp.context["page"].rows == []


def test_list_paginates_and_has_no_n_plus_one(county, login, django_assert_max_num_queries):
    officer = county.users["petition_officer"]
    for i in range(23):
        register(
            officer,
            county.county,
            title=f"第{i}件",
            subjects=[services.SubjectInput(f"张{i}"), services.SubjectInput(f"王{i}")],
        )
    client = login("petition_officer")
    url = reverse("intake:list")
    client.get(url)  # warm up caches (session, content types)
    # Fixed, whatever the number of rows: session, user, grants, filter bar, the page's
    # ids, its rows, their subjects, their next clocks, the capped count.
    with django_assert_max_num_queries(12):
        resp = client.get(url)
    page = resp.context["page"]
    assert len(page.rows) == 20 and page.total == 23 and page.num_pages == 2
    # received_on ties are broken newest id first
    assert [r.title for r in page.rows[:2]] == ["第22件", "第21件"]
    with django_assert_max_num_queries(12):
        resp = client.get(url, {"page": 2})
    assert [r.title for r in resp.context["page"].rows] == ["第2件", "第1件", "第0件"]


def test_report_list_function_caps_the_count(county, monkeypatch):
    officer = county.users["petition_officer"]
    for i in range(5):
        register(officer, county.county, title=f"件{i}")
    monkeypatch.setattr(ls, "COUNT_CAP", 3)
    monkeypatch.setattr(ls, "PAGE_SIZE", 2)
    page = ls.report_list(officer, ls.ReportFilters())
    assert (page.total, page.has_more, len(page.rows)) == (3, True, 2)
    page = ls.report_list(officer, ls.ReportFilters(page=2))
    assert page.page == 2 and len(page.rows) == 2


# -- export ---------------------------------------------------------------------------------


def _cells(resp: Any) -> list[str]:
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws is not None
    return [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]


def test_export_never_contains_the_identity_and_is_audited(county, login, reports):
    resp = login("petition_officer").get(reverse("intake:export"), {"real_name": "1"})
    assert resp.status_code == 200
    cells = _cells(resp)
    assert reports["county"].number in cells
    assert "实名" in cells
    text = "\n".join(cells)
    for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_ID, reports["county"].content):
        assert secret not in text
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("seq")
    assert "1 行" in event.detail and "real_name" in event.detail
    assert REPORTER_NAME not in event.detail


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_export_is_scoped(persona, login, reports):
    resp = login(persona).get(reverse("intake:export"))
    if persona in NO_REPORT_CAP:
        assert resp.status_code == 404
        return
    cells = set(_cells(resp))
    expected = {reports[k].number for k in EXPECTED_LIST[persona]}
    assert expected <= cells
    assert not ({r.number for r in reports.values()} - expected) & cells


def test_export_is_capped_with_a_notice(county, login, reports, monkeypatch):
    monkeypatch.setattr(ls, "EXPORT_CAP", 2)
    resp = login("petition_officer").get(reverse("intake:export"))
    cells = _cells(resp)
    assert len([c for c in cells if c.startswith("C01-") or c.startswith("T0")]) == 2
    assert any("仅导出前" in c for c in cells)


# -- search page ----------------------------------------------------------------------------


def _ensure_indexed(reports: dict[str, Report]) -> None:
    from qingfeng.intake import search

    if search.index_report not in services.report_indexers:
        for r in reports.values():
            search.index_report(r)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_search_page_is_scoped(persona, login, reports):
    _ensure_indexed(reports)
    resp = login(persona).get(reverse("intake:search"), {"q": "件"})
    if persona in NO_REPORT_CAP:
        assert resp.status_code == 404
        return
    assert resp.status_code == 200
    got = {r.number for r in resp.context["results"]}
    assert got == {reports[k].number for k in EXPECTED_LIST[persona]}
    assert resp.context["total"] == len(got)


def test_search_page_finds_by_text_and_shows_the_total(login, reports):
    _ensure_indexed(reports)
    client = login("petition_officer")
    resp = client.get(reverse("intake:search"), {"q": "来电"})
    assert [r.number for r in resp.context["results"]] == [reports["b"].number]
    assert "共找到 1 件" in resp.content.decode()
    assert client.get(reverse("intake:search")).status_code == 200  # empty box
    resp = client.get(reverse("intake:search"), {"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in resp.content.decode()


def test_search_over_the_cap_opens_only_the_newest_pages(login, reports, monkeypatch):
    """Search counts as far as a reader can page (``search.COUNT_CAP`` = 50 pages of 20);
    beyond it the total reads "N+", the page says so, and no page past the last is served
    (page and API)."""
    from qingfeng.intake import search

    _ensure_indexed(reports)
    client = login("petition_officer")
    everything = client.get("/api/reports/search", {"q": "件"}).json()
    assert everything["total"] >= 3
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    resp = client.get(reverse("intake:search"), {"q": "件"})
    html = resp.content.decode()
    assert (resp.context["total"], resp.context["has_more"]) == (2, True)
    assert "共找到 2+ 件" in html and "可翻阅最新的 2 件" in html
    monkeypatch.setattr("qingfeng.intake.api_lists.SEARCH_MAX_PAGES", 1)
    found = client.get("/api/reports/search", {"q": "件", "page": 99}).json()
    assert (found["page"], found["num_pages"], found["has_more"]) == (1, 1, True)
    assert [i["number"] for i in found["items"]] == [i["number"] for i in everything["items"]]


# -- API --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_api_list_is_scoped(persona, login, reports):
    resp = login(persona).get("/api/reports")
    assert resp.status_code == 200
    got = {item["number"] for item in resp.json()["items"]}
    assert got == {reports[k].number for k in EXPECTED_LIST.get(persona, ())}
    for item in resp.json()["items"]:
        assert set(item) >= {"is_real_name", "subjects", "next_clock"}
        assert REPORTER_NAME not in str(item) and REPORTER_PHONE not in str(item)


def test_api_list_filters_and_errors(county, login, reports):
    client = login("petition_officer")
    resp = client.get("/api/reports", {"org": county.township_a.pk})
    assert {i["number"] for i in resp.json()["items"]} == {
        reports["a"].number,
        reports["down"].number,
    }
    resp = client.get("/api/reports", {"channel": "bogus"})
    assert resp.status_code == 400 and resp.json()["field"] == "channel"
    resp = client.get("/api/reports", {"received_from": "2026-05-01", "received_to": "2026-04-01"})
    assert resp.status_code == 400 and resp.json()["field"] == "received_to"
    # Another township's body is out of scope: 404 like a missing one.
    resp = login("other_officer").get("/api/reports", {"org": county.township_a.pk})
    assert resp.status_code == 404
    assert login("other_officer").get("/api/reports", {"org": 999999}).status_code == 404


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_api_search_is_scoped(persona, login, reports):
    _ensure_indexed(reports)
    resp = login(persona).get("/api/reports/search", {"q": "件"})
    assert resp.status_code == 200
    got = {item["number"] for item in resp.json()["items"]}
    assert got == {reports[k].number for k in EXPECTED_LIST.get(persona, ())}
    assert resp.json()["total"] == len(got)


def test_api_search_requires_a_term(login, reports):
    resp = login("petition_officer").get("/api/reports/search", {"q": "  "})
    assert resp.status_code == 400 and resp.json()["field"] == "q"


def test_api_requires_login(reports):
    from django.test import Client

    assert Client().get("/api/reports").status_code == 401
    assert Client().get("/api/reports/search", {"q": "件"}).status_code == 401


# -- browser ----------------------------------------------------------------------------------


@pytest.mark.browser
def test_officer_filters_the_list_and_reads_the_month_on_a_phone(page: Any, live_county: Any):
    import re

    from qingfeng.core.testing import PASSWORD

    county = live_county
    officer = county.users["petition_officer"]
    register(officer, county.county, real=True, title="<script>alert(1)</script>县级件")
    register(county.users["township_secretary"], county.township_a, title="东坝镇来访件")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/")
    page.fill("#id_username", "xinfang")
    page.fill("#id_password", PASSWORD)
    page.click("#qf-login-submit")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(reverse("intake:list"))
    table = page.locator("#qf-report-table")
    assert "<script>alert(1)</script>县级件" in table.inner_text()
    assert REPORTER_NAME not in page.content()
    page.select_option("#id_org", str(county.township_a.pk))  # submits on change
    page.wait_for_url(re.compile(rf".*org={county.township_a.pk}.*"))
    assert "东坝镇来访件" in table.inner_text() and "县级件" not in table.inner_text()
    page.goto(reverse("intake:stats"))
    assert "合计" in page.locator("#qf-stats-total").inner_text()


def test_a_department_grant_lists_the_reports_it_handles(county, reports):
    from qingfeng.core.testing import make_user

    officer = county.users["petition_officer"]
    report = reports["county"]
    services.classify(report=report, klass=ReportClass.APPEAL, actor=officer)
    services.accept(report=report, actor=officer)
    services.assign(report=report, department=county.petition_dept, actor=officer)
    dept_user = make_user(
        "anguan", "案管干部", county.petition_dept, "case_mgmt_officer", subtree=False
    )
    page = ls.report_list(dept_user, ls.ReportFilters())
    assert [r.number for r in page.rows] == [report.number]
    assert ls.report_list(dept_user, ls.ReportFilters(q=report.number)).total == 1
