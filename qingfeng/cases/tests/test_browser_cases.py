"""Issue 4 acceptance, as the people who do it: a 东坝镇 lead from 初步核实 to a 党内严重警告
announced. The officer proposes 初步核实 and reports 拟立案; the secretary approves both; the
officer files the case (Party side) and the secretary and the township Party committee head
sign; the officer forms the team and reports; the secretary approves; the county 案件审理室
(乡案县审) names two reviewers, talks to the person and reports after deliberation; its head
and the county leader sign; the officer proposes the decision and the secretary signs; the
officer records the announcement. The case file then lists the sanction with its effect end
date and every document, one of which is downloaded. Screenshots are saved."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from qingfeng.approvals.models import Approval, ApprovalStatus, Matter
from qingfeng.cases.models import Case, CaseStatus, Lead, LeadStatus, Sanction, SanctionStatus
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.tests.case_flow import CaseCounty, case_county
from qingfeng.cases.tests.conftest import make_lead
from qingfeng.conftest_paths import ARTIFACTS
from qingfeng.core.testing import PASSWORD, SmallCounty
from qingfeng.documents.models import Document, DocumentKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
CASE_DOCUMENTS = {
    DocumentKind.CASE_FILING_REPORT,
    DocumentKind.CASE_DECISION,
    DocumentKind.CASE_NOTICE,
    DocumentKind.INVESTIGATION_REPORT,
    DocumentKind.REVIEW_REGISTER,
    DocumentKind.REVIEW_REPORT,
    DocumentKind.PARTY_SANCTION_DECISION,
}


@pytest.fixture
def cc(live_county: SmallCounty) -> CaseCounty:
    """The small county with a county 案件审理室 (head ``sls_zhuren``, reviewers ``sls_a`` and
    ``sls_b``), 东坝镇's Party committee head ``dongba_dw`` (party_secretary) and 乡案县审 on
    (``BodySettings.reviews_township_cases`` on the county)."""
    return case_county(live_county, county_review=True)


@pytest.fixture
def pending_lead(cc: CaseCounty) -> Lead:
    """A 东坝镇 lead, registered and 待处置, naming the county's person 李建国."""
    return make_lead(cc.officer, cc.county.township_a, person_id=cc.county.person_a.pk)


# -- what a person does in the browser ------------------------------------------------------


