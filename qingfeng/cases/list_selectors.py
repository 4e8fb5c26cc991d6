"""Scoped reads behind the lead pages: the list, its Excel export, the filter bar's choices,
and the read-only extras of the lead file (verifications, documents, check-team candidates).

The list follows the report list (``qingfeng.intake.list_selectors``): scope from
``leads_visible_to`` (DESIGN.md §3, filtered in the query), narrowed first by an
index-friendly ``org_id IN (<bodies>)`` superset — a lead is held by a body and its handling
department is always a department of that body (``services._clean``) — rows newest first,
the page's ids before its rows, and the total counted up to ``COUNT_CAP + 1`` rows only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import grants_with, minimal_grants, org_scope_q, orgs_with
from qingfeng.cases.models import Lead, LeadClock, Verification
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.selectors import leads_visible_to
from qingfeng.cases.services import BODY_KINDS, DEPARTMENT_KINDS
from qingfeng.cases.todos import SOON_WORKING_DAYS
from qingfeng.core.paging import CappedPage, capped_slice
from qingfeng.documents.models import Document
from qingfeng.intake.list_selectors import holder_org_ids, scope_bodies_q
from qingfeng.intake.selectors import reports_visible_to
from qingfeng.orgs.models import Org
from qingfeng.workdays.clock import WorkCalendar

PAGE_SIZE = 20
COUNT_CAP = 10_000
EXPORT_CAP = 10_000
FILTER_ORG_LIMIT = 500
FILTER_DEPT_LIMIT = 200
DUE_OVERDUE = "overdue"
DUE_SOON = "soon"
# A 线索编号 as ``services.new_lead_number`` writes it: "<body code>-XS-<year>-<seq>".
_NUMBER = re.compile(r"[A-Za-z0-9-]+-XS-\d{4}-\d{3,}", re.IGNORECASE)


@dataclass(frozen=True)
class LeadFilters:
    """What the filter bar asks for; ``org`` covers its subtree, ``dept`` is exact."""

    status: str = ""
    way: str = ""
    source: str = ""
    org: Org | None = None
    dept: Org | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    q: str = ""
    due: str = ""  # DUE_OVERDUE / DUE_SOON / ""
    page: int = 1

    def for_audit(self) -> dict[str, Any]:
        """The filters as JSON-safe values for an export's audit event."""
        out: dict[str, Any] = {}
        for name in ("status", "way", "source", "created_from", "created_to", "q", "due"):
            value = getattr(self, name)
            if value not in ("", None):
                out[name] = value.isoformat() if isinstance(value, dt.date) else value
        if self.org is not None:
            out["org"] = self.org.name
        if self.dept is not None:
            out["dept"] = self.dept.name
        return out


LeadPage = CappedPage[Lead]


def due_soon_until(today: dt.date) -> dt.date:
    """The last day counted as "即将到期" (the home to-do's 3 working days)."""
    return WorkCalendar().add_working_days(today, SOON_WORKING_DAYS).date


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered_leads(user: Any, filters: LeadFilters) -> QuerySet[Lead]:
    """Leads the user may read (``lead.view``) matching ``filters``, newest first.

    Overdue = an open ``LeadClock`` due before today; due soon = an open clock due from today
    to 3 working days on (``cases.todos``). The text box matches a 线索编号 exactly or the
    start of the 被反映人's name.
    """
    holders, _wide = holder_org_ids(user, filters.org, cap=Cap.LEAD_VIEW)
    if not holders:
        return Lead.objects.none()
    qs = leads_visible_to(user, Cap.LEAD_VIEW).filter(org_id__in=holders)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.way:
        qs = qs.filter(way=filters.way)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.dept is not None:
        qs = qs.filter(handling_dept=filters.dept)
    if filters.created_from is not None:
        qs = qs.filter(created_at__gte=_day_start(filters.created_from))
    if filters.created_to is not None:
        qs = qs.filter(created_at__lt=_day_start(filters.created_to + dt.timedelta(days=1)))
    today = timezone.localdate()
    # Open clocks are few and bind the holding body: driven from the partial (org, due_on)
    # index of open clocks.
    open_clocks = LeadClock.objects.filter(met_at=None, org_id__in=holders)
    if filters.due == DUE_OVERDUE:
        qs = qs.filter(pk__in=open_clocks.filter(due_on__lt=today).values("lead_id"))
    elif filters.due == DUE_SOON:
        soon = open_clocks.filter(due_on__gte=today, due_on__lte=due_soon_until(today))
        qs = qs.filter(pk__in=soon.values("lead_id"))
    q = filters.q.strip()
    if _NUMBER.fullmatch(q):
        qs = qs.filter(number=q.upper())
    elif q:
        qs = qs.filter(subject_name__startswith=q)
    return qs.order_by("-created_at", "-id")


