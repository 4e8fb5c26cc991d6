"""The registration page: every persona, each channel, bad input keeps the form and
writes nothing, the person lookup."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from qingfeng.audit.models import AuditEvent
from qingfeng.core.testing import PASSWORD, id_number_with_check
from qingfeng.intake.identity import unseal
from qingfeng.intake.models import Channel, Clock, Report, ReportSubject, Transition

URL = reverse("intake:register")


def post_data(county: Any, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "org": county.county.pk,
        "channel": Channel.LETTER,
        "received_on": timezone.localdate().isoformat(),
        "title": "村支书优亲厚友",
        "content": "李庄村支书把低保名额给了自己的亲戚。",
        "category": "masses",
        "subjects-TOTAL_FORMS": "1",
        "subjects-INITIAL_FORMS": "0",
        "subjects-MIN_NUM_FORMS": "0",
        "subjects-MAX_NUM_FORMS": "10",
        "subjects-0-name": "李建国",
        "subjects-0-unit_name": "李庄村民委员会",
        "subjects-0-post": "村党支部书记",
        "subjects-0-person": "",
    }
    data.update(extra)
    return data


def nothing_written() -> bool:
    return not Report.objects.exists() and not ReportSubject.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("petition_officer", 200),
        ("township_secretary", 200),
        ("other_officer", 200),
        ("sysadmin", 200),
        ("county_leader", 404),
        ("informant", 404),
        ("auditor", 404),
    ],
)
def test_register_page_by_persona(login, persona, status):
    assert login(persona).get(URL).status_code == status


def test_anonymous_is_sent_to_login(client, county):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    response = client.post(URL, post_data(county))
    assert response.status_code == 302
    assert nothing_written()


def test_body_choices_are_the_users_bodies(login, county):
    page = login("township_secretary").get(URL).content.decode()
    assert "东坝镇纪委" in page
    assert "西岭乡纪委" not in page
    assert "清河县纪委监委" not in page
    page = login("petition_officer").get(URL).content.decode()
    for name in ("清河县纪委监委", "东坝镇纪委", "西岭乡纪委"):
        assert name in page
    # Departments and stations do not hold reports.
    assert f'value="{county.petition_dept.pk}"' not in page


def test_register_letter_links_person_and_redirects(login, county):
    client = login("petition_officer")
    response = client.post(URL, post_data(county, **{"subjects-0-person": str(county.person_a.pk)}))
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:detail", args=[report.pk])
    assert report.channel == Channel.LETTER
    assert report.org == county.county
    assert report.subjects.get().person == county.person_a
    assert Clock.objects.filter(report=report).count() == 1  # anonymous: route clock only
    assert Transition.objects.filter(report=report, action="register").exists()


def test_register_visit_real_name_keeps_identity_encrypted(login, county):
    id_number = id_number_with_check("37010219800101003")
    client = login("petition_officer")
    response = client.post(
        URL,
        post_data(
            county,
            channel=Channel.VISIT,
            visitor_count="3",
            received_by="钱信访",
            is_real_name="on",
            reporter_name="张举报",
            reporter_id_number=id_number,
            reporter_phone="13800000000",
            companions="王某、刘某",
        ),
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.is_real_name and report.visitor_count == 3 and report.received_by == "钱信访"
    identity = unseal(report.identity_enc, report_number=report.number)
    assert (identity.name, identity.id_number, identity.companions) == (
        "张举报",
        id_number,
        "王某、刘某",
    )
    assert "张举报" not in report.identity_enc
    assert not AuditEvent.objects.filter(detail__contains="张举报").exists()
    assert Clock.objects.filter(report=report).count() == 2


def test_register_phone_and_handed_down(login, county):
    client = login("township_secretary")
    response = client.post(
        URL,
        post_data(
            county,
            org=county.township_a.pk,
            channel=Channel.UPPER,
            source_body="清河县纪委监委",
            source_ref="清纪信转〔2026〕3号",
        ),
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.org, report.source_body, report.source_ref) == (
        county.township_a,
        "清河县纪委监委",
        "清纪信转〔2026〕3号",
    )
    response = client.post(
        URL,
        post_data(county, org=county.township_a.pk, channel=Channel.PHONE, received_by="孙书记"),
    )
    assert response.status_code == 302
    assert Report.objects.filter(channel=Channel.PHONE, received_by="孙书记").exists()


def test_other_township_cannot_register_at_dongba(login, county):
    response = login("other_officer").post(URL, post_data(county, org=county.township_a.pk))
    assert response.status_code == 400
    assert nothing_written()


def test_about_head_goes_up_and_is_not_shown_here(login, county):
    client = login("township_secretary")
    response = client.post(URL, post_data(county, org=county.township_a.pk, about_head="on"))
    assert response.status_code == 302
    assert response["Location"] == URL
    report = Report.objects.get()
    assert report.org == county.county
    assert report.hidden_from == county.township_a
    assert client.get(reverse("intake:detail", args=[report.pk])).status_code == 404


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"title": ""}, "title", "请填写标题"),
        ({"title": "标题\x07响铃"}, "title", "控制字符"),
        (
            {
                "is_real_name": "on",
                "reporter_name": "张举报",
                "reporter_phone": "13800000000",
                "reporter_id_number": "370102198001010030",
            },
            "reporter_id_number",
            "身份证",
        ),
        ({"received_on": "2999-01-01"}, "received_on", "不能晚于今天"),
        (
            {"subjects-0-name": "", "subjects-0-unit_name": "", "subjects-0-post": ""},
            None,
            "请至少填写一名被反映人",
        ),
    ],
)
def test_bad_input_keeps_form_and_writes_nothing(login, county, extra, field, message):
    data = post_data(county, content="内容<b>保留</b>", **extra)
    response = login("petition_officer").post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "内容&lt;b&gt;保留&lt;/b&gt;" in page  # the textarea keeps the input, escaped
    if field:
        assert f'name="{field}"' in page
    assert nothing_written()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_bad_id_number_names_the_field(login, county):
    bad = id_number_with_check("37010219800101003")
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    response = login("petition_officer").post(
        URL,
        post_data(
            county,
            is_real_name="on",
            reporter_name="张举报",
            reporter_phone="13800000000",
            reporter_id_number=bad,
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "身份证号：" in page
    assert f'value="{bad}"' in page
    assert nothing_written()


def test_too_many_subjects_keeps_every_row(login, county):
    rows: dict[str, Any] = {"subjects-TOTAL_FORMS": "11"}
    for i in range(11):
        rows[f"subjects-{i}-name"] = f"被反映人{i:02d}"
        rows[f"subjects-{i}-unit_name"] = "某单位"
    response = login("petition_officer").post(URL, post_data(county, **rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert "被反映人最多10名" in page
    assert 'value="被反映人10"' in page
    assert nothing_written()


def test_control_character_in_subject_names_the_row(login, county):
    response = login("petition_officer").post(
        URL, post_data(county, **{"subjects-0-name": "李\x1b建国"})
    )
    assert response.status_code == 400
    assert "被反映人姓名含有不可见的控制字符" in response.content.decode()
    assert nothing_written()


def test_person_out_of_scope_cannot_be_linked(login, county):
    response = login("township_secretary").post(
        URL,
        post_data(
            county, org=county.township_a.pk, **{"subjects-0-person": str(county.person_b.pk)}
        ),
    )
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.content.decode()
    assert nothing_written()


# -- the person lookup ---------------------------------------------------------------------

MATCH = reverse("intake:match_person")


def test_match_person_partial(login, county):
    client = login("petition_officer")
    response = client.get(
        MATCH, {"row": "subjects-0", "subjects-0-name": "李建国", "subjects-0-unit_name": "李庄"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-person="{county.person_a.pk}"' in page
    assert "姓名相同" in page
    response = client.get(MATCH, {"row": "subjects-0", "subjects-0-name": "ljg"})
    assert f'data-person="{county.person_a.pk}"' in response.content.decode()


def test_match_person_scope(login, county, client):
    page = login("township_secretary").get(
        MATCH, {"row": "subjects-0", "subjects-0-name": "石秀英"}
    )
    assert page.status_code == 200
    assert f'data-person="{county.person_b.pk}"' not in page.content.decode()
    for persona in ("county_leader", "informant", "auditor"):
        assert login(persona).get(MATCH, {"row": "subjects-0"}).status_code == 404
    assert client.get(MATCH).status_code == 302
    assert login("petition_officer").get(MATCH, {"row": "x<y"}).status_code == 404


def test_received_on_today_is_default(login):
    page = login("petition_officer").get(URL).content.decode()
    assert timezone.localdate().isoformat() in page


# -- in a browser ----------------------------------------------------------------------------


@pytest.mark.browser
def test_register_in_browser_with_match_and_second_row(page, live_county):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/")
    page.fill("#id_username", "xinfang")
    page.fill("#id_password", PASSWORD)
    page.click("#qf-login-submit")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(URL)
    # Channel switch: visit fields only for 来访, identity block only when real-name.
    assert not page.is_visible("#id_visitor_count")
    page.select_option("#id_channel", "visit")
    assert page.is_visible("#id_visitor_count")
    assert not page.is_visible("#id_reporter_name")
    page.check("#id_is_real_name")
    page.fill("#id_reporter_name", "张举报")
    page.fill("#id_reporter_phone", "13800000000")
    page.fill("#id_visitor_count", "2")
    page.fill("#id_received_by", "钱信访")
    page.fill("#id_title", "<script>alert(1)</script>低保优亲厚友")
    page.fill("#id_content", "李庄村支书把低保名额给了亲戚。")
    page.fill("#id_subjects-0-name", "ljg")
    page.click("#subjects-0-matches >> xpath=.. >> .qf-match")
    page.click("#subjects-0-matches .qf-pick")
    assert "已关联：李建国" in page.inner_text("#subjects-0-linked")
    page.fill("#id_subjects-0-name", "李建国")
    page.click("#qf-subject-add")
    page.fill("#id_subjects-1-name", "王会计")
    page.fill("#id_subjects-1-unit_name", "李庄村民委员会")
    page.click("#qf-register-save")
    page.wait_for_url("**/reports/*/")
    assert "<script>alert(1)</script>低保优亲厚友" in page.inner_text("#qf-report-title")
    assert "实名 — 身份信息已保护" in page.inner_text("#qf-report-identity")
    report = Report.objects.get()
    assert [s.name for s in report.subjects.all()] == ["李建国", "王会计"]
    assert report.subjects.get(position=0).person == live_county.person_a
