"""Every write to a report: registration, routing, handling, identity views, messages.

Each service is one transaction: it validates (``ValidationError`` naming the field, in
Chinese), locks the report, applies a step of ``workflow.STEPS``, writes one
``Transition`` row, moves the clocks (``clocks``) and appends to the audit log. Nothing
about the reporter's identity is ever written anywhere but ``Report.identity_enc``.
Rules: DOMAIN.md §2; DESIGN.md §3.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.audit.models import Action as AuditAction
from qingfeng.audit.services import record
from qingfeng.cases.models import Lead, LeadSource, LeadStatus
from qingfeng.cases.services import new_lead_number
from qingfeng.documents.numbering import next_number
from qingfeng.intake import clocks, querycode
from qingfeng.intake.identity import Identity, seal, unseal
from qingfeng.intake.models import (
    ClockKind,
    IdentityAccess,
    Message,
    RefuseReason,
    RepeatCandidate,
    RepeatStatus,
    Report,
    ReportClass,
    ReportSubject,
    Status,
    Transition,
)
from qingfeng.intake.validation import ReportInput as ReportInput
from qingfeng.intake.validation import SubjectInput as SubjectInput
from qingfeng.intake.validation import clean_text as clean_text
from qingfeng.intake.validation import validate_input
from qingfeng.intake.workflow import STEPS, Action, allowed
from qingfeng.orgs.models import Org, OrgKind, Person

# Bodies that hold reports: the county 纪委监委 and the township/street 纪委 (DOMAIN.md §1).
BODY_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.STREET)
# Where a body hands a report for handling: its departments and dispatched groups.
DEPARTMENT_KINDS = (OrgKind.DEPARTMENT, OrgKind.DISPATCHED)

REASON_MIN = 4

# Called with each newly registered or re-submitted report, inside its transaction: the
# search index and the repeat signatures are written with the report (DESIGN.md §6).
report_indexers: list[Callable[[Report], None]] = []


@dataclass(frozen=True)
class Registered:
    report: Report
    query_code: str | None  # shown once to a public reporter, never stored


# -- registration ------------------------------------------------------------------------


def _new_report_number(org: Org) -> str:
    year = timezone.localdate().year
    seq = next_number(org=org, series="信访登记", year=year)
    return f"{org.code}-{year}-{seq:05d}"


def register_report(
    *,
    actor: Any,
    org: Org,
    data: ReportInput,
    request: HttpRequest | None = None,
) -> Registered:
    """Register a report at ``org`` (an officer's 登记, or a public web report when no actor).

    - Starts the 5-working-day routing clock at ``org`` and, for a real-name report, the
      15-working-day 受理告知 clock from the day it was received (DOMAIN.md §2).
    - A report about ``org``'s own head goes straight up and becomes invisible to ``org``
      (DOMAIN.md §2): it is held by the parent body, or marked sent up when ``org`` is the
      top of this installation.
    - A public report gets a 16-digit query code, returned once and stored only as an
      HMAC locator plus an Argon2 hash; no IP address is recorded (DESIGN.md §3).
    """
    public = actor is None
    if org.kind not in BODY_KINDS or not org.is_active:
        raise ValidationError({"org": "只能向纪委监委或乡镇（街道）纪（工）委登记信访举报"})
    if not public and not covers(actor, Cap.REPORT_HANDLE, org):
        raise PermissionDenied("没有在该机关登记信访举报的权限")
    data = validate_input(data, public=public)
    person_ids = [s.person_id for s in data.subjects if s.person_id]
    if person_ids and Person.objects.filter(pk__in=person_ids).count() != len(set(person_ids)):
        raise ValidationError({"subjects": "所选监察对象不存在"})

    with transaction.atomic():
        number = _new_report_number(org)
        code = querycode.new_code() if public else None
        report = Report.objects.create(
            number=number,
            org=org,
            origin_org=org,
            channel=data.channel,
            received_on=data.received_on,
            arrived_on=data.received_on,
            registered_by=actor,
            is_real_name=data.is_real_name,
            identity_enc=seal(data.identity, report_number=number),
            title=data.title,
            content=data.content,
            category=data.category,
            occurred_when=data.occurred_when,
            occurred_where=data.occurred_where,
            received_by=data.received_by,
            visitor_count=data.visitor_count,
            source_body=data.source_body,
            source_ref=data.source_ref,
            query_locator=querycode.locator(code) if code else None,
            query_hash=querycode.slow_hash(code) if code else "",
        )
        ReportSubject.objects.bulk_create(
            ReportSubject(
                report=report,
                position=i,
                name=s.name,
                unit_name=s.unit_name,
                post=s.post,
                person_id=s.person_id,
            )
            for i, s in enumerate(data.subjects)
        )
        _write_transition(report, Action.REGISTER, "", actor, from_org=None)
        clocks.start_clock(
            report=report, kind=ClockKind.ROUTE, org=org, starts_on=report.arrived_on
        )
        if report.is_real_name:
            clocks.start_clock(
                report=report,
                kind=ClockKind.ACCEPT_NOTICE,
                org=org,
                starts_on=report.received_on,
            )
        record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=report,
            org=org,
            detail=f"登记信访举报（{report.get_channel_display()}）",
            request=None if public else request,
            actor_name="" if actor else "网上举报人",
        )
        for indexer in report_indexers:
            indexer(report)
        if data.about_head:
            _send_up_about_head(report, actor)
    return Registered(report, code)


def _send_up_about_head(report: Report, actor: Any) -> None:
    body = report.org
    report.hidden_from = body
    reason = "反映本机关主要负责人问题，径送上级，本机关不留存、不扩散"
    parent: Org | None = body.parent
    if parent is not None and parent.kind in BODY_KINDS:
        _move(report, parent, Action.SEND_UP, actor, reason)
    else:
        clocks.meet_clock(report=report, kind=ClockKind.ROUTE)
        clocks.drop_clock(report=report, kind=ClockKind.ACCEPT_NOTICE)
        report.transfer_to = "上级纪委监委"
        old = report.status
        report.status = Status.SENT_UP
        report.save(update_fields=["hidden_from", "transfer_to", "status", "updated_at"])
        _write_transition(report, Action.SEND_UP, old, actor, reason=reason, from_org=body)


# -- steps -------------------------------------------------------------------------------


def _may_handle(actor: Any, report: Report, cap: Cap = Cap.REPORT_HANDLE) -> bool:
    """The holding body's handlers, and the handling department's, may act on a report."""
    return covers(actor, cap, report.org) or (
        report.handling_dept is not None and covers(actor, cap, report.handling_dept)
    )


def _lock(report: Report, action: Action, actor: Any) -> Report:
    """Re-read ``report`` under a row lock and check the actor and the step are allowed."""
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("org", "handling_dept")
        .get(pk=report.pk)
    )
    step = STEPS[action]
    if not _may_handle(actor, locked, step.cap):
        raise PermissionDenied("没有办理该信访件的权限")
    if not allowed(action, locked.status):
        raise ValidationError(f"信访件当前状态为“{locked.get_status_display()}”，不能{step.label}")
    return locked


def _write_transition(
    report: Report,
    action: Action,
    from_status: str,
    actor: Any,
    *,
    reason: str = "",
    from_org: Org | None,
) -> Transition:
    return Transition.objects.create(
        report=report,
        action=action,
        from_status=from_status,
        to_status=report.status,
        from_org=from_org,
        to_org=report.org,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )


def _audit_step(
    report: Report, action: Action, actor: Any, changes: dict[str, Any], request: HttpRequest | None
) -> None:
    record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=report,
        org=report.org,
        changes=changes,
        detail=str(STEPS[action].label),
        request=request,
    )


def _reason(reason: str, *, required: bool = True) -> str:
    reason = clean_text(
        reason, field_name="reason", label="理由", max_length=1000, required=required
    )
    if required and len(reason) < REASON_MIN:
        raise ValidationError({"reason": f"理由至少{REASON_MIN}个字"})
    return reason


def classify(
    *, report: Report, klass: str, actor: Any, request: HttpRequest | None = None
) -> Report:
    """Set the class: 检举控告 / 申诉 / 批评建议 (不予受理 goes through ``refuse``)."""
    if klass not in (ReportClass.ACCUSATION, ReportClass.APPEAL, ReportClass.SUGGESTION):
        raise ValidationError({"klass": "请选择信访类别（不予受理请使用“不予受理”）"})
    with transaction.atomic():
        report = _lock(report, Action.CLASSIFY, actor)
        old = report.klass
        report.klass = klass
        report.save(update_fields=["klass", "updated_at"])
        _write_transition(
            report,
            Action.CLASSIFY,
            report.status,
            actor,
            from_org=report.org,
            reason=report.get_klass_display(),
        )
        _audit_step(report, Action.CLASSIFY, actor, {"klass": [old, klass]}, request)
    return report


def accept(
    *,
    report: Report,
    actor: Any,
    split_leads: bool = False,
    request: HttpRequest | None = None,
) -> Report:
    """受理 a classified report here; a 检举控告 becomes one 问题线索, or one per subject.

    Meets the 5-working-day routing clock (DOMAIN.md §2). The 受理告知 clock keeps running
    until the notice is given.
    """
    with transaction.atomic():
        report = _lock(report, Action.ACCEPT, actor)
        if not report.klass:
            raise ValidationError({"klass": "请先确定信访类别，再受理"})
        old = report.status
        report.status = Status.ACCEPTED
        report.save(update_fields=["status", "updated_at"])
        clocks.meet_clock(report=report, kind=ClockKind.ROUTE)
        if report.klass == ReportClass.ACCUSATION:
            _create_leads(report, actor, split=split_leads)
        _write_transition(report, Action.ACCEPT, old, actor, from_org=report.org)
        _audit_step(report, Action.ACCEPT, actor, {"status": [old, report.status]}, request)
    return report


def _create_leads(report: Report, actor: Any, *, split: bool) -> list[Lead]:
    subjects = list(report.subjects.all())
    groups = [[s] for s in subjects] if split else [subjects]
    leads = []
    for group in groups:
        names = "、".join(s.name or s.unit_name for s in group)
        first = group[0] if group else None
        lead = Lead.objects.create(
            number=new_lead_number(report.org),
            org=report.org,
            source=LeadSource.REPORT,
            report=report,
            subject_name=names[:100],
            subject_unit=first.unit_name if first else "",
            subject_post=first.post if first else "",
            person_id=first.person_id if first and len(group) == 1 else None,
            summary=f"反映{names}：{report.title}",
            handling_dept=report.handling_dept,
            hidden_from=report.hidden_from,
            created_by=actor,
        )
        lead.subjects.set(group)
        record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=lead,
            org=report.org,
            detail=f"由信访件 {report.number} 形成问题线索",
        )
        leads.append(lead)
    return leads


def refuse(
    *,
    report: Report,
    refuse_reason: str,
    reason: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> Report:
    """不予受理 with one of the rule's grounds and a written reason (DOMAIN.md §2).

    A real-name reporter is still told (the 受理告知 clock stays open until the notice).
    """
    if refuse_reason not in RefuseReason.values:
        raise ValidationError({"refuse_reason": "请选择不予受理的理由"})
    reason = _reason(reason)
    with transaction.atomic():
        report = _lock(report, Action.REFUSE, actor)
        old = report.status
        report.klass = ReportClass.REFUSED
        report.refuse_reason = refuse_reason
        report.status = Status.REFUSED
        report.save(update_fields=["klass", "refuse_reason", "status", "updated_at"])
        clocks.meet_clock(report=report, kind=ClockKind.ROUTE)
        _write_transition(report, Action.REFUSE, old, actor, reason=reason, from_org=report.org)
        _audit_step(report, Action.REFUSE, actor, {"status": [old, report.status]}, request)
    return report


def _move(report: Report, target: Org, action: Action, actor: Any, reason: str) -> None:
    """Hand ``report`` to ``target``: it registers it and has 5 working days of its own."""
    source = report.org
    old = report.status
    clocks.meet_clock(report=report, kind=ClockKind.ROUTE)
    report.org = target
    report.arrived_on = timezone.localdate()
    report.status = Status.REGISTERED
    report.handling_dept = None
    report.save(
        update_fields=["org", "arrived_on", "status", "handling_dept", "hidden_from", "updated_at"]
    )
    clocks.start_clock(report=report, kind=ClockKind.ROUTE, org=target, starts_on=report.arrived_on)
    clocks.move_clocks(report=report, org=target)
    _write_transition(report, action, old, actor, reason=reason, from_org=source)


def forward_down(
    *,
    report: Report,
    target: Org,
    reason: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> Report:
    """Forward to a lower body (属于下级管辖), which must accept or forward it within 5
    working days of its arrival (DOMAIN.md §2)."""
    reason = _reason(reason)
    with transaction.atomic():
        report = _lock(report, Action.FORWARD_DOWN, actor)
        if (
            target.kind not in BODY_KINDS
            or not target.is_active
            or target.pk == report.org_id
            or not target.path.startswith(report.org.path)
        ):
            raise ValidationError({"target": "只能转给本机关下级的乡镇（街道）纪（工）委"})
        if report.hidden_from_id == target.pk:
            raise ValidationError({"target": "该件反映对象是该机关主要负责人，不能转给该机关"})
        source = report.org
        _move(report, target, Action.FORWARD_DOWN, actor, reason)
        _audit_step(
            report, Action.FORWARD_DOWN, actor, {"org": [source.name, target.name]}, request
        )
    return report


def send_up(
    *, report: Report, reason: str, actor: Any, request: HttpRequest | None = None
) -> Report:
    """Send to the level above (属于上级管辖) within 5 working days (DOMAIN.md §2).

    At the top body of this installation the report leaves the system: it is marked
    sent up, and the 受理告知 falls to the upper body.
    """
    reason = _reason(reason)
    with transaction.atomic():
        report = _lock(report, Action.SEND_UP, actor)
        source = report.org
        parent: Org | None = source.parent
        if parent is not None and parent.kind in BODY_KINDS and parent.is_active:
            _move(report, parent, Action.SEND_UP, actor, reason)
        else:
            old = report.status
            clocks.meet_clock(report=report, kind=ClockKind.ROUTE)
            clocks.drop_clock(report=report, kind=ClockKind.ACCEPT_NOTICE)
            report.status = Status.SENT_UP
            report.transfer_to = "上级纪委监委"
            report.save(update_fields=["status", "transfer_to", "updated_at"])
            _write_transition(report, Action.SEND_UP, old, actor, reason=reason, from_org=source)
        _audit_step(report, Action.SEND_UP, actor, {"org": [source.name, report.org.name]}, request)
    return report


def transfer_out(
    *,
    report: Report,
    authority: str,
    reason: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> Report:
    """Transfer to another authority (not a commission matter of ours), with the reason."""
    authority = clean_text(
        authority, field_name="authority", label="移交机关", max_length=100, required=True
    )
    reason = _reason(reason)
    with transaction.atomic():
        report = _lock(report, Action.TRANSFER_OUT, actor)
        old = report.status
        report.status = Status.TRANSFERRED
        report.transfer_to = authority
        report.save(update_fields=["status", "transfer_to", "updated_at"])
        clocks.meet_clock(report=report, kind=ClockKind.ROUTE)
        clocks.drop_clock(report=report, kind=ClockKind.ACCEPT_NOTICE)
        _write_transition(
            report,
            Action.TRANSFER_OUT,
            old,
            actor,
            reason=f"移交{authority}：{reason}",
            from_org=report.org,
        )
        _audit_step(report, Action.TRANSFER_OUT, actor, {"transfer_to": ["", authority]}, request)
    return report


def assign(
    *,
    report: Report,
    department: Org,
    actor: Any,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Report:
    """Give an accepted report to one of the body's departments to handle."""
    reason = _reason(reason, required=False)
    with transaction.atomic():
        report = _lock(report, Action.ASSIGN, actor)
        if department.kind not in DEPARTMENT_KINDS or department.parent_id != report.org_id:
            raise ValidationError({"department": "承办部门须是本机关的内设部门或派驻组"})
        old = report.status
        old_dept = report.handling_dept.name if report.handling_dept else ""
        report.status = Status.ASSIGNED
        report.handling_dept = department
        report.save(update_fields=["status", "handling_dept", "updated_at"])
        # Leads not yet proposed for disposal follow the report; a lead already in a 呈批
        # or being handled keeps its department (moving it would void the approvals).
        report.leads.filter(status=LeadStatus.PENDING).update(handling_dept=department)
        _write_transition(
            report, Action.ASSIGN, old, actor, reason=reason or department.name, from_org=report.org
        )
        _audit_step(
            report, Action.ASSIGN, actor, {"handling_dept": [old_dept, department.name]}, request
        )
    return report


def mark_repeat(
    *,
    report: Report,
    earlier: Report,
    actor: Any,
    request: HttpRequest | None = None,
) -> Report:
    """Confirm ``report`` repeats ``earlier``: linked to the first, counted, and no second
    handling or 受理告知 (DOMAIN.md §2 "重复件")."""
    with transaction.atomic():
        report = _lock(report, Action.MARK_REPEAT, actor)
        first: Report = earlier.repeat_of or earlier
        if first.pk == report.pk:
            raise ValidationError({"earlier": "不能把信访件标为它自己的重复件"})
        old = report.status
        report.repeat_of = first
        report.status = Status.REPEAT
        report.save(update_fields=["repeat_of", "status", "updated_at"])
        Report.objects.filter(pk=first.pk).update(repeat_count=F("repeat_count") + 1)
        clocks.meet_clock(report=report, kind=ClockKind.ROUTE)
        clocks.drop_clock(report=report, kind=ClockKind.ACCEPT_NOTICE)
        RepeatCandidate.objects.filter(report=report, earlier=first).update(
            status=RepeatStatus.CONFIRMED, decided_by=actor, decided_at=timezone.now()
        )
        RepeatCandidate.objects.filter(report=report, status=RepeatStatus.PROPOSED).update(
            status=RepeatStatus.REJECTED, decided_by=actor, decided_at=timezone.now()
        )
        _write_transition(
            report,
            Action.MARK_REPEAT,
            old,
            actor,
            reason=f"重复件，首件 {first.number}",
            from_org=report.org,
        )
        _audit_step(report, Action.MARK_REPEAT, actor, {"repeat_of": ["", first.number]}, request)
    return report


def reject_repeat(*, report: Report, earlier: Report, actor: Any) -> None:
    """The officer decides a proposed candidate is not the same complaint."""
    with transaction.atomic():
        _lock(report, Action.CLASSIFY, actor)
        RepeatCandidate.objects.filter(
            report=report, earlier=earlier, status=RepeatStatus.PROPOSED
        ).update(status=RepeatStatus.REJECTED, decided_by=actor, decided_at=timezone.now())


def notify_acceptance(*, report: Report, actor: Any, request: HttpRequest | None = None) -> Report:
    """Give the real-name reporter the 受理告知 and issue the 受理告知书 (DOMAIN.md §2, §9).

    Meets the 15-working-day clock. Refused reports are told the same way (不予受理告知).
    """
    from qingfeng.documents.services import issue_accept_notice

    with transaction.atomic():
        report = _lock(report, Action.NOTIFY_ACCEPTANCE, actor)
        if not report.is_real_name:
            raise ValidationError("匿名举报无法告知举报人，无需受理告知")
        if report.accept_notice_on is not None:
            raise ValidationError("已经作出受理告知，不再重复告知")
        report.accept_notice_on = timezone.localdate()
        report.save(update_fields=["accept_notice_on", "updated_at"])
        clocks.meet_clock(report=report, kind=ClockKind.ACCEPT_NOTICE)
        issue_accept_notice(report=report, actor=actor)
        _write_transition(
            report, Action.NOTIFY_ACCEPTANCE, report.status, actor, from_org=report.org
        )
        _audit_step(
            report,
            Action.NOTIFY_ACCEPTANCE,
            actor,
            {"accept_notice_on": ["", report.accept_notice_on]},
            request,
        )
    return report


def close(*, report: Report, result: str, actor: Any, request: HttpRequest | None = None) -> Report:
    """办结 with the result; a real-name reporter must hear it within 15 working days."""
    result = clean_text(
        result, field_name="result", label="办理结果", max_length=5000, required=True
    )
    with transaction.atomic():
        report = _lock(report, Action.CLOSE, actor)
        old = report.status
        report.status = Status.CLOSED
        report.result = result
        report.closed_on = timezone.localdate()
        report.save(update_fields=["status", "result", "closed_on", "updated_at"])
        if report.is_real_name:
            clocks.start_clock(
                report=report,
                kind=ClockKind.RESULT_FEEDBACK,
                org=report.org,
                starts_on=report.closed_on,
            )
        _write_transition(report, Action.CLOSE, old, actor, reason=result, from_org=report.org)
        _audit_step(report, Action.CLOSE, actor, {"status": [old, report.status]}, request)
    return report


def record_feedback(
    *, report: Report, actor: Any, objection: str = "", request: HttpRequest | None = None
) -> Report:
    """Record the 结果反馈 given and any objection; issues the 处理结果反馈单.

    An anonymous report has no one to tell: it closes without a feedback document.
    """
    from qingfeng.documents.services import issue_result_feedback

    objection = clean_text(
        objection, field_name="objection", label="举报人意见", max_length=5000, required=False
    )
    with transaction.atomic():
        report = _lock(report, Action.RECORD_FEEDBACK, actor)
        old = report.status
        report.status = Status.FEEDBACK_GIVEN
        report.feedback_on = timezone.localdate()
        report.objection = objection
        report.save(update_fields=["status", "feedback_on", "objection", "updated_at"])
        clocks.meet_clock(report=report, kind=ClockKind.RESULT_FEEDBACK)
        if report.is_real_name:
            issue_result_feedback(report=report, actor=actor)
        _write_transition(
            report, Action.RECORD_FEEDBACK, old, actor, reason=objection, from_org=report.org
        )
        _audit_step(
            report, Action.RECORD_FEEDBACK, actor, {"status": [old, report.status]}, request
        )
    return report


# -- identity ----------------------------------------------------------------------------


def view_identity(
    *, report: Report, actor: Any, reason: str, request: HttpRequest | None = None
) -> Identity:
    """Release a real-name reporter's identity to an officer who gives a reason.

    DESIGN.md §3: shown only through an explicit request with a reason, logged, and
    visible to the reporter. The log and the audit row hold the reason, never the identity.
    """
    reason = _reason(reason)
    if not report.is_real_name:
        raise ValidationError("匿名举报没有举报人身份信息")
    if not covers(actor, Cap.REPORT_IDENTITY, report.org):
        raise PermissionDenied("没有查看举报人身份的权限")
    with transaction.atomic():
        IdentityAccess.objects.create(
            report=report, viewer=actor, viewer_org=actor.org, reason=reason
        )
        record(
            action=AuditAction.VIEW,
            actor=actor,
            obj=report,
            org=report.org,
            detail=f"查看举报人身份，理由：{reason}"[:500],
            request=request,
        )
    return unseal(report.identity_enc, report_number=report.number)


# -- messages ----------------------------------------------------------------------------


def post_message(
    *,
    report: Report,
    body: str,
    actor: Any = None,
    supplement: bool = False,
    request: HttpRequest | None = None,
) -> Message:
    """A message on the report: from the reporter (no actor, through the query code) or
    from an officer who may handle it. A reporter's 补充材料 is marked as a supplement."""
    body = clean_text(body, field_name="body", label="留言内容", max_length=5000, required=True)
    from_reporter = actor is None
    if not from_reporter and not _may_handle(actor, report):
        raise PermissionDenied("没有办理该信访件的权限")
    if report.status in (Status.SENT_UP, Status.TRANSFERRED) and from_reporter:
        raise ValidationError("该件已转出本系统办理，无法在此留言")
    with transaction.atomic():
        message = Message.objects.create(
            report=report,
            from_reporter=from_reporter,
            author=actor,
            body=body,
            is_supplement=supplement and from_reporter,
        )
        record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=report,
            org=report.org,
            detail="举报人补充材料" if message.is_supplement else "留言",
            request=None if from_reporter else request,
            actor_name="" if actor else "举报人",
        )
    return message
