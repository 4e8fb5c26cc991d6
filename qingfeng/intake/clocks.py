"""The legal clocks of a report (DOMAIN.md §2), on the working-day calendar.

- ROUTE: a body that holds a report must accept, refuse, forward down, send up or
  transfer it within **5 working days** of its arrival there (检举控告工作规则).
- ACCEPT_NOTICE: a real-name reporter is told of acceptance within **15 working days** of
  receipt, not again for a repeat report.
- RESULT_FEEDBACK: a real-name reporter is told the outcome within **15 working days** of
  closing.

Every deadline comes from ``qingfeng.workdays.clock`` (民法典 第201条: the start day is not
counted). A clock that rests on a year not yet entered is provisional and is recomputed
when that year is entered (``recompute_provisional``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qingfeng.intake.models import Clock, ClockKind, Report
from qingfeng.orgs.models import Org
from qingfeng.workdays.clock import WorkCalendar

WORKING_DAYS: dict[str, int] = {
    ClockKind.ROUTE: 5,
    ClockKind.ACCEPT_NOTICE: 15,
    ClockKind.RESULT_FEEDBACK: 15,
}


def start_clock(
    *,
    report: Report,
    kind: ClockKind,
    org: Org,
    starts_on: dt.date,
    calendar: WorkCalendar | None = None,
) -> Clock:
    """Open ``kind`` for ``report`` at ``org``, due N working days after ``starts_on``."""
    n = WORKING_DAYS[kind]
    deadline = (calendar or WorkCalendar()).add_working_days(starts_on, n)
    return Clock.objects.create(
        report=report,
        kind=kind,
        org=org,
        starts_on=starts_on,
        working_days=n,
        due_on=deadline.date,
        provisional=deadline.provisional,
    )


def meet_clock(*, report: Report, kind: ClockKind) -> int:
    """Mark the open ``kind`` clocks of ``report`` as met now; returns how many."""
    return Clock.objects.filter(report=report, kind=kind, met_at=None).update(met_at=timezone.now())


def drop_clock(*, report: Report, kind: ClockKind) -> int:
    """Remove an open clock that no longer applies (a repeat, or a report sent away)."""
    deleted, _ = Clock.objects.filter(report=report, kind=kind, met_at=None).delete()
    return deleted


def move_clocks(*, report: Report, org: Org) -> None:
    """The open reporter-facing clocks follow the report to the body that now holds it."""
    Clock.objects.filter(report=report, met_at=None).exclude(kind=ClockKind.ROUTE).update(org=org)


def recompute_provisional(year: int) -> None:
    """Recompute open provisional clocks once ``year`` is entered (DESIGN.md §3 "Clocks").

    Hooked on ``qingfeng.workdays.services.on_year_entered``.
    """
    calendar = WorkCalendar()
    with transaction.atomic():
        for clock in Clock.objects.select_for_update().filter(
            provisional=True, met_at=None, due_on__year__gte=year - 1
        ):
            deadline = calendar.add_working_days(clock.starts_on, clock.working_days)
            if (deadline.date, deadline.provisional) != (clock.due_on, clock.provisional):
                clock.due_on = deadline.date
                clock.provisional = deadline.provisional
                clock.save(update_fields=["due_on", "provisional"])
