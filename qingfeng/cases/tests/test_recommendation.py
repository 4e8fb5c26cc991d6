"""组织处理 recommended by a 纪检监察建议书 (DOMAIN.md §5, §9): the decision names the unit it
goes to, its approval issues one 建议书 for every 组织处理 in it and starts the 1-month reply
clock, the reply is recorded once and 结案 waits for it — through the services, the case
file pages and the API, each tried in and out of scope.

Who approves 组织处理 (``sanctions.required_authority``): for a township case the 乡镇党委
(the 纪委书记 signs first, then 韩镇委书记 of 东坝镇), for a county case the 县委 (赵书记 for
the county commission, then 杨县委书记) — the commission itself only recommends.
"""

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

from qingfeng.approvals.models import Approval, ApprovalStatus, Matter
from qingfeng.audit.models import AuditEvent
from qingfeng.cases import decisions
from qingfeng.cases.case_workflow import CaseAction
from qingfeng.cases.models import (
    Case,
    CaseClock,
    CaseClockKind,
    CaseStatus,
    SanctionStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.tests import case_flow as flow
from qingfeng.cases.tests.case_builders import make_case
from qingfeng.cases.tests.conftest import approve_all, meeting
from qingfeng.documents.docx import chinese_date
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.workdays.clock import WorkCalendar

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)
TOWNSHIP_PARTY = "中共东坝镇委员会"
FURTHER = "督促李庄村开展以案促改，完善低保评定民主评议制度"
TWO_MEASURES: list[str] = [
    Outcome.PARTY_SERIOUS_WARNING,
    Outcome.ORG_SUSPENSION,
    Outcome.ORG_REASSIGNMENT,
]
REPLY = "镇党委已于5月20日研究决定，对李建国同志停职检查并调整其村党支部书记职务。"
REQUIRED = "拟给予组织处理的，请填写纪检监察建议书主送单位"


@pytest.fixture
def cc(county) -> flow.CaseCounty:
    return flow.case_county(county)


def decide(
    cc: flow.CaseCounty,
    case: Case,
    outcomes: list[str],
    *,
    recommend_to: str = TOWNSHIP_PARTY,
    recommend_text: str = "",
) -> Approval:
    return decisions.propose_decision(
        case=case,
        actor=cc.officer,
        outcomes=outcomes,
        probation_years=None,
        meeting=meeting("纪委会集体研究，同意审理意见"),
        recommend_to=recommend_to,
        recommend_text=recommend_text,
    )


def township_signers(cc: flow.CaseCounty) -> tuple[Any, Any]:
    """The 纪委书记, then the 乡镇党委书记: 组织处理 of a township cadre is the 乡镇党委's."""
    return cc.secretary, cc.users["township_party"]


def decided(cc: flow.CaseCounty, outcomes: list[str] | None = None, **extra: Any) -> Case:
    """A 东坝镇 case whose decision with 组织处理 was approved by the 乡镇党委."""
    outcomes = outcomes or [Outcome.ORG_REMOVAL]
    case = flow.review_done(cc, outcomes)
    approve_all(decide(cc, case, outcomes, **extra), *township_signers(cc))
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    return case


def recommendation(case: Case) -> Document:
    return Document.objects.get(case=case, kind=DocumentKind.RECOMMENDATION)


def reply_clock(case: Case) -> CaseClock:
    return case.clocks.get(kind=CaseClockKind.RECOMMENDATION_REPLY)


def message(info: Any, field: str) -> str:
    return str(info.value.message_dict[field][0])


# -- the decision ---------------------------------------------------------------------------


def test_org_outcomes_need_the_unit_the_recommendation_goes_to(cc):
    case = flow.review_done(cc, [Outcome.ORG_REMOVAL])
    for bad, expected in [
        ("", REQUIRED),
        ("   ", REQUIRED),
        ("中" * 101, "主送单位不能超过100个字（当前101个）"),
        ("中共东坝镇\x07委员会", "主送单位含有不可见的控制字符，请删除后重新填写"),
        ("中共东坝镇\n委员会", "主送单位请填写在一行内"),
    ]:
        with pytest.raises(ValidationError) as info:
            decide(cc, case, [Outcome.ORG_REMOVAL], recommend_to=bad)
        assert message(info, "recommend_to") == expected, bad
    with pytest.raises(ValidationError) as info:
        decide(cc, case, [Outcome.ORG_REMOVAL], recommend_text="以案\x00促改")
    assert "recommend_text" in info.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWED
    assert not Approval.objects.filter(case=case, matter=Matter.SANCTION_DECISION).exists()
    assert not case.sanctions.exists()


