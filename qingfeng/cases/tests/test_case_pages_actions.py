"""Handling a case through the pages: 立案呈批 on the lead → 审查调查组, measures → 审查调查报告
→ 审理 (reviewers, talk, report) → 处分决定 → 宣布 → 执行 → 结案, with the approvals signed
through the service; bad input kept next to its field; every POST refused out of scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus, Matter
from qingfeng.cases.models import (
    Case,
    CaseMeasure,
    CaseReview,
    CaseStatus,
    Lead,
    LeadStatus,
    MeasureStatus,
    ReviewStatus,
    SanctionStatus,
)
from qingfeng.cases.tests.case_builders import add_measure, add_review, make_case, make_lead
from qingfeng.core.testing import make_user
from qingfeng.documents.models import Document

TODAY = timezone.localdate()
YESTERDAY = (TODAY - dt.timedelta(days=1)).isoformat()


def file_url(case: Case) -> str:
    return reverse("case_files:detail", args=[case.pk])


def step_url(name: str, case: Case, *more: int) -> str:
    return reverse(f"case_files:{name}", args=[case.pk, *more])


def prefixed(prefix: str, **data: Any) -> dict[str, Any]:
    return {f"{prefix}-{k}": v for k, v in data.items()}


def errors(resp: Any, key: str) -> dict[str, list[str]]:
    """The errors of the refused step ``key`` on a re-rendered case file."""
    return next(p.form.errors for p in resp.context["panels"] if p.key == key)


def meeting_data(prefix: str = "") -> dict[str, Any]:
    data = {
        "meeting_kind": "commission",
        "meeting_held_on": YESTERDAY,
        "meeting_participants": "孙书记、何干事、吕干事",
        "meeting_conclusion": "经集体研究，同意",
    }
    return prefixed(prefix, **data) if prefix else data


def sign_pending(case_or_lead: Case | Lead, *signers: Any, matter: str | None = None) -> Approval:
    key = "case" if isinstance(case_or_lead, Case) else "lead"
    qs = Approval.objects.filter(**{key: case_or_lead}, status=ApprovalStatus.PENDING)
    approval = qs.get(matter=matter) if matter else qs.get()
    for signer in signers:
        approval = approvals.sign(approval=approval, actor=signer, approve=True, comment="同意")
    assert approval.status == ApprovalStatus.APPROVED
    return approval


@pytest.fixture
def people(county) -> dict[str, Any]:
    """The township's staff for a whole case: an investigation team (何干事 leads, 吕干事),
    reviewers not on it (孙书记, 施干事) and the township Party committee's secretary."""
    ta = county.township_a
    return {
        **county.users,
        "lv": make_user("dongba_lv", "吕干事", ta, "township_officer"),
        "shi": make_user("dongba_shi", "施干事", ta, "township_officer"),
        "party": make_user("dongba_dw", "党委书记", ta, "party_secretary"),
    }


