"""The time limits of a case (DOMAIN.md §4), on the working-day calendar.

- INVESTIGATION: 审查调查 without detention is decided within **1 year** of 立案, extendable
  once by up to **6 months** with upper-level approval (``extend_investigation``).
- DETENTION: 留置 up to **3 months** (never at township level).
- REVIEW: 审理 within **1 month** of 受理 (*widely cited*).
- ANNOUNCE / POST_AND_PAY / EXECUTION_REPORT: after a sanction takes effect, announce within
  1 month, change post and pay within 1 month (撤销党内职务 or heavier), the unit reports
  execution within 6 months (``sanctions.execution_clocks``).
- RECOMMENDATION_REPLY: the unit a 纪检监察建议书 recommending 组织处理 went to replies within
  **1 month** of the decision. DOMAIN.md is silent on the number (§5, §9); one month, as for
  the announcement of §4.

Periods in months or years end on the same-numbered day and move off holidays (民法典
第201–203条, ``WorkCalendar.deadline_months``). A clock on a year not yet entered is
provisional and recomputed when the year is entered (``recompute_provisional``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qingfeng.cases.models import Case, CaseClock, CaseClockKind
from qingfeng.workdays.clock import Deadline, WorkCalendar

INVESTIGATION_MONTHS = 12
EXTENSION_MAX_MONTHS = 6
DETENTION_MONTHS = 3
REVIEW_MONTHS = 1
RECOMMENDATION_REPLY_MONTHS = 1

_MONTHS: dict[str, int] = {
    CaseClockKind.INVESTIGATION: INVESTIGATION_MONTHS,
    CaseClockKind.DETENTION: DETENTION_MONTHS,
    CaseClockKind.REVIEW: REVIEW_MONTHS,
    CaseClockKind.ANNOUNCE: 1,
    CaseClockKind.POST_AND_PAY: 1,
    CaseClockKind.EXECUTION_REPORT: 6,
    CaseClockKind.APPEAL: 3,
    CaseClockKind.PROBATION: 12,
    CaseClockKind.RECOMMENDATION_REPLY: RECOMMENDATION_REPLY_MONTHS,
}


def _deadline(
    clock_kind: str, starts_on: dt.date, extra: int, calendar: WorkCalendar, months: int | None
) -> Deadline:
    return calendar.deadline_months(starts_on, (months or _MONTHS[clock_kind]) + extra)


def deadline_of(
    kind: CaseClockKind, starts_on: dt.date, calendar: WorkCalendar | None = None
) -> Deadline:
    """When a ``kind`` clock opened on ``starts_on`` falls due, by the rule of ``kind`` — what
    a document printing the deadline reads, so it says what the clock says."""
    return _deadline(kind, starts_on, 0, calendar or WorkCalendar(), None)


def start_clock(
    *,
    case: Case,
    kind: CaseClockKind,
    starts_on: dt.date,
    months: int | None = None,
    calendar: WorkCalendar | None = None,
) -> CaseClock:
    """Open ``kind`` for ``case`` at the body handling it, due per the rule of ``kind`` (or
    in ``months`` where the period depends on the matter, e.g. an appeal)."""
    extra = case.extended_months if kind == CaseClockKind.INVESTIGATION else 0
    deadline = _deadline(kind, starts_on, extra, calendar or WorkCalendar(), months)
    return CaseClock.objects.create(
        case=case,
        kind=kind,
        org=case.org,
        starts_on=starts_on,
        due_on=deadline.date,
        months=months,
        provisional=deadline.provisional,
    )


def meet_clock(*, case: Case, kind: CaseClockKind) -> int:
    """Mark the open ``kind`` clocks of ``case`` as met now; returns how many."""
    return CaseClock.objects.filter(case=case, kind=kind, met_at=None).update(met_at=timezone.now())


def extend_investigation(*, case: Case) -> None:
    """Move the open 1-year clock by the case's approved extension (DOMAIN.md §4)."""
    calendar = WorkCalendar()
    for clock in CaseClock.objects.filter(case=case, kind=CaseClockKind.INVESTIGATION, met_at=None):
        deadline = _deadline(clock.kind, clock.starts_on, case.extended_months, calendar, None)
        clock.due_on, clock.provisional = deadline.date, deadline.provisional
        clock.save(update_fields=["due_on", "provisional"])


def move_clocks(*, case: Case) -> int:
    """Open clocks follow the case to the body now handling it (jurisdiction moves)."""
    return CaseClock.objects.filter(case=case, met_at=None).update(org=case.org)


def recompute_provisional(year: int) -> None:
    """Recompute open provisional clocks once ``year`` is entered (DESIGN.md §3 "Clocks")."""
    calendar = WorkCalendar()
    with transaction.atomic():
        for clock in (
            CaseClock.objects.select_for_update()
            .select_related("case")
            .filter(provisional=True, met_at=None, due_on__year__gte=year - 1)
        ):
            extra = clock.case.extended_months if clock.kind == CaseClockKind.INVESTIGATION else 0
            deadline = _deadline(clock.kind, clock.starts_on, extra, calendar, clock.months)
            if (deadline.date, deadline.provisional) != (clock.due_on, clock.provisional):
                clock.due_on, clock.provisional = deadline.date, deadline.provisional
                clock.save(update_fields=["due_on", "provisional"])
