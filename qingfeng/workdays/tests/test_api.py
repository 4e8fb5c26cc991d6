"""Calendar API: deadlines and month listings, by persona and with bad input."""

from __future__ import annotations

import pytest
from django.test import Client

from qingfeng.core.testing import PERSONAS

DEADLINE = "/api/calendar/deadline"
DAYS = "/api/calendar/days"


@pytest.mark.parametrize("persona", PERSONAS)
def test_deadline_for_every_persona(login, persona):
    response = login(persona).get(DEADLINE, {"start": "2025-09-30", "days": 5})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2025-09-30",
        "days": 5,
        "deadline": "2025-10-14",
        "provisional": False,
    }


def test_deadline_provisional_in_2027(login):
    body = login("informant").get(DEADLINE, {"start": "2026-12-25", "days": 5}).json()
    assert body["deadline"] == "2027-01-01"
    assert body["provisional"] is True


def test_anonymous_gets_401(db):
    for url, params in (
        (DEADLINE, {"start": "2025-09-30", "days": "5"}),
        (DAYS, {"year": "2026", "month": "2"}),
    ):
        response = Client().get(url, params)
        assert response.status_code == 401
        assert response.json()["detail"] == "未登录或令牌无效"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2025-13-01", "days": 5}, "start"),
        ({"start": "yesterday", "days": 5}, "start"),
        ({"start": "2025-09-30", "days": 0}, "days"),
        ({"start": "2025-09-30", "days": "x"}, "days"),
        ({"days": 5}, "start"),
    ],
)
def test_deadline_bad_input_is_422_with_field(login, params, field):
    response = login("petition_officer").get(DEADLINE, params)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_deadline_out_of_range_start(login):
    response = login("petition_officer").get(DEADLINE, {"start": "9999-12-31", "days": 5})
    assert response.status_code == 400
    assert response.json()["field"] == "start"


def test_days_of_a_month(login):
    body = login("township_secretary").get(DAYS, {"year": 2026, "month": 2}).json()
    assert len(body) == 28
    by_date = {d["date"]: d for d in body}
    assert by_date["2026-02-14"] == {
        "date": "2026-02-14",
        "is_workday": True,
        "note": "调休上班（春节）",
        "provisional": False,
    }
    assert by_date["2026-02-16"]["is_workday"] is False
    assert by_date["2026-02-16"]["note"] == "春节"
    assert by_date["2026-02-09"] == {
        "date": "2026-02-09",
        "is_workday": True,
        "note": "",
        "provisional": False,
    }


def test_days_of_a_missing_year(login):
    body = login("other_officer").get(DAYS, {"year": 2027, "month": 1}).json()
    assert len(body) == 31
    assert all(d["provisional"] for d in body)
    assert [d["is_workday"] for d in body[:4]] == [True, False, False, True]  # Fri Sat Sun Mon


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": 2026, "month": 13}, "month"),
        ({"year": "x", "month": 1}, "year"),
        ({"month": 1}, "year"),
    ],
)
def test_days_bad_input(login, params, field):
    response = login("other_officer").get(DAYS, params)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_endpoints_have_chinese_summaries():
    from qingfeng.workdays.api import router

    summaries = {
        path: [op.summary for op in view.operations]
        for path, view in router.path_operations.items()
    }
    assert summaries == {
        "/calendar/deadline": ["计算工作日期限"],
        "/calendar/days": ["查询某月工作日历"],
    }
