"""The 纪检监察建议书 (DOMAIN.md §5, §9) issued by ``case_docs.issue_recommendation`` for a case
built with the ORM and its decision signed step by step, read back with python-docx: GB/T 9704
page and fonts, the number in the series "建议" per body and year, the record on the page (主送,
person, facts, the decision, one recommendation per 组织处理, further recommendations, the
reply asked for by a concrete day, issuer and date), never the reporter, and the guards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.chains import StepSpec
from qingfeng.approvals.models import Approval, Matter, Relation
from qingfeng.cases.case_clocks import deadline_of
from qingfeng.cases.models import Case, CaseClockKind, Sanction, SanctionStatus
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import Authority
from qingfeng.documents.case_docs import issue_recommendation
from qingfeng.documents.docx import chinese_date
from qingfeng.documents.models import DocumentKind
from qingfeng.workdays.clock import WorkCalendar

from .conftest import (
    FACTS,
    PARTY_HEAD,
    REPORTER,
    SECRETARY,
    accepted_report,
    approved,
    make_case,
    officer_and_secretary,
    party_secretary,
    reviewed,
)
from .test_case_docs import on, texts, today, year
from .test_lead_docs import creation_of, numbering_state

HEADING = "中共东坝镇纪律检查委员会"
TO = "中共东坝镇委员会"
FURTHER = "督促李庄村开展以案促改\n完善低保评定民主评议制度。"


def decision(
    county: Any,
    case: Case,
    outcomes: list[str],
    *,
    recommend_to: str = TO,
    recommend_text: str = FURTHER,
) -> tuple[Approval, list[Sanction]]:
    """A decision with 组织处理 signed by the 纪委书记 and the 乡镇党委书记, and its sanctions
    decided today as ``decisions._decision_approved`` writes them."""
    officer, secretary = officer_and_secretary(county)
    approval = approved(
        org=case.org,
        matter=Matter.SANCTION_DECISION,
        submitter=officer,
        signers=[secretary, party_secretary(county)],
        case=case,
        payload={
            "outcomes": outcomes,
            "probation_years": None,
            "recommend_to": recommend_to,
            "recommend_text": recommend_text,
        },
        steps=[SECRETARY, PARTY_HEAD],
    )
    sanctions = []
    for code in outcomes:
        party = code == Outcome.PARTY_WARNING
        sanctions.append(
            Sanction.objects.create(
                case=case,
                outcome=code,
                kind="party" if party else "organisational",
                authority=(
                    Authority.TOWNSHIP_COMMISSION if party else Authority.TOWNSHIP_PARTY_COMMITTEE
                ),
                status=SanctionStatus.DECIDED,
                decided_on=timezone.localdate(),
            )
        )
    return approval, sanctions


def org_only(sanctions: list[Sanction]) -> list[Sanction]:
    return [s for s in sanctions if s.kind == "organisational"]


def test_recommendation_of_two_org_measures_on_gbt9704(county):
    case = make_case(county)
    review = reviewed(county, case)
    outcomes: list[str] = [Outcome.PARTY_WARNING, Outcome.ORG_REMOVAL, Outcome.ORG_DEMOTION]
    approval, sanctions = decision(county, case, outcomes)
    actor = county.users["township_secretary"]
    document = issue_recommendation(
        approval=approval, case=case, sanctions=org_only(sanctions), actor=actor
    )
    assert document.kind == DocumentKind.RECOMMENDATION
    assert (document.number, document.org, document.case) == (
        f"东坝纪建议〔{year()}〕1号",
        county.township_a,
        case,
    )
    assert document.title == "关于对李建国同志予以组织处理的纪检监察建议书"
    detail = creation_of(document).detail
    assert case.number in detail and approval.number in detail and f"主送{TO}" in detail

    paragraphs = texts(document, heading=HEADING)
    due = WorkCalendar().deadline_months(timezone.localdate(), 1).date
    assert deadline_of(CaseClockKind.RECOMMENDATION_REPLY, timezone.localdate()).date == due
    assert paragraphs[3:5] == ["", f"{TO}："]
    assert paragraphs[5:-3] == [
        f"{on(case.filed_on)}，经批准，东坝镇纪委对李庄村民委员会村党支部书记李建国涉嫌违纪问题"
        f"立案审查（案件编号：{case.number}）。现将有关情况通报如下。",
        "李建国，男，1970年1月生，中共党员，李庄村民委员会村党支部书记。",
        "经查，李建国同志存在以下问题：",
        *FACTS.splitlines(),
        "上述事实，有东坝镇纪委审查调查中依法收集的证据材料证实，并经东坝镇纪委审理认定。"
        f"审理期间，审理人员于{on(review.talk_on)}与李建国谈话，听取了其陈述和申辩。",
        f"{today()}，中共东坝镇纪律检查委员会决定给予李建国同志党内警告处分。",
        "根据《中国共产党纪律检查机关监督执纪工作规则》有关规定，经东坝镇纪委集体研究，"
        "报中共东坝镇委员会同意，现提出如下建议：",
        "一、建议对李建国同志予以免职（免去其村党支部书记职务）。",
        "二、建议对李建国同志予以降职（降低其职务层次）。",
        "三、督促李庄村开展以案促改。",
        "四、完善低保评定民主评议制度。",
        "请于收到本建议书之日起一个月内将采纳落实情况书面回复我委（办），"
        f"回复期限至{chinese_date(due)}。",
    ]
    assert paragraphs[-2:] == [HEADING, today()]
    assert document.body_text.splitlines()[-2:] == paragraphs[-2:]
    assert document.issued_by == actor


def test_numbers_run_per_body_and_a_county_case_takes_the_county_series(county):
    first = make_case(county)
    approval, sanctions = decision(county, first, [Outcome.ORG_SUSPENSION], recommend_text="")
    actor = county.users["township_secretary"]
    one = issue_recommendation(approval=approval, case=first, sanctions=sanctions, actor=actor)
    second = make_case(county, name="王建设")
    approval, sanctions = decision(county, second, [Outcome.ORG_RESIGNATION], recommend_text="")
    two = issue_recommendation(approval=approval, case=second, sanctions=sanctions, actor=actor)
    assert [one.number, two.number] == [f"东坝纪建议〔{year()}〕{n}号" for n in (1, 2)]
    assert "一、建议对王建设同志予以责令辞职（责令其辞去村党支部书记职务）。" in texts(
        two, heading=HEADING
    )

    # A county case on the 监察 side only: signed by the county 监委, in the county's series.
    leader = county.users["county_leader"]
    case = make_case(county, org=county.county, name="张副县长", party=False, supervision=True)
    approval = approved(
        org=case.org,
        matter=Matter.SANCTION_DECISION,
        submitter=county.users["sysadmin"],
        signers=[leader],
        case=case,
        payload={"outcomes": [Outcome.ORG_REASSIGNMENT], "recommend_to": "中共清河县委组织部"},
        steps=[StepSpec("county_leader", Relation.SELF, "县监委")],
        meeting=False,
    )
    sanction = Sanction.objects.create(
        case=case,
        outcome=Outcome.ORG_REASSIGNMENT,
        kind="organisational",
        authority=Authority.COUNTY_PARTY_COMMITTEE,
        status=SanctionStatus.DECIDED,
        decided_on=timezone.localdate(),
    )
    document = issue_recommendation(
        approval=approval, case=case, sanctions=[sanction], actor=leader
    )
    assert (document.number, document.org) == (f"清河纪建议〔{year()}〕1号", county.county)
    paragraphs = texts(document, heading="清河县监察委员会")
    assert paragraphs[4] == "中共清河县委组织部："
    assert "一、建议对张副县长同志予以调整职务（调整其副县长职务）。" in paragraphs
    # No meeting and no Party committee signature: said as it happened.
    assert (
        "根据《中华人民共和国监察法》有关规定，经清河县纪委监委研究，现提出如下建议："
    ) in paragraphs
    assert paragraphs[-2:] == ["清河县监察委员会", today()]


def test_the_reporter_never_reaches_the_recommendation(county):
    """A case whose lead came from a real-name report: the 建议书 prints the case's own
    words only (DOMAIN.md §2)."""
    officer, secretary = officer_and_secretary(county)
    report = accepted_report(secretary, county.township_a)
    lead = report.leads.get()
    case = Case.objects.create(
        number=f"T01-AJ-{year()}-0099",
        lead=lead,
        org=lead.org,
        home_org=lead.org,
        subject_name="李建国",
        subject_unit="李庄村民委员会",
        subject_post="村党支部书记",
        summary="经初步核实，李建国在低保评定中优亲厚友，部分事实已有证据证明。",
        investigation_report=FACTS,
        filed_on=timezone.localdate() - dt.timedelta(days=40),
        created_by=officer,
    )
    approval, sanctions = decision(county, case, [Outcome.ORG_REMOVAL])
    document = issue_recommendation(
        approval=approval, case=case, sanctions=sanctions, actor=secretary
    )
    printed = "\n".join([document.body_text, *texts(document, heading=HEADING)])
    for secret in (
        REPORTER.name,
        REPORTER.id_number,
        REPORTER.phone,
        REPORTER.unit,
        REPORTER.address,
        report.number,
        report.title,
        report.content,
    ):
        assert secret not in printed, secret


def test_guards_refuse_and_take_no_number(county):
    case = make_case(county)
    officer, secretary = officer_and_secretary(county)
    approval, sanctions = decision(county, case, [Outcome.PARTY_WARNING, Outcome.ORG_REMOVAL])
    measures = org_only(sanctions)
    other = make_case(county, name="王建设")
    unnamed, unnamed_sanctions = decision(county, other, [Outcome.ORG_REMOVAL], recommend_to=" ")
    pending = approvals.submit(
        org=case.org,
        matter=Matter.SANCTION_DECISION,
        title="呈批",
        proposal="经审理，拟给予李建国免职。",
        payload={"outcomes": [Outcome.ORG_REMOVAL], "recommend_to": TO},
        state={},
        actor=officer,
        case=case,
        steps=[SECRETARY, PARTY_HEAD],
    )
    before = numbering_state()

    def refused(field: str, **changes: Any) -> None:
        args: dict[str, Any] = {
            "approval": approval,
            "case": case,
            "sanctions": measures,
            "actor": secretary,
        }
        args.update(changes)
        with pytest.raises(ValidationError) as info:
            issue_recommendation(**args)
        assert field in info.value.message_dict, info.value

    refused("sanctions", sanctions=sanctions)  # a 党纪处分 is no recommendation
    refused("sanctions", sanctions=[])
    refused("approval", case=other)
    void = Sanction.objects.create(
        case=case,
        outcome=Outcome.ORG_SUSPENSION,
        kind="organisational",
        authority=Authority.TOWNSHIP_PARTY_COMMITTEE,
        status=SanctionStatus.VOID,
    )
    refused("sanction", sanctions=[void])
    refused("recommend_to", approval=unnamed, case=other, sanctions=unnamed_sanctions)
    refused("approval", approval=pending)
    with pytest.raises(PermissionDenied):
        issue_recommendation(
            approval=approval,
            case=case,
            sanctions=measures,
            actor=county.users["other_officer"],
        )
    assert numbering_state() == before
