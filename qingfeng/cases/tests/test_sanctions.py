"""Sanction rules: effect periods (DOMAIN.md §5), who may get what (§5), powers (§4), clocks (§4).

Everything but the clocks is pure and runs without a database; the clocks read the
working-day calendar and are marked ``django_db``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qingfeng.cases import sanctions as s
from qingfeng.cases.outcomes import FORM_OF, Outcome
from qingfeng.cases.sanctions import Authority
from qingfeng.orgs.models import Person, PersonCategory
from qingfeng.workdays.clock import Deadline, WorkCalendar, deadline_months

D = dt.date
A = Authority

PARTY = [
    Outcome.PARTY_WARNING,
    Outcome.PARTY_SERIOUS_WARNING,
    Outcome.PARTY_POST_REMOVAL,
    Outcome.PARTY_PROBATION,
    Outcome.PARTY_EXPULSION,
]
GOV = [
    Outcome.GOV_WARNING,
    Outcome.GOV_DEMERIT,
    Outcome.GOV_MAJOR_DEMERIT,
    Outcome.GOV_DEMOTION,
    Outcome.GOV_DISMISSAL,
    Outcome.GOV_EXPULSION,
]
ORG = [
    Outcome.ORG_SUSPENSION,
    Outcome.ORG_REASSIGNMENT,
    Outcome.ORG_RESIGNATION,
    Outcome.ORG_REMOVAL,
    Outcome.ORG_DEMOTION,
]
LEAD_DISPOSITIONS = [
    Outcome.ENQUIRY_CLOSED,
    Outcome.FURTHER_ENQUIRY,
    Outcome.TO_VERIFICATION,
    Outcome.PROPOSE_CASE,
    Outcome.CLOSED,
    Outcome.ON_HOLD,
    Outcome.TRANSFER,
]


def outcome_error(exc: pytest.ExceptionInfo[ValidationError], field: str = "outcome") -> str:
    return exc.value.message_dict[field][0]


# -- kinds ----------------------------------------------------------------------------------------


def test_kinds_are_the_domain_lists():
    assert frozenset(PARTY) == s.PARTY_SANCTIONS
    assert frozenset(GOV) == s.GOV_SANCTIONS
    assert frozenset(ORG) == s.ORG_MEASURES
    assert list(s.PARTY_SANCTIONS_BY_SEVERITY) == PARTY
    assert list(s.GOV_SANCTIONS_BY_SEVERITY) == GOV
    assert Outcome.ADMONISH not in s.ORG_MEASURES  # 诫勉 is not 组织处理 (DOMAIN.md §5)
    assert frozenset(PARTY + GOV) == s.SANCTIONS


@pytest.mark.parametrize("outcome", list(Outcome))
def test_sanction_kind_of_every_outcome(outcome):
    expected = (
        s.SanctionKind.PARTY
        if outcome in PARTY
        else s.SanctionKind.GOVERNMENT
        if outcome in GOV
        else s.SanctionKind.ORGANISATIONAL
        if outcome in ORG
        else None
    )
    assert s.sanction_kind(outcome) == expected
    assert s.sanction_kind(outcome.value) == expected  # stored strings work too


def test_second_and_third_forms_are_exactly_the_sanctions_and_org_measures():
    # Cross-check with the four-forms table: forms 2 and 3 hold nothing but these.
    in_forms_2_3 = {o for o, form in FORM_OF.items() if form in (2, 3)}
    assert in_forms_2_3 == s.SANCTIONS | s.ORG_MEASURES


# -- effect periods (DOMAIN.md §5) ---------------------------------------------------------------

EFFECTIVE = D(2025, 3, 15)
# (outcome, probation_years, expected ends_on, expected term_ends_on) for EFFECTIVE.
EFFECT_TABLE = [
    (Outcome.PARTY_WARNING, None, D(2026, 3, 15), None),  # 12 months
    (Outcome.PARTY_SERIOUS_WARNING, None, D(2026, 9, 15), None),  # 18 months
    (Outcome.PARTY_POST_REMOVAL, None, D(2027, 3, 15), None),  # 24 months
    (Outcome.PARTY_PROBATION, 1, D(2028, 3, 15), D(2026, 3, 15)),  # 1-year term + 24 months
    (Outcome.PARTY_EXPULSION, None, D(2030, 3, 15), None),  # may not rejoin for 60 months
    (Outcome.GOV_WARNING, None, D(2025, 9, 15), None),  # 6 months
    (Outcome.GOV_DEMERIT, None, D(2026, 3, 15), None),  # 12 months
    (Outcome.GOV_MAJOR_DEMERIT, None, D(2026, 9, 15), None),  # 18 months
    (Outcome.GOV_DEMOTION, None, D(2027, 3, 15), None),  # 24 months
    (Outcome.GOV_DISMISSAL, None, D(2027, 3, 15), None),  # 24 months
    (Outcome.GOV_EXPULSION, None, None, None),  # permanent
]


def test_effect_table_covers_every_sanction():
    assert {row[0] for row in EFFECT_TABLE} == s.SANCTIONS
    assert len(EFFECT_TABLE) == len(s.SANCTIONS)


@pytest.mark.parametrize(("outcome", "years", "ends_on", "term_ends_on"), EFFECT_TABLE)
def test_effect_period_of_every_sanction(outcome, years, ends_on, term_ends_on):
    period = s.effect_period(outcome, EFFECTIVE, probation_years=years)
    assert period.outcome == outcome
    assert period.starts_on == EFFECTIVE
    assert period.ends_on == ends_on
    assert period.term_ends_on == term_ends_on
    assert period.is_permanent is (ends_on is None)
    assert s.in_effect(period, EFFECTIVE)
    assert not s.in_effect(period, EFFECTIVE - dt.timedelta(days=1))
    if ends_on is not None:
        # ends_on is the last day in effect; the next day the sanction is spent.
        assert s.in_effect(period, ends_on)
        assert not s.in_effect(period, ends_on + dt.timedelta(days=1))
    # The stored value works as well as the enum member.
    assert s.effect_period(outcome.value, EFFECTIVE, probation_years=years) == period


def test_permanent_expulsion_never_ends():
    period = s.effect_period(Outcome.GOV_EXPULSION, EFFECTIVE)
    assert period.ends_on is None
    assert period.is_permanent
    assert period.restriction_ends_on is None
    assert s.in_effect(period, D(2099, 12, 31))


def test_party_expulsion_bars_rejoining_for_five_years_only():
    period = s.effect_period(Outcome.PARTY_EXPULSION, D(2025, 6, 30))
    assert period.ends_on == D(2030, 6, 30)
    assert not period.is_permanent
    assert s.in_effect(period, D(2030, 6, 30))
    assert not s.in_effect(period, D(2030, 7, 1))


def test_probation_one_year():
    period = s.effect_period(Outcome.PARTY_PROBATION, EFFECTIVE, probation_years=1)
    assert period.term_ends_on == D(2026, 3, 15)
    assert period.restriction_ends_on == period.ends_on == D(2028, 3, 15)
    assert period.probation_years == 1
    assert not period.probation_extended
    # No vote or election during the term; restricted (still in effect) after it.
    assert s.in_probation_term(period, EFFECTIVE)
    assert s.in_probation_term(period, D(2026, 3, 15))
    assert not s.in_probation_term(period, D(2026, 3, 16))
    assert s.in_effect(period, D(2026, 3, 16))
    assert not s.in_probation_term(period, EFFECTIVE - dt.timedelta(days=1))


def test_probation_two_years():
    period = s.effect_period(Outcome.PARTY_PROBATION, EFFECTIVE, probation_years=2)
    assert period.term_ends_on == D(2027, 3, 15)
    assert period.restriction_ends_on == D(2029, 3, 15)
    assert s.in_probation_term(period, D(2027, 3, 15))
    assert not s.in_probation_term(period, D(2027, 3, 16))
    assert not s.in_effect(period, D(2029, 3, 16))


def test_probation_one_year_extended_by_one_year():
    extended = s.effect_period(
        Outcome.PARTY_PROBATION, EFFECTIVE, probation_years=1, probation_extended=True
    )
    assert extended.term_ends_on == D(2027, 3, 15)
    assert extended.restriction_ends_on == D(2029, 3, 15)
    assert extended.probation_extended
    first = s.effect_period(Outcome.PARTY_PROBATION, EFFECTIVE, probation_years=1)
    assert s.extend_probation(first) == extended


def test_probation_never_longer_than_two_years():
    with pytest.raises(ValidationError) as exc:
        s.effect_period(
            Outcome.PARTY_PROBATION, EFFECTIVE, probation_years=2, probation_extended=True
        )
    assert "最长不超过二年" in outcome_error(exc, "probation_years")
    two = s.effect_period(Outcome.PARTY_PROBATION, EFFECTIVE, probation_years=2)
    with pytest.raises(ValidationError):
        s.extend_probation(two)
    once = s.extend_probation(
        s.effect_period(Outcome.PARTY_PROBATION, EFFECTIVE, probation_years=1)
    )
    with pytest.raises(ValidationError):
        s.extend_probation(once)


@pytest.mark.parametrize("years", [None, 0, 3])
def test_probation_term_must_be_one_or_two_years(years):
    with pytest.raises(ValidationError) as exc:
        s.effect_period(Outcome.PARTY_PROBATION, EFFECTIVE, probation_years=years)
    assert outcome_error(exc, "probation_years") == "留党察看期限须为一年或二年"


def test_probation_term_is_only_for_probation():
    with pytest.raises(ValueError):
        s.effect_period(Outcome.PARTY_WARNING, EFFECTIVE, probation_years=1)
    with pytest.raises(ValueError):
        s.effect_period(Outcome.GOV_DEMERIT, EFFECTIVE, probation_extended=True)
    with pytest.raises(ValueError):
        s.extend_probation(s.effect_period(Outcome.PARTY_WARNING, EFFECTIVE))
    warning = s.effect_period(Outcome.PARTY_WARNING, EFFECTIVE)
    assert warning.term_ends_on is None
    assert warning.restriction_ends_on is None
    assert not s.in_probation_term(warning, EFFECTIVE)


@pytest.mark.parametrize("outcome", [o for o in Outcome if o not in PARTY + GOV])
def test_no_effect_period_for_what_is_not_a_sanction(outcome):
    with pytest.raises(ValueError):
        s.effect_period(outcome, EFFECTIVE)


MONTH_END = [
    # 民法典 第202条: the same-numbered day, or the final month's last day when there is none.
    (Outcome.GOV_WARNING, D(2025, 8, 31), D(2026, 2, 28)),  # +6: no 2026-02-31
    (Outcome.GOV_WARNING, D(2023, 8, 31), D(2024, 2, 29)),  # +6 into a leap February
    (Outcome.GOV_WARNING, D(2025, 3, 31), D(2025, 9, 30)),  # +6: no 09-31
    (Outcome.PARTY_SERIOUS_WARNING, D(2025, 8, 31), D(2027, 2, 28)),  # +18
    (Outcome.GOV_MAJOR_DEMERIT, D(2025, 1, 31), D(2026, 7, 31)),  # +18: the day exists
    (Outcome.PARTY_WARNING, D(2024, 2, 29), D(2025, 2, 28)),  # +12 from a leap day
    (Outcome.GOV_DEMERIT, D(2023, 2, 28), D(2024, 2, 28)),  # +12 into a leap year: not the 29th
    (Outcome.GOV_DEMOTION, D(2024, 2, 29), D(2026, 2, 28)),  # +24 from a leap day
    (Outcome.PARTY_POST_REMOVAL, D(2024, 12, 31), D(2026, 12, 31)),  # +24 across year ends
    (Outcome.PARTY_EXPULSION, D(2024, 2, 29), D(2029, 2, 28)),  # +60 from a leap day
]


@pytest.mark.parametrize(("outcome", "effective", "ends_on"), MONTH_END)
def test_month_end_and_leap_years(outcome, effective, ends_on):
    period = s.effect_period(outcome, effective)
    assert period.ends_on == ends_on
    assert s.in_effect(period, ends_on)
    assert not s.in_effect(period, ends_on + dt.timedelta(days=1))


def test_probation_from_a_leap_day():
    period = s.effect_period(Outcome.PARTY_PROBATION, D(2024, 2, 29), probation_years=2)
    assert period.term_ends_on == D(2026, 2, 28)
    # The restriction is a new period counted from the term's last day (2026-02-28), so it
    # ends on 2028-02-28, not on the leap day 48 months after the decision.
    assert period.ends_on == D(2028, 2, 28)
    one = s.effect_period(Outcome.PARTY_PROBATION, D(2024, 2, 29), probation_years=1)
    assert one.term_ends_on == D(2025, 2, 28)
    assert s.extend_probation(one).term_ends_on == D(2026, 2, 28)


HOLIDAY_ENDS = [
    (Outcome.PARTY_WARNING, D(2025, 10, 1), D(2026, 10, 1)),  # National Day
    (Outcome.GOV_DEMERIT, D(2025, 10, 1), D(2026, 10, 1)),
    (Outcome.GOV_DISMISSAL, D(2024, 10, 1), D(2026, 10, 1)),
    (Outcome.GOV_WARNING, D(2025, 8, 15), D(2026, 2, 15)),  # Spring Festival, a Sunday
    (Outcome.PARTY_SERIOUS_WARNING, D(2024, 11, 1), D(2026, 5, 1)),  # Labour Day
]


@pytest.mark.parametrize(("outcome", "effective", "ends_on"), HOLIDAY_ENDS)
def test_effect_period_does_not_move_off_holidays(outcome, effective, ends_on):
    assert s.effect_period(outcome, effective).ends_on == ends_on


@pytest.mark.django_db
def test_a_deadline_on_the_same_day_moves_but_the_effect_period_does_not():
    # Contrast with a deadline (民法典 第203条): 2026-10-01..07 are off, so it moves.
    assert deadline_months(D(2025, 10, 1), 12).date == D(2026, 10, 8)
    assert s.effect_period(Outcome.PARTY_WARNING, D(2025, 10, 1)).ends_on == D(2026, 10, 1)


# -- who may get what (DOMAIN.md §5) -------------------------------------------------------------


def test_allowed_gov_sanctions():
    village = {Outcome.GOV_WARNING, Outcome.GOV_DEMERIT, Outcome.GOV_MAJOR_DEMERIT}
    assert s.allowed_gov_sanctions(True) == village
    assert s.allowed_gov_sanctions(False) == frozenset(GOV)


@pytest.mark.parametrize(
    "outcome", [Outcome.GOV_WARNING, Outcome.GOV_DEMERIT, Outcome.GOV_MAJOR_DEMERIT]
)
def test_village_cadre_can_get_light_gov_sanctions(outcome):
    s.check_sanction_allowed(outcome, is_village_cadre=True, is_party_member=False)


@pytest.mark.parametrize(
    "outcome", [Outcome.GOV_DEMOTION, Outcome.GOV_DISMISSAL, Outcome.GOV_EXPULSION]
)
def test_village_cadre_cannot_get_demotion_dismissal_or_expulsion(outcome):
    for member in (True, False):
        with pytest.raises(ValidationError) as exc:
            s.check_sanction_allowed(outcome, is_village_cadre=True, is_party_member=member)
        assert outcome_error(exc) == (
            f"村（社区）干部只能给予警告、记过、记大过政务处分，不能给予{outcome.label}"
        )
    # Anyone else may get them.
    s.check_sanction_allowed(outcome, is_village_cadre=False, is_party_member=False)


@pytest.mark.parametrize("outcome", PARTY)
def test_non_member_cannot_get_a_party_sanction(outcome):
    for village in (True, False):
        with pytest.raises(ValidationError) as exc:
            s.check_sanction_allowed(outcome, is_village_cadre=village, is_party_member=False)
        assert outcome_error(exc) == f"非中共党员不能给予党纪处分（{outcome.label}）"
        # A Party member may get every Party sanction, village cadre or not.
        s.check_sanction_allowed(outcome, is_village_cadre=village, is_party_member=True)


@pytest.mark.parametrize(
    "outcome", [*ORG, Outcome.TALK_REMINDER, Outcome.ADMONISH, Outcome.PROSECUTION]
)
def test_other_outcomes_are_not_restricted_by_person(outcome):
    s.check_sanction_allowed(outcome, is_village_cadre=True, is_party_member=False)


def test_check_for_a_person_reads_category_and_membership():
    village_member = Person(category=PersonCategory.GRASSROOTS, is_party_member=True)
    civil_servant = Person(category=PersonCategory.CIVIL_SERVANT, is_party_member=False)
    assert s.person_is_village_cadre(village_member)
    assert not s.person_is_village_cadre(civil_servant)
    s.check_sanction_for_person(Outcome.PARTY_PROBATION, person=village_member)
    s.check_sanction_for_person(Outcome.GOV_MAJOR_DEMERIT, person=village_member)
    with pytest.raises(ValidationError):
        s.check_sanction_for_person(Outcome.GOV_DISMISSAL, person=village_member)
    s.check_sanction_for_person(Outcome.GOV_DISMISSAL, person=civil_servant)
    with pytest.raises(ValidationError):
        s.check_sanction_for_person(Outcome.PARTY_WARNING, person=civil_servant)


# -- approval powers (DOMAIN.md §4 "Powers by level") -------------------------------------------

COUNTY = [A.COUNTY_COMMISSION, A.COUNTY_SUPERVISION, A.COUNTY_PARTY_COMMITTEE]


@pytest.mark.parametrize("outcome", [Outcome.PARTY_WARNING, Outcome.PARTY_SERIOUS_WARNING])
def test_township_commission_approves_warnings_in_simple_cases(outcome):
    assert s.may_decide(A.TOWNSHIP_COMMISSION, outcome, complex_case=False)
    s.check_power(outcome, authority=A.TOWNSHIP_COMMISSION, complex_case=False)
    assert not s.may_decide(A.TOWNSHIP_COMMISSION, outcome, complex_case=True)
    assert s.required_authority(outcome, body_is_township=True, complex_case=False) == (
        A.TOWNSHIP_COMMISSION
    )


@pytest.mark.parametrize(
    "outcome",
    [Outcome.PARTY_POST_REMOVAL, Outcome.PARTY_PROBATION, Outcome.PARTY_EXPULSION, *GOV, *ORG],
)
def test_township_commission_cannot_approve_anything_heavier(outcome):
    for complex_case in (False, True):
        assert not s.may_decide(A.TOWNSHIP_COMMISSION, outcome, complex_case=complex_case)
        with pytest.raises(ValidationError):
            s.check_power(outcome, authority=A.TOWNSHIP_COMMISSION, complex_case=complex_case)


def test_township_secretary_cannot_approve_probation_or_dismissal():
    with pytest.raises(ValidationError) as exc:
        s.check_power(Outcome.PARTY_PROBATION, authority=A.TOWNSHIP_COMMISSION, complex_case=False)
    assert (
        outcome_error(exc)
        == "乡镇纪委只能批准警告、严重警告处分，留党察看须报乡镇党委或县纪委常委会批准"
    )
    with pytest.raises(ValidationError) as exc:
        s.check_power(Outcome.GOV_DISMISSAL, authority=A.TOWNSHIP_COMMISSION, complex_case=False)
    assert (
        outcome_error(exc) == "乡镇没有政务处分批准权，撤职须由乡镇监察办公室提出建议，报县监委批准"
    )
    with pytest.raises(ValidationError) as exc:
        s.check_power(Outcome.PARTY_EXPULSION, authority=A.TOWNSHIP_COMMISSION, complex_case=False)
    assert outcome_error(exc) == "乡镇纪委只能批准警告、严重警告处分，开除党籍须报县纪委常委会批准"


@pytest.mark.parametrize("outcome", [*PARTY[:4]])
def test_township_party_committee_approves_up_to_probation_in_simple_cases(outcome):
    assert s.may_decide(A.TOWNSHIP_PARTY_COMMITTEE, outcome, complex_case=False)
    s.check_power(outcome, authority=A.TOWNSHIP_PARTY_COMMITTEE, complex_case=False)
    assert not s.may_decide(A.TOWNSHIP_PARTY_COMMITTEE, outcome, complex_case=True)
    with pytest.raises(ValidationError) as exc:
        s.check_power(outcome, authority=A.TOWNSHIP_PARTY_COMMITTEE, complex_case=True)
    assert outcome_error(exc) == f"复杂案件须报县级批准，{outcome.label}须报县纪委常委会批准"


def test_township_party_committee_never_expels():
    for complex_case in (False, True):
        assert not s.may_decide(
            A.TOWNSHIP_PARTY_COMMITTEE, Outcome.PARTY_EXPULSION, complex_case=complex_case
        )
    with pytest.raises(ValidationError) as exc:
        s.check_power(
            Outcome.PARTY_EXPULSION, authority=A.TOWNSHIP_PARTY_COMMITTEE, complex_case=False
        )
    assert outcome_error(exc) == "乡镇党委最多只能批准留党察看处分，开除党籍须报县纪委常委会批准"


@pytest.mark.parametrize("outcome", GOV)
def test_no_township_body_approves_gov_sanctions(outcome):
    for authority in s.TOWNSHIP_AUTHORITIES:
        for complex_case in (False, True):
            assert not s.may_decide(authority, outcome, complex_case=complex_case)
    with pytest.raises(ValidationError) as exc:
        s.check_power(outcome, authority=A.TOWNSHIP_SUPERVISION_OFFICE, complex_case=False)
    assert outcome_error(exc) == (
        f"乡镇监察办公室只能提出处置和政务处分建议，{outcome.label}须报县监委批准"
    )
    # Only the county 监委 approves them, township case or not.
    for township in (True, False):
        for complex_case in (False, True):
            required = s.required_authority(
                outcome, body_is_township=township, complex_case=complex_case
            )
            assert required == A.COUNTY_SUPERVISION


def test_supervision_office_only_proposes():
    for outcome in s.DECIDABLE:
        for complex_case in (False, True):
            assert not s.may_decide(
                A.TOWNSHIP_SUPERVISION_OFFICE, outcome, complex_case=complex_case
            )


@pytest.mark.parametrize("complex_case", [False, True])
@pytest.mark.parametrize("township", [False, True])
def test_expulsion_always_needs_the_county(township, complex_case):
    required = s.required_authority(
        Outcome.PARTY_EXPULSION, body_is_township=township, complex_case=complex_case
    )
    assert required == A.COUNTY_COMMISSION
    for authority in s.TOWNSHIP_AUTHORITIES:
        assert not s.may_decide(authority, Outcome.PARTY_EXPULSION, complex_case=complex_case)


@pytest.mark.parametrize("complex_case", [False, True])
@pytest.mark.parametrize("outcome", PARTY + GOV + ORG)
def test_county_may_approve_every_sanction_and_measure(outcome, complex_case):
    deciders = {a for a in COUNTY if s.may_decide(a, outcome, complex_case=complex_case)}
    assert deciders
    if outcome in PARTY:
        assert deciders == {A.COUNTY_COMMISSION, A.COUNTY_PARTY_COMMITTEE}
    elif outcome in GOV:
        assert deciders == {A.COUNTY_SUPERVISION}
    else:
        assert deciders == {A.COUNTY_PARTY_COMMITTEE}


@pytest.mark.parametrize("outcome", ORG)
def test_org_measures_are_decided_by_the_managing_party_committee(outcome):
    for complex_case in (False, True):
        assert s.required_authority(outcome, body_is_township=True, complex_case=complex_case) == (
            A.TOWNSHIP_PARTY_COMMITTEE
        )
        assert s.required_authority(outcome, body_is_township=False, complex_case=complex_case) == (
            A.COUNTY_PARTY_COMMITTEE
        )
        assert s.may_decide(A.TOWNSHIP_PARTY_COMMITTEE, outcome, complex_case=complex_case)
    # A commission only recommends 组织处理.
    with pytest.raises(ValidationError) as exc:
        s.check_power(outcome, authority=A.COUNTY_COMMISSION, complex_case=False)
    assert outcome_error(exc) == (
        f"{outcome.label}属于组织处理，纪检监察机关只能提出建议，须由管理该干部的党委（组织部门）决定"
    )


# (outcome, township simple case, township complex case, county body: any case)
TC, TP = A.TOWNSHIP_COMMISSION, A.TOWNSHIP_PARTY_COMMITTEE
CC, CS, CP = A.COUNTY_COMMISSION, A.COUNTY_SUPERVISION, A.COUNTY_PARTY_COMMITTEE
LIGHT = [Outcome.TALK_REMINDER, Outcome.CRITICISM, Outcome.ORDER_EXAMINE, Outcome.ADMONISH]
REQUIRED = [
    (Outcome.PARTY_WARNING, TC, CC, CC),
    (Outcome.PARTY_SERIOUS_WARNING, TC, CC, CC),
    (Outcome.PARTY_POST_REMOVAL, TP, CC, CC),
    (Outcome.PARTY_PROBATION, TP, CC, CC),
    (Outcome.PARTY_EXPULSION, CC, CC, CC),
    *[(o, CS, CS, CS) for o in GOV],
    *[(o, TP, TP, CP) for o in ORG],
    *[(o, TC, CC, CC) for o in LIGHT],
    (Outcome.PROSECUTION, CS, CS, CS),
]


def test_required_table_covers_every_decidable_outcome():
    assert {row[0] for row in REQUIRED} == s.DECIDABLE
    assert s.DECIDABLE | frozenset(LEAD_DISPOSITIONS) == frozenset(Outcome)


@pytest.mark.parametrize(("outcome", "simple", "complex_", "county"), REQUIRED)
def test_required_authority(outcome, simple, complex_, county):
    assert s.required_authority(outcome, body_is_township=True, complex_case=False) == simple
    assert s.required_authority(outcome, body_is_township=True, complex_case=True) == complex_
    for complex_case in (False, True):
        assert (
            s.required_authority(outcome, body_is_township=False, complex_case=complex_case)
            == county
        )


@pytest.mark.parametrize("complex_case", [False, True])
@pytest.mark.parametrize("township", [False, True])
@pytest.mark.parametrize("outcome", sorted(s.DECIDABLE))
def test_required_authority_may_decide_and_is_the_lowest(outcome, township, complex_case):
    required = s.required_authority(outcome, body_is_township=township, complex_case=complex_case)
    assert s.may_decide(required, outcome, complex_case=complex_case)
    s.check_power(outcome, authority=required, complex_case=complex_case)
    if township and required not in s.TOWNSHIP_AUTHORITIES:
        # Sent to the county only when no township body has the power.
        for authority in s.TOWNSHIP_AUTHORITIES:
            assert not s.may_decide(authority, outcome, complex_case=complex_case)
    if required == A.TOWNSHIP_PARTY_COMMITTEE and outcome in PARTY:
        assert not s.may_decide(A.TOWNSHIP_COMMISSION, outcome, complex_case=complex_case)


def test_county_bodies_stay_in_their_own_family():
    with pytest.raises(ValidationError) as exc:
        s.check_power(Outcome.PARTY_WARNING, authority=A.COUNTY_SUPERVISION, complex_case=False)
    assert outcome_error(exc) == "县监委无权批准党内警告，须报县纪委常委会批准"
    with pytest.raises(ValidationError) as exc:
        s.check_power(Outcome.GOV_DEMERIT, authority=A.COUNTY_COMMISSION, complex_case=False)
    assert outcome_error(exc) == "县纪委常委会无权批准记过，须报县监委批准"
    with pytest.raises(ValidationError):
        s.check_power(Outcome.PROSECUTION, authority=A.COUNTY_COMMISSION, complex_case=False)
    s.check_power(Outcome.PROSECUTION, authority=A.COUNTY_SUPERVISION, complex_case=True)


@pytest.mark.parametrize("outcome", LEAD_DISPOSITIONS)
def test_lead_dispositions_are_not_approved_as_case_decisions(outcome):
    with pytest.raises(ValueError):
        s.required_authority(outcome, body_is_township=True, complex_case=False)
    with pytest.raises(ValueError):
        s.check_power(outcome, authority=A.COUNTY_COMMISSION, complex_case=False)
    for authority in Authority:
        assert not s.may_decide(authority, outcome, complex_case=False)


def test_powers_accept_stored_strings():
    assert s.may_decide("township_commission", "party_warning", complex_case=False)
    assert not s.may_decide("township_commission", "party_probation", complex_case=False)
    with pytest.raises(ValueError):
        s.may_decide("village_station", "party_warning", complex_case=False)


# -- decision and execution clocks (DOMAIN.md §4) -----------------------------------------------

HEAVY = {
    Outcome.PARTY_POST_REMOVAL,
    Outcome.PARTY_PROBATION,
    Outcome.PARTY_EXPULSION,
    Outcome.GOV_DEMOTION,
    Outcome.GOV_DISMISSAL,
    Outcome.GOV_EXPULSION,
}


def test_heavy_sanctions_are_post_removal_or_heavier():
    assert s.CHANGES_POST_AND_PAY == HEAVY


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", PARTY + GOV)
def test_clocks_for_every_sanction(outcome):
    # Decided Wed 2026-04-01: +1 month is 2026-05-01 (Labour Day, off to 05-05) → 05-06;
    # +6 months is 2026-10-01 (National Day, off to 10-07) → 10-08.
    expected = {s.ANNOUNCE: D(2026, 5, 6), s.EXECUTION_REPORT: D(2026, 10, 8)}
    if outcome in HEAVY:
        expected[s.POST_AND_PAY] = D(2026, 5, 6)
        expected[s.POST_AND_PAY_LATEST] = D(2026, 10, 8)
    assert s.execution_deadlines(outcome, D(2026, 4, 1)) == expected
    clocks = s.execution_clocks(outcome, D(2026, 4, 1))
    assert clocks == {key: Deadline(day, provisional=False) for key, day in expected.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", PARTY + GOV)
def test_clocks_on_ordinary_days_and_weekends(outcome):
    # Decided Fri 2025-03-14: 2025-04-14 is a Monday; 2025-09-14 a Sunday → Monday 09-15.
    deadlines = s.execution_deadlines(outcome.value, D(2025, 3, 14))
    assert deadlines[s.ANNOUNCE] == D(2025, 4, 14)
    assert deadlines[s.EXECUTION_REPORT] == D(2025, 9, 15)
    assert (s.POST_AND_PAY in deadlines) is (outcome in HEAVY)
    if outcome in HEAVY:
        assert deadlines[s.POST_AND_PAY] == D(2025, 4, 14)
        assert deadlines[s.POST_AND_PAY_LATEST] == D(2025, 9, 15)


@pytest.mark.django_db
def test_clocks_in_a_year_not_yet_entered_are_provisional():
    clocks = s.execution_clocks(Outcome.PARTY_PROBATION, D(2026, 12, 15))
    # 2027 is not in the table: weekends only, and every clock is provisional.
    assert clocks[s.ANNOUNCE] == Deadline(D(2027, 1, 15), provisional=True)
    assert clocks[s.POST_AND_PAY_LATEST] == Deadline(D(2027, 6, 15), provisional=True)
    assert clocks[s.EXECUTION_REPORT] == Deadline(D(2027, 6, 15), provisional=True)


@pytest.mark.django_db
def test_one_calendar_serves_many_decisions(django_assert_max_num_queries):
    calendar = WorkCalendar()
    with django_assert_max_num_queries(3):
        for outcome in PARTY + GOV:
            s.execution_clocks(outcome, D(2026, 4, 1), calendar=calendar)


@pytest.mark.parametrize("outcome", [o for o in Outcome if o not in PARTY + GOV])
def test_no_clocks_for_what_is_not_a_sanction(outcome):
    with pytest.raises(ValueError):
        s.execution_deadlines(outcome, D(2026, 4, 1))
