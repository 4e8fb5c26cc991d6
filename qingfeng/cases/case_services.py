"""立案 and 审查调查 of a case (DOMAIN.md §4): filing, team, measures, extension, report.

Each service is one transaction that locks the case (``lock_case``), applies a step of
``case_workflow.CASE_STEPS``, moves the clocks of ``case_clocks`` and writes the case's
history and the audit log. 立案, measures, the extension and the 审查调查报告 are approved
through ``qingfeng.approvals``; the handlers registered at the bottom apply the decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.approvals import services as approvals
from qingfeng.approvals.chains import TOWNSHIP_KINDS
from qingfeng.approvals.models import Approval, Matter
from qingfeng.audit.models import Action as AuditAction
from qingfeng.audit.services import record
from qingfeng.cases import case_clocks
from qingfeng.cases.case_selectors import may_handle_case
from qingfeng.cases.case_workflow import CASE_STEPS, CaseAction
from qingfeng.cases.models import (
    BodySettings,
    Case,
    CaseClockKind,
    CaseMeasure,
    CaseReview,
    CaseStatus,
    CaseTransition,
    Lead,
    LeadStatus,
    MeasureKind,
    MeasureStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import DECIDABLE, check_sanction_allowed
from qingfeng.cases.services import TEXT_MAX, lead_state, lock_lead, text_field, write_transition
from qingfeng.cases.workflow import Action
from qingfeng.documents import case_docs
from qingfeng.documents.numbering import next_number
from qingfeng.orgs.models import DepartmentFunction, Org, OrgKind
from qingfeng.workdays.clock import WorkCalendar

# Measures a township 纪委 may take itself: the non-coercive ones. Coercive measures are the
# county 监委's (a township has no 监委, DOMAIN.md §1), and 留置 is never a township measure
# (DOMAIN.md §4).
TOWNSHIP_MEASURES: frozenset[str] = frozenset(
    {
        MeasureKind.TALK,
        MeasureKind.QUESTION,
        MeasureKind.INQUIRY,
        MeasureKind.COLLECT,
        MeasureKind.INSPECT,
        MeasureKind.APPRAISE,
    }
)


def is_township(org: Org) -> bool:
    return org.kind in TOWNSHIP_KINDS


def write_case_transition(
    case: Case, action: CaseAction, old: str, actor: Any, note: str = ""
) -> CaseTransition:
    return CaseTransition.objects.create(
        case=case,
        action=action,
        from_status=old,
        to_status=case.status,
        actor=actor,
        note=note[:2000],
    )


def lock_case(case: Case, action: CaseAction | None, actor: Any) -> Case:
    """Re-read ``case`` under a row lock; check the actor handles it and ``action`` applies."""
    if actor is not None and not may_handle_case(actor, case):
        raise PermissionDenied("没有办理该案件的权限")
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("org", "lead", "handling_dept", "review_org")
        .get(pk=case.pk)
    )
    if action is not None and locked.status not in CASE_STEPS[action].sources:
        raise ValidationError(
            {"status": f"案件当前为“{locked.get_status_display()}”，不能{CASE_STEPS[action].label}"}
        )
    return locked


def move(case: Case, action: CaseAction, actor: Any, note: str = "") -> None:
    """Apply ``action``'s target status (if any), save, write history and audit."""
    old = case.status
    target = CASE_STEPS[action].target
    if target is not None:
        case.status = target
        case.save(update_fields=["status", "updated_at"])
    write_case_transition(case, action, old, actor, note)
    record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=case,
        org=case.org,
        changes={"status": [old, case.status]} if target else None,
        detail=f"{case.number} {CASE_STEPS[action].label}{'：' + note[:80] if note else ''}",
    )


def case_state(case: Case) -> dict[str, Any]:
    """What approvers of a case read: the input of every case approval's digest."""
    return {
        "number": case.number,
        "org": case.org_id,
        "dept": case.handling_dept_id,
        "subject": [case.subject_name, case.subject_unit, case.subject_post, case.person_id],
        "flags": [
            case.is_party_member,
            case.is_supervised,
            case.is_village_cadre,
            case.party_case,
            case.supervision_case,
            case.complex_case,
        ],
        "summary": case.summary,
        "team": [case.leader_id, sorted(case.team.values_list("pk", flat=True))],
        "report": [case.investigation_report, list(case.proposed_outcomes)],
        "extended_months": case.extended_months,
    }


