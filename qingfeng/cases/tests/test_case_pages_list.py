"""The case list, its Excel export and the 即将超期 queue: scope per persona, filters, bad
input, the audited export and bounded query counts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.cases import case_list_selectors as cls
from qingfeng.cases.models import Case, CaseClockKind, CaseStatus
from qingfeng.cases.tests.case_builders import add_clock, add_trial_dept, make_case
from qingfeng.workdays.clock import WorkCalendar

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
    "supervision_officer",
    "trial_officer",
)
# Personas holding no case capability: the pages answer 403 (the menu hides them).
NO_CASE_CAP = ("petition_officer", "informant", "auditor")

EXPECTED = {
    "sysadmin": {"a", "a2", "b", "county_dept", "county"},
    "county_leader": {"a", "a2", "b", "county_dept", "county"},
    "township_secretary": {"a", "a2"},
    "township_officer": {"a", "a2"},
    "other_officer": {"b"},
    "dept_head": {"county_dept"},
    "supervision_officer": {"county_dept"},
    # The county 审理室 reads the township case sent to it (乡案县审), nothing else.
    "trial_officer": {"a2"},
}
TODAY = timezone.localdate()


def url(name: str, *args: Any) -> str:
    return reverse(f"case_files:{name}", args=args)


@pytest.fixture
def cases(county) -> dict[str, Case]:
    u = county.users
    trial = add_trial_dept(county)
    return {
        "a": make_case(u["township_officer"], county.township_a, name="李建国"),
        "a2": make_case(
            u["township_secretary"],
            county.township_a,
            name="王小二",
            status=CaseStatus.IN_REVIEW,
            review_org=trial,
            filed_on=TODAY - dt.timedelta(days=200),
        ),
        "b": make_case(u["other_officer"], county.township_b, name="石秀英", unit="石门村民委员会"),
        "county_dept": make_case(
            u["sysadmin"],
            county.county,
            name="张局长",
            dept=county.supervision_dept,
            unit="县民政局",
            post="局长",
            supervision_case=True,
            is_village_cadre=False,
        ),
        "county": make_case(
            u["sysadmin"],
            county.county,
            name="赵科长",
            status=CaseStatus.CLOSED,
            filed_on=dt.date(2025, 3, 1),
        ),
    }


def numbers(resp: Any) -> set[str]:
    return {r.number for r in resp.context["page"].rows}


def keys(cases: dict[str, Case], *names: str) -> set[str]:
    return {cases[n].number for n in names}


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_is_scoped_for_each_persona(persona, login, cases):
    resp = login(persona).get(url("list"))
    if persona in NO_CASE_CAP:
        assert resp.status_code == 403
        return
    assert resp.status_code == 200
    assert numbers(resp) == keys(cases, *EXPECTED[persona])


def test_anonymous_is_sent_to_login(client, cases):
    for name in ("list", "export", "due"):
        resp = client.get(url(name))
        assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]


def test_list_shows_the_columns(county, login, cases):
    add_clock(cases["a"], due_on=TODAY - dt.timedelta(days=3))
    html = login("sysadmin").get(url("list")).content.decode()
    for text in ("案件编号", "被审查调查人/单位职务", "立案类别", "办案机关/承办部门", "审理机关"):
        assert text in html
    assert url("detail", cases["a"].pk) in html
    assert "李建国" in html and "李庄村民委员会 · 村党支部书记" in html
    assert "党纪、监察" in html  # the county department's joint case
    assert "第一监督检查室" in html and "案件审理室" in html
    assert "审查调查中" in html and "已结案" in html
    overdue_on = (TODAY - dt.timedelta(days=3)).isoformat()
    assert f'class="text-danger fw-semibold">{overdue_on}</span>' in html
    assert "已超期" in html


def test_filters(county, login, cases):
    client = login("sysadmin")

    def got(**params: Any) -> set[str]:
        resp = client.get(url("list"), params)
        assert resp.status_code == 200, resp.context["form"].errors
        return numbers(resp)

    assert got(status=CaseStatus.IN_REVIEW) == keys(cases, "a2")
    assert got(status=CaseStatus.CLOSED) == keys(cases, "county")
    assert got(org=county.township_a.pk) == keys(cases, "a", "a2")
    assert got(org=county.township_b.pk) == keys(cases, "b")
    assert got(org=county.county.pk) == keys(cases, *EXPECTED["sysadmin"])
    assert got(review=cls.REVIEW_AT_COUNTY) == keys(cases, "a2")
    assert got(review=cls.REVIEW_ONGOING) == keys(cases, "a2")
    assert got(filed_to="2025-03-01") == keys(cases, "county")
    day = cases["a"].filed_on.isoformat()
    assert got(filed_from=day) == keys(cases, "a", "b", "county_dept")
    assert cases["a"].number in got(filed_from=day, filed_to=day)
    assert cases["a2"].number not in got(filed_from=day, filed_to=day)
    assert got(q=cases["b"].number) == keys(cases, "b")
    assert got(q=cases["b"].number.lower()) == keys(cases, "b")
    assert got(q="T02-AJ") == keys(cases, "b")  # a number's start
    assert got(q="石") == keys(cases, "b")
    assert got(q="秀英") == set()  # a name prefix, not a substring


def test_review_to_me_follows_the_review_scope(county, login, cases):
    resp = login("trial_officer").get(url("list"), {"review": cls.REVIEW_TO_ME})
    assert numbers(resp) == keys(cases, "a2")
    # The township's own officers read the case but do not review it at the county.
    resp = login("township_officer").get(url("list"), {"review": cls.REVIEW_TO_ME})
    assert numbers(resp) == set()


def test_org_filter_stays_in_scope(county, login, cases):
    # Another township is not a choice for a township officer: the field says so, no rows.
    resp = login("other_officer").get(url("list"), {"org": county.township_a.pk})
    assert resp.status_code == 200
    assert "org" in resp.context["form"].errors
    assert numbers(resp) == set()
    assert "东坝镇纪委" not in resp.content.decode()
    # The county offers its townships; a 审理室 officer is offered the body of the 审理室.
    choices = dict(login("county_leader").get(url("list")).context["form"].fields["org"].choices)
    assert {"清河县纪委监委", "\u3000东坝镇纪委", "\u3000西岭乡纪委"} <= set(choices.values())
    choices = dict(login("trial_officer").get(url("list")).context["form"].fields["org"].choices)
    assert str(county.county.pk) in choices


def test_due_filters_follow_open_clocks(county, login, cases):
    add_clock(cases["a"], due_on=TODAY - dt.timedelta(days=1))
    add_clock(cases["a2"], CaseClockKind.REVIEW, due_on=TODAY)
    add_clock(cases["b"], due_on=TODAY + dt.timedelta(days=200))
    add_clock(cases["county"], due_on=TODAY - dt.timedelta(days=5), met=True)
    client = login("sysadmin")
    assert numbers(client.get(url("list"), {"due": cls.DUE_OVERDUE})) == keys(cases, "a")
    assert numbers(client.get(url("list"), {"due": cls.DUE_SOON})) == keys(cases, "a2")
    # The other township sees none of 东坝镇's clocks.
    assert numbers(login("other_officer").get(url("list"), {"due": cls.DUE_OVERDUE})) == set()


def test_bad_filter_input_keeps_it_and_names_the_field(login, cases):
    resp = login("sysadmin").get(
        url("list"), {"filed_from": "2026-05-01", "filed_to": "2026-04-01", "status": "nope"}
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "截止日期不能早于起始日期" in html
    assert "状态：请从列表中选择" in html
    assert 'value="2026-05-01"' in html
    assert resp.context["page"].rows == []
    resp = login("sysadmin").get(url("list"), {"filed_from": "2026-13-45"})
    assert "立案日期起：格式不正确" in resp.content.decode()


def test_list_paginates_with_bounded_queries(county, login, django_assert_max_num_queries):
    officer = county.users["township_officer"]
    for i in range(23):
        case = make_case(
            officer, county.township_a, name=f"张{i}", filed_on=TODAY - dt.timedelta(days=30 - i)
        )
        add_clock(case, due_on=TODAY + dt.timedelta(days=60 - i))
    client = login("township_officer")
    client.get(url("list"))  # warm up session and content types
    # Fixed whatever the number of rows: session, user, grants, the filter bar's bodies,
    # the page's ids, its rows, their clocks, the capped count.
    with django_assert_max_num_queries(10):
        resp = client.get(url("list"))
    page = resp.context["page"]
    assert len(page.rows) == 20 and page.total == 23 and page.num_pages == 2
    assert [r.subject_name for r in page.rows[:2]] == ["张22", "张21"]
    assert all(r.next_clock is not None for r in page.rows)
    assert "共 23 件" in resp.content.decode()
    with django_assert_max_num_queries(10):
        resp = client.get(url("list"), {"page": 2, "org": county.township_a.pk})
    assert [r.subject_name for r in resp.context["page"].rows] == ["张2", "张1", "张0"]


def test_list_function_caps_the_count(county, monkeypatch):
    officer = county.users["township_officer"]
    for i in range(5):
        make_case(officer, county.township_a, name=f"王{i}")
    monkeypatch.setattr(cls, "COUNT_CAP", 3)
    monkeypatch.setattr(cls, "PAGE_SIZE", 2)
    page = cls.case_list(officer, cls.CaseFilters())
    assert (page.total, page.has_more, len(page.rows)) == (3, True, 2)
    assert cls.case_list(officer, cls.CaseFilters(page=2)).page == 2


# -- export ---------------------------------------------------------------------------------


def _rows(resp: Any) -> list[tuple[Any, ...]]:
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws is not None
    return list(ws.iter_rows(values_only=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_export_is_scoped(persona, login, cases):
    resp = login(persona).get(url("export"))
    if persona in NO_CASE_CAP:
        assert resp.status_code == 403
        assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
        return
    rows = _rows(resp)
    assert rows[0][0] == "案件编号"
    assert {r[0] for r in rows[1:]} == keys(cases, *EXPECTED[persona])


def test_export_follows_the_filters_and_is_audited(county, login, cases):
    add_clock(cases["county_dept"], due_on=TODAY - dt.timedelta(days=2))
    resp = login("sysadmin").get(url("export"), {"org": county.county.pk, "due": "overdue"})
    rows = _rows(resp)
    assert len(rows) == 2
    assert rows[1][:9] == (
        cases["county_dept"].number,
        "张局长",
        "县民政局",
        "局长",
        "党纪、监察",
        "清河县纪委监委",
        "第一监督检查室",
        None,
        "审查调查中",
    )
    assert rows[1][12] == "已超期"
    assert cases["county_dept"].summary not in str(rows)  # the summary is not exported
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("seq")
    assert event.actor_id == county.users["sysadmin"].pk
    assert "导出案件列表 1 行" in event.detail
    assert "overdue" in event.detail and "清河县纪委监委" in event.detail


def test_export_with_bad_filters_redirects(login, cases):
    resp = login("sysadmin").get(url("export"), {"status": "nope"})
    assert resp.status_code == 302 and resp["Location"] == url("list")
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_export_is_capped_with_a_notice(login, cases, monkeypatch):
    monkeypatch.setattr(cls, "EXPORT_CAP", 2)
    rows = _rows(login("sysadmin").get(url("export")))
    assert len([r for r in rows[1:] if r[1]]) == 2
    assert "仅导出前 2 件" in str(rows[-1][0])
    assert "（已截断）" in AuditEvent.objects.filter(action=Action.EXPORT).latest("seq").detail


# -- the 即将超期 queue ----------------------------------------------------------------------


def test_due_queue_lists_overdue_and_soon_clocks_most_urgent_first(county, login, cases):
    soon = WorkCalendar().add_working_days(TODAY, cls.SOON_WORKING_DAYS).date
    add_clock(cases["a"], due_on=TODAY - dt.timedelta(days=4))
    add_clock(cases["a2"], CaseClockKind.REVIEW, due_on=soon)
    add_clock(cases["a2"], CaseClockKind.ANNOUNCE, due_on=soon + dt.timedelta(days=1))
    add_clock(cases["b"], due_on=TODAY + dt.timedelta(days=1))
    add_clock(cases["county"], due_on=TODAY - dt.timedelta(days=9), met=True)
    resp = login("sysadmin").get(url("due"))
    assert resp.status_code == 200
    rows = [(c.clock.case.number, c.clock.kind) for c in resp.context["clocks"]]
    assert rows == [
        (cases["a"].number, CaseClockKind.INVESTIGATION),
        (cases["b"].number, CaseClockKind.INVESTIGATION),
        (cases["a2"].number, CaseClockKind.REVIEW),
    ]
    html = resp.content.decode()
    assert "已超期" in html and "审理期限（1个月）" in html
    assert url("detail", cases["a"].pk) in html
    # Scope: the other township sees only its own; the 审理室 its review clock.
    resp = login("other_officer").get(url("due"))
    assert [c.clock.case.number for c in resp.context["clocks"]] == [cases["b"].number]
    resp = login("trial_officer").get(url("due"))
    assert [c.clock.case.number for c in resp.context["clocks"]] == [cases["a2"].number]


@pytest.mark.parametrize("wide_bodies", [300, 0])  # narrowed to the holders / not
def test_home_counts_cases_with_overdue_and_soon_clocks(county, cases, wide_bodies, monkeypatch):
    """The home page's case to-dos count cases (not clocks) whose open clock is past due or
    due soon, within the handling or 审理 scope, on both plans of ``open_case_clocks``."""
    from qingfeng.cases.case_todos import case_todos

    monkeypatch.setattr(cls, "WIDE_BODIES", wide_bodies)
    soon = WorkCalendar().add_working_days(TODAY, cls.SOON_WORKING_DAYS).date
    add_clock(cases["a"], due_on=TODAY - dt.timedelta(days=4))
    add_clock(cases["a2"], CaseClockKind.REVIEW, due_on=TODAY - dt.timedelta(days=1))
    add_clock(cases["a2"], CaseClockKind.ANNOUNCE, due_on=TODAY - dt.timedelta(days=2))
    add_clock(cases["b"], due_on=soon)
    add_clock(cases["county"], due_on=TODAY - dt.timedelta(days=9), met=True)

    def counts(persona: str) -> tuple[int, int]:
        todos = {t.title: t.count for t in case_todos(county.users[persona])}
        return todos["案件办理已超期"], todos[f"案件即将超期（{cls.SOON_WORKING_DAYS}个工作日内）"]

    assert counts("township_secretary") == (2, 0)  # a and a2, its two clocks counted once
    assert counts("other_officer") == (0, 1)
    assert counts("trial_officer") == (1, 0)  # the county 审理室: a2 under review
    assert counts("sysadmin") == (2, 1)


@pytest.mark.parametrize("persona", NO_CASE_CAP)
def test_due_queue_refuses_personas_without_cases(persona, login, cases):
    assert login(persona).get(url("due")).status_code == 403


def test_due_queue_query_count_does_not_grow(county, login, django_assert_max_num_queries):
    officer = county.users["township_officer"]
    for i in range(12):
        case = make_case(officer, county.township_a, name=f"刘{i}")
        add_clock(case, due_on=TODAY - dt.timedelta(days=i + 1))
    client = login("township_officer")
    client.get(url("due"))
    # Session, user, grants, the count, the page with its cases, the calendar's days and
    # years (the badges) — the same for 1 or 50 rows.
    with django_assert_max_num_queries(10):
        resp = client.get(url("due"))
    assert len(resp.context["clocks"]) == 12


# -- a wide scope's due filters (province scale) -------------------------------------------


@pytest.mark.parametrize("wide_bodies", [300, 0])
def test_due_filters_agree_for_narrow_and_wide_scopes(
    wide_bodies, county, cases, monkeypatch, django_assert_max_num_queries
):
    """With more than ``WIDE_BODIES`` bodies in scope the due filters read and sort the
    matching cases here (``_due_page``): the same rows, order, total and paging."""
    monkeypatch.setattr(cls, "WIDE_BODIES", wide_bodies)
    monkeypatch.setattr(cls, "PAGE_SIZE", 2)
    soon = WorkCalendar().add_working_days(TODAY, cls.SOON_WORKING_DAYS).date
    add_clock(cases["a"], due_on=TODAY - dt.timedelta(days=4))
    add_clock(cases["a2"], CaseClockKind.REVIEW, due_on=TODAY - dt.timedelta(days=1))
    add_clock(cases["a2"], CaseClockKind.ANNOUNCE, due_on=TODAY - dt.timedelta(days=2))
    add_clock(cases["county"], due_on=TODAY - dt.timedelta(days=9))
    add_clock(cases["b"], due_on=soon)
    add_clock(cases["county_dept"], due_on=TODAY - dt.timedelta(days=9), met=True)
    user = county.users["sysadmin"]
    overdue = sorted((cases[k] for k in ("a", "a2", "county")), key=lambda c: (c.filed_on, c.pk))
    newest_first = [c.pk for c in reversed(overdue)]

    with django_assert_max_num_queries(6):
        first = cls.case_list(user, cls.CaseFilters(due=cls.DUE_OVERDUE, page=1))
    second = cls.case_list(user, cls.CaseFilters(due=cls.DUE_OVERDUE, page=2))
    past_the_end = cls.case_list(user, cls.CaseFilters(due=cls.DUE_OVERDUE, page=9))
    assert [c.pk for c in first.rows] + [c.pk for c in second.rows] == newest_first
    assert first.total == second.total == 3 and not first.has_more
    assert past_the_end.page == 2 and [c.pk for c in past_the_end.rows] == newest_first[2:]
    assert all(c.is_overdue for c in first.rows)  # type: ignore[attr-defined]
    due_soon = cls.case_list(user, cls.CaseFilters(due=cls.DUE_SOON))
    assert [c.pk for c in due_soon.rows] == [cases["b"].pk] and due_soon.total == 1
    # Scope still applies: the other township reads only its own.
    other = cls.case_list(county.users["other_officer"], cls.CaseFilters(due=cls.DUE_SOON))
    assert [c.pk for c in other.rows] == [cases["b"].pk]
    assert (
        cls.case_list(county.users["other_officer"], cls.CaseFilters(due=cls.DUE_OVERDUE)).total
        == 0
    )
