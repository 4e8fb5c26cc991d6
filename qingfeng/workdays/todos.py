"""Home-page to-do: remind calendar managers to enter a year the table does not hold."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap
from qingfeng.core.todos import Todo
from qingfeng.workdays.models import CalendarYear


def calendar_todos(user: Any) -> list[Todo]:
    """ "录入{year}年节假日安排" for this year and next year when not entered completely.

    DESIGN.md §3 "Clocks": clocks on a missing year are provisional until the admin enters
    it; the current year missing is urgent (danger), next year a warning. One query.
    """
    if not has_cap(user, Cap.CALENDAR_MANAGE):
        return []
    this_year = timezone.localdate().year
    wanted = (this_year, this_year + 1)
    done = set(
        CalendarYear.objects.filter(year__in=wanted, complete=True).values_list("year", flat=True)
    )
    base = reverse("workdays:calendar")
    return [
        Todo(
            f"录入{year}年节假日安排",
            1,
            f"{base}?year={year}",
            "danger" if year == this_year else "warning",
        )
        for year in wanted
        if year not in done
    ]
