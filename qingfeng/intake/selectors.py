"""Reads of reports, always restricted to the reader's scope in the query (DESIGN.md §3).

A report is visible through a grant that carries the capability when the grant reaches
the body holding it (or the department handling it) — except that a report about a
body's own head (``hidden_from``) is visible only to grants strictly above that body
(DOMAIN.md §2: "a report about this body's own head goes straight up").
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import body_scope_q
from qingfeng.intake import querycode
from qingfeng.intake.models import Report


def report_scope_q(user: Any, cap: Cap = Cap.REPORT_VIEW) -> Q | None:
    """The Q over ``Report`` rows the user reaches with ``cap``; None when none at all."""
    return body_scope_q(user, cap)


def reports_visible_to(user: Any, cap: Cap = Cap.REPORT_VIEW) -> QuerySet[Report]:
    """Reports the user may read (or, with ``REPORT_HANDLE``, act on)."""
    q = report_scope_q(user, cap)
    if q is None:
        return Report.objects.none()
    return Report.objects.filter(q)


def get_report_for_user(user: Any, pk: int, *, write: bool = False) -> Report:
    """One report, or 404 when missing or outside the user's scope alike."""
    cap = Cap.REPORT_HANDLE if write else Cap.REPORT_VIEW
    report = (
        reports_visible_to(user, cap)
        .select_related("org", "handling_dept", "repeat_of", "registered_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def report_for_code(raw_code: str) -> Report | None:
    """The report a reporter's query code opens, or None for any wrong or forged code.

    The HMAC locator finds at most one row; the slow hash then has to match. A malformed
    code is rejected before any lookup, a well-formed wrong one costs one hash check
    against a dummy so both answer in the same time.
    """
    code = querycode.normalise(raw_code)
    if not querycode.is_well_formed(code):
        return None
    report = Report.objects.filter(query_locator=querycode.locator(code)).first()
    if report is None:
        querycode.verify(code, _DUMMY_HASH())
        return None
    return report if querycode.verify(code, report.query_hash) else None


_dummy: list[str] = []


def _DUMMY_HASH() -> str:
    if not _dummy:
        _dummy.append(querycode.slow_hash(querycode.new_code()))
    return _dummy[0]
