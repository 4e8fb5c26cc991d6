"""Scoped reads behind the case pages: the list, its Excel export, the 即将超期 queue, the
filter bar's choices and the read-only extras of the case file (卷宗); its documents come
from ``documents.selectors.documents_of_case``.

Scope always comes from ``case_selectors.cases_visible_to`` (DESIGN.md §3, filtered in the
query): the cases a user reads with ``case.view`` plus those sent to a 审理 body the user
reviews for. Cases are about a quarter of leads (DOMAIN.md §10), so the list filters that
queryset directly; rows are newest 立案 first, the page's ids before its rows, and the total
is counted up to ``COUNT_CAP + 1`` rows only, like the lead list.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import (
    body_scope_q,
    grants_with,
    minimal_grants,
    org_scope_q,
    subtree_q,
)
from qingfeng.approvals.chains import BODY_KINDS, TOWNSHIP_KINDS
from qingfeng.cases.case_selectors import cases_visible_to
from qingfeng.cases.models import Case, CaseClock, CaseReview, Lead
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.selectors import leads_visible_to
from qingfeng.core.paging import CappedPage, capped_count, capped_slice, sorted_ids_page
from qingfeng.orgs.models import Org, OrgKind
from qingfeng.workdays.clock import WorkCalendar

PAGE_SIZE = 20
QUEUE_PAGE_SIZE = 50
COUNT_CAP = 10_000
EXPORT_CAP = 10_000
FILTER_ORG_LIMIT = 500
# Above this many bodies in scope the list is read newest first off ``case_filed`` rather
# than through an ``org_id IN (…)`` list (a province has ≈ 1,350 bodies, a city ≈ 110).
WIDE_BODIES = 300
# "即将超期": an open case clock due within this many working days (two working weeks: the
# shortest case clocks run one month, DOMAIN.md §4; a local choice, not a rule).
SOON_WORKING_DAYS = 10
DUE_OVERDUE = "overdue"
DUE_SOON = "soon"
REVIEW_AT_COUNTY = "county"  # 乡案县审: a township case reviewed by the county 审理室
REVIEW_TO_ME = "to_me"  # sent to a 审理 body the user reviews for
REVIEW_ONGOING = "ongoing"  # in 审理 now (审理中 or its report awaiting approval)
_ASCII_KEY = re.compile(r"[A-Za-z0-9-]+")
DEPARTMENT_KINDS = (OrgKind.DEPARTMENT, OrgKind.DISPATCHED)


@dataclass(frozen=True)
class CaseFilters:
    """What the filter bar asks for; ``org`` covers the handling body's subtree."""

    status: str = ""
    org: Org | None = None
    due: str = ""  # DUE_OVERDUE / DUE_SOON / ""
    review: str = ""  # REVIEW_AT_COUNTY / REVIEW_TO_ME / REVIEW_ONGOING / ""
    filed_from: dt.date | None = None
    filed_to: dt.date | None = None
    q: str = ""
    page: int = 1

    def for_audit(self) -> dict[str, Any]:
        """The filters as JSON-safe values for an export's audit event."""
        out: dict[str, Any] = {}
        for name in ("status", "due", "review", "filed_from", "filed_to", "q"):
            value = getattr(self, name)
            if value not in ("", None):
                out[name] = value.isoformat() if isinstance(value, dt.date) else value
        if self.org is not None:
            out["org"] = self.org.name
        return out


CasePage = CappedPage[Case]


def soon_until(today: dt.date) -> dt.date:
    """The last day counted as "即将超期" (``SOON_WORKING_DAYS`` working days on)."""
    return WorkCalendar().add_working_days(today, SOON_WORKING_DAYS).date


def _review_scope_q(user: Any) -> Q | None:
    return body_scope_q(user, Cap.CASE_REVIEW, org="review_org", dept="review_org")


