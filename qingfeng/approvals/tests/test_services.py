"""Approval rules: chains per body, who may sign, separation of duties, and approvals that
bind the state they approved (DESIGN.md §3; DOMAIN.md §3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qingfeng.approvals import chains
from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import (
    Approval,
    ApprovalStatus,
    ChainStep,
    Matter,
    Relation,
    StepState,
)
from qingfeng.approvals.selectors import waiting_count, waiting_steps_for
from qingfeng.audit.models import AuditEvent
from qingfeng.cases import services
from qingfeng.cases.models import Lead, LeadStatus, Way
from qingfeng.cases.tests.conftest import approve_all, make_lead, propose
from qingfeng.core.testing import make_user

pytestmark = pytest.mark.django_db


def _steps(approval: Approval) -> list[tuple[str, str, str]]:
    return [(s.label, s.org.name, s.state) for s in approval.steps.select_related("org")]


def test_township_chain_is_its_secretary(county):
    u = county.users
    lead = make_lead(u["township_officer"], county.township_a)
    approval = propose(lead, u["township_officer"], Way.VERIFICATION)
    assert _steps(approval) == [("纪委书记", "东坝镇纪委", StepState.WAITING)]
    assert [s.approval_id for s in waiting_steps_for(u["township_secretary"])] == [approval.pk]
    # Nobody else is asked: not the other township, not the county, not the submitter.
    for persona in ("other_officer", "county_leader", "dept_head", "township_officer"):
        assert waiting_count(u[persona]) == 0, persona


def test_county_chain_runs_dept_head_then_leader_in_order(county):
    u = county.users
    lead = make_lead(u["supervision_officer"], county.county, dept=county.supervision_dept)
    approval = propose(lead, u["supervision_officer"], Way.ENQUIRY)
    assert [(s[0], s[1]) for s in _steps(approval)] == [
        ("承办部门主要负责人", "第一监督检查室"),
        ("分管委领导", "清河县纪委监委"),
    ]
    assert waiting_count(u["county_leader"]) == 0  # not before the 室主任
    with pytest.raises(PermissionDenied):
        approvals.sign(approval=approval, actor=u["county_leader"], approve=True)
    approvals.sign(approval=approval, actor=u["dept_head"], approve=True, comment="同意")
    assert waiting_count(u["county_leader"]) == 1
    approval = approvals.sign(approval=approval, actor=u["county_leader"], approve=True)
    assert approval.status == ApprovalStatus.APPROVED
    lead.refresh_from_db()
    assert lead.status == LeadStatus.ENQUIRY and lead.way == Way.ENQUIRY


def test_county_chain_needs_a_handling_department(county):
    """The county chain starts with the handling 室主任: no department, no proposal."""
    case_manager = make_user("anguan", "孙案管", county.county, "case_mgmt_officer")
    lead = make_lead(case_manager, county.county)
    with pytest.raises(ValidationError) as err:
        propose(lead, case_manager, Way.CLOSE)
    assert "handling_dept" in err.value.message_dict
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PENDING
    assert not Approval.objects.filter(lead=lead).exists()


def test_rejection_returns_the_lead_and_needs_a_comment(county):
    u = county.users
    lead = make_lead(u["township_officer"], county.township_a)
    approval = propose(lead, u["township_officer"], Way.CLOSE)
    with pytest.raises(ValidationError) as err:
        approvals.sign(approval=approval, actor=u["township_secretary"], approve=False)
    assert "comment" in err.value.message_dict
    approval = approvals.sign(
        approval=approval,
        actor=u["township_secretary"],
        approve=False,
        comment="证据不足，补充核查",
    )
    assert approval.status == ApprovalStatus.REJECTED
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PENDING
    assert list(lead.transitions.values_list("action", flat=True)) == [
        "register",
        "propose",
        "return",
    ]


def test_submitter_cannot_sign_own_proposal_and_no_one_signs_twice(county):
    u = county.users
    lead = make_lead(u["township_secretary"], county.township_a)
    approval = propose(lead, u["township_secretary"], Way.HOLD)
    with pytest.raises(PermissionDenied):
        approvals.sign(approval=approval, actor=u["township_secretary"], approve=True)
    assert approval.steps.get().state == StepState.WAITING


def test_other_township_cannot_sign(county):
    u = county.users
    lead = make_lead(u["township_officer"], county.township_a)
    approval = propose(lead, u["township_officer"], Way.HOLD)
    with pytest.raises(PermissionDenied):
        approvals.sign(approval=approval, actor=u["other_officer"], approve=True)


def test_approval_is_void_after_the_record_changes(county):
    """DESIGN.md §3: an approval binds the digest of what it approved."""
    u = county.users
    lead = make_lead(u["supervision_officer"], county.county, dept=county.supervision_dept)
    approval = propose(lead, u["supervision_officer"], Way.CLOSE)
    approvals.sign(approval=approval, actor=u["dept_head"], approve=True)
    # The summary changes behind the chain's back (not through update_lead).
    Lead.objects.filter(pk=lead.pk).update(summary="另一段内容")
    with pytest.raises(approvals.ApprovalVoid):
        approvals.sign(approval=approval, actor=u["county_leader"], approve=True)
    approval.refresh_from_db()
    lead.refresh_from_db()
    assert approval.status == ApprovalStatus.VOID
    assert approval.void_reason == "呈批后内容已变更"
    assert lead.status == LeadStatus.PENDING  # back to be proposed again, not closed
    assert not approval.steps.filter(state=StepState.WAITING).exists()
    assert AuditEvent.objects.filter(detail="呈批后内容已变更，审批失效").exists()


def test_editing_a_lead_voids_its_pending_proposal(county):
    u = county.users
    lead = make_lead(u["township_officer"], county.township_a)
    approval = propose(lead, u["township_officer"], Way.VERIFICATION)
    services.update_lead(
        lead=lead,
        actor=u["township_officer"],
        data=services.LeadInput(
            source=lead.source, summary="补充：另涉及违规发放补贴", subject_name="李建国"
        ),
    )
    approval.refresh_from_db()
    lead.refresh_from_db()
    assert approval.status == ApprovalStatus.VOID
    assert lead.status == LeadStatus.PENDING
    with pytest.raises(ValidationError):
        approvals.sign(approval=approval, actor=u["township_secretary"], approve=True)


def test_an_unchanged_edit_keeps_the_proposal(county):
    u = county.users
    lead = make_lead(u["township_officer"], county.township_a)
    approval = propose(lead, u["township_officer"], Way.VERIFICATION)
    services.update_lead(
        lead=lead,
        actor=u["township_officer"],
        data=services.LeadInput(
            source=lead.source,
            summary=lead.summary,
            subject_name=lead.subject_name,
            subject_unit=lead.subject_unit,
            subject_post=lead.subject_post,
        ),
    )
    approval = approve_all(approval, u["township_secretary"])
    assert approval.status == ApprovalStatus.APPROVED


def test_withdraw_by_submitter_only(county):
    u = county.users
    lead = make_lead(u["township_officer"], county.township_a)
    approval = propose(lead, u["township_officer"], Way.VERIFICATION)
    with pytest.raises(PermissionDenied):
        approvals.withdraw(approval=approval, actor=u["township_secretary"])
    approvals.withdraw(approval=approval, actor=u["township_officer"])
    approval.refresh_from_db()
    lead.refresh_from_db()
    assert approval.status == ApprovalStatus.WITHDRAWN and lead.status == LeadStatus.PENDING
    with pytest.raises(ValidationError):
        approvals.sign(approval=approval, actor=u["township_secretary"], approve=True)


def test_configured_chain_applies_to_new_proposals_only(county):
    u = county.users
    lead = make_lead(u["township_officer"], county.township_a)
    old = propose(lead, u["township_officer"], Way.VERIFICATION)
    approvals.set_chain(
        org=county.township_a,
        matter=Matter.LEAD_DISPOSAL,
        steps=[
            chains.StepSpec("township_secretary", Relation.SELF, "纪委书记"),
            chains.StepSpec("county_leader", Relation.PARENT, "县纪委监委分管领导"),
        ],
        actor=u["county_leader"],
    )
    assert ChainStep.objects.filter(org=county.township_a).count() == 2
    assert old.steps.count() == 1  # in flight: unchanged
    other = make_lead(u["township_officer"], county.township_a, name="王五")
    new = propose(other, u["township_officer"], Way.VERIFICATION)
    assert [(s[0], s[1]) for s in _steps(new)] == [
        ("纪委书记", "东坝镇纪委"),
        ("县纪委监委分管领导", "清河县纪委监委"),
    ]
    approve_all(new, u["township_secretary"], u["county_leader"])
    other.refresh_from_db()
    assert other.status == LeadStatus.VERIFICATION


def test_only_chain_managers_configure_and_townships_have_no_departments(county):
    u = county.users
    spec = [chains.StepSpec("township_secretary", Relation.SELF, "纪委书记")]
    with pytest.raises(PermissionDenied):
        approvals.set_chain(
            org=county.township_a,
            matter=Matter.LEAD_DISPOSAL,
            steps=spec,
            actor=u["township_secretary"],
        )
    with pytest.raises(ValidationError) as err:
        approvals.set_chain(
            org=county.township_a,
            matter=Matter.LEAD_DISPOSAL,
            steps=[chains.StepSpec("dept_head", Relation.DEPT, "室主任")],
            actor=u["county_leader"],
        )
    assert "step1_relation" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        approvals.set_chain(
            org=county.township_a,
            matter=Matter.LEAD_DISPOSAL,
            steps=[chains.StepSpec("sysadmin", Relation.SELF, "")],
            actor=u["county_leader"],
        )
    assert {"step1_role", "step1_label"} <= set(err.value.message_dict)


def test_a_proposal_needs_its_collective_decision(county):
    u = county.users
    lead = make_lead(u["township_officer"], county.township_a)
    bad = approvals.MeetingInput(kind="nonsense", held_on=None, participants="", conclusion="")
    with pytest.raises(ValidationError) as err:
        services.propose_disposal(
            lead=lead, actor=u["township_officer"], way=Way.CLOSE, proposal="建议了结", meeting=bad
        )
    assert {
        "meeting_kind",
        "meeting_held_on",
        "meeting_participants",
        "meeting_conclusion",
    } <= set(err.value.message_dict)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PENDING
    assert not Approval.objects.exists()  # nothing half-written