def test_the_approval_binds_the_unit_and_the_further_recommendations(cc):
    case = flow.review_done(cc, TWO_MEASURES)
    approval = decide(
        cc, case, TWO_MEASURES, recommend_to=" 中共东坝镇委员会 ", recommend_text=FURTHER
    )
    assert approval.payload["recommend_to"] == TOWNSHIP_PARTY
    assert approval.payload["recommend_text"] == FURTHER
    # What the approvers read says where the 组织处理 goes.
    assert f"停职检查、调整职务属于组织处理，拟以纪检监察建议书建议{TOWNSHIP_PARTY}办理。" in (
        approval.proposal
    )
    assert [s.role for s in approval.steps.order_by("order")] == [
        "township_secretary",
        "party_secretary",
    ]


def test_without_org_outcomes_the_fields_are_ignored_and_nothing_is_recommended(cc):
    outcomes: list[str] = [Outcome.PARTY_SERIOUS_WARNING]
    case = flow.review_done(cc, outcomes)
    approval = decide(cc, case, outcomes, recommend_to="中共东坝镇\x07委员会", recommend_text="x")
    assert (approval.payload["recommend_to"], approval.payload["recommend_text"]) == ("", "")
    approve_all(approval, cc.secretary)
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    assert not Document.objects.filter(kind=DocumentKind.RECOMMENDATION).exists()
    assert not case.clocks.filter(kind=CaseClockKind.RECOMMENDATION_REPLY).exists()
    assert not decisions.awaits_recommendation_reply(case)
    with pytest.raises(ValidationError) as info:
        decisions.record_recommendation_reply(
            case=case, actor=cc.officer, replied_on=TODAY, reply=REPLY
        )
    assert message(info, "reply") == "本案没有发出纪检监察建议书"
    # Nothing waits: announced, executed, closed.
    decisions.record_announcement(case=case, actor=cc.officer, announced_on=TODAY)
    decisions.record_execution(case=case, actor=cc.officer, executed_on=TODAY, note="已存入档案")
    decisions.close_case(case=case, actor=cc.officer, summary="处分已执行完毕，予以结案。")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_two_org_outcomes_get_one_recommendation_linked_to_both(cc):
    case = decided(cc, TWO_MEASURES, recommend_text=FURTHER)
    [document] = Document.objects.filter(case=case, kind=DocumentKind.RECOMMENDATION)
    assert document.number == f"东坝纪建议〔{TODAY.year}〕1号"
    assert (document.org, document.case) == (cc.county.township_a, case)
    assert document.title == "关于对李建国同志予以组织处理的纪检监察建议书"
    sanctions = {s.outcome: s for s in case.sanctions.select_related("document")}
    assert sanctions[Outcome.ORG_SUSPENSION].document == document
    assert sanctions[Outcome.ORG_REASSIGNMENT].document == document
    party = sanctions[Outcome.PARTY_SERIOUS_WARNING]
    assert party.document is not None
    assert party.document.kind == DocumentKind.PARTY_SANCTION_DECISION
    assert all(s.status == SanctionStatus.DECIDED for s in sanctions.values())

    due = WorkCalendar().deadline_months(TODAY, 1).date
    clock = reply_clock(case)
    assert (clock.starts_on, clock.due_on, clock.met_at) == (TODAY, due, None)
    assert clock.org == cc.county.township_a

    body = document.body_text
    lines = body.splitlines()
    assert lines[0] == f"{TOWNSHIP_PARTY}："
    assert "一、建议对李建国同志予以停职检查（停止其履行村党支部书记职务，作出检查）。" in lines
    assert "二、建议对李建国同志予以调整职务（调整其村党支部书记职务）。" in lines
    assert f"三、{FURTHER}。" in lines
    # The decision it goes with, and the request for a reply by a concrete day.
    assert f"决定给予李建国同志党内严重警告处分（{party.document.number}）" in body
    assert (
        "请于收到本建议书之日起一个月内将采纳落实情况书面回复我委（办），"
        f"回复期限至{chinese_date(due)}。"
    ) in lines
    assert "报中共东坝镇委员会同意" in body
    assert lines[-2:] == ["中共东坝镇纪律检查委员会", chinese_date(TODAY)]
    assert AuditEvent.objects.filter(
        object_type="documents.document", object_id=str(document.pk), detail__contains="主送"
    ).exists()


