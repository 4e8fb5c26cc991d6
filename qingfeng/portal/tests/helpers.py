"""Helpers for portal tests: a solved challenge, images with EXIF GPS, form data."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image

from qingfeng.core.testing import id_number_with_check
from qingfeng.portal import guard

ID_NUMBER = id_number_with_check("11010519491231002")
WRONG_ID_NUMBER = ID_NUMBER[:-1] + ("1" if ID_NUMBER[-1] != "1" else "2")
CLIENT_IP = "203.0.113.77"


def solved() -> str:
    """A fresh challenge, solved in Python (tests lower PORTAL_CHALLENGE_MAX_NUMBER)."""
    return guard.solve(guard.new_challenge())


def gps_jpeg(name: str = "photo.jpg", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    """A JPEG with EXIF make, GPS position and orientation 6 (rotate 90°)."""
    img = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMakerXYZ"
    exif[0x0112] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (36.0, 40.0, 12.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def jpeg_bytes() -> bytes:
    return gps_jpeg().read()


def report_fields(body_id: int, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "body": str(body_id),
        "category": "masses",
        "title": "村支书优亲厚友",
        "content": "李庄村支书把低保名额给了自己的亲戚，群众意见很大。",
        "occurred_when": "2025年",
        "occurred_where": "东坝镇李庄村",
        "subject_0_name": "李建国",
        "subject_0_unit": "李庄村民委员会",
        "subject_0_post": "村党支部书记",
        "mode": "anonymous",
    }
    data.update(extra)
    return data


def real_name_fields(body_id: int, **extra: Any) -> dict[str, Any]:
    fields = {
        "mode": "real_name",
        "reporter_name": "张举报",
        "reporter_id_number": ID_NUMBER,
        "reporter_phone": "13800001111",
        **extra,
    }
    return report_fields(body_id, **fields)


def open_form(client: Client) -> dict[str, str]:
    """GET the form; return its one-time token and a solution of its challenge."""
    response = client.get("/portal/report/")
    assert response.status_code == 200
    challenge = json.loads(response.context["challenge_json"])
    token = response.context["form"].initial["form_token"]
    return {"form_token": token, "altcha": guard.solve(challenge)}


def post_report(client: Client, data: dict[str, Any], files: list[Any] | None = None) -> Any:
    payload = {**open_form(client), **data}
    if files:
        payload["files"] = files
    return client.post("/portal/report/", payload)


def code_from(response: Any) -> str:
    html = response.content.decode()
    match = re.search(r'id="qf-query-code">([\d ]+)<', html)
    assert match, "no query code on the receipt"
    return match.group(1)
