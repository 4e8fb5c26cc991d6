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


def _schema_classes(cls: type) -> set[type]:
    out: set[type] = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _schema_classes(sub)
    return out


def test_no_two_schemas_share_a_name(client):
    """ninja keys the document's components by class name and keeps the last one, so two
    schemas of one name would document one endpoint with the other's fields (the staff
    ``POST /api/reports`` once showed the public form's)."""
    from ninja import Schema

    spec = client.get("/api/openapi.json").json()
    ours = [s for s in _schema_classes(Schema) if s.__module__.startswith("qingfeng.")]
    by_name: dict[str, list[str]] = {}
    for s in ours:
        by_name.setdefault(s.__name__, []).append(s.__module__)
    assert {n: m for n, m in by_name.items() if len(m) > 1} == {}
    components = spec["components"]["schemas"]
    report_in = components["ReportIn"]["properties"]
    assert "org_id" in report_in and "body_id" not in report_in
    assert "body_id" in components["PublicReportIn"]["properties"]