def past_date(
    value: dt.date | None, field: str, label: str, *, not_before: dt.date | None = None
) -> dt.date:
    """A date of something that has happened: not in the future, not before ``not_before``."""
    if value is None:
        raise ValidationError({field: f"请填写{label}"})
    if value > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天"})
    if not_before is not None and value < not_before:
        raise ValidationError({field: f"{label}不能早于{not_before:%Y年%m月%d日}"})
    return value


def clean_outcomes(outcomes: Sequence[str], *, case: Case, field: str) -> list[str]:
    """Proposed outcomes of a case: decidable, no duplicates, at most one 党纪处分 and one
    政务处分, each allowed for the person (DOMAIN.md §5: village cadres 警告/记过/记大过 only,
    党纪处分 for Party members only) and on the side the case was filed (§4: a 党纪处分 needs
    the 纪委立案审查, a 政务处分 the 监委立案调查)."""
    from qingfeng.cases.sanctions import GOV_SANCTIONS, PARTY_SANCTIONS

    cleaned: list[str] = []
    for code in outcomes:
        if code not in Outcome.values or Outcome(code) not in DECIDABLE:
            raise ValidationError({field: "请从列表中选择处理意见"})
        if code not in cleaned:
            cleaned.append(code)
    if not cleaned:
        raise ValidationError({field: "请至少选择一项处理意见"})
    if sum(Outcome(c) in PARTY_SANCTIONS for c in cleaned) > 1:
        raise ValidationError({field: "同一案件只能给予一种党纪处分"})
    if sum(Outcome(c) in GOV_SANCTIONS for c in cleaned) > 1:
        raise ValidationError({field: "同一案件只能给予一种政务处分"})
    for code in cleaned:
        try:
            check_sanction_allowed(
                code, is_village_cadre=case.is_village_cadre, is_party_member=case.is_party_member
            )
        except ValidationError as e:
            raise ValidationError({field: e.message_dict["outcome"][0]}) from e
        label = Outcome(code).label
        if Outcome(code) in PARTY_SANCTIONS and not case.party_case:
            raise ValidationError({field: f"本案未经党纪立案审查，不能给予{label}"})
        if Outcome(code) in GOV_SANCTIONS and not case.supervision_case:
            raise ValidationError({field: f"本案未经监察立案调查，不能给予{label}政务处分"})
    return cleaned


# -- 立案 -------------------------------------------------------------------------------------


def filing_matter(*, party_case: bool, supervision_case: bool) -> Matter:
    if party_case and supervision_case:
        return Matter.CASE_FILING_JOINT
    return Matter.CASE_FILING_PARTY if party_case else Matter.CASE_FILING_SUPERVISION


def propose_filing(
    *,
    lead: Lead,
    actor: Any,
    summary: str,
    party_case: bool,
    supervision_case: bool,
    complex_case: bool,
    is_party_member: bool,
    is_supervised: bool,
    is_village_cadre: bool,
    meeting: approvals.MeetingInput,
    request: HttpRequest | None = None,
) -> Approval:
    """立案审查调查呈批报告 on a lead whose 初步核实 proposed 立案 (DOMAIN.md §4).

    Party side (党纪立案审查) for a Party member, 监察 side (监委立案调查) for a 监察对象, both
    when both; decided collectively and approved by the commission head then the head of the
    same-level Party committee (a township's 监察 side by the county 监委). The approval files
    the case (``_filing_approved``).
    """
    summary = text_field(summary, "summary", "主要问题及立案依据", limit=TEXT_MAX, minimum=10)
    if not party_case and not supervision_case:
        raise ValidationError({"party_case": "请选择党纪立案审查或监察立案调查（可同时选择）"})
    if party_case and not is_party_member:
        raise ValidationError({"party_case": "被审查人不是中共党员，不能党纪立案审查"})
    if supervision_case and not is_supervised:
        raise ValidationError({"supervision_case": "被调查人不是监察对象，不能监察立案调查"})
    with transaction.atomic():
        lead = lock_lead(lead, Action.PROPOSE_FILING, actor)
        if not covers(actor, Cap.CASE_HANDLE, lead.handling_dept or lead.org):
            raise PermissionDenied("没有办理案件的权限")
        filing = {
            "summary": summary,
            "party_case": party_case,
            "supervision_case": supervision_case,
            "complex_case": complex_case,
            "is_party_member": is_party_member,
            "is_supervised": is_supervised,
            "is_village_cadre": is_village_cadre,
        }
        sides = "、".join(
            s for s, on in (("立案审查", party_case), ("立案调查", supervision_case)) if on
        )
        approval = approvals.submit(
            org=lead.org,
            matter=filing_matter(party_case=party_case, supervision_case=supervision_case),
            title=f"关于对{lead.subject_name}{sides}的呈批报告",
            proposal=summary,
            payload={"filing": filing},
            state=lead_state(lead),
            actor=actor,
            lead=lead,
            dept=lead.handling_dept,
            meeting=meeting,
            request=request,
        )
        old = lead.status
        lead.status = LeadStatus.FILING
        lead.save(update_fields=["status", "updated_at"])
        write_transition(lead, Action.PROPOSE_FILING, old, actor, f"立案呈批：{approval.number}")
    return approval