def attach_row_data(rows: list[Lead]) -> list[Lead]:
    """Set ``next_clock`` (the open clock due first, or None), ``is_overdue`` and
    ``outcome_label`` on each row; one query for the clocks of all rows."""
    if not rows:
        return rows
    by_lead: dict[int, LeadClock] = {}
    for open_clock in LeadClock.objects.filter(
        lead_id__in=[r.pk for r in rows], met_at=None
    ).order_by("lead_id", "due_on", "id"):
        by_lead.setdefault(open_clock.lead_id, open_clock)
    today = timezone.localdate()
    for r in rows:
        clock = by_lead.get(r.pk)
        r.next_clock = clock  # type: ignore[attr-defined]
        r.is_overdue = clock is not None and clock.due_on < today  # type: ignore[attr-defined]
        r.outcome_label = outcome_label(r.outcome)  # type: ignore[attr-defined]
    return rows


def outcome_label(code: str) -> str:
    """The Chinese label of an outcome code ("" for none, the code itself if unknown)."""
    if not code:
        return ""
    try:
        return str(Outcome(code).label)
    except ValueError:
        return code


def page_rows(qs: QuerySet[Lead], start: int, stop: int) -> list[Lead]:
    """The page's ids first (sorted on the (org, -created_at) index), then those rows."""
    ids = list(qs.values_list("id", flat=True)[start:stop])
    if not ids:
        return []
    by_id = Lead.objects.select_related("org", "handling_dept").in_bulk(ids)
    return [by_id[pk] for pk in ids]


def lead_list(user: Any, filters: LeadFilters) -> LeadPage:
    """One page (20) of the scoped, filtered lead list with a total capped at 10,000.

    Queries: the page's ids (one more than needed), its rows, their open clocks and — only
    when the first page is full or a later page is asked for — one capped count.
    """
    qs = filtered_leads(user, filters)
    rows, total, has_more, page = capped_slice(
        qs,
        filters.page,
        lambda start, stop: page_rows(qs, start, stop),
        page_size=PAGE_SIZE,
        cap=COUNT_CAP,
    )
    return LeadPage(attach_row_data(rows), total, has_more, page)


def export_rows(user: Any, filters: LeadFilters) -> tuple[list[list[Any]], bool]:
    """Rows of the Excel export, at most ``EXPORT_CAP``; True when cut. Only what the list
    shows (no summary, nothing of a source report's reporter)."""
    qs = filtered_leads(user, filters)
    out: list[list[Any]] = []
    truncated = False
    for chunk in _chunks(qs, EXPORT_CAP + 1, 1000):
        for r in attach_row_data(chunk):
            if len(out) == EXPORT_CAP:
                truncated = True
                break
            clock: LeadClock | None = r.next_clock  # type: ignore[attr-defined]
            out.append(
                [
                    r.number,
                    r.subject_name,
                    r.subject_unit,
                    r.subject_post,
                    r.get_source_display(),
                    r.org.name,
                    r.handling_dept.name if r.handling_dept else "",
                    r.get_status_display(),
                    r.get_way_display() if r.way else "",
                    r.outcome_label,  # type: ignore[attr-defined]
                    clock.get_kind_display() if clock else "",
                    clock.due_on if clock else None,
                    "已超期" if r.is_overdue else "",  # type: ignore[attr-defined]
                    r.created_at,
                ]
            )
    return out, truncated


def _chunks(qs: QuerySet[Lead], limit: int, size: int) -> Iterator[list[Lead]]:
    start = 0
    while start < limit:
        chunk = page_rows(qs, start, min(start + size, limit))
        if not chunk:
            return
        yield chunk
        if len(chunk) < size:
            return
        start += size


# -- the filter bar -------------------------------------------------------------------------


def filter_body(user: Any, raw: Any) -> Org | None:
    """The body chosen in the filter, if it is an active body in the user's lead scope."""
    if not str(raw or "").isdigit():
        return None
    q = scope_bodies_q(user, Cap.LEAD_VIEW)
    if q is None:
        return None
    return Org.objects.filter(q).filter(pk=int(raw)).first()


