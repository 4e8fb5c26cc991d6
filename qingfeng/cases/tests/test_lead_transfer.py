"""A lead transferred to another authority (移送有关机关): the 移送机关 of the 初步核实 report, the
问题转办单 its approval issues, the 1-month reply clock, and 登记转办反馈 — through the services,
the lead file and the API, in and out of scope (DOMAIN.md §3, §9; DESIGN.md §8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus, Matter
from qingfeng.audit.models import Action as AuditAction
from qingfeng.audit.models import AuditEvent
from qingfeng.cases import clocks, handling
from qingfeng.cases.models import (
    Lead,
    LeadClock,
    LeadClockKind,
    LeadStatus,
    Verification,
    VerificationStatus,
    Way,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.tests.conftest import approve_all, make_lead, propose
from qingfeng.cases.workflow import Action
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.documents.tests.conftest import REPORTER, accepted_report
from qingfeng.documents.tests.test_lead_docs import docx_xml
from qingfeng.workdays.clock import deadline_months

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
AUTHORITY = "县公安局"
REPORT_TEXT = "经初步核实，李建国涉嫌虚报冒领低保资金，已超出纪检监察机关管辖，建议移送。"
REPLY = "已立案侦查，李建国涉嫌诈骗，案件正在办理中。"


def _users(county: Any) -> tuple[Any, Any]:
    return county.users["township_officer"], county.users["township_secretary"]


def verifying(county: Any, lead: Lead | None = None) -> Verification:
    """A lead of 东坝镇 under 初步核实, the township officer leading the check team."""
    officer, secretary = _users(county)
    lead = lead or make_lead(officer, county.township_a, person_id=county.person_a.pk)
    approve_all(propose(lead, officer, Way.VERIFICATION), secretary)
    lead.refresh_from_db()
    return handling.start_verification(
        lead=lead, actor=officer, leader=officer, team=[], plan="调取低保档案", started_on=TODAY
    )


def report(verification: Verification, authority: str = AUTHORITY) -> Approval:
    return handling.submit_verification_report(
        verification=verification,
        actor=verification.leader,
        report_text=REPORT_TEXT,
        outcome=Outcome.TRANSFER,
        transfer_to=authority,
    )


def transferred(county: Any, lead: Lead | None = None) -> tuple[Lead, Approval]:
    """A lead whose report proposing 移送县公安局 the 纪委书记 approved today."""
    verification = verifying(county, lead)
    approval = approve_all(report(verification), county.users["township_secretary"])
    lead = Lead.objects.get(pk=verification.lead_id)
    assert lead.status == LeadStatus.TRANSFERRED
    return lead, approval


def sheet(lead: Lead) -> Document:
    [document] = Document.objects.filter(lead=lead, kind=DocumentKind.TRANSFER_SHEET)
    return document


def reply_clock(lead: Lead) -> LeadClock:
    return LeadClock.objects.get(lead=lead, kind=LeadClockKind.TRANSFER_REPLY)


def record(lead: Lead, actor: Any, replied_on: dt.date = TODAY, reply: str = REPLY) -> Lead:
    return handling.record_transfer_reply(
        lead=lead, actor=actor, replied_on=replied_on, reply=reply
    )


# -- the report: 移送机关 required for 移送, bound by the approval ---------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "建议移送的，请填写移送机关"),
        ("   ", "建议移送的，请填写移送机关"),
        ("县公安局\x00", "移送机关含有不可见的控制字符，请删除后重新填写"),
        ("局" * 101, "移送机关不能超过100个字（当前101个）"),
    ],
)
def test_a_report_proposing_transfer_names_the_authority(county, value, message):
    verification = verifying(county)
    with pytest.raises(ValidationError) as err:
        report(verification, value)
    assert err.value.message_dict == {"transfer_to": [message]}
    verification.refresh_from_db()
    assert verification.status == VerificationStatus.ONGOING and verification.transfer_to == ""
    assert not Approval.objects.filter(matter=Matter.VERIFICATION_REPORT).exists()


def test_the_authority_is_trimmed_shown_to_the_approvers_and_bound(county):
    verification = verifying(county)
    approval = report(verification, f"  {AUTHORITY}\n")
    verification.refresh_from_db()
    assert verification.transfer_to == AUTHORITY
    assert approval.title == "关于李建国问题线索初步核实情况的报告（拟移送县公安局）"
    assert approval.proposal.endswith("拟移送县公安局。")
    assert handling.verification_state(verification)["verification"]["transfer_to"] == AUTHORITY
    # Changed after submission: the approval no longer reads what was signed, and is void.
    Verification.objects.filter(pk=verification.pk).update(transfer_to="县人民法院")
    with pytest.raises(approvals.ApprovalVoid):
        approve_all(approval, county.users["township_secretary"])
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.VOID
    assert not Document.objects.filter(kind=DocumentKind.TRANSFER_SHEET).exists()


def test_the_authority_is_ignored_for_other_outcomes(county):
    officer, secretary = _users(county)
    verification = verifying(county)
    approval = handling.submit_verification_report(
        verification=verification,
        actor=officer,
        report_text=REPORT_TEXT,
        outcome=Outcome.CLOSED,
        transfer_to=AUTHORITY,
    )
    verification.refresh_from_db()
    assert verification.transfer_to == ""
    assert "transfer_to" not in handling.verification_state(verification)["verification"]
    assert approval.title.endswith("（拟予以了结）")
    approve_all(approval, secretary)
    lead = Lead.objects.get(pk=verification.lead_id)
    assert lead.status == LeadStatus.CLOSED
    assert not Document.objects.filter(kind=DocumentKind.TRANSFER_SHEET).exists()
    assert not LeadClock.objects.filter(kind=LeadClockKind.TRANSFER_REPLY).exists()


# -- the approval: 问题转办单 and the reply clock -------------------------------------------


def test_approval_issues_the_transfer_sheet_and_starts_the_reply_clock(county):
    lead, approval = transferred(county)
    assert lead.outcome == Outcome.TRANSFER and lead.closed_on == TODAY
    document = sheet(lead)
    year = TODAY.year
    assert document.number == f"东坝纪转办〔{year}〕1号"
    assert (document.title, document.series, document.org) == ("问题转办单", "转办", lead.org)
    assert document.issued_by == county.users["township_secretary"]
    event = AuditEvent.objects.get(
        action=AuditAction.CREATE, object_type="documents.document", object_id=str(document.pk)
    )
    assert document.number in event.detail and approval.number in event.detail

    due = deadline_months(TODAY, 1).date
    body = document.body_text
    assert body.startswith("县公安局：")
    for part in (
        lead.number,
        "李建国，李庄村民委员会村党支部书记",
        lead.summary,
        f"经批准（{approval.number}）",
        "请你单位依法依规处理",
        f"即最迟于{due.year}年{due.month}月{due.day}日",
        "书面反馈本机关",
        "东坝镇纪委",
    ):
        assert part in body, part
    # What the check team found stays in the commission.
    assert REPORT_TEXT not in body and "虚报冒领" not in body

    clock = reply_clock(lead)
    assert (clock.starts_on, clock.due_on, clock.met_at) == (TODAY, due, None)
    assert clock.org == lead.org
    [done] = lead.transitions.filter(action=Action.CONCLUDE_VERIFICATION)
    assert done.note == f"初步核实办结：移送县公安局（{approval.number}）"
    # The 初步核实情况报告 names the authority with the outcome.
    report_doc = Document.objects.get(lead=lead, kind=DocumentKind.VERIFICATION_REPORT)
    assert "建议：移送有关机关（县公安局）。" in report_doc.body_text


def test_reply_clock_is_one_calendar_month_moved_off_the_national_day(county):
    """1 month from 2026-09-01 is 2026-10-01, in the National Day holiday → 2026-10-08."""
    lead = make_lead(county.users["township_officer"], county.township_a)
    clock = clocks.start_clock(
        lead=lead, kind=LeadClockKind.TRANSFER_REPLY, starts_on=dt.date(2026, 9, 1)
    )
    assert (clock.due_on, clock.provisional) == (dt.date(2026, 10, 8), False)
    # No 31 February: the month's last day, a Saturday worked for the Spring Festival (调休).
    clock = clocks.start_clock(
        lead=lead, kind=LeadClockKind.TRANSFER_REPLY, starts_on=dt.date(2026, 1, 31)
    )
    assert clock.due_on == dt.date(2026, 2, 28)


def test_the_sheet_of_a_lead_from_a_report_carries_nothing_of_the_reporter(county):
    source = accepted_report(county.users["township_secretary"], county.township_a)
    lead, _approval = transferred(county, source.leads.get())
    document = sheet(lead)
    xml = docx_xml(document)
    assert lead.summary in document.body_text
    for secret in (
        REPORTER.name,
        REPORTER.id_number,
        REPORTER.phone,
        REPORTER.unit,
        REPORTER.address,
        source.content,
        source.number,
        "低保名额",
    ):
        assert secret not in xml, secret
        assert secret not in document.body_text, secret


# -- 登记转办反馈 -------------------------------------------------------------------------


def test_recording_the_reply_meets_the_clock_once(county):
    officer, _secretary = _users(county)
    lead, _approval = transferred(county)
    lead = record(lead, officer, reply=f"  {REPLY}  ")
    lead.refresh_from_db()
    assert (lead.transfer_replied_on, lead.transfer_reply) == (TODAY, REPLY)
    assert lead.status == LeadStatus.TRANSFERRED
    assert reply_clock(lead).met_at is not None
    [step] = lead.transitions.filter(action=Action.RECORD_TRANSFER_REPLY)
    assert (step.from_status, step.to_status) == (LeadStatus.TRANSFERRED, LeadStatus.TRANSFERRED)
    assert step.note == f"县公安局于{TODAY:%Y-%m-%d}书面反馈"
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(lead.pk), detail=f"{lead.number} 登记转办反馈"
    ).exists()

    with pytest.raises(ValidationError) as err:
        record(lead, officer, reply="第二次反馈的内容")
    assert "status" in err.value.message_dict
    lead.refresh_from_db()
    assert lead.transfer_reply == REPLY
    assert lead.transitions.filter(action=Action.RECORD_TRANSFER_REPLY).count() == 1


@pytest.mark.parametrize(
    ("replied_on", "reply", "field"),
    [
        (TODAY + dt.timedelta(days=1), REPLY, "replied_on"),  # in the future
        (TODAY - dt.timedelta(days=1), REPLY, "replied_on"),  # before the transfer
        (None, REPLY, "replied_on"),
        (TODAY, "已办", "reply"),  # under 4 characters
        (TODAY, "已办理\x07完毕", "reply"),
    ],
)
def test_bad_replies_are_refused_and_write_nothing(county, replied_on, reply, field):
    officer, _secretary = _users(county)
    lead, _approval = transferred(county)
    before = lead.transitions.count()
    with pytest.raises(ValidationError) as err:
        record(lead, officer, replied_on=replied_on, reply=reply)
    assert field in err.value.message_dict
    lead.refresh_from_db()
    assert lead.transfer_replied_on is None and lead.transfer_reply == ""
    assert reply_clock(lead).met_at is None
    assert lead.transitions.count() == before


def test_a_reply_is_only_for_a_transferred_lead_and_its_handlers(county):
    officer, _secretary = _users(county)
    pending = make_lead(officer, county.township_a)
    with pytest.raises(ValidationError) as err:
        record(pending, officer)
    assert err.value.message_dict["status"] == ["线索当前状态为“待处置”，不能登记转办反馈"]
    lead, _approval = transferred(county)
    for persona in ("other_officer", "county_leader", "petition_officer"):
        with pytest.raises(PermissionDenied):
            record(lead, county.users[persona])
    lead.refresh_from_db()
    assert lead.transfer_replied_on is None


# -- the lead file ------------------------------------------------------------------------


def detail(lead: Lead) -> str:
    return reverse("cases:detail", args=[lead.pk])


def page_of(client: Client, lead: Lead) -> str:
    resp = client.get(detail(lead))
    assert resp.status_code == 200
    return resp.content.decode()


def test_the_report_form_asks_for_the_authority_and_keeps_input(login, county):
    verification = verifying(county)
    lead = verification.lead
    officer = login("township_officer")
    page = page_of(officer, lead)
    assert 'name="verification_report-transfer_to"' in page and "移送机关" in page
    url = reverse("cases:verification_report", args=[lead.pk, verification.pk])
    data = {
        "verification_report-outcome": Outcome.TRANSFER,
        "verification_report-report_text": "经核实，涉嫌违法，建议移送（保留）。",
        "verification_report-transfer_to": "",
    }
    resp = officer.post(url, data)
    assert resp.status_code == 400
    page = resp.content.decode()
    assert "移送机关：建议移送的，请填写移送机关" in page
    assert "经核实，涉嫌违法，建议移送（保留）。" in page
    assert not Approval.objects.filter(matter=Matter.VERIFICATION_REPORT).exists()

    data["verification_report-transfer_to"] = AUTHORITY
    resp = officer.post(url, data, follow=True)
    assert resp.redirect_chain[-1][0] == detail(lead)
    page = resp.content.decode()
    assert "拟移送县公安局" in page  # the approval's title on the file
    assert 'class="col-sm-9 qf-verification-transfer">县公安局<' in page


def test_the_file_shows_the_transfer_and_takes_the_reply(login, county):
    lead, _approval = transferred(county)
    officer = login("township_officer")
    page = page_of(officer, lead)
    document = sheet(lead)
    assert 'id="qf-transfer-to">县公安局<' in page
    assert "待移送机关书面反馈办理结果" in page
    assert "转办件1个月内反馈" in page  # the clock
    assert reply_clock(lead).due_on.strftime("%Y-%m-%d") in page
    assert reverse("documents:download", args=[document.pk]) in page
    assert "问题转办单" in page and document.number in page
    assert 'data-action="transfer_reply"' in page

    url = reverse("cases:transfer_reply", args=[lead.pk])
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    resp = officer.post(
        url, {"transfer_reply-replied_on": future, "transfer_reply-reply": "反馈内容（保留）"}
    )
    assert resp.status_code == 400
    page = resp.content.decode()
    assert "反馈日期：反馈日期不能晚于今天" in page and "反馈内容（保留）" in page
    assert future in page

    resp = officer.post(
        url,
        {"transfer_reply-replied_on": TODAY.isoformat(), "transfer_reply-reply": REPLY},
        follow=True,
    )
    assert resp.redirect_chain[-1][0] == detail(lead)
    page = resp.content.decode()
    assert "已登记转办反馈" in page
    assert REPLY in page and "书面反馈" in page
    assert 'data-action="transfer_reply"' not in page
    assert '<span class="fw-semibold">登记转办反馈</span>' in page  # the step on the timeline
    lead.refresh_from_db()
    assert lead.transfer_replied_on == TODAY

    # Twice: refused with the service's words, the first reply kept.
    resp = officer.post(
        url, {"transfer_reply-replied_on": TODAY.isoformat(), "transfer_reply-reply": "再次反馈"}
    )
    assert resp.status_code == 400
    assert "本线索的转办反馈已登记，不能重复登记" in resp.content.decode()
    lead.refresh_from_db()
    assert lead.transfer_reply == REPLY


def test_the_transfer_adds_no_query_to_the_file(login, county):
    """A transferred lead's file reads its 移送 card and its step from what the page already
    loads: no more queries than the file of a lead closed after 初步核实."""
    officer, secretary = _users(county)
    closed = verifying(county)
    approve_all(
        handling.submit_verification_report(
            verification=closed, actor=officer, report_text=REPORT_TEXT, outcome=Outcome.CLOSED
        ),
        secretary,
    )
    other = Lead.objects.get(pk=closed.lead_id)
    # An open clock on each: its badge reads the working-day calendar on both pages.
    clocks.start_clock(lead=other, kind=LeadClockKind.ENQUIRY_REPORT, starts_on=TODAY)
    lead, _approval = transferred(county)
    client = login("township_officer")
    page_of(client, lead)  # the session's first request does its own bookkeeping

    def count(target: Lead) -> int:
        with CaptureQueriesContext(connection) as ctx:
            page_of(client, target)
        return len(ctx.captured_queries)

    assert count(lead) == count(other)


@pytest.mark.parametrize(
    ("persona", "reads"),
    [
        ("other_officer", False),
        ("dept_head", False),
        ("petition_officer", False),
        ("informant", False),
        ("county_leader", True),  # reads the lead, may not handle it
    ],
)
def test_out_of_scope_page_and_post(login, county, persona, reads):
    lead, _approval = transferred(county)
    client = login(persona)
    resp = client.get(detail(lead))
    assert resp.status_code == (200 if reads else 404)
    if reads:
        assert 'data-action="transfer_reply"' not in resp.content.decode()
    resp = client.post(
        reverse("cases:transfer_reply", args=[lead.pk]),
        {"transfer_reply-replied_on": TODAY.isoformat(), "transfer_reply-reply": REPLY},
    )
    assert resp.status_code == 404
    lead.refresh_from_db()
    assert lead.transfer_replied_on is None


def test_anonymous_reply_goes_to_login(client, county):
    lead, _approval = transferred(county)
    resp = client.post(reverse("cases:transfer_reply", args=[lead.pk]), {})
    assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]


# -- API ----------------------------------------------------------------------------------


def post(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, content_type="application/json")


def test_api_report_with_authority_then_reply(login, county):
    verification = verifying(county)
    officer = login("township_officer")
    path = f"/api/verifications/{verification.pk}/report"
    body = {"report_text": REPORT_TEXT, "outcome": "transfer"}
    resp = post(officer, path, body)
    assert resp.status_code == 400
    assert resp.json()["field"] == "transfer_to"
    assert "请填写移送机关" in resp.json()["detail"]
    resp = post(officer, path, {**body, "transfer_to": AUTHORITY})
    assert resp.status_code == 201, resp.json()
    assert "拟移送县公安局" in resp.json()["title"]
    approve_all(Approval.objects.get(pk=resp.json()["id"]), county.users["township_secretary"])

    lead_id = verification.lead_id
    detail_json = officer.get(f"/api/leads/{lead_id}").json()
    assert detail_json["verifications"][0]["transfer_to"] == AUTHORITY
    assert "transfer_sheet" in {d["kind"] for d in detail_json["documents"]}
    assert "transfer_reply" in {c["kind"] for c in detail_json["clocks"]}

    reply_path = f"/api/leads/{lead_id}/transfer-reply"
    resp = post(officer, reply_path, {"replied_on": TODAY.isoformat(), "reply": "已办"})
    assert resp.status_code == 400 and resp.json()["field"] == "reply"
    resp = post(officer, reply_path, {"replied_on": TODAY.isoformat(), "reply": REPLY})
    assert resp.status_code == 200, resp.json()
    assert resp.json() == {
        "lead_id": lead_id,
        "status": "transferred",
        "status_display": "已移送",
        "transfer_to": AUTHORITY,
        "transferred_on": TODAY.isoformat(),
        "replied_on": TODAY.isoformat(),
        "reply": REPLY,
    }
    resp = post(officer, reply_path, {"replied_on": TODAY.isoformat(), "reply": REPLY})
    assert resp.status_code == 400 and resp.json()["field"] == "status"


@pytest.mark.parametrize(
    "persona", ["county_leader", "other_officer", "dept_head", "petition_officer", "informant"]
)
def test_api_out_of_scope_is_404(login, county, persona):
    verification = verifying(county)
    client = login(persona)
    body = {"report_text": REPORT_TEXT, "outcome": "transfer", "transfer_to": AUTHORITY}
    assert post(client, f"/api/verifications/{verification.pk}/report", body).status_code == 404
    assert not Approval.objects.filter(matter=Matter.VERIFICATION_REPORT).exists()
    approve_all(report(verification), county.users["township_secretary"])
    resp = post(
        client,
        f"/api/leads/{verification.lead_id}/transfer-reply",
        {"replied_on": TODAY.isoformat(), "reply": REPLY},
    )
    assert resp.status_code == 404
    assert (
        post(login("township_officer"), "/api/leads/999999/transfer-reply", {}).status_code == 404
    )
    assert Lead.objects.get(pk=verification.lead_id).transfer_replied_on is None


def test_openapi_documents_the_transfer(login):
    spec = login("township_officer").get("/api/openapi.json").json()
    assert "post" in spec["paths"]["/api/leads/{lead_id}/transfer-reply"]
    schemas = spec["components"]["schemas"]
    assert "transfer_to" in schemas["VerificationReportIn"]["properties"]
