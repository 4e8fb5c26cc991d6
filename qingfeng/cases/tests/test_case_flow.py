"""A township case from 立案 to 结案 through the services, and the rules of each step
(DOMAIN.md §4–§5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import ApprovalStatus, StepState
from qingfeng.cases import case_review, case_services, decisions
from qingfeng.cases.case_selectors import cases_visible_to
from qingfeng.cases.models import (
    Case,
    CaseClockKind,
    CaseStatus,
    LeadStatus,
    MeasureKind,
    MeasureStatus,
    ReviewStatus,
    SanctionStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.tests import case_flow as flow
from qingfeng.cases.tests.conftest import approve_all, meeting
from qingfeng.documents.models import DocumentKind
from qingfeng.workdays.clock import WorkCalendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def cc(county):
    return flow.case_county(county)


def _kinds(case) -> set[str]:
    return set(case.documents.values_list("kind", flat=True))


def test_filing_goes_to_the_secretary_then_the_township_party_head(cc):
    lead = flow.lead_proposed_for_case(cc)
    approval = flow.propose_filing(cc, lead)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.FILING
    assert [s.role for s in approval.steps.order_by("order")] == [
        "township_secretary",
        "party_secretary",
    ]
    approvals.sign(approval=approval, actor=cc.secretary, approve=True)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.FILING  # the Party committee head has not signed yet
    approvals.sign(approval=approval, actor=cc.users["township_party"], approve=True)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.FILED
    case = lead.case
    assert case.status == CaseStatus.INVESTIGATING
    assert case.filed_on == timezone.localdate()
    clock = case.clocks.get(kind=CaseClockKind.INVESTIGATION)
    assert clock.due_on == WorkCalendar().deadline_months(case.filed_on, 12).date
    assert {
        DocumentKind.CASE_FILING_REPORT,
        DocumentKind.CASE_DECISION,
        DocumentKind.CASE_NOTICE,
    } <= _kinds(case)


def test_joint_filing_of_a_township_goes_up_to_the_county_supervision_commission(cc):
    lead = flow.lead_proposed_for_case(cc)
    approval = flow.propose_filing(cc, lead, supervision_case=True)
    steps = list(approval.steps.order_by("order").select_related("org"))
    assert [s.role for s in steps] == ["township_secretary", "party_secretary", "county_leader"]
    assert steps[-1].org == cc.county.county


def test_filing_refuses_sides_the_person_does_not_have(cc):
    lead = flow.lead_proposed_for_case(cc)
    with pytest.raises(ValidationError) as e:
        flow.propose_filing(cc, lead, is_party_member=False)
    assert "party_case" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        flow.propose_filing(cc, lead, party_case=False, supervision_case=False)
    assert "party_case" in e.value.message_dict
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CASE_PROPOSED


def test_rejected_filing_returns_the_lead(cc):
    lead = flow.lead_proposed_for_case(cc)
    approval = flow.propose_filing(cc, lead)
    approvals.sign(approval=approval, actor=cc.secretary, approve=False, comment="证据不足")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CASE_PROPOSED
    assert not Case.objects.filter(lead=lead).exists()


def test_township_measures_are_limited_and_never_detention(cc):
    case = flow.with_team(cc, flow.filed_case(cc))
    for kind in (MeasureKind.DETENTION, MeasureKind.FREEZE, MeasureKind.TECHNICAL):
        with pytest.raises(ValidationError) as e:
            case_services.request_measure(
                case=case,
                actor=cc.officer,
                kind=kind,
                target="李建国",
                reason="防止转移财产",
                starts_on=timezone.localdate(),
            )
        assert "乡镇纪委不能采取" in e.value.message_dict["kind"][0]
    approval = case_services.request_measure(
        case=case,
        actor=cc.officer,
        kind=MeasureKind.COLLECT,
        target="李庄村2025年低保评定档案",
        reason="核实低保评定经过",
        starts_on=timezone.localdate(),
    )
    approve_all(approval, cc.secretary)
    assert case.measures.get().status == MeasureStatus.APPROVED


def test_an_approval_is_void_after_the_case_changes(cc):
    case = flow.with_team(cc, flow.filed_case(cc))
    approval = case_services.request_measure(
        case=case,
        actor=cc.officer,
        kind=MeasureKind.TALK,
        target="李建国",
        reason="听取本人说明",
        starts_on=timezone.localdate(),
    )
    # Someone edits the record behind the approval's back: the signature is refused.
    type(case).objects.filter(pk=case.pk).update(summary="改写后的立案依据，内容已不同")
    with pytest.raises(approvals.ApprovalVoid):
        approvals.sign(approval=approval, actor=cc.secretary, approve=True)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.VOID
    assert case.measures.get().status == MeasureStatus.REJECTED


def test_changing_the_team_voids_pending_approvals(cc):
    case = flow.with_team(cc, flow.filed_case(cc))
    approval = case_services.request_extension(
        case=case, actor=cc.officer, months=3, reason="需赴外地调取证据"
    )
    case_services.set_team(case=case, actor=cc.officer, leader=cc.officer, team=[cc.secretary])
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.VOID


def test_extension_once_up_to_six_months_approved_by_the_upper_level(cc):
    case = flow.with_team(cc, flow.filed_case(cc))
    with pytest.raises(ValidationError):
        case_services.request_extension(case=case, actor=cc.officer, months=7, reason="理由充分")
    approval = case_services.request_extension(
        case=case, actor=cc.officer, months=6, reason="需赴外地调取证据"
    )
    last = approval.steps.order_by("-order").first()
    assert last is not None and last.org == cc.county.county
    approve_all(approval, cc.secretary, cc.users["county_leader"])
    case.refresh_from_db()
    assert case.extended_months == 6
    clock = case.clocks.get(kind=CaseClockKind.INVESTIGATION)
    assert clock.due_on == WorkCalendar().deadline_months(case.filed_on, 18).date
    with pytest.raises(ValidationError) as e:
        case_services.request_extension(case=case, actor=cc.officer, months=1, reason="再次延长")
    assert "只能延长一次" in e.value.message_dict["months"][0]


def test_report_by_a_team_member_goes_to_the_county_trial_room(cc):
    case = flow.with_team(cc, flow.filed_case(cc))
    with pytest.raises(PermissionDenied):
        case_services.submit_investigation_report(
            case=case,
            actor=cc.secretary,
            report_text="组外人员提交的审查调查报告内容",
            proposed_outcomes=[Outcome.PARTY_WARNING],
        )
    approve_all(flow.report(cc, case), cc.secretary)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert case.review_org is not None and case.review_org.function == "trial"
    assert case.clocks.get(kind=CaseClockKind.INVESTIGATION).met_at is not None
    assert case.clocks.get(kind=CaseClockKind.REVIEW).org == case.review_org
    assert {DocumentKind.INVESTIGATION_REPORT, DocumentKind.REVIEW_REGISTER} <= _kinds(case)
    # The county reviewers now see the case; the other township still does not.
    assert cases_visible_to(cc.users["trial_a"]).filter(pk=case.pk).exists()
    assert not cases_visible_to(cc.users["other_officer"]).filter(pk=case.pk).exists()


def test_without_county_review_the_township_reviews_its_own_case(county):
    cc = flow.case_county(county, county_review=False)
    case = flow.with_team(cc, flow.filed_case(cc))
    approve_all(flow.report(cc, case), cc.secretary)
    case.refresh_from_db()
    assert case.review_org == county.township_a


def test_reviewers_are_two_outside_the_investigation_team(cc):
    _case, review = flow.in_review(cc)
    head = cc.users["trial_head"]
    with pytest.raises(ValidationError):
        case_review.assign_reviewers(review=review, actor=head, reviewers=[cc.users["trial_a"]])
    with pytest.raises(ValidationError) as e:
        case_review.assign_reviewers(
            review=review, actor=head, reviewers=[cc.users["trial_a"], cc.officer]
        )
    assert "reviewers" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        case_review.assign_reviewers(
            review=review,
            actor=cc.users["other_officer"],
            reviewers=[cc.users["trial_a"], cc.users["trial_b"]],
        )


def test_return_for_more_evidence_opens_a_new_round(cc):
    case, review = flow.in_review(cc)
    case_review.assign_reviewers(
        review=review,
        actor=cc.users["trial_head"],
        reviewers=[cc.users["trial_a"], cc.users["trial_b"]],
    )
    case_review.return_for_evidence(
        review=review, actor=cc.users["trial_a"], reason="缺少低保户的询问笔录"
    )
    case.refresh_from_db()
    review.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING
    assert review.status == ReviewStatus.RETURNED
    approve_all(flow.report(cc, case), cc.secretary)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert case.reviews.count() == 2


def test_review_report_needs_the_talk(cc):
    _case, review = flow.in_review(cc)
    reviewer = cc.users["trial_a"]
    case_review.assign_reviewers(
        review=review, actor=cc.users["trial_head"], reviewers=[reviewer, cc.users["trial_b"]]
    )
    with pytest.raises(ValidationError) as e:
        case_review.submit_review_report(
            review=review,
            actor=reviewer,
            report_text="审理报告正文，事实清楚证据确凿",
            proposed_outcomes=[Outcome.PARTY_WARNING],
            meeting=meeting(),
        )
    assert "talk_record" in e.value.message_dict


def test_serious_warning_decided_by_the_township_announced_executed_closed(cc):
    case = flow.review_done(cc)
    assert case.status == CaseStatus.REVIEWED
    approval = flow.decide(cc, case, [Outcome.PARTY_SERIOUS_WARNING])
    assert [s.role for s in approval.steps.all()] == ["township_secretary"]
    approve_all(approval, cc.secretary)
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    sanction = case.sanctions.get(status=SanctionStatus.DECIDED)
    today = timezone.localdate()
    assert sanction.decided_on == today
    from qingfeng.cases.sanctions import effect_period

    assert sanction.effect_ends_on == effect_period(Outcome.PARTY_SERIOUS_WARNING, today).ends_on
    assert sanction.document is not None
    assert sanction.document.kind == DocumentKind.PARTY_SANCTION_DECISION
    calendar = WorkCalendar()
    clocks = {c.kind: c.due_on for c in case.clocks.filter(met_at=None)}
    assert clocks[CaseClockKind.ANNOUNCE] == calendar.deadline_months(today, 1).date
    assert clocks[CaseClockKind.EXECUTION_REPORT] == calendar.deadline_months(today, 6).date
    assert CaseClockKind.POST_AND_PAY not in clocks

    decisions.record_announcement(case=case, actor=cc.officer, announced_on=today)
    with pytest.raises(ValidationError):
        decisions.close_case(case=case, actor=cc.officer, summary="本案已办结，处分已宣布。")
    decisions.record_execution(
        case=case, actor=cc.officer, executed_on=today, note="处分决定已装入本人档案"
    )
    decisions.close_case(case=case, actor=cc.officer, summary="本案已办结，处分已宣布并执行。")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert not case.clocks.filter(met_at=None).exists()
    assert DocumentKind.CLOSING_REPORT in _kinds(case)


def test_township_secretary_cannot_approve_probation(cc):
    case = flow.review_done(cc, [Outcome.PARTY_PROBATION])
    approval = flow.decide(cc, case, [Outcome.PARTY_PROBATION], years=1)
    approvals.sign(approval=approval, actor=cc.secretary, approve=True)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING
    waiting = approval.steps.get(state=StepState.WAITING)
    assert (waiting.role, waiting.org) == ("party_secretary", cc.county.township_a)
    case.refresh_from_db()
    assert case.status == CaseStatus.DECISION_PENDING
    approvals.sign(approval=approval, actor=cc.users["township_party"], approve=True)
    sanction = case.sanctions.get(status=SanctionStatus.DECIDED)
    assert sanction.authority == "township_party_committee"
    assert sanction.probation_years == 1


def test_dismissal_is_refused_for_a_village_cadre(cc):
    case = flow.review_done(cc)
    with pytest.raises(ValidationError) as e:
        flow.decide(cc, case, [Outcome.GOV_DISMISSAL])
    assert "村（社区）干部" in e.value.message_dict["outcomes"][0]


def test_village_cadre_cannot_be_demoted(cc):
    case = flow.review_done(cc)
    with pytest.raises(ValidationError) as e:
        flow.decide(cc, case, [Outcome.GOV_DEMOTION])
    assert "降级" in e.value.message_dict["outcomes"][0]
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWED


def test_gov_sanction_and_party_sanction_together_go_to_the_county(cc):
    case = flow.review_done(cc, [Outcome.PARTY_WARNING, Outcome.GOV_DEMERIT])
    approval = flow.decide(cc, case, [Outcome.PARTY_WARNING, Outcome.GOV_DEMERIT])
    steps = list(approval.steps.order_by("order").select_related("org"))
    assert [(s.role, s.org) for s in steps] == [
        ("township_secretary", cc.county.township_a),
        ("county_leader", cc.county.county),
    ]
    approve_all(approval, cc.secretary, cc.users["county_leader"])
    kinds = set(case.sanctions.values_list("document__kind", flat=True))
    assert kinds == {DocumentKind.PARTY_SANCTION_DECISION, DocumentKind.GOV_SANCTION_DECISION}


def test_rejected_decision_returns_to_reviewed_and_voids_the_sanctions(cc):
    case = flow.review_done(cc)
    approval = flow.decide(cc, case, [Outcome.PARTY_WARNING])
    approvals.sign(approval=approval, actor=cc.secretary, approve=False, comment="处分偏轻")
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWED
    assert case.sanctions.get().status == SanctionStatus.VOID


def test_only_the_head_of_the_review_body_names_the_reviewers(cc):
    _case, review = flow.in_review(cc)
    with pytest.raises(PermissionDenied):
        case_review.assign_reviewers(
            review=review,
            actor=cc.users["trial_a"],
            reviewers=[cc.users["trial_a"], cc.users["trial_b"]],
        )


def test_a_gov_sanction_needs_the_supervision_side(cc):
    case = flow.review_done(cc)  # filed on the Party side only
    with pytest.raises(ValidationError) as e:
        flow.decide(cc, case, [Outcome.GOV_WARNING])
    assert "未经监察立案调查" in e.value.message_dict["outcomes"][0]