def case_holders(user: Any) -> tuple[list[int], bool]:
    """Bodies that may hold a case the user reads, and whether there are more than
    ``WIDE_BODIES`` of them.

    ``cases_visible_to`` tests the holding body, the handling department and the 审理 body
    through joins on the org table, which no index serves (at 58,000 cases a township's
    first page scanned them all: ≈ 100 ms). A case is held by a body; its handling
    department is a department of that body (``jurisdiction`` clears it on a move); its
    审理 body is that body, or the 审理室 of that body or of the county above it (乡案县审).
    So the holder is a body the user's case grants reach, the body of a department they
    reach, or a body directly under that one: ``org_id IN (<those ids>)`` is an
    index-friendly superset that the exact scope test then narrows. One query on the org
    table.
    """
    scope = _case_scope_orgs_q(user)
    if scope is None:
        return [], False
    depts = Org.objects.filter(scope, kind__in=DEPARTMENT_KINDS).values("parent_id")
    q = (scope | Q(pk__in=depts) | Q(parent_id__in=depts)) & Q(kind__in=BODY_KINDS)
    ids = list(Org.objects.filter(q).values_list("pk", flat=True))
    return ids, len(ids) > WIDE_BODIES


def filtered_cases(user: Any, filters: CaseFilters) -> QuerySet[Case]:
    """Cases the user may read matching ``filters``, newest 立案 first (see ``_filtered``)."""
    return _filtered(user, filters)[0]


def _filtered(user: Any, filters: CaseFilters) -> tuple[QuerySet[Case], bool]:
    """``filtered_cases`` and whether the user's scope is wide (``case_holders``).

    Narrowed first by ``case_holders`` (read through the (org, -filed_on, -id) index); a
    wide scope is read newest first off ``case_filed`` instead. Overdue = an open
    ``CaseClock`` due before today; due soon = one due from today to ``SOON_WORKING_DAYS``
    working days on. The text box matches the start of a 案件编号 (any case) or of the
    person's name.
    """
    qs = cases_visible_to(user, Cap.CASE_VIEW)
    wide = False
    if filters.org is not None:
        # A semi-join on the bodies of the subtree, which the (org, …) indexes serve.
        qs = qs.filter(org_id__in=Org.objects.filter(subtree_q(filters.org.path)).values("pk"))
    else:
        holders, wide = case_holders(user)
        if not holders:
            return Case.objects.none(), False
        if not wide:
            qs = qs.filter(org_id__in=holders)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.filed_from is not None:
        qs = qs.filter(filed_on__gte=filters.filed_from)
    if filters.filed_to is not None:
        qs = qs.filter(filed_on__lte=filters.filed_to)
    today = timezone.localdate()
    if filters.due == DUE_OVERDUE:
        qs = qs.filter(
            pk__in=CaseClock.objects.filter(met_at=None, due_on__lt=today).values("case_id")
        )
    elif filters.due == DUE_SOON:
        soon = CaseClock.objects.filter(
            met_at=None, due_on__gte=today, due_on__lte=soon_until(today)
        )
        qs = qs.filter(pk__in=soon.values("case_id"))
    if filters.review == REVIEW_AT_COUNTY:
        qs = qs.filter(org__kind__in=TOWNSHIP_KINDS, review_org__isnull=False).exclude(
            review_org=F("org")
        )
    elif filters.review == REVIEW_TO_ME:
        review_q = _review_scope_q(user)
        qs = qs.filter(review_q) if review_q is not None else qs.none()
    elif filters.review == REVIEW_ONGOING:
        qs = qs.filter(status__in=("in_review", "review_pending"))
    q = filters.q.strip()
    if q and _ASCII_KEY.fullmatch(q):
        qs = qs.filter(Q(number__istartswith=q) | Q(subject_name__startswith=q))
    elif q:
        qs = qs.filter(subject_name__startswith=q)
    return qs.order_by("-filed_on", "-id"), wide


def attach_row_data(rows: list[Case]) -> list[Case]:
    """Set ``next_clock`` (the open clock due first, or None) and ``is_overdue`` on each row;
    one query for the clocks of all rows."""
    if not rows:
        return rows
    by_case: dict[int, CaseClock] = {}
    for open_clock in CaseClock.objects.filter(
        case_id__in=[r.pk for r in rows], met_at=None
    ).order_by("case_id", "due_on", "id"):
        by_case.setdefault(open_clock.case_id, open_clock)
    today = timezone.localdate()
    for r in rows:
        clock = by_case.get(r.pk)
        r.next_clock = clock  # type: ignore[attr-defined]
        r.is_overdue = clock is not None and clock.due_on < today  # type: ignore[attr-defined]
    return rows


def page_rows(qs: QuerySet[Case], start: int, stop: int) -> list[Case]:
    """The page's ids first, then those rows with the orgs the table shows."""
    ids = list(qs.values_list("id", flat=True)[start:stop])
    if not ids:
        return []
    by_id = Case.objects.select_related("org", "handling_dept", "review_org").in_bulk(ids)
    return [by_id[pk] for pk in ids]


