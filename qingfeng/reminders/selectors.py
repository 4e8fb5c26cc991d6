"""Reads of the reminders module: a user's notices, and who answers for which clocks
(reports, leads and cases)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Model, Q, QuerySet

from qingfeng.accounts.models import RoleGrant
from qingfeng.accounts.roles import ROLE_DEFINITIONS, Cap
from qingfeng.intake.models import Clock
from qingfeng.orgs.models import Org
from qingfeng.reminders.models import Notice
from qingfeng.workdays.clock import WorkCalendar

# Reminders go out for clocks due within this many working days, and for overdue ones.
REMIND_WORKING_DAYS = 2


def notices_for(user: Any) -> QuerySet[Notice]:
    """The user's own notices, unread first, newest first."""
    return Notice.objects.filter(user=user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id"
    )


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(user=user, read_at=None).count()


def clocks_to_remind(
    today: dt.date, calendar: WorkCalendar | None = None, model: type[Model] = Clock
) -> QuerySet[Any]:
    """Open clocks of ``model`` (a report's ``Clock``, a ``LeadClock`` or a ``CaseClock``)
    due within 2 working days or overdue, not yet reminded today.

    DOMAIN.md §2–§4 clocks; the horizon is counted on the working-day calendar.
    """
    until = (calendar or WorkCalendar()).add_working_days(today, REMIND_WORKING_DAYS).date
    return model._default_manager.filter(met_at=None, due_on__lte=until).filter(
        Q(reminded_on__isnull=True) | Q(reminded_on__lt=today)
    )


def _roles_with(cap: Cap) -> list[str]:
    """Roles that hold ``cap``. The system administrator holds every capability so that
    they can grant it, but handles no matter and is not reminded about any."""
    return [
        code
        for code, (_n, caps, _o) in ROLE_DEFINITIONS.items()
        if cap in caps and code != "sysadmin"
    ]


def responsible_users(org_ids: Iterable[int], cap: Cap = Cap.REPORT_HANDLE) -> dict[int, set[int]]:
    """For each org id, the ids of active users holding ``cap`` on it.

    A grant reaches an org when it is on the org itself, or on one of its ancestors with
    ``include_subtree`` (DESIGN.md §3). Province scale: one query on the org table for the
    paths, one on the grant table for grants on those orgs or their ancestors — never a
    loop over users × orgs.
    """
    org_ids = set(org_ids)
    if not org_ids:
        return {}
    paths = dict(Org.objects.filter(pk__in=org_ids).values_list("pk", "path"))
    ancestors: dict[int, list[int]] = {
        pk: [int(x) for x in path.strip("/").split("/") if x] for pk, path in paths.items()
    }
    every_ancestor = {a for chain in ancestors.values() for a in chain}
    grants = RoleGrant.objects.filter(
        role_id__in=_roles_with(cap),
        user__is_active=True,
        org__is_active=True,
    ).filter(Q(org_id__in=org_ids) | Q(org_id__in=every_ancestor, include_subtree=True))
    node: dict[int, set[int]] = defaultdict(set)  # org id -> users granted on it
    tree: dict[int, set[int]] = defaultdict(set)  # org id -> users granted on its subtree
    for user_id, org_id, subtree in grants.values_list("user_id", "org_id", "include_subtree"):
        (tree if subtree else node)[org_id].add(user_id)
    out: dict[int, set[int]] = {}
    for pk, chain in ancestors.items():
        users = set(node.get(pk, ()))
        for a in chain:
            users |= tree.get(a, set())
        out[pk] = users
    return out