def new_case_number(org: Org) -> str:
    year = timezone.localdate().year
    return f"{org.code}-AJ-{year}-{next_number(org=org, series='案件', year=year):04d}"


def _lock_lead_of(approval: Approval) -> Lead:
    assert approval.lead_id is not None
    return (
        Lead.objects.select_for_update(of=("self",))
        .select_related("org", "handling_dept", "person")
        .get(pk=approval.lead_id)
    )


def _filing_approved(approval: Approval, lead: Lead, actor: Any) -> None:
    filing = approval.payload["filing"]
    today = timezone.localdate()
    case = Case.objects.create(
        number=new_case_number(lead.org),
        lead=lead,
        org=lead.org,
        home_org=lead.org,
        handling_dept=lead.handling_dept,
        hidden_from=lead.hidden_from,
        subject_name=lead.subject_name,
        subject_unit=lead.subject_unit,
        subject_post=lead.subject_post,
        person=lead.person,
        is_party_member=filing["is_party_member"],
        is_supervised=filing["is_supervised"],
        is_village_cadre=filing["is_village_cadre"],
        party_case=filing["party_case"],
        supervision_case=filing["supervision_case"],
        complex_case=filing["complex_case"],
        summary=filing["summary"],
        filed_on=today,
        created_by=approval.submitted_by,
    )
    Approval.objects.filter(pk=approval.pk).update(case=case)
    approval.case = case
    case_clocks.start_clock(case=case, kind=CaseClockKind.INVESTIGATION, starts_on=today)
    old = lead.status
    lead.status = LeadStatus.FILED
    lead.save(update_fields=["status", "updated_at"])
    write_transition(
        lead, Action.FILE_CASE, old, actor, f"立案：{case.number}（{approval.number}）"
    )
    write_case_transition(case, CaseAction.FILE, "", actor, f"批准立案（{approval.number}）")
    record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=case,
        org=case.org,
        detail=f"立案：{case.number} {case.subject_name}",
    )
    case_docs.issue_filing_documents(approval=approval, case=case, actor=actor)


def _filing_ended(approval: Approval, lead: Lead, actor: Any) -> None:
    if lead.status != LeadStatus.FILING:
        return
    old = lead.status
    lead.status = LeadStatus.CASE_PROPOSED
    lead.save(update_fields=["status", "updated_at"])
    write_transition(
        lead,
        Action.FILING_RETURNED,
        old,
        actor,
        f"{approval.get_status_display()}：{approval.number}",
    )


# -- 审查调查组 and measures ----------------------------------------------------------------


def set_team(
    *,
    case: Case,
    actor: Any,
    leader: Any,
    team: Sequence[Any],
    request: HttpRequest | None = None,
) -> Case:
    """Form (or re-form) the 审查调查组: a leader and members who may handle the case."""
    if leader is None:
        raise ValidationError({"leader": "请指定审查调查组组长"})
    members = {u.pk: u for u in [leader, *team]}
    if len(members) < 2:
        raise ValidationError({"team": "审查调查组至少应有2人"})
    with transaction.atomic():
        case = lock_case(case, CaseAction.SET_TEAM, actor)
        outsiders = [
            u.full_name or u.username for u in members.values() if not may_handle_case(u, case)
        ]
        if outsiders:
            raise ValidationError(
                {"team": f"{'、'.join(outsiders)}无权办理本案，不能加入审查调查组"}
            )
        approvals.void_pending(
            target_filter={"case": case}, actor=actor, why="审查调查组已变更，原呈批失效"
        )
        case.leader = leader
        case.save(update_fields=["leader", "updated_at"])
        case.team.set(members.values())
        names = "、".join(u.full_name or u.username for u in members.values())
        move(
            case,
            CaseAction.SET_TEAM,
            actor,
            f"组长{leader.full_name or leader.username}；成员{names}",
        )
    return case