def filed_case(county: Any, people: dict[str, Any], client: Client) -> Case:
    lead = make_lead(
        people["township_officer"],
        county.township_a,
        status=LeadStatus.CASE_PROPOSED,
        person=county.person_a,
    )
    resp = client.post(
        reverse("case_files:file", args=[lead.pk]),
        {
            "summary": "李建国在低保评定中优亲厚友，经初步核实部分属实，需追究责任",
            "party_case": "on",
            "is_party_member": "on",
            "is_supervised": "on",
            "is_village_cadre": "on",
            **meeting_data(),
        },
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("cases:detail", args=[lead.pk])
    sign_pending(lead, people["township_secretary"], people["party"])
    return Case.objects.get(lead=lead)


def test_filing_form_on_the_lead(login, county, people):
    officer = login("township_officer")
    lead = make_lead(
        people["township_officer"],
        county.township_a,
        status=LeadStatus.CASE_PROPOSED,
        person=county.person_a,
    )
    filing = reverse("case_files:file", args=[lead.pk])
    resp = officer.get(filing)
    assert resp.status_code == 200
    form = resp.context["form"]
    # The person record is a Party member and a village cadre.
    assert form.initial["party_case"] and form.initial["is_village_cadre"]
    # Everything missing at once, with the service's words.
    resp = officer.post(filing, {"summary": ""})
    assert resp.status_code == 400
    html = resp.content.decode()
    for message in ("请填写主要问题及立案依据", "请选择会议类型", "请填写集体研究的会议日期"):
        assert message in html
    # A service refusal lands next to its field, the input kept.
    resp = officer.post(filing, {"summary": "李建国优亲厚友问题部分属实", **meeting_data()})
    assert resp.status_code == 400
    assert resp.context["form"].errors["party_case"] == [
        "请选择党纪立案审查或监察立案调查（可同时选择）"
    ]
    assert "李建国优亲厚友问题部分属实" in resp.content.decode()
    assert not Approval.objects.filter(lead=lead).exists()
    # Another township and a reader without lead.handle get 404.
    assert login("other_officer").get(filing).status_code == 404
    assert login("county_leader").post(filing, {}).status_code == 404
    # Filed: the page leads to the case; a lead not proposed for filing back to the lead.
    case = filed_case(county, people, officer)
    assert case.status == CaseStatus.INVESTIGATING
    again = reverse("case_files:file", args=[case.lead_id])
    assert officer.get(again)["Location"] == file_url(case)
    pending = make_lead(people["township_officer"], county.township_a, status=LeadStatus.PENDING)
    resp = officer.get(reverse("case_files:file", args=[pending.pk]))
    assert resp["Location"] == reverse("cases:detail", args=[pending.pk])


def test_a_case_from_filing_to_closing_through_the_pages(login, county, people):
    officer, lv, shi = login("township_officer"), Client(), Client()
    lv.force_login(people["lv"], backend="qingfeng.accounts.backends.LockoutBackend")
    shi.force_login(people["shi"], backend="qingfeng.accounts.backends.LockoutBackend")
    secretary = login("township_secretary")
    case = filed_case(county, people, officer)
    document = Document.objects.filter(case=case).first()
    assert document is not None
    download = reverse("documents:download", args=[document.pk])
    assert officer.get(download).status_code == 200
    assert login("other_officer").get(download).status_code == 404
    page = officer.get(file_url(case)).content.decode()
    assert "立案决定书" in page and "立案通知书" in page  # the documents of the filing
    assert "已批准" in page and "党委书记" in page  # the filing approval and its signer

    # 审查调查组: at least two; then a measure approved and lifted.
    resp = officer.post(
        step_url("set_team", case), prefixed("set_team", leader=people["township_officer"].pk)
    )
    assert resp.status_code == 400 and "审查调查组至少应有2人" in resp.content.decode()
    resp = officer.post(
        step_url("set_team", case),
        prefixed("set_team", leader=people["township_officer"].pk, team=[people["lv"].pk]),
        follow=True,
    )
    assert (
        resp.redirect_chain[-1][0] == file_url(case) and "已组成审查调查组" in resp.content.decode()
    )
    resp = officer.post(
        step_url("request_measure", case),
        prefixed(
            "request_measure",
            kind="talk",
            target="李建国",
            reason="防止串供",
            starts_on=(case.filed_on - dt.timedelta(days=1)).isoformat(),
        ),
    )
    assert resp.status_code == 400
    assert errors(resp, "request_measure")["starts_on"] == ["开始日期不能早于立案日期"]
    # 留置 is never a township measure: not offered.
    resp = officer.post(
        step_url("request_measure", case),
        prefixed("request_measure", kind="detention", target="李建国", reason="防止串供"),
    )
    assert errors(resp, "request_measure")["kind"] == ["请从列表中选择"]
    assert "防止串供" in resp.content.decode()  # the input stays
    resp = officer.post(
        step_url("request_measure", case),
        prefixed(
            "request_measure",
            kind="talk",
            target="李建国",
            reason="核实低保评定情况",
            starts_on=TODAY,
        ),
    )
    assert resp.status_code == 302
    sign_pending(case, people["township_secretary"])
    measure = CaseMeasure.objects.get(case=case)
    assert measure.status == MeasureStatus.APPROVED
    assert officer.post(step_url("end_measure", case, measure.pk)).status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ENDED

    # 审查调查报告 by the team; approved, the case goes to 审理 at the township.
    resp = secretary.post(
        step_url("investigation_report", case),
        prefixed(
            "investigation_report",
            proposed_outcomes=["party_warning"],
            report_text="经审查，事实清楚，证据确凿",
        ),
    )
    assert resp.status_code == 403  # not on the team
    resp = lv.post(
        step_url("investigation_report", case),
        prefixed(
            "investigation_report", proposed_outcomes=[], report_text="经审查，事实清楚，证据确凿"
        ),
    )
    assert resp.status_code == 400 and "请至少选择一项处理意见" in resp.content.decode()
    resp = lv.post(
        step_url("investigation_report", case),
        prefixed(
            "investigation_report",
            proposed_outcomes=["party_warning"],
            report_text="经审查，事实清楚，证据确凿",
        ),
    )
    assert resp.status_code == 302
    sign_pending(case, people["township_secretary"])
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.review_org_id == county.township_a.pk
    review = CaseReview.objects.get(case=case)

    # 审理: reviewers not from the team; the talk; the report after collective deliberation.
    reviewers_url = step_url("assign_reviewers", case, review.pk)
    resp = secretary.post(
        reviewers_url,
        prefixed("assign_reviewers", reviewers=[people["township_officer"].pk, people["shi"].pk]),
    )
    # The investigation team is not offered as reviewers (查审分离).
    assert resp.status_code == 400
    assert errors(resp, "assign_reviewers")["reviewers"] == ["请从列表中选择"]
    resp = secretary.post(
        reviewers_url,
        prefixed("assign_reviewers", reviewers=[people["township_secretary"].pk, people["shi"].pk]),
    )
    assert resp.status_code == 302
    resp = shi.post(
        step_url("review_report", case, review.pk),
        {
            **prefixed(
                "review_report",
                proposed_outcomes=["party_warning"],
                report_text="经审理，事实清楚，定性准确",
            ),
            **meeting_data("review_report"),
        },
    )
    assert resp.status_code == 400 and "请先与被审查调查人谈话并记录" in resp.content.decode()
    resp = shi.post(
        step_url("review_talk", case, review.pk),
        prefixed(
            "review_talk",
            talk_on=TODAY.isoformat(),
            talk_record="被审查调查人对事实无异议，表示认错",
        ),
    )
    assert resp.status_code == 302
    resp = shi.post(
        step_url("review_report", case, review.pk),
        {
            **prefixed(
                "review_report",
                proposed_outcomes=["party_warning"],
                report_text="经审理，事实清楚，定性准确",
            ),
            **meeting_data("review_report"),
        },
    )
    assert resp.status_code == 302
    sign_pending(case, people["township_secretary"])
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWED

    # 处分决定 (a township 纪委 may give 警告), 宣布, 执行, 结案.
    resp = officer.post(
        step_url("propose_decision", case),
        {
            **prefixed("propose_decision", outcomes=["party_warning"]),
            **meeting_data("propose_decision"),
        },
    )
    assert resp.status_code == 302
    sign_pending(case, people["township_secretary"], matter=Matter.SANCTION_DECISION)
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    resp = officer.post(
        step_url("announcement", case), prefixed("announcement", announced_on=TODAY.isoformat())
    )
    assert resp.status_code == 302
    resp = officer.post(
        step_url("close_case", case), prefixed("close_case", summary="处分已执行完毕，予以结案")
    )
    assert resp.status_code == 400 and "处分决定尚未报告执行情况，不能结案" in resp.content.decode()
    resp = officer.post(
        step_url("execution", case),
        prefixed("execution", executed_on=TODAY.isoformat(), note="已在支部党员大会宣布并存档"),
    )
    assert resp.status_code == 302
    resp = officer.post(
        step_url("close_case", case),
        prefixed("close_case", summary="处分已执行完毕，予以结案"),
        follow=True,
    )
    assert resp.redirect_chain[-1][0] == file_url(case)
    page = resp.content.decode()
    assert "已结案" in page and "党内警告" in page and "已执行" in page
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.sanctions.get().status == SanctionStatus.EXECUTED


def test_extension_and_return_for_evidence(login, county, people):
    u = people
    case = make_case(
        u["township_officer"],
        county.township_a,
        leader=u["township_officer"],
        team=(u["township_officer"], u["lv"]),
    )
    officer = login("township_officer")
    resp = officer.post(
        step_url("request_extension", case),
        prefixed("request_extension", reason="需调取外地银行流水"),
    )
    assert resp.status_code == 400
    assert errors(resp, "request_extension")["months"] == ["延长期限为1至6个月"]
    resp = officer.post(
        step_url("request_extension", case),
        prefixed("request_extension", months="3", reason="需调取外地银行流水"),
        follow=True,
    )
    assert "已提交延长期限呈批" in resp.content.decode()
    assert 'data-action="request_extension"' not in resp.content.decode()  # asked once
    # 退回补充证据 by a named reviewer sends the case back to 审查调查.
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.IN_REVIEW, review_org=county.township_a
    )
    review = add_review(
        case,
        county.township_a,
        u["township_secretary"],
        reviewers=(u["township_secretary"], u["shi"]),
    )
    resp = login("township_secretary").post(
        step_url("return_for_evidence", case, review.pk),
        prefixed("return_for_evidence", reason="关键证人证言缺失"),
    )
    assert resp.status_code == 302
    case.refresh_from_db()
    review.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING and review.status == ReviewStatus.RETURNED


