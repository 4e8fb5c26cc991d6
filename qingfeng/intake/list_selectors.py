"""Scoped reads behind the report list, its Excel export and the list API.

The report table is the second largest of the system (a province registers ≈150k reports
a year), so the list follows the person list (``qingfeng.orgs.people_selectors``): the
scope comes from ``reports_visible_to`` (DESIGN.md §3, filtered in the query), an org
filter is one ``org_id IN (SELECT id FROM org WHERE path …)`` subquery on the small org
table, rows come newest first on the ``(org, -received_on, -id)`` / ``(-received_on, -id)``
indexes, and the total is counted up to ``COUNT_CAP + 1`` rows only — never the whole scope.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import grants_with, minimal_grants, org_scope_q, subtree_q
from qingfeng.core.paging import CappedPage, capped_slice, sorted_ids_page
from qingfeng.intake.models import Clock, Report, ReportClass
from qingfeng.intake.selectors import reports_visible_to
from qingfeng.orgs.models import Org, OrgKind
from qingfeng.workdays.clock import WorkCalendar

PAGE_SIZE = 20
COUNT_CAP = 10_000
EXPORT_CAP = 10_000
FILTER_ORG_LIMIT = 500
# "即将到期": an open clock due today or within this many working days (home-page to-do).
DUE_SOON_WORKING_DAYS = 3
# Bodies that hold reports (DOMAIN.md §1); the org filter and the statistics offer these.
BODY_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.STREET)
DEPARTMENT_KINDS = (OrgKind.DEPARTMENT, OrgKind.DISPATCHED)
# A body set holding at least this share of all bodies is read newest-first off the date
# index (it is dense there); a narrower one through the (org, -received_on, -id) index.
WIDE_SHARE = 0.25
# ``klass`` value of the filter for reports not yet classified.
UNCLASSIFIED = "none"
DUE_OVERDUE = "overdue"
# A 登记编号 as ``services._new_report_number`` writes it: "<org code>-<year>-<seq>".
_NUMBER = re.compile(r"[A-Za-z0-9-]+-\d{4}-\d{3,}")
DUE_SOON = "soon"


@dataclass(frozen=True)
class ReportFilters:
    """What the filter bar (or the API query string) asks for; ``org`` covers its subtree."""

    channel: str = ""
    klass: str = ""  # a ReportClass value, UNCLASSIFIED, or "" for all
    real_name: bool | None = None
    repeat: bool | None = None  # True: 重复件 only; False: 初次件 only
    status: str = ""
    due: str = ""  # DUE_OVERDUE / DUE_SOON / ""
    org: Org | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    q: str = ""
    page: int = 1

    def for_audit(self) -> dict[str, Any]:
        """The filters as JSON-safe values for an export's audit event (never identity)."""
        out: dict[str, Any] = {}
        for name in (
            "channel",
            "klass",
            "real_name",
            "repeat",
            "status",
            "due",
            "received_from",
            "received_to",
            "q",
        ):
            value = getattr(self, name)
            if value not in ("", None):
                out[name] = value.isoformat() if isinstance(value, dt.date) else value
        if self.org is not None:
            out["org"] = self.org.name
        return out


ReportPage = CappedPage[Report]


