"""Leads API: list, detail, registration, correction, 处置呈批, 谈话函询 and 初步核实 — every
endpoint by every persona, in and out of scope, and the main paths end to end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qingfeng.accounts.tokens import token_issue
from qingfeng.approvals.models import Approval, ApprovalStatus, Meeting
from qingfeng.cases import api as cases_api
from qingfeng.cases import services
from qingfeng.cases.models import (
    Enquiry,
    EnquiryStatus,
    Lead,
    LeadSource,
    LeadStatus,
    Verification,
)

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


def post(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, content_type="application/json")


def patch(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.patch(path, data, content_type="application/json")


def lead_body(county: Any, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "org_id": county.township_a.pk,
        "source": "inspection",
        "summary": "巡察发现李建国在低保评定中优亲厚友",
        "subject_name": "李建国",
        "subject_unit": "李庄村民委员会",
        "subject_post": "村党支部书记",
        "person_id": county.person_a.pk,
    }
    body.update(extra)
    return body


def disposal_body(way: str, **meeting: Any) -> dict[str, Any]:
    return {
        "way": way,
        "proposal": "经集体研究，建议按所拟方式处置",
        "meeting": {
            "kind": "commission",
            "held_on": YESTERDAY.isoformat(),
            "participants": "孙书记、何干事、陈委员",
            "conclusion": "同意按所拟方式处置",
            **meeting,
        },
    }


def make_lead(county: Any, persona: str = "township_officer", org: str = "township_a") -> Lead:
    dept = county.supervision_dept.pk if org == "county" else None
    return services.register_lead(
        actor=county.users[persona],
        org=getattr(county, org),
        data=services.LeadInput(
            source=LeadSource.SUPERVISION,
            summary="监督检查发现违规收受礼金",
            subject_name="王某某",
            handling_dept_id=dept,
        ),
    )


def sign(client: Client, approval_id: int, approve: bool = True, comment: str = "同意") -> Any:
    return post(
        client, f"/api/approvals/{approval_id}/sign", {"approve": approve, "comment": comment}
    )


def sign_ok(client: Client, approval_id: int) -> dict[str, Any]:
    resp = sign(client, approval_id)
    assert resp.status_code == 200, resp.json()
    return resp.json()


def lead_json(client: Client, lead_id: int) -> dict[str, Any]:
    resp = client.get(f"/api/leads/{lead_id}")
    assert resp.status_code == 200, resp.json()
    return resp.json()


def dispose(login: Any, lead_id: int, way: str) -> None:
    """处置呈批 by the township officer, signed by the secretary."""
    resp = post(login("township_officer"), f"/api/leads/{lead_id}/disposal", disposal_body(way))
    assert resp.status_code == 201, resp.json()
    sign_ok(login("township_secretary"), resp.json()["id"])


# -- register -------------------------------------------------------------------------------


def test_register_by_township_officer(login, county):
    resp = post(login("township_officer"), "/api/leads", lead_body(county))
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["status"] == LeadStatus.PENDING and body["number"].startswith("T01-XS-")
    assert body["person"] == {"id": county.person_a.pk, "name": "李建国"}
    assert body["org"] == {"id": county.township_a.pk, "name": "东坝镇纪委"}
    assert [t["action"] for t in body["timeline"]] == ["register"]
    assert body["timeline"][0]["label"] == "登记线索" and body["created_by"] == "何干事"
    lead = Lead.objects.get()
    assert (
        lead.subject_post == "村党支部书记" and lead.created_by == county.users["township_officer"]
    )


@pytest.mark.parametrize(
    ("persona", "org", "status"),
    [
        ("township_officer", "township_a", 201),
        ("township_secretary", "township_a", 201),
        ("other_officer", "township_b", 201),
        ("other_officer", "township_a", 400),
        ("dept_head", "county", 400),
        ("dept_head", "supervision_dept", 400),
        ("county_leader", "county", 404),
        ("petition_officer", "county", 404),
        ("informant", "township_a", 404),
    ],
)
def test_register_scope(login, county, persona, org, status):
    data = lead_body(county, org_id=getattr(county, org).pk, person_id=None)
    resp = post(login(persona), "/api/leads", data)
    assert resp.status_code == status, resp.json()
    if status == 400:
        assert resp.json()["field"] == "org_id"
    assert Lead.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"summary": "长" * (services.SUMMARY_MAX + 1)}, "summary"),
        ({"summary": "巡察发现\x00问题线索"}, "summary"),
        ({"subject_name": ""}, "subject_name"),
        ({"subject_name": "名" * 101}, "subject_name"),
        ({"subject_unit": "单" * 101}, "subject_unit"),
        ({"source": "fax"}, "source"),
        ({"source": "report"}, "source"),
        ({"person_id": 999_999}, "person_id"),
        ({"handling_dept_id": 999_999}, "handling_dept_id"),
    ],
)
def test_register_bad_input(login, county, extra, field):
    resp = post(login("township_officer"), "/api/leads", lead_body(county, **extra))
    assert resp.status_code == 400, resp.json()
    body = resp.json()
    assert body["field"] == field and body["detail"]
    assert not Lead.objects.exists()


def test_register_refuses_person_and_dept_out_of_scope(login, county):
    client = login("township_officer")
    resp = post(client, "/api/leads", lead_body(county, person_id=county.person_b.pk))
    assert resp.status_code == 400 and resp.json()["field"] == "person_id"
    data = lead_body(county, handling_dept_id=county.supervision_dept.pk)
    resp = post(client, "/api/leads", data)
    assert resp.status_code == 400 and resp.json()["field"] == "handling_dept_id"
    assert not Lead.objects.exists()


def test_anonymous_401(client, county):
    lead = make_lead(county)
    assert client.get("/api/leads").status_code == 401
    assert client.get(f"/api/leads/{lead.pk}").status_code == 401
    assert post(client, "/api/leads", lead_body(county)).status_code == 401
    assert post(client, f"/api/leads/{lead.pk}/disposal", disposal_body("close")).status_code == 401
    assert Lead.objects.count() == 1 and not Approval.objects.exists()


def test_bearer_token(county):
    _token, raw = token_issue(user=county.users["township_officer"], name="测试")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    resp = post(api, "/api/leads", lead_body(county))
    assert resp.status_code == 201, resp.json()
    listed = api.get("/api/leads").json()
    assert [r["id"] for r in listed["items"]] == [resp.json()["id"]]
    bad = Client(HTTP_AUTHORIZATION="Bearer qf_wrong")
    assert bad.get("/api/leads").status_code == 401


# -- list -----------------------------------------------------------------------------------


@pytest.fixture
def spread(county) -> dict[str, Lead]:
    """Two leads of 东坝镇, one of 西岭乡, one county lead handled by 第一监督检查室."""
    return {
        "a1": make_lead(county),
        "a2": make_lead(county, "township_secretary"),
        "b": make_lead(county, "other_officer", "township_b"),
        "c": make_lead(county, "sysadmin", "county"),
    }


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("sysadmin", {"a1", "a2", "b", "c"}),
        ("county_leader", {"a1", "a2", "b", "c"}),
        ("township_officer", {"a1", "a2"}),
        ("township_secretary", {"a1", "a2"}),
        ("other_officer", {"b"}),
        ("dept_head", {"c"}),
        ("petition_officer", set()),
        ("informant", set()),
    ],
)
def test_list_scope(login, spread, persona, visible):
    body = login(persona).get("/api/leads").json()
    assert {r["id"] for r in body["items"]} == {spread[k].pk for k in visible}
    assert body["total"] == len(visible) and body["has_more"] is False


def test_list_filters_and_paging(login, county, spread):
    leader = login("county_leader")
    a1 = spread["a1"]
    a1.status, a1.way, a1.source, a1.subject_name = "enquiry", "enquiry", "audit", "李建国"
    a1.save()

    def ids(query: str) -> set[int]:
        resp = leader.get(f"/api/leads?{query}")
        assert resp.status_code == 200, resp.json()
        return {r["id"] for r in resp.json()["items"]}

    assert ids("status=enquiry") == {a1.pk}
    assert ids("way=enquiry") == {a1.pk}
    assert ids("source=audit") == {a1.pk}
    assert ids("q=李建") == {a1.pk}
    assert ids(f"q={spread['b'].number}") == {spread["b"].pk}
    assert ids(f"org={county.township_a.pk}") == {a1.pk, spread["a2"].pk}
    assert ids(f"org={county.supervision_dept.pk}") == {spread["c"].pk}
    page = leader.get("/api/leads?limit=1&offset=1").json()
    assert len(page["items"]) == 1 and page["total"] == 4 and page["offset"] == 1
    assert page["items"][0]["id"] == spread["b"].pk  # newest first: c, b, a2, a1
    assert leader.get("/api/leads?limit=100000").json()["limit"] == cases_api.MAX_LIMIT
    for field in ("status", "way", "source"):
        resp = leader.get(f"/api/leads?{field}=bogus")
        assert resp.status_code == 400 and resp.json()["field"] == field
    # A body outside the caller's scope answers like a missing one.
    town = login("township_officer")
    assert town.get(f"/api/leads?org={county.township_b.pk}").status_code == 404
    assert town.get("/api/leads?org=999999").status_code == 404


def test_list_total_is_capped(login, spread, monkeypatch):
    monkeypatch.setattr(cases_api, "COUNT_CAP", 3)
    body = login("county_leader").get("/api/leads").json()
    assert body["total"] == 3 and body["has_more"] is True and len(body["items"]) == 4


def test_list_queries_do_not_grow_with_rows(login, county):
    client = login("county_leader")
    client.get("/api/leads")  # the first request of a session does its own bookkeeping
    make_lead(county)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/leads").json()["items"]) == 1
    for _ in range(5):
        make_lead(county, "sysadmin", "county")
    with CaptureQueriesContext(connection) as six:
        assert len(client.get("/api/leads").json()["items"]) == 6
    assert len(six) == len(one)


# -- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "town", "county_lead"),
    [
        ("sysadmin", 200, 200),
        ("county_leader", 200, 200),
        ("township_officer", 200, 404),
        ("township_secretary", 200, 404),
        ("other_officer", 404, 404),
        ("dept_head", 404, 200),
        ("petition_officer", 404, 404),
        ("informant", 404, 404),
    ],
)
def test_detail_scope(login, spread, persona, town, county_lead):
    client = login(persona)
    assert client.get(f"/api/leads/{spread['a1'].pk}").status_code == town
    assert client.get(f"/api/leads/{spread['c'].pk}").status_code == county_lead
    resp = client.get("/api/leads/999999")
    assert resp.status_code == 404 and resp.json() == {"detail": "未找到", "field": None}


def test_detail_lists_approvals_documents_and_timeline(login, county):
    lead = make_lead(county)  # registering issues the 问题线索受理登记表
    officer = login("township_officer")
    assert (
        post(officer, f"/api/leads/{lead.pk}/disposal", disposal_body("close")).status_code == 201
    )
    body = lead_json(login("county_leader"), lead.pk)
    assert body["status"] == LeadStatus.PROPOSED
    [approval] = body["approvals"]
    assert approval["matter"] == "lead_disposal" and approval["status"] == ApprovalStatus.PENDING
    assert approval["waiting_step"] == "纪委书记"
    assert [(d["kind"], d["number"]) for d in body["documents"]] == [
        ("lead_register", f"东坝纪线登〔{TODAY.year}〕1号")
    ]
    assert [t["action"] for t in body["timeline"]] == ["register", "propose"]
    assert body["clocks"] == [] and body["enquiries"] == [] and body["verifications"] == []


# -- correction -----------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent(login, county):
    lead = services.register_lead(
        actor=county.users["township_officer"],
        org=county.township_a,
        data=services.LeadInput(
            source="inspection",
            summary="巡察发现低保评定不公",
            subject_name="李建国",
            person_id=county.person_a.pk,
        ),
    )
    client = login("township_secretary")
    resp = patch(client, f"/api/leads/{lead.pk}", {"summary": "巡察发现低保评定优亲厚友"})
    assert resp.status_code == 200, resp.json()
    body = resp.json()
    assert (
        body["summary"] == "巡察发现低保评定优亲厚友" and body["person"]["id"] == county.person_a.pk
    )
    assert body["timeline"][-1]["action"] == "edit"
    resp = patch(client, f"/api/leads/{lead.pk}", {"person_id": None})
    assert resp.status_code == 200 and resp.json()["person"] is None
    for data, field in (({"subject_name": ""}, "subject_name"), ({"summary": "\x07坏"}, "summary")):
        resp = patch(client, f"/api/leads/{lead.pk}", data)
        assert resp.status_code == 400 and resp.json()["field"] == field
    lead.refresh_from_db()
    assert lead.subject_name == "李建国" and lead.summary == "巡察发现低保评定优亲厚友"


@pytest.mark.parametrize(
    "persona", ["county_leader", "other_officer", "dept_head", "petition_officer", "informant"]
)
def test_patch_and_disposal_refused(login, county, persona):
    lead = make_lead(county)
    client = login(persona)
    assert patch(client, f"/api/leads/{lead.pk}", {"subject_name": "张三"}).status_code == 404
    resp = post(client, f"/api/leads/{lead.pk}/disposal", disposal_body("close"))
    assert resp.status_code == 404
    lead.refresh_from_db()
    assert lead.subject_name == "王某某" and lead.status == LeadStatus.PENDING
    assert not Approval.objects.exists()


def test_patch_voids_a_pending_disposal(login, county):
    lead = make_lead(county)
    officer = login("township_officer")
    approval_id = post(officer, f"/api/leads/{lead.pk}/disposal", disposal_body("hold")).json()[
        "id"
    ]
    resp = patch(officer, f"/api/leads/{lead.pk}", {"summary": "监督检查发现违规收受礼金两万元"})
    assert resp.status_code == 200 and resp.json()["status"] == LeadStatus.PENDING
    assert resp.json()["approvals"][0]["status"] == ApprovalStatus.VOID
    resp = sign(login("township_secretary"), approval_id)
    assert resp.status_code == 400 and resp.json()["field"] == "approval"


# -- 处置呈批 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (disposal_body("transfer"), "way"),
        (disposal_body("close", kind="party"), "meeting.kind"),
        (
            disposal_body("close", held_on=(TODAY + dt.timedelta(days=1)).isoformat()),
            "meeting.held_on",
        ),
        (disposal_body("close", held_on=None), "meeting.held_on"),
        (disposal_body("close", participants=""), "meeting.participants"),
        (disposal_body("close", conclusion=" "), "meeting.conclusion"),
        ({**disposal_body("close"), "proposal": ""}, "proposal"),
    ],
)
def test_disposal_bad_input(login, county, body, field):
    lead = make_lead(county)
    resp = post(login("township_officer"), f"/api/leads/{lead.pk}/disposal", body)
    assert resp.status_code == 400, resp.json()
    assert resp.json()["field"] == field
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PENDING
    assert not Approval.objects.exists() and not Meeting.objects.exists()


def test_disposal_twice_and_county_lead_needs_a_department(login, county):
    lead = make_lead(county)
    officer = login("township_officer")
    assert (
        post(officer, f"/api/leads/{lead.pk}/disposal", disposal_body("close")).status_code == 201
    )
    resp = post(officer, f"/api/leads/{lead.pk}/disposal", disposal_body("close"))
    assert resp.status_code == 400 and resp.json()["field"] == "status"
    county_lead = services.register_lead(
        actor=county.users["sysadmin"],
        org=county.county,
        data=services.LeadInput(source="upper", summary="上级交办的问题线索", subject_name="赵某"),
    )
    resp = post(login("sysadmin"), f"/api/leads/{county_lead.pk}/disposal", disposal_body("close"))
    assert resp.status_code == 400 and resp.json()["field"] == "handling_dept"
    assert Approval.objects.count() == 1


# -- 初步核实 end to end --------------------------------------------------------------------


def test_township_verification_to_case_proposed(login, county):
    officer, secretary = login("township_officer"), login("township_secretary")
    lead_id = post(officer, "/api/leads", lead_body(county)).json()["id"]
    dispose(login, lead_id, "verification")
    assert lead_json(officer, lead_id)["status"] == LeadStatus.VERIFICATION
    resp = post(
        officer,
        f"/api/leads/{lead_id}/verification",
        {
            "leader_id": county.users["township_officer"].pk,
            "team_ids": [county.users["township_secretary"].pk],
            "plan": "调取低保评定档案，询问相关村民",
            "started_on": TODAY.isoformat(),
        },
    )
    assert resp.status_code == 201, resp.json()
    verification = resp.json()
    assert verification["leader"]["name"] == "何干事" and verification["months"] == 2
    assert [m["name"] for m in verification["team"]] == ["孙书记", "何干事"]
    resp = post(
        officer,
        f"/api/verifications/{verification['id']}/report",
        {"report_text": "经初步核实，反映的优亲厚友问题基本属实", "outcome": "propose_case"},
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["matter"] == "verification_report"
    sign_ok(secretary, resp.json()["id"])
    body = lead_json(officer, lead_id)
    assert body["status"] == LeadStatus.CASE_PROPOSED and body["outcome"] == "propose_case"
    assert body["outcome_display"] == "拟立案"
    assert body["verifications"][0]["status"] == "done"
    [clock] = body["clocks"]
    assert clock["kind"] == "verification" and clock["met_at"] is not None
    assert [a["status"] for a in body["approvals"]] == ["approved", "approved"]


def test_county_verification_signed_by_dept_head_and_leader(login, county):
    admin = login("sysadmin")
    data = lead_body(
        county,
        org_id=county.county.pk,
        source="supervision",
        person_id=None,
        handling_dept_id=county.supervision_dept.pk,
        subject_name="王县长",
    )
    lead_id = post(admin, "/api/leads", data).json()["id"]
    officer = login("supervision_officer")
    approval_id = post(
        officer, f"/api/leads/{lead_id}/disposal", disposal_body("verification")
    ).json()["id"]
    leader = login("county_leader")
    resp = sign(leader, approval_id)
    assert resp.status_code == 403 and resp.json()["field"] is None
    assert sign_ok(login("dept_head"), approval_id)["waiting_step"] == "分管委领导"
    assert sign_ok(leader, approval_id)["status"] == ApprovalStatus.APPROVED
    team = [county.users["dept_head"].pk]
    resp = post(
        officer,
        f"/api/leads/{lead_id}/verification",
        {
            "leader_id": county.users["supervision_officer"].pk,
            "team_ids": team,
            "plan": "调取礼金往来记录",
            "started_on": TODAY.isoformat(),
        },
    )
    assert resp.status_code == 201, resp.json()
    resp = post(
        officer,
        f"/api/verifications/{resp.json()['id']}/report",
        {"report_text": "经初步核实，收受礼金问题属实，建议立案", "outcome": "propose_case"},
    )
    report_id = resp.json()["id"]
    sign_ok(login("dept_head"), report_id)
    assert sign_ok(leader, report_id)["status"] == ApprovalStatus.APPROVED
    assert Lead.objects.get(pk=lead_id).status == LeadStatus.CASE_PROPOSED


def test_verification_bad_input(login, county):
    lead = make_lead(county)
    dispose(login, lead.pk, "verification")
    u = county.users
    good = {
        "leader_id": u["township_officer"].pk,
        "team_ids": [],
        "plan": "调取档案",
        "started_on": TODAY.isoformat(),
    }
    officer = login("township_officer")
    for extra, field in (
        ({"leader_id": None}, "leader_id"),
        ({"leader_id": u["other_officer"].pk}, "leader_id"),
        ({"leader_id": 999_999}, "leader_id"),
        ({"team_ids": [u["township_secretary"].pk, u["county_leader"].pk]}, "team_ids"),
        ({"team_ids": [u["township_secretary"].pk] * 21}, "team_ids"),
        ({"plan": ""}, "plan"),
        ({"plan": "调取\x1b档案"}, "plan"),
        ({"started_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "started_on"),
    ):
        resp = post(officer, f"/api/leads/{lead.pk}/verification", {**good, **extra})
        assert resp.status_code == 400, (extra, resp.json())
        assert resp.json()["field"] == field
        assert "周干事" not in resp.json()["detail"] and "赵书记" not in resp.json()["detail"]
    assert not Verification.objects.exists()


def test_verification_report_only_by_team_and_in_scope(login, county):
    lead = make_lead(county)
    dispose(login, lead.pk, "verification")
    officer = login("township_officer")
    resp = post(
        officer,
        f"/api/leads/{lead.pk}/verification",
        {
            "leader_id": county.users["township_officer"].pk,
            "plan": "调取档案",
            "started_on": TODAY.isoformat(),
        },
    )
    path = f"/api/verifications/{resp.json()['id']}/report"
    report = {"report_text": "经初步核实，反映问题不属实", "outcome": "closed"}
    resp = post(login("township_secretary"), path, report)
    assert resp.status_code == 403
    assert resp.json() == {"detail": "只有核查组成员可以提交初步核实情况报告", "field": None}
    for persona in ("county_leader", "other_officer", "dept_head", "informant"):
        assert post(login(persona), path, report).status_code == 404
    assert post(officer, "/api/verifications/999999/report", report).status_code == 404
    resp = post(officer, path, {**report, "outcome": "admonish"})
    assert resp.status_code == 400 and resp.json()["field"] == "outcome"
    resp = post(officer, path, {**report, "report_text": "太短"})
    assert resp.status_code == 400 and resp.json()["field"] == "report_text"
    assert Verification.objects.get().status == "ongoing"
    assert Approval.objects.filter(matter="verification_report").count() == 0


# -- 谈话函询 end to end --------------------------------------------------------------------


def _plan_approval(lead_id: int) -> int:
    return Approval.objects.filter(lead_id=lead_id).order_by("-id").values_list("pk", flat=True)[0]


def test_letter_enquiry_to_closed_with_outcome(login, county):
    officer, secretary = login("township_officer"), login("township_secretary")
    lead_id = post(officer, "/api/leads", lead_body(county)).json()["id"]
    dispose(login, lead_id, "enquiry")
    resp = post(
        officer,
        f"/api/leads/{lead_id}/enquiries",
        {"mode": "letter", "plan": "就低保评定问题向李建国函询"},
    )
    assert resp.status_code == 201, resp.json()
    enquiry = resp.json()
    assert enquiry["status"] == EnquiryStatus.PLAN_PENDING and enquiry["round"] == 1
    base = f"/api/enquiries/{enquiry['id']}"
    resp = post(officer, f"{base}/letter", {"letter_sent_on": TODAY.isoformat()})
    assert resp.status_code == 400 and resp.json()["field"] == "status"
    sign_ok(secretary, _plan_approval(lead_id))
    resp = post(
        officer,
        f"{base}/talk",
        {
            "talk_on": TODAY.isoformat(),
            "talkers": "何干事",
            "talk_record": "谈话笔录十个字以上的内容",
        },
    )
    assert resp.status_code == 400 and resp.json()["field"] == "mode"
    resp = post(officer, f"{base}/letter", {"letter_sent_on": TODAY.isoformat()})
    assert resp.status_code == 200 and resp.json()["status"] == EnquiryStatus.AWAITING_REPLY
    reply = {"reply_on": TODAY.isoformat(), "reply_text": "本人已如实说明低保评定情况"}
    resp = post(officer, f"{base}/reply", reply)
    assert resp.status_code == 400 and resp.json()["field"] == "countersigned"
    assert Enquiry.objects.get().status == EnquiryStatus.AWAITING_REPLY
    resp = post(officer, f"{base}/reply", {**reply, "countersigned": True})
    assert resp.status_code == 200 and resp.json()["status"] == EnquiryStatus.AWAITING_REPORT
    resp = post(
        officer,
        f"{base}/report",
        {"report_text": "经函询，本人说明基本属实，建议谈话提醒", "outcome": "talk_reminder"},
    )
    assert resp.status_code == 201 and resp.json()["matter"] == "enquiry_outcome"
    sign_ok(secretary, resp.json()["id"])
    body = lead_json(officer, lead_id)
    assert body["status"] == LeadStatus.CLOSED and body["outcome"] == "talk_reminder"
    assert body["closed_on"] == TODAY.isoformat() and body["outcome_display"] == "谈话提醒"
    [done] = body["enquiries"]
    assert done["status"] == EnquiryStatus.DONE and done["countersigned"] is True
    assert {c["kind"]: c["met_at"] is not None for c in body["clocks"]} == {
        "enquiry_reply": True,
        "enquiry_report": True,
    }
    assert "conclude_enquiry" in [t["action"] for t in body["timeline"]]


def test_talk_enquiry_and_bad_input(login, county):
    lead = make_lead(county)
    dispose(login, lead.pk, "enquiry")
    officer = login("township_officer")
    path = f"/api/leads/{lead.pk}/enquiries"
    for data, field in (
        ({"mode": "visit", "plan": "谈话方案"}, "mode"),
        ({"mode": "talk", "plan": ""}, "plan"),
        ({"mode": "talk", "plan": "方" * 20_001}, "plan"),
    ):
        resp = post(officer, path, data)
        assert resp.status_code == 400 and resp.json()["field"] == field
    assert not Enquiry.objects.exists()
    enquiry_id = post(officer, path, {"mode": "talk", "plan": "与李建国谈话了解情况"}).json()["id"]
    resp = post(officer, path, {"mode": "letter", "plan": "再次函询"})
    assert resp.status_code == 400 and resp.json()["field"] == "mode"
    sign_ok(login("township_secretary"), _plan_approval(lead.pk))
    talk = {
        "talk_on": TODAY.isoformat(),
        "talk_place": "东坝镇纪委谈话室",
        "talkers": "何干事、孙书记",
        "talk_record": "问：低保评定情况如何？答：按程序评定。",
    }
    base = f"/api/enquiries/{enquiry_id}"
    for extra, field in (
        ({"talk_on": (TODAY + dt.timedelta(days=2)).isoformat()}, "talk_on"),
        ({"talk_on": None}, "talk_on"),
        ({"talkers": ""}, "talkers"),
        ({"talk_record": "太短"}, "talk_record"),
    ):
        resp = post(officer, f"{base}/talk", {**talk, **extra})
        assert resp.status_code == 400 and resp.json()["field"] == field
    assert Enquiry.objects.get().status == EnquiryStatus.PLAN_APPROVED
    resp = post(officer, f"{base}/talk", talk)
    assert resp.status_code == 200, resp.json()
    assert resp.json()["status"] == EnquiryStatus.AWAITING_REPORT
    assert resp.json()["talk_place"] == "东坝镇纪委谈话室"


@pytest.mark.parametrize(
    "persona", ["county_leader", "other_officer", "dept_head", "petition_officer", "informant"]
)
def test_enquiry_endpoints_out_of_scope(login, county, persona):
    lead = make_lead(county)
    dispose(login, lead.pk, "enquiry")
    client = login(persona)
    resp = post(client, f"/api/leads/{lead.pk}/enquiries", {"mode": "talk", "plan": "谈话方案"})
    assert resp.status_code == 404
    enquiry_id = post(
        login("township_officer"),
        f"/api/leads/{lead.pk}/enquiries",
        {"mode": "letter", "plan": "就低保问题函询"},
    ).json()["id"]
    sign_ok(login("township_secretary"), _plan_approval(lead.pk))
    base = f"/api/enquiries/{enquiry_id}"
    assert post(client, f"{base}/letter", {"letter_sent_on": TODAY.isoformat()}).status_code == 404
    assert post(client, f"{base}/talk", {"talk_on": TODAY.isoformat()}).status_code == 404
    reply = {"reply_on": TODAY.isoformat(), "reply_text": "说明", "countersigned": True}
    assert post(client, f"{base}/reply", reply).status_code == 404
    assert (
        post(client, f"{base}/report", {"report_text": "报告", "outcome": "criticism"}).status_code
        == 404
    )
    assert post(client, f"/api/leads/{lead.pk}/verification", {"plan": "核实"}).status_code == 404
    assert Enquiry.objects.get().status == EnquiryStatus.PLAN_APPROVED
    assert post(login("township_officer"), "/api/enquiries/999999/letter", {}).status_code == 404


# -- OpenAPI --------------------------------------------------------------------------------


def test_openapi_documents_the_endpoints(login):
    resp = login("township_officer").get("/api/openapi.json")
    assert resp.status_code == 200
    spec = resp.json()
    for path in (
        "/api/leads",
        "/api/leads/{lead_id}",
        "/api/leads/{lead_id}/disposal",
        "/api/leads/{lead_id}/enquiries",
        "/api/leads/{lead_id}/verification",
        "/api/enquiries/{enquiry_id}/talk",
        "/api/enquiries/{enquiry_id}/letter",
        "/api/enquiries/{enquiry_id}/reply",
        "/api/enquiries/{enquiry_id}/report",
        "/api/verifications/{verification_id}/report",
    ):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/api/leads"]) == {"get", "post"}
    assert set(spec["paths"]["/api/leads/{lead_id}"]) == {"get", "patch"}
    assert "问题线索" in spec["paths"]["/api/leads"]["get"]["tags"]
