"""Clock reminders: who is reminded, once a day, SMS text without identity; the inbox."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.intake.models import Clock
from qingfeng.intake.tests.test_lists import REPORTER_NAME, REPORTER_PHONE, register
from qingfeng.reminders import sms
from qingfeng.reminders.models import Notice
from qingfeng.reminders.services import notify
from qingfeng.reminders.tasks import TITLE, run_clock_reminders, send_clock_reminders


class RecordingBackend(sms.BaseSmsBackend):
    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        RecordingBackend.sent.append((phone, text))


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "qingfeng.reminders.tests.test_reminders.RecordingBackend"
    RecordingBackend.sent = []
    return RecordingBackend.sent


@pytest.fixture
def due(county):
    """东坝镇: one real-name report overdue (two clocks), one due today; 西岭乡: one far off."""
    today = timezone.localdate()
    sec = county.users["township_secretary"]
    late = register(sec, county.township_a, real=True, title="逾期件标题")
    soon = register(sec, county.township_a)
    far = register(county.users["other_officer"], county.township_b)
    Clock.objects.filter(report=late).update(due_on=today - dt.timedelta(days=3))
    Clock.objects.filter(report=soon).update(due_on=today)
    Clock.objects.filter(report=far).update(due_on=today + dt.timedelta(days=40))
    for persona, phone in (("township_secretary", "13700000001"), ("petition_officer", "")):
        User.objects.filter(pk=county.users[persona].pk).update(phone=phone)
    User.objects.filter(pk=county.users["other_officer"].pk).update(phone="13700000002")
    return county


def notices(county: Any, persona: str) -> list[Notice]:
    return list(Notice.objects.filter(user=county.users[persona]))


def test_reminds_responsible_users_once_a_day(due, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        summary = run_clock_reminders()
    # Secretary and officer of 东坝镇 (subtree grants) and the county officer (subtree of
    # the county); the 西岭乡 officer's clock is not due, 委领导 cannot handle, and the
    # system administrator runs the system but does not handle reports.
    assert summary["users"] == 3
    assert len(notices(due, "township_officer")) == 1
    assert notices(due, "sysadmin") == []
    [n] = notices(due, "township_secretary")
    assert n.title == TITLE
    assert n.body == "您有1件信访件即将到期、1件信访件已超期，请登录清风系统处理。"
    assert n.url == reverse("intake:list") + "?due=overdue"
    assert len(notices(due, "petition_officer")) == 1
    assert notices(due, "other_officer") == []
    assert notices(due, "county_leader") == []
    assert notices(due, "informant") == []
    # SMS only to users with a phone, and only the fixed text.
    assert outbox == [("13700000001", n.body)]
    assert Clock.objects.filter(reminded_on=timezone.localdate()).count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        again = run_clock_reminders()
    assert again["users"] == 0 and again["clocks"] == 0
    assert len(notices(due, "township_secretary")) == 1
    assert len(outbox) == 1


def test_next_day_reminds_again_while_still_open(due, outbox):
    today = timezone.localdate()
    run_clock_reminders(today)
    run_clock_reminders(today + dt.timedelta(days=1))
    assert len(notices(due, "township_secretary")) == 2


def test_other_township_is_not_reminded_about_ours(due, outbox):
    Clock.objects.filter(report__org=due.township_b).update(due_on=timezone.localdate())
    run_clock_reminders()
    [n] = notices(due, "other_officer")
    assert n.body == "您有1件信访件即将到期，请登录清风系统处理。"
    secretary = notices(due, "township_secretary")[0]
    assert "2件" not in secretary.body  # the 西岭乡 report is not counted for 东坝镇


def test_sms_never_contains_identity_or_content(due, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_clock_reminders()
    for _phone, text in outbox:
        for secret in (REPORTER_NAME, REPORTER_PHONE, "逾期件标题", "低保"):
            assert secret not in text
    for n in Notice.objects.all():
        assert REPORTER_NAME not in n.body and "逾期件标题" not in n.body


def test_met_clocks_are_not_reminded(due, outbox):
    Clock.objects.update(met_at=timezone.now())
    assert run_clock_reminders()["users"] == 0


def test_file_backend_appends_lines(settings, tmp_path):
    settings.SMS_BACKEND = "qingfeng.reminders.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "nested" / "outbox.log"
    backend = sms.get_backend()
    backend.send("13700000001", "您有1件信访件已超期，\n请登录清风系统处理。")
    backend.send("13700000002", "第二条")
    lines = (tmp_path / "nested" / "outbox.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    stamp, phone, text = lines[0].split("\t")
    assert phone == "13700000001" and text == "您有1件信访件已超期， 请登录清风系统处理。"
    assert dt.datetime.fromisoformat(stamp)


def test_console_backend_logs(settings, caplog):
    settings.SMS_BACKEND = "qingfeng.reminders.sms.ConsoleBackend"
    with caplog.at_level("INFO"):
        sms.get_backend().send("13700000001", "测试")
    assert "测试" in caplog.text


def test_failing_gateway_keeps_the_notice(county, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "qingfeng.reminders.tests.test_reminders.BrokenBackend"
    user = county.users["township_secretary"]
    user.phone = "13700000001"
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], title="标题", body="内容", sms=True)
    assert Notice.objects.filter(user=user).count() == 1


class BrokenBackend(sms.BaseSmsBackend):
    def send(self, phone: str, text: str) -> None:
        raise OSError("gateway down")


def test_task_and_command(due, outbox, capsys):
    result = send_clock_reminders.enqueue()
    assert result.return_value is not None and result.return_value["users"] == 3
    call_command("remind")
    out = capsys.readouterr().out
    assert "提醒 0 人" in out


# -- inbox ----------------------------------------------------------------------------------

PERSONAS = (
    "sysadmin",
    "county_leader",
    "petition_officer",
    "township_secretary",
    "other_officer",
    "informant",
    "auditor",
)


@pytest.mark.parametrize("persona", PERSONAS)
def test_inbox_shows_only_my_notices(persona, county, login):
    me = county.users[persona]
    other = county.users["other_officer" if persona != "other_officer" else "informant"]
    notify(users=[me], title="我的提醒", body="mine", url="/reports/")
    notify(users=[other], title="别人的提醒", body="theirs")
    client = login(persona)
    resp = client.get(reverse("reminders:inbox"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "我的提醒" in html and "别人的提醒" not in html
    theirs = Notice.objects.get(user=other)
    assert client.post(reverse("reminders:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    resp = client.get("/api/reminders")
    assert [n["title"] for n in resp.json()["items"]] == ["我的提醒"]
    assert client.post(f"/api/reminders/{theirs.pk}/read").status_code == 404


def test_inbox_unread_first_and_mark_read(county, login):
    me = county.users["township_secretary"]
    [old] = notify(users=[me], title="旧提醒", body="a")
    notify(users=[me], title="新提醒", body="b", url="/reports/?due=overdue")
    client = login("township_secretary")
    resp = client.post(reverse("reminders:read", args=[old.pk]))
    assert resp.status_code == 302
    titles = [n.title for n in client.get(reverse("reminders:inbox")).context["page_obj"]]
    assert titles == ["新提醒", "旧提醒"]
    new = Notice.objects.get(title="新提醒")
    resp = client.post(reverse("reminders:read", args=[new.pk]), {"next": new.url})
    assert resp.status_code == 302 and resp["Location"] == new.url
    resp = client.post(reverse("reminders:read", args=[new.pk]), {"next": "https://evil.example/"})
    assert resp["Location"] == reverse("reminders:inbox")
    notify(users=[me], title="第三条", body="c")
    client.post(reverse("reminders:read_all"))
    assert not Notice.objects.filter(user=me, read_at=None).exists()
    assert client.get(reverse("reminders:read_all")).status_code == 405
    assert client.get("/api/reminders").json()["unread"] == 0


def test_inbox_requires_login(county):
    resp = Client().get(reverse("reminders:inbox"))
    assert resp.status_code == 302
    assert Client().get("/api/reminders").status_code == 401


def test_badge_shows_the_unread_count_to_its_owner_only(county, login):
    from qingfeng.reminders.models import Notice

    owner = county.users["township_secretary"]
    Notice.objects.create(user=owner, title="信访件即将到期", body="1件", url="/reports/")
    assert login("township_secretary").get("/reminders/badge/").content.decode().count(">1<") == 1
    assert login("other_officer").get("/reminders/badge/").content == b""
