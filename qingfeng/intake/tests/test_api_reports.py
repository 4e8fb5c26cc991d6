"""Reports API (staff): register, detail, actions, identity, messages — every persona."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from qingfeng.audit.models import AuditEvent
from qingfeng.intake.models import (
    IdentityAccess,
    Message,
    RepeatCandidate,
    Report,
    Status,
)
from qingfeng.intake.tests.test_pages_detail import REPORTER_ID, make

RECEIVED = dt.date(2026, 2, 13)


def payload(county: Any, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "org_id": county.county.pk,
        "channel": "visit",
        "received_on": RECEIVED.isoformat(),
        "title": "村支书优亲厚友",
        "content": "李庄村支书把低保名额给了自己的亲戚。",
        "category": "masses",
        "subjects": [
            {"name": "李建国", "unit_name": "李庄村民委员会", "person_id": county.person_a.pk}
        ],
        "is_real_name": True,
        "identity": {"name": "张举报", "id_number": REPORTER_ID, "phone": "13912345678"},
        "visitor_count": 2,
        "received_by": "钱信访",
    }
    body.update(extra)
    return body


def post(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, content_type="application/json")


@pytest.fixture
def county_report(county) -> Report:
    return make(county.users["petition_officer"], county.county, real_name=True)


@pytest.fixture
def town_report(county) -> Report:
    return make(county.users["township_secretary"], county.township_a)


# -- register -------------------------------------------------------------------------------


def test_register_real_name_visit(login, county):
    resp = post(login("petition_officer"), "/api/reports", payload(county))
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["visible"] is True and body["status"] == Status.REGISTERED
    report = Report.objects.get(pk=body["id"])
    assert report.visitor_count == 2 and report.subjects.get().person == county.person_a
    assert "张举报" not in str(body)


@pytest.mark.parametrize(
    ("persona", "org", "status"),
    [
        ("township_secretary", "township_a", 201),
        ("other_officer", "township_b", 201),
        ("other_officer", "township_a", 400),
        ("township_secretary", "county", 400),
        ("county_leader", "county", 404),
        ("informant", "township_a", 404),
        ("auditor", "county", 404),
    ],
)
def test_register_scope(login, county, persona, org, status):
    data = payload(county, org_id=getattr(county, org).pk, subjects=[{"name": "某某"}])
    resp = post(login(persona), "/api/reports", data)
    assert resp.status_code == status
    if status == 400:
        assert resp.json()["field"] == "org_id"
    assert Report.objects.count() == (1 if status == 201 else 0)


def test_register_anonymous_401(client, county):
    assert post(client, "/api/reports", payload(county)).status_code == 401
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": ""}, "title"),
        ({"content": "内容\x00"}, "content"),
        (
            {
                "identity": {
                    "name": "张举报",
                    "phone": "13912345678",
                    "id_number": "370102198001010030",
                }
            },
            "reporter_id_number",
        ),
        ({"subjects": [{"name": f"人{i}"} for i in range(11)]}, "subjects"),
        ({"subjects": []}, "subjects"),
        ({"channel": "fax"}, "channel"),
        ({"received_on": "2026-13-01"}, "received_on"),
    ],
)
def test_register_bad_input(login, county, extra, field):
    resp = post(login("petition_officer"), "/api/reports", payload(county, **extra))
    assert resp.status_code in (400, 422)
    body = resp.json()
    assert body["field"] == field and body["detail"]
    assert not Report.objects.exists()


def test_register_person_out_of_scope(login, county):
    data = payload(
        county,
        org_id=county.township_a.pk,
        subjects=[{"name": "石秀英", "person_id": county.person_b.pk}],
    )
    resp = post(login("township_secretary"), "/api/reports", data)
    assert resp.status_code == 400 and resp.json()["field"] == "subjects.0.person_id"


def test_register_about_head_is_not_visible(login, county):
    data = payload(county, org_id=county.township_a.pk, about_head=True)
    client = login("township_secretary")
    resp = post(client, "/api/reports", data)
    assert resp.status_code == 201 and resp.json()["visible"] is False
    assert client.get(f"/api/reports/{resp.json()['id']}").status_code == 404


# -- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "county_status", "town_status"),
    [
        ("sysadmin", 200, 200),
        ("county_leader", 200, 200),
        ("petition_officer", 200, 200),
        ("township_secretary", 404, 200),
        ("other_officer", 404, 404),
        ("informant", 404, 404),
        ("auditor", 404, 404),
    ],
)
def test_detail_scope(login, county_report, town_report, persona, county_status, town_status):
    client = login(persona)
    assert client.get(f"/api/reports/{county_report.pk}").status_code == county_status
    assert client.get(f"/api/reports/{town_report.pk}").status_code == town_status


def test_detail_body_without_identity(login, county, county_report):
    earlier = make(county.users["petition_officer"], county.county, title="首件")
    RepeatCandidate.objects.create(report=county_report, earlier=earlier, score=0.8)
    resp = login("petition_officer").get(f"/api/reports/{county_report.pk}")
    body = resp.json()
    assert body["number"] == county_report.number and body["is_real_name"] is True
    for secret in ("张举报", REPORTER_ID, "13912345678"):
        assert secret not in resp.content.decode()
    assert {c["kind"] for c in body["clocks"]} == {"route", "accept_notice"}
    route = next(c for c in body["clocks"] if c["kind"] == "route")
    assert route["due_on"] == "2026-02-27"
    assert (route["days_left"] is None) != (route["days_overdue"] is None)
    assert [t["action"] for t in body["transitions"]] == ["register"]
    assert body["transitions"][0]["label"] == "登记"
    assert body["candidates"][0]["earlier_number"] == earlier.number
    assert "classify" in body["available_actions"]
    leader = login("county_leader").get(f"/api/reports/{county_report.pk}").json()
    assert leader["available_actions"] == []


def test_detail_anonymous_401(client, county_report):
    assert client.get(f"/api/reports/{county_report.pk}").status_code == 401
    assert client.get("/api/reports/999999").status_code == 401


# -- actions --------------------------------------------------------------------------------


def test_actions_full_path(login, county, county_report):
    client = login("petition_officer")
    base = f"/api/reports/{county_report.pk}/actions"
    resp = post(client, f"{base}/accept", {})
    assert resp.status_code == 400 and resp.json()["field"] == "klass"
    assert post(client, f"{base}/classify", {"klass": "accusation"}).status_code == 200
    assert post(client, f"{base}/accept", {"split_leads": True}).status_code == 200
    resp = post(client, f"{base}/assign", {"department_id": county.township_a.pk})
    assert resp.status_code == 400 and resp.json()["field"] == "department_id"
    resp = post(client, f"{base}/assign", {"department_id": county.petition_dept.pk})
    assert resp.status_code == 200 and resp.json()["status"] == Status.ASSIGNED
    assert post(client, f"{base}/notify_acceptance", {}).status_code == 200
    resp = post(client, f"{base}/notify_acceptance", {})
    assert resp.status_code == 400 and "不再重复告知" in resp.json()["detail"]
    assert post(client, f"{base}/close", {"result": "经核查属实"}).status_code == 200
    resp = post(client, f"{base}/record_feedback", {"objection": "无异议"})
    assert resp.status_code == 200 and resp.json()["status"] == Status.FEEDBACK_GIVEN
    assert post(client, f"{base}/explode", {}).status_code == 404


def test_refuse_forward_and_send_up(login, county, county_report, town_report):
    officer = login("petition_officer")
    base = f"/api/reports/{county_report.pk}/actions"
    resp = post(officer, f"{base}/refuse", {"refuse_reason": "no_substance", "reason": "短"})
    assert resp.status_code == 400 and resp.json()["field"] == "reason"
    resp = post(
        officer,
        f"{base}/forward_down",
        {"target_id": county.petition_dept.pk, "reason": "属于东坝镇管辖"},
    )
    assert resp.status_code == 400 and resp.json()["field"] == "target_id"
    resp = post(
        officer,
        f"{base}/forward_down",
        {"target_id": county.township_a.pk, "reason": "属于东坝镇管辖"},
    )
    assert resp.status_code == 200 and resp.json()["org"]["id"] == county.township_a.pk
    secretary = login("township_secretary")
    resp = post(
        secretary, f"/api/reports/{town_report.pk}/actions/send_up", {"reason": "属于县纪委管辖"}
    )
    assert resp.status_code == 200
    assert resp.json()["visible"] is False
    resp = post(
        officer,
        f"/api/reports/{town_report.pk}/actions/transfer_out",
        {"authority": "县法院", "reason": "属于诉讼事项"},
    )
    assert resp.status_code == 200 and resp.json()["status"] == Status.TRANSFERRED


def test_mark_and_reject_repeat(login, county, county_report):
    officer = county.users["petition_officer"]
    first = make(officer, county.county, title="首件")
    other = make(officer, county.county, title="另件")
    RepeatCandidate.objects.create(report=county_report, earlier=other, score=0.6)
    client = login("petition_officer")
    base = f"/api/reports/{county_report.pk}/actions"
    assert post(client, f"{base}/reject_repeat", {"earlier_id": other.pk}).status_code == 200
    resp = post(client, f"{base}/mark_repeat", {"earlier_id": county_report.pk})
    assert resp.status_code == 400 and resp.json()["field"] == "earlier_id"
    resp = post(client, f"{base}/mark_repeat", {"earlier_id": first.pk})
    assert resp.status_code == 200 and resp.json()["status"] == Status.REPEAT


@pytest.mark.parametrize("persona", ["county_leader", "other_officer", "informant", "auditor"])
def test_actions_refused(login, county_report, town_report, persona):
    client = login(persona)
    for report in (county_report, town_report):
        resp = post(client, f"/api/reports/{report.pk}/actions/classify", {"klass": "accusation"})
        assert resp.status_code == 404
        report.refresh_from_db()
        assert report.klass == ""


def test_actions_anonymous_401(client, county_report):
    resp = post(
        client, f"/api/reports/{county_report.pk}/actions/classify", {"klass": "accusation"}
    )
    assert resp.status_code == 401


# -- identity -------------------------------------------------------------------------------


def test_identity_with_reason_is_logged(login, county, county_report):
    client = login("petition_officer")
    path = f"/api/reports/{county_report.pk}/identity"
    resp = post(client, path, {"reason": "看"})
    assert resp.status_code == 400 and resp.json()["field"] == "reason"
    assert not IdentityAccess.objects.exists()
    resp = post(client, path, {"reason": "核实举报线索需要联系"})
    assert resp.status_code == 200
    assert resp["Cache-Control"] == "no-store"
    assert resp.json()["name"] == "张举报" and resp.json()["id_number"] == REPORTER_ID
    assert IdentityAccess.objects.get().reason == "核实举报线索需要联系"
    event = AuditEvent.objects.get(action="view")
    assert "张举报" not in event.detail and REPORTER_ID not in event.detail


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_leader", 200),
        ("sysadmin", 200),
        ("township_secretary", 404),
        ("other_officer", 404),
        ("informant", 404),
        ("auditor", 404),
    ],
)
def test_identity_by_persona(login, county_report, persona, status):
    resp = post(
        login(persona), f"/api/reports/{county_report.pk}/identity", {"reason": "核实需要联系"}
    )
    assert resp.status_code == status
    assert IdentityAccess.objects.count() == (1 if status == 200 else 0)


def test_identity_refused_for_handler_without_capability_and_anonymous(login, county, town_report):
    other = county.users["other_officer"]
    report = make(other, county.township_b, real_name=True)
    resp = post(
        login("other_officer"), f"/api/reports/{report.pk}/identity", {"reason": "核实需要联系"}
    )
    assert resp.status_code == 404
    resp = post(
        login("township_secretary"),
        f"/api/reports/{town_report.pk}/identity",
        {"reason": "核实需要联系"},
    )
    assert resp.status_code == 400 and "匿名" in resp.json()["detail"]
    assert not IdentityAccess.objects.exists()


# -- messages -------------------------------------------------------------------------------


def test_messages(login, county, county_report, town_report, client):
    path = f"/api/reports/{county_report.pk}/messages"
    officer = login("petition_officer")
    resp = post(officer, path, {"body": ""})
    assert resp.status_code == 400 and resp.json()["field"] == "body"
    resp = post(officer, path, {"body": "已受理，正在核实。"})
    assert resp.status_code == 201 and resp.json()["author"] == "钱信访"
    assert [m["body"] for m in officer.get(path).json()] == ["已受理，正在核实。"]
    assert login("county_leader").get(path).status_code == 200
    assert post(login("county_leader"), path, {"body": "领导批示"}).status_code == 404
    for persona in ("township_secretary", "other_officer", "informant", "auditor"):
        assert login(persona).get(path).status_code == 404
        assert post(login(persona), path, {"body": "越权留言"}).status_code == 404
    town = f"/api/reports/{town_report.pk}/messages"
    assert post(login("township_secretary"), town, {"body": "请补充材料"}).status_code == 201
    assert login("other_officer").get(town).status_code == 404
    assert client.get(path).status_code == 401
    assert Message.objects.count() == 2


def test_openapi_documents_the_endpoints(login):
    spec = login("petition_officer").get("/api/openapi.json").json()
    for p in (
        "/api/reports",
        "/api/reports/{report_id}",
        "/api/reports/{report_id}/actions/{action}",
        "/api/reports/{report_id}/identity",
        "/api/reports/{report_id}/messages",
    ):
        assert p in spec["paths"], p
