"""管辖调整 through the pages (DOMAIN.md §4): the panel offered on the case file only to the
upper body's officers while the case is investigated, the townships listed with their 协作区,
bad input kept at its field, every persona refused out of scope, and 交叉办理 from proposal
to the case leaving the home township."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus, Matter
from qingfeng.cases.models import Case, CaseStatus
from qingfeng.cases.tests import case_flow as flow
from qingfeng.cases.tests.case_builders import make_case
from qingfeng.core.testing import make_org, make_user
from qingfeng.orgs.models import CollaborationZone, Org, OrgKind

pytestmark = pytest.mark.django_db

REASON = "被审查人与本镇干部关系密切，需要回避"


@dataclass
class Zoned:
    """The case county with two 协作区: 东坝镇 and 南湖镇 in the first, 西岭乡 in the second;
    and an officer of the county's 审查调查 side (``case.handle`` over the whole county)."""

    cc: flow.CaseCounty
    officer: User
    nanhu: Org

    def user(self, persona: str) -> User:
        return self.cc.users[persona]


def zoned(county: Any) -> Zoned:
    cc = flow.case_county(county)
    c = county.county
    nanhu = make_org("南湖镇纪委", "T03", OrgKind.TOWNSHIP, c, has_supervision_office=True)
    first = CollaborationZone.objects.create(
        name="第一协作区", county=c, lead_department=county.supervision_dept
    )
    second = CollaborationZone.objects.create(
        name="第二协作区", county=c, lead_department=county.supervision_dept
    )
    first.members.set([county.township_a, nanhu])
    second.members.set([county.township_b])
    officer = make_user("ajs_gb", "褚干部", c, "supervision_officer")
    cc.users["county_officer"] = officer
    return Zoned(cc, officer, nanhu)


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="qingfeng.accounts.backends.LockoutBackend")
    return client


def file_url(case: Case) -> str:
    return reverse("case_files:detail", args=[case.pk])


def move_url(case: Case) -> str:
    return reverse("case_files:propose_move", args=[case.pk])


def move_data(
    kind: str = "cross", target: Org | None = None, reason: str = REASON
) -> dict[str, Any]:
    return {
        "propose_move-kind": kind,
        "propose_move-target": target.pk if target else "",
        "propose_move-reason": reason,
    }


def actions(resp: Any) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', resp.content.decode()))


def panel(resp: Any) -> Any:
    return next(p for p in resp.context["panels"] if p.key == "propose_move")


@pytest.fixture
def z(county) -> Zoned:
    return zoned(county)


@pytest.fixture
def case(z) -> Case:
    return flow.with_team(z.cc, flow.filed_case(z.cc))


def test_the_panel_lists_the_other_townships_with_their_zones(z, case):
    resp = as_user(z.officer).get(file_url(case))
    assert resp.status_code == 200 and "propose_move" in actions(resp)
    p = panel(resp)
    labels = [str(label) for value, label in p.form.fields["target"].choices if value]
    assert labels == ["西岭乡纪委（第二协作区）", "南湖镇纪委（第一协作区，与原管辖机关同区）"]
    assert [str(k) for _, k in p.form.fields["kind"].choices[1:]] == [
        "提级办理",
        "指定管辖",
        "交叉办理",
    ]
    assert p.url == move_url(case)
    assert "原管辖机关：东坝镇纪委（第一协作区）。" in p.notes
    assert "西岭乡纪委（第二协作区）" in resp.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sysadmin", 200),  # case.handle over the county
        ("township_secretary", 200),  # handles the case, not above it
        ("township_officer", 200),
        ("county_leader", 200),  # reads, never handles: signs the move instead
        ("township_party", 200),
        ("other_officer", 404),
        ("dept_head", 404),
        ("petition_officer", 404),
        ("informant", 404),
        ("auditor", 404),
    ],
)
def test_the_panel_is_only_for_the_upper_body(z, case, persona, status):
    resp = as_user(z.user(persona)).get(file_url(case))
    assert resp.status_code == status
    if status == 200:
        assert ("propose_move" in actions(resp)) is (persona == "sysadmin")


def test_no_panel_once_the_case_left_investigation(z):
    for status in (CaseStatus.REPORT_PENDING, CaseStatus.IN_REVIEW, CaseStatus.CLOSED):
        moved = make_case(z.cc.officer, z.cc.county.township_a, status=status)
        resp = as_user(z.officer).get(file_url(moved))
        assert resp.status_code == 200 and "propose_move" not in actions(resp), status


