"""Background tasks of the reminders module (django-tasks; DESIGN.md §2 background work)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Cap
from qingfeng.cases.models import CaseClock, CaseClockKind, LeadClock
from qingfeng.intake.models import Clock
from qingfeng.reminders.selectors import clocks_to_remind, responsible_users
from qingfeng.reminders.services import notify
from qingfeng.workdays.clock import WorkCalendar

TITLE = "办理时限提醒"


@dataclass(frozen=True)
class Source:
    """One kind of clock the daily reminder covers: whose it is and where it is worked."""

    model: type[Model]
    record: str  # the column naming the record the clock belongs to
    cap: Cap  # who answers for it: holders of this capability on the clock's body
    noun: str  # how the notice counts them
    url_name: str  # the list the notice links to
    due_param: bool  # whether that list takes ?due=overdue / ?due=soon


# Reports (DOMAIN.md §2), leads (§3) and cases (§4), in the order the notice names them.
SOURCES = (
    Source(Clock, "report_id", Cap.REPORT_HANDLE, "信访件", "intake:list", True),
    Source(LeadClock, "lead_id", Cap.LEAD_HANDLE, "问题线索", "cases:list", True),
    Source(CaseClock, "case_id", Cap.CASE_HANDLE, "案件", "case_files:due", False),
)


def _counts(noun: str, due_soon: int, overdue: int) -> str:
    parts = []
    if due_soon:
        parts.append(f"{due_soon}件{noun}即将到期")
    if overdue:
        parts.append(f"{overdue}件{noun}已超期")
    return "、".join(parts)


def _due_rows(source: Source, today: dt.date) -> list[tuple[int, str, int, Cap, dt.date]]:
    """(clock id, record key, org id, capability, due date) of the source's clocks to remind.

    A case in 审理 answers to the 审理 body (``Case.review_org``, the county 审理室 under
    乡案县审): its review clock reminds the holders of ``case.review`` there.
    """
    qs = clocks_to_remind(today, WorkCalendar(), source.model).select_for_update(
        skip_locked=True, of=("self",)
    )
    if source.model is CaseClock:
        rows = qs.values_list("pk", "case_id", "org_id", "due_on", "kind", "case__review_org_id")
        return [
            (pk, f"case:{rec}", review_org, Cap.CASE_REVIEW, due)
            if kind == CaseClockKind.REVIEW and review_org
            else (pk, f"case:{rec}", org, source.cap, due)
            for pk, rec, org, due, kind, review_org in rows
        ]
    return [
        (pk, f"{source.record}:{rec}", org, source.cap, due)
        for pk, rec, org, due in qs.values_list("pk", source.record, "org_id", "due_on")
    ]


def run_clock_reminders(today: dt.date | None = None) -> dict[str, Any]:
    """Remind each responsible user once a day of the reports, leads and cases whose clocks
    are due or overdue.

    DOMAIN.md §2–§4 clocks: open clocks due within 2 working days, or past due, not
    reminded today. Responsible users hold the capability of the record
    (``report.handle`` / ``lead.handle`` / ``case.handle``; ``case.review`` for a review
    clock, at the 审理 body) on the clock's body through a grant on it or, with subtree, on
    an ancestor. One notice (and one SMS when the user has a phone) per user, counting each
    kind of record; the clocks are marked ``reminded_on = today`` in the same transaction,
    so a second run the same day sends nothing.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        found = {source: _due_rows(source, today) for source in SOURCES}
        total = sum(len(rows) for rows in found.values())
        if not total:
            return {"date": today.isoformat(), "clocks": 0, "users": 0, "sms": 0}
        orgs_by_cap: dict[Cap, set[int]] = defaultdict(set)
        for rows in found.values():
            for _pk, _rec, org_id, cap, _due in rows:
                orgs_by_cap[cap].add(org_id)
        who = {cap: responsible_users(orgs, cap) for cap, orgs in orgs_by_cap.items()}
        # user id -> source -> (records due soon, records overdue)
        soon: dict[int, dict[Source, set[str]]] = defaultdict(lambda: defaultdict(set))
        late: dict[int, dict[Source, set[str]]] = defaultdict(lambda: defaultdict(set))
        for source, rows in found.items():
            for _pk, rec, org_id, cap, due_on in rows:
                for user_id in who[cap].get(org_id, ()):
                    (late if due_on < today else soon)[user_id][source].add(rec)
        users = User.objects.filter(pk__in=set(soon) | set(late), is_active=True).only(
            "pk", "phone"
        )
        sms_count = 0
        for user in users:
            parts, link = [], ""
            for source in SOURCES:
                overdue = late[user.pk][source]
                due_soon = soon[user.pk][source] - overdue
                if not (overdue or due_soon):
                    continue
                parts.append(_counts(source.noun, len(due_soon), len(overdue)))
                if not link or (overdue and "overdue" not in link):
                    link = _link(source, overdue=bool(overdue))
            text = f"您有{'、'.join(parts)}，请登录清风系统处理。"
            notify(users=[user], title=TITLE, body=text, url=link, sms=True, sms_text=text)
            sms_count += 1 if user.phone else 0
        for source, rows in found.items():
            source.model._default_manager.filter(pk__in=[r[0] for r in rows]).update(
                reminded_on=today
            )
        return {"date": today.isoformat(), "clocks": total, "users": len(users), "sms": sms_count}


def _link(source: Source, *, overdue: bool) -> str:
    url = reverse(source.url_name)
    if not source.due_param:
        return url
    return f"{url}?due={'overdue' if overdue else 'soon'}"


@task()
def send_clock_reminders() -> dict[str, Any]:
    """The daily task: ``run_clock_reminders`` for today."""
    return run_clock_reminders()
