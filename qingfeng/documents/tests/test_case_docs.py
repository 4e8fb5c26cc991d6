"""The documents of a case, issued by ``case_docs`` for a case built with the ORM and its
approvals signed step by step, read back with python-docx: kind and number (per body, series
and year), the record on the page (person, facts, team, signatures, sanction and its effect
period, how to appeal), GB/T 9704 page and fonts, scope, the guards, and — with LibreOffice —
the 政务处分决定书 rendered to PNG.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.chains import StepSpec
from qingfeng.approvals.models import Approval, ApprovalStatus, Matter, Relation
from qingfeng.cases.models import (
    CaseClock,
    CaseClockKind,
    CaseMeasure,
    CaseReview,
    MeasureKind,
    MeasureStatus,
    ReviewStatus,
    Sanction,
    SanctionStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import Authority, effect_period
from qingfeng.core.testing import make_org
from qingfeng.documents.case_docs import (
    issue_closing_report,
    issue_filing_documents,
    issue_investigation_report,
    issue_jurisdiction_decision,
    issue_review_register,
    issue_review_report,
    issue_sanction_decision,
)
from qingfeng.documents.docx import chinese_date
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.documents.selectors import documents_of_case, documents_visible_to
from qingfeng.orgs.models import DepartmentFunction, OrgKind

from .conftest import (
    FACTS,
    REVIEW_OPINION,
    TALK_RECORD,
    approved,
    decided,
    filing,
    make_case,
    make_secretary,
    officer_and_secretary,
    party_secretary,
    reviewed,
)
from .test_lead_docs import assert_gbt9704, creation_of, form_rows, numbering_state
from .test_render import _first_page_png, _lines, _pages, _to_pdf, renderer  # noqa: F401

# The rows of the 立案审查调查呈批报告 before the meeting and the signatures.
PERSON_ROWS = ["案件编号", "线索编号", "线索来源", "被审查调查人", "基本情况"]
CASE_ROWS = [*PERSON_ROWS, "单位职务", "立案类别", "主要问题及立案依据", "承办部门"]


def year() -> int:
    return timezone.localdate().year


def today() -> str:
    return chinese_date(timezone.localdate())


def on(day: dt.date | None) -> str:
    """A date that must be there, as printed."""
    assert day is not None
    return chinese_date(day)


def texts(document: Document, heading: str | None = None) -> list[str]:
    """The paragraphs of the DOCX after GB/T 9704 checks of page, grid, fonts and footer
    (those of the lead documents); ``heading`` is the first title line when a decision is
    headed by the body deciding rather than the body handling the case."""
    target: Any = document
    if heading is not None:
        # ``assert_gbt9704`` reads the heading from ``org.name``: give it the deciding body.
        target = SimpleNamespace(
            file=document.file,
            org=SimpleNamespace(name=heading),
            title=document.title,
            number=document.number,
        )
    return [p.text for p in assert_gbt9704(target).paragraphs]


# -- 立案 -----------------------------------------------------------------------------------


def test_filing_documents_of_a_township_party_case(county):
    case = make_case(county)
    approval, head = filing(county, case)
    documents = issue_filing_documents(approval=approval, case=case, actor=head)

    kinds = [d.kind for d in documents]
    assert kinds == [
        DocumentKind.CASE_FILING_REPORT,
        DocumentKind.CASE_DECISION,
        DocumentKind.CASE_NOTICE,
    ]
    y = year()
    series = ("立呈", "立审", "立通")
    assert [d.number for d in documents] == [f"东坝纪{s}〔{y}〕1号" for s in series]
    stored = Document.objects.filter(case=case).order_by("pk")
    assert list(stored) == documents
    for document in stored:
        assert (document.org, document.lead, document.report) == (county.township_a, None, None)
        assert document.issued_by == head and document.year == y
        detail = creation_of(document).detail
        assert case.number in detail and approval.number in detail

    form, decision, notice = documents
    assert form.title == "立案审查调查呈批报告"
    rows = form_rows(assert_gbt9704(form))
    assert list(rows)[:9] == CASE_ROWS
    assert rows["案件编号"] == case.number and rows["线索编号"] == case.lead.number
    assert rows["基本情况"] == "男，1970年1月生，中共党员"
    assert rows["单位职务"] == "李庄村民委员会村党支部书记"
    assert rows["立案类别"] == "党纪立案审查"
    assert rows["主要问题及立案依据"] == case.summary
    assert rows["承办部门"] == "东坝镇纪委"
    assert "参会人员：孙书记、何干事、陈委员" in rows["集体研究情况"]
    # The 呈批's words were the summary itself: the form says what it asks instead.
    assert rows["承办部门意见"] == (
        f"建议对李庄村民委员会村党支部书记李建国涉嫌违纪问题立案审查。\n何干事\u3000{today()}"
    )
    assert rows["纪委书记"] == f"同意。\n孙书记\u3000{today()}"
    assert rows["同级党委主要负责人"] == f"同意。\n马书记\u3000{today()}"

    assert decision.title == "立案决定书"
    paragraphs = texts(decision, heading="中共东坝镇纪律检查委员会")
    assert (
        "根据《中国共产党纪律检查机关监督执纪工作规则》有关规定，经研究，并报经中共东坝镇委员会"
        "主要负责人批准，决定对李庄村民委员会村党支部书记李建国同志涉嫌违纪问题立案审查。"
    ) in paragraphs
    filed = chinese_date(case.filed_on)
    assert paragraphs[-2:] == ["中共东坝镇纪律检查委员会", filed]

    paragraphs = texts(notice)
    assert "李庄村民委员会：" in paragraphs
    assert "经研究，决定对你单位村党支部书记李建国同志涉嫌违纪问题立案审查。" in paragraphs
    assert any(p.startswith("请你单位及李建国同志所在党组织支持配合") for p in paragraphs)
    assert paragraphs[-2:] == ["东坝镇纪委", filed]
    # Nothing of the report or the reporter: only the case's own words.
    assert "优亲厚友" not in notice.body_text


def test_joint_county_case_gets_the_commission_and_the_supervision_decision(county):
    case = make_case(county, org=county.county, name="王某", supervision=True, with_person=False)
    head = party_secretary(county, org=county.county, username="xianwei")
    approval = approved(
        org=county.county,
        matter=Matter.CASE_FILING_JOINT,
        submitter=county.users["supervision_officer"],
        signers=[county.users["dept_head"], county.users["county_leader"], head],
        lead=case.lead,
        case=case,
        proposal="建议对王某立案审查调查。",
    )
    documents = issue_filing_documents(approval=approval, case=case, actor=head)
    y = year()
    assert [(d.kind, d.number) for d in documents] == [
        (DocumentKind.CASE_FILING_REPORT, f"清河纪立呈〔{y}〕1号"),
        (DocumentKind.CASE_DECISION, f"清河纪立审〔{y}〕1号"),
        (DocumentKind.CASE_DECISION, f"清河纪立调〔{y}〕1号"),
        (DocumentKind.CASE_NOTICE, f"清河纪立通〔{y}〕1号"),
    ]
    form, party, supervision, notice = documents
    rows = form_rows(assert_gbt9704(form))
    assert rows["立案类别"] == "党纪立案审查、监察立案调查"
    assert rows["基本情况"] == "中共党员"  # no person record: nothing invented
    assert rows["承办部门"] == "清河县纪委监委第一监督检查室"
    assert rows["承办部门意见"].startswith("建议对王某立案审查调查。\n陈干部")
    assert [r for r in rows if r not in CASE_ROWS] == [
        "集体研究情况",
        "承办部门意见",
        "承办部门主要负责人",
        "委主要负责人",
        "同级党委主要负责人",
    ]
    assert any(
        p.endswith("决定对清河县人民政府副县长王某同志涉嫌违纪问题立案审查。")
        for p in texts(party, heading="中共清河县纪律检查委员会")
    )
    paragraphs = texts(supervision, heading="清河县监察委员会")
    assert (
        "根据《中华人民共和国监察法》有关规定，经研究，"
        "决定对清河县人民政府副县长王某涉嫌职务违法问题立案调查。"
    ) in paragraphs
    assert not any(p.startswith("本案由") for p in paragraphs)
    assert paragraphs[-2] == "清河县监察委员会"
    assert "经研究，决定对你单位副县长王某同志涉嫌违纪违法问题立案审查调查。" in texts(notice)


def test_a_township_case_is_investigated_under_the_county_supervision_commission(county):
    officer, secretary = officer_and_secretary(county)
    case = make_case(county, party=False, supervision=True)
    case.is_party_member = False
    case.save(update_fields=["is_party_member"])
    approval = approved(
        org=case.org,
        matter=Matter.CASE_FILING_SUPERVISION,
        submitter=officer,
        signers=[secretary, county.users["county_leader"]],
        lead=case.lead,
        case=case,
    )
    documents = issue_filing_documents(
        approval=approval, case=case, actor=county.users["county_leader"]
    )
    assert [d.kind for d in documents] == [
        DocumentKind.CASE_FILING_REPORT,
        DocumentKind.CASE_DECISION,
        DocumentKind.CASE_NOTICE,
    ]
    assert documents[1].number == f"东坝纪立调〔{year()}〕1号"
    paragraphs = texts(documents[1], heading="清河县监察委员会")
    assert "决定对李庄村民委员会村党支部书记李建国涉嫌职务违法问题立案调查。" in paragraphs[4]
    assert "本案由东坝镇纪委具体承办。" in paragraphs
    notice = texts(documents[2])
    assert "经研究，决定对你单位村党支部书记李建国涉嫌职务违法问题立案调查。" in notice
    assert any(p.startswith("请你单位支持配合") for p in notice)  # not a Party member


def test_numbers_run_per_body_series_and_year(county, monkeypatch):
    first = make_case(county)
    second = make_case(county, name="王二")
    for case in (first, second):
        approval, head = filing(county, case)
        issue_filing_documents(approval=approval, case=case, actor=head)
    y = year()
    numbers = Document.objects.filter(case=second, kind=DocumentKind.CASE_DECISION)
    assert list(numbers.values_list("number", flat=True)) == [f"东坝纪立审〔{y}〕2号"]
    # Another township numbers from 1.
    other = make_case(county, org=county.township_b, name="石秀英", with_person=False)
    form = issue_filing_documents(
        approval=approved(
            org=county.township_b,
            matter=Matter.CASE_FILING_PARTY,
            submitter=county.users["other_officer"],
            signers=[
                make_secretary(county.township_b),
                party_secretary(county, org=county.township_b, username="xiling_dw"),
            ],
            lead=other.lead,
            case=other,
        ),
        case=other,
        actor=county.users["other_officer"],
    )[0]
    assert form.number == f"西岭纪立呈〔{y}〕1号"

    # A new year starts every series again at 1.
    real = timezone.localdate

    def next_year(value: Any = None, tz: Any = None) -> dt.date:
        return real(value, tz) if value is not None else dt.date(y + 1, 1, 5)

    monkeypatch.setattr(timezone, "localdate", next_year)
    third = make_case(county, name="赵三")
    approval, head = filing(county, third)
    documents = issue_filing_documents(approval=approval, case=third, actor=head)
    assert [d.number for d in documents][:2] == [
        f"东坝纪立呈〔{y + 1}〕1号",
        f"东坝纪立审〔{y + 1}〕1号",
    ]
    assert {d.year for d in documents} == {y + 1}


def test_jurisdiction_decision_assigns_the_case_to_another_body(county):
    case = make_case(county)
    approval = approved(
        org=county.county,
        # No 呈批 matter of its own yet: the decision reads the approval's case and target.
        matter=Matter.CASE_EXTENSION,
        submitter=county.users["supervision_officer"],
        signers=[county.users["county_leader"]],
        case=case,
        payload={"to_org": county.township_b.pk},
        steps=[StepSpec("county_leader", Relation.SELF, "委主要负责人")],
    )
    leader = county.users["county_leader"]
    document = issue_jurisdiction_decision(approval=approval, case=case, actor=leader)
    assert document.kind == DocumentKind.JURISDICTION_DECISION
    assert document.number == f"东坝纪指管〔{year()}〕1号"
    paragraphs = texts(document, heading="清河县纪委监委")
    assert "西岭乡纪委：" in paragraphs
    assert any(
        p.endswith(
            "决定将东坝镇纪委管辖的李庄村民委员会村党支部书记李建国涉嫌违纪问题案件"
            f"（案件编号：{case.number}）指定由你委管辖。"
        )
        for p in paragraphs
    )
    assert paragraphs[-2] == "清河县纪委监委"

    back_home = approved(
        org=county.county,
        matter=Matter.CASE_EXTENSION,
        submitter=county.users["supervision_officer"],
        signers=[leader],
        case=case,
        payload={"to_org": county.township_a.pk},
        steps=[StepSpec("county_leader", Relation.SELF, "委主要负责人")],
    )
    before = numbering_state()
    with pytest.raises(ValidationError) as info:
        issue_jurisdiction_decision(approval=back_home, case=case, actor=leader)
    assert "org" in info.value.message_dict
    assert numbering_state() == before


# -- 审查调查 and 审理 ----------------------------------------------------------------------


def test_investigation_report_with_team_measures_proposal_and_signature(county):
    officer, secretary = officer_and_secretary(county)
    case = make_case(county)
    case.leader = officer
    case.save(update_fields=["leader"])
    case.team.set([officer, secretary])
    asked = timezone.localdate() - dt.timedelta(days=30)
    for target, status in (("李建民", MeasureStatus.ENDED), ("李庄村账目", MeasureStatus.PENDING)):
        CaseMeasure.objects.create(
            case=case,
            kind=MeasureKind.QUESTION if status == MeasureStatus.ENDED else MeasureKind.COLLECT,
            target=target,
            reason="核实低保评定经过",
            starts_on=asked,
            status=status,
            created_by=officer,
        )
    outcomes = [Outcome.PARTY_WARNING, Outcome.GOV_DEMERIT]
    approval = approved(
        org=case.org,
        matter=Matter.INVESTIGATION_REPORT,
        submitter=officer,
        signers=[secretary],
        case=case,
        payload={"outcomes": outcomes},
        proposal=FACTS,
        meeting=False,
    )
    document = issue_investigation_report(approval=approval, case=case, actor=secretary)
    assert document.kind == DocumentKind.INVESTIGATION_REPORT
    assert document.number == f"东坝纪审调〔{year()}〕1号"
    assert document.title == "关于李建国涉嫌违纪问题的审查调查报告"
    paragraphs = texts(document)
    opening = paragraphs[4]
    assert opening.startswith(f"{chinese_date(case.filed_on)}，经批准，东坝镇纪委对")
    assert f"（案件编号：{case.number}）" in opening
    assert "审查调查组组长何干事，成员孙书记。" in opening
    index = paragraphs.index
    assert (
        index("一、被审查调查人基本情况") < index("三、审查调查认定的事实") < index("五、处理建议")
    )
    assert "李建国，男，1970年1月生，中共党员，李庄村民委员会村党支部书记。" in paragraphs
    assert "李建民2025年4月至12月违规领取低保金共计5400元。" in paragraphs
    assert f"询问：李建民，自{chinese_date(asked)}起（已解除）。" in paragraphs
    assert not any("李庄村账目" in p for p in paragraphs)  # a measure not approved
    assert "建议给予李建国党内警告处分、政务记过处分，移送审理。" in paragraphs
    assert f"纪委书记孙书记（{today()}）：同意。" in paragraphs
    assert paragraphs[-2:] == ["审查调查组", today()]


def test_investigation_report_drafted_while_pending_but_not_once_rejected(county):
    officer, _secretary = officer_and_secretary(county)
    case = make_case(county)
    pending = approvals.submit(
        org=case.org,
        matter=Matter.INVESTIGATION_REPORT,
        title="审查调查报告",
        proposal=FACTS,
        payload={"outcomes": [Outcome.PARTY_WARNING]},
        state={},
        actor=officer,
        case=case,
    )
    draft = issue_investigation_report(approval=pending, case=case, actor=officer)
    assert "建议给予李建国党内警告处分，移送审理。" in draft.body_text
    assert "审批情况" not in draft.body_text
    Approval.objects.filter(pk=pending.pk).update(status=ApprovalStatus.REJECTED)
    pending.refresh_from_db()
    before = numbering_state()
    with pytest.raises(ValidationError):
        issue_investigation_report(approval=pending, case=case, actor=officer)
    assert numbering_state() == before


def test_review_register_of_a_township_case_sent_to_the_county(county):
    """乡案县审: the county 审理室 receives the case; a second round names why the first
    sent it back."""
    officer, secretary = officer_and_secretary(county)
    trial = make_org(
        "案件审理室", "C01-SL", OrgKind.DEPARTMENT, county.county, function=DepartmentFunction.TRIAL
    )
    case = make_case(county)
    case.proposed_outcomes = [Outcome.PARTY_WARNING]
    case.transferred_on = timezone.localdate()
    case.review_org = trial
    case.save(update_fields=["proposed_outcomes", "transferred_on", "review_org"])
    received = timezone.localdate()
    review = CaseReview.objects.create(
        case=case, org=trial, received_on=received, created_by=officer
    )
    due = received + dt.timedelta(days=31)
    CaseClock.objects.create(
        case=case, kind=CaseClockKind.REVIEW, org=trial, starts_on=received, due_on=due
    )
    document = issue_review_register(case=case, review=review, actor=secretary)
    assert document.kind == DocumentKind.REVIEW_REGISTER
    assert (document.number, document.org, document.case) == (
        f"东坝纪移审〔{year()}〕1号",
        county.township_a,
        case,
    )
    rows = form_rows(assert_gbt9704(document))
    assert rows["被审查调查人"] == "李建国"
    assert rows["立案日期"] == chinese_date(case.filed_on)
    assert rows["办案机关"] == "东坝镇纪委"
    assert rows["审查调查建议"] == "建议给予李建国党内警告处分。"
    assert rows["移送审理日期"] == today()
    assert rows["审理机关"] == "清河县纪委监委案件审理室"
    assert rows["审理次数"] == "第1次"
    assert rows["审理期限"] == f"{chinese_date(due)}前"
    assert rows["审理人员"] == "—"  # reviewers are named after 受理
    assert rows["登记人"] == "孙书记"

    review.status, review.return_reason = ReviewStatus.RETURNED, "低保金领取数额证据不足"
    review.save(update_fields=["status", "return_reason"])
    again = CaseReview.objects.create(
        case=case, org=trial, round=2, received_on=received, created_by=officer
    )
    rows = form_rows(assert_gbt9704(issue_review_register(case=case, review=again, actor=officer)))
    assert rows["审理次数"] == "第2次（前次审理退回补充证据：低保金领取数额证据不足）"


def test_review_report_with_talk_deliberation_and_opinion(county):
    officer, secretary = officer_and_secretary(county)
    case = make_case(county)
    review = reviewed(county, case)
    review.status = ReviewStatus.REPORT_PENDING
    review.save(update_fields=["status"])
    approval = approved(
        org=case.org,
        matter=Matter.REVIEW_REPORT,
        submitter=officer,
        signers=[secretary],
        case=case,
        payload={"review": review.pk, "outcomes": [Outcome.PARTY_WARNING]},
        proposal=REVIEW_OPINION,
    )
    document = issue_review_report(approval=approval, review=review, actor=secretary)
    assert document.kind == DocumentKind.REVIEW_REPORT
    assert document.number == f"东坝纪审理〔{year()}〕1号"
    assert document.title == "关于李建国涉嫌违纪问题的审理报告"
    paragraphs = texts(document)
    opening = paragraphs[4]
    assert opening.startswith(f"{chinese_date(review.received_on)}，东坝镇纪委受理东坝镇纪委移送")
    assert "审理人员：何干事、孙书记。" in opening
    assert paragraphs[paragraphs.index("三、审理谈话情况") + 1] == (
        f"{on(review.talk_on)}，审理人员与李建国进行了谈话，核对违纪违法事实，听取其陈述和申辩。"
    )
    assert TALK_RECORD in paragraphs
    assert paragraphs[paragraphs.index("四、审理意见") + 1] == REVIEW_OPINION
    assert "参会人员：孙书记、何干事、陈委员" in paragraphs
    assert paragraphs[paragraphs.index("六、处理意见") + 1] == "建议给予李建国党内警告处分。"
    assert f"纪委书记孙书记（{today()}）：同意。" in paragraphs
    assert paragraphs[-2:] == ["东坝镇纪委", today()]


# -- 处分决定 -------------------------------------------------------------------------------


def gov_decision(county: Any) -> tuple[Document, Sanction]:
    """A 政务记过 of a village cadre of 东坝镇, approved by the county 监委 after 审理."""
    case = make_case(county)
    reviewed(county, case)
    sanction, approval = decided(county, case, Outcome.GOV_DEMERIT, Authority.COUNTY_SUPERVISION)
    document = issue_sanction_decision(
        approval=approval, sanction=sanction, actor=county.users["county_leader"]
    )
    assert document is not None
    return document, sanction


def test_gov_sanction_decision_states_person_facts_sanction_basis_and_appeal(county):
    document, sanction = gov_decision(county)
    case = sanction.case
    assert document.kind == DocumentKind.GOV_SANCTION_DECISION
    assert document.title == "政务处分决定书"
    # Decided by the county 监委: numbered in the county's series (DOMAIN.md §9).
    assert (document.number, document.org, document.case) == (
        f"清河纪政处〔{year()}〕1号",
        county.county,
        case,
    )
    paragraphs = texts(document, heading="清河县监察委员会")
    body = paragraphs[4:-3]
    review = case.reviews.get()
    period = effect_period(Outcome.GOV_DEMERIT, timezone.localdate())
    assert body == [
        "李建国，男，1970年1月生，中共党员，李庄村民委员会村党支部书记。",
        "经查，李建国存在以下问题：",
        *FACTS.splitlines(),
        "上述事实，有东坝镇纪委审查调查中依法收集的证据材料证实，并经东坝镇纪委审理认定。"
        f"审理期间，审理人员于{on(review.talk_on)}与李建国谈话，听取了其陈述和申辩。",
        "李建国的上述行为构成职务违法。依据《中华人民共和国公职人员政务处分法》有关规定，"
        "经东坝镇纪委集体研究提出处理意见，报清河县监察委员会批准，决定给予李建国政务记过处分。",
        f"本决定自作出之日（{today()}）起生效。",
        f"政务处分期间为12个月，自{today()}起至{on(period.ends_on)}止。",
        "李建国如对本决定不服，可以自收到本决定书之日起一个月内，向清河县监察委员会申请复审；"
        "对复审决定仍不服的，可以自收到复审决定之日起一个月内，向上一级监察机关申请复核。"
        "复审、复核期间，不停止本决定的执行。",
        "本决定书存入李建国本人档案。",
    ]
    # 落款: the body that decided, and the day it decided (the sanction's effective day).
    assert paragraphs[-2:] == ["清河县监察委员会", on(sanction.decided_on)]
    assert document.body_text.splitlines()[-2:] == paragraphs[-2:]
    assert document.issued_by == county.users["county_leader"]


def test_party_probation_decision_by_the_township_party_committee(county):
    case = make_case(county)
    reviewed(county, case)
    sanction, approval = decided(
        county, case, Outcome.PARTY_PROBATION, Authority.TOWNSHIP_PARTY_COMMITTEE, probation=2
    )
    document = issue_sanction_decision(
        approval=approval, sanction=sanction, actor=county.users["township_secretary"]
    )
    assert document is not None and document.kind == DocumentKind.PARTY_SANCTION_DECISION
    assert document.title == "关于给予李建国同志留党察看二年处分的决定"
    assert document.number == f"东坝纪党处〔{year()}〕1号"
    paragraphs = texts(document, heading="中共东坝镇委员会")
    period = effect_period(Outcome.PARTY_PROBATION, timezone.localdate(), probation_years=2)
    assert "经查，李建国同志存在以下问题：" in paragraphs
    assert (
        "李建国同志身为中共党员，其上述行为违反了党的纪律，构成违纪。依据《中国共产党纪律处分条例》"
        "有关规定，经东坝镇纪委集体研究提出处理意见，报中共东坝镇委员会批准，"
        "决定给予李建国同志留党察看二年处分。"
    ) in paragraphs
    assert (
        f"本决定自作出之日（{today()}）起生效。留党察看期间（{today()}至"
        f"{on(period.term_ends_on)}），李建国同志没有表决权、选举权和被选举权；"
        f"恢复党员权利后二年内（至{on(period.ends_on)}），不得在党内担任和向党外组织"
        "推荐担任与其原任职务相当或者高于其原任职务的职务。"
    ) in paragraphs
    assert (
        "李建国同志如对本处分决定不服，可以依照《中国共产党党员权利保障条例》的规定，"
        "向中共东坝镇委员会或者上级党组织提出申诉。"
    ) in paragraphs
    assert paragraphs[-2:] == ["中共东坝镇委员会", on(sanction.decided_on)]


def test_party_warning_decided_by_the_township_commission_itself(county):
    case = make_case(county)
    sanction, approval = decided(county, case, Outcome.PARTY_WARNING, Authority.TOWNSHIP_COMMISSION)
    document = issue_sanction_decision(
        approval=approval, sanction=sanction, actor=county.users["township_secretary"]
    )
    assert document is not None
    held = on(approval.meeting.held_on if approval.meeting else None)
    body = document.body_text
    assert f"经中共东坝镇纪律检查委员会{held}研究，决定给予李建国同志党内警告处分。" in body
    end = on(effect_period(Outcome.PARTY_WARNING, timezone.localdate()).ends_on)
    assert f"李建国同志受处分后一年内（{today()}至{end}），不得在党内提拔职务" in body
    # No 审理 recorded: the evidence is stated without claiming one.
    assert "上述事实，有东坝镇纪委审查调查中依法收集的证据材料证实。" in body
    assert texts(document, heading="中共东坝镇纪律检查委员会")[1] == document.title


@pytest.mark.parametrize(
    ("outcome", "authority"),
    [
        (Outcome.ORG_REMOVAL, Authority.TOWNSHIP_PARTY_COMMITTEE),
        (Outcome.TALK_REMINDER, Authority.TOWNSHIP_COMMISSION),
    ],
)
def test_no_decision_document_for_organisational_or_first_form_measures(county, outcome, authority):
    case = make_case(county)
    sanction, approval = decided(county, case, outcome, authority)
    before = numbering_state()
    actor = county.users["township_secretary"]
    assert issue_sanction_decision(approval=approval, sanction=sanction, actor=actor) is None
    assert numbering_state() == before


# -- 结案 -----------------------------------------------------------------------------------


def test_closing_report_lists_reviews_decisions_and_execution(county):
    officer, _secretary = officer_and_secretary(county)
    document, sanction = gov_decision(county)
    case = sanction.case
    returned = CaseReview.objects.create(
        case=case,
        org=case.org,
        round=2,
        received_on=timezone.localdate() - dt.timedelta(days=5),
        status=ReviewStatus.RETURNED,
        return_reason="低保金领取数额证据不足",
        created_by=officer,
    )
    day = timezone.localdate()
    Sanction.objects.filter(pk=sanction.pk).update(
        document=document,
        status=SanctionStatus.EXECUTED,
        announced_on=day,
        executed_on=day,
        execution_note="已存入本人档案",
    )
    Sanction.objects.create(
        case=case,
        outcome=Outcome.GOV_WARNING,
        kind="government",
        authority="county_supervision",
        status=SanctionStatus.VOID,
    )
    before = numbering_state()
    with pytest.raises(ValidationError) as info:  # not closed yet
        issue_closing_report(case=case, actor=officer)
    assert "closed_on" in info.value.message_dict
    case.closed_on = day
    case.save(update_fields=["closed_on"])
    with pytest.raises(PermissionDenied):
        issue_closing_report(case=case, actor=county.users["other_officer"])
    assert numbering_state() == before

    report = issue_closing_report(
        case=case, actor=officer, summary="本案事实清楚，证据确凿，处理恰当。\n予以结案。"
    )
    assert report.kind == DocumentKind.CLOSING_REPORT
    assert report.number == f"东坝纪结案〔{year()}〕1号"
    assert report.title == "关于李建国涉嫌违纪问题案件的结案报告"
    paragraphs = texts(report)
    first = case.reviews.get(round=1)
    assert paragraphs[paragraphs.index("三、审理情况") + 1 :][:2] == [
        f"第1次审理：{chinese_date(first.received_on)}由东坝镇纪委受理，审理终结。",
        f"第2次审理：{chinese_date(returned.received_on)}由东坝镇纪委受理，"
        "因低保金领取数额证据不足退回补充证据。",
    ]
    end = on(effect_period(Outcome.GOV_DEMERIT, day).ends_on)
    assert paragraphs[paragraphs.index("四、处理和执行情况") + 1 :][:2] == [
        f"政务记过处分：清河县监察委员会于{today()}决定（{document.number}），{today()}宣布，"
        f"{today()}报告执行情况（已存入本人档案），处分期至{end}。",
        "五、结案意见",  # the void proposal is left out
    ]
    assert paragraphs[-5:] == [
        "本案事实清楚，证据确凿，处理恰当。",
        "予以结案。",
        "",
        "东坝镇纪委",
        today(),
    ]


# -- guards: called directly, they refuse and take no number --------------------------------


def test_filing_needs_its_own_approved_approval_and_a_right_to_issue(county):
    officer = county.users["township_officer"]
    case = make_case(county)
    pending = approvals.submit(
        org=case.org,
        matter=Matter.CASE_FILING_PARTY,
        title="立案呈批",
        proposal=case.summary,
        payload={},
        state={},
        actor=officer,
        lead=case.lead,
    )
    other = make_case(county, name="王二")
    other_approval, head = filing(county, other)
    before = numbering_state()
    with pytest.raises(ValidationError) as info:
        issue_filing_documents(approval=pending, case=case, actor=officer)
    assert "approval" in info.value.message_dict
    with pytest.raises(ValidationError):
        issue_filing_documents(approval=other_approval, case=case, actor=head)
    with pytest.raises(PermissionDenied):
        issue_filing_documents(
            approval=other_approval, case=other, actor=county.users["other_officer"]
        )
    assert numbering_state() == before
    # The Party committee head may not handle cases: signing the 立案 is what lets them.
    approval, head = filing(county, case)
    assert len(issue_filing_documents(approval=approval, case=case, actor=head)) == 3
    report = approved(
        org=case.org,
        matter=Matter.INVESTIGATION_REPORT,
        submitter=officer,
        signers=[county.users["township_secretary"]],
        case=case,
        meeting=False,
    )
    before = numbering_state()
    with pytest.raises(PermissionDenied):
        issue_investigation_report(approval=report, case=case, actor=head)
    assert numbering_state() == before


def test_sanction_decision_only_for_an_approved_decision_of_its_case(county):
    case = make_case(county)
    sanction, approval = decided(county, case, Outcome.GOV_DEMERIT, Authority.COUNTY_SUPERVISION)
    other_case = make_case(county, name="王二")
    _other, other_approval = decided(
        county, other_case, Outcome.GOV_DEMERIT, Authority.COUNTY_SUPERVISION
    )
    stray = Sanction.objects.create(
        case=case, outcome=Outcome.GOV_WARNING, kind="government", authority="county_supervision"
    )
    leader = county.users["county_leader"]
    before = numbering_state()
    with pytest.raises(ValidationError):
        issue_sanction_decision(approval=other_approval, sanction=sanction, actor=leader)
    with pytest.raises(ValidationError) as info:
        issue_sanction_decision(approval=approval, sanction=stray, actor=leader)
    assert "sanction" in info.value.message_dict
    Approval.objects.filter(pk=approval.pk).update(status=ApprovalStatus.PENDING)
    approval.refresh_from_db()
    with pytest.raises(ValidationError):
        issue_sanction_decision(approval=approval, sanction=sanction, actor=leader)
    assert numbering_state() == before


# -- scope ---------------------------------------------------------------------------------


EXPECTED = {
    "sysadmin": 200,
    "county_leader": 200,
    "township_secretary": 200,
    "township_officer": 200,
    "petition_officer": 404,  # reads reports, not cases
    "other_officer": 404,
    "informant": 404,
    "auditor": 404,
}


@pytest.mark.parametrize(("persona", "status"), EXPECTED.items())
def test_download_of_a_case_document_by_persona(county, login, persona, status):
    document, _sanction = gov_decision(county)
    response = login(persona).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content).startswith(b"PK")
    visible = documents_visible_to(county.users[persona]).filter(pk=document.pk).exists()
    assert visible is (status == 200)


def test_documents_of_a_case_newest_first(county):
    case = make_case(county)
    approval, head = filing(county, case)
    documents = issue_filing_documents(approval=approval, case=case, actor=head)
    make_case(county, name="王二")  # another case's lead documents stay out
    assert list(documents_of_case(case)) == documents[::-1]


# -- rendered by LibreOffice (skipped without it, like test_render) --------------------------


@pytest.mark.usefixtures("renderer")
def test_gov_sanction_decision_renders_to_pdf_and_png(county, tmp_path):
    document, _sanction = gov_decision(county)
    pdf = _to_pdf({"gov-sanction-decision": document}, tmp_path)["gov-sanction-decision"]
    assert _pages(pdf) >= 1
    _first_page_png(pdf, "doc-gov-sanction-decision.png")
    lines = _lines(pdf)
    text = "".join(lines)
    assert lines[:2] == ["清河县监察委员会", "政务处分决定书"]
    assert document.number in lines
    for expected in ("经查，李建国存在以下问题：", "政务记过处分", "申请复审"):
        assert expected in text, expected
