"""One page of a list whose total is counted only up to a cap (province-scale lists)."""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

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
