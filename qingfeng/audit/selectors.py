"""Scoped reads of the audit log.

Every query here is meant to stay fast on tens of millions of rows: filters map onto the
indexed columns (seq, org+seq, actor+seq, actor_name+seq, action+seq, object_type+
object_id, at) and pages are keyset pages on ``seq`` (no COUNT, no OFFSET).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import grants_with, orgs_with, scoped, subtree_q
from qingfeng.audit.models import Action, AuditEvent
from qingfeng.orgs.models import Org

PAGE_SIZE = 50
# Users matched by the free-text user filter (username exact or name contains).
USER_MATCH_LIMIT = 200


def is_auditor(user: Any) -> bool:
    return bool(grants_with(user, Cap.AUDIT_VIEW))


def sees_unscoped_events(user: Any) -> bool:
    """Events without an org (e.g. a failed login with an unknown username) belong to no
    scope; only auditors whose ``audit.view`` reaches a root org (no parent) see them."""
    # A root org's path holds just its own id: "/1/".
    return any(g.path.count("/") == 2 for g in grants_with(user, Cap.AUDIT_VIEW))


def sees_whole_log(user: Any) -> bool:
    """Whether the user's ``audit.view`` covers every root org's whole subtree: then the
    scope filter is left out, so pages walk the ``seq`` index instead of sorting every
    row of an ``org_id IN (…)`` match (seconds on tens of millions of rows)."""
    cached: bool | None = getattr(user, "_audit_whole_log", None)
    if cached is None:
        roots = {
            g.org_id
            for g in grants_with(user, Cap.AUDIT_VIEW)
            if g.subtree and g.path.count("/") == 2
        }
        cached = bool(roots) and not (
            Org.objects.filter(parent__isnull=True).exclude(pk__in=roots).exists()
        )
        user._audit_whole_log = cached
    return cached


def events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """Audit events the user may read: org within ``audit.view`` scope (DESIGN.md §3
    "Data scope"), plus org-less events for auditors of a root org."""
    base = AuditEvent.objects.all()
    if sees_whole_log(user):
        return base
    visible = scoped(base, user, Cap.AUDIT_VIEW, field="org")
    if sees_unscoped_events(user):
        visible = visible | base.filter(org__isnull=True)
    return visible


def get_event_for_user(user: Any, pk: int) -> AuditEvent:
    """One event, or 404 when missing or out of the user's scope alike."""
    event = events_visible_to(user).select_related("org").filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def filter_org_choices(user: Any) -> QuerySet[Org]:
    """Orgs offered in the filter's select: the auditor's scope down to two levels below
    its top, so that a province-wide auditor is not handed every village station."""
    grants = grants_with(user, Cap.AUDIT_VIEW)
    if not grants:
        return Org.objects.none()
    top = min(g.path.count("/") - 2 for g in grants)  # "/1/" is depth 0
    return orgs_with(user, Cap.AUDIT_VIEW).filter(depth__lte=top + 2).order_by("path")


@dataclass(frozen=True)
class EventFilters:
    user: str = ""
    org: Org | None = None
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def describe(self) -> str:
        """The filter in words, for the export's audit entry."""
        parts = []
        if self.user:
            parts.append(f"用户={self.user}")
        if self.org is not None:
            parts.append(f"机构={self.org.name}（含下级）")
        if self.object_type:
            parts.append(f"对象类型={self.object_type}")
        if self.object_id:
            parts.append(f"对象编号={self.object_id}")
        if self.action:
            parts.append(f"操作={Action(self.action).label}")
        if self.date_from:
            parts.append(f"起始日期={self.date_from.isoformat()}")
        if self.date_to:
            parts.append(f"截止日期={self.date_to.isoformat()}")
        return "；".join(parts) or "无（全部）"

    def as_json(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "org": self.org.pk if self.org is not None else None,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the site's time zone (dates in filters are local dates)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def apply_filters(qs: QuerySet[AuditEvent], f: EventFilters) -> QuerySet[AuditEvent]:
    """Narrow an already scoped queryset by the filter bar's fields."""
    from qingfeng.accounts.models import User

    if f.user:
        ids = list(
            User.objects.filter(Q(username=f.user) | Q(full_name__contains=f.user)).values_list(
                "pk", flat=True
            )[:USER_MATCH_LIMIT]
        )
        # actor_name keeps the typed username of failed logins that matched no account.
        qs = qs.filter(Q(actor_id__in=ids) | Q(actor_name=f.user))
    if f.org is not None:
        qs = qs.filter(org_id__in=Org.objects.filter(subtree_q(f.org.path)).values("pk"))
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.date_from:
        qs = qs.filter(at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    return qs


@dataclass
class KeysetPage:
    events: list[AuditEvent]
    newer: int | None  # pass as ?after=
    older: int | None  # pass as ?before=


def keyset_page(
    qs: QuerySet[AuditEvent],
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> KeysetPage:
    """Newest first, ``size`` rows older than ``before`` or newer than ``after`` (one query)."""
    qs = qs.select_related("org")
    if after is not None:
        rows = list(qs.filter(seq__gt=after).order_by("seq")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(
            rows,
            newer=rows[0].seq if rows and more_newer else None,
            older=rows[-1].seq if rows else after + 1,
        )
    if before is not None:
        qs = qs.filter(seq__lt=before)
    rows = list(qs.order_by("-seq")[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows,
        newer=(rows[0].seq if rows else before - 1) if before is not None else None,
        older=rows[-1].seq if rows and more_older else None,
    )
