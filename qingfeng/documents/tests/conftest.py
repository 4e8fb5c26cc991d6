from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.approvals import services as approvals
from qingfeng.approvals.chains import StepSpec
from qingfeng.approvals.models import (
    Approval,
    ApprovalStatus,
    ApprovalStep,
    Matter,
    Relation,
    StepState,
)
from qingfeng.cases import services as lead_services
from qingfeng.cases.models import (
    Case,
    CaseReview,
    LeadSource,
    ReviewStatus,
    Sanction,
    SanctionStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import SANCTIONS, Authority, effect_period, sanction_kind
from qingfeng.core.testing import make_user
from qingfeng.intake import services
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel, ReportClass

REPORTER = Identity(
    name="张举报",
    id_number="110101199003074514",
    phone="13812345678",
    unit="清河县第一中学",
    address="清河县东坝镇幸福路88号",
)


def report_input(**extra: Any) -> services.ReportInput:
    base: dict[str, Any] = dict(
        channel=Channel.LETTER,
        received_on=dt.date(2026, 2, 13),
        title="村支书优亲厚友",
        content="李庄村支书李建国把低保名额给了自己的亲戚。",
        subjects=[services.SubjectInput("李建国", "李庄村民委员会", "村党支部书记")],
        is_real_name=True,
        identity=REPORTER,
    )
    base.update(extra)
    return services.ReportInput(**base)


def accepted_report(officer: Any, org: Any, **extra: Any) -> Any:
    """A real-name 检举控告, registered and accepted by ``officer`` at ``org``."""
    report = services.register_report(actor=officer, org=org, data=report_input(**extra)).report
    services.classify(report=report, klass=ReportClass.ACCUSATION, actor=officer)
    services.accept(report=report, actor=officer)
    report.refresh_from_db()
    return report


# -- cases: a case filed from a lead, and approvals signed step by step --------------------

FACTS = (
    "2025年3月，李建国在李庄村低保评定中，将不符合条件的胞弟李建民评为低保户。\n"
    "李建民2025年4月至12月违规领取低保金共计5400元。"
)


def party_secretary(county: Any, org: Any = None, username: str = "dongba_dw") -> Any:
    """The head of the same-level Party committee (党委主要负责人), who signs 立案."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    org = org or county.township_a
    name = "马书记" if org == county.township_a else "钱县委书记"
    return make_user(username, name, org, "party_secretary", subtree=False)


def make_case(
    county: Any,
    *,
    org: Any = None,
    name: str = "李建国",
    party: bool = True,
    supervision: bool = False,
    with_person: bool = True,
) -> Case:
    """A case built with the ORM from a lead of ``org`` (东坝镇 unless told): filed today,
    about a village Party secretary (the person record of 李建国 when ``with_person``)."""
    org = org or county.township_a
    at_county = org == county.county
    lead = lead_services.register_lead(
        actor=county.users[
            "sysadmin"
            if at_county
            else "township_officer"
            if org == county.township_a
            else "other_officer"
        ],
        org=org,
        data=lead_services.LeadInput(
            source=LeadSource.INSPECTION,
            summary=f"巡察发现{name}在低保评定中优亲厚友",
            subject_name=name,
            subject_unit="清河县人民政府" if at_county else "李庄村民委员会",
            subject_post="副县长" if at_county else "村党支部书记",
            person_id=county.person_a.pk if with_person and not at_county else None,
            handling_dept_id=county.supervision_dept.pk if at_county else None,
        ),
    )
    return Case.objects.create(
        number=f"{org.code}-AJ-{timezone.localdate().year}-{Case.objects.count() + 1:04d}",
        lead=lead,
        org=org,
        home_org=org,
        handling_dept=lead.handling_dept,
        subject_name=lead.subject_name,
        subject_unit=lead.subject_unit,
        subject_post=lead.subject_post,
        person=lead.person,
        is_village_cadre=not at_county,
        party_case=party,
        supervision_case=supervision,
        summary=f"经初步核实，{name}利用职务便利在低保评定中优亲厚友，部分事实已有证据证明。",
        investigation_report=FACTS,
        filed_on=timezone.localdate(),
        created_by=lead.created_by,
    )


def meeting_input() -> approvals.MeetingInput:
    return approvals.MeetingInput(
        kind="commission",
        held_on=timezone.localdate() - dt.timedelta(days=1),
        participants="孙书记、何干事、陈委员",
        conclusion="经集体研究，同意所拟意见",
    )


def approved(
    *,
    org: Any,
    matter: str,
    submitter: Any,
    signers: Sequence[Any],
    lead: Any = None,
    case: Any = None,
    payload: dict[str, Any] | None = None,
    proposal: str = "经研究，建议按所拟意见办理。",
    steps: Sequence[StepSpec] | None = None,
    meeting: bool = True,
) -> Approval:
    """A 呈批 submitted with ``approvals.submit`` (its chain, or ``steps``), then signed
    "同意" by ``signers`` in order, recorded as ``approvals.sign`` records a signature — but
    without running the case's handler, so that the test alone issues the documents."""
    approval = approvals.submit(
        org=org,
        matter=Matter(matter),
        title="呈批",
        proposal=proposal,
        payload=payload or {},
        state={},
        actor=submitter,
        lead=lead,
        case=case,
        dept=(case or lead).handling_dept,
        meeting=meeting_input() if meeting else None,
        steps=steps,
    )
    for signer in signers:
        step = approval.steps.select_related("org").get(state=StepState.WAITING)
        assert approvals.may_sign(signer, step), (signer, step.label)
        ApprovalStep.objects.filter(pk=step.pk).update(
            state=StepState.APPROVED, signer=signer, comment="同意", signed_at=timezone.now()
        )
        following = approval.steps.filter(state=StepState.QUEUED).order_by("order").first()
        if following is not None:
            following.state = StepState.WAITING
            following.save(update_fields=["state"])
    assert not approval.steps.exclude(state=StepState.APPROVED).exists()
    approval.status = ApprovalStatus.APPROVED
    approval.decided_at = timezone.now()
    approval.save(update_fields=["status", "decided_at"])
    return approval


# -- a case's approvals, sanctions and 审理 ---------------------------------------------

SECRETARY = StepSpec("township_secretary", Relation.SELF, "纪委书记")
PARTY_HEAD = StepSpec("party_secretary", Relation.SELF, "乡镇党委主要负责人")
COUNTY_SUPERVISION = StepSpec("county_leader", Relation.PARENT, "县监委主要负责人")
TALK_RECORD = "李建国对评定经过作了陈述，对违纪事实无异议，表示认错悔错。"
REVIEW_OPINION = "经审理，李建国违反群众纪律，在低保评定中优亲厚友，事实清楚，证据确凿。"


def officer_and_secretary(county: Any) -> tuple[Any, Any]:
    return county.users["township_officer"], county.users["township_secretary"]


def filing(county: Any, case: Case) -> tuple[Approval, Any]:
    """The township's 立案 呈批, signed by the 纪委书记 and the 镇党委书记 (the last signer)."""
    officer, secretary = officer_and_secretary(county)
    head = party_secretary(county)
    approval = approved(
        org=case.org,
        matter=Matter.CASE_FILING_PARTY,
        submitter=officer,
        signers=[secretary, head],
        lead=case.lead,
        case=case,
        proposal=case.summary,
    )
    return approval, head


def decided(
    county: Any, case: Case, outcome: str, authority: str, *, probation: int | None = None
) -> tuple[Sanction, Approval]:
    """A sanction decided today through a 呈批 signed as ``authority`` requires."""
    officer, secretary = officer_and_secretary(county)
    steps, signers = [SECRETARY], [secretary]
    if authority == Authority.TOWNSHIP_PARTY_COMMITTEE:
        steps, signers = [SECRETARY, PARTY_HEAD], [secretary, party_secretary(county)]
    elif authority == Authority.COUNTY_SUPERVISION:
        steps, signers = [SECRETARY, COUNTY_SUPERVISION], [secretary, county.users["county_leader"]]
    approval = approved(
        org=case.org,
        matter=Matter.SANCTION_DECISION,
        submitter=officer,
        signers=signers,
        case=case,
        payload={"outcomes": [outcome], "probation_years": probation},
        steps=steps,
    )
    day = timezone.localdate()
    family = sanction_kind(outcome)
    in_effect = outcome in SANCTIONS
    ends = effect_period(outcome, day, probation_years=probation).ends_on if in_effect else None
    sanction = Sanction.objects.create(
        case=case,
        outcome=outcome,
        kind=family.value if family else "measure",
        authority=authority,
        probation_years=probation,
        status=SanctionStatus.DECIDED,
        decided_on=day,
        effect_ends_on=ends,
    )
    return sanction, approval


def reviewed(county: Any, case: Case, org: Any = None) -> CaseReview:
    """A finished 审理 round with a talk with the person."""
    officer, secretary = officer_and_secretary(county)
    review = CaseReview.objects.create(
        case=case,
        org=org or case.org,
        received_on=timezone.localdate() - dt.timedelta(days=20),
        talk_on=timezone.localdate() - dt.timedelta(days=10),
        talk_record=TALK_RECORD,
        report_text=REVIEW_OPINION,
        proposed_outcomes=[Outcome.PARTY_WARNING],
        status=ReviewStatus.DONE,
        created_by=officer,
    )
    review.reviewers.set([officer, secretary])
    return review


def make_secretary(org: Any) -> Any:
    return make_user("xiling_sj", "吴书记", org, "township_secretary")
