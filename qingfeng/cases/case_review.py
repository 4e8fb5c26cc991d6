"""审理 of a case (DOMAIN.md §4): reviewers, the talk with the person, return for more
evidence, collective deliberation and the 审理报告.

A review round (``CaseReview``) is opened when the 审查调查报告 is approved
(``case_services._report_approved``) at ``case_services.review_org_for`` — with 乡案县审 the
county 审理室. Reviewers are at least two people of the 审理 body who were not on the
investigation team; the 审理报告 rests on a collective deliberation (集体审议) and is approved
by the 审理 body's chain (``Matter.REVIEW_REPORT``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from qingfeng.accounts.scope import user_grants
from qingfeng.approvals import services as approvals
from qingfeng.approvals.chains import BODY_KINDS
from qingfeng.approvals.models import Approval, Matter
from qingfeng.cases import case_clocks
from qingfeng.cases.case_selectors import may_review_case
from qingfeng.cases.case_services import (
    case_id_of,
    case_state,
    clean_outcomes,
    move,
    past_date,
    write_case_transition,
)
from qingfeng.cases.case_workflow import CASE_STEPS, CaseAction
from qingfeng.cases.models import Case, CaseClockKind, CaseReview, CaseStatus, ReviewStatus
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.services import TEXT_MAX, text_field
from qingfeng.documents import case_docs

MIN_REVIEWERS = 2
# Who names the reviewers: the head of the 审理 body (the 审理室主任, or a township's 纪委书记
# when it reviews its own case).
ASSIGNING_ROLES = frozenset({"dept_head", "township_secretary"})


def may_assign_reviewers(user: Any, review_org: Any) -> bool:
    return any(
        g.role in ASSIGNING_ROLES and g.covers_scope(review_org, False) for g in user_grants(user)
    )


def review_state(review: CaseReview) -> dict[str, Any]:
    """What approvers of a 审理报告 read: the case, the reviewers, the talk and the report."""
    return {
        "case": case_state(review.case),
        "review": {
            "round": review.round,
            "org": review.org_id,
            "reviewers": sorted(review.reviewers.values_list("pk", flat=True)),
            "talk": [str(review.talk_on), review.talk_record],
            "report": [review.report_text, list(review.proposed_outcomes)],
        },
    }


def _lock_review(review: CaseReview, action: CaseAction, actor: Any) -> CaseReview:
    """Lock the case and the review; the actor must review at the 审理 body."""
    case = Case.objects.select_for_update(of=("self",)).select_related("org").get(pk=review.case_id)
    if actor is not None and not may_review_case(actor, case):
        raise PermissionDenied("没有审理该案件的权限")
    if case.status not in CASE_STEPS[action].sources:
        raise ValidationError(
            {"status": f"案件当前为“{case.get_status_display()}”，不能{CASE_STEPS[action].label}"}
        )
    locked = CaseReview.objects.select_for_update(of=("self",)).get(pk=review.pk, case=case)
    if locked.status != ReviewStatus.REVIEWING:
        raise ValidationError({"status": f"本次审理{locked.get_status_display()}"})
    locked.case = case
    return locked


def _require_reviewer(review: CaseReview, actor: Any) -> None:
    if not review.reviewers.filter(pk=actor.pk).exists():
        raise PermissionDenied("只有本案审理人员可以办理此步骤")


def _name(user: Any) -> str:
    return str(user.full_name or user.username)


def assign_reviewers(
    *,
    review: CaseReview,
    actor: Any,
    reviewers: Sequence[Any],
    request: HttpRequest | None = None,
) -> CaseReview:
    """The head of the 审理 body names the reviewers: at least two of the 审理 body, none
    from the investigation team (DOMAIN.md §4: 审理 with at least 2 reviewers; 查审分离).
    A township reviewing its own case may name its 纪委书记, who is often one of three."""
    chosen = {u.pk: u for u in reviewers}
    if len(chosen) < MIN_REVIEWERS:
        raise ValidationError({"reviewers": "审理人员不得少于2人"})
    with transaction.atomic():
        review = _lock_review(review, CaseAction.ASSIGN_REVIEWERS, actor)
        case = review.case
        if not may_assign_reviewers(actor, review.org):
            raise PermissionDenied("审理人员由审理机关负责人确定")
        outsiders = [_name(u) for u in chosen.values() if not may_review_case(u, case)]
        if outsiders:
            raise ValidationError(
                {"reviewers": f"{'、'.join(outsiders)}不属于审理机关，不能审理本案"}
            )
        team = set(case.team.values_list("pk", flat=True)) | {case.leader_id}
        investigators = [_name(u) for u in chosen.values() if u.pk in team]
        if investigators:
            raise ValidationError(
                {"reviewers": f"{'、'.join(investigators)}参加了审查调查，不能审理本案"}
            )
        approvals.void_pending(
            target_filter={"case": case, "matter": Matter.REVIEW_REPORT},
            actor=actor,
            why="审理人员已变更，原呈批失效",
        )
        review.reviewers.set(chosen.values())
        move(case, CaseAction.ASSIGN_REVIEWERS, actor, "、".join(_name(u) for u in chosen.values()))
    return review


def record_review_talk(
    *,
    review: CaseReview,
    actor: Any,
    talk_on: dt.date | None,
    talk_record: str,
    request: HttpRequest | None = None,
) -> CaseReview:
    """The reviewers' talk with the person under review (审理谈话, DOMAIN.md §4)."""
    talk_record = text_field(talk_record, "talk_record", "审理谈话记录", limit=TEXT_MAX, minimum=10)
    with transaction.atomic():
        review = _lock_review(review, CaseAction.REVIEW_TALK, actor)
        _require_reviewer(review, actor)
        talk_on = past_date(talk_on, "talk_on", "谈话日期", not_before=review.received_on)
        review.talk_on, review.talk_record = talk_on, talk_record
        review.save(update_fields=["talk_on", "talk_record"])
        move(review.case, CaseAction.REVIEW_TALK, actor, f"{talk_on:%Y-%m-%d}")
    return review


