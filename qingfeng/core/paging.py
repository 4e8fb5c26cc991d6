"""One page of a list whose total is counted only up to a cap (province-scale lists)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

from django.db.models import QuerySet

T = TypeVar("T")

PAGE_SIZE = 20


class CappedPage(NamedTuple, Generic[T]):
    """One page of the list. ``has_more``: more rows match than ``total`` (count capped)."""

    rows: list[T]
    total: int
    has_more: bool
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def capped_count(qs: QuerySet[Any], cap: int) -> tuple[int, bool]:
    """How many rows ``qs`` has, counting at most ``cap + 1`` (``SELECT COUNT(*) FROM
    (… LIMIT cap+1)``): never a full count of a province's scope. ``(cap, True)`` past it."""
    n = qs.select_related(None).order_by().values("pk")[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


def capped_slice(
    qs: QuerySet[Any],
    page: int,
    fetch: Callable[[int, int], list[T]],
    *,
    page_size: int,
    cap: int,
) -> tuple[list[T], int, bool, int]:
    """The rows of ``page`` (``fetch(start, stop)``), the capped total, whether more match,
    and the page actually shown (clamped to the last one).

    Page 1 fetches one row more than it shows and counts only when that row exists; a later
    page counts first, so a page past the end shows the last one.
    """
    page = max(1, page)
    if page == 1:
        rows = fetch(0, page_size + 1)
        if len(rows) <= page_size:
            return rows, len(rows), False, 1
        total, has_more = capped_count(qs, cap)
        return rows[:page_size], total, has_more, 1
    total, has_more = capped_count(qs, cap)
    page = min(page, max(1, -(-total // page_size)))
    start = (page - 1) * page_size
    return fetch(start, start + page_size), total, has_more, page


def sorted_ids_page(
    qs: QuerySet[Any], key: str, page: int, *, page_size: int, cap: int
) -> tuple[list[int], int, int] | None:
    """The ids of ``page`` of ``qs`` newest first by (``key``, id), the total and the page
    shown — sorted here from the matching (``key``, id) pairs; None past ``cap`` matches.

    For a wide scope under a filter few rows pass whose rows are not the newest (已超期:
    open clocks past due belong to old records): walking the newest-first index tests rows
    until it has a page (at province scale, thousands), while the pairs are read in one
    query that the planner drives from the filter.
    """
    pairs = list(qs.order_by().values_list(key, "id")[: cap + 1])
    if len(pairs) > cap:
        return None
    pairs.sort(reverse=True)
    total = len(pairs)
    page = min(max(1, page), max(1, -(-total // page_size)))
    start = (page - 1) * page_size
    return [pk for _key, pk in pairs[start : start + page_size]], total, page
