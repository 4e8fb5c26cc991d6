"""Which step of a lead issues which document, once, and under which number (DOMAIN.md §3, §9).

The lead services issue their documents inside their own transaction: ``register_lead`` the
问题线索受理登记表; the last signature of a 处置呈批 the 处置呈批表 (初步核实呈批表 for 初步核实),
of a plan the 谈话函询呈批表 and, for a talk, the 谈话方案; ``send_letter`` the 函询通知书;
``record_talk`` asking for a written explanation the 关于作出书面说明的函; the last signature
of a 初步核实 report the 情况报告. These tests drive whole flows and count a lead's documents
after every step: exactly what the step issues, nothing while an approval waits, nothing
when it ends without effect, numbers in order per body, series and year, a rolled-back step's
number given out again, no 受理登记表 for a lead formed from a report, and no reporter in any.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus, Matter, StepState
from qingfeng.cases import handling, services
from qingfeng.cases.models import EnquiryMode, Lead, LeadSource, LeadStatus, Way
from qingfeng.cases.outcomes import Outcome
from qingfeng.documents.docx import chinese_date
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.documents.numbering import next_number
from qingfeng.documents.selectors import (
    documents_of_lead,
    documents_of_report,
    public_documents_for,
)

from .conftest import REPORTER, accepted_report
from .test_lead_docs import (
    PLAN,
    REPORT_TEXT,
    _users,
    approved_plan,
    assert_gbt9704,
    creation_of,
    dispose,
    docx_xml,
    form_rows,
    issued,
    make_lead,
    only,
    propose,
)

K = DocumentKind
# What ``walk_to_the_end`` leaves a lead, besides its 受理登记表 if it has one.
HANDLED = Counter(
    {
        K.LEAD_DISPOSAL: 1,
        K.ENQUIRY_APPROVAL: 3,
        K.TALK_PLAN: 2,
        K.EXPLANATION_LETTER: 1,
        K.ENQUIRY_LETTER: 1,
        K.VERIFICATION_REPORT: 1,
    }
)


def expect(lead: Lead, before: Counter[str], *kinds: str) -> Counter[str]:
    """The lead has what it had ``before`` plus one document of each of ``kinds``, no more."""
    after = before + Counter(kinds)
    assert issued(lead) == after
    return after


def sign(approval: Approval, signer: Any) -> Approval:
    return approvals.sign(approval=approval, actor=signer, approve=True, comment="同意")


def latest(lead: Lead, matter: str) -> Approval:
    return Approval.objects.filter(lead=lead, matter=matter).latest("id")


def walk_to_the_end(lead: Lead, officer: Any, secretary: Any) -> Counter[str]:
    """处置 → a talk → a talk asking for an explanation → a letter → 初步核实, checking the
    lead's documents after every step; returns what the lead holds at the end."""
    today = timezone.localdate()
    seen = issued(lead)
    approval = propose(lead, officer, Way.ENQUIRY)
    seen = expect(lead, seen)
    sign(approval, secretary)
    seen = expect(lead, seen, K.LEAD_DISPOSAL)

    for mode, explanation, outcome in (
        (EnquiryMode.TALK, False, Outcome.FURTHER_ENQUIRY),
        (EnquiryMode.TALK, True, Outcome.FURTHER_ENQUIRY),
        (EnquiryMode.LETTER, False, Outcome.TO_VERIFICATION),
    ):
        enquiry = handling.start_enquiry(lead=lead, actor=officer, mode=mode, plan=PLAN)
        seen = expect(lead, seen)
        sign(latest(lead, Matter.ENQUIRY_PLAN), secretary)
        talk = mode == EnquiryMode.TALK
        seen = expect(lead, seen, K.ENQUIRY_APPROVAL, *([K.TALK_PLAN] if talk else []))
        if talk:
            enquiry = handling.record_talk(
                enquiry=enquiry,
                actor=officer,
                talk_on=today,
                talk_place="东坝镇纪委谈话室",
                talkers="孙书记、何干事",
                talk_record="谈话对象对低保评定经过作了说明。",
                explanation_requested=explanation,
            )
            seen = expect(lead, seen, *([K.EXPLANATION_LETTER] if explanation else []))
        else:
            enquiry = handling.send_letter(enquiry=enquiry, actor=officer, sent_on=today)
            seen = expect(lead, seen, K.ENQUIRY_LETTER)
        if explanation or not talk:
            enquiry = handling.record_reply(
                enquiry=enquiry,
                actor=officer,
                reply_on=today,
                reply_text="本人对低保评定经过说明如下。",
                countersigned=not talk,
            )
            seen = expect(lead, seen)
        report = handling.submit_enquiry_report(
            enquiry=enquiry,
            actor=officer,
            report_text="谈话函询情况报告：所反映问题需进一步了解。",
            outcome=outcome,
        )
        seen = expect(lead, seen)
        sign(report, secretary)
        seen = expect(lead, seen)

    verification = handling.start_verification(
        lead=lead,
        actor=officer,
        leader=officer,
        team=[secretary],
        plan="调取2025年低保评定档案，走访相关村民。",
        started_on=today,
    )
    seen = expect(lead, seen)
    report = handling.submit_verification_report(
        verification=verification, actor=officer, report_text=REPORT_TEXT, outcome=Outcome.CLOSED
    )
    seen = expect(lead, seen)
    sign(report, secretary)
    seen = expect(lead, seen, K.VERIFICATION_REPORT)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CLOSED
    return seen


