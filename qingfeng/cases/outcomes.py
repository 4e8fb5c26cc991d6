"""Every outcome a lead or case can end in, and its form (四种形态) — in one table.

DOMAIN.md §6: the four forms are counted in 人次. Each outcome maps to exactly one form
(or to none: a lead closed with no problem found is not a form). ``FORM_OF`` is the only
place that mapping lives; statistics and the case file read it from here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    # 谈话函询 and 初步核实 (DOMAIN.md §3)
    ENQUIRY_CLOSED = "enquiry_closed", _("采信了结")
    TALK_REMINDER = "talk_reminder", _("谈话提醒")
    CRITICISM = "criticism", _("批评教育")
    ORDER_EXAMINE = "order_examine", _("责令检查")
    ADMONISH = "admonish", _("诫勉")
    FURTHER_ENQUIRY = "further_enquiry", _("再次谈话函询")
    TO_VERIFICATION = "to_verification", _("转初步核实")
    PROPOSE_CASE = "propose_case", _("拟立案")
    CLOSED = "closed", _("予以了结")
    ON_HOLD = "on_hold", _("暂存待查")
    TRANSFER = "transfer", _("移送有关机关")
    # 党纪处分 (DOMAIN.md §5)
    PARTY_WARNING = "party_warning", _("党内警告")
    PARTY_SERIOUS_WARNING = "party_serious_warning", _("党内严重警告")
    PARTY_POST_REMOVAL = "party_post_removal", _("撤销党内职务")
    PARTY_PROBATION = "party_probation", _("留党察看")
    PARTY_EXPULSION = "party_expulsion", _("开除党籍")
    # 政务处分
    GOV_WARNING = "gov_warning", _("政务警告")
    GOV_DEMERIT = "gov_demerit", _("记过")
    GOV_MAJOR_DEMERIT = "gov_major_demerit", _("记大过")
    GOV_DEMOTION = "gov_demotion", _("降级")
    GOV_DISMISSAL = "gov_dismissal", _("撤职")
    GOV_EXPULSION = "gov_expulsion", _("开除")
    # 组织处理 (诫勉 is not 组织处理)
    ORG_SUSPENSION = "org_suspension", _("停职检查")
    ORG_REASSIGNMENT = "org_reassignment", _("调整职务")
    ORG_RESIGNATION = "org_resignation", _("责令辞职")
    ORG_REMOVAL = "org_removal", _("免职")
    ORG_DEMOTION = "org_demotion", _("降职")
    # 第四种形态
    PROSECUTION = "prosecution", _("涉嫌犯罪移送审查起诉")


# DOMAIN.md §6. None: not one of the four forms (no finding, or not yet an outcome).
FORM_OF: dict[Outcome, int | None] = {
    Outcome.ENQUIRY_CLOSED: 1,  # 函询 closed as such
    Outcome.TALK_REMINDER: 1,
    Outcome.CRITICISM: 1,
    Outcome.ORDER_EXAMINE: 1,
    Outcome.ADMONISH: 1,
    Outcome.FURTHER_ENQUIRY: None,
    Outcome.TO_VERIFICATION: None,
    Outcome.PROPOSE_CASE: None,
    Outcome.CLOSED: None,
    Outcome.ON_HOLD: None,
    Outcome.TRANSFER: None,
    Outcome.PARTY_WARNING: 2,
    Outcome.PARTY_SERIOUS_WARNING: 2,
    Outcome.PARTY_POST_REMOVAL: 3,
    Outcome.PARTY_PROBATION: 3,
    Outcome.PARTY_EXPULSION: 3,
    Outcome.GOV_WARNING: 2,
    Outcome.GOV_DEMERIT: 2,
    Outcome.GOV_MAJOR_DEMERIT: 2,
    Outcome.GOV_DEMOTION: 3,
    Outcome.GOV_DISMISSAL: 3,
    Outcome.GOV_EXPULSION: 3,
    Outcome.ORG_SUSPENSION: 2,
    Outcome.ORG_REASSIGNMENT: 2,
    Outcome.ORG_RESIGNATION: 2,
    Outcome.ORG_REMOVAL: 2,
    Outcome.ORG_DEMOTION: 3,
    Outcome.PROSECUTION: 4,
}

FORM_LABELS = {1: "第一种形态", 2: "第二种形态", 3: "第三种形态", 4: "第四种形态"}

# The outcomes a 谈话函询 report may propose (DOMAIN.md §3).
ENQUIRY_OUTCOMES = (
    Outcome.ENQUIRY_CLOSED,
    Outcome.TALK_REMINDER,
    Outcome.CRITICISM,
    Outcome.ORDER_EXAMINE,
    Outcome.ADMONISH,
    Outcome.FURTHER_ENQUIRY,
    Outcome.TO_VERIFICATION,
)
# The outcomes a 初步核实 report may propose (DOMAIN.md §3).
VERIFICATION_OUTCOMES = (
    Outcome.PROPOSE_CASE,
    Outcome.CLOSED,
    Outcome.TALK_REMINDER,
    Outcome.ON_HOLD,
    Outcome.TRANSFER,
)


def form_of(outcome: str) -> int | None:
    return FORM_OF[Outcome(outcome)]


def form_of_person(outcomes: Iterable[str]) -> int | None:
    """The form one person is counted in for one matter: the heaviest of its outcomes.

    DOMAIN.md §6 counts 人次: a Party sanction and a 政务处分 of the same person in the same
    case are one 人次, in the heavier form.
    """
    forms = [f for f in (form_of(o) for o in outcomes) if f is not None]
    return max(forms) if forms else None