def return_for_evidence(
    *,
    review: CaseReview,
    actor: Any,
    reason: str,
    request: HttpRequest | None = None,
) -> Case:
    """Send the case back to the investigation team for more evidence (退回补充证据). The
    1-year 审查调查 period still runs from 立案; the next report opens a new review round."""
    reason = text_field(reason, "reason", "退回理由", limit=TEXT_MAX, minimum=4)
    with transaction.atomic():
        review = _lock_review(review, CaseAction.RETURN_FOR_EVIDENCE, actor)
        _require_reviewer(review, actor)
        case = review.case
        review.status, review.return_reason = ReviewStatus.RETURNED, reason
        review.save(update_fields=["status", "return_reason"])
        case_clocks.meet_clock(case=case, kind=CaseClockKind.REVIEW)
        case_clocks.start_clock(
            case=case, kind=CaseClockKind.INVESTIGATION, starts_on=case.filed_on
        )
        move(case, CaseAction.RETURN_FOR_EVIDENCE, actor, reason)
    return case


def submit_review_report(
    *,
    review: CaseReview,
    actor: Any,
    report_text: str,
    proposed_outcomes: Sequence[str],
    meeting: approvals.MeetingInput,
    request: HttpRequest | None = None,
) -> Approval:
    """审理报告 after collective deliberation (集体审议), by a reviewer; needs at least two
    reviewers and the talk with the person (DOMAIN.md §4). Approved by the 审理 body."""
    report_text = text_field(report_text, "report_text", "审理报告", limit=TEXT_MAX, minimum=10)
    with transaction.atomic():
        review = _lock_review(review, CaseAction.SUBMIT_REVIEW, actor)
        _require_reviewer(review, actor)
        case = review.case
        if review.reviewers.count() < MIN_REVIEWERS:
            raise ValidationError({"reviewers": "审理人员不得少于2人"})
        if review.talk_on is None:
            raise ValidationError({"talk_record": "请先与被审查调查人谈话并记录"})
        outcomes = clean_outcomes(
            proposed_outcomes,
            case=case,
            field="proposed_outcomes",
        )
        review.report_text, review.proposed_outcomes = report_text, outcomes
        review.status = ReviewStatus.REPORT_PENDING
        review.save(update_fields=["report_text", "proposed_outcomes", "status"])
        body, dept = (
            (review.org, None) if review.org.kind in BODY_KINDS else (review.org.parent, review.org)
        )
        assert body is not None
        labels = "、".join(str(Outcome(o).label) for o in outcomes)
        approval = approvals.submit(
            org=body,
            matter=Matter.REVIEW_REPORT,
            title=f"关于{case.subject_name}案的审理报告（{labels}）",
            proposal=report_text,
            payload={"review": review.pk, "outcomes": outcomes},
            state=review_state(review),
            actor=actor,
            case=case,
            dept=dept,
            meeting=meeting,
            request=request,
        )
        CaseReview.objects.filter(pk=review.pk).update(meeting=approval.meeting)
        move(case, CaseAction.SUBMIT_REVIEW, actor, f"审理报告呈批：{approval.number}")
    return approval


def _lock_review_of(approval: Approval) -> CaseReview:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=case_id_of(approval))
    )
    review = (
        CaseReview.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=approval.payload["review"])
    )
    review.case = case
    return review


def _review_approved(approval: Approval, review: CaseReview, actor: Any) -> None:
    review.status = ReviewStatus.DONE
    review.save(update_fields=["status"])
    case = review.case
    case_clocks.meet_clock(case=case, kind=CaseClockKind.REVIEW)
    move(case, CaseAction.REVIEW_APPROVED, actor, f"审理终结（{approval.number}）")
    case_docs.issue_review_report(approval=approval, review=review, actor=actor)


def _review_ended(approval: Approval, review: CaseReview, actor: Any) -> None:
    if review.status != ReviewStatus.REPORT_PENDING:
        return
    review.status = ReviewStatus.REVIEWING
    review.save(update_fields=["status"])
    if review.case.status == CaseStatus.REVIEW_PENDING:
        move(
            review.case,
            CaseAction.REVIEW_RETURNED,
            actor,
            f"{approval.get_status_display()}：{approval.number}",
        )
    else:
        write_case_transition(review.case, CaseAction.REVIEW_RETURNED, review.case.status, actor)


approvals.register(
    Matter.REVIEW_REPORT,
    approvals.Handler(
        lock=_lock_review_of, state=review_state, approved=_review_approved, ended=_review_ended
    ),
)
