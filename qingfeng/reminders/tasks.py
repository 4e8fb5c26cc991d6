"""Background tasks of the reminders module (django-tasks; DESIGN.md §2 background work)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from qingfeng.accounts.models import User
from qingfeng.intake.models import Clock
from qingfeng.reminders.selectors import clocks_to_remind, responsible_users
from qingfeng.reminders.services import notify
from qingfeng.workdays.clock import WorkCalendar

TITLE = "信访件办理时限提醒"


def reminder_text(due_soon: int, overdue: int) -> str:
    """The SMS/notice text: counts only — never identity or report content (DOMAIN.md §2)."""
    parts = []
    if due_soon:
        parts.append(f"{due_soon}件信访件即将到期")
    if overdue:
        parts.append(f"{overdue}件信访件已超期")
    return f"您有{'、'.join(parts)}，请登录清风系统处理。"


def run_clock_reminders(today: dt.date | None = None) -> dict[str, Any]:
    """Remind each responsible user once a day of reports whose clocks are due or overdue.

    DOMAIN.md §2 clocks: open clocks due within 2 working days, or past due, not reminded
    today. Responsible users hold ``report.handle`` on the clock's body through a grant on
    it or, with subtree, on an ancestor. One notice (and one SMS when the user has a phone)
    per user; the clocks are marked ``reminded_on = today`` in the same transaction, so a
    second run the same day sends nothing.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        clocks = list(
            clocks_to_remind(today, WorkCalendar())
            .select_for_update(skip_locked=True)
            .values_list("pk", "report_id", "org_id", "due_on")
        )
        if not clocks:
            return {"date": today.isoformat(), "clocks": 0, "users": 0, "sms": 0}
        by_org = responsible_users({org_id for _pk, _r, org_id, _d in clocks})
        soon: dict[int, set[int]] = defaultdict(set)
        late: dict[int, set[int]] = defaultdict(set)
        for _pk, report_id, org_id, due_on in clocks:
            for user_id in by_org.get(org_id, ()):
                (late if due_on < today else soon)[user_id].add(report_id)
        users = User.objects.filter(pk__in=set(soon) | set(late), is_active=True).only(
            "pk", "phone"
        )
        url = reverse("intake:list")
        sms_count = 0
        for user in users:
            overdue = late.get(user.pk, set())
            due_soon = soon.get(user.pk, set()) - overdue
            text = reminder_text(len(due_soon), len(overdue))
            link = f"{url}?due=overdue" if overdue else f"{url}?due=soon"
            notify(users=[user], title=TITLE, body=text, url=link, sms=True, sms_text=text)
            sms_count += 1 if user.phone else 0
        Clock.objects.filter(pk__in=[c[0] for c in clocks]).update(reminded_on=today)
        return {
            "date": today.isoformat(),
            "clocks": len(clocks),
            "users": len(users),
            "sms": sms_count,
        }


@task()
def send_clock_reminders() -> dict[str, Any]:
    """The daily task: ``run_clock_reminders`` for today."""
    return run_clock_reminders()
