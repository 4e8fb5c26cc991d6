"""Appeals against a sanction (DOMAIN.md §4 "Appeals"): Party 复议复查 within 3 months, by
people not on the original case; 监察 复审 (applied within 1 month of receiving the
decision, decided in 1 month) and 复核 (applied within 1 month of the 复审 decision, decided
in 2 months). The sanction stays in force meanwhile; the approved decision upholds, changes
or revokes it.

Appeals are handled by the body that decided the sanction (复议 / 复审). A 复核 goes to the
body above it; when that body is not on this system the application is refused with a
message saying so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.approvals import services as approvals
from qingfeng.approvals.chains import TOWNSHIP_KINDS
from qingfeng.approvals.models import Approval, ApprovalStep, Matter
from qingfeng.audit.models import Action as AuditAction
from qingfeng.audit.services import record
from qingfeng.cases import case_clocks
from qingfeng.cases.case_services import (
    case_id_of,
    clean_outcomes,
    past_date,
    write_case_transition,
)
from qingfeng.cases.case_workflow import CaseAction
from qingfeng.cases.models import (
    Appeal,
    AppealKind,
    AppealOutcome,
    AppealStatus,
    Case,
    CaseClockKind,
    Sanction,
    SanctionStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import (
    GOV_SANCTIONS,
    GOV_SANCTIONS_BY_SEVERITY,
    PARTY_SANCTIONS,
    PARTY_SANCTIONS_BY_SEVERITY,
    TOWNSHIP_AUTHORITIES,
    effect_period,
    sanction_kind,
)
from qingfeng.cases.services import TEXT_MAX, text_field
from qingfeng.orgs.models import Org
from qingfeng.workdays.clock import WorkCalendar

# DOMAIN.md §4: months to decide, and months within which a 监察 appeal must be applied for.
DECIDE_MONTHS = {AppealKind.PARTY: 3, AppealKind.GOV_REVIEW: 1, AppealKind.GOV_RECHECK: 2}
APPLY_MONTHS = 1
IN_FORCE = (SanctionStatus.DECIDED, SanctionStatus.ANNOUNCED, SanctionStatus.EXECUTED)


def deciding_body(sanction: Sanction) -> Org:
    """The body that decided ``sanction``: the case's body for its own powers, the county
    for a township case decided by a county authority (DOMAIN.md §4 "Powers by level")."""
    case = sanction.case
    if sanction.authority in TOWNSHIP_AUTHORITIES or case.org.kind not in TOWNSHIP_KINDS:
        return case.org
    return case.org.parent or case.org


def _apply_by(start: dt.date) -> dt.date:
    return WorkCalendar().deadline_months(start, APPLY_MONTHS).date


def file_appeal(
    *,
    sanction: Sanction,
    actor: Any,
    kind: str,
    received_on: dt.date | None,
    applied_on: dt.date | None,
    reason: str,
    request: HttpRequest | None = None,
) -> Appeal:
    """Register an application against a sanction in force (DOMAIN.md §4)."""
    if kind not in AppealKind.values:
        raise ValidationError({"kind": "请选择复议复查（复审复核）类别"})
    reason = text_field(reason, "reason", "申请理由", limit=TEXT_MAX, minimum=4)
    with transaction.atomic():
        sanction = (
            Sanction.objects.select_for_update(of=("self",))
            .select_related("case", "case__org", "case__org__parent")
            .get(pk=sanction.pk)
        )
        case = sanction.case
        if sanction.status not in IN_FORCE:
            raise ValidationError({"sanction": "只能对已生效的处分申请复议复查（复审复核）"})
        outcome = Outcome(sanction.outcome)
        if kind == AppealKind.PARTY and outcome not in PARTY_SANCTIONS:
            raise ValidationError({"kind": "复议复查适用于党纪处分"})
        if kind != AppealKind.PARTY and outcome not in GOV_SANCTIONS:
            raise ValidationError({"kind": "复审、复核适用于政务处分"})
        assert sanction.decided_on is not None
        received_on = past_date(
            received_on, "received_on", "收到处分决定日期", not_before=sanction.decided_on
        )
        applied_on = past_date(applied_on, "applied_on", "申请日期", not_before=received_on)
        body = deciding_body(sanction)
        if kind == AppealKind.GOV_REVIEW and applied_on > _apply_by(received_on):
            raise ValidationError({"applied_on": "复审须在收到处分决定之日起1个月内申请"})
        if kind == AppealKind.GOV_RECHECK:
            review = sanction.appeals.filter(
                kind=AppealKind.GOV_REVIEW, status=AppealStatus.DECIDED
            ).first()
            if review is None or review.decided_on is None:
                raise ValidationError({"kind": "复核须在复审决定作出后申请"})
            if applied_on > _apply_by(review.decided_on):
                raise ValidationError({"applied_on": "复核须在收到复审决定之日起1个月内申请"})
            if body.parent is None:
                raise ValidationError(
                    {"kind": f"复核由{body.name}的上一级监委办理，该机关不在本系统中"}
                )
            body = body.parent
        if not covers(actor, Cap.CASE_HANDLE, body):
            raise PermissionDenied(f"复议复查（复审复核）由{body.name}受理")
        if sanction.appeals.filter(kind=kind).exclude(status=AppealStatus.DECIDED).exists():
            raise ValidationError({"kind": "该处分的同类申请正在办理中"})
        appeal = Appeal.objects.create(
            sanction=sanction,
            case=case,
            kind=kind,
            org=body,
            received_on=received_on,
            applied_on=applied_on,
            reason=reason,
            created_by=actor,
        )
        clock = case_clocks.start_clock(
            case=case,
            kind=CaseClockKind.APPEAL,
            starts_on=applied_on,
            months=DECIDE_MONTHS[AppealKind(kind)],
        )
        if clock.org_id != body.pk:
            clock.org = body
            clock.save(update_fields=["org"])
        write_case_transition(
            case,
            CaseAction.APPEAL,
            case.status,
            actor,
            f"{appeal.get_kind_display()}：{outcome.label}",
        )
        record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=appeal,
            org=body,
            request=request,
            detail=f"{case.number} {appeal.get_kind_display()}申请",
        )
    return appeal


def original_people(case: Case) -> set[int]:
    """Everyone who worked on the original case: its team, its reviewers, its signers."""
    people: set[int | None] = {case.leader_id, *case.team.values_list("pk", flat=True)}
    for review in case.reviews.prefetch_related("reviewers"):
        people |= {u.pk for u in review.reviewers.all()}
    people |= set(
        ApprovalStep.objects.filter(
            Q(approval__case=case) | Q(approval__lead_id=case.lead_id), signer__isnull=False
        ).values_list("signer_id", flat=True)
    )
    people |= set(
        Approval.objects.filter(Q(case=case) | Q(lead_id=case.lead_id)).values_list(
            "submitted_by_id", flat=True
        )
    )
    return {pk for pk in people if pk is not None}


def _lock_appeal(appeal: Appeal, actor: Any) -> Appeal:
    locked = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("case", "sanction", "org")
        .get(pk=appeal.pk)
    )
    if not covers(actor, Cap.CASE_HANDLE, locked.org):
        raise PermissionDenied(f"复议复查（复审复核）由{locked.org.name}办理")
    if locked.status != AppealStatus.REVIEWING:
        raise ValidationError({"status": f"该申请{locked.get_status_display()}"})
    return locked


def assign_appeal_reviewers(
    *, appeal: Appeal, actor: Any, reviewers: Sequence[Any], request: HttpRequest | None = None
) -> Appeal:
    """Name at least two reviewers, none of whom worked on the original case."""
    chosen = {u.pk: u for u in reviewers}
    if len(chosen) < 2:
        raise ValidationError({"reviewers": "复查人员不得少于2人"})
    with transaction.atomic():
        appeal = _lock_appeal(appeal, actor)
        involved = original_people(appeal.case)
        named = [u.full_name or u.username for u in chosen.values() if u.pk in involved]
        if named:
            raise ValidationError(
                {"reviewers": f"{'、'.join(named)}参与过原案件办理，不能参加复查"}
            )
        outsiders = [
            u.full_name or u.username
            for u in chosen.values()
            if not covers(u, Cap.CASE_HANDLE, appeal.org)
        ]
        if outsiders:
            raise ValidationError({"reviewers": f"{'、'.join(outsiders)}不属于{appeal.org.name}"})
        appeal.reviewers.set(chosen.values())
        write_case_transition(
            appeal.case,
            CaseAction.APPEAL,
            appeal.case.status,
            actor,
            "复查人员：" + "、".join(u.full_name or u.username for u in chosen.values()),
        )
    return appeal


def appeal_state(appeal: Appeal) -> dict[str, Any]:
    return {
        "appeal": [
            appeal.pk,
            appeal.kind,
            appeal.sanction_id,
            str(appeal.applied_on),
            appeal.reason,
        ],
        "reviewers": sorted(appeal.reviewers.values_list("pk", flat=True)),
        "decision": [appeal.outcome, appeal.new_outcome, appeal.decision_text],
    }


def propose_appeal_decision(
    *,
    appeal: Appeal,
    actor: Any,
    outcome: str,
    new_outcome: str,
    decision_text: str,
    request: HttpRequest | None = None,
) -> Approval:
    """The reviewers' decision (维持 / 变更 / 撤销), approved by the head of the body."""
    if outcome not in AppealOutcome.values:
        raise ValidationError({"outcome": "请选择复查结论"})
    decision_text = text_field(
        decision_text, "decision_text", "复查决定", limit=TEXT_MAX, minimum=10
    )
    with transaction.atomic():
        appeal = _lock_appeal(appeal, actor)
        if not appeal.reviewers.filter(pk=actor.pk).exists():
            raise PermissionDenied("只有复查人员可以提出复查决定")
        if appeal.reviewers.count() < 2:
            raise ValidationError({"reviewers": "复查人员不得少于2人"})
        case, old = appeal.case, Outcome(appeal.sanction.outcome)
        if outcome == AppealOutcome.CHANGED:
            new_outcome = clean_outcomes(
                [new_outcome],
                case=case,
                field="new_outcome",
            )[0]
            if sanction_kind(new_outcome) != sanction_kind(old) or not _lighter(new_outcome, old):
                # 申诉不加重: an appeal never makes the sanction heavier.
                raise ValidationError({"new_outcome": f"请选择比{old.label}轻的同类处分"})
            if new_outcome == Outcome.PARTY_PROBATION:
                raise ValidationError({"new_outcome": "变更为留党察看须重新作出处分决定"})
        else:
            new_outcome = ""
        appeal.outcome, appeal.new_outcome, appeal.decision_text = (
            outcome,
            new_outcome,
            decision_text,
        )
        appeal.status = AppealStatus.PENDING
        appeal.save(update_fields=["outcome", "new_outcome", "decision_text", "status"])
        label = AppealOutcome(outcome).label
        approval = approvals.submit(
            org=appeal.org,
            matter=Matter.APPEAL_DECISION,
            title=f"关于{case.subject_name}{appeal.get_kind_display()}的决定（{label}）",
            proposal=decision_text,
            payload={"appeal": appeal.pk},
            state=appeal_state(appeal),
            actor=actor,
            case=case,
            request=request,
        )
        write_case_transition(case, CaseAction.APPEAL, case.status, actor, f"复查决定呈批：{label}")
    return approval