def test_a_county_case_recommends_to_the_county_party_committee(cc):
    """A county cadre's 组织处理 is the 县委's: 赵书记 signs for the commission, then 杨县委书记;
    the 建议书 is numbered in the county's own series."""
    county = cc.county
    officer = county.users["supervision_officer"]
    case = make_case(
        county.users["sysadmin"],
        county.county,
        name="张局长",
        status=CaseStatus.REVIEWED,
        dept=county.supervision_dept,
        unit="清河县民政局",
        post="局长",
        is_village_cadre=False,
    )
    approval = decisions.propose_decision(
        case=case,
        actor=officer,
        outcomes=[Outcome.ORG_REMOVAL],
        probation_years=None,
        meeting=meeting(),
        recommend_to="中共清河县委组织部",
    )
    assert [s.role for s in approval.steps.order_by("order")] == [
        "county_leader",
        "party_secretary",
    ]
    approve_all(approval, county.users["county_leader"], cc.users["county_party"])
    document = recommendation(case)
    assert document.number == f"清河纪建议〔{TODAY.year}〕1号" and document.org == county.county
    body = document.body_text
    assert body.startswith("中共清河县委组织部：")
    assert "一、建议对张局长同志予以免职（免去其局长职务）。" in body.splitlines()
    assert "报中共清河县委员会同意" in body
    assert body.splitlines()[-2] == "中共清河县纪律检查委员会"


# -- the reply ------------------------------------------------------------------------------


def test_reply_rules_and_the_clock(cc):
    case = decided(cc)
    reply = decisions.record_recommendation_reply
    for replied_on, text, field, expected in [
        (None, REPLY, "replied_on", "请填写回复日期"),
        (TOMORROW, REPLY, "replied_on", "回复日期不能晚于今天"),
        (YESTERDAY, REPLY, "replied_on", f"回复日期不能早于{TODAY:%Y年%m月%d日}"),
        (TODAY, "已阅", "reply", "采纳落实情况至少4个字"),
        (TODAY, "", "reply", "请填写采纳落实情况"),
    ]:
        with pytest.raises(ValidationError) as info:
            reply(case=case, actor=cc.officer, replied_on=replied_on, reply=text)
        assert message(info, field) == expected, (replied_on, text)
    assert reply_clock(case).met_at is None
    with pytest.raises(PermissionDenied):
        reply(case=case, actor=cc.users["other_officer"], replied_on=TODAY, reply=REPLY)

    assert decisions.awaits_recommendation_reply(case)
    reply(case=case, actor=cc.officer, replied_on=TODAY, reply=f"  {REPLY}  ")
    case.refresh_from_db()
    assert (case.recommendation_replied_on, case.recommendation_reply) == (TODAY, REPLY)
    assert case.status == CaseStatus.DECIDED  # the step does not move the case
    assert reply_clock(case).met_at is not None
    assert not decisions.awaits_recommendation_reply(case)
    step = case.transitions.get(action=CaseAction.RECOMMENDATION_REPLY)
    assert step.actor == cc.officer and recommendation(case).number in step.note
    assert AuditEvent.objects.filter(
        object_type="cases.case", object_id=str(case.pk), detail__contains="登记建议书回复"
    ).exists()
    with pytest.raises(ValidationError) as info:
        reply(case=case, actor=cc.officer, replied_on=TODAY, reply=REPLY)
    assert message(info, "reply") == "纪检监察建议书的回复已经登记"


def test_reply_only_after_the_decision(cc):
    case = flow.review_done(cc, [Outcome.ORG_REMOVAL])
    with pytest.raises(ValidationError) as info:
        decisions.record_recommendation_reply(
            case=case, actor=cc.officer, replied_on=TODAY, reply=REPLY
        )
    assert message(info, "status") == "案件当前为“审理终结待决定”，不能登记建议书回复"


def test_closing_waits_for_the_reply(cc):
    case = decided(cc)
    decisions.record_announcement(case=case, actor=cc.officer, announced_on=TODAY)
    decisions.record_execution(case=case, actor=cc.officer, executed_on=TODAY, note="已免去其职务")
    with pytest.raises(ValidationError) as info:
        decisions.close_case(case=case, actor=cc.officer, summary="处理已执行完毕，予以结案。")
    assert message(info, "summary") == "纪检监察建议书尚未收到回复，不能结案"
    case.refresh_from_db()
    assert case.status == CaseStatus.EXECUTING and case.closed_on is None
    decisions.record_recommendation_reply(
        case=case, actor=cc.officer, replied_on=TODAY, reply=REPLY
    )
    decisions.close_case(case=case, actor=cc.officer, summary="处理已执行完毕，予以结案。")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    closing = Document.objects.get(case=case, kind=DocumentKind.CLOSING_REPORT).body_text
    assert f"纪检监察建议书回复：{chinese_date(TODAY)}收到书面回复，{REPLY}" in closing
    assert f"（依纪检监察建议书{recommendation(case).number}）" in closing


