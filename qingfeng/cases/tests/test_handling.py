"""谈话函询 and 初步核实 of a lead: states, approvals, clocks and outcomes (DOMAIN.md §3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, Matter
from qingfeng.cases import handling, services
from qingfeng.cases.models import (
    EnquiryMode,
    EnquiryStatus,
    Lead,
    LeadClock,
    LeadClockKind,
    LeadStatus,
    VerificationStatus,
    Way,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.tests.conftest import approve_all, make_lead, propose

pytestmark = pytest.mark.django_db


def _lead_in(county: Any, way: str) -> Lead:
    u = county.users
    lead = make_lead(u["township_officer"], county.township_a, person_id=county.person_a.pk)
    approve_all(propose(lead, u["township_officer"], way), u["township_secretary"])
    lead.refresh_from_db()
    return lead


def _clock(lead: Lead, kind: str) -> LeadClock:
    return LeadClock.objects.get(lead=lead, kind=kind)


def test_letter_enquiry_reply_clock_skips_spring_festival(county):
    """函询 answered within 15 working days: a letter of 2026-02-12 is due 2026-03-11."""
    u = county.users
    lead = _lead_in(county, Way.ENQUIRY)
    enquiry = handling.start_enquiry(
        lead=lead, actor=u["township_officer"], mode=EnquiryMode.LETTER, plan="就低保评定问题函询"
    )
    approve_all(Approval.objects.get(matter=Matter.ENQUIRY_PLAN), u["township_secretary"])
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.PLAN_APPROVED
    handling.send_letter(enquiry=enquiry, actor=u["township_officer"], sent_on=dt.date(2026, 2, 12))
    assert _clock(lead, LeadClockKind.ENQUIRY_REPLY).due_on == dt.date(2026, 3, 11)

    # The countersignature of the person's Party committee head is required for a 函询.
    with pytest.raises(ValidationError) as err:
        handling.record_reply(
            enquiry=enquiry,
            actor=u["township_officer"],
            reply_on=dt.date(2026, 3, 2),
            reply_text="本人已如实说明情况",
            countersigned=False,
        )
    assert "countersigned" in err.value.message_dict
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.AWAITING_REPLY  # nothing half-written

    handling.record_reply(
        enquiry=enquiry,
        actor=u["township_officer"],
        reply_on=dt.date(2026, 9, 1),
        reply_text="本人已如实说明情况",
        countersigned=True,
    )
    assert _clock(lead, LeadClockKind.ENQUIRY_REPLY).met_at is not None
    # 1 month after 2026-09-01 is 2026-10-01, in the National Day holiday → 2026-10-08.
    assert _clock(lead, LeadClockKind.ENQUIRY_REPORT).due_on == dt.date(2026, 10, 8)

    approval = handling.submit_enquiry_report(
        enquiry=enquiry,
        actor=u["township_officer"],
        report_text="经函询，本人说明属实，建议采信了结",
        outcome=Outcome.ENQUIRY_CLOSED,
    )
    assert _clock(lead, LeadClockKind.ENQUIRY_REPORT).met_at is not None
    approve_all(approval, u["township_secretary"])
    lead.refresh_from_db()
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.DONE
    assert lead.status == LeadStatus.CLOSED and lead.outcome == Outcome.ENQUIRY_CLOSED
    assert lead.closed_on is not None


def test_talk_with_written_explanation_then_further_enquiry_then_verification(county):
    u = county.users
    lead = _lead_in(county, Way.ENQUIRY)
    first = handling.start_enquiry(
        lead=lead, actor=u["township_officer"], mode=EnquiryMode.TALK, plan="谈话了解低保评定情况"
    )
    with pytest.raises(ValidationError):  # one round at a time
        handling.start_enquiry(lead=lead, actor=u["township_officer"], mode="talk", plan="再谈一次")
    approve_all(Approval.objects.get(matter=Matter.ENQUIRY_PLAN), u["township_secretary"])
    handling.record_talk(
        enquiry=first,
        actor=u["township_officer"],
        talk_on=dt.date(2026, 11, 2),
        talk_place="镇纪委谈话室",
        talkers="孙书记、何干事",
        talk_record="问：低保评定是否有亲属？答：有一户是本人堂弟。",
        explanation_requested=True,
    )
    first.refresh_from_db()
    assert first.status == EnquiryStatus.AWAITING_REPLY
    assert _clock(lead, LeadClockKind.ENQUIRY_REPLY).due_on == dt.date(2026, 11, 23)
    handling.record_reply(
        enquiry=first,
        actor=u["township_officer"],
        reply_on=dt.date(2026, 11, 10),
        reply_text="书面说明：堂弟家庭确属困难",
        countersigned=False,  # not needed after a talk
    )
    report = handling.submit_enquiry_report(
        enquiry=first,
        actor=u["township_officer"],
        report_text="本人否认优亲厚友，但与群众反映不符，建议再次函询",
        outcome=Outcome.FURTHER_ENQUIRY,
    )
    approve_all(report, u["township_secretary"])
    lead.refresh_from_db()
    assert lead.status == LeadStatus.ENQUIRY

    second = handling.start_enquiry(
        lead=lead, actor=u["township_officer"], mode=EnquiryMode.LETTER, plan="就具体问题再次函询"
    )
    assert second.round == 2
    approve_all(
        Approval.objects.get(matter=Matter.ENQUIRY_PLAN, payload__enquiry=second.pk),
        u["township_secretary"],
    )
    handling.send_letter(enquiry=second, actor=u["township_officer"], sent_on=dt.date(2026, 11, 16))
    handling.record_reply(
        enquiry=second,
        actor=u["township_officer"],
        reply_on=dt.date(2026, 11, 20),
        reply_text="否认",
        countersigned=True,
    )
    report = handling.submit_enquiry_report(
        enquiry=second,
        actor=u["township_officer"],
        report_text="对具体问题予以否认，建议转初步核实",
        outcome=Outcome.TO_VERIFICATION,
    )
    approve_all(report, u["township_secretary"])
    lead.refresh_from_db()
    assert lead.status == LeadStatus.VERIFICATION and lead.way == Way.VERIFICATION


def test_rejected_report_goes_back_for_rework(county):
    u = county.users
    lead = _lead_in(county, Way.ENQUIRY)
    enquiry = handling.start_enquiry(
        lead=lead, actor=u["township_officer"], mode="talk", plan="谈话了解情况"
    )
    approve_all(Approval.objects.get(matter=Matter.ENQUIRY_PLAN), u["township_secretary"])
    handling.record_talk(
        enquiry=enquiry,
        actor=u["township_officer"],
        talk_on=dt.date(2026, 11, 2),
        talk_place="",
        talkers="孙书记",
        talk_record="谈话笔录内容，本人如实说明",
        explanation_requested=False,
    )
    report = handling.submit_enquiry_report(
        enquiry=enquiry,
        actor=u["township_officer"],
        report_text="建议谈话提醒，情况属实",
        outcome=Outcome.TALK_REMINDER,
    )
    approvals.sign(
        approval=report, actor=u["township_secretary"], approve=False, comment="事实不清"
    )
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.AWAITING_REPORT
    report = handling.submit_enquiry_report(
        enquiry=enquiry,
        actor=u["township_officer"],
        report_text="补充说明后建议谈话提醒",
        outcome=Outcome.TALK_REMINDER,
    )
    approve_all(report, u["township_secretary"])
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CLOSED and lead.outcome == Outcome.TALK_REMINDER


def test_plan_for_a_lower_party_committee_head_goes_to_the_commission_head(county):
    """DOMAIN.md §3: for the head of a lower Party committee the plan is approved by the
    commission's head (county chain: 室主任 → 委主要负责人)."""
    u = county.users
    lead = make_lead(
        u["supervision_officer"], county.county, dept=county.supervision_dept, name="镇党委书记甲"
    )
    approve_all(
        propose(lead, u["supervision_officer"], Way.ENQUIRY), u["dept_head"], u["county_leader"]
    )
    lead.refresh_from_db()
    enquiry = handling.start_enquiry(
        lead=lead,
        actor=u["supervision_officer"],
        mode="talk",
        plan="谈话方案",
        subject_is_party_head=True,
    )
    approval = Approval.objects.get(matter=Matter.ENQUIRY_PLAN_HEAD)
    assert [s.label for s in approval.steps.all()] == ["承办部门主要负责人", "委主要负责人"]
    approve_all(approval, u["dept_head"], u["county_leader"])
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.PLAN_APPROVED


