"""The main path of approvals as people do it: a township secretary on a phone refuses
without a reason (kept on the form), then approves; a county leader changes a chain and
the body's 初步核实 limit, choosing the body from the list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qingfeng.approvals.models import ApprovalStatus, ChainStep
from qingfeng.approvals.tests.builders import town_approval
from qingfeng.cases.models import BodySettings, Lead, LeadStatus
from qingfeng.conftest_paths import ARTIFACTS
from qingfeng.core.testing import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#qf-login-submit")
    page.wait_for_url(re.compile(r".*/$"))


@pytest.mark.django_db(transaction=True)
def test_secretary_signs_on_a_phone(page, live_county):
    approval = town_approval(live_county)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "dongba")
    page.goto("/approvals/")
    page.get_by_role("link", name=approval.number).click()
    page.wait_for_selector("#qf-approval-sheet")
    assert "经集体研究，同意按所拟方式处置" in page.inner_text("#qf-approval-sheet")

    # 不同意 without a reason: refused, and the choice stays on the form.
    page.check("#id_sign-decision_1")
    page.locator("#qf-sign-form button[type=submit]").click()
    expect(page.locator("#qf-sign-form")).to_contain_text("不同意时请填写审批意见")
    expect(page.locator("#id_sign-decision_1")).to_be_checked()
    # The sheet fits the phone's width (no sideways scrolling of the page itself).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "approval-sign-phone.png"), full_page=True)

    page.check("#id_sign-decision_0")
    page.fill("#id_sign-comment", "同意谈话函询")
    page.locator("#qf-sign-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/approvals/$"))
    expect(page.locator("main")).to_contain_text(f"呈批 {approval.number} 已批准")
    page.click("#qf-tab-signed")
    page.wait_for_selector("#qf-pane-signed.show")
    expect(page.locator("#qf-signed-table")).to_contain_text(approval.number)
    page.screenshot(path=str(ARTIFACTS / "approval-inbox-phone.png"), full_page=True)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    assert Lead.objects.get(approvals=approval).status == LeadStatus.ENQUIRY


@pytest.mark.django_db(transaction=True)
def test_leader_edits_a_township_chain_and_settings(page, live_county):
    county = live_county
    sign_in(page, "leader")
    page.goto("/approvals/chains/")
    # Choosing the body reloads the chains in place (htmx) and updates the address.
    page.select_option("#qf-body-select", str(county.township_a.pk))
    expect(page.locator("#qf-chains-page h2").first).to_contain_text("东坝镇纪委")
    page.wait_for_url(re.compile(rf".*\?org={county.township_a.pk}$"))

    page.locator("#qf-chain-lead_disposal a").click()
    page.wait_for_selector("#qf-chain-form")
    page.select_option("#id_step2_role", "county_leader")
    page.select_option("#id_step2_relation", "parent")
    page.fill("#id_step2_label", "县纪委审核")
    page.screenshot(path=str(ARTIFACTS / "approval-chain-edit.png"), full_page=True)
    page.locator("#qf-chain-form button[name=save]").click()
    page.wait_for_url(re.compile(r".*/approvals/chains/\?org=\d+$"))
    expect(page.locator("#qf-chain-lead_disposal")).to_contain_text("县纪委审核")
    assert ChainStep.objects.filter(org=county.township_a).count() == 2

    page.select_option("#id_settings-verification_months", "1")
    page.locator("#qf-body-settings-form button[type=submit]").click()
    expect(page.locator("#qf-current-months")).to_have_text("1个月")
    assert BodySettings.objects.get(org=county.township_a).verification_months == 1
    page.screenshot(path=str(ARTIFACTS / "approval-chains.png"), full_page=True)

    # 恢复默认 asks first.
    page.locator("#qf-chain-lead_disposal a").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#qf-chain-form button[name=reset]").click()
    expect(page.locator("#qf-chain-lead_disposal")).to_contain_text("默认")
    assert not ChainStep.objects.filter(org=county.township_a).exists()
