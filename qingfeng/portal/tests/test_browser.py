"""A member of the public on a phone: a real-name report with a photo, the code read back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qingfeng.intake.models import Attachment, Report
from qingfeng.portal.tests.helpers import ID_NUMBER, jpeg_bytes


@pytest.mark.django_db(transaction=True)
def test_phone_real_name_report_with_photo(page, live_county, settings):
    settings.PORTAL_CHALLENGE_MAX_NUMBER = 2000
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/portal/")
    page.click("#qf-start-report")
    # Without a choice of real name the identity block stays hidden (portal.js hides it
    # once loaded: wait for that rather than read the page before the script has run).
    expect(page.locator("#id_reporter_name")).to_be_hidden()
    page.select_option("#id_body", label="东坝镇纪委")
    page.fill("#id_subject_0_name", "李建国")
    page.fill("#id_subject_0_unit", "李庄村民委员会")
    page.click("#qf-add-subject")
    page.fill("#id_subject_1_name", "王会计")
    page.select_option("#id_category", "masses")
    page.fill("#id_title", "低保优亲厚友")
    page.fill("#id_content", "村支书把低保名额给了亲戚。<script>alert(1)</script>")
    page.set_input_files(
        "#id_files", files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.check("#id_mode_0")
    page.fill("#id_reporter_name", "张举报")
    page.fill("#id_reporter_id_number", ID_NUMBER)
    page.fill("#id_reporter_phone", "13800001111")
    page.click("#qf-submit-report")
    code = page.text_content("#qf-query-code") or ""
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code.strip())
    assert page.is_visible("#qf-print")
    # Phone layout: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    report = Report.objects.get()
    assert report.is_real_name and report.org == live_county.township_a
    assert list(report.subjects.values_list("name", flat=True)) == ["李建国", "王会计"]
    assert Attachment.objects.filter(report=report).count() == 1

    page.goto("/portal/query/")
    page.fill("#id_code", code)
    page.click("#qf-lookup-submit")
    assert page.text_content("#qf-status") == "已收到，正在登记分办"
    assert "您的身份信息从未被查看" in (page.text_content("#qf-identity-views") or "")