# -- pages ----------------------------------------------------------------------------------


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="qingfeng.accounts.backends.LockoutBackend")
    return client


def file_url(case: Case) -> str:
    return reverse("case_files:detail", args=[case.pk])


def step_url(name: str, case: Case) -> str:
    return reverse(f"case_files:{name}", args=[case.pk])


def prefixed(prefix: str, **data: Any) -> dict[str, Any]:
    return {f"{prefix}-{k}": v for k, v in data.items()}


def panel_keys(resp: Any) -> set[str]:
    return {p.key for p in resp.context["panels"]}


def test_decision_form_keeps_the_input_on_error(cc):
    case = flow.review_done(cc, [Outcome.ORG_REMOVAL])
    officer = client_of(cc.officer)
    page = officer.get(file_url(case)).content.decode()
    assert "纪检监察建议书主送单位" in page and "仅拟给予组织处理" in page
    data = {
        **prefixed("propose_decision", outcomes=[Outcome.ORG_REMOVAL], recommend_text=FURTHER),
        **prefixed(
            "propose_decision",
            meeting_kind="commission",
            meeting_held_on=YESTERDAY.isoformat(),
            meeting_participants="孙书记、何干事、吕干事",
            meeting_conclusion="经集体研究，同意",
        ),
    }
    resp = officer.post(step_url("propose_decision", case), data)
    assert resp.status_code == 400
    form = next(p.form for p in resp.context["panels"] if p.key == "propose_decision")
    assert form.errors["recommend_to"] == [REQUIRED]
    page = resp.content.decode()
    assert FURTHER in page and f'value="{Outcome.ORG_REMOVAL}" class="form-check-input"' in page
    assert not Approval.objects.filter(case=case, matter=Matter.SANCTION_DECISION).exists()

    data["propose_decision-recommend_to"] = TOWNSHIP_PARTY
    resp = officer.post(step_url("propose_decision", case), data)
    assert resp.status_code == 302
    approval = Approval.objects.get(case=case, matter=Matter.SANCTION_DECISION)
    assert approval.payload["recommend_to"] == TOWNSHIP_PARTY
    assert approval.payload["recommend_text"] == FURTHER


def test_case_file_shows_the_recommendation_and_takes_the_reply(cc):
    case = decided(cc)
    document = recommendation(case)
    officer = client_of(cc.officer)
    resp = officer.get(file_url(case))
    page = resp.content.decode()
    assert document.number in page and "关于对李建国同志予以组织处理的纪检监察建议书" in page
    assert "纪检监察建议1个月内回复" in page and "待回复" in page
    assert "recommendation_reply" in panel_keys(resp)
    assert step_url("recommendation_reply", case) in page

    # Refused: the input stays, next to its field.
    resp = officer.post(
        step_url("recommendation_reply", case),
        prefixed("recommendation_reply", replied_on=TOMORROW.isoformat(), reply="镇党委已研究"),
    )
    assert resp.status_code == 400
    form = next(p.form for p in resp.context["panels"] if p.key == "recommendation_reply")
    assert form.errors["replied_on"] == ["回复日期不能晚于今天"]
    assert "镇党委已研究" in resp.content.decode()

    decisions.record_announcement(case=case, actor=cc.officer, announced_on=TODAY)
    decisions.record_execution(case=case, actor=cc.officer, executed_on=TODAY, note="已免去其职务")
    with CaptureQueriesContext(connection) as awaiting:
        resp = officer.get(file_url(case))
    assert "close_case" not in panel_keys(resp)
    assert "纪检监察建议书尚未收到回复，登记回复后方可结案。" in resp.content.decode()

    resp = officer.post(
        step_url("recommendation_reply", case),
        prefixed("recommendation_reply", replied_on=TODAY.isoformat(), reply=REPLY),
    )
    assert resp.status_code == 302 and resp["Location"] == file_url(case)
    with CaptureQueriesContext(connection) as replied:
        resp = officer.get(file_url(case))
    page = resp.content.decode()
    assert REPLY in page and "待回复" not in page
    assert "recommendation_reply" not in panel_keys(resp) and "close_case" in panel_keys(resp)
    assert len(replied) == len(awaiting)


