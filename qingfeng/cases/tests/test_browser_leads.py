"""A lead from registration to 拟立案, as the people who do it: a 东坝镇 officer registers a
lead and proposes 初步核实 after the commission's meeting; the secretary approves it on a
phone; the officer forms the check team and reports 拟立案; the secretary approves; the lead
file then shows the history, the approvals and every document. Screenshots are saved."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from qingfeng.approvals.models import Approval, ApprovalStatus
from qingfeng.cases.models import Lead, LeadStatus
from qingfeng.conftest_paths import ARTIFACTS
from qingfeng.core.testing import PASSWORD
from qingfeng.documents.models import Document, DocumentKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#qf-login-submit")
    page.wait_for_url(re.compile(r".*/$"))


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


def open_action(page: Page, key: str) -> None:
    page.click(f"button[data-bs-target='#qf-action-{key}']")
    page.wait_for_selector(f"#qf-action-{key}.show")


def sign_waiting(page: Page, number: str, comment: str) -> None:
    page.goto("/approvals/")
    page.get_by_role("link", name=number).click()
    page.wait_for_selector("#qf-approval-sheet")
    page.check("#id_sign-decision_0")
    page.fill("#id_sign-comment", comment)
    page.locator("#qf-sign-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/approvals/$"))
    expect(page.locator("main")).to_contain_text(f"呈批 {number} 已批准")


def test_lead_from_registration_to_proposed_case(page: Page, live_county) -> None:
    county = live_county
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    # 1. The 东坝镇 officer registers a lead handed over by the inspection team.
    sign_in(page, "dongba_gs")
    page.goto("/leads/new/")
    page.select_option("#id_source", "inspection")
    page.fill("#id_subject_name", "李建国")
    page.fill("#id_subject_unit", "李庄村民委员会")
    page.fill("#id_subject_post", "村党支部书记")
    page.fill("#id_summary", "巡察移交：李建国在2025年低保评定中将其堂弟列入低保户，涉嫌优亲厚友。")
    page.click("#qf-lead-save")
    page.wait_for_url(re.compile(r".*/leads/\d+/$"))
    lead = Lead.objects.get(subject_name="李建国")
    expect(page.locator("main")).to_contain_text(lead.number)

    # 2. After the commission's meeting, a 处置呈批 proposing 初步核实.
    open_action(page, "propose")
    page.select_option("#id_propose-way", "verification")
    page.fill("#id_propose-proposal", "反映问题具体，具有可查性，建议予以初步核实。")
    page.select_option("#id_propose-meeting_kind", "commission")
    page.fill("#id_propose-meeting_held_on", yesterday)
    page.fill("#id_propose-meeting_participants", "孙书记、何干事、陈委员")
    page.fill("#id_propose-meeting_conclusion", "经纪委会集体研究，同意初步核实。")
    page.locator("form[data-action=propose] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("处置呈批中")
    disposal = Approval.objects.get(lead=lead)
    sign_out(page)

    # 3. The secretary approves it on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "dongba")
    sign_waiting(page, disposal.number, "同意初步核实，由何干事牵头。")
    page.screenshot(path=str(ARTIFACTS / "lead-disposal-approved-phone.png"), full_page=True)
    sign_out(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # 4. The officer forms the check team, then reports 拟立案.
    sign_in(page, "dongba_gs")
    page.goto(f"/leads/{lead.pk}/")
    expect(page.locator("main")).to_contain_text("初步核实")
    open_action(page, "verification_start")
    page.select_option("#id_verification_start-leader", str(county.users["township_officer"].pk))
    page.check(
        f"input[name='verification_start-team'][value='{county.users['township_secretary'].pk}']"
    )
    page.fill("#id_verification_start-plan", "调取2025年低保评定档案，走访李庄村村民代表。")
    page.fill("#id_verification_start-started_on", yesterday)
    page.locator("form[data-action=verification_start] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("已开展初步核实")

    open_action(page, "verification_report")
    page.select_option("#id_verification_report-outcome", "propose_case")
    page.fill(
        "#id_verification_report-report_text",
        "经初步核实，李建国将不符合条件的堂弟列入低保户属实，涉嫌违反群众纪律，建议立案审查。",
    )
    page.locator("form[data-action=verification_report] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("情况报告呈批中")
    report = Approval.objects.filter(lead=lead).exclude(pk=disposal.pk).get()
    sign_out(page)

    # 5. The secretary approves the report.
    sign_in(page, "dongba")
    sign_waiting(page, report.number, "同意立案审查。")
    sign_out(page)

    # 6. The lead file: 拟立案, both approvals, every document, the whole history.
    sign_in(page, "dongba_gs")
    page.goto(f"/leads/{lead.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("拟立案")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CASE_PROPOSED
    assert {a.status for a in Approval.objects.filter(lead=lead)} == {ApprovalStatus.APPROVED}
    kinds = set(Document.objects.filter(lead=lead).values_list("kind", flat=True))
    assert kinds == {
        DocumentKind.LEAD_REGISTER,
        DocumentKind.VERIFICATION_APPROVAL,
        DocumentKind.VERIFICATION_REPORT,
    }
    for document in Document.objects.filter(lead=lead):
        expect(main).to_contain_text(document.number)
    page.screenshot(path=str(ARTIFACTS / "lead-file-case-proposed.png"), full_page=True)
