"""The 问题转办单 (DOMAIN.md §9; DESIGN.md §8) read back with python-docx: GB/T 9704 page and
fonts, 主送 the authority, the lead, the basis and the reply date on the working-day calendar,
the issuing body and date; numbered per body and year; and the guards of
``lead_docs.issue_transfer_sheet`` that no service reaches. The flow that issues it (and the
reporter kept out of it): ``qingfeng/cases/tests/test_lead_transfer.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval
from qingfeng.cases import handling
from qingfeng.cases.models import Lead, Verification, Way
from qingfeng.cases.outcomes import Outcome
from qingfeng.documents.docx import chinese_date
from qingfeng.documents.lead_docs import issue_transfer_sheet
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.workdays.clock import deadline_months

from .test_lead_docs import (
    REPORT_TEXT,
    _users,
    assert_gbt9704,
    creation_of,
    dispose,
    docx_xml,
    make_lead,
    numbering_state,
    only,
)

AUTHORITY = "县公安局"


def verification_of(county: Any, name: str = "李建国") -> Verification:
    """A lead of 东坝镇 under 初步核实, the township officer leading the check team."""
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a, name)
    dispose(lead, officer, secretary, Way.VERIFICATION)
    return handling.start_verification(
        lead=lead,
        actor=officer,
        leader=officer,
        team=[],
        plan="调取2025年低保评定档案。",
        started_on=timezone.localdate(),
    )


def submitted(verification: Verification, outcome: str = Outcome.TRANSFER) -> Approval:
    return handling.submit_verification_report(
        verification=verification,
        actor=verification.leader,
        report_text=REPORT_TEXT,
        outcome=outcome,
        transfer_to=AUTHORITY,
    )


def transferred_lead(county: Any, name: str = "李建国") -> tuple[Lead, Approval]:
    verification = verification_of(county, name=name)
    approval = approvals.sign(
        approval=submitted(verification),
        actor=county.users["township_secretary"],
        approve=True,
        comment="同意移送",
    )
    return verification.lead, approval


def test_transfer_sheet_layout_and_content(county):
    lead, approval = transferred_lead(county)
    document = only(lead, DocumentKind.TRANSFER_SHEET)
    today = timezone.localdate()
    assert document.number == f"东坝纪转办〔{today.year}〕1号"
    assert approval.number in creation_of(document).detail
    docx = assert_gbt9704(document)  # A4, margins, 22×28 grid, 仿宋/小标宋, page numbers
    assert not docx.tables
    texts = [p.text for p in docx.paragraphs]
    assert texts[:3] == ["东坝镇纪委", "问题转办单", document.number]
    # 主送 the authority, after the blank line under the number.
    assert texts[3] == "" and texts[4] == "县公安局："
    assert texts[5].startswith("本机关在对反映李庄村民委员会村党支部书记李建国问题的线索")
    assert f"经批准（{approval.number}）" in texts[5]
    assert f"一、线索编号：{lead.number}" in texts
    assert "二、被反映人：李建国，李庄村民委员会村党支部书记" in texts
    assert lead.summary in texts
    due = deadline_months(today, 1).date
    [ask] = [t for t in texts if t.startswith("请你单位依法依规处理")]
    assert f"自{chinese_date(today)}起1个月内，即最迟于{chinese_date(due)}" in ask
    assert ask.endswith("将办理结果书面反馈本机关。")
    assert texts[-2:] == ["东坝镇纪委", chinese_date(today)]
    assert docx.core_properties.author == "东坝镇纪委"
    # The check team's findings are not sent out.
    xml = docx_xml(document)
    assert "李建民不符合低保条件" not in xml and "核查组" not in xml


def test_transfer_sheets_are_numbered_per_body_and_year(county):
    year = timezone.localdate().year
    first, _ = transferred_lead(county, "李建国")
    second, _ = transferred_lead(county, "王小明")
    assert only(first, DocumentKind.TRANSFER_SHEET).number == f"东坝纪转办〔{year}〕1号"
    assert only(second, DocumentKind.TRANSFER_SHEET).number == f"东坝纪转办〔{year}〕2号"
    numbers = Document.objects.filter(kind=DocumentKind.TRANSFER_SHEET).values_list(
        "number", flat=True
    )
    assert len(set(numbers)) == 2


def test_due_date_printed_moves_off_the_national_day(county):
    """Approved on 2026-09-01: one month ends on 1 October, in the holiday → 8 October."""
    lead, approval = transferred_lead(county)
    Approval.objects.filter(pk=approval.pk).update(
        decided_at=dt.datetime(2026, 9, 1, 2, tzinfo=dt.UTC)  # 10:00 in 北京时间
    )
    approval.refresh_from_db()
    verification = Verification.objects.select_related("lead__org").get(lead=lead)
    document = issue_transfer_sheet(
        approval=approval, verification=verification, actor=county.users["township_secretary"]
    )
    assert "自2026年9月1日起1个月内，即最迟于2026年10月8日" in document.body_text
    assert "顺延" not in document.body_text  # 2026 is in the table: not provisional
    assert [p.text for p in assert_gbt9704(document).paragraphs][-1] == "2026年9月1日"


def test_guards_refuse_and_take_no_number(county):
    officer, secretary = _users(county)
    verification = verification_of(county)
    pending = submitted(verification)
    other = verification_of(county, name="王小明")
    closing = verification_of(county, name="赵大勇")
    closed = approvals.sign(
        approval=submitted(closing, Outcome.CLOSED), actor=secretary, approve=True
    )
    verification, closing = (
        Verification.objects.select_related("lead__org").get(pk=v.pk)
        for v in (verification, closing)
    )
    before = numbering_state()
    with pytest.raises(ValidationError) as err:
        issue_transfer_sheet(approval=pending, verification=verification, actor=officer)
    assert "approval" in err.value.message_dict  # not yet approved
    with pytest.raises(ValidationError):  # the approval of another verification
        issue_transfer_sheet(approval=pending, verification=other, actor=officer)
    with pytest.raises(ValidationError):  # approved, but not a 移送
        issue_transfer_sheet(approval=closed, verification=closing, actor=officer)
    assert numbering_state() == before
    assert not Document.objects.filter(kind=DocumentKind.TRANSFER_SHEET).exists()


def test_an_approved_transfer_without_authority_or_by_an_outsider_is_refused(county):
    officer, _secretary = _users(county)
    lead, approval = transferred_lead(county)
    verification = Verification.objects.select_related("lead__org").get(lead=lead)
    before = numbering_state()
    with pytest.raises(PermissionDenied):
        issue_transfer_sheet(
            approval=approval, verification=verification, actor=county.users["other_officer"]
        )
    # A report submitted before 移送机关 existed names no authority.
    verification.transfer_to = ""
    with pytest.raises(ValidationError) as err:
        issue_transfer_sheet(approval=approval, verification=verification, actor=officer)
    assert "transfer_to" in err.value.message_dict
    assert numbering_state() == before
