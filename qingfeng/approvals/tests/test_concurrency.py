"""Two signatures of the same step at once: exactly one wins (PostgreSQL).

SQLite serialises every writer on the database file, so the race cannot happen there and
these tests are skipped; CI runs them on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import ApprovalStatus, StepState
from qingfeng.cases.models import LeadStatus, LeadTransition, Way
from qingfeng.cases.tests.conftest import make_lead, propose
from qingfeng.core.testing import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) only race on PostgreSQL; SQLite has one writer",
    ),
]


def _together(works: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(len(works))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(work: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            value = work()
            with lock:
                results.append(value)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(w,)) for w in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_two_signers_of_one_step_at_once_exactly_one_wins(county):
    u = county.users
    # A deputy holds the secretary's signing role on the same township.
    deputy = make_user("dongba_fsj", "钱副书记", county.township_a, "township_secretary")
    lead = make_lead(u["township_officer"], county.township_a)
    approval = propose(lead, u["township_officer"], Way.VERIFICATION)

    signers = [u["township_secretary"], deputy] * 3
    results, errors = _together(
        [
            partial(approvals.sign, approval=approval, actor=s, approve=True, comment="同意")
            for s in signers
        ]
    )
    assert len(results) == 1, errors
    assert len(errors) == len(signers) - 1
    assert all(isinstance(e, ValidationError | PermissionDenied) for e in errors), errors
    approval.refresh_from_db()
    lead.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    assert approval.steps.filter(state=StepState.APPROVED).count() == 1
    assert lead.status == LeadStatus.VERIFICATION
    # The decision was applied once.
    assert LeadTransition.objects.filter(lead=lead, action="dispose").count() == 1


def test_approve_and_reject_at_once_leave_one_consistent_outcome(county):
    u = county.users
    deputy = make_user("dongba_fsj", "钱副书记", county.township_a, "township_secretary")
    lead = make_lead(u["township_officer"], county.township_a)
    approval = propose(lead, u["township_officer"], Way.CLOSE)
    results, errors = _together(
        [
            lambda: approvals.sign(approval=approval, actor=u["township_secretary"], approve=True),
            lambda: approvals.sign(
                approval=approval, actor=deputy, approve=False, comment="不同意了结"
            ),
        ]
    )
    assert len(results) == 1 and len(errors) == 1
    approval.refresh_from_db()
    lead.refresh_from_db()
    if approval.status == ApprovalStatus.APPROVED:
        assert lead.status == LeadStatus.CLOSED
    else:
        assert approval.status == ApprovalStatus.REJECTED and lead.status == LeadStatus.PENDING
