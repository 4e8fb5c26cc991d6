"""``manage.py remind``: queue today's clock reminders (run daily from cron or a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_tasks import TaskResultStatus

from qingfeng.reminders.tasks import send_clock_reminders


class Command(BaseCommand):
    help = "发送信访件、问题线索和案件的办理时限提醒（站内提醒与短信），每天运行一次"

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_clock_reminders.enqueue()
        if result.status == TaskResultStatus.SUCCESSFUL:
            summary = result.return_value or {}
            self.stdout.write(
                f"{summary.get('date')}：涉及时限 {summary.get('clocks', 0)} 个，"
                f"提醒 {summary.get('users', 0)} 人，短信 {summary.get('sms', 0)} 条。"
            )
        elif result.status == TaskResultStatus.FAILED:
            self.stderr.write("提醒任务执行失败，详见任务日志。")
        else:
            self.stdout.write(f"提醒任务已排队（{result.id}），由任务进程执行。")
