"""The end of a 留党察看 term (DOMAIN.md §5): 恢复党员权利 after the term, or a one-year
term extended once by one year before it ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qingfeng.cases import probation
from qingfeng.cases.models import CaseClockKind, ProbationResult, Sanction, SanctionStatus
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import effect_period
from qingfeng.cases.tests import case_flow as flow
from qingfeng.cases.tests.conftest import approve_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def cc(county):
    return flow.case_county(county)


def _probation(cc: flow.CaseCounty, years: int = 1) -> Sanction:
    case = flow.review_done(cc, [Outcome.PARTY_PROBATION])
    approve_all(
        flow.decide(cc, case, [Outcome.PARTY_PROBATION], years=years),
        cc.secretary,
        cc.users["township_party"],
    )
    return case.sanctions.get(status=SanctionStatus.DECIDED)


def _backdate(sanction: Sanction, days: int) -> Sanction:
    """Pretend the decision was taken ``days`` ago (term and effect period follow)."""
    decided = timezone.localdate() - dt.timedelta(days=days)
    period = effect_period(sanction.outcome, decided, probation_years=sanction.probation_years)
    Sanction.objects.filter(pk=sanction.pk).update(
        decided_on=decided, term_ends_on=period.term_ends_on, effect_ends_on=period.ends_on
    )
    sanction.refresh_from_db()
    return sanction


def test_decision_sets_the_term_and_its_clock(cc):
    sanction = _probation(cc)
    today = timezone.localdate()
    period = effect_period(Outcome.PARTY_PROBATION, today, probation_years=1)
    assert sanction.term_ends_on == period.term_ends_on
    assert sanction.effect_ends_on == period.ends_on
    assert sanction.case.clocks.get(kind=CaseClockKind.PROBATION).met_at is None


def test_rights_are_restored_only_after_the_term(cc):
    sanction = _probation(cc)
    with pytest.raises(ValidationError) as e:
        probation.conclude_probation(
            sanction=sanction,
            actor=cc.secretary,
            result=ProbationResult.RESTORED,
            decided_on=timezone.localdate(),
            note="察看期间表现良好",
        )
    assert "期满后方可恢复党员权利" in e.value.message_dict["decided_on"][0]
    sanction = _backdate(sanction, 400)
    probation.conclude_probation(
        sanction=sanction,
        actor=cc.secretary,
        result=ProbationResult.RESTORED,
        decided_on=timezone.localdate(),
        note="察看期间表现良好，经支部大会讨论恢复党员权利",
    )
    sanction.refresh_from_db()
    assert sanction.probation_result == ProbationResult.RESTORED
    assert sanction.case.clocks.get(kind=CaseClockKind.PROBATION).met_at is not None


def test_a_one_year_term_is_extended_once_by_one_year(cc):
    sanction = _backdate(_probation(cc), 300)
    probation.conclude_probation(
        sanction=sanction,
        actor=cc.secretary,
        result=ProbationResult.EXTENDED,
        decided_on=timezone.localdate(),
        note="察看期间未能认真改正错误",
    )
    sanction.refresh_from_db()
    assert sanction.decided_on is not None
    extended = effect_period(
        Outcome.PARTY_PROBATION, sanction.decided_on, probation_years=1, probation_extended=True
    )
    assert sanction.probation_extended
    assert (sanction.term_ends_on, sanction.effect_ends_on) == (
        extended.term_ends_on,
        extended.ends_on,
    )
    with pytest.raises(ValidationError):
        probation.conclude_probation(
            sanction=sanction,
            actor=cc.secretary,
            result=ProbationResult.EXTENDED,
            decided_on=timezone.localdate(),
            note="再次延长",
        )


def test_a_two_year_term_cannot_be_extended_and_others_cannot_decide(cc):
    sanction = _probation(cc, years=2)
    with pytest.raises(ValidationError):
        probation.conclude_probation(
            sanction=sanction,
            actor=cc.secretary,
            result=ProbationResult.EXTENDED,
            decided_on=timezone.localdate(),
            note="延长察看期",
        )
    with pytest.raises(PermissionDenied):
        probation.conclude_probation(
            sanction=sanction,
            actor=cc.users["other_officer"],
            result=ProbationResult.RESTORED,
            decided_on=timezone.localdate(),
            note="恢复党员权利",
        )