def assert_numbered_and_audited_once(lead: Lead) -> None:
    """Every document of the lead has its own number and one audit entry; each series of the
    body runs 1, 2, 3… in the order of issue."""
    documents = list(Document.objects.filter(lead=lead).order_by("id"))
    assert len({d.number for d in documents}) == len(documents)
    for document in documents:
        assert_gbt9704(document)
        event = creation_of(document)  # exactly one
        assert document.number in event.detail and lead.number in event.detail
    by_series: dict[str, list[int]] = {}
    for document in documents:
        by_series.setdefault(document.series, []).append(document.seq)
    for series, seqs in by_series.items():
        assert seqs == list(range(1, len(seqs) + 1)), series


# -- whole flows ---------------------------------------------------------------------------


def test_each_step_of_a_registered_lead_issues_its_documents_once(county):
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    assert issued(lead) == {K.LEAD_REGISTER: 1}
    held = walk_to_the_end(lead, officer, secretary)
    assert held == HANDLED + Counter({K.LEAD_REGISTER: 1})
    assert_numbered_and_audited_once(lead)
    # One 谈话函询呈批表 per round, in the order of the rounds.
    forms = Document.objects.filter(lead=lead, kind=K.ENQUIRY_APPROVAL).order_by("seq")
    assert [form_rows(assert_gbt9704(f))["谈话函询方式"] for f in forms] == [
        "谈话（第1次）",
        "谈话（第2次）",
        "函询（第3次）",
    ]
    report = only(lead, K.VERIFICATION_REPORT)
    assert "建议：予以了结。" in report.body_text


def test_a_lead_from_a_report_gets_no_register_and_no_document_names_the_reporter(county):
    """``intake.accept`` forms the lead without a 受理登记表; the lead's documents print its
    summary and the report's registration number, nothing of who reported or what they wrote
    (DOMAIN.md §2), and none of them reaches the reporter's portal."""
    officer, secretary = _users(county)
    report = accepted_report(secretary, county.township_a)
    lead = report.leads.get()
    assert lead.source == LeadSource.REPORT
    assert issued(lead) == {}
    held = walk_to_the_end(lead, officer, secretary)
    assert held == HANDLED  # no 受理登记表
    assert_numbered_and_audited_once(lead)

    assert report.number in form_rows(assert_gbt9704(only(lead, K.LEAD_DISPOSAL)))["线索来源"]
    documents = list(Document.objects.filter(lead__report=report))
    assert set(documents) == set(documents_of_lead(lead))
    for document in documents:
        xml = docx_xml(document)
        for secret in (
            REPORTER.name,
            REPORTER.id_number,
            REPORTER.phone,
            REPORTER.unit,
            REPORTER.address,
            report.content,
            "低保名额",  # the report's own words beyond the lead's summary
            "自己的亲戚",
        ):
            assert secret not in xml, (document.title, secret)
            assert secret not in document.body_text, (document.title, secret)
    assert list(public_documents_for(report)) == []
    assert list(documents_of_report(report)) == []


# -- approvals: the last signature issues, an approval without effect issues nothing ---------


