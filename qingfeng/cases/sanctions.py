"""Sanction rules: kinds, effect periods, who may get them, who may approve them, and clocks.

Pure functions and tables over ``qingfeng.cases.outcomes.Outcome``; no models, no queries
except the working-day calendar behind ``execution_clocks`` (DOMAIN.md "Counting periods").
Services call these before they write; nothing here writes.

- Kinds (DOMAIN.md §5): 党纪处分, 政务处分 and 组织处理 (诫勉 is not 组织处理).
- Effect periods (DOMAIN.md §5): ``effect_period``; they do *not* move off holidays.
- Who may get what (DOMAIN.md §5): village/community cadres only 警告/记过/记大过 as
  政务处分; only Party members get 党纪处分 — ``check_sanction_allowed``.
- Approval powers by level (DOMAIN.md §4 "Powers by level"): ``required_authority``,
  ``may_decide``, ``check_power``.
- Decision and execution clocks (DOMAIN.md §4): ``execution_clocks``; deadlines *do* move
  off holidays (民法典 第203条).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.cases.outcomes import Outcome
from qingfeng.orgs.models import Person, PersonCategory
from qingfeng.workdays.clock import Deadline, WorkCalendar, period_end_months

# -- kinds (DOMAIN.md §5) -----------------------------------------------------------------------


class SanctionKind(models.TextChoices):
    """The three families of measures a case can end in (DOMAIN.md §5)."""

    PARTY = "party", _("党纪处分")
    GOVERNMENT = "government", _("政务处分")
    ORGANISATIONAL = "organisational", _("组织处理")


# Lightest first: the order the rules rank them in (党章 第四十条; 政务处分法 第七条).
PARTY_SANCTIONS_BY_SEVERITY: tuple[Outcome, ...] = (
    Outcome.PARTY_WARNING,
    Outcome.PARTY_SERIOUS_WARNING,
    Outcome.PARTY_POST_REMOVAL,
    Outcome.PARTY_PROBATION,
    Outcome.PARTY_EXPULSION,
)
GOV_SANCTIONS_BY_SEVERITY: tuple[Outcome, ...] = (
    Outcome.GOV_WARNING,
    Outcome.GOV_DEMERIT,
    Outcome.GOV_MAJOR_DEMERIT,
    Outcome.GOV_DEMOTION,
    Outcome.GOV_DISMISSAL,
    Outcome.GOV_EXPULSION,
)

PARTY_SANCTIONS: frozenset[Outcome] = frozenset(PARTY_SANCTIONS_BY_SEVERITY)
GOV_SANCTIONS: frozenset[Outcome] = frozenset(GOV_SANCTIONS_BY_SEVERITY)
# DOMAIN.md §5: 停职检查, 调整职务, 责令辞职, 免职, 降职 — 诫勉 (Outcome.ADMONISH) is not one.
ORG_MEASURES: frozenset[Outcome] = frozenset(
    {
        Outcome.ORG_SUSPENSION,
        Outcome.ORG_REASSIGNMENT,
        Outcome.ORG_RESIGNATION,
        Outcome.ORG_REMOVAL,
        Outcome.ORG_DEMOTION,
    }
)
# 处分 proper: what has an effect period and execution clocks.
SANCTIONS: frozenset[Outcome] = PARTY_SANCTIONS | GOV_SANCTIONS

OUTCOMES_OF_KIND: dict[SanctionKind, frozenset[Outcome]] = {
    SanctionKind.PARTY: PARTY_SANCTIONS,
    SanctionKind.GOVERNMENT: GOV_SANCTIONS,
    SanctionKind.ORGANISATIONAL: ORG_MEASURES,
}

# First-form measures (DOMAIN.md §6 form 1) a case may end in instead of a sanction.
LIGHT_MEASURES: frozenset[Outcome] = frozenset(
    {Outcome.TALK_REMINDER, Outcome.CRITICISM, Outcome.ORDER_EXAMINE, Outcome.ADMONISH}
)


def sanction_kind(outcome: str) -> SanctionKind | None:
    """The family of ``outcome`` (DOMAIN.md §5), or None for anything that is not one."""
    outcome = Outcome(outcome)
    for kind, members in OUTCOMES_OF_KIND.items():
        if outcome in members:
            return kind
    return None


# -- effect periods (DOMAIN.md §5) ---------------------------------------------------------------

# Months each sanction stays in effect. 留党察看 is computed from its term (see below);
# 政务 开除 is permanent (None).
EFFECT_MONTHS: dict[Outcome, int | None] = {
    Outcome.PARTY_WARNING: 12,
    Outcome.PARTY_SERIOUS_WARNING: 18,
    Outcome.PARTY_POST_REMOVAL: 24,
    Outcome.PARTY_EXPULSION: 60,  # may not rejoin the Party for 5 years
    Outcome.GOV_WARNING: 6,
    Outcome.GOV_DEMERIT: 12,
    Outcome.GOV_MAJOR_DEMERIT: 18,
    Outcome.GOV_DEMOTION: 24,
    Outcome.GOV_DISMISSAL: 24,
    Outcome.GOV_EXPULSION: None,
}
PROBATION_TERMS_YEARS = (1, 2)  # 留党察看: one or two years, never more than two in all
PROBATION_EXTENSION_MONTHS = 12  # a one-year term may be extended once by one year
PROBATION_RESTRICTION_MONTHS = 24  # after the term: no equal or higher post for two years


@dataclass(frozen=True)
class EffectPeriod:
    """When a sanction is in effect (处分影响期), DOMAIN.md §5.

    ``starts_on`` is the day the decision takes effect (DOMAIN.md §4: the approving body's
    decision date); the sanction is in effect from that day on.

    ``ends_on`` is the **last day the sanction is in effect**, inclusive. Following
    ``period_end_months`` (民法典 第202条) it is the same-numbered day of the final month,
    or that month's last day when there is none; it never moves off a holiday
    (DOMAIN.md "Counting periods"). The day after ``ends_on`` the sanction is spent.
    ``None`` means permanent (政务 开除).

    For 留党察看 ``term_ends_on`` is the last day of the probation term (no vote, no
    election, cannot be elected), and ``ends_on`` is the last day of the 24 months of
    restriction that follow the term (``restriction_ends_on``). For 开除党籍 ``ends_on`` is
    the last day of the five years in which the person may not rejoin the Party.
    """

    outcome: Outcome
    starts_on: dt.date
    ends_on: dt.date | None
    term_ends_on: dt.date | None = None
    probation_years: int | None = None
    probation_extended: bool = False

    @property
    def is_permanent(self) -> bool:
        return self.ends_on is None

    @property
    def restriction_ends_on(self) -> dt.date | None:
        """留党察看 only: last day of the 24-month restriction after the term."""
        return self.ends_on if self.outcome == Outcome.PARTY_PROBATION else None


def _probation_period(
    starts_on: dt.date, probation_years: int | None, *, extended: bool
) -> EffectPeriod:
    if probation_years is None or probation_years not in PROBATION_TERMS_YEARS:
        raise ValidationError({"probation_years": "留党察看期限须为一年或二年"})
    if extended and probation_years != 1:
        raise ValidationError(
            {"probation_years": "只有一年期的留党察看可以延长一年，最长不超过二年"}
        )
    term_ends_on = period_end_months(starts_on, 12 * probation_years)
    if extended:
        # The extension continues the original term from its last day (第202条 again).
        term_ends_on = period_end_months(term_ends_on, PROBATION_EXTENSION_MONTHS)
    # The restriction is a new period triggered by the end of the term, so it counts from
    # the term's last day, not from the decision.
    ends_on = period_end_months(term_ends_on, PROBATION_RESTRICTION_MONTHS)
    return EffectPeriod(
        outcome=Outcome.PARTY_PROBATION,
        starts_on=starts_on,
        ends_on=ends_on,
        term_ends_on=term_ends_on,
        probation_years=probation_years,
        probation_extended=extended,
    )


def effect_period(
    outcome: str,
    effective_on: dt.date,
    *,
    probation_years: int | None = None,
    probation_extended: bool = False,
) -> EffectPeriod:
    """The effect period of a 党纪处分 or 政务处分 that takes effect on ``effective_on``.

    DOMAIN.md §5: Party 警告 12 months, 严重警告 18, 撤销党内职务 24, 留党察看 a term of
    ``probation_years`` (1 or 2; a 1-year term may be extended by 1 year,
    ``probation_extended``) then 24 months of restriction, 开除党籍 60 months before the
    person may rejoin; 政务 警告 6, 记过 12, 记大过 18, 降级 24, 撤职 24, 开除 permanent.
    Ends are computed with ``period_end_months`` and never move off holidays
    (DOMAIN.md "Counting periods"); see ``EffectPeriod`` for what ``ends_on`` means.

    Raises ``ValueError`` for an outcome that is not a sanction, or a probation term passed
    for another sanction (caller errors), and ``ValidationError`` on ``probation_years``
    for a bad 留党察看 term (input errors).
    """
    outcome = Outcome(outcome)
    if outcome == Outcome.PARTY_PROBATION:
        return _probation_period(effective_on, probation_years, extended=probation_extended)
    if outcome not in EFFECT_MONTHS:
        raise ValueError(f"{outcome!r} is not a sanction with an effect period")
    if probation_years is not None or probation_extended:
        raise ValueError("a probation term applies to 留党察看 only")
    months = EFFECT_MONTHS[outcome]
    return EffectPeriod(
        outcome=outcome,
        starts_on=effective_on,
        ends_on=None if months is None else period_end_months(effective_on, months),
    )


def extend_probation(period: EffectPeriod) -> EffectPeriod:
    """The period of a one-year 留党察看 after its term is extended by one year (DOMAIN.md §5)."""
    if period.outcome != Outcome.PARTY_PROBATION:
        raise ValueError("only 留党察看 can be extended")
    if period.probation_extended or period.probation_years != 1:
        raise ValidationError(
            {"probation_years": "只有一年期的留党察看可以延长一年，最长不超过二年"}
        )
    return _probation_period(period.starts_on, 1, extended=True)


def in_effect(period: EffectPeriod, on: dt.date) -> bool:
    """Whether the sanction is still within its effect period on ``on`` (both ends included).

    This is what an integrity opinion (廉洁意见, DOMAIN.md §7) asks; for 留党察看 it covers
    the term and the restriction after it.
    """
    if on < period.starts_on:
        return False
    return period.ends_on is None or on <= period.ends_on


def in_probation_term(period: EffectPeriod, on: dt.date) -> bool:
    """Whether ``on`` falls in a 留党察看 term: no right to vote, elect or be elected."""
    if period.term_ends_on is None:
        return False
    return period.starts_on <= on <= period.term_ends_on


# -- who may get what (DOMAIN.md §5) -------------------------------------------------------------

# 政务处分法 第二条: managers of village and community self-government organisations may
# only be given these (DOMAIN.md §5 "Village/community cadres").
VILLAGE_CADRE_GOV_SANCTIONS: frozenset[Outcome] = frozenset(
    {Outcome.GOV_WARNING, Outcome.GOV_DEMERIT, Outcome.GOV_MAJOR_DEMERIT}
)


def person_is_village_cadre(person: Person) -> bool:
    """A village/community cadre: 监察对象 category 5, 基层群众性自治组织管理人员 (DOMAIN.md §7)."""
    return person.category == PersonCategory.GRASSROOTS


def allowed_gov_sanctions(is_village_cadre: bool) -> frozenset[Outcome]:
    """The 政务处分 a person may be given (DOMAIN.md §5: village cadres 警告/记过/记大过 only)."""
    return VILLAGE_CADRE_GOV_SANCTIONS if is_village_cadre else GOV_SANCTIONS


def check_sanction_allowed(outcome: str, *, is_village_cadre: bool, is_party_member: bool) -> None:
    """Raise ``ValidationError({"outcome": …})`` if the person cannot be given ``outcome``.

    DOMAIN.md §5: a 党纪处分 only for a Party member; a village/community cadre only
    警告/记过/记大过 as 政务处分. Other outcomes (组织处理, first-form measures) pass.
    """
    outcome = Outcome(outcome)
    if outcome in PARTY_SANCTIONS and not is_party_member:
        raise ValidationError({"outcome": f"非中共党员不能给予党纪处分（{outcome.label}）"})
    if outcome in GOV_SANCTIONS and outcome not in allowed_gov_sanctions(is_village_cadre):
        message = f"村（社区）干部只能给予警告、记过、记大过政务处分，不能给予{outcome.label}"
        raise ValidationError({"outcome": message})


def check_sanction_for_person(outcome: str, *, person: Person) -> None:
    """``check_sanction_allowed`` with the flags read from a ``Person`` (DOMAIN.md §5)."""
    check_sanction_allowed(
        outcome,
        is_village_cadre=person_is_village_cadre(person),
        is_party_member=person.is_party_member,
    )


# -- approval powers by level (DOMAIN.md §4 "Powers by level") ----------------------------------


class Authority(models.TextChoices):
    """The bodies that approve (批准) a sanction or measure. Streets count as townships."""

    TOWNSHIP_COMMISSION = "township_commission", _("乡镇纪委")
    TOWNSHIP_PARTY_COMMITTEE = "township_party_committee", _("乡镇党委")
    # Sent by the county 监委; a township has no 监委, so this office only proposes.
    TOWNSHIP_SUPERVISION_OFFICE = "township_supervision_office", _("乡镇监察办公室")
    COUNTY_COMMISSION = "county_commission", _("县纪委常委会")
    COUNTY_SUPERVISION = "county_supervision", _("县监委")
    COUNTY_PARTY_COMMITTEE = "county_party_committee", _("县委")


TOWNSHIP_AUTHORITIES: frozenset[Authority] = frozenset(
    {
        Authority.TOWNSHIP_COMMISSION,
        Authority.TOWNSHIP_PARTY_COMMITTEE,
        Authority.TOWNSHIP_SUPERVISION_OFFICE,
    }
)

# What each body may approve in a simple case at its level, and what it may approve whatever
# the case. Reading of DOMAIN.md §4 (see ``required_authority``):
_TOWNSHIP_COMMISSION_PARTY = frozenset({Outcome.PARTY_WARNING, Outcome.PARTY_SERIOUS_WARNING})
_TOWNSHIP_COMMITTEE_PARTY = frozenset(PARTY_SANCTIONS_BY_SEVERITY[:4])  # up to 留党察看
_SIMPLE_ONLY: dict[Authority, frozenset[Outcome]] = {
    Authority.TOWNSHIP_COMMISSION: _TOWNSHIP_COMMISSION_PARTY | LIGHT_MEASURES,
    Authority.TOWNSHIP_PARTY_COMMITTEE: _TOWNSHIP_COMMITTEE_PARTY | LIGHT_MEASURES,
    Authority.TOWNSHIP_SUPERVISION_OFFICE: frozenset(),
    Authority.COUNTY_COMMISSION: frozenset(),
    Authority.COUNTY_SUPERVISION: frozenset(),
    Authority.COUNTY_PARTY_COMMITTEE: frozenset(),
}
_ANY_CASE: dict[Authority, frozenset[Outcome]] = {
    Authority.TOWNSHIP_COMMISSION: frozenset(),
    # 组织处理 follows who manages the cadre, not how complex the case is.
    Authority.TOWNSHIP_PARTY_COMMITTEE: ORG_MEASURES,
    Authority.TOWNSHIP_SUPERVISION_OFFICE: frozenset(),
    Authority.COUNTY_COMMISSION: PARTY_SANCTIONS | LIGHT_MEASURES,
    Authority.COUNTY_SUPERVISION: GOV_SANCTIONS | LIGHT_MEASURES | {Outcome.PROSECUTION},
    Authority.COUNTY_PARTY_COMMITTEE: PARTY_SANCTIONS | ORG_MEASURES | LIGHT_MEASURES,
}
DECIDABLE: frozenset[Outcome] = SANCTIONS | ORG_MEASURES | LIGHT_MEASURES | {Outcome.PROSECUTION}


def required_authority(outcome: str, *, body_is_township: bool, complex_case: bool) -> Authority:
    """The lowest body that may approve ``outcome`` for a case handled by this body.

    DOMAIN.md §4 "Powers by level", read as follows (streets as townships):

    - 党纪处分: in a simple township case the 乡镇纪委 approves 警告/严重警告 and the 乡镇党委
      撤销党内职务/留党察看; 开除党籍, every complex case and every case of a county body go
      to the 县纪委常委会 (the 县委 may also approve: it is above the commission).
    - 政务处分: always the 县监委. A township has no 监委; its 监察办公室 only proposes.
    - 组织处理: the Party committee (through its organisation department) that manages the
      cadre. ``body_is_township`` is read as "the cadre is managed by the township": the
      乡镇党委 for a township case, the 县委 otherwise; complexity does not change it. A
      commission only recommends 组织处理 (纪检监察建议), it never decides it.
    - First-form measures of a case (谈话提醒, 批评教育, 责令检查, 诫勉): the handling
      commission itself; a complex case goes to the county like every complex case.
    - 移送审查起诉: the 县监委 (监察法: only a 监委 transfers to the procuratorate).

    Raises ``ValueError`` for lead dispositions (予以了结, 暂存待查, …), which are no decision
    of a case.
    """
    outcome = Outcome(outcome)
    township_simple = body_is_township and not complex_case
    if outcome in PARTY_SANCTIONS:
        if township_simple and outcome in _TOWNSHIP_COMMISSION_PARTY:
            return Authority.TOWNSHIP_COMMISSION
        if township_simple and outcome in _TOWNSHIP_COMMITTEE_PARTY:
            return Authority.TOWNSHIP_PARTY_COMMITTEE
        return Authority.COUNTY_COMMISSION
    if outcome in GOV_SANCTIONS or outcome == Outcome.PROSECUTION:
        return Authority.COUNTY_SUPERVISION
    if outcome in ORG_MEASURES:
        if body_is_township:
            return Authority.TOWNSHIP_PARTY_COMMITTEE
        return Authority.COUNTY_PARTY_COMMITTEE
    if outcome in LIGHT_MEASURES:
        return Authority.TOWNSHIP_COMMISSION if township_simple else Authority.COUNTY_COMMISSION
    raise ValueError(f"{outcome!r} is not decided by approval of a case")


def may_decide(authority: str, outcome: str, *, complex_case: bool) -> bool:
    """Whether ``authority`` has the power to approve ``outcome`` (DOMAIN.md §4).

    Township bodies approve only in simple cases (except the 乡镇党委's 组织处理 of cadres it
    manages); county bodies in any case, each within its own family: the 县纪委常委会 and
    the 县委 党纪处分, the 县监委 政务处分 and 移送审查起诉, the 县委 组织处理. The township
    监察办公室 approves nothing. See ``required_authority`` for the full reading.
    """
    authority, outcome = Authority(authority), Outcome(outcome)
    if outcome in _ANY_CASE[authority]:
        return True
    return not complex_case and outcome in _SIMPLE_ONLY[authority]


def _who_decides(outcome: Outcome, *, at_county: bool, complex_case: bool) -> str:
    """The body (or bodies) to report ``outcome`` to, for a refusal message."""
    if outcome in GOV_SANCTIONS or outcome == Outcome.PROSECUTION:
        return "县监委"
    if outcome in ORG_MEASURES:
        return "管理该干部的党委（组织部门）"
    county_only = at_county or complex_case or outcome == Outcome.PARTY_EXPULSION
    if county_only:
        return "县纪委常委会"
    if outcome in _TOWNSHIP_COMMITTEE_PARTY - _TOWNSHIP_COMMISSION_PARTY:
        return "乡镇党委或县纪委常委会"
    return "乡镇纪委或县纪委常委会"


def check_power(outcome: str, *, authority: str, complex_case: bool) -> None:
    """Raise ``ValidationError({"outcome": …})`` when ``authority`` may not approve ``outcome``.

    DOMAIN.md §4 "Powers by level"; the message names who must approve instead, e.g.
    "乡镇纪委只能批准警告、严重警告处分，留党察看须报乡镇党委或县纪委常委会批准".
    """
    authority, outcome = Authority(authority), Outcome(outcome)
    if outcome not in DECIDABLE:
        raise ValueError(f"{outcome!r} is not decided by approval of a case")
    if may_decide(authority, outcome, complex_case=complex_case):
        return
    label = outcome.label
    at_county = authority not in TOWNSHIP_AUTHORITIES
    who = _who_decides(outcome, at_county=at_county, complex_case=complex_case)
    if authority == Authority.TOWNSHIP_SUPERVISION_OFFICE:
        message = f"乡镇监察办公室只能提出处置和政务处分建议，{label}须报{who}批准"
    elif authority in TOWNSHIP_AUTHORITIES and complex_case:
        message = f"复杂案件须报县级批准，{label}须报{who}批准"
    elif authority in TOWNSHIP_AUTHORITIES and outcome in GOV_SANCTIONS:
        message = f"乡镇没有政务处分批准权，{label}须由乡镇监察办公室提出建议，报县监委批准"
    elif authority == Authority.TOWNSHIP_COMMISSION and outcome in PARTY_SANCTIONS:
        message = f"乡镇纪委只能批准警告、严重警告处分，{label}须报{who}批准"
    elif authority == Authority.TOWNSHIP_PARTY_COMMITTEE and outcome in PARTY_SANCTIONS:
        message = f"乡镇党委最多只能批准留党察看处分，{label}须报{who}批准"
    elif outcome in ORG_MEASURES:
        message = f"{label}属于组织处理，纪检监察机关只能提出建议，须由{who}决定"
    else:
        message = f"{authority.label}无权批准{label}，须报{who}批准"
    raise ValidationError({"outcome": message})


# -- decision and execution clocks (DOMAIN.md §4) ------------------------------------------------

ANNOUNCE = "announce"  # announce the decision to the person and their Party organisation
POST_AND_PAY = "post_and_pay"  # change post and pay
POST_AND_PAY_LATEST = "post_and_pay_latest"  # … at the latest, with an approved reason
EXECUTION_REPORT = "execution_report"  # the unit reports how the decision was executed

ANNOUNCE_MONTHS = 1
POST_AND_PAY_MONTHS = 1
POST_AND_PAY_LATEST_MONTHS = 6
EXECUTION_REPORT_MONTHS = 6

# "撤销党内职务 or heavier": on the 政务 side the sanctions that change post or grade at once
# (降级, 撤职, 开除) — the third form, as 撤销党内职务 is (DOMAIN.md §6).
CHANGES_POST_AND_PAY: frozenset[Outcome] = frozenset(PARTY_SANCTIONS_BY_SEVERITY[2:]) | frozenset(
    GOV_SANCTIONS_BY_SEVERITY[3:]
)


def execution_clocks(
    outcome: str, decided_on: dt.date, *, calendar: WorkCalendar | None = None
) -> dict[str, Deadline]:
    """The deadlines that follow a sanction decided (and so in effect) on ``decided_on``.

    DOMAIN.md §4 "Decision and execution": announce within 1 month; for 撤销党内职务 or
    heavier (and 政务 降级/撤职/开除) change post and pay within 1 month, at the latest
    6 months with a reason; the unit reports execution within 6 months. Deadlines move off
    non-working days (民法典 第203条) and are provisional on a year the calendar does not
    hold (DESIGN.md §3). Pass one ``calendar`` to reuse it across many decisions.
    """
    outcome = Outcome(outcome)
    if outcome not in SANCTIONS:
        raise ValueError(f"{outcome!r} is not a sanction")
    cal = calendar or WorkCalendar()
    clocks = {ANNOUNCE: cal.deadline_months(decided_on, ANNOUNCE_MONTHS)}
    if outcome in CHANGES_POST_AND_PAY:
        clocks[POST_AND_PAY] = cal.deadline_months(decided_on, POST_AND_PAY_MONTHS)
        clocks[POST_AND_PAY_LATEST] = cal.deadline_months(decided_on, POST_AND_PAY_LATEST_MONTHS)
    clocks[EXECUTION_REPORT] = cal.deadline_months(decided_on, EXECUTION_REPORT_MONTHS)
    return clocks


def execution_deadlines(
    outcome: str, decided_on: dt.date, *, calendar: WorkCalendar | None = None
) -> dict[str, dt.date]:
    """``execution_clocks`` as plain dates (DOMAIN.md §4); use that for the provisional flag."""
    clocks = execution_clocks(outcome, decided_on, calendar=calendar)
    return {key: deadline.date for key, deadline in clocks.items()}
