"""The public portal through the Django test client, as a member of the public."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from qingfeng.intake import services
from qingfeng.intake.identity import unseal
from qingfeng.intake.models import Attachment, Message, Report, ReportSubject
from qingfeng.portal.tests.helpers import (
    CLIENT_IP,
    ID_NUMBER,
    WRONG_ID_NUMBER,
    code_from,
    gps_jpeg,
    open_form,
    post_report,
    real_name_fields,
    report_fields,
)


def _lookup(client, code: str):
    return client.post("/portal/query/", {"code": code})


def test_home_and_form_render_for_anyone(public, county):
    home = public.get("/portal/")
    assert home.status_code == 200
    assert "实名举报" in home.content.decode() and "匿名举报" in home.content.decode()
    form = public.get("/portal/report/")
    html = form.content.decode()
    assert form.status_code == 200
    # Bodies: county and townships, never a department or a station.
    assert "清河县纪委监委" in html and "东坝镇纪委" in html
    assert "信访室" not in html and "联络站" not in html
    assert "<script>" not in html.split("</head>")[1]  # no inline script (CSP)
    assert 'style="' not in html
    assert form["Cache-Control"].startswith("max-age=0")


def test_real_name_report_with_gps_photo_end_to_end(public, county):
    response = post_report(
        public, real_name_fields(county.township_a.pk), files=[gps_jpeg(), gps_jpeg("b.jpg")]
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    code = code_from(response)
    assert len(code.replace(" ", "")) == 16 and code.count(" ") == 3
    report = Report.objects.get()
    assert report.org == county.township_a and report.channel == "web"
    assert report.is_real_name and report.registered_by is None
    assert unseal(report.identity_enc, report_number=report.number).id_number == ID_NUMBER
    assert list(report.subjects.values_list("name", "post")) == [("李建国", "村党支部书记")]
    assert report.number in response.content.decode()

    attachments = list(Attachment.objects.filter(report=report))
    assert len(attachments) == 2 and all(a.from_reporter for a in attachments)
    stored = attachments[0].file.read()
    assert b"PhoneMakerXYZ" not in stored and b"Exif" not in stored
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif()
    assert image.size == (30, 40)  # turned upright by the EXIF orientation
    assert "photo" not in attachments[0].file.name

    # The code is in no session, no URL: the receipt is the POST's answer.
    assert not public.session.get("portal_report")

    status = _lookup(public, code)
    assert status.status_code == 302 and status["Location"] == "/portal/query/status/"
    page = public.get("/portal/query/status/").content.decode()
    assert "已收到，正在登记分办" in page
    assert "您的身份信息从未被查看" in page

    officer = county.users["petition_officer"]
    services.view_identity(report=report, actor=officer, reason="核实举报人身份，便于约谈")
    page = public.get("/portal/query/status/").content.decode()
    assert "被 清河县纪委监委 工作人员依规查看（已登记理由）" in page
    assert "核实举报人身份" not in page and "钱信访" not in page

    services.post_message(report=report, body="请补充低保名单照片。", actor=officer)
    sent = public.post("/portal/query/message/", {"body": "好的，我这几天去拍。"})
    assert sent.status_code == 302
    supplement = public.post(
        "/portal/query/message/",
        {"supplement": "1", "body": "补充低保名单照片", "files": [gps_jpeg("list.jpg")]},
    )
    assert supplement.status_code == 302
    page = public.get("/portal/query/status/").content.decode()
    assert "请补充低保名单照片。" in page and "好的，我这几天去拍。" in page
    assert "补充材料" in page
    msg = Message.objects.get(is_supplement=True)
    assert msg.from_reporter and msg.author is None
    assert Attachment.objects.filter(message=msg).count() == 1

    left = public.post("/portal/query/leave/")
    assert left.status_code == 302
    assert public.get("/portal/query/status/")["Location"] == "/portal/query/"


def test_anonymous_report_has_no_identity(public, county):
    response = post_report(public, report_fields(county.county.pk, reporter_name="不应保存的名字"))
    assert response.status_code == 200
    report = Report.objects.get()
    assert not report.is_real_name and report.identity_enc == ""
    assert "匿名举报" in response.content.decode()
    _lookup(public, code_from(response))
    page = public.get("/portal/query/status/").content.decode()
    assert "这是匿名举报，系统中没有您的身份信息" in page


def test_accept_notice_and_result_are_shown(public, county):
    response = post_report(public, real_name_fields(county.county.pk))
    code = code_from(response)
    report = Report.objects.get()
    Report.objects.filter(pk=report.pk).update(
        accept_notice_on="2026-03-02",
        result="经查，反映问题属实，已作处理。",
        feedback_on="2026-04-01",
    )
    _lookup(public, code)
    page = public.get("/portal/query/status/").content.decode()
    assert "受理告知" in page and "2026年3月2日" in page
    assert "经查，反映问题属实，已作处理。" in page


# -- bad input ---------------------------------------------------------------------------


def _assert_nothing_saved() -> None:
    assert Report.objects.count() == 0
    assert ReportSubject.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_empty_form_names_the_fields(public, county):
    response = post_report(public, {})
    assert response.status_code == 400
    html = response.content.decode()
    for label in ("向哪个纪检监察机关反映：", "问题类别：", "标题：", "反映内容：", "举报方式："):
        assert label in html
    assert "请至少填写一名被反映人的姓名或单位" in html
    _assert_nothing_saved()


def test_real_name_needs_valid_id_number_and_keeps_input(public, county):
    data = real_name_fields(county.county.pk, reporter_id_number=WRONG_ID_NUMBER)
    response = post_report(public, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "身份证号：" in html
    assert 'value="村支书优亲厚友"' in html and 'value="张举报"' in html
    _assert_nothing_saved()


def test_oversized_file_refused_naming_the_field(public, county, settings):
    settings.PORTAL_MAX_FILE_BYTES = 1000
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2000, content_type="application/pdf")
    response = post_report(public, report_fields(county.county.pk), files=[big])
    assert response.status_code == 400
    html = response.content.decode()
    assert "证据材料“big.pdf”超过" in html
    assert 'value="村支书优亲厚友"' in html
    _assert_nothing_saved()


def test_exe_renamed_jpg_refused(public, county):
    exe = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = post_report(public, report_fields(county.county.pk), files=[gps_jpeg(), exe])
    assert response.status_code == 400
    assert "证据材料“photo.jpg”的格式不支持" in response.content.decode()
    _assert_nothing_saved()


def test_too_many_files_refused(public, county, settings):
    settings.PORTAL_MAX_FILES = 1
    response = post_report(
        public, report_fields(county.county.pk), files=[gps_jpeg(), gps_jpeg("b.jpg")]
    )
    assert response.status_code == 400
    assert "证据材料每次最多上传 1 个文件" in response.content.decode()
    _assert_nothing_saved()


def test_control_characters_refused(public, county):
    response = post_report(public, report_fields(county.county.pk, title="标题\x07响铃"))
    assert response.status_code == 400
    assert "标题含有不可见的控制字符" in response.content.decode()
    _assert_nothing_saved()


def test_script_tags_stored_as_typed_and_rendered_escaped(public, county):
    script = "<script>alert(1)</script>"
    response = post_report(
        public,
        report_fields(county.county.pk, content=f"内容{script}", subject_0_name=f"王{script}"),
    )
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.content == f"内容{script}"
    _lookup(public, code_from(response))
    public.post("/portal/query/message/", {"body": script})
    page = public.get("/portal/query/status/").content.decode()
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_script_in_rejected_form_is_escaped(public, county):
    script = "<script>alert(1)</script>"
    response = post_report(public, {"title": script})
    assert response.status_code == 400
    html = response.content.decode()
    assert script not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("code", ["", "123", "abcd-efgh", "0000 0000 0000 0000", "1" * 40])
def test_forged_or_malformed_code_gets_one_message(public, county, code):
    post_report(public, report_fields(county.county.pk))
    response = _lookup(public, code)
    assert response.status_code == 400
    assert "查询码不正确，请核对后重新输入" in response.content.decode()
    assert not public.session.get("portal_report")


def test_replayed_submission_refused(public, county):
    payload = {**open_form(public), **report_fields(county.county.pk)}
    first = public.post("/portal/report/", payload)
    assert first.status_code == 200
    again = public.post("/portal/report/", payload)
    assert again.status_code == 400
    assert "请勿重复提交" in again.content.decode()
    assert 'value="村支书优亲厚友"' in again.content.decode()
    assert Report.objects.count() == 1


def test_missing_or_forged_challenge_refused(public, county):
    data = {**open_form(public), **report_fields(county.county.pk)}
    data["altcha"] = ""
    assert public.post("/portal/report/", data).status_code == 400
    data = {**open_form(public), **report_fields(county.county.pk)}
    data["altcha"] = "eyJmb3JnZWQiOiB0cnVlfQ=="
    response = public.post("/portal/report/", data)
    assert response.status_code == 400
    assert "人机验证未通过" in response.content.decode()
    _assert_nothing_saved()


def test_submission_rate_limit(public, county, settings):
    settings.PORTAL_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        assert post_report(public, report_fields(county.county.pk)).status_code == 200
    response = post_report(public, report_fields(county.county.pk))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Report.objects.count() == 2


def test_code_tries_rate_limit(public, county, settings):
    settings.PORTAL_CODE_TRIES_PER_HOUR = 3
    code = code_from(post_report(public, report_fields(county.county.pk)))
    for _ in range(3):
        assert _lookup(public, "1234567812345678").status_code == 400
    response = _lookup(public, code)  # even the right code waits now
    assert response.status_code == 429
    assert "查询码尝试次数过多" in response.content.decode()


def test_status_needs_a_code_first(public, county):
    assert public.get("/portal/query/status/")["Location"] == "/portal/query/"
    assert public.post("/portal/query/message/", {"body": "x"})["Location"] == "/portal/query/"


def test_neither_ip_nor_code_in_any_table(public, county):
    code = code_from(
        post_report(public, real_name_fields(county.township_a.pk), files=[gps_jpeg()])
    )
    _lookup(public, code)
    public.post("/portal/query/message/", {"body": "补充一句"})
    _lookup(public, "0000000000000000")
    digits = code.replace(" ", "")
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                text = " ".join(
                    bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
                    for v in row
                )
                if CLIENT_IP in text or digits in text or code in text:
                    found.append(table)
    assert found == []


def test_rate_limit_keys_on_the_proxy_header_when_configured(settings, rf):
    from qingfeng.portal import guard

    settings.PORTAL_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    one = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.1")
    two = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.2")
    assert guard.client_address(one) == "203.0.113.1"
    assert guard._client_key(one, guard.SUBMIT) != guard._client_key(two, guard.SUBMIT)
    settings.PORTAL_CLIENT_IP_HEADER = ""
    assert guard.client_address(one) == "127.0.0.1"
