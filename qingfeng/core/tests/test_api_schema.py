from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_document_lists_every_module():
    resp = pytest.importorskip("django.test").Client().get("/api/openapi.json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    for expected in (
        "/api/me",
        "/api/users",
        "/api/orgs",
        "/api/units",
        "/api/persons",
        "/api/zones",
        "/api/staffing",
        "/api/audit/events",
        "/api/calendar/deadline",
    ):
        assert expected in paths, expected


def test_api_docs_page(client):
    assert client.get("/api/docs").status_code == 200


def test_api_requires_authentication(client):
    resp = client.get("/api/persons")
    assert resp.status_code == 401
    assert resp.json()["detail"] == "未登录或令牌无效"