def _lighter(new: str, old: str) -> bool:
    for order in (PARTY_SANCTIONS_BY_SEVERITY, GOV_SANCTIONS_BY_SEVERITY):
        if Outcome(new) in order and Outcome(old) in order:
            return order.index(Outcome(new)) < order.index(Outcome(old))
    return False


def _lock_appeal_of(approval: Approval) -> Appeal:
    Case.objects.select_for_update(of=("self",)).get(pk=case_id_of(approval))
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("case", "sanction", "org")
        .get(pk=approval.payload["appeal"])
    )


def _appeal_approved(approval: Approval, appeal: Appeal, actor: Any) -> None:
    """Apply the decision: a revoked sanction ends today; a changed one is replaced by the new
    sanction, in effect from the original decision date (DOMAIN.md §5)."""
    today = timezone.localdate()
    sanction = appeal.sanction
    if appeal.outcome == AppealOutcome.REVOKED:
        sanction.status = SanctionStatus.REVOKED
        sanction.effect_ends_on = today
        sanction.save(update_fields=["status", "effect_ends_on"])
    elif appeal.outcome == AppealOutcome.CHANGED:
        sanction.status = SanctionStatus.CHANGED
        sanction.save(update_fields=["status"])
        assert sanction.decided_on is not None
        period = effect_period(appeal.new_outcome, sanction.decided_on)
        Sanction.objects.create(
            case=appeal.case,
            outcome=appeal.new_outcome,
            kind=sanction.kind,
            authority=sanction.authority,
            status=SanctionStatus.DECIDED,
            decided_on=sanction.decided_on,
            effect_ends_on=period.ends_on,
        )
    appeal.status, appeal.decided_on = AppealStatus.DECIDED, today
    appeal.save(update_fields=["status", "decided_on"])
    case_clocks.meet_clock(case=appeal.case, kind=CaseClockKind.APPEAL)
    write_case_transition(
        appeal.case,
        CaseAction.APPEAL,
        appeal.case.status,
        actor,
        f"{appeal.get_kind_display()}决定：{appeal.get_outcome_display()}（{approval.number}）",
    )


def _appeal_ended(approval: Approval, appeal: Appeal, actor: Any) -> None:
    if appeal.status == AppealStatus.PENDING:
        appeal.status = AppealStatus.REVIEWING
        appeal.save(update_fields=["status"])


approvals.register(
    Matter.APPEAL_DECISION,
    approvals.Handler(
        lock=_lock_appeal_of, state=appeal_state, approved=_appeal_approved, ended=_appeal_ended
    ),
)