def test_verification_limit_is_the_bodys_setting_and_team_must_be_in_scope(county):
    u = county.users
    lead = _lead_in(county, Way.VERIFICATION)
    with pytest.raises(ValidationError) as err:
        handling.start_verification(
            lead=lead,
            actor=u["township_officer"],
            leader=u["township_officer"],
            team=[u["other_officer"]],
            plan="核实方案",
            started_on=dt.date(2026, 7, 31),
        )
    assert "team" in err.value.message_dict
    verification = handling.start_verification(
        lead=lead,
        actor=u["township_officer"],
        leader=u["township_officer"],
        team=[u["township_secretary"]],
        plan="调取低保档案",
        started_on=dt.date(2026, 7, 31),
    )
    assert verification.months == 2
    assert _clock(lead, LeadClockKind.VERIFICATION).due_on == dt.date(2026, 9, 30)

    services.set_body_settings(
        org=county.township_a, actor=u["county_leader"], verification_months=1
    )
    other = _lead_in(county, Way.VERIFICATION)
    handling.start_verification(
        lead=other,
        actor=u["township_officer"],
        leader=u["township_officer"],
        team=[],
        plan="核实低保档案",
        started_on=dt.date(2026, 7, 31),
    )
    assert _clock(other, LeadClockKind.VERIFICATION).due_on == dt.date(2026, 8, 31)
    with pytest.raises(ValidationError):
        services.set_body_settings(
            org=county.township_a, actor=u["county_leader"], verification_months=3
        )
    with pytest.raises(PermissionDenied):
        services.set_body_settings(
            org=county.township_a, actor=u["township_secretary"], verification_months=2
        )


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (Outcome.PROPOSE_CASE, LeadStatus.CASE_PROPOSED),
        (Outcome.CLOSED, LeadStatus.CLOSED),
        (Outcome.TALK_REMINDER, LeadStatus.CLOSED),
        (Outcome.ON_HOLD, LeadStatus.ON_HOLD),
        (Outcome.TRANSFER, LeadStatus.TRANSFERRED),
    ],
)
def test_verification_report_outcomes(county, outcome, status):
    u = county.users
    lead = _lead_in(county, Way.VERIFICATION)
    verification = handling.start_verification(
        lead=lead,
        actor=u["township_officer"],
        leader=u["township_officer"],
        team=[],
        plan="核实方案",
        started_on=dt.date(2026, 11, 2),
    )
    with pytest.raises(PermissionDenied):  # only the team reports
        handling.submit_verification_report(
            verification=verification,
            actor=u["township_secretary"],
            report_text="经初步核实，情况如下",
            outcome=outcome,
            transfer_to="县公安局",
        )
    approval = handling.submit_verification_report(
        verification=verification,
        actor=u["township_officer"],
        report_text="经初步核实，情况如下",
        outcome=outcome,
        transfer_to="县公安局",  # required for 移送, ignored otherwise
    )
    assert _clock(lead, LeadClockKind.VERIFICATION).met_at is not None
    approve_all(approval, u["township_secretary"])
    lead.refresh_from_db()
    verification.refresh_from_db()
    assert verification.status == VerificationStatus.DONE
    assert lead.status == status and lead.outcome == outcome


