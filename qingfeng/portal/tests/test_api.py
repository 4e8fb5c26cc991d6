"""The public API under /api/public/: no login, JSON errors naming the field."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

from PIL import Image

from qingfeng.intake import services
from qingfeng.intake.models import Attachment, Report
from qingfeng.portal.tests.helpers import ID_NUMBER, WRONG_ID_NUMBER, jpeg_bytes, solved


def _payload(body_id: int, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "body_id": body_id,
        "category": "integrity",
        "title": "站所收受礼金",
        "content": "某站所负责人逢年过节收受商户礼金。",
        "subjects": [{"name": "王某", "unit": "东坝镇农业站", "post": "站长"}],
        "real_name": False,
        "altcha": solved(),
    }
    data.update(extra)
    return data


def _post(client, path: str, data: dict[str, Any]):
    return client.post(f"/api/public/{path}", json.dumps(data), content_type="application/json")


def test_challenge_and_bodies(public, county):
    challenge = public.get("/api/public/challenge").json()
    assert set(challenge) == {"algorithm", "challenge", "maxNumber", "salt", "signature"}
    assert challenge["maxNumber"] == 50
    names = [b["name"] for b in public.get("/api/public/bodies").json()]
    assert names == ["清河县纪委监委", "东坝镇纪委", "西岭乡纪委"]


def test_real_name_submit_status_message_and_identity_view(public, county):
    photo = base64.b64encode(jpeg_bytes()).decode()
    data = _payload(
        county.township_a.pk,
        real_name=True,
        reporter={"name": "张举报", "id_number": ID_NUMBER, "phone": "13800001111"},
        files=[{"name": "a.jpg", "content_base64": photo}],
    )
    response = _post(public, "reports", data)
    assert response.status_code == 200, response.content
    receipt = response.json()
    code = receipt["query_code"]
    assert len(code) == 16 and code.isdigit()
    report = Report.objects.get(number=receipt["number"])
    stored = Attachment.objects.get(report=report).file.read()
    assert not Image.open(io.BytesIO(stored)).getexif()

    status = _post(public, "status", {"code": code}).json()
    assert status["status_text"] == "已收到，正在登记分办"
    assert status["identity_views"] == [] and status["is_real_name"]

    services.view_identity(
        report=report, actor=county.users["township_secretary"], reason="核实举报人身份"
    )
    status = _post(public, "status", {"code": code}).json()
    assert [v["org"] for v in status["identity_views"]] == ["东坝镇纪委"]
    assert "reason" not in json.dumps(status) and "孙书记" not in json.dumps(status)

    sent = _post(public, "messages", {"code": code, "body": "补充：还有证人。", "supplement": True})
    assert sent.status_code == 200
    assert sent.json()["messages"][-1]["is_supplement"] is True


def test_multipart_submit(public, county):
    data = _payload(county.county.pk)
    response = public.post(
        "/api/public/reports/upload",
        {"data": json.dumps(data), "files": [io.BytesIO(jpeg_bytes())]},
    )
    assert response.status_code == 200, response.content
    assert Attachment.objects.count() == 1


def test_bad_input_names_the_field_and_saves_nothing(public, county):
    cases = [
        (_payload(county.county.pk, title=""), 400, "title"),
        (_payload(county.county.pk, content="有\x00控制字符"), 400, "content"),
        (_payload(county.petition_dept.pk), 400, "body_id"),
        (
            _payload(
                county.county.pk,
                real_name=True,
                reporter={"name": "张", "id_number": WRONG_ID_NUMBER, "phone": "13800001111"},
            ),
            400,
            "reporter_id_number",
        ),
        (
            _payload(
                county.county.pk,
                files=[{"name": "x.jpg", "content_base64": base64.b64encode(b"MZ" * 50).decode()}],
            ),
            400,
            "files",
        ),
        (_payload(county.county.pk, altcha="forged"), 400, "altcha"),
        ({"title": "只有标题"}, 422, None),
    ]
    for data, status, field in cases:
        response = _post(public, "reports", data)
        assert response.status_code == status, (field, response.content)
        body = response.json()
        assert body["detail"]
        if field:
            assert body["field"] == field
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0


def test_replayed_submission_refused(public, county):
    data = _payload(county.county.pk)
    assert _post(public, "reports", data).status_code == 200
    again = _post(public, "reports", data)
    assert again.status_code == 400 and again.json()["field"] == "altcha"
    assert Report.objects.count() == 1


def test_wrong_code_and_rate_limits(public, county, settings):
    settings.PORTAL_CODE_TRIES_PER_HOUR = 2
    settings.PORTAL_SUBMISSIONS_PER_HOUR = 1
    for code in ("12", "1234567812345678"):
        response = _post(public, "status", {"code": code})
        assert response.status_code == 404
        assert response.json() == {"detail": "查询码不正确，请核对后重新输入", "field": "code"}
    limited = _post(public, "status", {"code": "1234567812345678"})
    assert limited.status_code == 429 and "尝试次数过多" in limited.json()["detail"]
    assert _post(public, "messages", {"code": "1", "body": "x"}).status_code == 429

    assert _post(public, "reports", _payload(county.county.pk)).status_code == 200
    response = _post(public, "reports", _payload(county.county.pk))
    assert response.status_code == 429 and "提交过于频繁" in response.json()["detail"]


def test_openapi_documents_public_endpoints(public, county):
    schema = public.get("/api/openapi.json").json()
    for path in ("challenge", "bodies", "reports", "reports/upload", "status", "messages"):
        assert f"/api/public/{path}" in schema["paths"]
