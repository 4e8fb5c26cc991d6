"""The JSON the cases API answers with: a case row, the whole case file, its measures,
review rounds, sanctions, clocks and documents (``api_cases`` declares the schemas)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qingfeng.approvals.api_common import approval_summary, name_of, org_ref
from qingfeng.cases import case_workflow
from qingfeng.cases.case_selectors import (
    approvals_of,
    clocks_of,
    measures_of,
    reviews_of,
    sanctions_of,
    transitions_of,
)
from qingfeng.cases.models import Case, CaseClock, CaseMeasure, CaseReview, CaseStatus, Sanction
from qingfeng.cases.outcomes import Outcome, form_of
from qingfeng.cases.sanctions import Authority, SanctionKind


def _attrs(obj: Any, *names: str) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _choices(obj: Any, *names: str) -> dict[str, Any]:
    """``name`` and ``name_display`` of each choice field of a model instance."""
    out = _attrs(obj, *names)
    out.update({f"{n}_display": str(getattr(obj, f"get_{n}_display")()) for n in names})
    return out


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else ""


def _member(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": name_of(user)}


def _outcome(code: str) -> dict[str, Any]:
    if code not in Outcome.values:
        return {"code": code, "label": code, "form": None}
    return {"code": code, "label": str(Outcome(code).label), "form": form_of(code)}


def _document(d: Any) -> dict[str, Any]:
    return {"id": d.pk, **_attrs(d, "number", "title", "issued_at"), **_choices(d, "kind")}


def case_row(case: Case) -> dict[str, Any]:
    """One row of the list; ``case.next_due_on`` is set by the list
    (``api_cases.list_cases``, from ``attach_row_data``) or by ``case_file``."""
    next_due = getattr(case, "next_due_on", None)
    return {
        "id": case.pk,
        **_attrs(case, "number", "subject_name", "subject_unit", "filed_on", "closed_on"),
        **_choices(case, "status"),
        "org": org_ref(case.org),
        "handling_dept": org_ref(case.handling_dept),
        "review_org": org_ref(case.review_org),
        "next_due_on": next_due,
        "overdue": next_due is not None and next_due < timezone.localdate(),
    }


def _clock(c: CaseClock, today: dt.date) -> dict[str, Any]:
    return {
        **_attrs(c, "starts_on", "due_on", "provisional", "met_at"),
        **_choices(c, "kind"),
        "overdue": c.met_at is None and c.due_on < today,
    }


def measure_json(m: CaseMeasure) -> dict[str, Any]:
    return {
        "id": m.pk,
        **_attrs(m, "target", "reason", "starts_on", "ends_on", "created_at"),
        **_choices(m, "kind", "status"),
        "created_by": name_of(m.created_by),
    }


def review_json(r: CaseReview) -> dict[str, Any]:
    """Reads ``r.reviewers.all()``: prefetch it (``reviews_of`` does)."""
    meeting = r.meeting
    return {
        "id": r.pk,
        **_attrs(r, "round", "received_on", "talk_on", "talk_record", "return_reason"),
        **_choices(r, "status"),
        "report_text": r.report_text,
        "org": org_ref(r.org),
        "reviewers": [_member(u) for u in sorted(r.reviewers.all(), key=lambda u: u.pk)],
        "meeting": None
        if meeting is None
        else {
            **_attrs(meeting, "held_on", "participants", "conclusion"),
            **_choices(meeting, "kind"),
        },
        "proposed_outcomes": [_outcome(o) for o in r.proposed_outcomes or []],
    }


def _sanction(s: Sanction) -> dict[str, Any]:
    return {
        "id": s.pk,
        **_attrs(s, "kind", "authority", "probation_years", "decided_on", "effect_ends_on"),
        **_attrs(s, "announced_on", "executed_on", "execution_note"),
        **_choices(s, "status"),
        "outcome": _outcome(s.outcome),
        "kind_display": _label(SanctionKind, s.kind),
        "authority_display": _label(Authority, s.authority),
        "document": _document(s.document) if s.document else None,
    }


def case_file(case: Case) -> dict[str, Any]:
    """The whole case file; ``case`` comes from ``get_case_for_user`` (related rows joined)."""
    today = timezone.localdate()
    clocks = list(clocks_of(case))
    open_due = [c.due_on for c in clocks if c.met_at is None]
    case.next_due_on = min(open_due) if open_due else None  # type: ignore[attr-defined]
    lead, person = case.lead, case.person
    flags = ("is_party_member", "is_supervised", "is_village_cadre", "party_case")
    return {
        **case_row(case),
        **_attrs(case, *flags, "supervision_case", "complex_case", "summary", "subject_post"),
        **_attrs(case, "extended_months", "transferred_on", "investigation_report"),
        **_attrs(case, "recommendation_replied_on", "recommendation_reply"),
        **_attrs(case, "created_at", "updated_at"),
        "lead": {"id": lead.pk, "number": lead.number, "subject_name": lead.subject_name},
        "home_org": org_ref(case.home_org),
        "person": {"id": person.pk, "name": person.name} if person else None,
        "proposed_outcomes": [_outcome(o) for o in case.proposed_outcomes or []],
        "leader": _member(case.leader) if case.leader else None,
        "team": [_member(u) for u in case.team.order_by("pk")],
        "created_by": name_of(case.created_by),
        "clocks": [_clock(c, today) for c in clocks],
        "transitions": [
            {
                **_attrs(t, "action", "from_status", "to_status", "note", "at"),
                "label": case_workflow.label(t.action),
                "to_status_display": _label(CaseStatus, t.to_status),
                "actor": name_of(t.actor),
            }
            for t in transitions_of(case)
        ],
        "measures": [measure_json(m) for m in measures_of(case)],
        "reviews": [review_json(r) for r in reviews_of(case)],
        "sanctions": [_sanction(s) for s in sanctions_of(case)],
        "documents": [_document(d) for d in case.documents.order_by("-issued_at", "-id")],
        "approvals": [approval_summary(a) for a in approvals_of(case)],
    }