def test_disposal_form_waits_for_the_last_signature_of_the_chain(county):
    """A county lead's 处置呈批 is signed by the 室主任, then the 分管委领导: the form comes
    with the second signature and carries both."""
    u = county.users
    officer = u["supervision_officer"]
    lead = make_lead(officer, county.county, dept=county.supervision_dept)
    register = only(lead, K.LEAD_REGISTER)
    assert form_rows(assert_gbt9704(register))["承办部门"] == "第一监督检查室"
    seen = issued(lead)
    approval = propose(lead, officer, Way.VERIFICATION)
    seen = expect(lead, seen)
    approval = approvals.sign(
        approval=approval, actor=u["dept_head"], approve=True, comment="同意，报委领导审批"
    )
    assert approval.status == ApprovalStatus.PENDING
    seen = expect(lead, seen)
    sign(approval, u["county_leader"])
    seen = expect(lead, seen, K.VERIFICATION_APPROVAL)

    form = only(lead, K.VERIFICATION_APPROVAL)
    year = timezone.localdate().year
    assert form.number == f"清河纪核呈〔{year}〕1号"
    assert form.issued_by == u["county_leader"]
    rows = form_rows(assert_gbt9704(form))
    assert list(rows)[-3:] == ["承办部门意见", "承办部门主要负责人", "分管委领导"]
    today = chinese_date(timezone.localdate())
    assert rows["承办部门意见"] == f"建议初步核实\n陈干部\u3000{today}"
    assert rows["承办部门主要负责人"] == f"同意，报委领导审批\n冯主任\u3000{today}"
    assert rows["分管委领导"] == f"同意。\n赵书记\u3000{today}"


def test_an_approval_that_ends_without_effect_issues_nothing_and_takes_no_number(county):
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    seen = issued(lead)
    refused = propose(lead, officer, Way.ENQUIRY)
    approvals.sign(approval=refused, actor=secretary, approve=False, comment="证据不足，另行研究")
    seen = expect(lead, seen)
    approvals.withdraw(approval=propose(lead, officer, Way.ENQUIRY), actor=officer)
    seen = expect(lead, seen)
    # Corrected while its 呈批 waited: the 呈批 is void, and the lead keeps its one register.
    pending = propose(lead, officer, Way.ENQUIRY)
    services.update_lead(
        lead=lead,
        actor=officer,
        data=services.LeadInput(
            source=LeadSource.INSPECTION,
            summary="巡察发现李建国在低保评定中优亲厚友，涉及三户",
            subject_name="李建国",
            subject_unit="李庄村民委员会",
            subject_post="村党支部书记",
        ),
    )
    pending.refresh_from_db()
    assert pending.status == ApprovalStatus.VOID
    with pytest.raises(ValidationError):
        sign(pending, secretary)
    seen = expect(lead, seen)

    dispose(lead, officer, secretary, Way.ENQUIRY)
    seen = expect(lead, seen, K.LEAD_DISPOSAL)
    year = timezone.localdate().year
    form = only(lead, K.LEAD_DISPOSAL)
    assert form.number == f"东坝纪线处〔{year}〕1号"
    assert "涉及三户" in form_rows(assert_gbt9704(form))["线索摘要"]

    handling.start_enquiry(lead=lead, actor=officer, mode=EnquiryMode.TALK, plan=PLAN)
    approvals.sign(
        approval=latest(lead, Matter.ENQUIRY_PLAN),
        actor=secretary,
        approve=False,
        comment="方案不完善，请补充",
    )
    seen = expect(lead, seen)
    approved_plan(lead, officer, secretary, EnquiryMode.TALK)
    seen = expect(lead, seen, K.ENQUIRY_APPROVAL, K.TALK_PLAN)
    assert only(lead, K.ENQUIRY_APPROVAL).number == f"东坝纪谈呈〔{year}〕1号"
    assert only(lead, K.TALK_PLAN).number == f"东坝纪谈案〔{year}〕1号"
    assert "谈话（第2次）" in only(lead, K.ENQUIRY_APPROVAL).body_text


def test_a_returned_verification_report_issues_nothing_until_approved(county):
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    dispose(lead, officer, secretary, Way.VERIFICATION)
    seen = issued(lead)
    verification = handling.start_verification(
        lead=lead,
        actor=officer,
        leader=officer,
        team=[],
        plan="调取2025年低保评定档案。",
        started_on=timezone.localdate(),
    )
    first = handling.submit_verification_report(
        verification=verification, actor=officer, report_text=REPORT_TEXT, outcome=Outcome.CLOSED
    )
    approvals.sign(approval=first, actor=secretary, approve=False, comment="事实不清，继续核实")
    seen = expect(lead, seen)
    second = handling.submit_verification_report(
        verification=verification,
        actor=officer,
        report_text=REPORT_TEXT,
        outcome=Outcome.PROPOSE_CASE,
    )
    seen = expect(lead, seen)
    sign(second, secretary)
    seen = expect(lead, seen, K.VERIFICATION_REPORT)
    report = only(lead, K.VERIFICATION_REPORT)
    assert report.number == f"东坝纪核报〔{timezone.localdate().year}〕1号"
    assert "建议：拟立案。" in report.body_text
    assert "继续核实" not in report.body_text  # the returned report's signature is not this one's


