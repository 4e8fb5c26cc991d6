"""Builders for case page tests: cases, clocks, reviews, measures and sanctions written
straight through the ORM, so the list and file pages are tested without the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from qingfeng.approvals.services import MeetingInput
from qingfeng.cases.models import (
    Case,
    CaseClock,
    CaseClockKind,
    CaseMeasure,
    CaseReview,
    CaseStatus,
    CaseTransition,
    Lead,
    LeadSource,
    LeadStatus,
    MeasureStatus,
    Sanction,
    SanctionStatus,
)
from qingfeng.core.testing import SmallCounty, make_org, make_user
from qingfeng.orgs.models import DepartmentFunction, Org, OrgKind

_seq = itertools.count(1)


def meeting(conclusion: str = "经集体研究，同意") -> MeetingInput:
    return MeetingInput(
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
    status: str = LeadStatus.FILED,
    dept: Org | None = None,
    person: Any = None,
) -> Lead:
    n = next(_seq)
    return Lead.objects.create(
        number=f"{org.code}-XS-2026-{n:05d}",
        org=org,
        source=LeadSource.INSPECTION,
        subject_name=name,
        subject_unit="李庄村民委员会",
        subject_post="村党支部书记",
        person=person,
        summary=f"巡察发现{name}在低保评定中优亲厚友",
        handling_dept=dept,
        status=status,
        created_by=actor,
    )


def make_case(
    actor: Any,
    org: Org,
    *,
    name: str = "李建国",
    status: str = CaseStatus.INVESTIGATING,
    dept: Org | None = None,
    home_org: Org | None = None,
    review_org: Org | None = None,
    filed_on: dt.date | None = None,
    unit: str = "李庄村民委员会",
    post: str = "村党支部书记",
    summary: str = "",
    party_case: bool = True,
    supervision_case: bool = False,
    is_village_cadre: bool = True,
    leader: Any = None,
    team: tuple[Any, ...] = (),
    person: Any = None,
) -> Case:
    """A case filed from a new lead at ``org``, written as the filing approval would."""
    lead = make_lead(actor, org, name=name, dept=dept, person=person)
    n = next(_seq)
    case = Case.objects.create(
        number=f"{org.code}-AJ-2026-{n:04d}",
        lead=lead,
        org=org,
        home_org=home_org or org,
        handling_dept=dept,
        review_org=review_org,
        subject_name=name,
        subject_unit=unit,
        subject_post=post,
        person=person,
        is_party_member=True,
        is_supervised=True,
        is_village_cadre=is_village_cadre,
        party_case=party_case,
        supervision_case=supervision_case,
        summary=summary or f"{name}在低保评定中优亲厚友，部分事实已查证属实",
        status=status,
        filed_on=filed_on or timezone.localdate() - dt.timedelta(days=30),
        leader=leader,
        created_by=actor,
    )
    if team:
        case.team.set(team)
    CaseTransition.objects.create(
        case=case, action="file", from_status="", to_status=case.status, actor=actor
    )
    return case


def add_clock(
    case: Case,
    kind: str = CaseClockKind.INVESTIGATION,
    *,
    due_on: dt.date,
    met: bool = False,
    provisional: bool = False,
) -> CaseClock:
    return CaseClock.objects.create(
        case=case,
        kind=kind,
        org=case.org,
        starts_on=case.filed_on,
        due_on=due_on,
        provisional=provisional,
        met_at=timezone.now() if met else None,
    )


def add_review(
    case: Case, org: Org, actor: Any, *, reviewers: tuple[Any, ...] = (), **extra: Any
) -> CaseReview:
    review = CaseReview.objects.create(
        case=case,
        round=case.reviews.count() + 1,
        org=org,
        received_on=extra.pop("received_on", timezone.localdate() - dt.timedelta(days=3)),
        created_by=actor,
        **extra,
    )
    if reviewers:
        review.reviewers.set(reviewers)
    return review


def add_measure(
    case: Case, actor: Any, kind: str = "talk", status: str = MeasureStatus.APPROVED
) -> CaseMeasure:
    return CaseMeasure.objects.create(
        case=case,
        kind=kind,
        target="李建国",
        reason="核实低保评定情况",
        starts_on=case.filed_on,
        status=status,
        created_by=actor,
    )


def add_sanction(case: Case, outcome: str, kind: str, authority: str, **extra: Any) -> Sanction:
    return Sanction.objects.create(
        case=case,
        outcome=outcome,
        kind=kind,
        authority=authority,
        status=extra.pop("status", SanctionStatus.DECIDED),
        **extra,
    )


def add_trial_dept(county: SmallCounty) -> Org:
    """The county's 案件审理室 with its 室主任 (``users["trial_head"]``) and an officer
    (``users["trial_officer"]``), both reviewing through ``case.review``."""
    trial = make_org(
        "案件审理室", "C01-SL", OrgKind.DEPARTMENT, county.county, function=DepartmentFunction.TRIAL
    )
    county.users["trial_head"] = make_user("sl_zhuren", "林主任", trial, "dept_head")
    county.users["trial_officer"] = make_user("sl_ganbu", "韩审理", trial, "trial_officer")
    return trial