def test_a_review_step_of_another_case_is_404(login, county, people):
    u = people
    case = make_case(u["township_officer"], county.township_a, status=CaseStatus.IN_REVIEW)
    other = make_case(u["township_officer"], county.township_a, status=CaseStatus.IN_REVIEW)
    review = add_review(other, county.township_a, u["township_secretary"])
    resp = login("township_secretary").post(
        step_url("review_talk", case, review.pk),
        prefixed("review_talk", talk_on=YESTERDAY, talk_record="谈话记录"),
    )
    assert resp.status_code == 404


HANDLING_STEPS = (
    "set_team",
    "request_measure",
    "request_extension",
    "investigation_report",
    "propose_decision",
    "announcement",
    "execution",
    "close_case",
)
REVIEW_STEPS = ("assign_reviewers", "review_talk", "return_for_evidence", "review_report")


@pytest.mark.parametrize(
    "persona", ["other_officer", "county_leader", "petition_officer", "auditor"]
)
def test_every_step_is_404_out_of_scope(login, county, people, persona):
    """Another township, and readers who may not handle or review the case, get 404 on
    every step exactly like a missing case; nothing is written."""
    u = people
    case = make_case(u["township_officer"], county.township_a, status=CaseStatus.IN_REVIEW)
    review = add_review(case, county.township_a, u["township_secretary"])
    measure = add_measure(case, u["township_officer"])
    client = login(persona)
    for name in HANDLING_STEPS:
        assert client.post(step_url(name, case), {}).status_code == 404, name
    for name in REVIEW_STEPS:
        assert client.post(step_url(name, case, review.pk), {}).status_code == 404, name
    assert client.post(step_url("end_measure", case, measure.pk)).status_code == 404
    assert not Approval.objects.exists()
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.APPROVED


def test_steps_answer_post_only_and_send_anonymous_to_login(login, client, county, people):
    case = make_case(people["township_officer"], county.township_a)
    assert login("township_officer").get(step_url("set_team", case)).status_code == 405
    resp = client.post(step_url("set_team", case), {})
    assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]
