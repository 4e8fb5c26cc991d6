"""Issuing 受理告知书 / 处理结果反馈单: numbers, contents, privacy, audit."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.documents.models import Document, DocumentKind, NumberSequence
from qingfeng.documents.numbering import next_number
from qingfeng.documents.services import (
    document_prefix,
    issue_accept_notice,
    issue_result_feedback,
)
from qingfeng.intake import services
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import RefuseReason
from qingfeng.orgs.models import Org

from .conftest import REPORTER, accepted_report, report_input


@pytest.fixture
def officer(county):
    return county.users["petition_officer"]


def _docx_text(document: Document) -> str:
    """All XML parts of the stored DOCX, concatenated (body, footers, metadata)."""
    with document.file.open("rb") as fh:
        data = fh.read()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))
        )


def test_prefix_is_derived_from_the_body_name(county):
    assert document_prefix(county.county) == "清河纪"
    assert document_prefix(county.township_a) == "东坝纪"
    assert document_prefix(Org(name="某某街道纪工委")) == "某某纪"
    assert document_prefix(Org(name="城区纪委")) == "城区纪"


def test_notify_acceptance_issues_a_numbered_notice_without_identity(county, officer):
    report = accepted_report(officer, county.county)
    services.notify_acceptance(report=report, actor=officer)
    document = Document.objects.get(report=report)
    year = timezone.localdate().year
    assert document.kind == DocumentKind.ACCEPT_NOTICE
    assert document.org == county.county
    assert (document.year, document.seq) == (year, 1)
    assert document.number == f"清河纪信告〔{year}〕1号"
    assert document.title == "受理告知书"
    assert document.file.name.endswith(".docx")
    assert "已依规受理" in document.body_text
    assert report.number in document.body_text
    assert "2026年2月13日" in document.body_text

    xml = _docx_text(document)
    assert document.number in xml and "已依规受理" in xml
    for secret in (
        REPORTER.name,
        REPORTER.id_number,
        REPORTER.phone,
        REPORTER.unit,
        REPORTER.address,
        "李建国",  # the person reported on
        "低保",  # nor the content of the report
    ):
        assert secret not in xml, secret
        assert secret not in document.body_text, secret
    event = AuditEvent.objects.get(
        action=Action.CREATE, object_type="documents.document", object_id=str(document.pk)
    )
    assert event.org_id == county.county.pk and document.number in event.detail


def test_numbers_run_1_2_3_per_body_and_year_and_restart_per_body(county, officer):
    secretary = county.users["township_secretary"]
    county_numbers = []
    for _ in range(3):
        report = accepted_report(officer, county.county)
        county_numbers.append(issue_accept_notice(report=report, actor=officer).seq)
    assert county_numbers == [1, 2, 3]
    township = accepted_report(secretary, county.township_a)
    doc = issue_accept_notice(report=township, actor=secretary)
    year = timezone.localdate().year
    assert (doc.seq, doc.number) == (1, f"东坝纪信告〔{year}〕1号")
    # Another year starts again at 1; another series (反馈单) is its own sequence.
    assert next_number(org=county.county, series="信告", year=year + 1) == 1
    assert next_number(org=county.county, series="信告", year=year) == 4
    assert NumberSequence.objects.get(org=county.county, series="信告", year=year).last == 4


def test_refused_report_gets_a_refusal_notice_with_the_ground(county, officer):
    report = services.register_report(actor=officer, org=county.county, data=report_input()).report
    services.refuse(
        report=report,
        refuse_reason=RefuseReason.LITIGATION,
        reason="已进入诉讼程序",
        actor=officer,
    )
    report.refresh_from_db()
    document = issue_accept_notice(report=report, actor=officer)
    assert document.title == "不予受理告知书"
    assert str(RefuseReason.LITIGATION.label) in document.body_text
    assert "不予受理" in _docx_text(document)
    assert REPORTER.name not in document.body_text


def test_feedback_states_result_and_objection_route_without_names(county, officer):
    report = accepted_report(officer, county.county)
    services.notify_acceptance(report=report, actor=officer)
    services.close(
        report=report,
        result="经核查，李建国优亲厚友问题属实，已给予党内警告处分。\n低保名额已重新评议。",
        actor=officer,
    )
    services.record_feedback(report=report, actor=officer)
    feedback = Document.objects.get(report=report, kind=DocumentKind.RESULT_FEEDBACK)
    year = timezone.localdate().year
    assert feedback.number == f"清河纪信馈〔{year}〕1号"
    assert "已给予党内警告处分" in feedback.body_text
    assert "被反映人优亲厚友问题属实" in feedback.body_text
    assert "异议" in feedback.body_text
    xml = _docx_text(feedback)
    assert "已给予党内警告处分" in xml
    for secret in ("李建国", REPORTER.name, REPORTER.phone, REPORTER.id_number):
        assert secret not in xml
        assert secret not in feedback.body_text
    kinds = list(Document.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == [DocumentKind.RESULT_FEEDBACK, DocumentKind.ACCEPT_NOTICE]


def test_anonymous_report_closes_without_feedback_document(county, officer):
    report = accepted_report(officer, county.county, is_real_name=False, identity=Identity())
    services.close(report=report, result="经核查，问题不属实。", actor=officer)
    services.record_feedback(report=report, actor=officer)
    assert not Document.objects.filter(report=report).exists()


def test_actor_outside_the_body_cannot_issue(county, officer):
    report = accepted_report(officer, county.county)
    with pytest.raises(PermissionDenied):
        issue_accept_notice(report=report, actor=county.users["other_officer"])
    assert not Document.objects.exists()


def test_rolled_back_step_gives_the_number_out_again(county, officer):
    report = accepted_report(officer, county.county)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert issue_accept_notice(report=report, actor=officer).seq == 1
        raise RuntimeError("the step failed after the document was issued")
    assert not Document.objects.exists()
    services.notify_acceptance(report=report, actor=officer)
    # A second notice is refused before anything is issued.
    with pytest.raises(ValidationError):
        services.notify_acceptance(report=report, actor=officer)
    other = accepted_report(officer, county.county, received_on=dt.date(2026, 3, 2))
    services.notify_acceptance(report=other, actor=officer)
    assert list(Document.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]


def test_issue_result_feedback_directly_for_a_closed_report(county, officer):
    report = accepted_report(officer, county.county)
    services.close(report=report, result="问题不属实，予以了结。", actor=officer)
    report.refresh_from_db()
    doc = issue_result_feedback(report=report, actor=officer)
    assert doc.seq == 1 and doc.kind == DocumentKind.RESULT_FEEDBACK