def measure_state(measure: CaseMeasure) -> dict[str, Any]:
    return {
        "case": case_state(measure.case),
        "measure": [
            measure.pk,
            measure.kind,
            measure.target,
            measure.reason,
            str(measure.starts_on),
        ],
    }


def request_measure(
    *,
    case: Case,
    actor: Any,
    kind: str,
    target: str,
    reason: str,
    starts_on: dt.date | None,
    request: HttpRequest | None = None,
) -> Approval:
    """Ask approval of one investigation measure (DOMAIN.md §4: each measure approved; the
    township's measures are limited to ``TOWNSHIP_MEASURES``; 留置 never at township level,
    at most 3 months, approved up to the upper level)."""
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": "请选择审查调查措施"})
    target = text_field(target, "target", "措施对象", limit=200)
    reason = text_field(reason, "reason", "采取措施的理由", limit=TEXT_MAX, minimum=4)
    if starts_on is None:
        raise ValidationError({"starts_on": "请填写开始日期"})
    with transaction.atomic():
        case = lock_case(case, CaseAction.REQUEST_MEASURE, actor)
        if starts_on < case.filed_on:
            raise ValidationError({"starts_on": "开始日期不能早于立案日期"})
        if is_township(case.org):
            if kind == MeasureKind.DETENTION:
                raise ValidationError({"kind": "乡镇纪委不能采取留置措施，须由县级以上监委决定"})
            if kind not in TOWNSHIP_MEASURES:
                label = MeasureKind(kind).label
                raise ValidationError({"kind": f"乡镇纪委不能采取{label}措施，须报县纪委监委"})
        if kind == MeasureKind.DETENTION and not case.supervision_case:
            raise ValidationError({"kind": "留置须在监察立案调查的案件中采取"})
        ends_on = None
        if kind == MeasureKind.DETENTION:
            calendar = WorkCalendar()
            ends_on = calendar.deadline_months(starts_on, case_clocks.DETENTION_MONTHS).date
        measure = CaseMeasure.objects.create(
            case=case,
            kind=kind,
            target=target,
            reason=reason,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        approval = approvals.submit(
            org=case.org,
            matter=Matter.CASE_DETENTION if kind == MeasureKind.DETENTION else Matter.CASE_MEASURE,
            title=f"关于对{case.subject_name}案采取{measure.get_kind_display()}措施的呈批",
            proposal=reason,
            payload={"measure": measure.pk},
            state=measure_state(measure),
            actor=actor,
            case=case,
            dept=case.handling_dept,
            request=request,
        )
        move(
            case,
            CaseAction.REQUEST_MEASURE,
            actor,
            f"{measure.get_kind_display()}：{target}（{approval.number}）",
        )
    return approval


def case_id_of(approval: Approval) -> int:
    assert approval.case_id is not None, "a case approval names its case"
    return approval.case_id


def _lock_measure_of(approval: Approval) -> CaseMeasure:
    Case.objects.select_for_update(of=("self",)).get(pk=case_id_of(approval))
    return (
        CaseMeasure.objects.select_for_update(of=("self",))
        .select_related("case", "case__org")
        .get(pk=approval.payload["measure"])
    )


def _measure_approved(approval: Approval, measure: CaseMeasure, actor: Any) -> None:
    measure.status = MeasureStatus.APPROVED
    measure.save(update_fields=["status"])
    if measure.kind == MeasureKind.DETENTION:
        case_clocks.start_clock(
            case=measure.case, kind=CaseClockKind.DETENTION, starts_on=measure.starts_on
        )
    write_case_transition(
        measure.case,
        CaseAction.MEASURE_DECIDED,
        measure.case.status,
        actor,
        f"批准{measure.get_kind_display()}：{measure.target}（{approval.number}）",
    )


def _measure_ended(approval: Approval, measure: CaseMeasure, actor: Any) -> None:
    if measure.status != MeasureStatus.PENDING:
        return
    measure.status = MeasureStatus.REJECTED
    measure.save(update_fields=["status"])
    write_case_transition(
        measure.case,
        CaseAction.MEASURE_DECIDED,
        measure.case.status,
        actor,
        f"{measure.get_kind_display()}{approval.get_status_display()}（{approval.number}）",
    )


def end_measure(
    *, measure: CaseMeasure, actor: Any, request: HttpRequest | None = None
) -> CaseMeasure:
    """Lift an approved measure (解除); lifting 留置 stops its clock."""
    with transaction.atomic():
        case = lock_case(measure.case, CaseAction.END_MEASURE, actor)
        measure = CaseMeasure.objects.select_for_update().get(pk=measure.pk, case=case)
        if measure.status != MeasureStatus.APPROVED:
            raise ValidationError({"measure": f"该措施{measure.get_status_display()}，不能解除"})
        measure.status = MeasureStatus.ENDED
        measure.save(update_fields=["status"])
        if measure.kind == MeasureKind.DETENTION:
            case_clocks.meet_clock(case=case, kind=CaseClockKind.DETENTION)
        move(
            case,
            CaseAction.END_MEASURE,
            actor,
            f"解除{measure.get_kind_display()}：{measure.target}",
        )
    return measure


# -- extension ------------------------------------------------------------------------------


def request_extension(
    *,
    case: Case,
    actor: Any,
    months: int | None,
    reason: str,
    request: HttpRequest | None = None,
) -> Approval:
    """Ask to extend the 1-year 审查调查 period once, by up to 6 months, approved by the
    upper level (DOMAIN.md §4)."""
    if months is None or not 1 <= months <= case_clocks.EXTENSION_MAX_MONTHS:
        raise ValidationError({"months": "延长期限为1至6个月"})
    reason = text_field(reason, "reason", "延长理由", limit=TEXT_MAX, minimum=4)
    with transaction.atomic():
        case = lock_case(case, CaseAction.REQUEST_EXTENSION, actor)
        if case.extended_months:
            raise ValidationError({"months": "审查调查期限只能延长一次，本案已延长"})
        if Approval.objects.filter(
            case=case, matter=Matter.CASE_EXTENSION, status="pending"
        ).exists():
            raise ValidationError({"months": "延长期限的呈批正在审批中"})
        approval = approvals.submit(
            org=case.org,
            matter=Matter.CASE_EXTENSION,
            title=f"关于延长{case.subject_name}案审查调查期限{months}个月的请示",
            proposal=reason,
            payload={"months": months},
            state=case_state(case),
            actor=actor,
            case=case,
            dept=case.handling_dept,
            request=request,
        )
        move(case, CaseAction.REQUEST_EXTENSION, actor, f"拟延长{months}个月（{approval.number}）")
    return approval


def _lock_case_of(approval: Approval) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("org", "lead", "handling_dept", "review_org")
        .get(pk=case_id_of(approval))
    )


