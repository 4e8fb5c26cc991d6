"""Home-page to-dos of reports: due soon, overdue and waiting, within the handle scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from qingfeng.core.todos import Todo
from qingfeng.intake import todos
from qingfeng.intake.models import Clock
from qingfeng.intake.tests.test_lists import register


@pytest.fixture
def clocks(county):
    today = timezone.localdate()
    sec = county.users["township_secretary"]
    late = register(sec, county.township_a, real=True)  # route + accept-notice clocks
    soon = register(sec, county.township_a)
    far = register(county.users["other_officer"], county.township_b)
    Clock.objects.filter(report=late).update(due_on=today - dt.timedelta(days=2))
    Clock.objects.filter(report=soon).update(due_on=today)
    Clock.objects.filter(report=far).update(due_on=today - dt.timedelta(days=2))
    return county


def by_title(user: Any) -> dict[str, Todo]:
    return {t.title: t for t in todos.report_todos(user)}


def test_counts_reports_not_clocks_within_the_handle_scope(clocks):
    items = by_title(clocks.users["township_secretary"])
    assert items["信访件已超期"].count == 1
    assert items["信访件即将到期（3个工作日内）"].count == 1
    assert items["待办理信访件"].count == 2
    assert items["信访件已超期"].url.endswith("?due=overdue")
    assert items["待办理信访件"].url.endswith("?status=registered")


def test_county_officer_sees_every_township(clocks):
    items = by_title(clocks.users["petition_officer"])
    assert items["信访件已超期"].count == 2
    assert items["待办理信访件"].count == 3


def test_other_township_and_viewers_without_handle(clocks):
    items = by_title(clocks.users["other_officer"])
    assert items["信访件已超期"].count == 1 and items["信访件即将到期（3个工作日内）"].count == 0
    # 委领导 may view but not handle: no to-do. Informant and auditor: nothing.
    for persona in ("county_leader", "informant", "auditor"):
        assert todos.report_todos(clocks.users[persona]) == []


def test_met_clock_is_not_a_todo(clocks):
    Clock.objects.update(met_at=timezone.now())
    items = by_title(clocks.users["petition_officer"])
    assert items["信访件已超期"].count == 0


def test_home_page_renders_the_items_once_registered(clocks, login, monkeypatch):
    from django.urls import reverse

    from qingfeng.core import todos as core_todos

    monkeypatch.setattr(core_todos, "_providers", list(core_todos._providers))
    core_todos.register(todos.report_todos)
    resp = login("township_secretary").get(reverse("core:home"))
    html = resp.content.decode()
    assert "信访件已超期" in html and "?due=overdue" in html
