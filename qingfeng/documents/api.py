"""Documents API: a report's issued documents and their DOCX files, scoped like the pages.

A report or document outside the caller's scope answers 404 like a missing one.
"""

# No ``from __future__ import annotations``: django-ninja resolves the annotations.
from datetime import datetime

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema

from qingfeng.documents.selectors import documents_of_report, get_document_for_user
from qingfeng.documents.services import record_download
from qingfeng.documents.views import file_response
from qingfeng.intake.selectors import get_report_for_user

router = Router(tags=["文书"])


class DocumentOut(Schema):
    id: int
    kind: str
    kind_display: str
    number: str
    title: str
    issued_at: datetime


@router.get(
    "/reports/{int:report_id}/documents",
    response=list[DocumentOut],
    summary="信访件的文书（受理告知书、处理结果反馈单），新的在前",
)
def list_report_documents(request: HttpRequest, report_id: int) -> list[dict[str, object]]:
    user = request.auth  # type: ignore[attr-defined]
    report = get_report_for_user(user, report_id)
    return [
        {
            "id": d.pk,
            "kind": d.kind,
            "kind_display": d.get_kind_display(),
            "number": d.number,
            "title": d.title,
            "issued_at": d.issued_at,
        }
        for d in documents_of_report(report)
    ]


@router.get(
    "/documents/{int:document_id}/file",
    summary="下载文书 DOCX（记入审计）",
    response={200: None},
)
def download_document(request: HttpRequest, document_id: int) -> FileResponse:
    user = request.auth  # type: ignore[attr-defined]
    document = get_document_for_user(user, document_id)
    response = file_response(document)
    record_download(document=document, actor=user, request=request)
    return response