# -- numbers -------------------------------------------------------------------------------


def test_numbers_run_in_order_per_body_series_and_year_without_repeats(county):
    officer, secretary = _users(county)
    other = county.users["other_officer"]
    today = timezone.localdate()
    year = today.year
    leads = [make_lead(officer, county.township_a, name) for name in ("李建国", "王小明", "赵大勇")]
    west = make_lead(other, county.township_b, "石秀英")
    # Disposed in the reverse order: a number follows the issuing, not the lead.
    for lead in reversed(leads):
        dispose(lead, officer, secretary, Way.ENQUIRY)
    for lead in leads:
        enquiry, _approval = approved_plan(lead, officer, secretary, EnquiryMode.LETTER)
        handling.send_letter(enquiry=enquiry, actor=officer, sent_on=today)

    def numbers(kind: str) -> list[str]:
        return [only(lead, kind).number for lead in leads]

    assert numbers(K.LEAD_REGISTER) == [f"东坝纪线登〔{year}〕{n}号" for n in (1, 2, 3)]
    assert numbers(K.LEAD_DISPOSAL) == [f"东坝纪线处〔{year}〕{n}号" for n in (3, 2, 1)]
    assert numbers(K.ENQUIRY_APPROVAL) == [f"东坝纪谈呈〔{year}〕{n}号" for n in (1, 2, 3)]
    assert numbers(K.ENQUIRY_LETTER) == [f"东坝纪函询〔{year}〕{n}号" for n in (1, 2, 3)]
    for lead in leads:
        assert issued(lead) == {
            K.LEAD_REGISTER: 1,
            K.LEAD_DISPOSAL: 1,
            K.ENQUIRY_APPROVAL: 1,
            K.ENQUIRY_LETTER: 1,
        }
    assert issued(west) == {K.LEAD_REGISTER: 1}
    assert only(west, K.LEAD_REGISTER).number == f"西岭纪线登〔{year}〕1号"

    rows = list(Document.objects.values_list("org", "series", "year", "seq"))
    assert len(set(rows)) == len(rows) == 13
    assert len(set(Document.objects.values_list("number", flat=True))) == 13
    # A new year starts again at 1; this year's sequence goes on after the last issued.
    assert next_number(org=county.township_a, series="线登", year=year + 1) == 1
    assert next_number(org=county.township_a, series="线登", year=year) == 4


def test_a_rolled_back_step_gives_its_number_out_again(county):
    officer, _secretary = _users(county)
    year = timezone.localdate().year
    with pytest.raises(RuntimeError), transaction.atomic():
        lead = make_lead(officer, county.township_a)
        assert only(lead, K.LEAD_REGISTER).number == f"东坝纪线登〔{year}〕1号"
        raise RuntimeError("the request failed after the lead was registered")
    assert not Lead.objects.exists()
    assert not Document.objects.exists()
    lead = make_lead(officer, county.township_a, "王小明")
    assert lead.number == f"{county.township_a.code}-XS-{year}-00001"
    assert only(lead, K.LEAD_REGISTER).number == f"东坝纪线登〔{year}〕1号"


def test_a_signature_whose_document_cannot_be_stored_rolls_back_with_its_number(
    county, settings, tmp_path
):
    """The 呈批表 is numbered, then its file cannot be written: the signature, the lead's
    new state and the number all roll back, and the next signature gets the same number."""
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    approval = propose(lead, officer, Way.ENQUIRY)
    working = settings.STORAGES
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.STORAGES = {
        **working,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    with pytest.raises(OSError):
        sign(approval, secretary)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING
    assert approval.steps.get().state == StepState.WAITING
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PROPOSED
    assert issued(lead) == {K.LEAD_REGISTER: 1}

    settings.STORAGES = working
    sign(approval, secretary)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.ENQUIRY
    form = only(lead, K.LEAD_DISPOSAL)
    assert form.number == f"东坝纪线处〔{timezone.localdate().year}〕1号"
    assert_gbt9704(form)
