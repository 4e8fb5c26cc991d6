"""Issue 3 acceptance, as people would do it: a citizen on a phone and a county 信访 officer.

The citizen submits a real-name report with a photo; the officer classifies, accepts and
assigns it and gives the 受理告知; the citizen reads the notice with the query code; the
officer views the identity with a reason; the citizen sees that view.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qingfeng.conftest_paths import ARTIFACTS
from qingfeng.core.testing import PASSWORD
from qingfeng.intake.models import IdentityAccess, Report, Status
from qingfeng.portal.tests.helpers import ID_NUMBER, jpeg_bytes

pytestmark = pytest.mark.browser


def open_action(page, name: str) -> None:
    """Open the action's panel on the detail page and wait until it has finished opening."""
    page.click(f'[data-bs-target="#qf-action-{name}"]')
    page.wait_for_selector(f"#qf-action-{name}.collapse.show")


def submit_action(page, name: str, done: str, where: str = "#qf-report-header") -> None:
    """Submit the open panel's form and wait until the page shows the step's effect."""
    page.locator(f"#qf-action-{name} button[type=submit]").click()
    expect(page.locator(where)).to_contain_text(done, timeout=30_000)


def look_up(page, code: str) -> None:
    page.goto("/portal/query/")
    page.fill("#id_code", code)
    page.click("#qf-lookup-submit")
    page.wait_for_selector("#qf-status")


@pytest.mark.django_db(transaction=True)
def test_report_from_phone_to_acceptance_notice_and_identity_view(
    page, live_server, live_county, settings
):
    settings.PORTAL_CHALLENGE_MAX_NUMBER = 2000
    county = live_county

    # 1. The citizen, on a phone, reports to the county commission with a photo.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/portal/")
    page.click("#qf-start-report")
    page.select_option("#id_body", label="清河县纪委监委")
    page.fill("#id_subject_0_name", "李建国")
    page.fill("#id_subject_0_unit", "李庄村民委员会")
    page.select_option("#id_category", "masses")
    page.fill("#id_title", "村支书把低保给亲戚")
    page.fill("#id_content", "李庄村支书李建国把低保名额给了他的两个亲戚，村民意见很大。")
    page.set_input_files(
        "#id_files",
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}],
    )
    page.check("#id_mode_0")
    page.fill("#id_reporter_name", "张举报")
    page.fill("#id_reporter_id_number", ID_NUMBER)
    page.fill("#id_reporter_phone", "13800001111")
    page.click("#qf-submit-report")
    code = (page.text_content("#qf-query-code") or "").strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)
    page.screenshot(path=str(ARTIFACTS / "report-receipt-phone.png"), full_page=True)
    report = Report.objects.get()

    # 2. The county 信访 officer finds it in the list, classifies, accepts and assigns it.
    officer_context = page.context.browser.new_context(base_url=live_server.url, locale="zh-CN")
    officer = officer_context.new_page()
    officer.set_default_timeout(15_000)
    officer.goto("/accounts/login/")
    officer.fill("#id_username", "xinfang")
    officer.fill("#id_password", PASSWORD)
    officer.click("#qf-login-submit")
    officer.wait_for_url(re.compile(r".*/$"))
    officer.goto("/reports/")
    officer.get_by_role("link", name=report.number).click()
    officer.wait_for_selector("#qf-report-header")
    assert "实名 — 身份信息已保护" in officer.inner_text("#qf-report-identity")
    assert "张举报" not in officer.content()

    open_action(officer, "classify")
    officer.select_option("#id_classify-klass", "accusation")
    submit_action(officer, "classify", "分类", "#qf-report-timeline")
    open_action(officer, "accept")
    submit_action(officer, "accept", "已受理")
    open_action(officer, "assign")
    officer.select_option("#id_assign-department", str(county.petition_dept.pk))
    submit_action(officer, "assign", "承办中")
    open_action(officer, "notify_acceptance")
    submit_action(officer, "notify_acceptance", "受理告知书", "#qf-report-documents")
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED and report.accept_notice_on is not None
    assert "受理告知书" in officer.inner_text("#qf-report-documents")
    officer.screenshot(path=str(ARTIFACTS / "report-accepted-officer.png"), full_page=True)

    # 3. The citizen reads the 受理告知 with the code.
    look_up(page, code)
    notices = page.inner_text("#qf-notices")
    assert "受理告知书" in notices
    assert "您的身份信息从未被查看" in page.inner_text("#qf-identity-views")

    # 4. The officer views the identity, giving a reason.
    officer.fill("#id_identity-reason", "需联系举报人核实低保名单")
    officer.locator("#qf-identity-form button[type=submit]").click()
    officer.wait_for_selector("#qf-identity-shown")
    assert "张举报" in officer.inner_text("#qf-identity-shown")
    assert IdentityAccess.objects.filter(report=report).count() == 1

    # 5. The citizen sees that their identity was viewed, and by which body.
    look_up(page, code)
    views = page.inner_text("#qf-identity-views")
    assert "从未" not in views and "清河县纪委监委" in views
    page.screenshot(
        path=str(ARTIFACTS / "report-identity-view-seen-by-reporter.png"), full_page=True
    )
    officer_context.close()