def _extension_approved(approval: Approval, case: Case, actor: Any) -> None:
    case.extended_months = approval.payload["months"]
    case.save(update_fields=["extended_months", "updated_at"])
    case_clocks.extend_investigation(case=case)
    move(
        case,
        CaseAction.EXTENSION_DECIDED,
        actor,
        f"批准延长{case.extended_months}个月（{approval.number}）",
    )


def _extension_ended(approval: Approval, case: Case, actor: Any) -> None:
    write_case_transition(
        case,
        CaseAction.EXTENSION_DECIDED,
        case.status,
        actor,
        f"延长期限{approval.get_status_display()}（{approval.number}）",
    )


# -- 审查调查报告 and 移送审理 ------------------------------------------------------------------


def review_org_for(case: Case) -> Org:
    """Where the case is reviewed (DOMAIN.md §4 审理): a township case by the county's
    审理室 when the county has 乡案县审 on, otherwise by the township itself; a county case
    by its 审理室 (the body itself when it has none)."""
    body = case.org
    if is_township(body):
        county = body.parent
        if (
            county is None
            or not BodySettings.objects.filter(org=county, reviews_township_cases=True).exists()
        ):
            return body
        body = county
        trial = _trial_dept(county)
        if trial is None:
            raise ValidationError(
                {"status": f"已开启乡案县审，但{county.name}没有案件审理室，请先在机构中设置"}
            )
        return trial
    return _trial_dept(body) or body


def _trial_dept(body: Org) -> Org | None:
    return (
        Org.objects.filter(
            parent=body,
            kind=OrgKind.DEPARTMENT,
            function=DepartmentFunction.TRIAL,
            is_active=True,
        )
        .order_by("sort_order", "pk")
        .first()
    )


