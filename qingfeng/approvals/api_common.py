"""Pieces shared by the leads API (``qingfeng.cases.api``) and the approvals API.

- ``caller``: the authenticated user (session or bearer token) of a request;
- ``service_errors``: runs a service call so that a refusal (``PermissionDenied``) answers
  403 ``{"detail", "field": null}`` and a ``ValidationError`` names the field as the request
  spelled it (``person`` → ``person_id``, ``meeting_kind`` → ``meeting.kind``);
- ``OrgBrief``, ``LeadRef``, ``ApprovalSummaryOut``: the small shapes both APIs return.
"""

# No ``from __future__ import annotations``: django-ninja resolves annotations at runtime.
import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field

from qingfeng.approvals.models import Approval, StepState
from qingfeng.orgs.models import Org


def caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def name_of(user: Any) -> str | None:
    if user is None:
        return None
    return str(user.full_name or user.username)


def enum_doc(values: Any) -> dict[str, Any]:
    """OpenAPI ``enum`` of a text field the service validates (a wrong value answers 400
    naming the field, not a schema error)."""
    return {"enum": [str(v) for v in values]}


@contextmanager
def service_errors(rename: Mapping[str, str] | None = None) -> Iterator[None]:
    """Run a service: ``PermissionDenied`` → 403 JSON; ``ValidationError`` fields renamed.

    DESIGN.md §3 "bad input gets a clear Chinese message naming the field": the field named
    is the one of the request body. Errors not in ``rename`` (and ``ApprovalVoid``, whose
    field is ``approval``) pass through unchanged to the global 400 handler.
    """
    try:
        yield
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "没有权限") from None
    except ValidationError as exc:
        if rename and hasattr(exc, "error_dict") and any(k in rename for k in exc.error_dict):
            renamed = {rename.get(k, k): v for k, v in exc.error_dict.items()}
            raise ValidationError(renamed) from None
        raise


class OrgBrief(Schema):
    id: int
    name: str


def org_ref(org: Org | None) -> dict[str, Any] | None:
    return None if org is None else {"id": org.pk, "name": org.name}


class LeadRef(Schema):
    id: int
    number: str
    subject_name: str


class ApprovalSummaryOut(Schema):
    id: int
    number: str
    matter: str
    matter_display: str
    title: str
    status: str
    status_display: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    waiting_step: str | None = Field(description="审批中时：当前待签批的栏目")


def approval_summary(approval: Approval) -> dict[str, Any]:
    """A 呈批 in one line; reads ``approval.steps.all()`` (prefetch it for lists)."""
    waiting = next((s for s in approval.steps.all() if s.state == StepState.WAITING), None)
    return {
        "id": approval.pk,
        "number": approval.number,
        "matter": approval.matter,
        "matter_display": approval.get_matter_display(),
        "title": approval.title,
        "status": approval.status,
        "status_display": approval.get_status_display(),
        "submitted_at": approval.submitted_at,
        "decided_at": approval.decided_at,
        "waiting_step": waiting.label if waiting else None,
    }
