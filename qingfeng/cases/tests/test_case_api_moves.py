"""管辖调整 through the API (DOMAIN.md §4): POST /api/cases/{id}/jurisdiction tried by each
persona in and out of scope, bad input answered 400 naming the field of the request body,
and 交叉办理 and 提级办理 from proposal to the case leaving the home township."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qingfeng.accounts.models import User
from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus, Matter
from qingfeng.cases.models import Case, CaseStatus
from qingfeng.cases.tests import case_flow as flow
from qingfeng.cases.tests.case_builders import make_case
from qingfeng.cases.tests.test_case_pages_moves import REASON, Zoned, as_user, zoned

pytestmark = pytest.mark.django_db


@pytest.fixture
def z(county) -> Zoned:
    return zoned(county)


@pytest.fixture
def case(z) -> Case:
    return flow.with_team(z.cc, flow.filed_case(z.cc))


def endpoint(case: Case) -> str:
    return f"/api/cases/{case.pk}/jurisdiction"


def post(client: Client, case: Case, data: dict[str, Any]) -> Any:
    return client.post(endpoint(case), data, content_type="application/json")


def move_in(kind: str = "cross", target: Any = None, reason: str = REASON) -> dict[str, Any]:
    return {"kind": kind, "target_org_id": getattr(target, "pk", target), "reason": reason}


def bad(resp: Any, field: str, words: str) -> None:
    """400 with the Chinese message ``words`` naming ``field`` of the request body."""
    assert resp.status_code == 400, resp.json()
    body = resp.json()
    assert body["field"] == field and words in body["detail"], body


def sign(approval_id: int, signer: User) -> None:
    approval = Approval.objects.get(pk=approval_id)
    approvals.sign(approval=approval, actor=signer, approve=True, comment="同意")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("township_secretary", 403),  # handles the case, may not move it
        ("township_officer", 403),
        ("county_leader", 404),  # reads without case.handle: signs the move instead
        ("township_party", 404),
        ("other_officer", 404),
        ("dept_head", 404),
        ("petition_officer", 404),
        ("trial_a", 404),
        ("informant", 404),
        ("auditor", 404),
    ],
)
def test_only_the_upper_body_proposes(z, case, persona, status):
    resp = post(as_user(z.user(persona)), case, move_in(target=z.cc.county.township_b))
    assert resp.status_code == status, resp.json()
    if status == 403:
        assert resp.json() == {"detail": "管辖调整由上级机关提出", "field": None}
    assert not Approval.objects.filter(case=case, matter=Matter.JURISDICTION_MOVE).exists()


def test_anonymous_and_missing(z, case):
    assert post(Client(), case, move_in(target=z.cc.county.township_b)).status_code == 401
    missing = Case(pk=case.pk + 1000)
    assert post(as_user(z.officer), missing, move_in(kind="escalate")).status_code == 404


def test_bad_input_names_the_field(z, case):
    client, county = as_user(z.officer), z.cc.county
    bad(post(client, case, {}), "kind", "请选择管辖调整方式")
    bad(post(client, case, move_in(kind="transfer")), "kind", "请选择管辖调整方式")
    bad(post(client, case, move_in(kind="escalate", reason="复杂")), "reason", "至少4个字")
    bad(post(client, case, move_in(kind="designate")), "target_org_id", "请选择承办机关")
    bad(post(client, case, move_in(target=10**9)), "target_org_id", "承办机关不存在")
    bad(post(client, case, move_in(target=county.township_a)), "target_org_id", "现在的办案机关")
    bad(post(client, case, move_in(target=county.station_b1)), "target_org_id", "所辖的乡镇")
    bad(post(client, case, move_in(target=z.nanhu)), "target_org_id", "其他协作区")
    assert not Approval.objects.filter(case=case, matter=Matter.JURISDICTION_MOVE).exists()
    # One move at a time.
    assert post(client, case, move_in(target=county.township_b)).status_code == 201
    bad(post(client, case, move_in(kind="escalate")), "kind", "正在审批")


def test_only_while_investigated(z):
    reviewed = make_case(z.cc.officer, z.cc.county.township_a, status=CaseStatus.IN_REVIEW)
    resp = post(as_user(z.officer), reviewed, move_in(kind="escalate"))
    bad(resp, "status", "不能管辖调整呈批")


def test_cross_handling_through_the_api(z, case):
    county = z.cc.county
    resp = post(as_user(z.officer), case, move_in(target=county.township_b))
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["matter"] == Matter.JURISDICTION_MOVE and body["status"] == ApprovalStatus.PENDING
    assert body["waiting_step"] == "上级机关主要负责人"
    assert "交叉办理（西岭乡纪委）" in body["title"]
    secretary = as_user(z.user("township_secretary"))
    assert secretary.get(f"/api/cases/{case.pk}").status_code == 200
    sign(body["id"], z.user("county_leader"))
    # 东坝镇 no longer reaches the case; 西岭乡 handles it.
    for persona in ("township_secretary", "township_officer"):
        client = as_user(z.user(persona))
        assert client.get(f"/api/cases/{case.pk}").status_code == 404, persona
        assert post(client, case, move_in(kind="escalate")).status_code == 404, persona
    resp = as_user(z.user("other_officer")).get(f"/api/cases/{case.pk}")
    assert resp.status_code == 200
    file = resp.json()
    assert file["org"]["name"] == "西岭乡纪委" and file["home_org"]["name"] == "东坝镇纪委"
    assert file["leader"] is None and file["team"] == []
    [moved] = [a for a in file["approvals"] if a["matter"] == Matter.JURISDICTION_MOVE]
    assert moved["status"] == ApprovalStatus.APPROVED


def test_escalation_through_the_api(z, case):
    county = z.cc.county
    # A target given with 提级办理 is not used: the case goes up to the county.
    resp = post(as_user(z.officer), case, move_in(kind="escalate", target=county.township_b))
    assert resp.status_code == 201, resp.json()
    assert "提级办理（清河县纪委监委）" in resp.json()["title"]
    sign(resp.json()["id"], z.user("county_leader"))
    case.refresh_from_db()
    assert case.org == county.county
    assert as_user(z.user("township_secretary")).get(f"/api/cases/{case.pk}").status_code == 404
    assert as_user(z.user("other_officer")).get(f"/api/cases/{case.pk}").status_code == 404
    assert as_user(z.officer).get(f"/api/cases/{case.pk}").status_code == 200