def test_on_hold_lead_can_be_taken_up_again(county):
    u = county.users
    lead = _lead_in(county, Way.HOLD)
    assert lead.status == LeadStatus.ON_HOLD
    approval = propose(lead, u["township_officer"], Way.VERIFICATION)
    approvals.sign(
        approval=approval, actor=u["township_secretary"], approve=False, comment="继续暂存"
    )
    lead.refresh_from_db()
    assert lead.status == LeadStatus.ON_HOLD  # back where it was, not to 待处置


def test_other_township_cannot_touch_the_lead(county):
    u = county.users
    lead = _lead_in(county, Way.ENQUIRY)
    with pytest.raises(PermissionDenied):
        handling.start_enquiry(lead=lead, actor=u["other_officer"], mode="talk", plan="越权谈话")
    with pytest.raises(PermissionDenied):
        propose(make_lead(u["township_officer"], county.township_a), u["other_officer"], Way.CLOSE)


def test_bad_input_names_the_field_and_writes_nothing(county):
    u = county.users
    with pytest.raises(ValidationError) as err:
        services.register_lead(
            actor=u["township_officer"],
            org=county.township_a,
            data=services.LeadInput(
                source="report", summary="<script>x</script>\x00", subject_name=""
            ),
        )
    assert "source" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.register_lead(
            actor=u["township_officer"],
            org=county.township_a,
            data=services.LeadInput(
                source="inspection",
                summary="含控制字符\x00的摘要",
                subject_name="",
                subject_post="职" * 101,
            ),
        )
    assert {"summary", "subject_name", "subject_post"} <= set(err.value.message_dict)
    assert not county.township_a.leads.exists()