def filter_bodies(user: Any, selected: Org | None = None) -> list[Org]:
    """Bodies offered by the org filter: the tops of the scope, the chain down to the
    chosen body and the bodies directly under it — never the whole province."""
    q = scope_bodies_q(user, Cap.LEAD_VIEW)
    if q is None:
        return []
    tops = [g.org_id for g in minimal_grants(grants_with(user, Cap.LEAD_VIEW))]
    chain: list[int] = []
    parents: Iterable[int] = tops
    if selected is not None:
        chain = [int(x) for x in selected.path.strip("/").split("/") if x]
        parents = [selected.pk]
    return list(
        Org.objects.filter(q)
        .filter(Q(pk__in=[*tops, *chain]) | Q(parent_id__in=list(parents)))
        .only("pk", "name", "path", "depth")
        .order_by("path")[:FILTER_ORG_LIMIT]
    )


def _dept_scope_q(user: Any) -> Q | None:
    """Departments whose leads the user may read: in scope, or of a body in scope."""
    own = org_scope_q(user, Cap.LEAD_VIEW)
    if own is None:
        return None
    parent = org_scope_q(user, Cap.LEAD_VIEW, prefix="parent__")
    assert parent is not None
    return Q(kind__in=DEPARTMENT_KINDS, is_active=True) & (own | parent)


def filter_dept(user: Any, raw: Any) -> Org | None:
    """The handling department chosen in the filter, if the user's scope reaches it."""
    if not str(raw or "").isdigit():
        return None
    q = _dept_scope_q(user)
    if q is None:
        return None
    return Org.objects.filter(q).filter(pk=int(raw)).first()


def filter_depts(user: Any, body: Org | None = None) -> list[Org]:
    """Departments offered by the filter: those of the chosen body, or else those of the
    tops of the user's scope and the departments granted directly (a 室主任's own)."""
    q = _dept_scope_q(user)
    if q is None:
        return []
    if body is not None:
        where = Q(parent_id=body.pk)
    else:
        tops = [g.org_id for g in minimal_grants(grants_with(user, Cap.LEAD_VIEW))]
        where = Q(parent_id__in=tops) | Q(pk__in=tops)
    return list(
        Org.objects.filter(q)
        .filter(where)
        .select_related("parent")
        .order_by("parent__path", "sort_order", "code")[:FILTER_DEPT_LIMIT]
    )


# -- registration ---------------------------------------------------------------------------


def registration_bodies(user: Any) -> QuerySet[Org]:
    """Bodies where the user may register a lead: active commission bodies on which the
    user holds ``lead.handle`` (``services.register_lead`` checks the same)."""
    return (
        orgs_with(user, Cap.LEAD_HANDLE)
        .filter(kind__in=BODY_KINDS, is_active=True)
        .order_by("path")
    )


def departments_of(body_id: int | None) -> QuerySet[Org]:
    """The active departments and dispatched groups of a body (承办部门 choices)."""
    if body_id is None:
        return Org.objects.none()
    return Org.objects.filter(
        parent_id=body_id, kind__in=DEPARTMENT_KINDS, is_active=True
    ).order_by("sort_order", "code")


# -- the lead file --------------------------------------------------------------------------


def verifications_of(lead: Lead) -> list[Verification]:
    """Every 初步核实 of a lead, oldest first, with leader and team (three queries)."""
    return list(
        Verification.objects.filter(lead=lead)
        .select_related("leader")
        .prefetch_related("team")
        .order_by("created_at", "id")
    )


def documents_of(lead: Lead) -> QuerySet[Document]:
    """The documents issued for a lead the caller already holds in scope, newest first."""
    return Document.objects.filter(lead=lead).order_by("-issued_at", "-id")


def source_report_visible(user: Any, lead: Lead) -> bool:
    """Whether the user may open the report the lead came from (its own scope rule)."""
    if lead.report_id is None:
        return False
    return reports_visible_to(user).filter(pk=lead.report_id).exists()


def team_candidates(lead: Lead) -> QuerySet[User]:
    """Users offered for a check team: active users whose home org is the lead's body or
    its handling department (``handling.start_verification`` re-checks each may handle)."""
    orgs = [lead.org_id] + ([lead.handling_dept_id] if lead.handling_dept_id else [])
    return User.objects.filter(org_id__in=orgs, is_active=True).order_by("org_id", "full_name")
