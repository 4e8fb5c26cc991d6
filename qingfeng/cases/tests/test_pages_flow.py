"""Handling a lead through the pages: 处置呈批 → 初步核实 → report, 谈话函询 by letter with its
reply clock, bad input kept on the form, and every POST refused out of scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus, Matter
from qingfeng.cases import services
from qingfeng.cases.models import (
    Enquiry,
    EnquiryStatus,
    Lead,
    LeadClockKind,
    LeadSource,
    LeadStatus,
    Verification,
    VerificationStatus,
    Way,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.workdays.clock import WorkCalendar

TODAY = timezone.localdate()


def detail(lead: Lead) -> str:
    return reverse("cases:detail", args=[lead.pk])


def sign_pending(lead: Lead, signer: Any, matter: str) -> Approval:
    approval = Approval.objects.get(lead=lead, matter=matter, status=ApprovalStatus.PENDING)
    return approvals.sign(approval=approval, actor=signer, approve=True, comment="同意")


def propose_data(way: str, **extra: Any) -> dict[str, Any]:
    data = {
        "propose-way": way,
        "propose-proposal": "经初步分析，建议按所拟方式处置",
        "propose-meeting_kind": "commission",
        "propose-meeting_held_on": (TODAY - dt.timedelta(days=1)).isoformat(),
        "propose-meeting_participants": "孙书记、何干事、陈委员",
        "propose-meeting_conclusion": "经集体研究，同意",
    }
    data.update(extra)
    return data


def register_through_page(client: Client, county: Any) -> Lead:
    resp = client.post(
        reverse("cases:create"),
        {
            "org": county.township_a.pk,
            "source": LeadSource.SUPERVISION,
            "subject_name": "李建国",
            "subject_unit": "李庄村民委员会",
            "subject_post": "村党支部书记",
            "person": county.person_a.pk,
            "summary": "监督检查发现李建国在低保评定中优亲厚友",
        },
    )
    assert resp.status_code == 302
    return Lead.objects.latest("id")


def approved_lead(county: Any, way: str) -> Lead:
    u = county.users
    lead = services.register_lead(
        actor=u["township_officer"],
        org=county.township_a,
        data=services.LeadInput(
            source=LeadSource.INSPECTION,
            summary="巡察发现李建国在低保评定中优亲厚友",
            subject_name="李建国",
        ),
    )
    services.propose_disposal(
        lead=lead,
        actor=u["township_officer"],
        way=way,
        proposal="建议",
        meeting=approvals.MeetingInput("commission", TODAY, "孙书记、何干事", "同意"),
    )
    sign_pending(lead, u["township_secretary"], Matter.LEAD_DISPOSAL)
    lead.refresh_from_db()
    return lead


def test_register_propose_verify_and_report_through_the_pages(login, county):
    u = county.users
    officer = login("township_officer")
    lead = register_through_page(officer, county)

    resp = officer.post(
        reverse("cases:propose", args=[lead.pk]), propose_data(Way.VERIFICATION), follow=True
    )
    assert resp.redirect_chain[-1][0] == detail(lead)
    page = resp.content.decode()
    assert "已提交处置呈批" in page and "处置呈批中" in page and "审批中" in page
    assert "经集体研究，同意" in page  # the meeting is on the file
    assert 'data-action="propose"' not in page and "呈批正在审批中" in page

    # The approval pages belong to another module: sign through the service.
    sign_pending(lead, u["township_secretary"], Matter.LEAD_DISPOSAL)
    page = officer.get(detail(lead)).content.decode()
    assert "初步核实" in page and "已批准" in page
    assert 'data-action="verification_start"' in page
    form = officer.get(detail(lead)).context["panels"][0].form
    assert set(form.fields["team"].queryset) == {u["township_secretary"], u["township_officer"]}

    resp = officer.post(
        reverse("cases:verification_start", args=[lead.pk]),
        {
            "verification_start-leader": u["township_officer"].pk,
            "verification_start-team": [u["township_secretary"].pk],
            "verification_start-plan": "调取低保评定材料，走访村民",
            "verification_start-started_on": TODAY.isoformat(),
        },
        follow=True,
    )
    page = resp.content.decode()
    assert "已开展初步核实，时限2个月" in page
    verification = Verification.objects.get(lead=lead)
    assert set(verification.team.all()) == {u["township_officer"], u["township_secretary"]}
    assert "初步核实时限" in page and "调取低保评定材料，走访村民" in page
    due = WorkCalendar().deadline_months(TODAY, 2).date
    assert due.isoformat() in page
    assert 'data-action="verification_report"' in page

    resp = officer.post(
        reverse("cases:verification_report", args=[lead.pk, verification.pk]),
        {
            "verification_report-outcome": Outcome.CLOSED,
            "verification_report-report_text": "经核实，低保评定符合规定，反映问题不实。",
        },
        follow=True,
    )
    assert "已提交初步核实情况报告" in resp.content.decode()
    verification.refresh_from_db()
    assert verification.status == VerificationStatus.REPORT_PENDING

    sign_pending(lead, u["township_secretary"], Matter.VERIFICATION_REPORT)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CLOSED and lead.outcome == Outcome.CLOSED
    page = officer.get(detail(lead)).content.decode()
    assert "已了结" in page and "予以了结" in page and "初步核实办结" in page
    assert "经核实，低保评定符合规定，反映问题不实。" in page
    assert 'id="qf-lead-edit"' not in page
    # The list shows the outcome.
    html = officer.get(reverse("cases:list"), {"status": LeadStatus.CLOSED}).content.decode()
    assert lead.number in html and "予以了结" in html


def test_letter_enquiry_with_its_reply_clock(login, county):
    u = county.users
    lead = approved_lead(county, Way.ENQUIRY)
    officer = login("township_officer")
    page = officer.get(detail(lead)).content.decode()
    assert 'data-action="enquiry_start"' in page

    resp = officer.post(
        reverse("cases:enquiry_start", args=[lead.pk]),
        {"enquiry_start-mode": "letter", "enquiry_start-plan": "就低保评定问题函询李建国"},
        follow=True,
    )
    assert "已提交第1次函询方案呈批" in resp.content.decode()
    enquiry = Enquiry.objects.get(lead=lead)
    assert enquiry.status == EnquiryStatus.PLAN_PENDING
    sign_pending(lead, u["township_secretary"], Matter.ENQUIRY_PLAN)
    assert 'data-action="enquiry_letter"' in officer.get(detail(lead)).content.decode()

    resp = officer.post(
        reverse("cases:enquiry_letter", args=[lead.pk, enquiry.pk]),
        {"enquiry_letter-letter_sent_on": TODAY.isoformat()},
        follow=True,
    )
    page = resp.content.decode()
    assert "已登记发函" in page
    due = WorkCalendar().add_working_days(TODAY, 15).date
    assert "函询15个工作日内回复" in page and due.isoformat() in page
    assert "剩余" in page
    # The list's nearest due date is the reply clock.
    row = officer.get(reverse("cases:list")).context["page"].rows[0]
    assert row.next_clock.kind == LeadClockKind.ENQUIRY_REPLY and row.next_clock.due_on == due

    # A reply without the countersignature is refused next to the field, input kept.
    reply_url = reverse("cases:enquiry_reply", args=[lead.pk, enquiry.pk])
    resp = officer.post(
        reply_url,
        {
            "enquiry_reply-reply_on": TODAY.isoformat(),
            "enquiry_reply-reply_text": "本人已如实说明低保评定情况",
        },
    )
    assert resp.status_code == 400
    page = resp.content.decode()
    assert "函询回复须经本人所在党委（党组）主要负责人签字" in page
    assert "本人已如实说明低保评定情况" in page
    resp = officer.post(
        reply_url,
        {
            "enquiry_reply-reply_on": TODAY.isoformat(),
            "enquiry_reply-reply_text": "本人已如实说明低保评定情况",
            "enquiry_reply-countersigned": "on",
        },
        follow=True,
    )
    page = resp.content.decode()
    assert "已登记书面回复" in page and "谈话或回复后1个月内报告" in page
    assert "已完成" in page  # the reply clock is met

    resp = officer.post(
        reverse("cases:enquiry_report", args=[lead.pk, enquiry.pk]),
        {
            "enquiry_report-outcome": Outcome.ENQUIRY_CLOSED,
            "enquiry_report-report_text": "李建国如实说明了情况，经核对属实，建议采信了结。",
        },
        follow=True,
    )
    assert "已提交谈话函询情况报告" in resp.content.decode()
    sign_pending(lead, u["township_secretary"], Matter.ENQUIRY_OUTCOME)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CLOSED and lead.outcome == Outcome.ENQUIRY_CLOSED
    page = officer.get(detail(lead)).content.decode()
    assert "采信了结" in page and "第1次函询" in page and "已办结" in page


def test_talk_asks_for_a_written_explanation(login, county):
    lead = approved_lead(county, Way.ENQUIRY)
    officer = login("township_officer")
    officer.post(
        reverse("cases:enquiry_start", args=[lead.pk]),
        {"enquiry_start-mode": "talk", "enquiry_start-plan": "与李建国谈话了解情况"},
    )
    sign_pending(lead, county.users["township_secretary"], Matter.ENQUIRY_PLAN)
    enquiry = Enquiry.objects.get(lead=lead)
    talk_url = reverse("cases:enquiry_talk", args=[lead.pk, enquiry.pk])
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    resp = officer.post(
        talk_url,
        {
            "enquiry_talk-talk_on": future,
            "enquiry_talk-talkers": "孙书记、何干事",
            "enquiry_talk-talk_record": "问：低保评定时是否考虑亲属关系？答：……",
        },
    )
    assert resp.status_code == 400
    page = resp.content.decode()
    assert "谈话日期：谈话日期不能晚于今天" in page and f'value="{future}"' in page
    resp = officer.post(
        talk_url,
        {
            "enquiry_talk-talk_on": TODAY.isoformat(),
            "enquiry_talk-talk_place": "镇纪委谈话室",
            "enquiry_talk-talkers": "孙书记、何干事",
            "enquiry_talk-talk_record": "问：低保评定时是否考虑亲属关系？答：……",
            "enquiry_talk-explanation_requested": "on",
        },
        follow=True,
    )
    page = resp.content.decode()
    assert "已记录谈话" in page and "镇纪委谈话室" in page
    assert "函询15个工作日内回复" in page
    assert 'data-action="enquiry_reply"' in page


def test_propose_with_bad_input_names_every_field_and_keeps_the_input(login, county):
    lead = register_through_page(login("township_officer"), county)
    resp = login("township_officer").post(
        reverse("cases:propose", args=[lead.pk]),
        {
            "propose-way": "",
            "propose-proposal": "建议谈话函询（保留）",
            "propose-meeting_kind": "",
            "propose-meeting_held_on": "",
            "propose-meeting_participants": "",
            "propose-meeting_conclusion": "",
        },
    )
    assert resp.status_code == 400
    page = resp.content.decode()
    for message in (
        "拟处置方式：请选择处置方式",
        "集体研究会议：请选择会议类型",
        "会议日期：请填写集体研究的会议日期",
        "参会人员：请填写参会人员",
        "研究意见：请填写集体研究意见",
    ):
        assert message in page
    assert "建议谈话函询（保留）" in page
    assert 'id="qf-action-propose" class="accordion-collapse collapse show"' in page
    # A meeting in the future is refused by the service, named on its field.
    resp = login("township_officer").post(
        reverse("cases:propose", args=[lead.pk]),
        propose_data(
            Way.ENQUIRY, **{"propose-meeting_held_on": (TODAY + dt.timedelta(1)).isoformat()}
        ),
    )
    assert resp.status_code == 400
    assert "会议日期：会议日期不能晚于今天" in resp.content.decode()
    assert not Approval.objects.exists()
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PENDING


def test_verification_start_refuses_an_outsider_and_keeps_the_plan(login, county):
    lead = approved_lead(county, Way.VERIFICATION)
    resp = login("township_officer").post(
        reverse("cases:verification_start", args=[lead.pk]),
        {
            "verification_start-leader": county.users["other_officer"].pk,
            "verification_start-plan": "调取材料（保留）",
            "verification_start-started_on": TODAY.isoformat(),
        },
    )
    assert resp.status_code == 400
    page = resp.content.decode()
    assert "核查组组长：请从列表中选择" in page and "调取材料（保留）" in page
    assert not Verification.objects.exists()


def test_only_the_team_reports_a_verification(login, county):
    u = county.users
    lead = approved_lead(county, Way.VERIFICATION)
    login("township_officer").post(
        reverse("cases:verification_start", args=[lead.pk]),
        {
            "verification_start-leader": u["township_officer"].pk,
            "verification_start-plan": "调取低保评定材料",
            "verification_start-started_on": TODAY.isoformat(),
        },
    )
    verification = Verification.objects.get(lead=lead)
    secretary = login("township_secretary")
    assert 'data-action="verification_report"' not in secretary.get(detail(lead)).content.decode()
    resp = secretary.post(
        reverse("cases:verification_report", args=[lead.pk, verification.pk]),
        {
            "verification_report-outcome": Outcome.CLOSED,
            "verification_report-report_text": "经核实，反映问题不实，建议予以了结。",
        },
    )
    assert resp.status_code == 403
    verification.refresh_from_db()
    assert verification.status == VerificationStatus.ONGOING


def _post_urls(lead: Lead, enquiry_id: int, verification_id: int) -> list[str]:
    return [
        reverse("cases:edit", args=[lead.pk]),
        reverse("cases:propose", args=[lead.pk]),
        reverse("cases:enquiry_start", args=[lead.pk]),
        reverse("cases:enquiry_talk", args=[lead.pk, enquiry_id]),
        reverse("cases:enquiry_letter", args=[lead.pk, enquiry_id]),
        reverse("cases:enquiry_reply", args=[lead.pk, enquiry_id]),
        reverse("cases:enquiry_report", args=[lead.pk, enquiry_id]),
        reverse("cases:verification_start", args=[lead.pk]),
        reverse("cases:verification_report", args=[lead.pk, verification_id]),
    ]


@pytest.mark.parametrize(
    "persona",
    ["other_officer", "county_leader", "dept_head", "petition_officer", "informant", "auditor"],
)
def test_every_post_is_refused_out_of_scope(login, county, persona):
    lead = approved_lead(county, Way.ENQUIRY)
    enquiry = Enquiry.objects.create(
        lead=lead,
        mode="letter",
        plan="函询方案",
        status=EnquiryStatus.PLAN_APPROVED,
        created_by=county.users["township_officer"],
    )
    verification = Verification.objects.create(
        lead=lead,
        leader=county.users["township_officer"],
        plan="核实方案",
        started_on=TODAY,
        months=2,
        created_by=county.users["township_officer"],
    )
    client = login(persona)
    assert client.get(detail(lead)).status_code == (200 if persona == "county_leader" else 404)
    before = lead.transitions.count()
    for url in _post_urls(lead, enquiry.pk, verification.pk):
        resp = client.post(url, {"enquiry_letter-letter_sent_on": TODAY.isoformat()})
        assert resp.status_code == 404, url
    assert lead.transitions.count() == before
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.PLAN_APPROVED


def test_steps_of_another_lead_and_get_are_refused(login, county):
    lead = approved_lead(county, Way.ENQUIRY)
    other = approved_lead(county, Way.ENQUIRY)
    enquiry = Enquiry.objects.create(
        lead=other,
        mode="letter",
        plan="函询方案",
        status=EnquiryStatus.PLAN_APPROVED,
        created_by=county.users["township_officer"],
    )
    client = login("township_officer")
    resp = client.post(
        reverse("cases:enquiry_letter", args=[lead.pk, enquiry.pk]),
        {"enquiry_letter-letter_sent_on": TODAY.isoformat()},
    )
    assert resp.status_code == 404
    assert client.get(reverse("cases:propose", args=[lead.pk])).status_code == 405
    assert (
        client.get(reverse("cases:enquiry_letter", args=[other.pk, enquiry.pk])).status_code == 405
    )


def test_anonymous_posts_go_to_login(client, county):
    lead = approved_lead(county, Way.ENQUIRY)
    resp = client.post(
        reverse("cases:enquiry_start", args=[lead.pk]), {"enquiry_start-mode": "talk"}
    )
    assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]
    assert not Enquiry.objects.exists()


def test_a_step_refused_after_the_state_moved_stays_on_the_page(login, county):
    lead = approved_lead(county, Way.ENQUIRY)
    officer = login("township_officer")
    officer.post(
        reverse("cases:enquiry_start", args=[lead.pk]),
        {"enquiry_start-mode": "letter", "enquiry_start-plan": "就低保评定问题函询"},
    )
    # A second plan while the first is open is refused with the service's message.
    resp = officer.post(
        reverse("cases:enquiry_start", args=[lead.pk]),
        {"enquiry_start-mode": "talk", "enquiry_start-plan": "第二轮方案（保留）"},
    )
    assert resp.status_code == 400
    page = resp.content.decode()
    assert "本线索已有进行中的谈话函询" in page and "第二轮方案（保留）" in page
    assert Enquiry.objects.filter(lead=lead).count() == 1


# -- browser --------------------------------------------------------------------------------


@pytest.mark.browser
def test_officer_registers_and_proposes_on_a_phone(page: Any, live_county: Any):
    import re

    from qingfeng.core.testing import PASSWORD

    county = live_county
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("accounts:login"))
    page.fill("#id_username", "dongba_gs")
    page.fill("#id_password", PASSWORD)
    page.click("#qf-login-submit")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(reverse("cases:create"))
    page.select_option("#id_source", LeadSource.STATION)
    page.fill("#id_subject_name", "李建国")
    page.click("#qf-match-person")
    page.click(".qf-pick")
    assert "已关联：李建国" in page.inner_text("#qf-person-linked")
    page.fill("#id_summary", "<script>alert(1)</script>联络站反映李建国优亲厚友")
    page.click("#qf-lead-save")
    page.wait_for_url(re.compile(r".*/leads/\d+/$"))
    lead = Lead.objects.get()
    assert lead.person_id == county.person_a.pk
    assert "<script>alert(1)</script>联络站反映" in page.inner_text("#qf-lead-summary")
    # The 处置呈批 step: open it, leave the meeting out, then complete it.
    page.click("button[data-bs-target='#qf-action-propose']")
    page.select_option("#id_propose-way", Way.VERIFICATION)
    page.fill("#id_propose-proposal", "建议初步核实")
    page.click("form[data-action=propose] button[type=submit]")
    assert "请填写参会人员" in page.inner_text("#qf-action-propose")
    assert page.input_value("#id_propose-proposal") == "建议初步核实"
    page.select_option("#id_propose-meeting_kind", "commission")
    page.fill("#id_propose-meeting_held_on", TODAY.isoformat())
    page.fill("#id_propose-meeting_participants", "孙书记、何干事")
    page.fill("#id_propose-meeting_conclusion", "同意初步核实")
    page.click("form[data-action=propose] button[type=submit]")
    page.wait_for_selector("text=已提交处置呈批")
    assert page.inner_text("#qf-lead-status") == "处置呈批中"
