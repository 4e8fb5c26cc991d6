"""Counts for the home page, each filtered by the user's scope in the query."""

from __future__ import annotations

from typing import Any

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap, orgs_with, scoped
from qingfeng.orgs.models import OrgKind, Person, Unit


def scope_counts(user: Any) -> list[tuple[str, int]]:
    """Headline numbers of the user's scope: townships, stations, units, persons, users."""
    from qingfeng.accounts.models import User

    orgs = orgs_with(user, Cap.ORG_VIEW)
    counts = [
        ("乡镇（街道）", orgs.filter(kind__in=[OrgKind.TOWNSHIP, OrgKind.STREET]).count()),
        ("村（社区）联络站", orgs.filter(kind=OrgKind.STATION).count()),
        ("被监督单位", scoped(Unit.objects.all(), user, Cap.ORG_VIEW).count()),
    ]
    if has_cap(user, Cap.PERSON_VIEW):
        counts.append(("监察对象", scoped(Person.objects.all(), user, Cap.PERSON_VIEW).count()))
    if has_cap(user, Cap.USER_VIEW):
        counts.append(("系统用户", scoped(User.objects.all(), user, Cap.USER_VIEW).count()))
    return counts
