"""Jurisdiction moves (DOMAIN.md §4): 交叉办理 hides the case from the home township and
shows it to the township of the other 协作区; 指定管辖 issues its 决定书; 提级办理 gives the
case to the county."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qingfeng.approvals.models import Approval, ApprovalStatus
from qingfeng.cases import case_services, jurisdiction
from qingfeng.cases.case_selectors import cases_visible_to, get_case_for_user
from qingfeng.cases.models import Case, CaseClockKind
from qingfeng.cases.tests import case_flow as flow
from qingfeng.cases.tests.conftest import approve_all
from qingfeng.core.testing import make_org
from qingfeng.documents.models import DocumentKind
from qingfeng.orgs.models import CollaborationZone, Org, OrgKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def cc(county):
    cc = flow.case_county(county)
    # 东坝镇 and 西岭乡 sit in two 协作区; 南湖镇 shares 东坝镇's.
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
    cc.users["nanhu"] = nanhu  # type: ignore[assignment]
    return cc


def _move(cc: flow.CaseCounty, case: Case, kind: str, target: Org | None) -> Approval:
    return jurisdiction.propose_move(
        case=case,
        actor=cc.users["supervision_officer_county"],
        kind=kind,
        target=target,
        reason="被审查人与本镇干部关系密切，需要回避",
    )


@pytest.fixture
def county_officer(cc):
    from qingfeng.core.testing import make_user

    user = make_user("ajs_gb", "褚干部", cc.county.county, "supervision_officer")
    cc.users["supervision_officer_county"] = user
    return user


def test_cross_handling_hides_the_case_from_home_and_shows_it_to_the_other_zone(cc, county_officer):
    case = flow.with_team(cc, flow.filed_case(cc))
    other = cc.users["other_officer"]  # 西岭乡, second 协作区
    assert cases_visible_to(cc.secretary).filter(pk=case.pk).exists()
    assert not cases_visible_to(other).filter(pk=case.pk).exists()
    approval = _move(cc, case, jurisdiction.MoveKind.CROSS, cc.county.township_b)
    assert [(s.role, s.org) for s in approval.steps.select_related("org")] == [
        ("county_leader", cc.county.county)
    ]
    approve_all(approval, cc.users["county_leader"])
    case.refresh_from_db()
    assert case.org == cc.county.township_b and case.home_org == cc.county.township_a
    # Home township: the case is gone (404), though its lead record stays.
    for user in (cc.secretary, cc.officer):
        assert not cases_visible_to(user).filter(pk=case.pk).exists()
        with pytest.raises(Exception) as e:
            get_case_for_user(user, case.pk)
        assert e.typename == "Http404"
    # The other township handles it, and sees only that case of 东坝镇.
    assert get_case_for_user(other, case.pk) == case
    assert list(cases_visible_to(other).filter(home_org=cc.county.township_a)) == [case]
    # The team of the home township is dissolved; clocks follow the case.
    assert case.leader is None and not case.team.exists()
    assert case.clocks.get(kind=CaseClockKind.INVESTIGATION).org == cc.county.township_b
    # The new body forms its team and carries on.
    helper = flow.make_user("xiling_gs2", "吴干事", cc.county.township_b, "township_officer")
    case_services.set_team(case=case, actor=other, leader=other, team=[helper])


def test_cross_handling_needs_a_township_of_another_zone(cc, county_officer):
    case = flow.filed_case(cc)
    with pytest.raises(ValidationError) as e:
        _move(cc, case, jurisdiction.MoveKind.CROSS, cc.users["nanhu"])
    assert "其他协作区" in e.value.message_dict["target"][0]


def test_a_township_cannot_move_its_own_case(cc, county_officer):
    case = flow.filed_case(cc)
    with pytest.raises(PermissionDenied):
        jurisdiction.propose_move(
            case=case,
            actor=cc.secretary,
            kind=jurisdiction.MoveKind.ESCALATE,
            target=None,
            reason="案情复杂，请求提级",
        )


def test_designation_issues_its_decision_and_voids_pending_approvals(cc, county_officer):
    case = flow.with_team(cc, flow.filed_case(cc))
    pending = case_services.request_extension(
        case=case, actor=cc.officer, months=2, reason="需要补充调查"
    )
    approve_all(
        _move(cc, case, jurisdiction.MoveKind.DESIGNATE, cc.users["nanhu"]),
        cc.users["county_leader"],
    )
    case.refresh_from_db()
    pending.refresh_from_db()
    assert case.org == cc.users["nanhu"]
    assert pending.status == ApprovalStatus.VOID
    assert case.documents.filter(kind=DocumentKind.JURISDICTION_DECISION).exists()


def test_escalation_gives_the_case_to_the_county(cc, county_officer):
    case = flow.filed_case(cc)
    approve_all(_move(cc, case, jurisdiction.MoveKind.ESCALATE, None), cc.users["county_leader"])
    case.refresh_from_db()
    assert case.org == cc.county.county
    assert not cases_visible_to(cc.secretary).filter(pk=case.pk).exists()
    assert cases_visible_to(cc.users["county_leader"]).filter(pk=case.pk).exists()
