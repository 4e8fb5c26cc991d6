"""The reporter's identity is nowhere but in its encrypted field (issue 3 acceptance).

A real-name report goes through the portal and the whole handling path — classified,
accepted, assigned, notified, identity viewed with a reason, closed, feedback given —
and then every place a copy could land is searched for the name, ID number and phone:
a dump of every table (including the full-text index and its shadow tables), the
stored files (evidence, issued documents), the log records emitted meanwhile, and every
export (report list, monthly statistics, audit log).
"""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from qingfeng.intake import services
from qingfeng.intake.models import Report, ReportClass
from qingfeng.portal.tests.helpers import (
    ID_NUMBER,
    code_from,
    gps_jpeg,
    post_report,
    real_name_fields,
)

NAME = "欧阳举报"
PHONE = "13912345678"
SECRETS = (NAME, ID_NUMBER, PHONE)


def dump_all_tables() -> str:
    """Every row of every table as text, blobs decoded leniently (a plaintext dump)."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor, include_views=False):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value).decode("utf-8", "ignore"))
                    else:
                        parts.append(str(value))
    return "\n".join(parts)


def office_text(content: bytes) -> str:
    """The XML of an xlsx/docx package, concatenated."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return "\n".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())


def stored_files_text() -> str:
    storage: Any = settings.STORAGES["default"]
    root = Path(storage["OPTIONS"]["location"])
    texts = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            texts.append(office_text(data) if data[:2] == b"PK" else data.decode("utf-8", "ignore"))
    return "\n".join(texts)


def assert_absent(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret} found in {where}"


@pytest.mark.django_db
def test_identity_appears_only_encrypted(county: Any, login: Any, settings: Any, caplog: Any):
    settings.PORTAL_CHALLENGE_MAX_NUMBER = 50
    caplog.set_level(logging.DEBUG)
    public = Client(REMOTE_ADDR="198.51.100.9")
    fields = real_name_fields(
        county.county.pk, reporter_name=NAME, reporter_phone=PHONE, reporter_unit="清河县某厂"
    )
    response = post_report(public, fields, files=[gps_jpeg()])
    assert response.status_code == 200, response.content.decode()[:500]
    code = code_from(response)
    report = Report.objects.get()
    assert report.is_real_name and report.identity_enc

    officer = county.users["petition_officer"]
    services.classify(report=report, klass=ReportClass.ACCUSATION, actor=officer)
    services.accept(report=report, actor=officer)
    services.assign(report=report, department=county.petition_dept, actor=officer)
    services.notify_acceptance(report=report, actor=officer)
    identity = services.view_identity(report=report, actor=officer, reason="电话核实举报内容")
    assert identity.name == NAME and identity.phone == PHONE
    services.post_message(report=report, body="请补充低保名单的照片", actor=officer)
    services.close(report=report, result="经核实，反映问题属实，已作处理。", actor=officer)
    services.record_feedback(report=report, actor=officer)

    # The reporter follows up with the code; the page is theirs and may say "实名".
    status = public.post("/portal/query/", {"code": code}, follow=True)
    assert status.status_code == 200

    # Staff pages and exports.
    client = login("petition_officer")
    detail = client.get(f"/reports/{report.pk}/").content.decode()
    assert_absent(detail, "the detail page before an identity request")
    listing = client.get("/reports/").content.decode()
    assert_absent(listing, "the report list")
    export = client.get("/reports/export/")
    assert export.status_code == 200
    assert_absent(office_text(export.content), "the report list export")
    stats = client.get("/reports/stats/export/")
    assert stats.status_code == 200
    assert_absent(office_text(stats.content), "the statistics export")
    search = client.get("/reports/search/", {"q": NAME}).content.decode()
    assert "0" in search and report.number not in search
    audit_export = login("auditor").get("/audit/export/")
    assert audit_export.status_code == 200
    assert_absent(office_text(audit_export.content), "the audit log export")

    # The one place it shows: the response to a reasoned request (and the grep sees it).
    shown = client.post(f"/reports/{report.pk}/identity/", {"identity-reason": "再次电话核实"})
    assert NAME in shown.content.decode() and shown["Cache-Control"].startswith("no-store")

    assert_absent(dump_all_tables(), "a dump of the database")
    assert_absent(stored_files_text(), "stored files (evidence and documents)")
    assert_absent("\n".join(r.getMessage() for r in caplog.records), "the logs")
