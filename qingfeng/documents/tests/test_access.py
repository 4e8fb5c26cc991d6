"""Who may download a document and list a report's documents: every persona, in and out
of scope (404 like missing); anonymous users go to the login page (pages) or get 401 (API)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.documents.models import Document
from qingfeng.documents.selectors import public_documents_for
from qingfeng.documents.views import public_download
from qingfeng.intake import services

from .conftest import accepted_report

# A township report: the township and the county above it see it, the other township not.
EXPECTED = {
    "sysadmin": 200,
    "county_leader": 200,
    "petition_officer": 200,
    "township_secretary": 200,
    "other_officer": 404,
    "informant": 404,
    "auditor": 404,
}


@pytest.fixture
def document(county) -> Document:
    secretary = county.users["township_secretary"]
    report = accepted_report(secretary, county.township_a)
    services.notify_acceptance(report=report, actor=secretary)
    return Document.objects.get(report=report)


def _exports(document: Document) -> int:
    return AuditEvent.objects.filter(
        action=Action.EXPORT, object_type="documents.document", object_id=str(document.pk)
    ).count()


@pytest.mark.parametrize(("persona", "status"), EXPECTED.items())
def test_download_page_by_persona(login, document, persona, status):
    url = reverse("documents:download", args=[document.pk])
    before = _exports(document)
    response = login(persona).get(url)
    assert response.status_code == status
    if status == 200:
        body = b"".join(response.streaming_content)
        assert body.startswith(b"PK")
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=utf-8''{quote(document.number + '.docx')}" in disposition
        assert _exports(document) == before + 1
    else:
        assert _exports(document) == before


def test_download_missing_document_is_404_like_out_of_scope(login, document):
    url = reverse("documents:download", args=[document.pk + 1000])
    assert login("sysadmin").get(url).status_code == 404


def test_anonymous_download_goes_to_login(document):
    response = Client().get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(("persona", "status"), EXPECTED.items())
def test_api_list_and_file_by_persona(
    login, document, persona, status, django_assert_max_num_queries
):
    client = login(persona)
    with django_assert_max_num_queries(12):
        listing = client.get(f"/api/reports/{document.report_id}/documents")
    assert listing.status_code == status
    file = client.get(f"/api/documents/{document.pk}/file")
    assert file.status_code == status
    if status == 200:
        items = listing.json()
        assert [(i["id"], i["number"], i["kind"], i["title"]) for i in items] == [
            (document.pk, document.number, "accept_notice", "受理告知书")
        ]
        assert "issued_at" in items[0]
        assert b"".join(file.streaming_content).startswith(b"PK")
        assert "filename*=utf-8''" in file["Content-Disposition"]
    else:
        assert listing.json()["detail"] == "未找到"


def test_api_anonymous_is_401(document):
    client = Client()
    assert client.get(f"/api/reports/{document.report_id}/documents").status_code == 401
    assert client.get(f"/api/documents/{document.pk}/file").status_code == 401


def test_public_selector_and_download_are_limited_to_the_report(county, document):
    report = document.report
    assert list(public_documents_for(report)) == [document]
    request = RequestFactory().get("/portal/x", REMOTE_ADDR="203.0.113.9")
    response = public_download(request, report, document.pk)
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=Action.EXPORT, object_id=str(document.pk)).last()
    assert event is not None and event.ip == "" and event.actor_id is None
    officer = county.users["petition_officer"]
    other = accepted_report(officer, county.county)
    with pytest.raises(Http404):
        public_download(request, other, document.pk)
