"""Reads of leads, always restricted to the reader's scope in the query (DESIGN.md §3).

A lead is visible through a grant carrying the capability that reaches the body holding
it or the department handling it, except that a lead about a body's own head
(``hidden_from``) is visible only from above that body (``accounts.scope.body_scope_q``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import body_scope_q
from qingfeng.approvals.models import Approval
from qingfeng.cases.models import Enquiry, Lead, LeadClock, LeadTransition, Verification


def leads_visible_to(user: Any, cap: Cap = Cap.LEAD_VIEW) -> QuerySet[Lead]:
    """Leads the user may read (or, with ``LEAD_HANDLE``, act on)."""
    q = body_scope_q(user, cap)
    if q is None:
        return Lead.objects.none()
    return Lead.objects.filter(q)


def get_lead_for_user(user: Any, pk: int, *, write: bool = False) -> Lead:
    """One lead, or 404 when missing or outside the user's scope alike."""
    cap = Cap.LEAD_HANDLE if write else Cap.LEAD_VIEW
    lead = (
        leads_visible_to(user, cap)
        .select_related("org", "handling_dept", "report", "person", "created_by")
        .filter(pk=pk)
        .first()
    )
    if lead is None:
        raise Http404
    return lead


def get_enquiry_for_user(
    user: Any, pk: int, *, lead_pk: int | None = None, write: bool = False
) -> Enquiry:
    """One 谈话函询 round, or 404 when missing, not of ``lead_pk`` (if given) or its lead is
    outside the user's scope alike (one query)."""
    cap = Cap.LEAD_HANDLE if write else Cap.LEAD_VIEW
    qs = Enquiry.objects.filter(pk=pk, lead__in=leads_visible_to(user, cap).values("pk"))
    if lead_pk is not None:
        qs = qs.filter(lead_id=lead_pk)
    enquiry = qs.select_related("lead", "lead__org").first()
    if enquiry is None:
        raise Http404
    return enquiry


def get_verification_for_user(
    user: Any, pk: int, *, lead_pk: int | None = None, write: bool = False
) -> Verification:
    """One 初步核实, or 404 when missing, not of ``lead_pk`` (if given) or its lead is
    outside the user's scope alike (one query)."""
    cap = Cap.LEAD_HANDLE if write else Cap.LEAD_VIEW
    qs = Verification.objects.filter(pk=pk, lead__in=leads_visible_to(user, cap).values("pk"))
    if lead_pk is not None:
        qs = qs.filter(lead_id=lead_pk)
    verification = qs.select_related("lead", "lead__org").first()
    if verification is None:
        raise Http404
    return verification


def may_handle(user: Any, lead: Lead) -> bool:
    """Whether ``user`` may act on ``lead`` (one query; same rule as the list)."""
    return leads_visible_to(user, Cap.LEAD_HANDLE).filter(pk=lead.pk).exists()


def transitions_of(lead: Lead) -> QuerySet[LeadTransition]:
    return lead.transitions.select_related("actor").order_by("at", "id")


def enquiries_of(lead: Lead) -> QuerySet[Enquiry]:
    return lead.enquiries.order_by("round")


def verification_of(lead: Lead) -> Verification | None:
    return (
        Verification.objects.select_related("leader")
        .order_by("-created_at", "-id")
        .prefetch_related("team")
        .filter(lead=lead)
        .first()
    )


def clocks_of(lead: Lead) -> QuerySet[LeadClock]:
    return lead.clocks.order_by("due_on", "id")


def approvals_of(lead: Lead) -> QuerySet[Approval]:
    return (
        Approval.objects.filter(lead=lead)
        .select_related("submitted_by", "meeting")
        .prefetch_related("steps__signer", "steps__org")
        .order_by("submitted_at", "id")
    )
