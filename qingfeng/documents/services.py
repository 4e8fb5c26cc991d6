"""Issuing the reporter's documents: 受理告知书 and 处理结果反馈单 (DOMAIN.md §2, §9).

Both are called by ``qingfeng.intake.services`` inside the step's transaction, so the
number, the file, the row and the audit entry commit (or roll back) with the step. The
documents speak to "举报人" only: they never carry the reporter's identity, nor the names of
the persons reported on (DOMAIN.md §2: "nothing may reach the person reported on; checks
must not reveal the reporter").

``issue_numbered`` is the one way any document is numbered, stored and audited; the lead
documents of ``documents.lead_docs`` use it too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.audit.models import Action
from qingfeng.audit.services import record
from qingfeng.cases.models import Case, Lead
from qingfeng.documents.docx import OfficialDocument, build_docx, chinese_date
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.documents.numbering import format_number, next_number
from qingfeng.intake.models import RefuseReason, Report, Status
from qingfeng.orgs.models import Org

# 文号代字 per kind: 清河纪信告〔2026〕3号, 清河纪信馈〔2026〕1号.
SERIES = {
    DocumentKind.ACCEPT_NOTICE: "信告",
    DocumentKind.RESULT_FEEDBACK: "信馈",
}
ADDRESSEE = "举报人"
RULES = "《纪检监察机关处理检举控告工作规则》"
SUBJECT_PLACEHOLDER = "被反映人"

_BODY_SUFFIXES = ("纪委监委", "纪工委", "纪委", "监委")
_AREA_SUFFIXES = ("自治县", "自治州", "街道", "县", "市", "区", "镇", "乡")

_REFUSAL_ADVICE = {
    RefuseReason.LITIGATION: "请依照法律规定的程序向有关机关提出。",
    RefuseReason.OTHER_BODY: "请向有权处理的机关反映。",
    RefuseReason.NO_SUBSTANCE: "如有具体的事实和证据材料，可补充后重新向本机关反映。",
}


def document_prefix(org: Org) -> str:
    """The issuer's short name in a number: 清河县纪委监委 → 清河纪, 东坝镇纪委 → 东坝纪.

    Deterministic, so a body's numbers always print the same way (DOMAIN.md §9).
    """
    name = org.name.strip()
    for suffix in _BODY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    for suffix in _AREA_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            name = name[: -len(suffix)]
            break
    return f"{name}纪"


def issue_accept_notice(*, report: Report, actor: Any) -> Document:
    """Issue the 受理告知书 (or 不予受理告知书) of a real-name report.

    DOMAIN.md §2: a real-name reporter is told within 15 working days of receipt that the
    report was accepted (or, with the ground, that it was not). Called by
    ``intake.services.notify_acceptance`` inside its transaction.
    """
    received = chinese_date(report.received_on)
    opening = f"您于{received}反映的问题（登记编号：{report.number}）已收悉。"
    if report.status == Status.REFUSED:
        title = "不予受理告知书"
        reason = RefuseReason(report.refuse_reason) if report.refuse_reason else None
        ground = f"您反映的问题{reason.label}，" if reason is not None else ""
        paragraphs = [
            f"{opening}经审查，{ground}根据{RULES}有关规定，本机关决定不予受理。",
            _REFUSAL_ADVICE[reason] if reason is not None else "",
            "特此告知。",
        ]
    else:
        title = "受理告知书"
        paragraphs = [
            f"{opening}经审查，根据{RULES}有关规定，本机关已依规受理，现正在办理中。",
            "本机关将依规依纪依法对举报人信息严格保密。如有新的情况或证据材料，"
            "可继续向本机关反映；办理结束后，本机关将依规向您反馈处理结果。",
            "特此告知。",
        ]
    return _issue(
        report=report,
        actor=actor,
        kind=DocumentKind.ACCEPT_NOTICE,
        title=title,
        paragraphs=[p for p in paragraphs if p],
    )


def issue_result_feedback(*, report: Report, actor: Any) -> Document:
    """Issue the 处理结果反馈单 of a closed real-name report, with how to object.

    DOMAIN.md §2: the outcome is told within 15 working days of closing; an objection is
    recorded and new evidence in it must be checked. The result is copied with the names of
    the persons reported on replaced by "被反映人". Called by
    ``intake.services.record_feedback`` inside its transaction.
    """
    received = chinese_date(report.received_on)
    closed = f"（办结日期：{chinese_date(report.closed_on)}）" if report.closed_on else ""
    result = _without_subject_names(report, report.result)
    result_paragraphs = [line.strip() for line in result.splitlines() if line.strip()]
    paragraphs = [
        f"您于{received}反映的问题（登记编号：{report.number}），"
        f"本机关已依规办理完毕{closed}。现将处理结果反馈如下：",
        *(result_paragraphs or ["已依规依纪依法处理。"]),
        "如对处理结果有异议，可在收到本反馈单后向本机关书面提出，并说明理由；"
        "提供新的事实或证据材料的，本机关将依规核查。",
        "特此反馈。",
    ]
    return _issue(
        report=report,
        actor=actor,
        kind=DocumentKind.RESULT_FEEDBACK,
        title="处理结果反馈单",
        paragraphs=paragraphs,
    )


def _issue(
    *, report: Report, actor: Any, kind: DocumentKind, title: str, paragraphs: list[str]
) -> Document:
    """Number, build, store and audit one document of ``report`` in one transaction."""
    org = report.org
    if not covers(actor, Cap.REPORT_HANDLE, org) and not (
        report.handling_dept is not None and covers(actor, Cap.REPORT_HANDLE, report.handling_dept)
    ):
        raise PermissionDenied("没有办理该信访件的权限")
    today = timezone.localdate()

    def render(number: str) -> bytes:
        return build_docx(
            OfficialDocument(
                title_lines=(org.name, title),
                number=number,
                addressee=ADDRESSEE,
                paragraphs=paragraphs,
                issuer=org.name,
                date=today,
            )
        )

    return issue_numbered(
        org=org,
        kind=kind,
        series=SERIES[kind],
        title=title,
        issued_on=today,
        render=render,
        body_text="\n".join([f"{ADDRESSEE}：", *paragraphs, org.name, chinese_date(today)]),
        actor=actor,
        report=report,
        about=f"信访件 {report.number}",
    )


def issue_numbered(
    *,
    org: Org,
    kind: DocumentKind,
    series: str,
    title: str,
    issued_on: dt.date,
    render: Callable[[str], bytes],
    body_text: str,
    actor: Any,
    about: str,
    report: Report | None = None,
    lead: Lead | None = None,
    case: Case | None = None,
) -> Document:
    """Take the next number of ``org``'s ``series``, render the DOCX with it, store the file
    and the row with its record, and audit — in the caller's transaction.

    DOMAIN.md §9: numbers run in order per issuing body and year, never twice
    (``numbering.next_number`` holds the sequence's row lock until the caller commits; a
    rolled-back step gives its number out again). The caller has checked the actor's right
    to issue; ``render`` gets the printed number (e.g. 东坝纪线处〔2026〕3号).
    """
    year = issued_on.year
    with transaction.atomic():
        seq = next_number(org=org, series=series, year=year)
        number = format_number(prefix=f"{document_prefix(org)}{series}", year=year, seq=seq)
        document = Document(
            org=org,
            kind=kind,
            series=series,
            year=year,
            seq=seq,
            number=number,
            title=title[:200],
            report=report,
            lead=lead,
            case=case,
            issued_by=actor,
            body_text=body_text,
        )
        # The stored name comes from ``document_path`` (body, year, kind, number), never
        # from anything a reporter or an officer wrote.
        document.file.save(f"{kind}-{seq}.docx", ContentFile(render(number)), save=False)
        document.save()
        record(
            action=Action.CREATE,
            actor=actor,
            obj=document,
            org=org,
            detail=f"生成{title} {number}（{about}）",
        )
    return document


def _without_subject_names(report: Report, text: str) -> str:
    """``text`` with every reported person's name replaced by "被反映人"."""
    names = sorted(
        {n for n in report.subjects.values_list("name", flat=True) if len(n.strip()) >= 2},
        key=len,
        reverse=True,
    )
    if not names:
        return text
    pattern = re.compile("|".join(re.escape(n.strip()) for n in names))
    return pattern.sub(SUBJECT_PLACEHOLDER, text)


def record_download(*, document: Document, actor: Any, request: Any = None) -> None:
    """Audit one download of a document's DOCX (DESIGN.md §3: every export is logged).

    A reporter's download through the query code is logged without the request, so no
    public address is stored (DESIGN.md §3).
    """
    record(
        action=Action.EXPORT,
        actor=actor,
        obj=document,
        org=document.org_id,
        detail=f"下载{document.title} {document.number}",
        request=request if actor is not None else None,
    )