def test_no_panel_for_a_county_case(z):
    own = make_case(z.officer, z.cc.county.county)
    resp = as_user(z.officer).get(file_url(own))
    assert resp.status_code == 200 and "propose_move" not in actions(resp)


def test_bad_input_stays_at_its_field(z, case):
    client, url = as_user(z.officer), move_url(case)
    resp = client.post(url, move_data(kind="", reason=""))
    assert resp.status_code == 400
    errors = panel(resp).form.errors
    assert errors["kind"] == ["请选择管辖调整方式"] and errors["reason"] == ["请填写理由"]
    # 南湖镇 shares 东坝镇's 协作区: the service's words at the target, the input kept.
    resp = client.post(url, move_data(target=z.nanhu))
    assert resp.status_code == 400
    assert "其他协作区" in panel(resp).form.errors["target"][0]
    page = resp.content.decode()
    assert REASON in page and "交叉办理须由其他协作区" in page
    resp = client.post(url, move_data(kind="designate"))
    assert panel(resp).form.errors["target"] == ["请选择承办机关"]
    # The case's own township is not in the list.
    resp = client.post(url, move_data(target=z.cc.county.township_a))
    assert panel(resp).form.errors["target"] == ["请从列表中选择"]
    resp = client.post(url, move_data(kind="escalate", reason="复杂"))
    assert panel(resp).form.errors["reason"] == ["理由至少4个字"]
    assert not Approval.objects.filter(case=case, matter=Matter.JURISDICTION_MOVE).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("township_secretary", 403),  # the home township may not move its own case
        ("township_officer", 403),
        ("county_leader", 404),  # no case.handle: the leader signs
        ("township_party", 404),
        ("other_officer", 404),
        ("dept_head", 404),
        ("petition_officer", 404),
        ("informant", 404),
        ("auditor", 404),
    ],
)
def test_proposing_is_refused_to_everyone_else(z, case, persona, status):
    resp = as_user(z.user(persona)).post(move_url(case), move_data(target=z.cc.county.township_b))
    assert resp.status_code == status
    assert not Approval.objects.filter(case=case, matter=Matter.JURISDICTION_MOVE).exists()


def test_anonymous_and_get(z, case):
    resp = Client().post(move_url(case), move_data(target=z.cc.county.township_b))
    assert resp.status_code == 302 and "/login" in resp["Location"]
    assert as_user(z.officer).get(move_url(case)).status_code == 405


def test_cross_handling_through_the_page(z, case):
    county = z.cc.county
    client = as_user(z.officer)
    resp = client.post(move_url(case), move_data(target=county.township_b), follow=True)
    assert resp.redirect_chain[-1][0] == file_url(case)
    assert "已提交管辖调整呈批" in resp.content.decode()
    # Pending: no second proposal offered; the handling body is told.
    assert "propose_move" not in actions(resp)
    secretary = as_user(z.user("township_secretary"))
    assert "管辖调整呈批正在审批中" in secretary.get(file_url(case)).content.decode()
    approval = Approval.objects.get(case=case, matter=Matter.JURISDICTION_MOVE)
    assert approval.status == ApprovalStatus.PENDING and "交叉办理（西岭乡纪委）" in approval.title
    # The county's head signs: the case goes to 西岭乡, out of 东坝镇's sight.
    approvals.sign(approval=approval, actor=z.user("county_leader"), approve=True, comment="同意")
    case.refresh_from_db()
    assert case.org == county.township_b and case.home_org == county.township_a
    for persona in ("township_secretary", "township_officer", "township_officer_2"):
        assert as_user(z.user(persona)).get(file_url(case)).status_code == 404, persona
    resp = as_user(z.user("other_officer")).get(file_url(case))
    assert resp.status_code == 200
    page = resp.content.decode()
    org = re.search(r'id="qf-case-org">([^<]*)<', page)
    home = re.search(r'id="qf-case-home">([^<]*)<', page)
    assert org and org.group(1) == "西岭乡纪委"
    assert home and home.group(1) == "东坝镇纪委"
    assert "set_team" in actions(resp)  # the new body forms its own team
    assert "交叉办理：东坝镇纪委 → 西岭乡纪委" in page  # the timeline
    # The county still reads it; the leader too, who has no step to take.
    assert client.get(file_url(case)).status_code == 200
    assert as_user(z.user("county_leader")).get(file_url(case)).status_code == 200
