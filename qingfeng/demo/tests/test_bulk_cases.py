"""Province-scale cases in bulk (``demo.bulk_cases``) and ``bench --suite cases``, at tiny size."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus, ApprovalStep, StepState
from qingfeng.approvals.selectors import waiting_steps_for
from qingfeng.cases.case_workflow import CaseAction
from qingfeng.cases.models import (
    Case,
    CaseClock,
    CaseClockKind,
    CaseStatus,
    CaseTransition,
    Lead,
    LeadStatus,
    Sanction,
    SanctionStatus,
)
from qingfeng.cases.sanctions import SANCTIONS, effect_period
from qingfeng.demo import bulk_case_steps, bulk_cases
from qingfeng.demo.writer import RowWriter
from qingfeng.documents.models import Document, NumberSequence
from qingfeng.orgs.models import Org, OrgKind

SANCTION_STATE: dict[str, str] = {
    CaseStatus.DECISION_PENDING: SanctionStatus.PROPOSED,
    CaseStatus.DECIDED: SanctionStatus.DECIDED,
    CaseStatus.CLOSED: SanctionStatus.EXECUTED,
}


@pytest.fixture
def tiny_province(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    call_command(
        "demo", "--scale", "tiny-province", "--reports", "0", verbosity=0, stdout=StringIO()
    )


def _townships() -> int:
    return Org.objects.filter(kind__in=(OrgKind.TOWNSHIP, OrgKind.STREET)).count()


@pytest.mark.django_db
def test_bulk_cases_are_consistent(tiny_province):
    planned = bulk_cases.CASES_PER_TOWNSHIP * _townships()
    cases = list(Case.objects.select_related("lead"))
    # A few 立案呈批 are still pending today: their leads wait, no case yet.
    assert 0.9 * planned <= len(cases) <= planned
    statuses = Counter(c.status for c in cases)
    assert {CaseStatus.INVESTIGATING, CaseStatus.EXECUTING, CaseStatus.CLOSED} <= set(statuses)
    assert statuses[CaseStatus.CLOSED] > statuses[CaseStatus.REPORT_PENDING]
    today = timezone.localdate()
    steps = list(CaseTransition.objects.order_by("case_id", "at", "id"))
    by_case: dict[int, list[CaseTransition]] = {}
    for t in steps:
        by_case.setdefault(t.case_id, []).append(t)
    for case in cases:
        lead = case.lead
        assert lead.status == LeadStatus.FILED and lead.org_id == case.org_id
        assert (lead.subject_name, lead.closed_on) == (case.subject_name, case.closed_on)
        assert lead.created_at.date() < case.filed_on <= today
        # One transition a step, chained from 立案 to the status the case is in.
        moves = by_case[case.pk]
        assert moves[0].action == CaseAction.FILE and moves[0].to_status == CaseStatus.INVESTIGATING
        for before, after in pairwise(moves):
            assert after.from_status == before.to_status and after.at >= before.at
        assert moves[-1].to_status == case.status
    assert 6 <= len(steps) / len(cases) <= 16
    # Every case was filed by an approved 立案呈批 on its lead.
    filings = Approval.objects.filter(matter__startswith="case_filing", status="approved")
    assert set(filings.values_list("case_id", flat=True)) == {c.pk for c in cases}


@pytest.mark.django_db
def test_bulk_approvals_clocks_and_sanctions_hang_together(tiny_province):
    steps: dict[int, list[ApprovalStep]] = {}
    for step in ApprovalStep.objects.order_by("approval_id", "order"):
        steps.setdefault(step.approval_id, []).append(step)
    approvals_ = list(Approval.objects.all())
    assert Counter(a.status for a in approvals_)[ApprovalStatus.APPROVED] > len(approvals_) / 2
    for approval in approvals_:
        states = [s.state for s in steps[approval.pk]]
        if approval.status == ApprovalStatus.PENDING:
            # Signed steps, then exactly one waiting, then queued ones.
            waiting = states.index(StepState.WAITING)
            assert set(states[:waiting]) <= {StepState.APPROVED}
            assert set(states[waiting + 1 :]) <= {StepState.QUEUED}
            assert approval.decided_at is None
        else:
            assert StepState.WAITING not in states and approval.decided_at is not None
            assert all(
                s.signer_id and s.signer_id != approval.submitted_by_id for s in steps[approval.pk]
            )
    today = timezone.localdate()
    open_clocks = CaseClock.objects.filter(met_at=None)
    assert open_clocks.filter(due_on__lt=today).exists()  # some overdue
    assert open_clocks.filter(due_on__gte=today).exists()
    for case in Case.objects.filter(status=CaseStatus.INVESTIGATING):
        assert open_clocks.filter(case=case, kind=CaseClockKind.INVESTIGATION).exists()
    assert not open_clocks.filter(
        case__status=CaseStatus.CLOSED, kind__in=(CaseClockKind.ANNOUNCE, CaseClockKind.REVIEW)
    ).exists()
    sanctions = list(Sanction.objects.select_related("case"))
    assert sanctions
    for s in sanctions:
        expected = SANCTION_STATE.get(s.case.status)
        assert expected is None or s.status == expected
        if s.decided_on is not None and s.outcome in SANCTIONS:
            period = effect_period(s.outcome, s.decided_on, probation_years=s.probation_years)
            assert s.effect_ends_on == period.ends_on
    # Numbers run 1, 2, 3 … per body, series and year, and the sequences carry on after them.
    for seq in NumberSequence.objects.filter(series__in=("案件", "呈批", "立审")):
        if seq.series == "立审":
            top = Document.objects.filter(org=seq.org, series=seq.series, year=seq.year)
            assert top.aggregate(m=Max("seq"))["m"] == seq.last == top.count()
        else:
            prefix = "-AJ-" if seq.series == "案件" else "-CP-"
            model = Case if seq.series == "案件" else Approval
            numbered = model.objects.filter(number__contains=f"{prefix}{seq.year}-", org=seq.org)
            assert numbered.count() == seq.last


@pytest.mark.django_db
def test_inboxes_are_full_and_a_pending_approval_can_be_signed(tiny_province):
    shuji, leader = User.objects.get(username="shuji"), User.objects.get(username="leader")
    low = bulk_case_steps.PENDING_LEADS[True][0]
    assert waiting_steps_for(shuji).count() >= low
    assert waiting_steps_for(leader).count() >= 5
    # The pending digests were sealed from the records: signing does not void them.
    for user in (shuji, leader):
        step = waiting_steps_for(user).first()
        assert step is not None
        approval = approvals.sign(
            approval=step.approval, actor=user, approve=True, comment="同意。"
        )
        assert approval.status != ApprovalStatus.VOID


@pytest.mark.django_db
def test_same_seed_same_cases(tiny_province):
    def fingerprint(qs: Any) -> Counter[tuple[Any, ...]]:
        return Counter(qs.values_list("status", "filed_on", "subject_name", "org_id", "closed_on"))

    first = fingerprint(Case.objects.all())
    users = User.objects.count()
    top = Case.objects.aggregate(m=Max("pk"))["m"]
    with transaction.atomic():
        made = bulk_cases.write_cases(seed=20260301, writer=RowWriter(fast=True, progress=False))
        again = fingerprint(Case.objects.filter(pk__gt=top))
        assert made["case_users"] == 0 and User.objects.count() == users
        transaction.set_rollback(True)
    assert again == first
    assert Lead.objects.filter(status=LeadStatus.PROPOSED).exists()


@pytest.mark.django_db
def test_bench_cases_prints_figures(tiny_province):
    out = StringIO()
    call_command(
        "bench", "--suite", "cases", "--runs", "2", "--warmup", "0", "--explain",
        verbosity=0, stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    for page in ("案件列表", "待我审批", "案件卷宗"):
        assert f"| {page}" in text
    assert "HTTP" not in text  # every page answered 200
    rows = [line for line in text.splitlines() if line.startswith("| 案件")]
    assert len(rows) >= 15 + 3
    assert text.count("主查询及执行计划") == len(rows) + 2  # --explain: one plan a page
