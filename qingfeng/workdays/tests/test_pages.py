"""Calendar pages by persona: view, deadline calculator, administrator edits, home to-do."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.core.testing import PERSONAS
from qingfeng.workdays.models import CalendarYear, WorkDay

URL = reverse("workdays:calendar")
D = dt.date


def cell(html: str, day: str) -> str:
    match = re.search(rf'<td class="([^"]*)" data-date="{day}"', html)
    assert match, day
    return match.group(1)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_persona_sees_the_calendar(login, persona):
    response = login(persona).get(URL, {"year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作日历 · 2026年" in html
    assert "qf-workday-off" in cell(html, "2026-02-16")  # 春节
    assert "qf-workday-swap" in cell(html, "2026-02-14")  # 调休上班 Saturday
    assert "qf-workday-off" in cell(html, "2026-03-07")  # ordinary Saturday
    assert cell(html, "2026-03-09").strip() in {"p-1", "p-1  qf-day-pick"}  # ordinary Monday
    assert "春节" in html and "国庆节" in html
    assert "该年度未录入" not in html
    manager = persona == "sysadmin"
    assert ('id="qf-day-form"' in html) is manager
    assert ("workdays.js" in html) is True


def test_anonymous_is_sent_to_login(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]
    assert Client().post(reverse("workdays:day_edit"), {}).status_code == 302


def test_year_view_queries_are_bounded(login, django_assert_max_num_queries):
    client = login("petition_officer")
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"year": 2025, "start": "2025-09-30", "days": "15"})
    assert response.status_code == 200


def test_missing_year_shows_the_notice(login):
    html = login("informant").get(URL, {"year": 2027}).content.decode()
    assert "该年度未录入国务院放假安排，期限按仅双休日推算并标记为暂定" in html
    assert "qf-workday-off" in cell(html, "2027-01-02")  # Saturday by weekends only
    assert "qf-year-create" not in html  # informant cannot create it
    admin_html = login("sysadmin").get(URL, {"year": 2027}).content.decode()
    assert 'id="qf-year-create"' in admin_html


def test_bad_year_parameter_falls_back_to_this_year(login):
    html = login("informant").get(URL, {"year": "abc"}).content.decode()
    assert f"工作日历 · {timezone.localdate().year}年" in html


def test_deadline_form(login):
    client = login("informant")
    html = client.get(URL, {"start": "2026-02-13", "days": "15"}).content.decode()
    assert "期限截止：<strong>2026年3月12日</strong>" in html
    assert "暂定" not in html.split('id="qf-deadline-result"')[1].split("</div>")[0]
    html = client.get(URL, {"start": "2026-12-25", "days": "5"}).content.decode()
    result = html.split('id="qf-deadline-result"')[1]
    assert "2027年1月1日" in result and "暂定" in result


def test_deadline_form_bad_input_names_field_and_keeps_input(login):
    html = login("informant").get(URL, {"start": "2026-13-45", "days": "0"}).content.decode()
    assert "qf-deadline-result" not in html
    assert "起算日期（收到/发生之日）：格式不正确" in html
    assert 'value="2026-13-45"' in html
    assert re.search("工作日数：[^<]*1", html)  # "不能小于 1" (wording from core forms)
    assert 'value="0"' in html


def test_admin_edits_a_day(login):
    client = login("sysadmin")
    response = client.post(
        reverse("workdays:day_edit"), {"day": "2026-05-06", "is_workday": "0", "note": "临时放假"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?year=2026"
    row = WorkDay.objects.get(date=D(2026, 5, 6))
    assert (row.is_workday, row.note) == (False, "临时放假")
    event = AuditEvent.objects.get(object_type="workdays.workday", object_id="2026-05-06")
    assert event.action == Action.UPDATE
    assert event.actor_name == "系统管理员"
    html = client.get(response["Location"]).content.decode()
    assert "qf-workday-off" in cell(html, "2026-05-06")


def test_day_edit_bad_input_keeps_input(login):
    client = login("sysadmin")
    response = client.post(
        reverse("workdays:day_edit"),
        {"day": "2026-02-31", "is_workday": "0", "note": "假日说明", "year": "2026"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "日期：格式不正确" in html
    assert 'value="2026-02-31"' in html
    assert 'value="假日说明"' in html
    assert not AuditEvent.objects.filter(object_type="workdays.workday").exists()
    # A day of a year not entered: the service's error lands on the 日期 field.
    response = client.post(
        reverse("workdays:day_edit"), {"day": "2027-01-01", "is_workday": "0", "note": "元旦"}
    )
    html = response.content.decode()
    assert "日期：2027年尚未录入，请先创建该年度的日历" in html
    assert 'value="2027-01-01"' in html
    assert not WorkDay.objects.filter(date__year=2027).exists()


@pytest.mark.parametrize(
    "persona",
    [
        "county_leader",
        "petition_officer",
        "township_secretary",
        "other_officer",
        "informant",
        "auditor",
    ],
)
def test_non_admin_cannot_edit(login, persona):
    client = login(persona)
    posts = [
        ("workdays:day_edit", {"day": "2026-05-06", "is_workday": "0", "note": "x"}),
        ("workdays:year_create", {"year": "2027"}),
        ("workdays:year_confirm", {"year": "2027"}),
    ]
    for name, data in posts:
        assert client.post(reverse(name), data).status_code == 403
    assert WorkDay.objects.get(date=D(2026, 5, 6)).is_workday
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEvent.objects.filter(object_type__startswith="workdays.").exists()


def test_get_on_edit_urls_is_refused(login):
    assert login("sysadmin").get(reverse("workdays:day_edit")).status_code == 405


def test_admin_creates_edits_and_confirms_a_missing_year(login):
    client = login("sysadmin")
    response = client.post(reverse("workdays:year_create"), {"year": "2027"})
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert not year.complete
    assert WorkDay.objects.filter(date__year=2027).count() == 365
    html = client.get(response["Location"]).content.decode()
    assert "该年度日历为草稿" in html and 'id="qf-year-confirm"' in html

    client.post(
        reverse("workdays:day_edit"), {"day": "2027-01-01", "is_workday": "0", "note": "元旦"}
    )
    html = client.get(URL, {"year": 2027, "start": "2026-12-25", "days": "5"}).content.decode()
    result = html.split('id="qf-deadline-result"')[1]
    assert "2027年1月4日" in result and "暂定" in result  # still a draft

    response = client.post(reverse("workdays:year_confirm"), {"year": "2027"})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).complete
    html = client.get(URL, {"year": 2027, "start": "2026-12-25", "days": "5"}).content.decode()
    result = html.split('id="qf-deadline-result"')[1].split("</div>")[0]
    assert "2027年1月4日" in result and "暂定" not in result
    actions = list(
        AuditEvent.objects.filter(object_type__startswith="workdays.")
        .order_by("seq")
        .values_list("action", "object_id")
    )
    assert actions == [
        (Action.CREATE, "2027"),
        (Action.UPDATE, "2027-01-01"),
        (Action.UPDATE, "2027"),
    ]


def test_create_year_bad_input(login):
    client = login("sysadmin")
    response = client.post(reverse("workdays:year_create"), {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "年度：2026年已录入，如需调整请逐日修改" in html
    response = client.post(reverse("workdays:year_create"), {"year": "abc"})
    html = response.content.decode()
    assert "年度：" in html and 'value="abc"' in html
    assert not AuditEvent.objects.filter(object_type__startswith="workdays.").exists()


def test_home_todo_for_missing_next_year(login, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 11, 23))
    html = login("sysadmin").get(reverse("core:home")).content.decode()
    assert "录入2027年节假日安排" in html
    assert f"{URL}?year=2027" in html
    assert "录入2026年节假日安排" not in html
    assert "录入2027年节假日安排" not in login("petition_officer").get("/").content.decode()


def test_home_todo_gone_once_entered(login, county, monkeypatch):
    from qingfeng.workdays.services import enter_year
    from qingfeng.workdays.todos import calendar_todos

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 11, 23))
    admin = county.users["sysadmin"]
    enter_year(actor=admin, year=2027, complete=False)
    assert [t.title for t in calendar_todos(admin)] == ["录入2027年节假日安排"]
    CalendarYear.objects.filter(year=2027).update(complete=True)
    assert calendar_todos(admin) == []
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2028, 3, 1))
    todos = calendar_todos(admin)
    assert [(t.title, t.level) for t in todos] == [
        ("录入2028年节假日安排", "danger"),
        ("录入2029年节假日安排", "warning"),
    ]


def test_holiday_list_groups_runs_and_swaps(login):
    html = login("informant").get(URL, {"year": 2025}).content.decode()
    table = html.split('id="qf-holidays"')[1]
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td>(.*?)</td>", table
    )
    by_name = {name: (period, days, swaps) for name, period, days, swaps in rows}
    assert by_name["春节"] == ("1月28日–2月4日", "8", "1月26日（星期日）、2月8日（星期六）")
    assert by_name["国庆节、中秋"] == (
        "10月1日–10月8日",
        "8",
        "9月28日（星期日）、10月11日（星期六）",
    )
    assert by_name["元旦"] == ("1月1日", "1", "—")
