"""Writes made by a member of the public: a web report with its evidence, a message.

Both go through the intake services (``register_report``, ``post_message``) and the shared
upload handling (``qingfeng.intake.uploads``) inside one transaction, so that a bad file
leaves no report behind (DESIGN.md §3 "Nothing is lost").
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from qingfeng.intake.models import Attachment, Message, Report
from qingfeng.intake.services import Registered, ReportInput, post_message, register_report
from qingfeng.intake.uploads import (
    LABEL,
    CleanFile,
    clean_upload,
    delete_stored_files,
    store_attachments,
)
from qingfeng.orgs.models import Org


def clean_files(files: Sequence[UploadedFile | CleanFile]) -> list[CleanFile]:
    """Check the files before anything is written (raises ``ValidationError`` on "files")."""
    files = [f for f in files if f is not None]
    limit = settings.PORTAL_MAX_FILES
    if len(files) > limit:
        raise ValidationError(
            {"files": f"{LABEL}每次最多上传 {limit} 个文件（当前 {len(files)} 个）"}
        )
    return [f if isinstance(f, CleanFile) else clean_upload(f) for f in files]


def submit_report(
    *, body: Org, data: ReportInput, files: Sequence[UploadedFile | CleanFile]
) -> Registered:
    """Register a public web report at ``body`` with its evidence, all or nothing.

    No actor and no request reach the intake service: a public report records no user
    and no IP address (DESIGN.md §3). The query code is returned once, never stored.
    """
    cleaned = clean_files(files)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            registered = register_report(actor=None, org=body, data=data)
            stored = store_attachments(report=registered.report, files=cleaned, from_reporter=True)
    except BaseException:
        delete_stored_files(stored)
        raise
    return registered


def reporter_message(
    *,
    report: Report,
    body: str,
    files: Sequence[UploadedFile | CleanFile] = (),
    supplement: bool = False,
) -> Message:
    """A reporter's message, or "补充材料" (a supplement with evidence files), all or nothing.

    DOMAIN.md §2: new evidence from the reporter must be checked, so it is kept as
    evidence of the report and marked as a supplement for the handling officer.
    """
    cleaned = clean_files(files)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            message = post_message(
                report=report, body=body, actor=None, supplement=supplement or bool(cleaned)
            )
            if cleaned:
                stored = store_attachments(
                    report=report, files=cleaned, from_reporter=True, message=message
                )
    except BaseException:
        delete_stored_files(stored)
        raise
    return message
