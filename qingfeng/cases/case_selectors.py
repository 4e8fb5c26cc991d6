"""Reads of cases, always restricted to the reader's scope in the query (DESIGN.md §3).

A case is visible through a grant carrying the capability that reaches the body handling it
(``org``) or its handling department — so after 交叉办理 or 提级办理 the home body no longer
sees it, and the receiving body sees that case only (DOMAIN.md §4). A case about a body's own
head is visible only from above that body (``hidden_from``). Reviewers see the cases sent to
their 审理 body (``review_org``) through ``CASE_REVIEW``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import body_scope_q
from qingfeng.approvals.models import Approval
from qingfeng.cases.models import (
    Case,
    CaseClock,
    CaseMeasure,
    CaseReview,
    CaseTransition,
    Sanction,
)


def case_scope_q(user: Any, cap: Cap = Cap.CASE_VIEW) -> Q | None:
    """The Q of cases ``user`` reaches with ``cap``; reviewers reach ``review_org`` too."""
    q = body_scope_q(user, cap)
    if cap in (Cap.CASE_VIEW, Cap.CASE_REVIEW):
        review = body_scope_q(user, Cap.CASE_REVIEW, org="review_org", dept="review_org")
        if review is not None:
            q = review if q is None else q | review
    return q


def cases_visible_to(user: Any, cap: Cap = Cap.CASE_VIEW) -> QuerySet[Case]:
    """Cases the user may read (``CASE_VIEW``), act on (``CASE_HANDLE``) or review."""
    q = case_scope_q(user, cap)
    if q is None:
        return Case.objects.none()
    return Case.objects.filter(q)


def get_case_for_user(user: Any, pk: int, *, cap: Cap = Cap.CASE_VIEW) -> Case:
    """One case, or 404 when missing or outside the user's scope alike."""
    case = (
        cases_visible_to(user, cap)
        .select_related(
            "org", "home_org", "handling_dept", "review_org", "lead", "person", "leader"
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def may_handle_case(user: Any, case: Case) -> bool:
    """Whether ``user`` may act on ``case`` as its handling body (one query)."""
    return cases_visible_to(user, Cap.CASE_HANDLE).filter(pk=case.pk).exists()


def may_review_case(user: Any, case: Case) -> bool:
    """Whether ``user`` may act as a reviewer of ``case`` at its 审理 body (one query)."""
    q = body_scope_q(user, Cap.CASE_REVIEW, org="review_org", dept="review_org")
    if q is None:
        return False
    return Case.objects.filter(q, pk=case.pk).exists()


def transitions_of(case: Case) -> QuerySet[CaseTransition]:
    return case.transitions.select_related("actor").order_by("at", "id")


def clocks_of(case: Case) -> QuerySet[CaseClock]:
    return case.clocks.order_by("due_on", "id")


def measures_of(case: Case) -> QuerySet[CaseMeasure]:
    return case.measures.select_related("created_by").order_by("created_at", "id")


def reviews_of(case: Case) -> QuerySet[CaseReview]:
    return (
        case.reviews.select_related("org", "meeting")
        .prefetch_related("reviewers")
        .order_by("round")
    )


def sanctions_of(case: Case) -> QuerySet[Sanction]:
    return case.sanctions.select_related("document").order_by("id")


def approvals_of(case: Case) -> QuerySet[Approval]:
    """The case's approvals, the 立案 呈批 (made on its lead) first."""
    return (
        Approval.objects.filter(case=case)
        .select_related("submitted_by", "meeting")
        .prefetch_related("steps__signer", "steps__org")
        .order_by("submitted_at", "id")
    )
