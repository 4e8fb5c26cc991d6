"""What a member of the public may read: the bodies to report to, and — with the query
code — the public view of their own report (DOMAIN.md §2, DESIGN.md §3).

The public view is built here, field by field, so that nothing internal (officers' names,
the identity, the reasons given for viewing it, internal transitions) can slip through a
template or the API by accident.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from qingfeng.intake.models import Report, Status
from qingfeng.orgs.models import Org, OrgKind

# Bodies a member of the public reports to: the county 纪委监委 and the township/street 纪委.
PUBLIC_BODY_KINDS = (OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.STREET)

ACCEPT_NOTICE = "accept_notice"
RESULT_FEEDBACK = "result_feedback"

_STATUS_TEXT = {
    Status.REGISTERED: "已收到，正在登记分办",
    Status.ACCEPTED: "已受理，正在办理",
    Status.ASSIGNED: "已受理，正在办理",
    Status.CLOSED: "已办结",
    Status.FEEDBACK_GIVEN: "已办结，已反馈办理结果",
    Status.REFUSED: "不予受理",
    Status.SENT_UP: "已按规定报送上级纪检监察机关办理",
    Status.TRANSFERRED: "已移交其他有权处理的机关办理",
    Status.REPEAT: "经核实为重复反映，已并入此前的同一问题一并办理",
}


def public_bodies() -> QuerySet[Org]:
    """Active bodies that accept public reports: county 纪委监委, township/street 纪委."""
    return Org.objects.filter(kind__in=PUBLIC_BODY_KINDS, is_active=True).order_by(
        "path", "sort_order"
    )


@dataclass(frozen=True)
class PublicNotice:
    kind: str  # accept_notice / result_feedback
    title: str
    number: str
    date: dt.date | None
    text: str


@dataclass(frozen=True)
class PublicMessage:
    from_reporter: bool
    author: str  # "您" or the body's name; never an officer's name
    body: str
    at: dt.datetime
    is_supplement: bool
    files: int


@dataclass(frozen=True)
class PublicIdentityView:
    at: dt.datetime
    org: str


@dataclass(frozen=True)
class PublicStatus:
    number: str
    received_on: dt.date
    body: str
    status: str
    status_text: str
    detail: str
    is_real_name: bool
    can_message: bool
    notices: list[PublicNotice] = field(default_factory=list)
    messages: list[PublicMessage] = field(default_factory=list)
    identity_views: list[PublicIdentityView] = field(default_factory=list)


def _status_detail(report: Report) -> str:
    if report.status == Status.REFUSED and report.refuse_reason:
        return f"理由：{report.get_refuse_reason_display()}"
    if report.status == Status.TRANSFERRED and report.transfer_to:
        return f"移交：{report.transfer_to}"
    return ""


def _notices(report: Report) -> list[PublicNotice]:
    """The 受理告知 and 结果反馈 given, from the issued documents when there are any."""
    notices: list[PublicNotice] = []
    kinds_seen: set[str] = set()
    for doc in report.documents.filter(kind__in=(ACCEPT_NOTICE, RESULT_FEEDBACK)).order_by(
        "issued_at", "id"
    ):
        kinds_seen.add(doc.kind)
        notices.append(
            PublicNotice(
                kind=doc.kind,
                title=str(doc.get_kind_display()),
                number=doc.number,
                date=timezone.localtime(doc.issued_at).date(),
                # Document.body_text is added by the documents module; until then the
                # notice shows without its text.
                text=str(getattr(doc, "body_text", "") or ""),
            )
        )
    if ACCEPT_NOTICE not in kinds_seen and report.accept_notice_on:
        notices.insert(
            0,
            PublicNotice(
                kind=ACCEPT_NOTICE,
                title="受理告知",
                number="",
                date=report.accept_notice_on,
                text=f"您反映的问题已由{report.org.name}受理。",
            ),
        )
    if RESULT_FEEDBACK not in kinds_seen and report.feedback_on and report.result:
        notices.append(
            PublicNotice(
                kind=RESULT_FEEDBACK,
                title="处理结果反馈",
                number="",
                date=report.feedback_on,
                text=report.result,
            )
        )
    return notices


def _body_name(org: Org) -> str:
    """The commission body an officer works for (a department is named by its body)."""
    if org.kind in (OrgKind.DEPARTMENT, OrgKind.DISPATCHED) and org.parent is not None:
        return org.parent.name
    return org.name


def public_status(report: Report) -> PublicStatus:
    """The reporter's view of ``report`` (opened with the query code).

    Shows the status, the notices, the messages with the handling body and each view of
    the identity (time and viewing body: DESIGN.md §3 "visible to the reporter"). Never
    the viewer's name or the reason, which may reveal the course of an inquiry, and
    never an officer's name.
    """
    report = Report.objects.select_related("org").get(pk=report.pk)
    messages = [
        PublicMessage(
            from_reporter=m.from_reporter,
            author="您" if m.from_reporter else report.org.name,
            body=m.body,
            at=m.at,
            is_supplement=m.is_supplement,
            files=len(m.attachments.all()),
        )
        for m in report.messages.prefetch_related("attachments").order_by("at", "id")
    ]
    views = [
        PublicIdentityView(at=v.at, org=_body_name(v.viewer_org))
        for v in report.identity_views.select_related("viewer_org__parent").order_by("at", "id")
    ]
    return PublicStatus(
        number=report.number,
        received_on=report.received_on,
        body=report.org.name,
        status=report.status,
        status_text=_STATUS_TEXT.get(Status(report.status), report.get_status_display()),
        detail=_status_detail(report),
        is_real_name=report.is_real_name,
        can_message=report.status not in (Status.SENT_UP, Status.TRANSFERRED),
        notices=_notices(report),
        messages=messages,
        identity_views=views,
    )
