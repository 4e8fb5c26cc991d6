"""The documents a lead's services issue, taken from real flows and read back with python-docx:
GB/T 9704 page and fonts, the form table with its signatures, contents (due dates on the
working-day calendar, secrecy), scope, and the guards of ``lead_docs`` that no service
reaches. Which step issues what, how often, and under which number: ``test_lead_docs_flow``.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document as open_docx
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, Matter
from qingfeng.audit.models import Action, AuditEvent
from qingfeng.cases import handling, services
from qingfeng.cases.models import Enquiry, EnquiryMode, Lead, LeadSource, Verification, Way
from qingfeng.cases.outcomes import Outcome
from qingfeng.documents.docx import chinese_date
from qingfeng.documents.lead_docs import (
    issue_disposal_form,
    issue_enquiry_approval,
    issue_enquiry_letter,
    issue_explanation_letter,
    issue_lead_register,
    issue_verification_report,
)
from qingfeng.documents.models import Document, DocumentKind, NumberSequence
from qingfeng.documents.selectors import documents_visible_to
from qingfeng.intake import services as intake
from qingfeng.orgs.models import Org
from qingfeng.workdays.clock import add_working_days

from .conftest import accepted_report

PLAN = (
    "请李建国同志就低保评定中是否优亲厚友作出说明：\n"
    "一、2025年低保名单的评定经过；\n"
    "二、亲属享受低保的情况。"
)
REPORT_TEXT = (
    "经调阅档案、走访村民，李建国之弟李建民不符合低保条件却被评为低保户。\n相关事实基本清楚。"
)


# -- flows ---------------------------------------------------------------------------------


def _users(county: Any) -> tuple[Any, Any]:
    return county.users["township_officer"], county.users["township_secretary"]


def make_lead(actor: Any, org: Org, name: str = "李建国", dept: Org | None = None) -> Lead:
    """A lead registered by hand: ``register_lead`` issues its 问题线索受理登记表."""
    return services.register_lead(
        actor=actor,
        org=org,
        data=services.LeadInput(
            source=LeadSource.INSPECTION,
            summary=f"巡察发现{name}在低保评定中优亲厚友",
            subject_name=name,
            subject_unit="李庄村民委员会",
            subject_post="村党支部书记",
            handling_dept_id=dept.pk if dept else None,
        ),
    )


def propose(lead: Lead, officer: Any, way: str) -> Approval:
    """处置呈批 after a 纪委会 decision, waiting for its chain."""
    return services.propose_disposal(
        lead=lead,
        actor=officer,
        way=way,
        proposal=f"建议{Way(way).label}",
        meeting=approvals.MeetingInput(
            kind="commission",
            held_on=timezone.localdate() - dt.timedelta(days=1),
            participants="孙书记、何干事",
            conclusion="经集体研究，同意按所拟方式处置",
        ),
    )


def dispose(lead: Lead, officer: Any, secretary: Any, way: str) -> Approval:
    """处置呈批 signed by the township's 纪委书记: the signature issues the 呈批表."""
    return approvals.sign(
        approval=propose(lead, officer, way), actor=secretary, approve=True, comment="同意"
    )


def approved_plan(lead: Lead, officer: Any, secretary: Any, mode: str) -> tuple[Enquiry, Approval]:
    """A plan of the next round, approved: the signature issues the 谈话函询呈批表."""
    enquiry = handling.start_enquiry(lead=lead, actor=officer, mode=mode, plan=PLAN)
    approval = Approval.objects.filter(lead=lead, matter=Matter.ENQUIRY_PLAN).latest("id")
    approval = approvals.sign(
        approval=approval, actor=secretary, approve=True, comment="同意。请注意保密。"
    )
    enquiry.refresh_from_db()
    return enquiry, approval


def enquiry_lead(county: Any, mode: str) -> tuple[Enquiry, Approval]:
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    dispose(lead, officer, secretary, Way.ENQUIRY)
    return approved_plan(lead, officer, secretary, mode)


