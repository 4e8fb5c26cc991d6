"""Reads of approvals, restricted in the query (DESIGN.md §3).

"待我审批" is the WAITING steps whose (role, org) one of the user's grants reaches — the
partial index ``approval_step_waiting`` answers it. An approval itself is readable by those
who may read its record (``cases.selectors.leads_visible_to``) and by its signers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import subtree_q, user_grants
from qingfeng.approvals.chains import SIGNING_ROLES
from qingfeng.approvals.models import Approval, ApprovalStep, StepState


def signer_q(user: Any, prefix: str = "") -> Q | None:
    """A Q over ``ApprovalStep`` rows whose role and org one of the user's grants reaches."""
    q: Q | None = None
    for g in user_grants(user):
        if g.role not in SIGNING_ROLES:
            continue
        where = (
            subtree_q(g.path, f"{prefix}org__") if g.subtree else Q(**{f"{prefix}org_id": g.org_id})
        )
        part = Q(**{f"{prefix}role": g.role}) & where
        q = part if q is None else q | part
    return q


def waiting_steps_for(user: Any) -> QuerySet[ApprovalStep]:
    """Steps waiting for this user's signature ("待我审批"), oldest first."""
    q = signer_q(user)
    if q is None:
        return ApprovalStep.objects.none()
    return (
        ApprovalStep.objects.filter(q, state=StepState.WAITING)
        .exclude(approval__submitted_by=user)
        .select_related("approval", "approval__org", "approval__lead", "approval__case", "org")
        .order_by("approval__submitted_at", "approval_id")
    )


def waiting_count(user: Any) -> int:
    q = signer_q(user)
    if q is None:
        return 0
    return (
        ApprovalStep.objects.filter(q, state=StepState.WAITING)
        .exclude(approval__submitted_by=user)
        .count()
    )


def approvals_visible_to(user: Any) -> QuerySet[Approval]:
    """Approvals of records the user may read, plus those the user signs or signed.

    Each test is an EXISTS on the approval's own lead, case or steps, so the planner checks
    the few approvals asked for instead of first building the user's whole lead and case
    scope (≈ 350 ms at 86,000 leads and 58,000 cases).
    """
    from qingfeng.cases.case_selectors import cases_visible_to
    from qingfeng.cases.selectors import leads_visible_to

    leads = leads_visible_to(user, Cap.LEAD_VIEW).filter(pk=OuterRef("lead_id"))
    q: Any = Exists(leads) | Exists(cases_visible_to(user).filter(pk=OuterRef("case_id")))
    signer = signer_q(user)
    if signer is not None:
        q |= Exists(ApprovalStep.objects.filter(signer, approval_id=OuterRef("pk")))
    return Approval.objects.filter(q)


def signed_steps_of(user: Any, *, limit: int) -> list[ApprovalStep]:
    """Steps this user signed ("我已审批"), newest first, among approvals still visible."""
    visible = approvals_visible_to(user).filter(pk=OuterRef("approval_id"))
    return list(
        ApprovalStep.objects.filter(Exists(visible), signer_id=user.pk)
        .select_related("approval", "approval__org")
        .order_by("-signed_at", "-id")[:limit]
    )


def submitted_by(user: Any, *, limit: int) -> list[Approval]:
    """Approvals this user submitted ("我的呈批"), newest first, with their waiting step."""
    return list(
        approvals_visible_to(user)
        .filter(submitted_by_id=user.pk)
        .select_related("org")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=ApprovalStep.objects.filter(state=StepState.WAITING),
                to_attr="waiting_steps",
            )
        )
        .order_by("-submitted_at", "-id")[:limit]
    )


def get_approval_for_user(user: Any, pk: int) -> Approval:
    """One approval, or 404 when missing or out of the user's reach alike."""
    approval = (
        approvals_visible_to(user)
        .select_related("org", "lead", "case", "meeting", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if approval is None:
        raise Http404
    return approval


def steps_of(approval: Approval) -> list[ApprovalStep]:
    return list(approval.steps.select_related("org", "signer").order_by("order"))
