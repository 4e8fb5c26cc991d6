"""The approval pages — 待我审批, one 呈批, signing and withdrawing — by every persona."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus, ApprovalStep, StepState
from qingfeng.approvals.tests.builders import (
    county_approval,
    detail_url,
    post_sign,
    propose,
    section,
    town_approval,
    town_lead,
)
from qingfeng.cases import handling
from qingfeng.cases import services as cases
from qingfeng.cases.models import Lead, LeadStatus, Way
from qingfeng.cases.outcomes import Outcome

INBOX = "/approvals/"


@pytest.fixture
def town(county) -> Approval:
    return town_approval(county)


@pytest.fixture
def upper(county) -> Approval:
    return county_approval(county)


# -- 待我审批 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees_town", "sees_county"),
    [
        ("township_secretary", True, False),
        ("dept_head", False, True),
        ("county_leader", False, False),  # the county's second step is not its turn yet
        ("township_officer", False, False),  # the submitter never signs
        ("other_officer", False, False),
        ("informant", False, False),
        ("sysadmin", False, False),
    ],
)
def test_inbox_waiting_by_persona(login, town, upper, persona, sees_town, sees_county):
    assert reverse("approvals:inbox") == INBOX
    response = login(persona).get(INBOX)
    assert response.status_code == 200
    waiting = section(response.content.decode(), "qf-waiting-table")
    assert (town.number in waiting) is sees_town
    assert (upper.number in waiting) is sees_county
    if not (sees_town or sees_county):
        assert "没有待我审批的呈批" in waiting


def test_inbox_columns(login, county, town):
    page = login("township_secretary").get(INBOX).content.decode()
    row = section(page, "qf-waiting-table")
    for text in (town.number, "问题线索处置", town.title, "东坝镇纪委", "何干事", "纪委书记"):
        assert text in row
    assert detail_url(town) in row


def test_informant_inbox_is_empty(login, town, upper):
    page = login("informant").get(INBOX).content.decode()
    assert town.number not in page and upper.number not in page
    assert "尚无审批记录" in page and "尚未提交呈批" in page


def test_inbox_anonymous_redirects_to_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_mine_and_signed_sections(login, county, town):
    officer = login("township_officer").get(INBOX + "?tab=mine").content.decode()
    mine = section(officer, "qf-mine-table")
    assert town.number in mine and "审批中" in mine and "纪委书记" in mine
    assert 'id="qf-tab-mine" data-bs-toggle="tab"' in officer
    assert 'nav-link text-nowrap active" id="qf-tab-mine"' in officer

    assert post_sign(login("township_secretary"), town, "reject", "事实不清").status_code == 302
    secretary = login("township_secretary").get(INBOX).content.decode()
    signed = section(secretary, "qf-signed-table")
    assert town.number in signed and "不同意" in signed and "未批准" in signed
    assert town.number not in section(secretary, "qf-waiting-table")
    assert "未批准" in section(
        login("township_officer").get(INBOX).content.decode(), "qf-mine-table"
    )


def _inbox_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(INBOX).status_code == 200
    return len(ctx.captured_queries)


def _fill(county, n: int) -> None:
    """``n`` pending 呈批 for the secretary, and ``n`` the secretary has signed."""
    secretary = county.users["township_secretary"]
    for i in range(n):
        town_approval(county, name=f"待签{i}")
        signed = town_approval(county, name=f"已签{i}")
        approvals.sign(approval=signed, actor=secretary, approve=True, comment="同意")


def test_inbox_query_count_is_bounded(login, county):
    _fill(county, 1)
    secretary, officer = login("township_secretary"), login("township_officer")
    _inbox_queries(secretary), _inbox_queries(officer)  # warm the session and the cache
    few = (_inbox_queries(secretary), _inbox_queries(officer))
    _fill(county, 4)
    assert Approval.objects.count() == 10
    assert (_inbox_queries(secretary), _inbox_queries(officer)) == few
    assert max(few) <= 8, few


# -- one 呈批 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "town_status", "county_status"),
    [
        ("sysadmin", 200, 200),
        ("county_leader", 200, 200),
        ("township_secretary", 200, 404),
        ("township_officer", 200, 404),
        ("dept_head", 404, 200),
        ("supervision_officer", 404, 200),
        ("other_officer", 404, 404),
        ("informant", 404, 404),
        ("auditor", 404, 404),
        ("petition_officer", 404, 404),
    ],
)
def test_detail_by_persona(login, town, upper, persona, town_status, county_status):
    client = login(persona)
    assert client.get(detail_url(town)).status_code == town_status
    assert client.get(detail_url(upper)).status_code == county_status


def test_detail_missing_and_anonymous(login, client, town):
    missing = reverse("approvals:detail", args=[town.pk + 1000])
    assert login("township_secretary").get(missing).status_code == 404
    response = client.get(detail_url(town))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]
    assert post_sign(client, town).status_code == 302
    assert Approval.objects.get(pk=town.pk).status == ApprovalStatus.PENDING


def test_detail_sheet(login, county, town):
    page = login("township_secretary").get(detail_url(town)).content.decode()
    for text in (
        town.number,
        "问题线索处置",
        town.title,
        "东坝镇纪委",
        "何干事",
        "经研究，建议对该线索谈话函询",
        "纪委会（委务会）",
        "孙书记、何干事、陈委员",
        "经集体研究，同意按所拟方式处置",
        "拟处置方式",
        "呈批前线索状态",
        "待处置",
        town.lead.number,
        "李建国",
        "处置呈批中",
    ):
        assert text in page, text
    steps = section(page, "qf-approval-steps")
    assert "1. 纪委书记" in steps and "乡镇纪委书记" in steps and "待审批" in steps
    assert 'id="qf-sign-form"' in page and reverse("approvals:sign", args=[town.pk]) in page
    assert 'id="qf-withdraw-form"' not in page
    assert 'id="qf-approval-stale"' not in page


def test_detail_links_the_lead_when_the_leads_pages_exist(login, town):
    page = login("township_secretary").get(detail_url(town)).content.decode()
    try:
        lead_page = reverse("cases:detail", args=[town.lead_id])
    except NoReverseMatch:
        lead_page = None
    assert town.lead.number in section(page, "qf-approval-sheet")
    if lead_page is not None:
        assert f'href="{lead_page}"' in page
    else:
        assert 'href="/leads/' not in page


def test_submitter_sees_withdraw_not_sign(login, town):
    page = login("township_officer").get(detail_url(town)).content.decode()
    assert 'id="qf-withdraw-form"' in page
    assert 'id="qf-sign-form"' not in page


def test_reader_without_signing_role_sees_neither(login, town):
    page = login("county_leader").get(detail_url(town)).content.decode()
    assert town.number in page
    assert 'id="qf-sign-form"' not in page and 'id="qf-withdraw-form"' not in page


def test_text_is_escaped(login, county):
    approval = town_approval(county, name="<script>alert(1)</script>")
    page = login("township_secretary").get(detail_url(approval)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_outcome_payload_in_chinese(login, county):
    """A 初步核实 report's 呈批 shows its outcome's Chinese name and is still current."""
    officer, secretary = county.users["township_officer"], county.users["township_secretary"]
    lead = town_lead(county)
    approvals.sign(approval=propose(lead, officer, Way.VERIFICATION), actor=secretary, approve=True)
    verification = handling.start_verification(
        lead=lead,
        actor=officer,
        leader=officer,
        team=[],
        plan="调取低保评定材料，询问村民代表",
        started_on=lead.created_at.date(),
    )
    report = handling.submit_verification_report(
        verification=verification,
        actor=officer,
        report_text="经初步核实，反映的问题基本属实，建议立案审查。",
        outcome=Outcome.PROPOSE_CASE,
    )
    page = login("township_secretary").get(detail_url(report)).content.decode()
    assert "初步核实情况报告" in page and "拟处理意见" in page and "拟立案" in page
    assert 'id="qf-approval-stale"' not in page
    assert 'id="qf-sign-form"' in page


# -- signing -------------------------------------------------------------------------------


def test_sign_through_the_page_approves_and_moves_the_lead(login, county, town):
    client = login("township_secretary")
    response = post_sign(client, town, "approve", "同意谈话函询")
    assert response.status_code == 302 and response["Location"] == INBOX
    town.refresh_from_db()
    assert town.status == ApprovalStatus.APPROVED
    step = town.steps.get()
    assert step.state == StepState.APPROVED and step.signer == county.users["township_secretary"]
    assert step.comment == "同意谈话函询" and step.signed_digest == town.digest
    assert Lead.objects.get(pk=town.lead_id).status == LeadStatus.ENQUIRY
    page = client.get(INBOX).content.decode()
    assert f"呈批 {town.number} 已批准" in page
    assert "同意谈话函询" in client.get(detail_url(town)).content.decode()
    assert 'id="qf-sign-form"' not in client.get(detail_url(town)).content.decode()


def test_reject_without_comment_keeps_the_form(login, town):
    client = login("township_secretary")
    response = post_sign(client, town, "reject", " ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "不同意时请填写审批意见" in page
    assert 'id="qf-sign-form"' in page
    assert (
        'value="reject" class="form-check-input" id="id_sign-decision_1" required checked' in page
    )
    assert Approval.objects.get(pk=town.pk).status == ApprovalStatus.PENDING

    response = post_sign(client, town, "reject", "处置意见依据不足，请补充材料")
    assert response.status_code == 302
    town.refresh_from_db()
    assert town.status == ApprovalStatus.REJECTED
    assert Lead.objects.get(pk=town.lead_id).status == LeadStatus.PENDING


def test_sign_needs_a_decision(login, town):
    response = post_sign(login("township_secretary"), town, "", "同意")
    assert response.status_code == 400
    assert "审批结论：此项为必填项" in response.content.decode()


def test_sign_is_post_only(login, town):
    assert (
        login("township_secretary").get(reverse("approvals:sign", args=[town.pk])).status_code
        == 405
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_officer", 404),  # another township: the 呈批 does not exist for them
        ("informant", 404),
        ("dept_head", 404),
        ("township_officer", 403),  # the submitter
        ("county_leader", 403),  # may read, holds no signing role of the township
        ("sysadmin", 403),
    ],
)
def test_who_cannot_sign(login, town, persona, status):
    assert post_sign(login(persona), town, "approve", "同意").status_code == status
    town.refresh_from_db()
    assert town.status == ApprovalStatus.PENDING
    assert not town.steps.exclude(signer=None).exists()


def test_lead_edited_after_submission_voids_the_approval(login, county, town):
    lead = town.lead
    cases.update_lead(
        lead=lead,
        actor=county.users["township_officer"],
        data=cases.LeadInput(
            source=lead.source,
            summary="巡察发现李建国在低保评定中优亲厚友，另有虚报冒领情况",
            subject_name=lead.subject_name,
            subject_unit=lead.subject_unit,
            subject_post=lead.subject_post,
        ),
    )
    client = login("township_secretary")
    page = client.get(detail_url(town)).content.decode()
    assert "已失效" in page and "线索内容已修改，原呈批失效" in page
    assert 'id="qf-sign-form"' not in page
    assert town.number not in section(client.get(INBOX).content.decode(), "qf-waiting-table")

    response = post_sign(client, town, "approve", "同意")
    assert response.status_code == 400
    assert "该呈批已失效，不能再审批" in response.content.decode()
    town.refresh_from_db()
    assert town.status == ApprovalStatus.VOID
    assert not town.steps.exclude(signer=None).exists()


def test_record_changed_behind_the_approval_voids_it_on_signing(login, county, town):
    Lead.objects.filter(pk=town.lead_id).update(summary="巡察发现李建国另有违规问题")
    client = login("township_secretary")
    page = client.get(detail_url(town)).content.decode()
    assert "呈批后内容已变更，本呈批将失效" in page
    assert Approval.objects.get(pk=town.pk).status == ApprovalStatus.PENDING  # a GET writes nothing

    response = post_sign(client, town, "approve", "同意")
    assert response.status_code == 302 and response["Location"] == detail_url(town)
    page = client.get(detail_url(town)).content.decode()
    assert "呈批后相关内容已变更，原呈批已失效，请重新呈批" in page
    town.refresh_from_db()
    assert town.status == ApprovalStatus.VOID and town.void_reason == "呈批后内容已变更"
    assert not town.steps.exclude(signer=None).exists()
    assert Lead.objects.get(pk=town.lead_id).status == LeadStatus.PENDING


def test_two_step_chain_signs_in_order(login, county, upper):
    leader, head = login("county_leader"), login("dept_head")
    steps = list(upper.steps.order_by("order").select_related("org"))
    assert [(s.label, s.org, s.state) for s in steps] == [
        ("承办部门主要负责人", county.supervision_dept, StepState.WAITING),
        ("分管委领导", county.county, StepState.QUEUED),
    ]
    assert upper.number not in section(leader.get(INBOX).content.decode(), "qf-waiting-table")
    assert 'id="qf-sign-form"' not in leader.get(detail_url(upper)).content.decode()
    assert post_sign(leader, upper, "approve", "同意").status_code == 403

    assert post_sign(head, upper, "approve", "同意，报分管委领导").status_code == 302
    upper.refresh_from_db()
    assert upper.status == ApprovalStatus.PENDING
    assert upper.number in section(head.get(INBOX).content.decode(), "qf-signed-table")
    assert post_sign(head, upper, "approve", "同意").status_code == 403  # never twice

    assert upper.number in section(leader.get(INBOX).content.decode(), "qf-waiting-table")
    page = leader.get(detail_url(upper)).content.decode()
    assert "冯主任" in page and "同意，报分管委领导" in page and 'id="qf-sign-form"' in page
    assert post_sign(leader, upper, "approve", "同意").status_code == 302
    upper.refresh_from_db()
    assert upper.status == ApprovalStatus.APPROVED
    assert list(upper.steps.order_by("order").values_list("signer__username", flat=True)) == [
        "jcs_zhuren",
        "leader",
    ]
    assert Lead.objects.get(pk=upper.lead_id).status == LeadStatus.ENQUIRY


# -- withdrawing ---------------------------------------------------------------------------


def test_withdraw_by_the_submitter(login, town):
    url = reverse("approvals:withdraw", args=[town.pk])
    assert login("other_officer").post(url).status_code == 404
    assert login("informant").post(url).status_code == 404
    assert login("township_secretary").post(url).status_code == 403
    assert login("township_officer").get(url).status_code == 405
    assert Approval.objects.get(pk=town.pk).status == ApprovalStatus.PENDING

    client = login("township_officer")
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == detail_url(town)
    town.refresh_from_db()
    assert town.status == ApprovalStatus.WITHDRAWN
    assert Lead.objects.get(pk=town.lead_id).status == LeadStatus.PENDING
    page = client.get(detail_url(town)).content.decode()
    assert f"已撤回呈批 {town.number}" in page and 'id="qf-withdraw-form"' not in page

    response = client.post(url, follow=True)
    assert "该呈批已撤回，不能撤回" in response.content.decode()
    assert not ApprovalStep.objects.filter(approval=town, state=StepState.WAITING).exists()
