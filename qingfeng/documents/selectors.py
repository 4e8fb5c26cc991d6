"""Reads of issued documents, restricted to the reader's scope in the query (DESIGN.md §3).

A document is visible exactly when the record it was issued for is: its report
(``reports_visible_to``), its lead (``leads_visible_to``, which also hides a lead about a
body's own head from that body) or its case (``cases_visible_to``: the body handling it and,
while in 审理, the reviewing body). Out of scope answers 404 like a missing document.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from qingfeng.cases.case_selectors import cases_visible_to
from qingfeng.cases.models import Case, Lead
from qingfeng.cases.selectors import leads_visible_to
from qingfeng.documents.models import Document
from qingfeng.intake.models import Report
from qingfeng.intake.selectors import reports_visible_to


def documents_visible_to(user: Any) -> QuerySet[Document]:
    """Documents of the reports, leads and cases the user may read (DESIGN.md §3: scope in
    the query)."""
    return Document.objects.filter(
        Q(report__in=reports_visible_to(user).values("pk"))
        | Q(lead__in=leads_visible_to(user).values("pk"))
        | Q(case__in=cases_visible_to(user).values("pk"))
    )


def get_document_for_user(user: Any, pk: int) -> Document:
    """One document, or 404 when missing or its record is outside the user's scope alike."""
    document = (
        documents_visible_to(user)
        .select_related("report", "lead", "case", "org")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    return document


def documents_of_report(report: Report) -> QuerySet[Document]:
    """The documents of a report the caller already holds in scope, newest first."""
    return Document.objects.filter(report=report).order_by("-issued_at", "-id")


def documents_of_lead(lead: Lead) -> QuerySet[Document]:
    """The documents of a lead the caller already holds in scope, newest first."""
    return Document.objects.filter(lead=lead).order_by("-issued_at", "-id")


def documents_of_case(case: Case) -> QuerySet[Document]:
    """The documents of a case the caller already holds in scope (``get_case_for_user``),
    newest first."""
    return Document.objects.filter(case=case).order_by("-issued_at", "-id")


def public_documents_for(report: Report) -> QuerySet[Document]:
    """What the reporter sees through the query code: the documents issued to them.

    The portal shows ``body_text`` (the same words as the DOCX, which names no one,
    DOMAIN.md §2), newest first. ``report`` must come from ``report_for_code``.
    """
    return documents_of_report(report)
