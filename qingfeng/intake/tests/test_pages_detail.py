"""The report detail page and its handling steps, by every persona in and out of scope."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from qingfeng.audit.models import AuditEvent
from qingfeng.core.testing import id_number_with_check
from qingfeng.intake import services
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import (
    Channel,
    IdentityAccess,
    Message,
    RepeatCandidate,
    RepeatStatus,
    Report,
    ReportClass,
    Status,
)
from qingfeng.intake.uploads import store_attachments

REPORTER_ID = id_number_with_check("37010219800101003")


def make(actor: Any, org: Any, *, real_name: bool = False, **extra: Any) -> Report:
    data = services.ReportInput(
        channel=extra.pop("channel", Channel.LETTER),
        received_on=extra.pop("received_on", dt.date(2026, 2, 13)),
        title=extra.pop("title", "村支书优亲厚友"),
        content=extra.pop("content", "李庄村支书把低保名额给了自己的亲戚。"),
        subjects=[services.SubjectInput("李建国", "李庄村民委员会", "村党支部书记")],
        is_real_name=real_name,
        identity=Identity(name="张举报", id_number=REPORTER_ID, phone="13912345678")
        if real_name
        else Identity(),
        **extra,
    )
    return services.register_report(actor=actor, org=org, data=data).report


@pytest.fixture
def county_report(county) -> Report:
    return make(county.users["petition_officer"], county.county, real_name=True)


@pytest.fixture
def town_report(county) -> Report:
    return make(county.users["township_secretary"], county.township_a)


def url(report: Report, name: str = "intake:detail", *args: Any) -> str:
    return reverse(name, args=[report.pk, *args])


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
def test_detail_by_persona(login, county_report, town_report, persona, county_status, town_status):
    client = login(persona)
    assert client.get(url(county_report)).status_code == county_status
    assert client.get(url(town_report)).status_code == town_status


def test_missing_and_anonymous(login, client, county_report):
    assert login("petition_officer").get(reverse("intake:detail", args=[999999])).status_code == 404
    response = client.get(url(county_report))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]
    assert (
        client.post(
            url(county_report, "intake:identity"), {"identity-reason": "核实情况需要"}
        ).status_code
        == 302
    )
    assert not IdentityAccess.objects.exists()


def test_header_clocks_subjects_and_timeline(login, county, county_report):
    county_report.subjects.update(person=county.person_a)
    page = login("petition_officer").get(url(county_report)).content.decode()
    assert county_report.number in page
    assert "待办理" in page and "来信" in page and "实名" in page
    assert "清河县纪委监委" in page
    assert "5个工作日内分流办理" in page and "2026-02-27" in page
    assert "15个工作日内受理告知" in page and "2026-03-12" in page
    assert "个工作日" in page  # 剩余/已超期 badge
    assert reverse("orgs:person_detail", args=[county.person_a.pk]) in page
    assert "登记" in page and "钱信访" in page


def test_script_tags_render_as_text(login, county):
    report = make(
        county.users["petition_officer"],
        county.county,
        title="<script>alert('t')</script>",
        content="<script>alert('c')</script><img src=x onerror=alert(1)>",
    )
    page = login("petition_officer").get(url(report)).content.decode()
    assert "<script>alert(" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


# -- identity -------------------------------------------------------------------------------


def test_identity_absent_until_requested_then_logged(login, county, county_report):
    client = login("petition_officer")
    page = client.get(url(county_report)).content.decode()
    for secret in ("张举报", REPORTER_ID, "13912345678"):
        assert secret not in page
    assert "实名 — 身份信息已保护" in page
    assert 'id="qf-identity-form"' in page

    response = client.post(
        url(county_report, "intake:identity"), {"identity-reason": "核实举报线索需要联系"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "张举报" in page and REPORTER_ID in page and "13912345678" in page
    access = IdentityAccess.objects.get()
    assert access.viewer == county.users["petition_officer"]
    assert access.reason == "核实举报线索需要联系"
    event = AuditEvent.objects.get(action="view", object_id=str(county_report.pk))
    for secret in ("张举报", REPORTER_ID, "13912345678"):
        assert secret not in event.detail and secret not in str(event.changes)
        assert secret not in str(dict(client.session))
    # Shown once: the next page view is protected again, with the view listed.
    page = client.get(url(county_report)).content.decode()
    assert "张举报" not in page
    assert "核实举报线索需要联系" in page and "钱信访" in page


def test_identity_reason_required_and_no_view_logged(login, county_report):
    response = login("petition_officer").post(
        url(county_report, "intake:identity"), {"identity-reason": "看"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "理由至少4个字" in page and "张举报" not in page
    assert not IdentityAccess.objects.exists()


def test_identity_request_by_persona(login, county, county_report):
    data = {"identity-reason": "核实举报线索需要联系"}
    # county_leader may view identities (REPORT_IDENTITY) but not handle.
    leader = login("county_leader")
    assert 'id="qf-identity-form"' in leader.get(url(county_report)).content.decode()
    assert leader.post(url(county_report, "intake:identity"), data).status_code == 200
    for persona in ("township_secretary", "other_officer", "informant", "auditor"):
        assert login(persona).post(url(county_report, "intake:identity"), data).status_code == 404
    # A township officer handles but may not view identities.
    other = county.users["other_officer"]
    report = make(other, county.township_b, real_name=True)
    client = login("other_officer")
    page = client.get(url(report)).content.decode()
    assert "实名 — 身份信息已保护" in page and 'id="qf-identity-form"' not in page
    assert client.post(url(report, "intake:identity"), data).status_code == 404
    assert IdentityAccess.objects.count() == 1


def test_anonymous_report_shows_anonymous(login, town_report):
    client = login("township_secretary")
    page = client.get(url(town_report)).content.decode()
    assert "匿名" in page and "申请查看" not in page
    assert (
        client.post(
            url(town_report, "intake:identity"), {"identity-reason": "核实情况需要"}
        ).status_code
        == 404
    )


# -- handling steps -------------------------------------------------------------------------


def act(client: Any, report: Report, name: str, **data: Any) -> Any:
    return client.post(
        url(report, "intake:action", name), {f"{name}-{k}": v for k, v in data.items()}
    )


def test_full_handling_through_the_page(login, county, county_report):
    client = login("petition_officer")
    page = client.get(url(county_report)).content.decode()
    assert 'data-action="classify"' in page and 'data-action="refuse"' in page
    assert 'data-action="accept"' not in page  # classify first

    response = act(client, county_report, "accept")
    assert response.status_code == 400
    assert "请先确定信访类别" in response.content.decode()

    assert act(client, county_report, "classify", klass=ReportClass.ACCUSATION).status_code == 302
    assert act(client, county_report, "accept", split_leads="on").status_code == 302
    response = act(client, county_report, "assign", department=county.petition_dept.pk)
    assert response.status_code == 302
    assert act(client, county_report, "notify_acceptance").status_code == 302
    assert (
        act(client, county_report, "close", result="经核查，问题属实，已给予诫勉谈话。").status_code
        == 302
    )
    assert act(client, county_report, "record_feedback", objection="").status_code == 302
    county_report.refresh_from_db()
    assert county_report.status == Status.FEEDBACK_GIVEN
    assert county_report.handling_dept == county.petition_dept
    assert county_report.accept_notice_on is not None
    page = client.get(url(county_report)).content.decode()
    for label in ("分类", "受理", "交承办部门", "受理告知", "办结", "结果反馈"):
        assert label in page
    assert 'id="qf-report-actions"' not in page  # nothing left to do
    assert "受理告知书" in page  # the document list


def test_refuse_error_keeps_input(login, county_report):
    client = login("petition_officer")
    response = act(client, county_report, "refuse", refuse_reason="no_substance", reason="无")
    assert response.status_code == 400
    page = response.content.decode()
    assert "理由至少4个字" in page
    assert 'value="no_substance" selected' in page
    county_report.refresh_from_db()
    assert county_report.status == Status.REGISTERED


def test_forward_down_then_township_handles(login, county, county_report):
    client = login("petition_officer")
    page = client.get(url(county_report)).content.decode()
    assert "东坝镇纪委" in page and "西岭乡纪委" in page
    response = act(
        client, county_report, "forward_down", target=county.township_a.pk, reason="属于东坝镇管辖"
    )
    assert response.status_code == 302
    county_report.refresh_from_db()
    assert county_report.org == county.township_a
    secretary = login("township_secretary")
    assert 'data-action="classify"' in secretary.get(url(county_report)).content.decode()
    assert (
        act(secretary, county_report, "classify", klass=ReportClass.SUGGESTION).status_code == 302
    )
    assert login("other_officer").get(url(county_report)).status_code == 404


def test_send_up_and_transfer_out(login, county, town_report):
    secretary = login("township_secretary")
    response = act(secretary, town_report, "send_up", reason="属于县纪委管辖范围")
    assert response.status_code == 302
    town_report.refresh_from_db()
    assert town_report.org == county.county
    officer = login("petition_officer")
    response = act(
        officer, town_report, "transfer_out", authority="县人民法院", reason="属于诉讼事项"
    )
    assert response.status_code == 302
    town_report.refresh_from_db()
    assert town_report.status == Status.TRANSFERRED


@pytest.mark.parametrize("persona", ["county_leader", "other_officer", "informant", "auditor"])
def test_actions_refused_for_persona(login, county_report, town_report, persona):
    client = login(persona)
    for report in (county_report, town_report):
        assert act(client, report, "classify", klass=ReportClass.ACCUSATION).status_code == 404
        assert (
            client.post(url(report, "intake:message"), {"message-body": "您好"}).status_code == 404
        )
        report.refresh_from_db()
        assert report.klass == ""
    if persona == "county_leader":
        page = client.get(url(county_report)).content.decode()
        assert 'id="qf-report-actions"' not in page and 'id="qf-message-form"' not in page


def test_unknown_action_and_get_are_refused(login, county_report):
    client = login("petition_officer")
    assert client.post(url(county_report, "intake:action", "delete")).status_code == 404
    assert client.get(url(county_report, "intake:action", "classify")).status_code == 405


# -- repeats, messages, attachments ----------------------------------------------------------


def test_repeat_candidates_confirm_and_reject(login, county, county_report):
    officer = county.users["petition_officer"]
    first = make(officer, county.county, title="首件")
    other = make(officer, county.county, title="另一件")
    c1 = RepeatCandidate.objects.create(report=county_report, earlier=first, score=0.91)
    c2 = RepeatCandidate.objects.create(report=county_report, earlier=other, score=0.55)
    client = login("petition_officer")
    page = client.get(url(county_report)).content.decode()
    assert first.number in page and "确认重复" in page and "不是重复" in page
    assert "0.91" in page
    assert (
        login("county_leader")
        .post(url(county_report, "intake:repeat_decision", c2.pk, "reject"))
        .status_code
        == 404
    )
    assert (
        client.post(url(county_report, "intake:repeat_decision", c2.pk, "reject")).status_code
        == 302
    )
    c2.refresh_from_db()
    assert c2.status == RepeatStatus.REJECTED
    assert (
        client.post(url(county_report, "intake:repeat_decision", c1.pk, "maybe")).status_code == 404
    )
    assert (
        client.post(url(county_report, "intake:repeat_decision", c1.pk, "confirm")).status_code
        == 302
    )
    county_report.refresh_from_db()
    assert county_report.status == Status.REPEAT and county_report.repeat_of == first
    # Decided candidates are gone from the page and cannot be decided again.
    assert (
        client.post(url(county_report, "intake:repeat_decision", c1.pk, "confirm")).status_code
        == 404
    )


def test_messages_thread(login, county_report):
    services.post_message(report=county_report, body="请问<b>进展</b>如何？")
    client = login("petition_officer")
    page = client.get(url(county_report)).content.decode()
    assert "请问&lt;b&gt;进展&lt;/b&gt;如何？" in page
    response = client.post(url(county_report, "intake:message"), {"message-body": ""})
    assert response.status_code == 400 and "回复内容" in response.content.decode()
    response = client.post(
        url(county_report, "intake:message"), {"message-body": "已受理，正在核实。"}
    )
    assert response.status_code == 302
    assert Message.objects.filter(from_reporter=False, body="已受理，正在核实。").exists()


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, format="PNG")
    return SimpleUploadedFile("张举报的照片.png", buf.getvalue(), content_type="image/png")


def test_attachment_download_scoped_and_audited(
    login, county, county_report, town_report, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    (att,) = store_attachments(report=county_report, files=[_png()], from_reporter=True)
    client = login("petition_officer")
    page = client.get(url(county_report)).content.decode()
    link = url(county_report, "intake:attachment", att.pk)
    assert link in page and "张举报的照片" not in page
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action="view", detail__contains="下载证据材料").count() == 1
    for persona in ("township_secretary", "other_officer", "informant", "auditor"):
        assert login(persona).get(link).status_code == 404
    # An attachment id of another report is 404 under this report.
    assert client.get(url(town_report, "intake:attachment", att.pk)).status_code == 404
    assert AuditEvent.objects.filter(action="view", detail__contains="下载证据材料").count() == 1


def test_register_with_evidence_file(login, county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from qingfeng.intake.tests.test_pages_register import URL, post_data

    data = post_data(county)
    data["evidence"] = [_png()]
    response = login("petition_officer").post(URL, data)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.attachments.count() == 1
    bad = post_data(county, title="另一件")
    bad["evidence"] = [SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="image/png")]
    response = login("petition_officer").post(URL, bad)
    assert response.status_code == 400
    assert "格式不支持" in response.content.decode()
    assert Report.objects.count() == 1


def test_detail_query_count(login, county, county_report, django_assert_max_num_queries):
    officer = county.users["petition_officer"]
    services.classify(report=county_report, klass=ReportClass.ACCUSATION, actor=officer)
    for i in range(5):
        services.post_message(report=county_report, body=f"留言{i}")
    client = login("petition_officer")
    client.get(url(county_report))  # warm caches (content types, calendar)
    with django_assert_max_num_queries(16):
        response = client.get(url(county_report))
    assert response.status_code == 200
