"""Builders for case tests that go through the real services: a county with a 审理室 and
Party committee heads, a lead proposed for 立案, a filed case, a case in review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.approvals.models import Approval
from qingfeng.cases import case_review, case_services, decisions, handling
from qingfeng.cases.models import BodySettings, Case, CaseReview, Lead, Way
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.tests.conftest import approve_all, make_lead, meeting, propose
from qingfeng.core.testing import SmallCounty, make_org, make_user

__all__ = ["make_user", "meeting"]
from qingfeng.orgs.models import DepartmentFunction, OrgKind


@dataclass
class CaseCounty:
    county: SmallCounty
    users: dict[str, User]

    @property
    def secretary(self) -> User:
        return self.users["township_secretary"]

    @property
    def officer(self) -> User:
        return self.users["township_officer"]


def case_county(county: SmallCounty, *, county_review: bool = True) -> CaseCounty:
    """The small county plus a 案件审理室 (head and two reviewers), the Party committee heads
    of 东坝镇 and of the county, and 乡案县审 on (unless ``county_review`` is False)."""
    trial = make_org(
        "案件审理室", "C01-SL", OrgKind.DEPARTMENT, county.county, function=DepartmentFunction.TRIAL
    )
    users = dict(county.users)
    users["trial_head"] = make_user("sls_zhuren", "卫主任", trial, "dept_head", subtree=False)
    users["trial_a"] = make_user("sls_a", "蒋审理", trial, "trial_officer", subtree=False)
    users["trial_b"] = make_user("sls_b", "沈审理", trial, "trial_officer", subtree=False)
    users["township_party"] = make_user(
        "dongba_dw", "韩镇委书记", county.township_a, "party_secretary", subtree=False
    )
    users["county_party"] = make_user(
        "xianwei", "杨县委书记", county.county, "party_secretary", subtree=False
    )
    users["township_officer_2"] = make_user(
        "dongba_gs2", "吕干事", county.township_a, "township_officer"
    )
    BodySettings.objects.update_or_create(
        org=county.county, defaults={"reviews_township_cases": county_review}
    )
    return CaseCounty(county, users)


def lead_proposed_for_case(cc: CaseCounty) -> Lead:
    """A 东坝镇 lead whose 初步核实 report proposing 立案 was approved."""
    lead = make_lead(cc.officer, cc.county.township_a, person_id=cc.county.person_a.pk)
    approve_all(propose(lead, cc.officer, Way.VERIFICATION), cc.secretary)
    verification = handling.start_verification(
        lead=lead,
        actor=cc.officer,
        leader=cc.officer,
        team=[cc.users["township_officer_2"]],
        plan="调取低保评定档案，询问相关村民",
        started_on=timezone.localdate(),
    )
    approval = handling.submit_verification_report(
        verification=verification,
        actor=cc.officer,
        report_text="经初步核实，李建国在低保评定中为其亲属违规办理低保的问题属实。",
        outcome=Outcome.PROPOSE_CASE,
    )
    approve_all(approval, cc.secretary)
    lead.refresh_from_db()
    return lead


def propose_filing(cc: CaseCounty, lead: Lead, **flags: bool) -> Approval:
    values: dict[str, Any] = {
        "party_case": True,
        "supervision_case": False,
        "complex_case": False,
        "is_party_member": True,
        "is_supervised": True,
        "is_village_cadre": True,
    }
    values.update(flags)
    return case_services.propose_filing(
        lead=lead,
        actor=cc.officer,
        summary="李建国涉嫌在低保评定中优亲厚友，违反群众纪律，需要追究党纪责任。",
        meeting=meeting("经纪委会集体研究，同意立案审查"),
        **values,
    )


def filed_case(cc: CaseCounty, **flags: bool) -> Case:
    lead = lead_proposed_for_case(cc)
    signers = [cc.secretary, cc.users["township_party"]]
    if flags.get("supervision_case"):
        signers.append(cc.users["county_leader"])  # the 监察 side: the county 监委
    approve_all(propose_filing(cc, lead, **flags), *signers)
    return Case.objects.get(lead=lead)


def with_team(cc: CaseCounty, case: Case) -> Case:
    return case_services.set_team(
        case=case, actor=cc.officer, leader=cc.officer, team=[cc.users["township_officer_2"]]
    )


def report(cc: CaseCounty, case: Case, outcomes: list[str] | None = None) -> Approval:
    return case_services.submit_investigation_report(
        case=case,
        actor=cc.officer,
        report_text="经审查，李建国违规为亲属办理低保2户，涉及金额2.4万元，已全部退缴。",
        proposed_outcomes=outcomes or [Outcome.PARTY_SERIOUS_WARNING],
    )


def in_review(
    cc: CaseCounty, outcomes: list[str] | None = None, **flags: bool
) -> tuple[Case, CaseReview]:
    """A filed 东坝镇 case whose investigation report was approved (now in 审理)."""
    case = with_team(cc, filed_case(cc, **flags))
    approve_all(report(cc, case, outcomes), cc.secretary)
    case.refresh_from_db()
    return case, case.reviews.get(round=case.reviews.count())


def review_done(cc: CaseCounty, outcomes: list[str] | None = None, **flags: bool) -> Case:
    """A case whose 审理报告 (by the county 审理室, 乡案县审) was approved. A 政务处分 among
    ``outcomes`` files the case on the 监察 side too."""
    outcomes = outcomes or [Outcome.PARTY_SERIOUS_WARNING]
    if any(o.startswith("gov_") for o in outcomes):
        flags.setdefault("supervision_case", True)
    case, review = in_review(cc, outcomes, **flags)
    reviewer = cc.users["trial_a"]
    case_review.assign_reviewers(
        review=review, actor=cc.users["trial_head"], reviewers=[reviewer, cc.users["trial_b"]]
    )
    case_review.record_review_talk(
        review=review,
        actor=reviewer,
        talk_on=timezone.localdate(),
        talk_record="审理人员与李建国谈话，其对违纪事实无异议，认错态度较好。",
    )
    approval = case_review.submit_review_report(
        review=review,
        actor=reviewer,
        report_text="经审理，李建国违反群众纪律事实清楚、证据确凿，建议给予党内严重警告处分。",
        proposed_outcomes=outcomes,
        meeting=meeting("审理室集体审议，同意审理意见"),
    )
    approve_all(approval, cc.users["trial_head"], cc.users["county_leader"])
    case.refresh_from_db()
    return case


def decide(cc: CaseCounty, case: Case, outcomes: list[str], years: int | None = None) -> Approval:
    return decisions.propose_decision(
        case=case,
        actor=cc.officer,
        outcomes=outcomes,
        probation_years=years,
        meeting=meeting("纪委会集体研究，同意审理意见"),
    )


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)