def due_soon_until(today: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    """The last day counted as "即将到期": ``DUE_SOON_WORKING_DAYS`` working days ahead."""
    return (calendar or WorkCalendar()).add_working_days(today, DUE_SOON_WORKING_DAYS).date


def _open_clocks(in_holders: list[int]) -> QuerySet[Clock]:
    # Open clocks are few (most are met) and bind the body holding the report, so "reports
    # with such a clock" is driven from the partial (org, due_on) index of open clocks.
    return Clock.objects.filter(met_at=None, org_id__in=in_holders)


def filtered_reports(user: Any, filters: ReportFilters) -> QuerySet[Report]:
    """Reports the user may read (``report.view``) matching ``filters``, newest first.

    Overdue = an open clock (not met) whose deadline is before today (DOMAIN.md §2 clocks);
    due soon = an open clock due from today to ``DUE_SOON_WORKING_DAYS`` working days on.
    The text box matches a 登记编号 exactly or the start of a title (prefix only: full-text
    search has its own page, ``qingfeng.intake.search``).
    """
    return _filtered(user, filters)[0]


def _filtered(user: Any, filters: ReportFilters) -> tuple[QuerySet[Report], bool]:
    """``filtered_reports`` and whether the holders are a wide share of all bodies."""
    qs = reports_visible_to(user, Cap.REPORT_VIEW)
    in_holders, wide = holder_org_ids(user, filters.org)
    if not in_holders:
        return Report.objects.none(), False
    if wide:
        # ``org_id + 0``: no index serves the org test, so the planner walks the
        # (-received_on, -id) index newest first and stops after the page.
        qs = qs.alias(org_plain=F("org_id") + 0).filter(org_plain__in=in_holders)
    else:
        qs = qs.filter(org_id__in=in_holders)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.klass == UNCLASSIFIED:
        qs = qs.filter(klass="")
    elif filters.klass:
        qs = qs.filter(klass=filters.klass)
    if filters.real_name is not None:
        qs = qs.filter(is_real_name=filters.real_name)
    if filters.repeat is not None:
        qs = qs.filter(repeat_of__isnull=not filters.repeat)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.received_from is not None:
        qs = qs.filter(received_on__gte=filters.received_from)
    if filters.received_to is not None:
        qs = qs.filter(received_on__lte=filters.received_to)
    today = timezone.localdate()
    if filters.due == DUE_OVERDUE:
        qs = qs.filter(pk__in=_open_clocks(in_holders).filter(due_on__lt=today).values("report_id"))
    elif filters.due == DUE_SOON:
        until = due_soon_until(today)
        soon = _open_clocks(in_holders).filter(due_on__gte=today, due_on__lte=until)
        qs = qs.filter(pk__in=soon.values("report_id"))
    q = filters.q.strip()
    if _NUMBER.fullmatch(q):
        qs = qs.filter(number=q.upper())  # the unique index answers at once
    elif q:
        # A title prefix has no index: at province scope this scans (the search page
        # is the fast way to find text).
        qs = qs.filter(title__startswith=q)
    return qs.order_by("-received_on", "-id"), wide


def holder_org_ids(
    user: Any, org: Org | None = None, cap: Cap = Cap.REPORT_VIEW
) -> tuple[list[int], bool]:
    """The bodies that may hold a report the user sees (a superset), cut to ``org``'s
    subtree, and whether they are a wide share of all bodies.

    ``reports_visible_to`` tests the holding body *or* the handling department through
    joins, which no index serves (at 300k reports a township's first page scanned the
    table: ≈1 s). Reports are held only by bodies, and a handling department is always a
    department of the holding body (``services.assign``), so the holder is a body in scope
    or the parent of an in-scope department. ``org_id IN (<those ids>)`` — at most the
    ≈1,300 bodies of a province, as literals so both planners estimate it — is an
    index-friendly superset that the exact scope test then narrows. Two queries on the
    small org table.
    """
    scope = org_scope_q(user, cap)
    if scope is None:
        return [], False
    dept_parents = Org.objects.filter(scope, kind__in=DEPARTMENT_KINDS).values("parent_id")
    q = (scope | Q(pk__in=dept_parents)) & Q(kind__in=BODY_KINDS)
    if org is not None:
        q &= subtree_q(org.path)
    ids = list(Org.objects.filter(q).values_list("pk", flat=True))
    if not ids:
        return [], False
    total = Org.objects.filter(kind__in=BODY_KINDS).count()
    return ids, len(ids) >= WIDE_SHARE * total


def attach_row_data(rows: list[Report]) -> list[Report]:
    """Attach org, subjects (one prefetch query each unless loaded) and the next open
    clock (one query) to rows.

    Sets ``next_clock`` (the open clock due first, or None) and ``is_overdue`` on each.
    """
    if not rows:
        return rows
    prefetch_related_objects(rows, "org", "subjects")
    by_report: dict[int, Clock] = {}
    for open_clock in Clock.objects.filter(
        report_id__in=[r.pk for r in rows], met_at=None
    ).order_by("report_id", "due_on", "id"):
        by_report.setdefault(open_clock.report_id, open_clock)
    today = timezone.localdate()
    for r in rows:
        clock = by_report.get(r.pk)
        r.next_clock = clock  # type: ignore[attr-defined]
        r.is_overdue = clock is not None and clock.due_on < today  # type: ignore[attr-defined]
    return rows


def _page_rows(qs: QuerySet[Report], start: int, stop: int) -> list[Report]:
    """The page's ids first — sorted on the covering (org, received_on, id, …) index, never
    on full rows — then those rows with their org and subjects."""
    return _rows(list(qs.values_list("id", flat=True)[start:stop]))


def _rows(ids: list[int]) -> list[Report]:
    """The reports of ``ids`` in that order, with their org and subjects."""
    if not ids:
        return []
    by_id = Report.objects.select_related("org").prefetch_related("subjects").in_bulk(ids)
    return [by_id[pk] for pk in ids]


def report_list(user: Any, filters: ReportFilters) -> ReportPage:
    """One page (20) of the scoped, filtered report list with a total capped at 10,000.

    Queries: the page (one more row than needed), its subjects, its next clocks, and —
    only when the first page is full or a later page is asked for — one
    ``SELECT COUNT(*) FROM (… LIMIT cap+1)``. Never a full count of the scope.
    """
    qs, wide = _filtered(user, filters)
    if wide and filters.due:
        # Past-due and due-soon reports are few and old: a wide scope sorts their
        # (received date, id) pairs here rather than walk the newest-first index for them.
        found = sorted_ids_page(qs, "received_on", filters.page, page_size=PAGE_SIZE, cap=COUNT_CAP)
        if found is not None:
            ids, total, page = found
            return ReportPage(attach_row_data(_rows(ids)), total, False, page)
    rows, total, has_more, page = capped_slice(
        qs,
        filters.page,
        lambda start, stop: _page_rows(qs, start, stop),
        page_size=PAGE_SIZE,
        cap=COUNT_CAP,
    )
    return ReportPage(attach_row_data(rows), total, has_more, page)


def subject_names(report: Report) -> str:
    """被反映人 of a row as one text (from the prefetched subjects)."""
    return "、".join(s.name or s.unit_name for s in report.subjects.all())


def export_rows(user: Any, filters: ReportFilters) -> tuple[list[list[Any]], bool]:
    """Rows of the Excel export, at most ``EXPORT_CAP``; True when cut.

    Only what the list shows: never the reporter's identity (DOMAIN.md §2 protection) —
    ``identity_enc`` is deferred and never read here.
    """
    qs = filtered_reports(user, filters).defer("identity_enc", "content", "query_hash")
    out: list[list[Any]] = []
    truncated = False
    for chunk in _chunks(qs, EXPORT_CAP + 1, 1000):
        for r in attach_row_data(chunk):
            if len(out) == EXPORT_CAP:
                truncated = True
                break
            next_clock: Clock | None = r.next_clock  # type: ignore[attr-defined]
            out.append(
                [
                    r.number,
                    r.received_on,
                    r.get_channel_display(),
                    r.get_klass_display() if r.klass else "未分类",
                    r.title,
                    subject_names(r),
                    "实名" if r.is_real_name else "匿名",
                    r.org.name,
                    r.get_status_display(),
                    next_clock.get_kind_display() if next_clock else "",
                    next_clock.due_on if next_clock else None,
                    "已超期" if r.is_overdue else "",  # type: ignore[attr-defined]
                ]
            )
    return out, truncated


def _chunks(qs: QuerySet[Report], limit: int, size: int) -> Iterator[list[Report]]:
    """Pages of ``size`` rows, with subjects and org, up to ``limit`` rows in all."""
    start = 0
    while start < limit:
        chunk = _page_rows(qs, start, min(start + size, limit))
        if not chunk:
            return
        yield chunk
        if len(chunk) < size:
            return
        start += size


# -- the org filter ------------------------------------------------------------------------


def scope_bodies_q(user: Any, cap: Cap = Cap.REPORT_VIEW) -> Q | None:
    """Orgs the user reaches with ``cap`` that are bodies holding reports."""
    scope_q = org_scope_q(user, cap)
    if scope_q is None:
        return None
    return scope_q & Q(kind__in=BODY_KINDS, is_active=True)


def filter_body(user: Any, raw: Any, cap: Cap = Cap.REPORT_VIEW) -> Org | None:
    """The body chosen in a filter, if it is an active body in the user's scope."""
    if not str(raw or "").isdigit():
        return None
    q = scope_bodies_q(user, cap)
    if q is None:
        return None
    return Org.objects.filter(q).filter(pk=int(raw)).first()


def top_body(user: Any, cap: Cap = Cap.REPORT_VIEW) -> Org | None:
    """The highest body of the user's scope (the statistics' default)."""
    q = scope_bodies_q(user, cap)
    if q is None:
        return None
    tops = [g.org_id for g in minimal_grants(grants_with(user, cap))]
    found = Org.objects.filter(q).filter(pk__in=tops).order_by("depth", "path").first()
    if found is None:  # a grant on a department: its body is the parent
        found = Org.objects.filter(q).order_by("depth", "path").first()
    return found


def filter_bodies(user: Any, selected: Org | None = None) -> list[Org]:
    """Bodies offered by the org filter as a drill-down that stays short at any scale.

    The tops of the user's scope, the chain down to the chosen body and the bodies directly
    under it (or under the tops) — never the whole province.
    """
    q = scope_bodies_q(user)
    if q is None:
        return []
    tops = [g.org_id for g in minimal_grants(grants_with(user, Cap.REPORT_VIEW))]
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


CLASS_LABELS: list[tuple[str, str]] = [
    *[(str(v), str(label)) for v, label in ReportClass.choices],
    (UNCLASSIFIED, "未分类"),
]