@pytest.mark.parametrize(
    ("persona", "reads"),
    [
        ("other_officer", False),
        ("county_party", False),
        ("petition_officer", False),
        ("county_leader", True),
        ("township_party", True),
    ],
)
def test_reply_page_out_of_scope_is_404(cc, persona, reads):
    case = decided(cc)
    client = client_of(cc.users[persona])
    assert client.get(file_url(case)).status_code == (200 if reads else 404)
    resp = client.post(
        step_url("recommendation_reply", case),
        prefixed("recommendation_reply", replied_on=TODAY.isoformat(), reply=REPLY),
    )
    assert resp.status_code == 404
    case.refresh_from_db()
    assert case.recommendation_replied_on is None and reply_clock(case).met_at is None


# -- API ------------------------------------------------------------------------------------


def api_post(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, content_type="application/json")


def meeting_in() -> dict[str, Any]:
    return {
        "kind": "commission",
        "held_on": YESTERDAY.isoformat(),
        "participants": "孙书记、何干事、陈委员",
        "conclusion": "经集体研究，同意所拟意见",
    }


def test_api_decision_and_reply(cc):
    case = flow.review_done(cc, TWO_MEASURES)
    officer = client_of(cc.officer)
    path = f"/api/cases/{case.pk}/decision"
    decision = {"outcomes": TWO_MEASURES, "meeting": meeting_in()}
    resp = api_post(officer, path, decision)
    assert resp.status_code == 400
    assert (resp.json()["detail"], resp.json()["field"]) == (REQUIRED, "recommend_to")
    decision |= {"recommend_to": TOWNSHIP_PARTY, "recommend_text": FURTHER}
    resp = api_post(officer, path, decision)
    assert resp.status_code == 201, resp.json()
    approve_all(Approval.objects.get(pk=resp.json()["id"]), *township_signers(cc))

    body = officer.get(f"/api/cases/{case.pk}").json()
    [document] = [d for d in body["documents"] if d["kind"] == DocumentKind.RECOMMENDATION]
    assert document["kind_display"] == "纪检监察建议书"
    org = [s for s in body["sanctions"] if s["kind"] == "organisational"]
    assert len(org) == 2 and {s["document"]["id"] for s in org} == {document["id"]}
    assert any(c["kind"] == CaseClockKind.RECOMMENDATION_REPLY for c in body["clocks"])
    assert body["recommendation_replied_on"] is None and body["recommendation_reply"] == ""

    reply_path = f"/api/cases/{case.pk}/recommendation-reply"
    resp = api_post(officer, reply_path, {"replied_on": TOMORROW.isoformat(), "reply": REPLY})
    assert resp.status_code == 400 and resp.json()["field"] == "replied_on"
    resp = api_post(officer, reply_path, {"replied_on": TODAY.isoformat(), "reply": "好"})
    assert resp.status_code == 400 and resp.json()["field"] == "reply"
    resp = api_post(officer, reply_path, {"replied_on": TODAY.isoformat(), "reply": REPLY})
    assert resp.status_code == 200, resp.json()
    body = resp.json()
    assert (body["recommendation_replied_on"], body["recommendation_reply"]) == (
        TODAY.isoformat(),
        REPLY,
    )
    clock = next(c for c in body["clocks"] if c["kind"] == CaseClockKind.RECOMMENDATION_REPLY)
    assert clock["met_at"] is not None
    resp = api_post(officer, reply_path, {"replied_on": TODAY.isoformat(), "reply": REPLY})
    assert resp.status_code == 400 and resp.json()["field"] == "reply"
    spec = officer.get("/api/openapi.json").json()
    assert "/api/cases/{case_id}/recommendation-reply" in spec["paths"]


@pytest.mark.parametrize(
    "persona",
    ["other_officer", "county_leader", "county_party", "township_party", "trial_head", "informant"],
)
def test_api_steps_out_of_scope_are_404(cc, persona):
    case = decided(cc)
    fresh = flow.review_done(cc, [Outcome.ORG_REMOVAL])
    client = client_of(cc.users[persona])
    decision = {
        "outcomes": [Outcome.ORG_REMOVAL],
        "meeting": meeting_in(),
        "recommend_to": TOWNSHIP_PARTY,
    }
    assert api_post(client, f"/api/cases/{fresh.pk}/decision", decision).status_code == 404
    reply = {"replied_on": TODAY.isoformat(), "reply": REPLY}
    resp = api_post(client, f"/api/cases/{case.pk}/recommendation-reply", reply)
    assert resp.status_code == 404
    assert api_post(client, "/api/cases/999999/recommendation-reply", reply).status_code == 404
    case.refresh_from_db()
    fresh.refresh_from_db()
    assert case.recommendation_replied_on is None and fresh.status == CaseStatus.REVIEWED
    assert not Approval.objects.filter(case=fresh, status=ApprovalStatus.PENDING).exists()
