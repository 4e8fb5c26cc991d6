"""Document numbers issued in order per body, series and year, never twice (DOMAIN.md §9)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from qingfeng.documents.models import NumberSequence
from qingfeng.orgs.models import Org


def next_number(*, org: Org, series: str, year: int) -> int:
    """Take the next number of ``org``'s ``series`` for ``year`` (1, 2, 3, …).

    GB/T 9704 / DOMAIN.md §9: numbers run in order per issuing body and year and are never
    issued twice. The sequence row is locked until the caller's transaction ends, so two
    concurrent requests queue on it; a number taken by a transaction that rolls back is
    given out again, which keeps the issued numbers free of gaps.
    """
    with transaction.atomic():
        seq = _locked_sequence(org=org, series=series, year=year)
        seq.last += 1
        seq.save(update_fields=["last"])
        return seq.last


def _locked_sequence(*, org: Org, series: str, year: int) -> NumberSequence:
    try:
        return NumberSequence.objects.select_for_update().get(org=org, series=series, year=year)
    except NumberSequence.DoesNotExist:
        pass
    try:
        # A savepoint, so that losing the race to create the row leaves the caller's
        # transaction usable on PostgreSQL.
        with transaction.atomic():
            NumberSequence.objects.create(org=org, series=series, year=year, last=0)
    except IntegrityError:
        pass
    return NumberSequence.objects.select_for_update().get(org=org, series=series, year=year)


def format_number(*, prefix: str, year: int, seq: int) -> str:
    """The printed form, e.g. ``清纪信告〔2026〕12号``."""
    return f"{prefix}〔{year}〕{seq}号"