def issued(lead: Lead) -> Counter[str]:
    """How many documents of each kind the lead has."""
    return Counter(Document.objects.filter(lead=lead).values_list("kind", flat=True))


def only(lead: Lead, kind: str) -> Document:
    """The one document of ``kind`` the services issued for ``lead``."""
    documents = list(Document.objects.filter(lead=lead, kind=kind))
    assert len(documents) == 1, documents
    return documents[0]


def letter_document(county: Any, sent_on: dt.date | None = None) -> Document:
    """The 函询通知书 ``send_letter`` issues (sent today unless told)."""
    officer, _secretary = _users(county)
    enquiry, _approval = enquiry_lead(county, EnquiryMode.LETTER)
    handling.send_letter(enquiry=enquiry, actor=officer, sent_on=sent_on or timezone.localdate())
    return only(enquiry.lead, DocumentKind.ENQUIRY_LETTER)


def disposal_document(county: Any) -> Document:
    """The 问题线索处置呈批表 the 纪委书记's signature issues."""
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    dispose(lead, officer, secretary, Way.ENQUIRY)
    return only(lead, DocumentKind.LEAD_DISPOSAL)


def creation_of(document: Document) -> AuditEvent:
    """The one audit entry of the document's issue."""
    return AuditEvent.objects.get(
        action=Action.CREATE, object_type="documents.document", object_id=str(document.pk)
    )


