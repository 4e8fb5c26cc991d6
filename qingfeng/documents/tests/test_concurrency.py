"""Numbers stay distinct and gapless when many requests take them at once (PostgreSQL).

SQLite serialises every writer on the database file, so the race cannot happen there and
these tests are skipped; CI runs them on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from qingfeng.documents.models import Document, NumberSequence
from qingfeng.documents.numbering import next_number
from qingfeng.intake import services

from .conftest import accepted_report

THREADS = 8

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) only race on PostgreSQL; SQLite has one writer",
    ),
]


def _run_together(work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` in THREADS threads released at the same instant."""
    barrier = threading.Barrier(THREADS)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            value = work(i)
            with lock:
                results.append(value)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_next_number_is_distinct_and_gapless_under_concurrency(county):
    year = timezone.localdate().year

    def take(_i: int) -> int:
        # Each caller holds the lock until its own transaction ends, like a service does.
        with transaction.atomic():
            return next_number(org=county.county, series="并发测试", year=year)

    numbers, errors = _run_together(take)
    assert errors == []
    assert sorted(numbers) == list(range(1, THREADS + 1))
    assert NumberSequence.objects.get(org=county.county, series="并发测试", year=year).last == 8


def test_issuing_notices_concurrently_gives_distinct_gapless_numbers(county):
    officer = county.users["petition_officer"]
    reports = [accepted_report(officer, county.county) for _ in range(THREADS)]

    def notify(i: int) -> int:
        services.notify_acceptance(report=reports[i], actor=officer)
        return Document.objects.get(report=reports[i]).seq

    seqs, errors = _run_together(notify)
    assert errors == []
    assert sorted(seqs) == list(range(1, THREADS + 1))
    numbers = list(Document.objects.values_list("number", flat=True))
    assert len(set(numbers)) == THREADS
