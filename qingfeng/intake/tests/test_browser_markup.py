"""Script tags typed into a report show as text on every staff page (issue 3, bad input)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from qingfeng.core.testing import PASSWORD
from qingfeng.intake import services
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'


@pytest.mark.django_db(transaction=True)
def test_script_tags_render_as_text_on_staff_pages(page, live_county):
    county = live_county
    officer = county.users["petition_officer"]
    report = services.register_report(
        actor=officer,
        org=county.county,
        data=services.ReportInput(
            channel=Channel.LETTER,
            received_on=timezone.localdate() - dt.timedelta(days=1),
            title=f"低保问题{SCRIPT}",
            content=f"反映内容{IMG}{SCRIPT}",
            subjects=[services.SubjectInput(f"王五{SCRIPT}", f"某村{IMG}", "会计")],
            is_real_name=True,
            identity=Identity(name=f"张三{SCRIPT}", phone="13800000000"),
            occurred_where=IMG,
        ),
    ).report
    services.post_message(report=report, body=f"请补充{SCRIPT}", actor=officer)

    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto("/accounts/login/")
    page.fill("#id_username", "xinfang")
    page.fill("#id_password", PASSWORD)
    page.click("#qf-login-submit")
    page.wait_for_url(re.compile(r".*/$"))

    for url in (
        "/",
        "/reports/",
        f"/reports/?q={report.number}",
        f"/reports/{report.pk}/",
        "/reports/search/?q=低保",
        "/reports/stats/",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.locator("script:not([src])").count() == 0, url
        assert page.locator("img[src=x]").count() == 0, url
    # The typed markup is shown, as text, where the report is shown.
    page.goto(f"/reports/{report.pk}/")
    text = page.inner_text("main")
    assert SCRIPT in text and IMG in text
    page.fill("#id_identity-reason", f"核实{SCRIPT}")
    page.locator("#qf-identity-form button[type=submit]").click()
    page.wait_for_selector("#qf-identity-shown")
    assert f"张三{SCRIPT}" in page.inner_text("#qf-identity-shown")
    page.goto("/reports/search/?q=低保")
    assert SCRIPT in page.inner_text("main")
    assert dialogs == []
