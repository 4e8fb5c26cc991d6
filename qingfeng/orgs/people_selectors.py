"""Scoped reads of supervised persons (监察对象) for the list page, export and API.

The person table is the largest table of the system (a province holds about a million
rows), so the list never counts the whole scope: it pages by ``-id`` on the
``person_org_id``/primary-key indexes and counts at most ``COUNT_CAP + 1`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import (
    grants_with,
    minimal_grants,
    org_scope_q,
    orgs_with,
    scoped,
    subtree_q,
)
from qingfeng.core.paging import CappedPage, capped_count
from qingfeng.orgs.models import Org, Person, Unit

PAGE_SIZE = 20
COUNT_CAP = 10_000
EXPORT_CAP = 50_000
FILTER_UNIT_LIMIT = 200
FILTER_ORG_LIMIT = 500
# An org set holding at least this share of all orgs is read newest-first by primary key.
WIDE_SHARE = 0.25


@dataclass(frozen=True)
class PersonFilters:
    """What the filter bar (or the API query string) asks for; ``org`` covers its subtree."""

    org: Org | None = None
    unit_id: int | None = None
    category: int | None = None
    is_party_member: bool | None = None
    q: str = ""
    is_active: bool | None = None
    page: int = 1


PersonPage = CappedPage[Person]


def _looks_like_id_number(q: str) -> bool:
    return len(q) >= 6 and q[:-1].isdigit() and (q[-1].isdigit() or q[-1] in "xX")


def _org_set(user: Any, filters: PersonFilters) -> Q | None:
    """The orgs whose persons are listed: the scope, cut to the chosen org's subtree."""
    scope_q = org_scope_q(user, Cap.PERSON_VIEW)
    if scope_q is None:
        return None
    if filters.org is not None:
        return scope_q & subtree_q(filters.org.path)
    return scope_q


def _filtered(qs: QuerySet[Person], filters: PersonFilters) -> QuerySet[Person]:
    if filters.unit_id is not None:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    if filters.is_party_member is not None:
        qs = qs.filter(is_party_member=filters.is_party_member)
    if filters.is_active is not None:
        qs = qs.filter(is_active=filters.is_active)
    q = filters.q.strip()
    if q:
        if _looks_like_id_number(q):
            qs = qs.filter(id_number__startswith=q.upper())
        else:
            # Prefix match so the name index serves it; "contains" would scan the table.
            qs = qs.filter(name__startswith=q)
    return qs


def person_queryset(user: Any, filters: PersonFilters) -> QuerySet[Person]:
    """Persons under the user's ``person.view`` scope matching ``filters``, newest first.

    Scope and the org filter are one ``org_id IN (SELECT id FROM org WHERE …)`` subquery
    on the small org table (DESIGN.md §3: scope filters in the query itself).
    """
    orgs = _org_set(user, filters)
    if orgs is None:
        return Person.objects.none()
    qs = _filtered(Person.objects.filter(org_id__in=Org.objects.filter(orgs).values("pk")), filters)
    return qs.select_related("unit", "org").order_by("-id")


def _wide_queryset(orgs: Q, filters: PersonFilters) -> QuerySet[Person]:
    """:func:`person_queryset` for a wide org set, written so no index serves the org test.

    ``org_id + 0`` keeps SQLite from collecting every person of the scope through the
    (org, id) index and sorting them all; it walks the primary key newest-first instead
    and stops after the page (at 1M persons: 1.7 s → 35 ms). PostgreSQL plans it the same.
    """
    in_scope = Org.objects.filter(orgs).values("pk")
    qs = Person.objects.alias(org_plain=F("org_id") + 0).filter(org_plain__in=in_scope)
    return _filtered(qs, filters).select_related("unit", "org").order_by("-id")


def _is_wide(orgs: Q, filters: PersonFilters) -> bool:
    """Whether the org set is a large share of all orgs (one query on the small org table).

    Persons are stored clustered by org, so "newest 20 of a narrow set" must not walk the
    primary key backwards (it may pass most of the table before reaching the set); a wide
    set is dense everywhere and is best read exactly that way.
    """
    if filters.unit_id is not None:
        return False
    counts = Org.objects.aggregate(total=Count("pk"), inset=Count("pk", filter=orgs))
    return bool(counts["total"]) and counts["inset"] >= WIDE_SHARE * counts["total"]


def _page_rows(qs: QuerySet[Person], wide: bool, start: int, stop: int) -> list[Person]:
    if wide:
        return list(qs[start:stop])
    # Narrow set: collect the page's ids through the (org, id) index and sort only the ids
    # ("id + 0" keeps the planner off the backward primary-key walk), then fetch the rows.
    ids = (
        qs.select_related(None)
        .alias(newest=F("id") + 0)
        .order_by("-newest")
        .values("pk")[start:stop]
    )
    return list(Person.objects.filter(pk__in=ids).select_related("unit", "org").order_by("-id"))


