"""Downloading an issued document's DOCX: staff in scope, or the reporter via the portal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from qingfeng.documents.models import Document
from qingfeng.documents.selectors import get_document_for_user, public_documents_for
from qingfeng.documents.services import record_download
from qingfeng.intake.models import Report

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_response(document: Document) -> FileResponse:
    """The DOCX as an attachment named by its number (RFC 5987 ``filename*`` for 〔〕 and
    Chinese, an ASCII ``filename`` for old clients)."""
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=f"{document.number}.docx", content_type=DOCX
    )


@require_GET
@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    """Staff download; 404 unless the document's report is in the user's scope."""
    document = get_document_for_user(request.user, pk)
    response = file_response(document)
    record_download(document=document, actor=request.user, request=request)
    return response


def public_download(request: HttpRequest, report: Report, pk: int) -> FileResponse:
    """For the portal, once the query code has opened ``report``: one of its documents.

    The caller must have resolved ``report`` through ``report_for_code``; any other
    document answers 404. Logged without the request (no public address is stored).
    """
    document = public_documents_for(report).filter(pk=pk).first()
    if document is None:
        raise Http404
    response = file_response(document)
    record_download(document=document, actor=None)
    return response