def case_list(user: Any, filters: CaseFilters) -> CasePage:
    """One page (20) of the scoped, filtered case list with a total capped at 10,000.

    Queries: the page's ids (one more than needed), its rows, their open clocks and — only
    when the first page is full or a later page is asked for — one capped count.
    """
    qs, wide = _filtered(user, filters)
    if wide and filters.due:
        by_due = _due_page(qs, filters.page)
        if by_due is not None:
            return by_due
    rows, total, has_more, page = capped_slice(
        qs,
        filters.page,
        lambda start, stop: page_rows(qs, start, stop),
        page_size=PAGE_SIZE,
        cap=COUNT_CAP,
    )
    return CasePage(attach_row_data(rows), total, has_more, page)


def _due_page(qs: QuerySet[Case], page: int) -> CasePage | None:
    """The page of a wide scope's 已超期 / 即将到期 list, sorted here (None past the cap).

    Few cases have an open clock due or overdue (a clock is met at each step), but they
    are not the newest: walking the newest-first index for them tested ≈ 11,700 of 58,000
    cases at province scale, and PostgreSQL, which multiplies the selectivities of
    ``met_at IS NULL`` and ``due_on < today``, would not drive the query from the clocks.
    So their (立案日期, id) pairs are read once and sorted (``core.paging.sorted_ids_page``),
    as the report search does for a narrow scope.
    """
    found = sorted_ids_page(qs, "filed_on", page, page_size=PAGE_SIZE, cap=COUNT_CAP)
    if found is None:
        return None
    ids, total, page = found
    by_id = Case.objects.select_related("org", "handling_dept", "review_org").in_bulk(ids)
    return CasePage(attach_row_data([by_id[pk] for pk in ids]), total, False, page)


def sides_label(case: Case) -> str:
    """党纪立案审查 / 监察立案调查 / both, as the list and the file name them."""
    sides = [s for s, on in (("党纪", case.party_case), ("监察", case.supervision_case)) if on]
    return "、".join(sides)


def export_rows(user: Any, filters: CaseFilters) -> tuple[list[list[Any]], bool]:
    """Rows of the Excel export, at most ``EXPORT_CAP``; True when cut. Only what the list
    shows (no summary, no report text)."""
    qs = filtered_cases(user, filters)
    out: list[list[Any]] = []
    truncated = False
    for chunk in _chunks(qs, EXPORT_CAP + 1, 1000):
        for r in attach_row_data(chunk):
            if len(out) == EXPORT_CAP:
                truncated = True
                break
            clock: CaseClock | None = r.next_clock  # type: ignore[attr-defined]
            out.append(
                [
                    r.number,
                    r.subject_name,
                    r.subject_unit,
                    r.subject_post,
                    sides_label(r),
                    r.org.name,
                    r.handling_dept.name if r.handling_dept else "",
                    r.review_org.name if r.review_org else "",
                    r.get_status_display(),
                    r.filed_on,
                    clock.get_kind_display() if clock else "",
                    clock.due_on if clock else None,
                    "已超期" if r.is_overdue else "",  # type: ignore[attr-defined]
                    r.closed_on,
                ]
            )
    return out, truncated


def _chunks(qs: QuerySet[Case], limit: int, size: int) -> Iterator[list[Case]]:
    start = 0
    while start < limit:
        chunk = page_rows(qs, start, min(start + size, limit))
        if not chunk:
            return
        yield chunk
        if len(chunk) < size:
            return
        start += size


# -- the 即将超期 queue ----------------------------------------------------------------------