def numbering_state() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every document and every number sequence, to show a refused call changed neither."""
    return (
        sorted(Document.objects.values_list("pk", "number")),
        sorted(NumberSequence.objects.values_list("org", "series", "year", "last")),
    )


# -- reading the DOCX back -----------------------------------------------------------------


def _bytes(document: Document) -> bytes:
    with document.file.open("rb") as fh:
        return fh.read()


def _open(document: Document) -> Any:
    return open_docx(io.BytesIO(_bytes(document)))


def docx_xml(document: Document) -> str:
    """Every XML part of the DOCX, properties included."""
    with zipfile.ZipFile(io.BytesIO(_bytes(document))) as z:
        return "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))
        )


def _mm(length: int) -> float:
    return length / 36000  # EMU per mm


def _font(run: Any) -> str:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def assert_gbt9704(document: Document) -> Any:
    """Page, grid, fonts and footer of GB/T 9704-2012; returns the opened DOCX."""
    docx = _open(document)
    section = docx.sections[0]
    assert abs(_mm(section.page_width) - 210) < 0.5
    assert abs(_mm(section.page_height) - 297) < 0.5
    for margin, mm in (
        (section.top_margin, 37),
        (section.left_margin, 28),
        (section.bottom_margin, 35),
        (section.right_margin, 26),
    ):
        assert abs(_mm(margin) - mm) <= 1
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch = int(grid.get(qn("w:linePitch")))
    block_twips = 225 / 25.4 * 1440
    assert 22 * line_pitch <= block_twips < 23 * line_pitch
    pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert abs(28 * pitch_pt * 25.4 / 72 - 156) < 0.5

    normal = docx.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert round(normal.paragraph_format.line_spacing.pt * 20) == line_pitch

    title = docx.paragraphs[0]
    assert title.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    assert title.text == document.org.name
    title_runs = [r for p in docx.paragraphs[:2] for r in p.runs]
    assert all(r.font.size.pt == 22 and _font(r) == "方正小标宋简体" for r in title_runs)
    assert docx.paragraphs[1].text == document.title
    assert docx.paragraphs[2].text == document.number

    body_runs = [r for p in docx.paragraphs[2:] for r in p.runs]
    body_runs += [r for t in docx.tables for c in t._cells for p in c.paragraphs for r in p.runs]
    assert body_runs
    assert all(r.font.size.pt == 16 and _font(r) == "仿宋_GB2312" for r in body_runs)

    for footer in (section.footer, section.even_page_footer):
        p = footer.paragraphs[0]
        instr = [i.text.strip() for i in p._p.findall(f".//{qn('w:instrText')}")]
        assert instr == ["PAGE"]
        assert 'w:fldCharType="begin"' in p._p.xml and 'w:fldCharType="end"' in p._p.xml
    return docx


def form_rows(docx: Any) -> dict[str, str]:
    """The form table as {label: value text} (cell paragraphs joined by newlines)."""
    assert len(docx.tables) == 1
    table = docx.tables[0]
    rows: dict[str, str] = {}
    for row in table.rows:
        label, value = row.cells
        rows[label.text] = value.text
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    assert {el.get(qn("w:val")) for el in borders} == {"single"}
    assert len(list(borders)) == 6
    return rows


# -- each document, as its step issues it --------------------------------------------------


def test_register_form_of_a_lead(county):
    officer, _secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    document = only(lead, DocumentKind.LEAD_REGISTER)
    assert issued(lead) == {DocumentKind.LEAD_REGISTER: 1}
    year = timezone.localdate().year
    assert (document.lead, document.report, document.org) == (lead, None, county.township_a)
    assert document.issued_by == officer
    assert document.number == f"东坝纪线登〔{year}〕1号"
    assert document.title == "问题线索受理登记表"
    rows = form_rows(assert_gbt9704(document))
    assert rows["线索编号"] == lead.number
    assert rows["被反映人"] == "李建国"
    assert rows["单位职务"] == "李庄村民委员会村党支部书记"
    assert rows["线索来源"] == "巡察移交"
    assert rows["线索摘要"] == lead.summary
    assert rows["管辖机关"] == "东坝镇纪委"
    assert rows["承办部门"] == "—"
    assert rows["登记人"] == "何干事"
    event = creation_of(document)
    assert document.number in event.detail and lead.number in event.detail


def test_disposal_form_has_the_meeting_and_every_signature(county):
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    approval = dispose(lead, officer, secretary, Way.ENQUIRY)
    document = only(lead, DocumentKind.LEAD_DISPOSAL)
    assert document.title == "问题线索处置呈批表"
    assert document.series == "线处"
    assert document.issued_by == secretary  # the last signer's signature issued it
    assert approval.number in creation_of(document).detail
    docx = assert_gbt9704(document)
    rows = form_rows(docx)
    labels = list(rows)
    assert labels[:5] == ["线索编号", "被反映人", "单位职务", "线索来源", "线索摘要"]
    assert labels[5:] == ["拟处置方式", "集体研究情况", "承办部门意见", "纪委书记"]
    assert rows["拟处置方式"] == "谈话函询"
    assert "纪委会（委务会）" in rows["集体研究情况"]
    assert "参会人员：孙书记、何干事" in rows["集体研究情况"]
    assert "研究意见：经集体研究，同意按所拟方式处置" in rows["集体研究情况"]
    today = chinese_date(timezone.localdate())
    assert rows["承办部门意见"] == f"建议谈话函询\n何干事\u3000{today}"
    assert rows["纪委书记"] == f"同意。\n孙书记\u3000{today}"
    # The signature box keeps room for handwriting and is not split across pages.
    signature_row = docx.tables[0].rows[-1]
    assert signature_row.height.twips >= 3 * 579
    assert signature_row._tr.trPr.find(qn("w:cantSplit")) is not None
    assert signature_row.cells[1].paragraphs[-1].alignment == WD_PARAGRAPH_ALIGNMENT.RIGHT


def test_verification_way_gives_the_verification_approval_form(county):
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    dispose(lead, officer, secretary, Way.VERIFICATION)
    assert issued(lead) == {DocumentKind.LEAD_REGISTER: 1, DocumentKind.VERIFICATION_APPROVAL: 1}
    document = only(lead, DocumentKind.VERIFICATION_APPROVAL)
    year = timezone.localdate().year
    assert (document.title, document.number) == ("初步核实呈批表", f"东坝纪核呈〔{year}〕1号")
    rows = form_rows(assert_gbt9704(document))
    assert rows["拟处置方式"] == "初步核实"
    assert rows["纪委书记"].startswith("同意。\n孙书记")


def test_letter_enquiry_gives_the_approval_form_only(county):
    enquiry, approval = enquiry_lead(county, EnquiryMode.LETTER)
    assert issued(enquiry.lead)[DocumentKind.TALK_PLAN] == 0
    document = only(enquiry.lead, DocumentKind.ENQUIRY_APPROVAL)
    assert document.number == f"东坝纪谈呈〔{timezone.localdate().year}〕1号"
    assert approval.number in creation_of(document).detail
    rows = form_rows(assert_gbt9704(document))
    assert rows["谈话函询方式"] == "函询（第1次）"
    assert rows["承办部门意见"].startswith(PLAN)
    assert rows["纪委书记"].startswith("同意。请注意保密。\n孙书记")
    assert "集体研究情况" not in rows  # a plan is approved without a meeting of its own


def test_enquiry_letter_states_questions_due_date_countersignature_and_secrecy(county):
    document = letter_document(county)
    enquiry = Enquiry.objects.get(lead=document.lead)
    sent = enquiry.letter_sent_on
    assert sent == timezone.localdate()
    due = add_working_days(sent, 15).date
    assert document.number == f"东坝纪函询〔{timezone.localdate().year}〕1号"
    assert document.issued_by == county.users["township_officer"]
    docx = assert_gbt9704(document)
    texts = [p.text for p in docx.paragraphs]
    assert "李建国同志：" in texts
    body = document.body_text
    assert "函询方案" in body
    assert f"15个工作日内，即最迟于{due.year}年{due.month}月{due.day}日" in body
    assert "本人签名" in body and "党委（党组）主要负责人" in body
    assert "严格保密" in body and "不得向他人泄露" in body
    assert texts[-2:] == ["东坝镇纪委", f"{sent.year}年{sent.month}月{sent.day}日"]
    # The letter goes to the person enquired of: no summary of what was reported.
    assert "优亲厚友" not in docx_xml(document)


def test_reply_due_date_crosses_national_day_on_the_seeded_calendar(county):
    """15 working days from Mon 28 Sep 2026: 国庆 1–7 Oct off, Sat 10 Oct a 调休 workday."""
    document = letter_document(county, sent_on=dt.date(2026, 9, 28))
    assert "即最迟于2026年10月23日" in document.body_text
    assert "2026年10月23日" in docx_xml(document)
    assert "2026年9月28日" in [p.text for p in _open(document).paragraphs][-1]
    assert "顺延" not in document.body_text  # 2026 is in the table: not provisional


def test_talk_plan_and_explanation_letter(county):
    officer, _secretary = _users(county)
    enquiry, approval = enquiry_lead(county, EnquiryMode.TALK)
    lead = enquiry.lead
    form = only(lead, DocumentKind.ENQUIRY_APPROVAL)
    plan = only(lead, DocumentKind.TALK_PLAN)
    assert form_rows(assert_gbt9704(form))["谈话函询方式"] == "谈话（第1次）"
    docx = assert_gbt9704(plan)
    assert plan.series == "谈案" and plan.title == "谈话方案"
    assert not docx.tables
    texts = [p.text for p in docx.paragraphs]
    assert "二、谈话事项" in texts
    assert "一、2025年低保名单的评定经过；" in texts
    assert approval.number in plan.body_text
    # A plan has no 主送: the blank line after the number is followed by the body.
    assert texts[3] == "" and texts[4].startswith("根据《中国共产党纪律检查机关监督执纪工作规则》")
    assert issued(lead)[DocumentKind.EXPLANATION_LETTER] == 0

    talk_on = timezone.localdate()
    handling.record_talk(
        enquiry=enquiry,
        actor=officer,
        talk_on=talk_on,
        talk_place="东坝镇纪委谈话室",
        talkers="孙书记、何干事",
        talk_record="谈话对象对低保评定经过作了说明，需进一步书面说明。",
        explanation_requested=True,
    )
    letter = only(lead, DocumentKind.EXPLANATION_LETTER)
    due = add_working_days(talk_on, 15).date
    assert letter.title == "关于作出书面说明的函"
    assert letter.number == f"东坝纪说明〔{timezone.localdate().year}〕1号"
    assert_gbt9704(letter)
    assert letter.body_text.startswith("李建国同志：")
    assert f"即最迟于{due.year}年{due.month}月{due.day}日" in letter.body_text
    assert "本人签名" in letter.body_text and "严格保密" in letter.body_text
    assert "优亲厚友" not in docx_xml(letter)


def test_verification_report_with_outcome_and_team(county):
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    dispose(lead, officer, secretary, Way.VERIFICATION)
    verification = handling.start_verification(
        lead=lead,
        actor=officer,
        leader=officer,
        team=[secretary],
        plan="调取2025年低保评定档案，走访相关村民。",
        started_on=timezone.localdate(),
    )
    approval = handling.submit_verification_report(
        verification=verification,
        actor=officer,
        report_text=REPORT_TEXT,
        outcome=Outcome.PROPOSE_CASE,
    )
    assert issued(lead)[DocumentKind.VERIFICATION_REPORT] == 0  # submitted, not yet signed
    approvals.sign(approval=approval, actor=secretary, approve=True)
    document = only(lead, DocumentKind.VERIFICATION_REPORT)
    assert document.number == f"东坝纪核报〔{timezone.localdate().year}〕1号"
    assert document.title == "关于李建国问题线索初步核实情况的报告"
    assert document.issued_by == secretary
    docx = assert_gbt9704(document)
    texts = [p.text for p in docx.paragraphs]
    assert "二、初步核实情况" in texts
    assert "相关事实基本清楚。" in texts
    assert "建议：拟立案。" in texts
    body = document.body_text
    assert "核查组组长何干事，成员孙书记" in body
    assert lead.number in body
    # The approving signature is the one that issued the report, and the report shows it.
    assert "四、审批情况" in texts
    today = chinese_date(timezone.localdate())
    assert f"纪委书记孙书记（{today}）：同意。" in texts
    assert docx.core_properties.author == "东坝镇纪委"


# -- scope ---------------------------------------------------------------------------------


EXPECTED = {
    "sysadmin": 200,
    "county_leader": 200,
    "township_secretary": 200,
    "township_officer": 200,
    "petition_officer": 404,  # reads reports, not leads
    "dept_head": 404,  # a county department: not this township's lead
    "other_officer": 404,
    "informant": 404,
    "auditor": 404,
}


@pytest.mark.parametrize(("persona", "status"), EXPECTED.items())
def test_download_of_a_lead_document_by_persona(county, login, persona, status):
    document = disposal_document(county)
    response = login(persona).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content).startswith(b"PK")
    visible = documents_visible_to(county.users[persona]).filter(pk=document.pk).exists()
    assert visible is (status == 200)


def test_visible_documents_are_those_of_visible_reports_and_leads(county):
    officer, secretary = _users(county)
    report = accepted_report(secretary, county.township_a)
    intake.notify_acceptance(report=report, actor=secretary)
    notice = Document.objects.get(report=report)
    lead = report.leads.get()
    dispose(lead, officer, secretary, Way.ENQUIRY)
    form = only(lead, DocumentKind.LEAD_DISPOSAL)
    assert set(documents_visible_to(secretary)) == {notice, form}
    assert set(documents_visible_to(county.users["petition_officer"])) == {notice}
    assert set(documents_visible_to(county.users["other_officer"])) == set()


# -- guards no service reaches: called directly, they must refuse and take no number --------


def test_forms_wait_for_the_approval_of_their_own_matter(county):
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    pending = propose(lead, officer, Way.CLOSE)
    before = numbering_state()
    with pytest.raises(ValidationError) as info:
        issue_disposal_form(approval=pending, actor=officer)
    assert "approval" in info.value.message_dict
    rejected = approvals.sign(approval=pending, actor=secretary, approve=False, comment="证据不足")
    with pytest.raises(ValidationError):
        issue_disposal_form(approval=rejected, actor=secretary)
    assert numbering_state() == before

    approval = dispose(lead, officer, secretary, Way.ENQUIRY)
    enquiry = handling.start_enquiry(lead=lead, actor=officer, mode=EnquiryMode.TALK, plan=PLAN)
    plan = Approval.objects.get(lead=lead, matter=Matter.ENQUIRY_PLAN)
    with pytest.raises(ValidationError):
        issue_enquiry_approval(approval=plan, enquiry=enquiry, actor=officer)  # pending
    before = numbering_state()
    with pytest.raises(ValidationError):
        issue_disposal_form(approval=plan, actor=secretary)  # not a 处置呈批
    with pytest.raises(ValidationError):
        issue_enquiry_approval(approval=approval, enquiry=enquiry, actor=secretary)
    with pytest.raises(ValidationError):
        issue_explanation_letter(enquiry=enquiry, actor=officer)  # no talk recorded
    with pytest.raises(ValidationError):
        issue_enquiry_letter(enquiry=enquiry, actor=officer)  # a talk is not a 函询
    assert numbering_state() == before


def test_a_letter_needs_its_sending_day(county):
    officer, _secretary = _users(county)
    enquiry, _approval = enquiry_lead(county, EnquiryMode.LETTER)
    before = numbering_state()
    with pytest.raises(ValidationError) as info:
        issue_enquiry_letter(enquiry=enquiry, actor=officer)
    assert "letter_sent_on" in info.value.message_dict
    assert numbering_state() == before


def test_verification_report_drafted_while_pending_but_not_once_rejected(county):
    """``issue_verification_report`` also drafts the report of a pending approval (without
    signatures); an approval that ended without effect gets none."""
    officer, secretary = _users(county)
    lead = make_lead(officer, county.township_a)
    dispose(lead, officer, secretary, Way.VERIFICATION)
    verification = handling.start_verification(
        lead=lead,
        actor=officer,
        leader=officer,
        team=[],
        plan="调取2025年低保评定档案。",
        started_on=timezone.localdate(),
    )
    approval = handling.submit_verification_report(
        verification=verification, actor=officer, report_text=REPORT_TEXT, outcome=Outcome.CLOSED
    )
    verification = Verification.objects.get(pk=verification.pk)
    draft = issue_verification_report(approval=approval, verification=verification, actor=officer)
    assert "建议：予以了结。" in draft.body_text
    assert "四、审批情况" not in draft.body_text
    rejected = approvals.sign(approval=approval, actor=secretary, approve=False, comment="再核实")
    before = numbering_state()
    with pytest.raises(ValidationError):
        issue_verification_report(approval=rejected, verification=verification, actor=officer)
    assert numbering_state() == before
    assert issued(lead)[DocumentKind.VERIFICATION_REPORT] == 1  # the draft alone


def test_only_those_handling_the_lead_or_signing_may_issue(county):
    officer, secretary = _users(county)
    outsider = county.users["other_officer"]
    lead = make_lead(officer, county.township_a)
    approval = dispose(lead, officer, secretary, Way.ENQUIRY)
    before = numbering_state()
    with pytest.raises(PermissionDenied):
        issue_lead_register(lead=lead, actor=outsider)
    with pytest.raises(PermissionDenied):
        issue_disposal_form(approval=approval, actor=outsider)
    # 委领导 may read the lead but not handle it: signing the approval is what lets them.
    leader = county.users["county_leader"]
    with pytest.raises(PermissionDenied):
        issue_disposal_form(approval=approval, actor=leader)
    assert numbering_state() == before
