"""Monthly statistics: the channel × class table, its splits, scope, export and API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.intake import services
from qingfeng.intake.models import Channel, ReportClass
from qingfeng.intake.stats import COLUMNS, MonthlyStats, monthly_stats
from qingfeng.intake.tests.test_lists import ALL_PERSONAS, NO_REPORT_CAP, register

MONTH = dt.date(2026, 3, 1)


@pytest.fixture
def march(county):
    """March 2026: county 2 letters (one real-name accusation, one forwarded to 东坝镇),
    东坝镇 1 visit + 1 repeat, 西岭乡 1 upper; one letter in April (not counted)."""
    officer = county.users["petition_officer"]
    sec = county.users["township_secretary"]
    day = dt.date(2026, 3, 10)
    first = register(officer, county.county, real=True, received_on=day)
    services.classify(report=first, klass=ReportClass.ACCUSATION, actor=officer)
    down = register(officer, county.county, received_on=day)
    services.forward_down(
        report=down, target=county.township_a, reason="属于东坝镇管辖", actor=officer
    )
    visit = register(sec, county.township_a, channel=Channel.VISIT, received_on=day)
    services.refuse(report=visit, refuse_reason="no_substance", reason="没有具体内容", actor=sec)
    again = register(sec, county.township_a, channel=Channel.VISIT, received_on=day)
    services.mark_repeat(report=again, earlier=visit, actor=sec)
    register(
        county.users["other_officer"],
        county.township_b,
        channel=Channel.UPPER,
        received_on=dt.date(2026, 3, 31),
    )
    register(officer, county.county, received_on=dt.date(2026, 4, 1))
    return county


def cells(stats: MonthlyStats, channel: str) -> dict[str, int]:
    return next(r.cells for r in stats.rows if r.channel == channel)


def test_county_table_counts_every_split(march):
    stats = monthly_stats(march.users["petition_officer"], body=march.county, month=MONTH)
    letter = cells(stats, Channel.LETTER)
    assert letter["total"] == 2
    assert letter[ReportClass.ACCUSATION] == 1 and letter["none"] == 1
    assert (letter["real_name"], letter["anonymous"]) == (1, 1)
    assert (letter["local"], letter["upper"]) == (2, 0)
    visit = cells(stats, Channel.VISIT)
    assert visit["total"] == 2 and visit[ReportClass.REFUSED] == 1
    assert (visit["initial"], visit["repeat"]) == (1, 1)
    upper = cells(stats, Channel.UPPER)
    assert (upper["total"], upper["local"], upper["upper"]) == (1, 0, 1)
    assert stats.total.cells["total"] == 5
    assert len(stats.total.values()) == len(COLUMNS)


def test_township_table_counts_a_report_forwarded_down_as_upper(march):
    sec = march.users["township_secretary"]
    stats = monthly_stats(sec, body=march.township_a, month=MONTH)
    letter = cells(stats, Channel.LETTER)
    assert (letter["total"], letter["local"], letter["upper"]) == (1, 0, 1)
    assert stats.total.cells["total"] == 3


def test_stats_is_one_query(march, django_assert_num_queries):
    officer = march.users["petition_officer"]
    monthly_stats(officer, body=march.county, month=MONTH)  # load grants
    with django_assert_num_queries(1):
        monthly_stats(officer, body=march.county, month=MONTH)


EXPECTED_TOTAL = {
    "sysadmin": 5,
    "county_leader": 5,
    "petition_officer": 5,
    "township_secretary": 3,
    "other_officer": 1,
}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_stats_page_per_persona_defaults_to_the_top_of_scope(persona, login, march):
    resp = login(persona).get(reverse("intake:stats"), {"month": "2026-03"})
    if persona in NO_REPORT_CAP:
        assert resp.status_code == 404
        return
    assert resp.status_code == 200
    assert resp.context["stats"].total.cells["total"] == EXPECTED_TOTAL[persona]
    assert "检举控告" in resp.content.decode()


@pytest.mark.parametrize("persona", ["township_secretary", "other_officer"])
def test_stats_of_another_body_is_404(persona, login, march):
    other = march.township_b if persona == "township_secretary" else march.township_a
    client = login(persona)
    assert client.get(reverse("intake:stats"), {"org": other.pk}).status_code == 404
    assert client.get(reverse("intake:stats"), {"org": march.county.pk}).status_code == 404
    assert client.get(reverse("intake:stats_export"), {"org": other.pk}).status_code == 404
    assert client.get("/api/reports/stats", {"org": other.pk}).status_code == 404


def test_stats_page_bad_month_names_the_field(login, march):
    resp = login("petition_officer").get(reverse("intake:stats"), {"month": "2026-13"})
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "统计月份" in html and 'value="2026-13"' in html


def test_stats_export_is_audited(login, march):
    resp = login("petition_officer").get(
        reverse("intake:stats_export"), {"org": march.township_a.pk, "month": "2026-03"}
    )
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "来源渠道" and rows[-1][0] == "合计"
    assert rows[-1][1 + [k for k, _ in COLUMNS].index("total")] == 3
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("seq")
    assert "东坝镇纪委" in event.detail and "2026-03" in event.detail


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_stats_api_per_persona(persona, login, march):
    resp = login(persona).get("/api/reports/stats", {"month": "2026-03"})
    if persona in NO_REPORT_CAP:
        assert resp.status_code == 404
        return
    assert resp.status_code == 200
    assert resp.json()["total"]["cells"]["total"] == EXPECTED_TOTAL[persona]


def test_stats_api_bad_month(login, march):
    resp = login("petition_officer").get("/api/reports/stats", {"month": "March"})
    assert resp.status_code == 400 and resp.json()["field"] == "month"
