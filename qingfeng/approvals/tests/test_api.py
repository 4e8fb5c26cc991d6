"""Approvals API: 待我审批, one 呈批, signing, withdrawing and approval chains — by every
persona, with the approval voided when its record changed (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qingfeng.accounts.tokens import token_issue
from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus, ChainStep, StepState
from qingfeng.cases import services as cases
from qingfeng.cases.models import Lead, LeadSource, LeadStatus, Way
from qingfeng.core.testing import SmallCounty


def post(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(path, data or {}, content_type="application/json")


def put(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.put(path, data, content_type="application/json")


def sign(client: Client, approval: Approval, approve: bool = True, comment: str = "同意") -> Any:
    return post(
        client, f"/api/approvals/{approval.pk}/sign", {"approve": approve, "comment": comment}
    )


def meeting() -> approvals.MeetingInput:
    return approvals.MeetingInput(
        kind="commission",
        held_on=timezone.localdate() - dt.timedelta(days=1),
        participants="孙书记、何干事、陈委员",
        conclusion="经集体研究，同意按所拟方式处置",
    )


def propose(county: SmallCounty, *, at: str = "township", by: str = "") -> Approval:
    """A 处置呈批 of a fresh lead: at 东坝镇 (chain: 纪委书记) or at the county, handled by
    第一监督检查室 (chain: 室主任 → 分管委领导)."""
    u = county.users
    if at == "township":
        org, registrar, dept = county.township_a, u["township_officer"], None
        submitter = u[by or "township_officer"]
    else:
        org, registrar, dept = county.county, u["sysadmin"], county.supervision_dept.pk
        submitter = u[by or "supervision_officer"]
    lead = cases.register_lead(
        actor=registrar,
        org=org,
        data=cases.LeadInput(
            source=LeadSource.INSPECTION,
            summary="巡察发现违规发放补贴",
            subject_name="李建国",
            handling_dept_id=dept,
        ),
    )
    return cases.propose_disposal(
        lead=lead, actor=submitter, way=Way.ENQUIRY, proposal="建议谈话函询", meeting=meeting()
    )


@pytest.fixture
def town(county) -> Approval:
    return propose(county)


@pytest.fixture
def upper(county) -> Approval:
    return propose(county, at="county")


def waiting_ids(client: Client) -> list[int]:
    resp = client.get("/api/approvals/waiting")
    assert resp.status_code == 200, resp.json()
    return [item["approval"]["id"] for item in resp.json()["items"]]


# -- 待我审批 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("township_secretary", ["town"]),
        ("dept_head", ["upper"]),
        ("county_leader", []),
        ("township_officer", []),
        ("supervision_officer", []),
        ("other_officer", []),
        ("petition_officer", []),
        ("informant", []),
        ("sysadmin", []),
    ],
)
def test_waiting_by_persona(login, town, upper, persona, expected):
    records = {"town": town, "upper": upper}
    assert waiting_ids(login(persona)) == [records[k].pk for k in expected]


def test_waiting_moves_along_the_chain(login, county, upper):
    resp = login("dept_head").get("/api/approvals/waiting")
    [item] = resp.json()["items"]
    assert item["step_label"] == "承办部门主要负责人"
    assert item["step_org"]["id"] == county.supervision_dept.pk
    assert item["lead"]["subject_name"] == "李建国" and item["submitted_by"] == "陈干部"
    assert item["approval"]["waiting_step"] == "承办部门主要负责人"
    assert sign(login("dept_head"), upper).status_code == 200
    assert waiting_ids(login("dept_head")) == []
    leader = login("county_leader")
    assert waiting_ids(leader) == [upper.pk]
    assert leader.get("/api/approvals/waiting").json()["items"][0]["step_label"] == "分管委领导"


def test_waiting_paging_and_query_count(login, county):
    client = login("township_secretary")
    client.get("/api/approvals/waiting")  # the first request of a session does its own bookkeeping
    propose(county)
    with CaptureQueriesContext(connection) as one:
        assert len(waiting_ids(client)) == 1
    for _ in range(3):
        propose(county)
    with CaptureQueriesContext(connection) as four:
        assert len(waiting_ids(client)) == 4
    assert len(four) == len(one)
    page = client.get("/api/approvals/waiting?limit=2&offset=3").json()
    assert page["total"] == 4 and len(page["items"]) == 1 and page["limit"] == 2


def test_bearer_token_and_anonymous(client, county, town):
    _token, raw = token_issue(user=county.users["township_secretary"], name="测试")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert waiting_ids(api) == [town.pk]
    resp = sign(api, town)
    assert resp.status_code == 200 and resp.json()["status"] == ApprovalStatus.APPROVED
    for path in ("/api/approvals/waiting", f"/api/approvals/{town.pk}", "/api/approval-chains/1"):
        assert client.get(path).status_code == 401
    assert sign(client, town).status_code == 401


# -- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "town_status", "upper_status"),
    [
        ("township_secretary", 200, 404),
        ("township_officer", 200, 404),
        ("county_leader", 200, 200),
        ("dept_head", 404, 200),
        ("supervision_officer", 404, 200),
        ("other_officer", 404, 404),
        ("petition_officer", 404, 404),
        ("informant", 404, 404),
    ],
)
def test_detail_scope(login, town, upper, persona, town_status, upper_status):
    client = login(persona)
    assert client.get(f"/api/approvals/{town.pk}").status_code == town_status
    assert client.get(f"/api/approvals/{upper.pk}").status_code == upper_status
    assert client.get("/api/approvals/999999").status_code == 404


def test_detail_content(login, county, upper):
    body = login("dept_head").get(f"/api/approvals/{upper.pk}").json()
    assert body["number"] == upper.number and body["matter"] == "lead_disposal"
    assert body["payload"] == {"way": "enquiry", "from": "pending"}
    assert body["lead"]["id"] == upper.lead_id and body["org"]["id"] == county.county.pk
    assert body["meeting"]["kind"] == "commission" and body["meeting"]["participants"]
    assert [(s["label"], s["role"], s["state"]) for s in body["steps"]] == [
        ("承办部门主要负责人", "dept_head", StepState.WAITING),
        ("分管委领导", "county_leader", StepState.QUEUED),
    ]
    assert body["steps"][1]["role_display"] == "委领导"
    assert body["is_current"] is True and body["can_sign"] is True and body["can_withdraw"] is False
    leader = login("county_leader").get(f"/api/approvals/{upper.pk}").json()
    assert leader["can_sign"] is False
    mine = login("supervision_officer").get(f"/api/approvals/{upper.pk}").json()
    assert mine["can_sign"] is False and mine["can_withdraw"] is True


# -- signing --------------------------------------------------------------------------------


def test_sign_approves_and_moves_the_lead(login, town):
    resp = sign(login("township_secretary"), town, comment="同意谈话函询")
    assert resp.status_code == 200, resp.json()
    body = resp.json()
    assert body["status"] == ApprovalStatus.APPROVED and body["is_current"] is None
    assert body["steps"][0]["signer"] == "孙书记" and body["steps"][0]["comment"] == "同意谈话函询"
    assert Lead.objects.get(pk=town.lead_id).status == LeadStatus.ENQUIRY


def test_reject_needs_a_comment(login, town):
    secretary = login("township_secretary")
    for comment in ("", "意" * (approvals.COMMENT_MAX + 1)):
        resp = sign(secretary, town, approve=False, comment=comment)
        assert resp.status_code == 400 and resp.json()["field"] == "comment"
    town.refresh_from_db()
    assert town.status == ApprovalStatus.PENDING
    assert town.steps.get().state == StepState.WAITING
    resp = sign(secretary, town, approve=False, comment="事实不清，请补充")
    assert resp.status_code == 200 and resp.json()["status"] == ApprovalStatus.REJECTED
    assert Lead.objects.get(pk=town.lead_id).status == LeadStatus.PENDING


def test_sign_bad_body(login, town):
    resp = post(login("township_secretary"), f"/api/approvals/{town.pk}/sign", {"comment": "同意"})
    assert resp.status_code == 422 and resp.json()["field"] == "approve"
    town.refresh_from_db()
    assert town.status == ApprovalStatus.PENDING


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("township_officer", 403),  # the submitter
        ("county_leader", 403),  # sees it, does not sign a township chain
        ("other_officer", 404),
        ("dept_head", 404),
        ("petition_officer", 404),
        ("informant", 404),
    ],
)
def test_sign_refused(login, town, persona, status):
    resp = sign(login(persona), town)
    assert resp.status_code == status
    if status == 403:
        assert resp.json()["field"] is None and resp.json()["detail"]
    town.refresh_from_db()
    assert town.status == ApprovalStatus.PENDING and town.steps.get().signer is None


def test_submitter_never_signs_own_proposal(login, county):
    own = propose(county, by="township_secretary")
    resp = sign(login("township_secretary"), own)
    assert resp.status_code == 403 and "呈批人" in resp.json()["detail"]
    assert own.steps.get().state == StepState.WAITING


def test_second_signature_is_refused(login, town, upper):
    secretary = login("township_secretary")
    assert sign(secretary, town).status_code == 200
    resp = sign(secretary, town)
    assert resp.status_code == 400 and resp.json()["field"] == "approval"
    dept_head = login("dept_head")
    assert sign(dept_head, upper).status_code == 200
    resp = sign(dept_head, upper)
    assert resp.status_code == 403
    upper.refresh_from_db()
    assert upper.status == ApprovalStatus.PENDING
    assert [s.state for s in upper.steps.all()] == [StepState.APPROVED, StepState.WAITING]


def test_record_changed_voids_the_approval(login, town):
    # The lead changes behind the 呈批's back (not through update_lead, which voids at once).
    Lead.objects.filter(pk=town.lead_id).update(summary="巡察发现违规发放补贴三万元")
    secretary = login("township_secretary")
    body = secretary.get(f"/api/approvals/{town.pk}").json()
    assert body["is_current"] is False
    resp = sign(secretary, town)
    assert resp.status_code == 400
    assert resp.json()["field"] == "approval" and "失效" in resp.json()["detail"]
    town.refresh_from_db()
    assert town.status == ApprovalStatus.VOID and town.void_reason
    assert town.steps.get().state == StepState.CLOSED
    assert Lead.objects.get(pk=town.lead_id).status == LeadStatus.PENDING
    assert secretary.get(f"/api/approvals/{town.pk}").json()["status"] == ApprovalStatus.VOID


# -- withdraw -------------------------------------------------------------------------------


def test_withdraw(login, town):
    path = f"/api/approvals/{town.pk}/withdraw"
    resp = post(login("township_secretary"), path)
    assert resp.status_code == 403 and resp.json()["field"] is None
    for persona in ("other_officer", "dept_head", "informant"):
        assert post(login(persona), path).status_code == 404
    town.refresh_from_db()
    assert town.status == ApprovalStatus.PENDING
    officer = login("township_officer")
    resp = post(officer, path)
    assert resp.status_code == 200 and resp.json()["status"] == ApprovalStatus.WITHDRAWN
    assert Lead.objects.get(pk=town.lead_id).status == LeadStatus.PENDING
    resp = post(officer, path)
    assert resp.status_code == 400 and resp.json()["field"] == "approval"


# -- chains ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "org", "status"),
    [
        ("township_secretary", "township_a", 200),
        ("township_officer", "township_a", 200),
        ("township_secretary", "county", 404),
        ("other_officer", "township_a", 404),
        ("county_leader", "township_a", 200),
        ("county_leader", "county", 200),
        ("petition_officer", "county", 200),
        ("county_leader", "station_a1", 404),
        ("county_leader", "supervision_dept", 404),
        ("informant", "township_a", 404),
    ],
)
def test_get_chains_scope(login, county, persona, org, status):
    resp = login(persona).get(f"/api/approval-chains/{getattr(county, org).pk}")
    assert resp.status_code == status


def test_get_chains_defaults(login, county):
    body = login("county_leader").get(f"/api/approval-chains/{county.county.pk}").json()
    chains = {c["matter"]: c for c in body["chains"]}
    assert len(chains) == 14 and not any(c["configured"] for c in chains.values())
    assert [s["label"] for s in chains["lead_disposal"]["steps"]] == [
        "承办部门主要负责人",
        "分管委领导",
    ]
    assert chains["lead_disposal"]["steps"][0]["relation_display"] == "承办部门"
    assert {r["code"] for r in body["roles"]} == {
        "township_secretary",
        "dept_head",
        "county_leader",
        "party_secretary",
    }
    town = login("township_secretary").get(f"/api/approval-chains/{county.township_a.pk}").json()
    by_matter = {c["matter"]: [s["label"] for s in c["steps"]] for c in town["chains"]}
    lead_matters = [
        m for m in by_matter if not m.startswith(("case_", "investigation", "review", "appeal"))
    ]
    assert [by_matter[m] for m in lead_matters] == [["纪委书记"]] * 5
    # 立案 (Party side): the township 纪委书记, then the township Party committee's head.
    assert by_matter["case_filing_party"] == ["纪委书记", "同级党委主要负责人"]
    assert "case_detention" not in by_matter and "sanction_decision" not in by_matter


TWO_STEPS = {
    "steps": [
        {"role": "township_secretary", "relation": "self", "label": "纪委书记"},
        {"role": "county_leader", "relation": "parent", "label": "县纪委分管领导"},
    ]
}


def test_put_chain_then_approvals_follow_it(login, county):
    path = f"/api/approval-chains/{county.township_a.pk}/lead_disposal"
    leader = login("county_leader")
    resp = put(leader, path, TWO_STEPS)
    assert resp.status_code == 200, resp.json()
    assert resp.json()["configured"] is True
    assert [s["label"] for s in resp.json()["steps"]] == ["纪委书记", "县纪委分管领导"]
    approval = propose(county)
    assert sign(login("township_secretary"), approval).json()["waiting_step"] == "县纪委分管领导"
    assert waiting_ids(leader) == [approval.pk]
    assert sign(leader, approval).json()["status"] == ApprovalStatus.APPROVED
    # Back to the default: the steps already submitted are kept by their approval.
    resp = put(leader, path, {"steps": []})
    assert resp.status_code == 200 and resp.json()["configured"] is False
    assert not ChainStep.objects.exists()


@pytest.mark.parametrize(
    ("persona", "org", "status"),
    [
        ("township_secretary", "township_a", 403),
        ("township_officer", "township_a", 403),
        ("petition_officer", "county", 403),
        ("dept_head", "supervision_dept", 404),
        ("other_officer", "township_a", 404),
        ("township_secretary", "county", 404),
        ("informant", "township_a", 404),
    ],
)
def test_put_chain_refused(login, county, persona, org, status):
    resp = put(
        login(persona), f"/api/approval-chains/{getattr(county, org).pk}/lead_disposal", TWO_STEPS
    )
    assert resp.status_code == status
    if status == 403:
        assert resp.json()["field"] is None
    assert not ChainStep.objects.exists()


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([{"role": "informant", "relation": "self", "label": "信息员"}], "steps.0.role"),
        ([{"role": "dept_head", "relation": "dept", "label": "室主任"}], "steps.0.relation"),
        ([{"role": "dept_head", "relation": "nowhere", "label": "室主任"}], "steps.0.relation"),
        (
            [
                {"role": "township_secretary", "relation": "self", "label": "纪委书记"},
                {"role": "county_leader", "relation": "parent", "label": ""},
            ],
            "steps.1.label",
        ),
        ([{"role": "county_leader", "relation": "parent", "label": "领" * 41}], "steps.0.label"),
        ([{"role": "county_leader", "relation": "parent", "label": "领导"}] * 6, "steps"),
    ],
)
def test_put_chain_bad_input(login, county, steps, field):
    path = f"/api/approval-chains/{county.township_a.pk}/lead_disposal"
    resp = put(login("county_leader"), path, {"steps": steps})
    assert resp.status_code == 400, resp.json()
    assert resp.json()["field"] == field and resp.json()["detail"]
    assert not ChainStep.objects.exists()


def test_put_chain_unknown_matter(login, county):
    resp = put(
        login("county_leader"), f"/api/approval-chains/{county.county.pk}/payroll", TWO_STEPS
    )
    assert resp.status_code == 404
    assert not ChainStep.objects.exists()


# -- OpenAPI --------------------------------------------------------------------------------


def test_openapi_documents_the_endpoints(login):
    spec = login("county_leader").get("/api/openapi.json").json()
    for path, method in (
        ("/api/approvals/waiting", "get"),
        ("/api/approvals/{approval_id}", "get"),
        ("/api/approvals/{approval_id}/sign", "post"),
        ("/api/approvals/{approval_id}/withdraw", "post"),
        ("/api/approval-chains/{org_id}", "get"),
        ("/api/approval-chains/{org_id}/{matter}", "put"),
    ):
        assert method in spec["paths"][path], path
        assert "呈批审批" in spec["paths"][path][method]["tags"]
