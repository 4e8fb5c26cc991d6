"""Cases API: list, case file and every step from 立案 to 结案 — each endpoint tried by each
persona in and out of scope, bad input answered 400 naming the field, and the whole path
from a lead proposed for 立案 to a closed case through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja import Schema

from qingfeng.accounts.models import User
from qingfeng.approvals.models import Approval, ApprovalStatus
from qingfeng.cases import api_cases
from qingfeng.cases.models import (
    Case,
    CaseClock,
    CaseMeasure,
    CaseReview,
    CaseStatus,
    LeadStatus,
    MeasureStatus,
    ReviewStatus,
    SanctionStatus,
)
from qingfeng.cases.tests.case_flow import (
    CaseCounty,
    case_county,
    filed_case,
    in_review,
    lead_proposed_for_case,
    review_done,
    with_team,
)
from qingfeng.cases.tests.conftest import approve_all

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)
REPORT_TEXT = "经审查，违纪事实清楚，证据确凿。"

# Personas who never reach a 东坝镇 case's handling steps (CASE_HANDLE on it).
NOT_HANDLERS = (
    "county_leader",
    "township_party",
    "county_party",
    "trial_head",
    "trial_a",
    "other_officer",
    "dept_head",
    "petition_officer",
    "informant",
    "auditor",
)
# Personas who never reach its 审理 steps (CASE_REVIEW on it or on its 审理 body).
NOT_REVIEWERS = (
    "county_leader",
    "township_party",
    "county_party",
    "other_officer",
    "dept_head",
    "petition_officer",
    "informant",
    "auditor",
)


@pytest.fixture
def cc(county) -> CaseCounty:
    return case_county(county)


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="qingfeng.accounts.backends.LockoutBackend")
    return client


def post(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(path, data or {}, content_type="application/json")


def ok(resp: Any, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, resp.json()
    body: dict[str, Any] = resp.json()
    return body


def bad(resp: Any, field: str) -> None:
    """400 with a Chinese message naming ``field`` of the request body."""
    assert resp.status_code == 400, resp.json()
    body = resp.json()
    assert body["field"] == field, body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body


def meeting_in(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "commission",
        "held_on": YESTERDAY.isoformat(),
        "participants": "孙书记、何干事、陈委员",
        "conclusion": "经集体研究，同意所拟意见",
        **extra,
    }


def filing_in(**extra: Any) -> dict[str, Any]:
    return {
        "summary": "李建国涉嫌在低保评定中优亲厚友，违反群众纪律，需要追究党纪责任。",
        "party_case": True,
        "supervision_case": False,
        "complex_case": False,
        "is_party_member": True,
        "is_supervised": True,
        "is_village_cadre": True,
        "meeting": meeting_in(),
        **extra,
    }


def approve(approval_id: int, *signers: User) -> None:
    approval = approve_all(Approval.objects.get(pk=approval_id), *signers)
    assert approval.status == ApprovalStatus.APPROVED


def case_file(client: Client, case_id: int) -> dict[str, Any]:
    return ok(client.get(f"/api/cases/{case_id}"))


def handle_calls(case: Case, measure_id: int) -> list[tuple[str, dict[str, Any]]]:
    base = f"/api/cases/{case.pk}"
    return [
        (f"{base}/team", {"leader_id": None, "team_ids": []}),
        (f"{base}/measures", {"kind": "talk", "target": "李建国", "reason": "了解低保评定情况"}),
        (f"{base}/measures/{measure_id}/end", {}),
        (f"{base}/extension", {"months": 3, "reason": "案情复杂需要延长"}),
        (f"{base}/investigation-report", {"report_text": "报告", "proposed_outcomes": []}),
        (f"{base}/decision", {"outcomes": ["party_warning"], "meeting": meeting_in()}),
        (f"{base}/announcement", {"announced_on": TODAY.isoformat()}),
        (f"{base}/execution", {"executed_on": TODAY.isoformat(), "note": "已执行"}),
        (f"{base}/close", {"summary": "结案报告内容"}),
    ]


def review_calls(case: Case, review: CaseReview) -> list[tuple[str, dict[str, Any]]]:
    base = f"/api/cases/{case.pk}/reviews/{review.pk}"
    return [
        (f"{base}/reviewers", {"reviewer_ids": []}),
        (f"{base}/talk", {"talk_on": TODAY.isoformat(), "talk_record": "审理谈话记录"}),
        (f"{base}/return", {"reason": "证据不足"}),
        (
            f"{base}/report",
            {"report_text": "审理报告", "proposed_outcomes": [], "meeting": meeting_in()},
        ),
    ]


def approved_measure(cc: CaseCounty, case: Case) -> CaseMeasure:
    approved_measure_of(cc, case)
    return CaseMeasure.objects.get(case=case)


def approved_measure_of(cc: CaseCounty, case: Case) -> None:
    """A 谈话 measure asked through the API by the officer and approved by the secretary."""
    resp = post(
        as_user(cc.officer),
        f"/api/cases/{case.pk}/measures",
        {
            "kind": "talk",
            "target": "李建国",
            "reason": "了解低保评定情况",
            "starts_on": TODAY.isoformat(),
        },
    )
    approve(ok(resp, 201)["id"], cc.secretary)


# -- the whole path ---------------------------------------------------------------------------


def test_case_proposed_lead_to_closed_case(cc):
    officer, u = as_user(cc.officer), cc.users
    lead = lead_proposed_for_case(cc)
    resp = post(officer, f"/api/leads/{lead.pk}/case-filing", filing_in())
    filing = ok(resp, 201)
    assert filing["matter"] == "case_filing_party" and filing["waiting_step"] == "纪委书记"
    lead.refresh_from_db()
    assert lead.status == LeadStatus.FILING
    approve(filing["id"], cc.secretary, u["township_party"])
    case = Case.objects.get(lead=lead)
    body = case_file(officer, case.pk)
    assert body["status"] == CaseStatus.INVESTIGATING and body["filed_on"] == TODAY.isoformat()
    assert body["lead"]["id"] == lead.pk and body["person"]["id"] == cc.county.person_a.pk
    assert [c["kind"] for c in body["clocks"]] == ["investigation"]
    assert body["next_due_on"] == body["clocks"][0]["due_on"] and body["overdue"] is False
    assert [(t["action"], t["label"]) for t in body["transitions"]] == [("file", "立案")]
    assert [a["id"] for a in body["approvals"]] == [filing["id"]]
    assert {"case_filing_report", "case_decision", "case_notice"} <= {
        d["kind"] for d in body["documents"]
    }

    team = {"leader_id": cc.officer.pk, "team_ids": [u["township_officer_2"].pk]}
    body = ok(post(officer, f"/api/cases/{case.pk}/team", team))
    assert body["leader"]["name"] == "何干事" and [m["name"] for m in body["team"]] == [
        "何干事",
        "吕干事",
    ]
    measure = approved_measure(cc, case)
    resp = post(officer, f"/api/cases/{case.pk}/measures/{measure.pk}/end")
    assert ok(resp)["status"] == MeasureStatus.ENDED

    resp = post(
        officer,
        f"/api/cases/{case.pk}/investigation-report",
        {
            "report_text": "经审查，李建国违规为亲属办理低保2户，涉及金额2.4万元，已全部退缴。",
            "proposed_outcomes": ["party_serious_warning"],
        },
    )
    report = ok(resp, 201)
    assert report["matter"] == "investigation_report"
    assert case_file(officer, case.pk)["status"] == CaseStatus.REPORT_PENDING
    approve(report["id"], cc.secretary)
    body = case_file(officer, case.pk)
    assert body["status"] == CaseStatus.IN_REVIEW and body["review_org"]["name"] == "案件审理室"
    [review] = body["reviews"]
    assert review["round"] == 1 and review["status"] == ReviewStatus.REVIEWING

    rbase = f"/api/cases/{case.pk}/reviews/{review['id']}"
    reviewers = {"reviewer_ids": [u["trial_a"].pk, u["trial_b"].pk]}
    body = ok(post(as_user(u["trial_head"]), f"{rbase}/reviewers", reviewers))
    assert [r["name"] for r in body["reviewers"]] == ["蒋审理", "沈审理"]
    trial = as_user(u["trial_a"])
    talk = {
        "talk_on": TODAY.isoformat(),
        "talk_record": "审理人员与李建国谈话，其对违纪事实无异议。",
    }
    assert ok(post(trial, f"{rbase}/talk", talk))["talk_on"] == TODAY.isoformat()
    review_report = {
        "report_text": "经审理，李建国违反群众纪律事实清楚、证据确凿，建议给予党内严重警告处分。",
        "proposed_outcomes": ["party_serious_warning"],
        "meeting": meeting_in(kind="department", conclusion="审理室集体审议，同意审理意见"),
    }
    approval = ok(post(trial, f"{rbase}/report", review_report), 201)
    assert approval["matter"] == "review_report"
    approve(approval["id"], u["trial_head"], u["county_leader"])
    body = case_file(officer, case.pk)
    assert body["status"] == CaseStatus.REVIEWED
    assert body["reviews"][0]["meeting"]["kind"] == "department"
    assert body["reviews"][0]["proposed_outcomes"] == [
        {"code": "party_serious_warning", "label": "党内严重警告", "form": 2}
    ]

    decision = {"outcomes": ["party_serious_warning"], "meeting": meeting_in()}
    approval = ok(post(officer, f"/api/cases/{case.pk}/decision", decision), 201)
    assert approval["matter"] == "sanction_decision" and approval["waiting_step"] == "乡镇纪委书记"
    approve(approval["id"], cc.secretary)
    body = case_file(officer, case.pk)
    assert body["status"] == CaseStatus.DECIDED
    [sanction] = body["sanctions"]
    assert sanction["status"] == SanctionStatus.DECIDED and sanction["kind"] == "party"
    assert sanction["authority"] == "township_commission"
    assert (
        sanction["authority_display"] == "乡镇纪委" and sanction["decided_on"] == TODAY.isoformat()
    )
    assert sanction["effect_ends_on"] is not None and sanction["document"] is not None
    assert {"announce", "execution_report"} <= {c["kind"] for c in body["clocks"]}

    body = ok(
        post(officer, f"/api/cases/{case.pk}/announcement", {"announced_on": TODAY.isoformat()})
    )
    assert body["status"] == CaseStatus.EXECUTING
    assert body["sanctions"][0]["announced_on"] == TODAY.isoformat()
    execution = {"executed_on": TODAY.isoformat(), "note": "所在党支部已宣布并存档"}
    body = ok(post(officer, f"/api/cases/{case.pk}/execution", execution))
    assert body["sanctions"][0]["status"] == SanctionStatus.EXECUTED
    assert body["sanctions"][0]["execution_note"] == "所在党支部已宣布并存档"
    close = {"summary": "李建国违纪案已审结，处分决定已执行完毕，予以结案。"}
    body = ok(post(officer, f"/api/cases/{case.pk}/close", close))
    assert body["status"] == CaseStatus.CLOSED and body["closed_on"] == TODAY.isoformat()
    assert all(c["met_at"] is not None for c in body["clocks"])
    assert body["overdue"] is False and body["next_due_on"] is None
    assert "closing_report" in {d["kind"] for d in body["documents"]}
    assert [t["action"] for t in body["transitions"]][-3:] == [
        "announce",
        "record_execution",
        "close",
    ]
    listed = ok(officer.get(f"/api/cases?status=closed&q={body['number']}"))
    assert [r["id"] for r in listed["items"]] == [case.pk]


def test_return_for_evidence_and_extension(cc):
    u = cc.users
    case, review = in_review(cc)
    rbase = f"/api/cases/{case.pk}/reviews/{review.pk}"
    reviewers = {"reviewer_ids": [u["trial_a"].pk, u["trial_b"].pk]}
    ok(post(as_user(u["trial_head"]), f"{rbase}/reviewers", reviewers))
    resp = post(as_user(u["trial_b"]), f"{rbase}/return", {"reason": "转账凭证不全，需补充调取"})
    body = ok(resp)
    assert body["status"] == CaseStatus.INVESTIGATING
    assert body["reviews"][0]["status"] == ReviewStatus.RETURNED
    assert body["reviews"][0]["return_reason"] == "转账凭证不全，需补充调取"
    # The review round is over: its steps now answer 400, not 200.
    talk = {"talk_on": TODAY.isoformat(), "talk_record": "审理人员与李建国谈话，其无异议。"}
    bad(post(as_user(u["trial_a"]), f"{rbase}/talk", talk), "status")

    officer = as_user(cc.officer)
    due_before = CaseClock.objects.get(case=case, kind="investigation", met_at=None).due_on
    extension = {"months": 3, "reason": "需补充调取银行流水，延长审查调查期限"}
    approval = ok(post(officer, f"/api/cases/{case.pk}/extension", extension), 201)
    assert approval["matter"] == "case_extension"
    approve(approval["id"], cc.secretary, u["county_leader"])
    body = case_file(officer, case.pk)
    assert body["extended_months"] == 3
    due_after = CaseClock.objects.get(case=case, kind="investigation", met_at=None).due_on
    assert due_after > due_before
    bad(post(officer, f"/api/cases/{case.pk}/extension", extension), "months")


# -- scope ------------------------------------------------------------------------------------


@pytest.fixture
def two_cases(cc) -> dict[str, Case]:
    """东坝镇: one case in 审理 at the county 审理室, one just filed."""
    reviewed, _review = in_review(cc)
    return {"review": reviewed, "fresh": filed_case(cc)}


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("sysadmin", {"review", "fresh"}),
        ("county_leader", {"review", "fresh"}),
        ("township_secretary", {"review", "fresh"}),
        ("township_officer", {"review", "fresh"}),
        ("township_party", {"review", "fresh"}),
        ("trial_head", {"review"}),
        ("trial_a", {"review"}),
        ("county_party", set()),
        ("other_officer", set()),
        ("dept_head", set()),
        ("petition_officer", set()),
        ("informant", set()),
        ("auditor", set()),
    ],
)
def test_list_and_case_file_scope(cc, two_cases, persona, visible):
    client = as_user(cc.users[persona])
    body = ok(client.get("/api/cases"))
    assert {r["id"] for r in body["items"]} == {two_cases[k].pk for k in visible}
    assert body["total"] == len(visible) and body["has_more"] is False
    for key, case in two_cases.items():
        assert client.get(f"/api/cases/{case.pk}").status_code == (200 if key in visible else 404)
    resp = client.get("/api/cases/999999")
    assert resp.status_code == 404 and resp.json() == {"detail": "未找到", "field": None}


@pytest.mark.parametrize("persona", NOT_HANDLERS)
def test_handling_steps_out_of_scope(cc, persona):
    case = with_team(cc, filed_case(cc))
    measure = approved_measure(cc, case)
    lead = lead_proposed_for_case(cc)
    client = as_user(cc.users[persona])
    resp = post(client, f"/api/leads/{lead.pk}/case-filing", filing_in())
    assert resp.status_code == 404, resp.json()
    for path, data in handle_calls(case, measure.pk):
        resp = post(client, path, data)
        assert resp.status_code == 404, (path, resp.json())
    lead.refresh_from_db()
    case.refresh_from_db()
    measure.refresh_from_db()
    assert lead.status == LeadStatus.CASE_PROPOSED and not Case.objects.filter(lead=lead).exists()
    assert case.status == CaseStatus.INVESTIGATING and measure.status == MeasureStatus.APPROVED
    assert Approval.objects.filter(status=ApprovalStatus.PENDING).count() == 0


@pytest.mark.parametrize("persona", NOT_REVIEWERS)
def test_review_steps_out_of_scope(cc, persona):
    case, review = in_review(cc)
    client = as_user(cc.users[persona])
    for path, data in review_calls(case, review):
        resp = post(client, path, data)
        assert resp.status_code == 404, (path, resp.json())
    review.refresh_from_db()
    assert review.status == ReviewStatus.REVIEWING and not review.reviewers.exists()


def test_missing_and_foreign_ids_answer_404(cc):
    case, review = in_review(cc)
    other = with_team(cc, filed_case(cc))
    measure = approved_measure(cc, other)
    officer, trial = as_user(cc.officer), as_user(cc.users["trial_head"])
    assert post(officer, f"/api/cases/{case.pk}/measures/{measure.pk}/end").status_code == 404
    assert post(officer, f"/api/cases/{other.pk}/measures/999999/end").status_code == 404
    assert post(officer, "/api/cases/999999/close", {"summary": "结案"}).status_code == 404
    reviewers = {"reviewer_ids": [cc.users["trial_a"].pk, cc.users["trial_b"].pk]}
    assert (
        post(trial, f"/api/cases/{other.pk}/reviews/{review.pk}/reviewers", reviewers).status_code
        == 404
    )
    assert (
        post(trial, f"/api/cases/{case.pk}/reviews/999999/reviewers", reviewers).status_code == 404
    )
    assert post(officer, "/api/leads/999999/case-filing", filing_in()).status_code == 404
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.APPROVED and not review.reviewers.exists()


def test_refusals_in_scope_answer_403(cc):
    u = cc.users
    case, review = in_review(cc)
    rbase = f"/api/cases/{case.pk}/reviews/{review.pk}"
    reviewers = {"reviewer_ids": [u["trial_a"].pk, u["trial_b"].pk]}
    # 东坝镇 reaches the case with CASE_REVIEW, but 乡案县审 sends it to the county 审理室.
    resp = post(as_user(cc.officer), f"{rbase}/reviewers", reviewers)
    assert resp.status_code == 403 and resp.json() == {
        "detail": "没有审理该案件的权限",
        "field": None,
    }
    ok(post(as_user(u["trial_head"]), f"{rbase}/reviewers", reviewers))
    talk = {"talk_on": TODAY.isoformat(), "talk_record": "审理人员与李建国谈话，其无异议。"}
    resp = post(as_user(u["trial_head"]), f"{rbase}/talk", talk)
    assert resp.status_code == 403 and resp.json()["field"] is None
    assert resp.json()["detail"] == "只有本案审理人员可以办理此步骤"
    assert CaseReview.objects.get(pk=review.pk).talk_on is None
    # Only the investigation team submits the 审查调查报告.
    fresh = with_team(cc, filed_case(cc))
    report = {
        "report_text": "经审查，违纪事实清楚，证据确凿。",
        "proposed_outcomes": ["party_warning"],
    }
    resp = post(as_user(cc.secretary), f"/api/cases/{fresh.pk}/investigation-report", report)
    assert resp.status_code == 403
    assert resp.json()["detail"] == "只有审查调查组成员可以提交审查调查报告"
    fresh.refresh_from_db()
    assert fresh.status == CaseStatus.INVESTIGATING


def test_anonymous_401(cc):
    case = filed_case(cc)
    client = Client()
    assert client.get("/api/cases").status_code == 401
    assert client.get(f"/api/cases/{case.pk}").status_code == 401
    assert post(client, f"/api/cases/{case.pk}/close", {"summary": "结案"}).status_code == 401
    assert post(client, f"/api/leads/{case.lead_id}/case-filing", filing_in()).status_code == 401


# -- bad input --------------------------------------------------------------------------------


def test_filing_bad_input(cc):
    lead = lead_proposed_for_case(cc)
    officer = as_user(cc.officer)
    path = f"/api/leads/{lead.pk}/case-filing"
    for extra, field in (
        ({"summary": "太短"}, "summary"),
        ({"summary": "违纪\x00事实需要追究党纪责任的情况"}, "summary"),
        ({"party_case": False, "supervision_case": False}, "party_case"),
        ({"is_party_member": False}, "party_case"),
        (
            {"party_case": False, "supervision_case": True, "is_supervised": False},
            "supervision_case",
        ),
        ({"meeting": meeting_in(kind="party")}, "meeting.kind"),
        ({"meeting": meeting_in(held_on=TOMORROW.isoformat())}, "meeting.held_on"),
        ({"meeting": meeting_in(held_on=None)}, "meeting.held_on"),
        ({"meeting": meeting_in(participants="")}, "meeting.participants"),
        ({"meeting": meeting_in(conclusion=" ")}, "meeting.conclusion"),
    ):
        bad(post(officer, path, filing_in(**extra)), field)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CASE_PROPOSED
    assert not Approval.objects.filter(matter__startswith="case_filing").exists()
    ok(post(officer, path, filing_in()), 201)
    bad(post(officer, path, filing_in()), "status")  # already 立案呈批中
    assert Approval.objects.filter(matter="case_filing_party").count() == 1


def test_team_bad_input(cc):
    u = cc.users
    case = filed_case(cc)
    officer = as_user(cc.officer)
    path = f"/api/cases/{case.pk}/team"
    second = u["township_officer_2"].pk
    for data, field in (
        ({"leader_id": None, "team_ids": [second]}, "leader_id"),
        ({"leader_id": u["other_officer"].pk, "team_ids": [second]}, "leader_id"),
        ({"leader_id": 999_999, "team_ids": [second]}, "leader_id"),
        ({"leader_id": cc.officer.pk, "team_ids": []}, "team_ids"),
        ({"leader_id": cc.officer.pk, "team_ids": [u["county_leader"].pk]}, "team_ids"),
        ({"leader_id": cc.officer.pk, "team_ids": [u["trial_a"].pk]}, "team_ids"),
        ({"leader_id": cc.officer.pk, "team_ids": [second] * 21}, "team_ids"),
    ):
        resp = post(officer, path, data)
        bad(resp, field)
        # Nobody outside the caller's reach is named.
        for name in ("周干事", "赵书记", "蒋审理"):
            assert name not in resp.json()["detail"]
    case.refresh_from_db()
    assert case.leader_id is None and not case.team.exists()


def test_measure_and_extension_bad_input(cc):
    case = with_team(cc, filed_case(cc))
    officer = as_user(cc.officer)
    good = {
        "kind": "talk",
        "target": "李建国",
        "reason": "了解低保评定情况",
        "starts_on": TODAY.isoformat(),
    }
    for extra, field in (
        ({"kind": "bogus"}, "kind"),
        ({"kind": "search"}, "kind"),
        ({"kind": "detention"}, "kind"),
        ({"target": ""}, "target"),
        ({"reason": ""}, "reason"),
        ({"starts_on": None}, "starts_on"),
        ({"starts_on": (case.filed_on - dt.timedelta(days=1)).isoformat()}, "starts_on"),
    ):
        bad(post(officer, f"/api/cases/{case.pk}/measures", {**good, **extra}), field)
    assert not CaseMeasure.objects.exists()
    for data, field in (
        ({"months": 0, "reason": "案情复杂需要延长"}, "months"),
        ({"months": 7, "reason": "案情复杂需要延长"}, "months"),
        ({"months": 3, "reason": ""}, "reason"),
    ):
        bad(post(officer, f"/api/cases/{case.pk}/extension", data), field)
    measure = approved_measure(cc, case)
    ok(post(officer, f"/api/cases/{case.pk}/measures/{measure.pk}/end"))
    bad(post(officer, f"/api/cases/{case.pk}/measures/{measure.pk}/end"), "measure")
    assert not Approval.objects.filter(matter="case_extension").exists()


def test_investigation_report_bad_input(cc):
    officer = as_user(cc.officer)
    case = filed_case(cc)
    report = {
        "report_text": "经审查，违纪事实清楚，证据确凿。",
        "proposed_outcomes": ["party_warning"],
    }
    path = f"/api/cases/{case.pk}/investigation-report"
    bad(post(officer, path, report), "report_text")  # no team yet
    with_team(cc, case)
    for extra, field in (
        ({"report_text": "太短"}, "report_text"),
        ({"proposed_outcomes": []}, "proposed_outcomes"),
        ({"proposed_outcomes": ["closed"]}, "proposed_outcomes"),
        ({"proposed_outcomes": ["party_warning", "party_expulsion"]}, "proposed_outcomes"),
        ({"proposed_outcomes": ["gov_dismissal"]}, "proposed_outcomes"),  # a village cadre
    ):
        bad(post(officer, path, {**report, **extra}), field)
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING
    assert not Approval.objects.filter(matter="investigation_report").exists()


def test_review_bad_input(cc):
    u = cc.users
    case, review = in_review(cc)
    head, trial = as_user(u["trial_head"]), as_user(u["trial_a"])
    rbase = f"/api/cases/{case.pk}/reviews/{review.pk}"
    for ids, field in (
        ([u["trial_a"].pk], "reviewer_ids"),
        ([u["trial_a"].pk, cc.officer.pk], "reviewer_ids"),  # not of the county 审理室
        ([u["trial_a"].pk, u["other_officer"].pk], "reviewer_ids"),
        ([u["trial_a"].pk, 999_999], "reviewer_ids"),
        ([u["trial_a"].pk] * 21, "reviewer_ids"),
    ):
        resp = post(head, f"{rbase}/reviewers", {"reviewer_ids": ids})
        bad(resp, field)
        assert "周干事" not in resp.json()["detail"]
    assert not review.reviewers.exists()
    ok(post(head, f"{rbase}/reviewers", {"reviewer_ids": [u["trial_a"].pk, u["trial_b"].pk]}))
    report = {
        "report_text": "经审理，违纪事实清楚、证据确凿，建议给予党内严重警告处分。",
        "proposed_outcomes": ["party_serious_warning"],
        "meeting": meeting_in(kind="department"),
    }
    bad(post(trial, f"{rbase}/report", report), "talk_record")  # no talk yet
    talk = {"talk_on": TODAY.isoformat(), "talk_record": "审理人员与李建国谈话，其无异议。"}
    for extra, field in (
        ({"talk_on": None}, "talk_on"),
        ({"talk_on": TOMORROW.isoformat()}, "talk_on"),
        ({"talk_on": (review.received_on - dt.timedelta(days=1)).isoformat()}, "talk_on"),
        ({"talk_record": "太短"}, "talk_record"),
    ):
        bad(post(trial, f"{rbase}/talk", {**talk, **extra}), field)
    bad(post(trial, f"{rbase}/return", {"reason": ""}), "reason")
    ok(post(trial, f"{rbase}/talk", talk))
    report_cases: tuple[tuple[dict[str, Any], str], ...] = (
        ({"report_text": "太短"}, "report_text"),
        ({"proposed_outcomes": ["on_hold"]}, "proposed_outcomes"),
        ({"meeting": meeting_in(kind="bogus")}, "meeting.kind"),
        ({"meeting": meeting_in(participants="")}, "meeting.participants"),
    )
    for extra, field in report_cases:
        bad(post(trial, f"{rbase}/report", {**report, **extra}), field)
    review.refresh_from_db()
    assert review.status == ReviewStatus.REVIEWING
    assert not Approval.objects.filter(matter="review_report").exists()


def test_decision_and_execution_bad_input(cc):
    case = review_done(cc)
    officer = as_user(cc.officer)
    base = f"/api/cases/{case.pk}"
    bad(post(officer, f"{base}/announcement", {"announced_on": TODAY.isoformat()}), "status")
    decision = {"outcomes": ["party_serious_warning"], "meeting": meeting_in()}
    for extra, field in (
        ({"outcomes": []}, "outcomes"),
        ({"outcomes": ["closed"]}, "outcomes"),
        ({"outcomes": ["gov_dismissal"]}, "outcomes"),  # a village cadre
        ({"outcomes": ["party_probation"]}, "probation_years"),
        ({"outcomes": ["party_probation"], "probation_years": 3}, "probation_years"),
        ({"meeting": meeting_in(held_on=None)}, "meeting.held_on"),
    ):
        bad(post(officer, f"{base}/decision", {**decision, **extra}), field)
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWED and not case.sanctions.exists()
    approve(ok(post(officer, f"{base}/decision", decision), 201)["id"], cc.secretary)
    for data, field in (
        ({"announced_on": None}, "announced_on"),
        ({"announced_on": TOMORROW.isoformat()}, "announced_on"),
        ({"announced_on": YESTERDAY.isoformat()}, "announced_on"),  # before the decision
    ):
        bad(post(officer, f"{base}/announcement", data), field)
    bad(post(officer, f"{base}/close", {"summary": "处分决定已执行完毕，予以结案。"}), "status")
    ok(post(officer, f"{base}/announcement", {"announced_on": TODAY.isoformat()}))
    execution_cases: tuple[tuple[dict[str, Any], str], ...] = (
        ({"executed_on": TODAY.isoformat(), "note": ""}, "note"),
        ({"executed_on": None, "note": "已宣布并存档"}, "executed_on"),
        ({"executed_on": TOMORROW.isoformat(), "note": "已宣布并存档"}, "executed_on"),
    )
    for data, field in execution_cases:
        bad(post(officer, f"{base}/execution", data), field)
    bad(post(officer, f"{base}/close", {"summary": "处分决定已执行完毕，予以结案。"}), "summary")
    bad(post(officer, f"{base}/close", {"summary": "太短"}), "summary")
    case.refresh_from_db()
    assert case.status == CaseStatus.EXECUTING
    assert case.sanctions.get().status == SanctionStatus.ANNOUNCED


# -- list -------------------------------------------------------------------------------------


def test_list_filters_and_paging(cc, two_cases):
    leader = as_user(cc.users["county_leader"])
    review, fresh = two_cases["review"], two_cases["fresh"]

    def ids(query: str, client: Client = leader) -> set[int]:
        return {r["id"] for r in ok(client.get(f"/api/cases?{query}"))["items"]}

    assert ids("status=in_review") == {review.pk}
    assert ids("status=investigating") == {fresh.pk}
    assert ids(f"q={fresh.number}") == {fresh.pk}
    assert ids("q=李建") == {review.pk, fresh.pk}
    assert ids("q=王") == set()
    assert ids(f"org={cc.county.township_a.pk}") == {review.pk, fresh.pk}
    trial_dept = review.review_org
    assert ids(f"org={trial_dept.pk}", as_user(cc.users["trial_a"])) == {review.pk}
    assert ids("overdue=true") == set()
    CaseClock.objects.filter(case=fresh).update(due_on=YESTERDAY)
    assert ids("overdue=true") == {fresh.pk}
    assert ids("overdue=false") == {review.pk}
    row = next(r for r in ok(leader.get("/api/cases"))["items"] if r["id"] == fresh.pk)
    assert row["overdue"] is True and row["next_due_on"] == YESTERDAY.isoformat()
    page = ok(leader.get("/api/cases?limit=1&offset=1"))
    assert page["total"] == 2 and [r["id"] for r in page["items"]] == [review.pk]  # newest first
    assert ok(leader.get("/api/cases?limit=100000"))["limit"] == api_cases.MAX_LIMIT
    bad(leader.get("/api/cases?status=bogus"), "status")
    town = as_user(cc.officer)
    assert town.get(f"/api/cases?org={cc.county.township_b.pk}").status_code == 404
    assert town.get("/api/cases?org=999999").status_code == 404


def test_list_total_is_capped(cc, two_cases, monkeypatch):
    monkeypatch.setattr(api_cases, "COUNT_CAP", 1)
    body = ok(as_user(cc.users["county_leader"]).get("/api/cases"))
    assert body["total"] == 1 and body["has_more"] is True and len(body["items"]) == 2


def test_list_and_file_queries_do_not_grow_with_rows(cc):
    client = as_user(cc.users["county_leader"])
    client.get("/api/cases")  # the first request of a session does its own bookkeeping
    first = with_team(cc, filed_case(cc))
    approved_measure(cc, first)
    with CaptureQueriesContext(connection) as one:
        assert len(ok(client.get("/api/cases"))["items"]) == 1
    with CaptureQueriesContext(connection) as file_one:
        case_file(client, first.pk)
    for _ in range(3):
        filed_case(cc)
        approved_measure_of(cc, first)
    with CaptureQueriesContext(connection) as four:
        assert len(ok(client.get("/api/cases"))["items"]) == 4
    assert len(four) == len(one)
    with CaptureQueriesContext(connection) as file_more:
        body = case_file(client, first.pk)
    assert len(body["measures"]) == 4 and len(body["approvals"]) == 5
    assert len(file_more) == len(file_one)


# -- OpenAPI ----------------------------------------------------------------------------------


def _schemas(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _schemas(sub)
    return out


def test_openapi_documents_the_endpoints_without_name_clashes(cc):
    spec = ok(as_user(cc.officer).get("/api/openapi.json"))
    for path in (
        "/api/cases",
        "/api/cases/{case_id}",
        "/api/leads/{lead_id}/case-filing",
        "/api/cases/{case_id}/team",
        "/api/cases/{case_id}/measures",
        "/api/cases/{case_id}/measures/{measure_id}/end",
        "/api/cases/{case_id}/extension",
        "/api/cases/{case_id}/investigation-report",
        "/api/cases/{case_id}/reviews/{review_id}/reviewers",
        "/api/cases/{case_id}/reviews/{review_id}/talk",
        "/api/cases/{case_id}/reviews/{review_id}/return",
        "/api/cases/{case_id}/reviews/{review_id}/report",
        "/api/cases/{case_id}/decision",
        "/api/cases/{case_id}/announcement",
        "/api/cases/{case_id}/execution",
        "/api/cases/{case_id}/close",
    ):
        assert path in spec["paths"], path
        for operation in spec["paths"][path].values():
            assert operation["tags"] == ["案件"], path
    # ninja keys components by class name and silently keeps the last one: no other schema
    # class may share a name with ours, and ours must read as we wrote them.
    schemas = _schemas(Schema)
    ours = {s.__name__ for s in schemas if s.__module__ == api_cases.__name__}
    others = {s.__name__ for s in schemas if s.__module__ != api_cases.__name__}
    assert {"CaseFileOut", "CaseFilingIn", "CaseReviewOut"} <= ours
    assert ours & others == set()
    components = spec["components"]["schemas"]
    assert set(components["CaseFileOut"]["properties"]) == set(api_cases.CaseFileOut.model_fields)
    assert set(components["CaseRowOut"]["properties"]) == set(api_cases.CaseRowOut.model_fields)
    measure_kinds = components["CaseMeasureIn"]["properties"]["kind"]["enum"]
    assert "detention" in measure_kinds and "talk" in measure_kinds
