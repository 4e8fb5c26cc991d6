"""The daily reminder covers the clocks of leads (DOMAIN.md §3) and cases (§4), not only of
reports: the body's handlers are reminded, the 审理 body about its review clock, the other
township never, and one notice counts each kind of record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from qingfeng.cases import handling
from qingfeng.cases.models import CaseClock, CaseClockKind, Lead, LeadClock, Way
from qingfeng.cases.tests.case_flow import case_county, filed_case, in_review
from qingfeng.cases.tests.conftest import approve_all, make_lead, propose
from qingfeng.intake.models import Clock
from qingfeng.intake.tests.test_lists import register
from qingfeng.reminders.models import Notice
from qingfeng.reminders.tasks import TITLE, run_clock_reminders

pytestmark = pytest.mark.django_db


def _notices(user: Any) -> list[Notice]:
    return list(Notice.objects.filter(user=user))


def _verifying_lead(county: Any) -> Lead:
    """A 东坝镇 lead in 初步核实 (its VERIFICATION clock open)."""
    officer, secretary = county.users["township_officer"], county.users["township_secretary"]
    lead = make_lead(officer, county.township_a)
    approve_all(propose(lead, officer, Way.VERIFICATION), secretary)
    handling.start_verification(
        lead=lead,
        actor=officer,
        leader=officer,
        team=[],
        plan="调取低保评定档案，询问相关村民",
        started_on=timezone.localdate(),
    )
    return lead


def test_overdue_lead_clock_reminds_the_township_and_links_the_lead_list(county):
    today = timezone.localdate()
    lead = _verifying_lead(county)
    LeadClock.objects.filter(lead=lead).update(due_on=today - dt.timedelta(days=2))

    summary = run_clock_reminders(today)

    assert summary["clocks"] == 1
    [n] = _notices(county.users["township_secretary"])
    assert n.title == TITLE
    assert n.body == "您有1件问题线索已超期，请登录清风系统处理。"
    assert n.url == reverse("cases:list") + "?due=overdue"
    assert len(_notices(county.users["township_officer"])) == 1
    # Another township, the auditor and the system administrator are never reminded.
    for persona in ("other_officer", "auditor", "sysadmin", "informant"):
        assert _notices(county.users[persona]) == []
    assert LeadClock.objects.get(lead=lead).reminded_on == today
    # Once a day.
    assert run_clock_reminders(today)["users"] == 0


def test_case_clock_due_soon_reminds_the_case_handlers(county):
    cc = case_county(county)
    today = timezone.localdate()
    case = filed_case(cc)
    CaseClock.objects.filter(case=case, kind=CaseClockKind.INVESTIGATION).update(due_on=today)

    run_clock_reminders(today)

    [n] = _notices(cc.secretary)
    assert n.body == "您有1件案件即将到期，请登录清风系统处理。"
    assert n.url == reverse("case_files:due")
    assert _notices(cc.users["other_officer"]) == []
    assert _notices(cc.users["trial_a"]) == []  # not in review: not the 审理室's


def test_review_clock_reminds_the_review_body_under_county_review(county):
    """乡案县审: a township case in 审理 answers to the county 审理室 for its review clock."""
    cc = case_county(county, county_review=True)
    today = timezone.localdate()
    case, _review = in_review(cc)
    assert case.review_org_id is not None and case.review_org_id != case.org_id
    CaseClock.objects.filter(case=case, met_at=None).exclude(kind=CaseClockKind.REVIEW).update(
        met_at=timezone.now()
    )
    CaseClock.objects.filter(case=case, kind=CaseClockKind.REVIEW).update(
        due_on=today - dt.timedelta(days=1)
    )

    run_clock_reminders(today)

    for reviewer in ("trial_a", "trial_b", "trial_head"):
        [n] = _notices(cc.users[reviewer])
        assert n.body == "您有1件案件已超期，请登录清风系统处理。"
    # The township handles the case, but its review clock is the 审理室's.
    assert _notices(cc.secretary) == []


def test_one_notice_counts_reports_leads_and_cases(county):
    cc = case_county(county)
    today = timezone.localdate()
    report = register(cc.secretary, county.township_a)
    Clock.objects.filter(report=report).update(due_on=today - dt.timedelta(days=1))
    lead = _verifying_lead(county)
    LeadClock.objects.filter(lead=lead).update(due_on=today)
    case = filed_case(cc)
    CaseClock.objects.filter(case=case, kind=CaseClockKind.INVESTIGATION).update(due_on=today)

    run_clock_reminders(today)

    [n] = _notices(cc.secretary)
    assert n.body == (
        "您有1件信访件已超期、1件问题线索即将到期、1件案件即将到期，请登录清风系统处理。"
    )
    # The link goes where something is overdue.
    assert n.url == reverse("intake:list") + "?due=overdue"