def person_list(user: Any, filters: PersonFilters) -> PersonPage:
    """One page of the scoped person list with a count capped at ``COUNT_CAP``.

    The page (one more row than needed) and — only when the first page is full or a later
    page is asked for — ``SELECT COUNT(*) FROM (… LIMIT cap+1)``, plus one count on the org
    table that picks how the page is read (``_is_wide``). Never a full count of the scope.
    """
    orgs = _org_set(user, filters)
    if orgs is None:
        return PersonPage([], 0, False, 1)
    wide = _is_wide(orgs, filters)
    qs = _wide_queryset(orgs, filters) if wide else person_queryset(user, filters)
    page = max(1, filters.page)
    if page == 1:
        rows = _page_rows(qs, wide, 0, PAGE_SIZE + 1)
        if len(rows) <= PAGE_SIZE:
            return PersonPage(rows, len(rows), False, 1)
        rows = rows[:PAGE_SIZE]
    total, has_more = _capped_count(qs)
    last_page = max(1, -(-total // PAGE_SIZE))
    if page > 1:
        page = min(page, last_page)
        start = (page - 1) * PAGE_SIZE
        rows = _page_rows(qs, wide, start, start + PAGE_SIZE)
    return PersonPage(rows, total, has_more, page)


def _capped_count(qs: QuerySet[Any]) -> tuple[int, bool]:
    return capped_count(qs, COUNT_CAP)


def person_filter_org(user: Any, raw: Any) -> Org | None:
    """The org chosen in the filter bar, if it is an active org in ``person.view`` scope."""
    if not str(raw or "").isdigit():
        return None
    return orgs_with(user, Cap.PERSON_VIEW).filter(pk=int(raw), is_active=True).first()


def person_filter_orgs(user: Any, selected: Org | None = None) -> list[Org]:
    """Orgs offered by the org filter, as a drill-down that stays short at any scale.

    The tops of the user's scope, the chain down to the chosen org, and the children of
    the chosen org (or of the tops when none is chosen) — never the whole province.
    """
    scope_q = org_scope_q(user, Cap.PERSON_VIEW)
    if scope_q is None:
        return []
    tops = [g.org_id for g in minimal_grants(grants_with(user, Cap.PERSON_VIEW))]
    chain: list[int] = []
    parents = tops
    if selected is not None:
        chain = [int(x) for x in selected.path.strip("/").split("/") if x]
        parents = [selected.pk]
    return list(
        Org.objects.filter(scope_q)
        .filter(is_active=True)
        .filter(Q(pk__in=[*tops, *chain]) | Q(parent_id__in=parents))
        .only("pk", "name", "path", "depth")
        .order_by("path")[:FILTER_ORG_LIMIT]
    )


def person_filter_units(user: Any, org: Org | None) -> list[Unit] | None:
    """Units offered by the unit filter: those of the chosen org's subtree, within scope.

    ``None`` when the subtree holds more than ``FILTER_UNIT_LIMIT`` units: a select that
    long helps nobody, the user narrows the org first.
    """
    if org is None:
        return []
    qs = scoped(Unit.objects.all(), user, Cap.PERSON_VIEW).filter(subtree_q(org.path, "org__"))
    units = list(
        qs.only("pk", "name").order_by("org__path", "sort_order", "pk")[: FILTER_UNIT_LIMIT + 1]
    )
    return None if len(units) > FILTER_UNIT_LIMIT else units


def units_for_person_manage(user: Any) -> QuerySet[Unit]:
    """Active units in which the user may register persons (``person.manage``)."""
    return (
        scoped(Unit.objects.select_related("org"), user, Cap.PERSON_MANAGE)
        .filter(is_active=True)
        .order_by("org__path", "sort_order", "pk")
    )


def person_export_rows(user: Any, filters: PersonFilters) -> tuple[list[list[Any]], bool]:
    """Rows of the Excel export (ID numbers masked), at most ``EXPORT_CAP``; True if cut."""
    qs = person_queryset(user, filters)
    rows: list[list[Any]] = []
    for p in qs[: EXPORT_CAP + 1].iterator(chunk_size=2000):
        rows.append(
            [
                p.name,
                p.get_gender_display(),
                p.masked_id_number,
                p.unit.name,
                p.post,
                p.get_category_display(),
                "是" if p.is_party_member else "否",
                p.org.name,
                "在职" if p.is_active else "不在职",
            ]
        )
    truncated = len(rows) > EXPORT_CAP
    return rows[:EXPORT_CAP], truncated