def sign_in(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#qf-login-submit")
    page.wait_for_url(re.compile(r".*/$"))


def open_lead_action(page: Page, key: str) -> None:
    page.click(f"button[data-bs-target='#qf-action-{key}']")
    page.wait_for_selector(f"#qf-action-{key}.show")


def open_step(page: Page, key: str) -> None:
    """Open one step of the case file's 办理 accordion and wait until it has opened."""
    page.click(f"button[data-bs-target='#qf-case-action-{key}']")
    page.wait_for_selector(f"#qf-case-action-{key}.show")


def submit_step(page: Page, key: str, done: str) -> None:
    page.locator(f"form[data-action={key}] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(done)


def fill_meeting(page: Page, prefix: str, kind: str, conclusion: str) -> None:
    held_on = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page.select_option(f"#id_{prefix}meeting_kind", kind)
    page.fill(f"#id_{prefix}meeting_held_on", held_on)
    page.fill(f"#id_{prefix}meeting_participants", "孙书记、何干事、陈委员")
    page.fill(f"#id_{prefix}meeting_conclusion", conclusion)


def sign_waiting(page: Page, number: str, comment: str, done: str = "已批准") -> None:
    """Open the 呈批 from 待我审批, agree with ``comment`` and see the result message."""
    page.goto("/approvals/")
    page.locator("#qf-waiting-table").get_by_role("link", name=number).click()
    page.wait_for_selector("#qf-approval-sheet")
    page.check("#id_sign-decision_0")
    page.fill("#id_sign-comment", comment)
    page.locator("#qf-sign-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/approvals/$"))
    expect(page.locator("main")).to_contain_text(f"呈批 {number} {done}")


def open_case_from_list(page: Page, number: str) -> None:
    page.goto("/cases/")
    page.locator("#qf-case-table").get_by_role("link", name=number).click()
    page.wait_for_selector("#qf-case-header")


def newest(matter: str) -> Approval:
    return Approval.objects.filter(matter=matter).latest("pk")


# -- the whole path -------------------------------------------------------------------------


def test_case_from_lead_to_announced_sanction(page: Page, cc: CaseCounty, pending_lead: Lead):
    lead = pending_lead
    officer = cc.officer
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    main = page.locator("main")

    # 1. The 东坝镇 officer opens the pending lead and proposes 初步核实 after the meeting.
    sign_in(page, "dongba_gs")
    page.goto("/leads/")
    page.get_by_role("link", name=lead.number).click()
    expect(page.locator("#qf-lead-status")).to_have_text("待处置")
    open_lead_action(page, "propose")
    page.select_option("#id_propose-way", "verification")
    page.fill("#id_propose-proposal", "反映问题具体，具有可查性，建议予以初步核实。")
    fill_meeting(page, "propose-", "commission", "经纪委会集体研究，同意初步核实。")
    page.locator("form[data-action=propose] button[type=submit]").click()
    expect(page.locator("#qf-lead-status")).to_have_text("处置呈批中")
    disposal = Approval.objects.get(lead=lead)

    # 2. The secretary signs it in 待我审批.
    sign_in(page, "dongba")
    sign_waiting(page, disposal.number, "同意初步核实。")

    # 3. The officer starts 初步核实, reports 拟立案; the secretary approves.
    sign_in(page, "dongba_gs")
    page.goto(f"/leads/{lead.pk}/")
    open_lead_action(page, "verification_start")
    page.select_option("#id_verification_start-leader", str(officer.pk))
    page.check(
        f"input[name='verification_start-team'][value='{cc.users['township_officer_2'].pk}']"
    )
    page.fill("#id_verification_start-plan", "调取2025年低保评定档案，走访李庄村村民代表。")
    page.fill("#id_verification_start-started_on", yesterday)
    page.locator("form[data-action=verification_start] button[type=submit]").click()
    expect(main).to_contain_text("已开展初步核实")
    open_lead_action(page, "verification_report")
    page.select_option("#id_verification_report-outcome", "propose_case")
    page.fill(
        "#id_verification_report-report_text",
        "经初步核实，李建国将不符合条件的堂弟列入低保户属实，涉嫌违反群众纪律，建议立案审查。",
    )
    page.locator("form[data-action=verification_report] button[type=submit]").click()
    expect(main).to_contain_text("情况报告呈批中")
    verification_report = Approval.objects.filter(lead=lead).exclude(pk=disposal.pk).get()
    sign_in(page, "dongba")
    sign_waiting(page, verification_report.number, "同意立案审查。")

    # 4. The officer opens 立案呈批 from the lead page and submits it (Party side); the
    #    secretary, then the township Party committee head, sign.
    sign_in(page, "dongba_gs")
    page.goto(f"/leads/{lead.pk}/")
    expect(page.locator("#qf-lead-status")).to_have_text("拟立案")
    page.click("#qf-lead-file")
    page.wait_for_selector("#qf-filing-form")
    page.fill(
        "#id_summary",
        "李建国在2025年低保评定中将不符合条件的堂弟列入低保户，涉嫌违反群众纪律，"
        "依据《中国共产党纪律处分条例》，需要追究党纪责任，建议党纪立案审查。",
    )
    expect(page.locator("#id_is_party_member")).to_be_checked()
    expect(page.locator("#id_party_case")).to_be_checked()
    if page.locator("#id_supervision_case").is_checked():
        page.uncheck("#id_supervision_case")
    fill_meeting(page, "", "commission", "经纪委会集体研究，同意对李建国立案审查。")
    page.click("#qf-filing-submit")
    page.wait_for_url(re.compile(rf".*/leads/{lead.pk}/$"))
    expect(page.locator("#qf-lead-status")).to_have_text("立案呈批中")
    filing = newest(Matter.CASE_FILING_PARTY)
    expect(main).to_contain_text(f"已提交立案呈批 {filing.number}")

    sign_in(page, "dongba")
    sign_waiting(page, filing.number, "同意立案审查，报党委审批。", "已转下一步审批")
    sign_in(page, "dongba_dw")
    sign_waiting(page, filing.number, "同意立案。")
    case = Case.objects.get(lead=lead)
    assert case.status == CaseStatus.INVESTIGATING and case.party_case
    assert not case.supervision_case

    # The case file after filing, on the officer's phone, reached from the lead page.
    sign_in(page, "dongba_gs")
    page.set_viewport_size(PHONE)
    page.goto(f"/leads/{lead.pk}/")
    expect(page.locator("#qf-lead-status")).to_have_text("已立案")
    page.click("#qf-lead-case")
    page.wait_for_url(re.compile(rf".*/cases/{case.pk}/$"))
    expect(page.locator("#qf-case-status")).to_have_text("审查调查中")
    expect(page.locator("#qf-case-clocks")).to_contain_text("审查调查")
    for title in ("立案审查调查呈批报告", "立案决定书", "立案通知书"):
        expect(page.locator("#qf-case-documents")).to_contain_text(title)
    page.screenshot(path=str(ARTIFACTS / "case-file-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)

    # 5. The officer forms the team and reports, proposing 党内严重警告; the secretary approves.
    page.reload()
    open_step(page, "set_team")
    page.select_option("#id_set_team-leader", str(officer.pk))
    page.check(f"input[name='set_team-team'][value='{cc.users['township_officer_2'].pk}']")
    submit_step(page, "set_team", "已组成审查调查组")
    expect(page.locator("#qf-case-team")).to_contain_text("吕干事")
    open_step(page, "investigation_report")
    page.check(
        f"input[name='investigation_report-proposed_outcomes'][value='{Outcome.PARTY_SERIOUS_WARNING}']"
    )
    page.fill(
        "#id_investigation_report-report_text",
        "经审查，李建国违规为其堂弟办理低保1户，涉及金额1.2万元，已全部退缴。"
        "其行为违反群众纪律，建议给予党内严重警告处分。",
    )
    submit_step(page, "investigation_report", "已提交审查调查报告")
    expect(page.locator("#qf-case-status")).to_have_text("审查调查报告呈批中")
    sign_in(page, "dongba")
    sign_waiting(page, newest(Matter.INVESTIGATION_REPORT).number, "同意，移送审理。")
    case.refresh_from_db()
    trial = cc.users["trial_head"].org
    assert trial is not None
    assert case.status == CaseStatus.IN_REVIEW and case.review_org == trial

    # 6. 乡案县审: the 审理室主任 names two reviewers; a reviewer talks to the person and reports
    #    after deliberation; the 审理室主任 and the county leader sign.
    sign_in(page, "sls_zhuren")
    open_case_from_list(page, case.number)
    expect(page.locator("#qf-case-review-org")).to_have_text(trial.name)
    open_step(page, "assign_reviewers")
    for who in ("trial_a", "trial_b"):
        page.check(f"input[name='assign_reviewers-reviewers'][value='{cc.users[who].pk}']")
    submit_step(page, "assign_reviewers", "已确定审理人员")
    expect(page.locator("#qf-case-reviews")).to_contain_text("蒋审理、沈审理")

    sign_in(page, "sls_a")
    open_case_from_list(page, case.number)
    open_step(page, "review_talk")
    page.fill("#id_review_talk-talk_on", timezone.localdate().isoformat())
    page.fill(
        "#id_review_talk-talk_record", "审理人员与李建国谈话，其对违纪事实无异议，认错态度较好。"
    )
    submit_step(page, "review_talk", "已记录审理谈话")
    open_step(page, "review_report")
    expect(
        page.locator(
            f"input[name='review_report-proposed_outcomes'][value='{Outcome.PARTY_SERIOUS_WARNING}']"
        )
    ).to_be_checked()
    page.fill(
        "#id_review_report-report_text",
        "经审理，李建国违反群众纪律事实清楚、证据确凿，定性准确，建议给予党内严重警告处分。",
    )
    fill_meeting(page, "review_report-", "department", "审理室集体审议，同意审理意见。")
    page.screenshot(path=str(ARTIFACTS / "case-review-report.png"), full_page=True)
    submit_step(page, "review_report", "已提交审理报告")
    expect(page.locator("#qf-case-status")).to_have_text("审理报告呈批中")
    review_report = newest(Matter.REVIEW_REPORT)
    sign_in(page, "sls_zhuren")
    sign_waiting(page, review_report.number, "同意审理意见。", "已转下一步审批")
    sign_in(page, "leader")
    sign_waiting(page, review_report.number, "同意。")
    open_case_from_list(page, case.number)
    expect(page.locator("#qf-case-status")).to_have_text("审理终结待决定")
    reviews = page.locator("#qf-case-reviews")
    expect(reviews).to_contain_text("审理谈话")
    expect(reviews).to_contain_text("党内严重警告")
    page.screenshot(path=str(ARTIFACTS / "case-review-done.png"), full_page=True)

    # 7. The officer proposes 党内严重警告; the secretary alone signs (a simple township case).
    sign_in(page, "dongba_gs")
    page.goto(f"/cases/{case.pk}/")
    open_step(page, "propose_decision")
    expect(
        page.locator(
            f"input[name='propose_decision-outcomes'][value='{Outcome.PARTY_SERIOUS_WARNING}']"
        )
    ).to_be_checked()
    fill_meeting(
        page, "propose_decision-", "commission", "经纪委会集体研究，同意给予党内严重警告处分。"
    )
    submit_step(page, "propose_decision", "已提交处分（处理）决定呈批")
    expect(page.locator("#qf-case-status")).to_have_text("处理决定呈批中")
    decision = newest(Matter.SANCTION_DECISION)
    assert [s.org for s in decision.steps.all()] == [cc.county.township_a]
    sign_in(page, "dongba")
    sign_waiting(page, decision.number, "同意给予李建国党内严重警告处分。")

    # 8. The officer records the announcement.
    sign_in(page, "dongba_gs")
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("#qf-case-status")).to_have_text("待宣布")
    open_step(page, "announcement")
    page.fill("#id_announcement-announced_on", timezone.localdate().isoformat())
    submit_step(page, "announcement", "已登记宣布处分决定")

    # The case file: 执行中, the sanction with its effect end date, every document.
    case.refresh_from_db()
    lead.refresh_from_db()
    assert case.status == CaseStatus.EXECUTING and lead.status == LeadStatus.FILED
    expect(page.locator("#qf-case-status")).to_have_text("执行中")
    sanction = Sanction.objects.get(case=case)
    assert sanction.outcome == Outcome.PARTY_SERIOUS_WARNING
    assert sanction.status == SanctionStatus.ANNOUNCED and sanction.effect_ends_on is not None
    row = page.locator(f".qf-sanction[data-outcome='{Outcome.PARTY_SERIOUS_WARNING}']")
    expect(row).to_contain_text("党内严重警告")
    expect(row).to_contain_text(sanction.effect_ends_on.isoformat())
    expect(row).to_contain_text(timezone.localdate().isoformat())
    assert {a.status for a in Approval.objects.filter(case=case)} == {ApprovalStatus.APPROVED}

    documents = list(Document.objects.filter(case=case))
    assert {d.kind for d in documents} == CASE_DOCUMENTS
    listed = page.locator("#qf-case-documents")
    for document in documents:
        link = listed.locator(f"a[href='/documents/{document.pk}/download/']")
        expect(link).to_have_count(1)
        expect(listed).to_contain_text(document.number)
        expect(listed).to_contain_text(document.get_kind_display())
    page.screenshot(path=str(ARTIFACTS / "case-file-announced.png"), full_page=True)

    decision_doc = next(d for d in documents if d.kind == DocumentKind.PARTY_SANCTION_DECISION)
    href = listed.locator("a", has_text=decision_doc.title).first.get_attribute("href")
    assert href is not None
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == DOCX
    assert response.body()[:2] == b"PK"