def submit_investigation_report(
    *,
    case: Case,
    actor: Any,
    report_text: str,
    proposed_outcomes: Sequence[str],
    request: HttpRequest | None = None,
) -> Approval:
    """审查调查报告 with the proposed handling, by a team member; on approval the case is
    transferred to 审理 (``_report_approved``)."""
    report_text = text_field(report_text, "report_text", "审查调查报告", limit=TEXT_MAX, minimum=10)
    with transaction.atomic():
        case = lock_case(case, CaseAction.SUBMIT_REPORT, actor)
        if case.leader_id is None:
            raise ValidationError({"report_text": "请先组成审查调查组"})
        if actor.pk != case.leader_id and not case.team.filter(pk=actor.pk).exists():
            raise PermissionDenied("只有审查调查组成员可以提交审查调查报告")
        outcomes = clean_outcomes(
            proposed_outcomes,
            case=case,
            field="proposed_outcomes",
        )
        review_org_for(case)  # refuse now, not at the last signature, when 审理 has nowhere to go
        case.investigation_report, case.proposed_outcomes = report_text, outcomes
        case.save(update_fields=["investigation_report", "proposed_outcomes", "updated_at"])
        labels = "、".join(str(Outcome(o).label) for o in outcomes)
        approval = approvals.submit(
            org=case.org,
            matter=Matter.INVESTIGATION_REPORT,
            title=f"关于{case.subject_name}案的审查调查报告（建议{labels}）",
            proposal=report_text,
            payload={"outcomes": outcomes},
            state=case_state(case),
            actor=actor,
            case=case,
            dept=case.handling_dept,
            request=request,
        )
        move(case, CaseAction.SUBMIT_REPORT, actor, f"审查调查报告呈批：{approval.number}")
    return approval


def _report_approved(approval: Approval, case: Case, actor: Any) -> None:
    today = timezone.localdate()
    review_org = review_org_for(case)
    case.review_org = review_org
    case.transferred_on = today
    case.save(update_fields=["review_org", "transferred_on", "updated_at"])
    case_clocks.meet_clock(case=case, kind=CaseClockKind.INVESTIGATION)
    review = CaseReview.objects.create(
        case=case,
        round=case.reviews.count() + 1,
        org=review_org,
        received_on=today,
        created_by=actor,
    )
    clock = case_clocks.start_clock(case=case, kind=CaseClockKind.REVIEW, starts_on=today)
    if clock.org_id != review_org.pk:
        clock.org = review_org
        clock.save(update_fields=["org"])
    move(case, CaseAction.REPORT_APPROVED, actor, f"移送{review_org.name}审理（{approval.number}）")
    case_docs.issue_investigation_report(approval=approval, case=case, actor=actor)
    case_docs.issue_review_register(case=case, review=review, actor=actor)


def _report_ended(approval: Approval, case: Case, actor: Any) -> None:
    if case.status != CaseStatus.REPORT_PENDING:
        return
    move(
        case,
        CaseAction.REPORT_RETURNED,
        actor,
        f"{approval.get_status_display()}：{approval.number}",
    )


def _case_only_state(case: Case) -> dict[str, Any]:
    return case_state(case)


def _lead_only_state(lead: Lead) -> dict[str, Any]:
    return lead_state(lead)


for _matter in (Matter.CASE_FILING_PARTY, Matter.CASE_FILING_SUPERVISION, Matter.CASE_FILING_JOINT):
    approvals.register(
        _matter,
        approvals.Handler(
            lock=_lock_lead_of,
            state=_lead_only_state,
            approved=_filing_approved,
            ended=_filing_ended,
        ),
    )
for _matter in (Matter.CASE_MEASURE, Matter.CASE_DETENTION):
    approvals.register(
        _matter,
        approvals.Handler(
            lock=_lock_measure_of,
            state=measure_state,
            approved=_measure_approved,
            ended=_measure_ended,
        ),
    )
approvals.register(
    Matter.CASE_EXTENSION,
    approvals.Handler(
        lock=_lock_case_of,
        state=_case_only_state,
        approved=_extension_approved,
        ended=_extension_ended,
    ),
)
approvals.register(
    Matter.INVESTIGATION_REPORT,
    approvals.Handler(
        lock=_lock_case_of,
        state=_case_only_state,
        approved=_report_approved,
        ended=_report_ended,
    ),
)
