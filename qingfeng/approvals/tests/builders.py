"""Records for the approval page tests: leads at 东坝镇 and at the county, and their 呈批."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval
from qingfeng.cases import services as cases
from qingfeng.cases.models import Lead, LeadSource, Way
from qingfeng.core.testing import SmallCounty


def meeting() -> approvals.MeetingInput:
    return approvals.MeetingInput(
        kind="commission",
        held_on=timezone.localdate() - dt.timedelta(days=1),
        participants="孙书记、何干事、陈委员",
        conclusion="经集体研究，同意按所拟方式处置",
    )


def town_lead(county: SmallCounty, *, name: str = "李建国", summary: str = "") -> Lead:
    """A lead of 东坝镇, registered by its officer (its chain: 纪委书记)."""
    return cases.register_lead(
        actor=county.users["township_officer"],
        org=county.township_a,
        data=cases.LeadInput(
            source=LeadSource.INSPECTION,
            summary=summary or f"巡察发现{name}在低保评定中优亲厚友",
            subject_name=name,
            subject_unit="李庄村民委员会",
            subject_post="村党支部书记",
        ),
    )


def county_lead(county: SmallCounty, *, name: str = "王县长") -> Lead:
    """A county lead handled by 第一监督检查室 (its chain: 室主任 → 分管委领导)."""
    return cases.register_lead(
        actor=county.users["sysadmin"],
        org=county.county,
        data=cases.LeadInput(
            source=LeadSource.SUPERVISION,
            summary=f"监督检查发现{name}违规收受礼金",
            subject_name=name,
            subject_unit="清河县人民政府",
            subject_post="副县长",
            handling_dept_id=county.supervision_dept.pk,
        ),
    )


def propose(lead: Lead, actor: Any, way: str = Way.ENQUIRY) -> Approval:
    return cases.propose_disposal(
        lead=lead,
        actor=actor,
        way=way,
        proposal=f"经研究，建议对该线索{Way(way).label}",
        meeting=meeting(),
    )


def town_approval(county: SmallCounty, **kwargs: Any) -> Approval:
    return propose(town_lead(county, **kwargs), county.users["township_officer"])


def county_approval(county: SmallCounty, **kwargs: Any) -> Approval:
    return propose(county_lead(county, **kwargs), county.users["supervision_officer"])


def detail_url(approval: Approval) -> str:
    return reverse("approvals:detail", args=[approval.pk])


def sign_url(approval: Approval) -> str:
    return reverse("approvals:sign", args=[approval.pk])


def post_sign(client: Client, approval: Approval, decision: str = "approve", comment: str = ""):
    return client.post(sign_url(approval), {"sign-decision": decision, "sign-comment": comment})


def section(page: str, table_id: str) -> str:
    """The HTML of one table of a page (from its id to its closing tag)."""
    start = page.index(f'id="{table_id}"')
    return page[start : page.index("</table>", start)]
