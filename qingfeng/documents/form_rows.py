"""What the lead and case documents print alike: signature rows, the collective decision,
the signers' opinions and plain-text helpers (DOMAIN.md §3 集体研究、报批, §9).

A 呈批表 shows the proposal signed by its submitter, then one row per step of the chain in
order; a report lists the signatures given so far. Both read the steps afresh, so the
signature that issues a document is on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from qingfeng.approvals.models import Approval, ApprovalStatus, ApprovalStep, Meeting, StepState
from qingfeng.cases.models import Lead
from qingfeng.documents.docx import FormRow, chinese_date

NOT_GIVEN = "—"
# Rows with room for a handwritten opinion on the printed sheet.
OPINION_LINES = 3


def require_approved(approval: Approval, what: str = "呈批表") -> None:
    """Refuse an approval that is not (yet) approved: its form records a decision."""
    if approval.status != ApprovalStatus.APPROVED:
        raise ValidationError(
            {"approval": f"该呈批{approval.get_status_display()}，批准后才能生成{what}"}
        )


def meeting_text(meeting: Meeting) -> str:
    """The collective decision in three lines: when and which meeting, who, what."""
    return "\n".join(
        [
            f"{chinese_date(meeting.held_on)}，{meeting.get_kind_display()}集体研究。",
            f"参会人员：{meeting.participants}",
            f"研究意见：{meeting.conclusion}",
        ]
    )


def meeting_rows(approval: Approval) -> list[FormRow]:
    meeting = approval.meeting
    if meeting is None:
        return []
    return [FormRow("集体研究情况", meeting_text(meeting), min_lines=OPINION_LINES)]


def approval_rows(approval: Approval, *, proposal: str | None = None) -> list[FormRow]:
    """承办部门意见 (the proposal, or ``proposal`` when the form words it, signed by its
    submitter), then one row per signature step of the chain in order: its 签批栏目, the
    opinion, the signer and the day."""
    rows = [
        FormRow(
            "承办部门意见",
            approval.proposal if proposal is None else proposal,
            signer=name_of(approval.submitted_by),
            signed_on=timezone.localdate(approval.submitted_at),
            min_lines=OPINION_LINES,
        )
    ]
    for step in approval_steps(approval):
        if step.signed_at is None or step.state not in (StepState.APPROVED, StepState.REJECTED):
            rows.append(FormRow(step.label, min_lines=OPINION_LINES))
            continue
        rows.append(
            FormRow(
                step.label,
                opinion(step),
                signer=name_of(step.signer),
                signed_on=timezone.localdate(step.signed_at),
                min_lines=OPINION_LINES,
            )
        )
    return rows


def approval_steps(approval: Approval) -> list[ApprovalStep]:
    # Read afresh: the last step is signed by a queryset UPDATE in the same transaction, and
    # a caller's prefetched steps would not show it.
    return list(
        ApprovalStep.objects.filter(approval=approval).select_related("signer").order_by("order")
    )


def signed_lines(approval: Approval) -> list[str]:
    """One line per approving signature so far: "纪委书记孙书记（2026年3月5日）：同意。"."""
    return [
        f"{s.label}{name_of(s.signer)}（{chinese_date(timezone.localdate(s.signed_at))}）："
        f"{opinion(s)}"
        for s in approval_steps(approval)
        if s.state == StepState.APPROVED and s.signed_at is not None
    ]


def opinion(step: ApprovalStep) -> str:
    """The signer's words, led by the decision: "同意。", "同意。请抓紧办理。", "不同意。…"."""
    decision = "同意" if step.state == StepState.APPROVED else "不同意"
    comment = step.comment.strip()
    if not comment or comment.rstrip("。") == decision:
        return f"{decision}。"
    return comment if comment.startswith(decision) else f"{decision}。{comment}"


def form_text(rows: Sequence[FormRow]) -> str:
    """A form as plain text, one "label：value" line a row (``Document.body_text``)."""
    return "\n".join(f"{row.label}：{row_text(row)}" for row in rows)


def row_text(row: FormRow) -> str:
    parts = [row.value.replace("\n", " ")]
    if row.signer or row.signed_on:
        parts.append(
            " ".join(
                p for p in (row.signer, chinese_date(row.signed_on) if row.signed_on else "") if p
            )
        )
    return " ".join(p for p in parts if p)


def lead_source(lead: Lead) -> str:
    """Where a lead came from: "巡察移交（信访件 T01-XF-2026-00012）"."""
    label = str(lead.get_source_display())
    # The report's registration number links the lead to its origin; nothing else of the
    # report (who wrote it, what it said) is copied.
    return f"{label}（信访件 {lead.report.number}）" if lead.report is not None else label


def name_of(user: Any) -> str:
    return str(user.full_name or user.username) if user is not None else ""


def text_lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped: one paragraph each."""
    return [line.strip() for line in text.splitlines() if line.strip()]
