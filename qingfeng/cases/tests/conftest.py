"""Builders for lead tests: a lead at a body, a meeting, a proposal signed through."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval
from qingfeng.cases import services
from qingfeng.cases.models import Lead, LeadSource
from qingfeng.orgs.models import Org


def meeting(conclusion: str = "经集体研究，同意按所拟方式处置") -> approvals.MeetingInput:
    return approvals.MeetingInput(
        kind="commission",
        held_on=timezone.localdate() - dt.timedelta(days=1),
        participants="孙书记、何干事、陈委员",
        conclusion=conclusion,
    )


def make_lead(
    actor: Any,
    org: Org,
    *,
    name: str = "李建国",
    summary: str = "巡察发现李建国在低保评定中优亲厚友",
    dept: Org | None = None,
    person_id: int | None = None,
) -> Lead:
    return services.register_lead(
        actor=actor,
        org=org,
        data=services.LeadInput(
            source=LeadSource.INSPECTION,
            summary=summary,
            subject_name=name,
            subject_unit="李庄村民委员会",
            subject_post="村党支部书记",
            person_id=person_id,
            handling_dept_id=dept.pk if dept else None,
        ),
    )


def propose(lead: Lead, actor: Any, way: str) -> Approval:
    return services.propose_disposal(
        lead=lead, actor=actor, way=way, proposal=f"建议{way}", meeting=meeting()
    )


def approve_all(approval: Approval, *signers: Any) -> Approval:
    for signer in signers:
        approval = approvals.sign(approval=approval, actor=signer, approve=True, comment="同意")
    return approval