def due_queue(user: Any, page: int = 1) -> CappedPage[CaseClock]:
    """Open clocks of the cases the user reads that are overdue or due within
    ``SOON_WORKING_DAYS`` working days, the most urgent first, 50 a page (DOMAIN.md §4
    time limits). Queries: the capped count, then the page's clocks with their cases."""
    today = timezone.localdate()
    qs = CaseClock.objects.filter(
        met_at=None,
        due_on__lte=soon_until(today),
        case__in=cases_visible_to(user, Cap.CASE_VIEW).values("pk"),
    )
    total, has_more = capped_count(qs, COUNT_CAP)
    page = min(max(1, page), max(1, -(-total // QUEUE_PAGE_SIZE)))
    start = (page - 1) * QUEUE_PAGE_SIZE
    rows = list(
        qs.select_related("case", "case__org", "case__handling_dept").order_by("due_on", "id")[
            start : start + QUEUE_PAGE_SIZE
        ]
    )
    return CappedPage(rows, total, has_more, page, QUEUE_PAGE_SIZE)


# -- the filter bar -------------------------------------------------------------------------


def _case_scope_orgs_q(user: Any) -> Q | None:
    view = org_scope_q(user, Cap.CASE_VIEW)
    review = org_scope_q(user, Cap.CASE_REVIEW)
    if view is None:
        return review
    return view if review is None else view | review


def _bodies_q(user: Any) -> Q | None:
    """Bodies the user's case grants reach, and the body of each granted department."""
    scope = _case_scope_orgs_q(user)
    if scope is None:
        return None
    dept_bodies = Org.objects.filter(scope, kind__in=DEPARTMENT_KINDS).values("parent_id")
    return (scope | Q(pk__in=dept_bodies)) & Q(kind__in=BODY_KINDS, is_active=True)


def _top_ids(user: Any) -> list[int]:
    grants = [*grants_with(user, Cap.CASE_VIEW), *grants_with(user, Cap.CASE_REVIEW)]
    return [g.org_id for g in minimal_grants(grants)]


def filter_body(user: Any, raw: Any) -> Org | None:
    """The body chosen in the filter, if the user's case grants reach it."""
    if not str(raw or "").isdigit():
        return None
    q = _bodies_q(user)
    if q is None:
        return None
    return Org.objects.filter(q).filter(pk=int(raw)).first()


def filter_bodies(user: Any, selected: Org | None = None) -> list[Org]:
    """Bodies offered by the org filter: the tops of the scope (a granted department's
    body), the chain down to the chosen body and the bodies directly under it."""
    q = _bodies_q(user)
    if q is None:
        return []
    tops = _top_ids(user)
    chain: list[int] = []
    parents: list[int] = tops
    if selected is not None:
        chain = [int(x) for x in selected.path.strip("/").split("/") if x]
        parents = [selected.pk]
    top_bodies = Q(pk__in=tops) | Q(pk__in=Org.objects.filter(pk__in=tops).values("parent_id"))
    return list(
        Org.objects.filter(q)
        .filter(top_bodies | Q(pk__in=chain) | Q(parent_id__in=parents))
        .only("pk", "name", "path", "depth")
        .order_by("path")[:FILTER_ORG_LIMIT]
    )


# -- the case file --------------------------------------------------------------------------


def lead_visible(user: Any, case: Case) -> bool:
    """Whether the user may open the lead the case was filed from (its own scope rule)."""
    return leads_visible_to(user).filter(pk=case.lead_id).exists()


def case_of_lead(user: Any, lead: Lead) -> Case | None:
    """The case filed from ``lead``, if the user may read it (for the filing page)."""
    return cases_visible_to(user).filter(lead=lead).first()


def team_candidates(case: Case) -> QuerySet[User]:
    """Users offered for the 审查调查组: active users of the handling body or its handling
    department (``case_services.set_team`` re-checks each may handle the case)."""
    orgs = [case.org_id] + ([case.handling_dept_id] if case.handling_dept_id else [])
    return User.objects.filter(org_id__in=orgs, is_active=True).order_by("org_id", "full_name")


def reviewer_candidates(case: Case, review: CaseReview) -> QuerySet[User]:
    """Users offered as reviewers: active users of the 审理 body (or its departments) who
    were not on the investigation team (查审分离; ``case_review.assign_reviewers`` re-checks)."""
    investigators = [pk for pk in [case.leader_id] if pk is not None]
    return (
        User.objects.filter(Q(org_id=review.org_id) | Q(org__parent_id=review.org_id))
        .filter(is_active=True)
        .exclude(pk__in=investigators)
        .exclude(case_teams=case)
        .order_by("org_id", "full_name")
    )


def outcome_labels(codes: list[str]) -> str:
    """Outcome codes as their Chinese labels, joined with 、 (unknown codes as they are)."""
    labels = []
    for code in codes or []:
        try:
            labels.append(str(Outcome(code).label))
        except ValueError:
            labels.append(code)
    return "、".join(labels)
