"""Appeals (DOMAIN.md §4): 复议复查 in 3 months by people not on the case; 复审 applied within
1 month and decided in 1; the sanction stays in force; outcomes change or revoke it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.cases import appeals
from qingfeng.cases.models import (
    Appeal,
    AppealKind,
    AppealOutcome,
    AppealStatus,
    CaseClockKind,
    Sanction,
    SanctionStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import effect_period
from qingfeng.cases.tests import case_flow as flow
from qingfeng.cases.tests.conftest import approve_all
from qingfeng.core.testing import make_user
from qingfeng.workdays.clock import WorkCalendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def cc(county):
    return flow.case_county(county)


def _decided(cc: flow.CaseCounty, outcome: str = Outcome.PARTY_SERIOUS_WARNING) -> Sanction:
    case = flow.review_done(cc, [outcome])
    approval = flow.decide(cc, case, [outcome])
    signers = [cc.secretary] + (
        [cc.users["county_leader"]] if outcome in (Outcome.GOV_DEMERIT,) else []
    )
    approve_all(approval, *signers)
    return case.sanctions.get(status=SanctionStatus.DECIDED)


def _file(
    cc: flow.CaseCounty,
    sanction: Sanction,
    kind: str = AppealKind.PARTY,
    actor: Any = None,
    applied_on: dt.date | None = None,
) -> Appeal:
    today = timezone.localdate()
    return appeals.file_appeal(
        sanction=sanction,
        actor=actor or cc.secretary,
        kind=kind,
        received_on=today,
        applied_on=applied_on or today,
        reason="本人认为处分过重，请求复查",
    )


def _outsiders(cc: flow.CaseCounty) -> tuple[User, User]:
    a = make_user("dongba_fy1", "严干事", cc.county.township_a, "township_officer")
    b = make_user("dongba_fy2", "金干事", cc.county.township_a, "township_officer")
    return a, b


def test_party_appeal_three_months_by_people_outside_the_case(cc):
    sanction = _decided(cc)
    appeal = _file(cc, sanction)
    today = timezone.localdate()
    clock = sanction.case.clocks.get(kind=CaseClockKind.APPEAL)
    assert clock.due_on == WorkCalendar().deadline_months(today, 3).date
    # The sanction stays in force while the appeal is handled.
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.DECIDED
    a, b = _outsiders(cc)
    with pytest.raises(ValidationError) as e:
        appeals.assign_appeal_reviewers(
            appeal=appeal, actor=cc.secretary, reviewers=[cc.officer, a]
        )
    assert "参与过原案件办理" in e.value.message_dict["reviewers"][0]
    appeals.assign_appeal_reviewers(appeal=appeal, actor=cc.secretary, reviewers=[a, b])
    approval = appeals.propose_appeal_decision(
        appeal=appeal,
        actor=a,
        outcome=AppealOutcome.CHANGED,
        new_outcome=Outcome.PARTY_WARNING,
        decision_text="经复查，原处分认定事实清楚，但情节较轻，变更为党内警告处分。",
    )
    approve_all(approval, cc.secretary)
    appeal.refresh_from_db()
    sanction.refresh_from_db()
    assert appeal.status == AppealStatus.DECIDED
    assert sanction.status == SanctionStatus.CHANGED
    new = sanction.case.sanctions.get(status=SanctionStatus.DECIDED)
    assert new.outcome == Outcome.PARTY_WARNING
    assert sanction.decided_on is not None
    assert new.effect_ends_on == effect_period(Outcome.PARTY_WARNING, sanction.decided_on).ends_on
    assert sanction.case.clocks.get(kind=CaseClockKind.APPEAL).met_at is not None


def test_an_appeal_never_makes_the_sanction_heavier(cc):
    sanction = _decided(cc)
    appeal = _file(cc, sanction)
    a, b = _outsiders(cc)
    appeals.assign_appeal_reviewers(appeal=appeal, actor=cc.secretary, reviewers=[a, b])
    with pytest.raises(ValidationError) as e:
        appeals.propose_appeal_decision(
            appeal=appeal,
            actor=a,
            outcome=AppealOutcome.CHANGED,
            new_outcome=Outcome.PARTY_POST_REMOVAL,
            decision_text="复查认为应当加重处分，改为撤销党内职务。",
        )
    assert "new_outcome" in e.value.message_dict


def test_revocation_ends_the_effect_period(cc):
    sanction = _decided(cc)
    appeal = _file(cc, sanction)
    a, b = _outsiders(cc)
    appeals.assign_appeal_reviewers(appeal=appeal, actor=cc.secretary, reviewers=[a, b])
    approve_all(
        appeals.propose_appeal_decision(
            appeal=appeal,
            actor=b,
            outcome=AppealOutcome.REVOKED,
            new_outcome="",
            decision_text="经复查，原认定的主要事实不清，撤销原处分决定。",
        ),
        cc.secretary,
    )
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.REVOKED
    assert sanction.effect_ends_on == timezone.localdate()


def test_gov_review_applied_within_one_month_decided_in_one(cc):
    sanction = _decided(cc, Outcome.GOV_DEMERIT)
    assert sanction.authority == "county_supervision"
    county_officer = make_user("jcs_fs", "邹干部", cc.county.county, "supervision_officer")
    # Applied more than a month after the decision was received: refused.
    Sanction.objects.filter(pk=sanction.pk).update(
        decided_on=timezone.localdate() - dt.timedelta(days=60)
    )
    sanction.refresh_from_db()
    with pytest.raises(ValidationError) as late:
        appeals.file_appeal(
            sanction=sanction,
            actor=county_officer,
            kind=AppealKind.GOV_REVIEW,
            received_on=timezone.localdate() - dt.timedelta(days=50),
            applied_on=timezone.localdate(),
            reason="不服处分，申请复审",
        )
    assert "1个月内申请" in late.value.message_dict["applied_on"][0]
    with pytest.raises(ValidationError) as e:
        _file(cc, sanction, kind=AppealKind.PARTY, actor=cc.users["township_secretary"])
    assert "党纪处分" in e.value.message_dict["kind"][0]
    # 复审 is handled by the county 监委 that decided it, not by the township.
    with pytest.raises(PermissionDenied):
        _file(cc, sanction, kind=AppealKind.GOV_REVIEW, actor=cc.secretary)
    appeal = _file(cc, sanction, kind=AppealKind.GOV_REVIEW, actor=county_officer)
    assert appeal.org == cc.county.county
    clock = sanction.case.clocks.get(kind=CaseClockKind.APPEAL)
    assert clock.due_on == WorkCalendar().deadline_months(timezone.localdate(), 1).date
    # 复核 only after a 复审 decision.
    with pytest.raises(ValidationError):
        _file(cc, sanction, kind=AppealKind.GOV_RECHECK, actor=county_officer)
