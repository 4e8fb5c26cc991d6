"""The time limits of a lead's handling (DOMAIN.md §3), on the working-day calendar.

- ENQUIRY_REPLY: a 函询 (or a written explanation asked for after a talk) is answered
  within **15 working days** of the letter.
- ENQUIRY_REPORT: the handling department reports its view within **1 month** of the talk
  or of the reply (民法典 第202–203条: same-numbered day, moved off holidays).
- VERIFICATION: 初步核实 within the body's local limit (``BodySettings``, default 2 months).
- TRANSFER_REPLY: the authority a lead is transferred to (问题转办单) replies in writing
  within **1 month** of the approval of the transfer. DOMAIN.md is silent on the number; one
  month is the body's reply period, as for the 1-month report of §3.

A clock resting on a year not yet entered is provisional and is recomputed when the year is
entered (``recompute_provisional``, hooked on ``workdays.services.on_year_entered``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qingfeng.cases.models import BodySettings, Lead, LeadClock, LeadClockKind
from qingfeng.orgs.models import Org
from qingfeng.workdays.clock import Deadline, WorkCalendar

REPLY_WORKING_DAYS = 15
REPORT_MONTHS = 1
TRANSFER_REPLY_MONTHS = 1
DEFAULT_VERIFICATION_MONTHS = 2


def verification_months(org: Org) -> int:
    """The body's local 初步核实 limit in months (DOMAIN.md §3 *local*: default 2)."""
    row = BodySettings.objects.filter(org=org).only("verification_months").first()
    return row.verification_months if row else DEFAULT_VERIFICATION_MONTHS


def _deadline(
    kind: str, starts_on: dt.date, months: int | None, calendar: WorkCalendar
) -> Deadline:
    if kind == LeadClockKind.ENQUIRY_REPLY:
        return calendar.add_working_days(starts_on, REPLY_WORKING_DAYS)
    if kind == LeadClockKind.TRANSFER_REPLY:
        return calendar.deadline_months(starts_on, months or TRANSFER_REPLY_MONTHS)
    return calendar.deadline_months(starts_on, months or REPORT_MONTHS)


def start_clock(
    *, lead: Lead, kind: LeadClockKind, starts_on: dt.date, months: int | None = None
) -> LeadClock:
    """Open ``kind`` for ``lead`` at the body holding it, due per the rule of ``kind``."""
    deadline = _deadline(kind, starts_on, months, WorkCalendar())
    return LeadClock.objects.create(
        lead=lead,
        kind=kind,
        org=lead.org,
        starts_on=starts_on,
        due_on=deadline.date,
        provisional=deadline.provisional,
    )


def meet_clock(*, lead: Lead, kind: LeadClockKind) -> int:
    """Mark the open ``kind`` clocks of ``lead`` as met now; returns how many."""
    return LeadClock.objects.filter(lead=lead, kind=kind, met_at=None).update(met_at=timezone.now())


def recompute_provisional(year: int) -> None:
    """Recompute open provisional clocks once ``year`` is entered (DESIGN.md §3 "Clocks")."""
    calendar = WorkCalendar()
    with transaction.atomic():
        for clock in LeadClock.objects.select_for_update().filter(
            provisional=True, met_at=None, due_on__year__gte=year - 1
        ):
            months = None
            if clock.kind == LeadClockKind.VERIFICATION:
                months = verification_months(clock.org)
            deadline = _deadline(clock.kind, clock.starts_on, months, calendar)
            if (deadline.date, deadline.provisional) != (clock.due_on, clock.provisional):
                clock.due_on = deadline.date
                clock.provisional = deadline.provisional
                clock.save(update_fields=["due_on", "provisional"])
