"""The text of a 处分决定书 and a 政务处分决定书 (DOMAIN.md §4–§5): who decided, the facts,
the sanction and its basis, its effect period and what it bars, how to appeal.

``case_docs.issue_sanction_decision`` lays these paragraphs out as a GB/T 9704 document.
"""

from __future__ import annotations

from qingfeng.approvals.chains import TOWNSHIP_KINDS
from qingfeng.approvals.models import Approval
from qingfeng.cases.models import Case, Sanction
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import EFFECT_MONTHS, Authority, EffectPeriod
from qingfeng.documents import case_text as text
from qingfeng.documents.docx import chinese_date

SANCTION_LAW = "《中华人民共和国公职人员政务处分法》"
DISCIPLINE_RULES = "《中国共产党纪律处分条例》"
RIGHTS_RULES = "《中国共产党党员权利保障条例》"
# DOMAIN.md §4: 复审 is applied for within 1 month of receiving the decision, 复核 within
# 1 month of the 复审 decision; the sanction stays in force meanwhile.
APPEAL_TEXT = "一个月内"
YEARS_TEXT = {12: "一年", 18: "一年半", 24: "二年", 60: "五年"}


def gov_decision(
    case: Case, sanction: Sanction, approval: Approval, period: EffectPeriod, body: str
) -> list[str]:
    name = case.subject_name
    outcome = Outcome(sanction.outcome)
    phrase = text.GOV_PHRASES[outcome]
    paragraphs = [
        text.person_line(case),
        f"经查，{name}存在以下问题：",
        *text.fact_lines(case),
        text.evidence_text(case),
        f"{name}的上述行为构成职务违法。依据{SANCTION_LAW}有关规定，"
        f"{decided_by(case, sanction, approval, body)}，决定给予{name}{phrase}处分。",
        f"本决定自作出之日（{chinese_date(period.starts_on)}）起生效。",
    ]
    months = EFFECT_MONTHS[outcome]
    if period.ends_on is not None and months is not None:
        paragraphs.append(
            f"政务处分期间为{months}个月，自{chinese_date(period.starts_on)}起"
            f"至{chinese_date(period.ends_on)}止。"
        )
    else:
        paragraphs.append(f"{name}自本决定生效之日起，解除与所在单位的人事关系或者劳动关系。")
    paragraphs += [
        f"{name}如对本决定不服，可以自收到本决定书之日起{APPEAL_TEXT}，向{body}申请复审；"
        f"对复审决定仍不服的，可以自收到复审决定之日起{APPEAL_TEXT}，"
        f"向{text.upper_supervision(case.org)}申请复核。复审、复核期间，不停止本决定的执行。",
        f"本决定书存入{name}本人档案。",
    ]
    return paragraphs


def party_decision(
    case: Case, sanction: Sanction, approval: Approval, period: EffectPeriod, body: str
) -> list[str]:
    outcome = Outcome(sanction.outcome)
    comrade = "" if outcome == Outcome.PARTY_EXPULSION else "同志"
    name = f"{case.subject_name}{comrade}"
    phrase = text.party_phrase(sanction)
    return [
        text.person_line(case),
        f"经查，{name}存在以下问题：",
        *text.fact_lines(case),
        text.evidence_text(case),
        f"{name}身为中共党员，其上述行为违反了党的纪律，构成违纪。依据{DISCIPLINE_RULES}"
        f"有关规定，{decided_by(case, sanction, approval, body)}，"
        f"决定给予{name}{phrase}处分。",
        f"本决定自作出之日（{chinese_date(period.starts_on)}）起生效。{party_effect(name, period)}",
        f"{name}如对本处分决定不服，可以依照{RIGHTS_RULES}的规定，向{body}或者上级党组织提出申诉。",
        f"本决定书存入{name}本人档案。",
    ]


def party_effect(name: str, period: EffectPeriod) -> str:
    """What the sanction bars and until when (DOMAIN.md §5; 纪律处分条例)."""
    outcome, start, end = period.outcome, chinese_date(period.starts_on), period.ends_on
    assert end is not None  # only 政务 开除 is permanent
    months = EFFECT_MONTHS.get(outcome)
    span = f"{YEARS_TEXT.get(months or 0, f'{months}个月')}内（{start}至{chinese_date(end)}）"
    equal_posts = "不得在党内担任和向党外组织推荐担任与其原任职务相当或者高于其原任职务的职务。"
    if outcome in (Outcome.PARTY_WARNING, Outcome.PARTY_SERIOUS_WARNING):
        return (
            f"{name}受处分后{span}，不得在党内提拔职务或者进一步使用，"
            "也不得向党外组织推荐担任高于其原任职务的党外职务。"
        )
    if outcome == Outcome.PARTY_POST_REMOVAL:
        return f"{name}受处分后{span}，{equal_posts}"
    if outcome == Outcome.PARTY_PROBATION:
        assert period.term_ends_on is not None
        return (
            f"留党察看期间（{start}至{chinese_date(period.term_ends_on)}），{name}没有表决权、"
            f"选举权和被选举权；恢复党员权利后二年内（至{chinese_date(end)}），{equal_posts}"
        )
    return f"{name}{span}不得重新入党。"


def decided_by(case: Case, sanction: Sanction, approval: Approval, body: str) -> str:
    """Who decided: "经中共东坝镇纪律检查委员会2026年5月6日研究" when a commission at the
    case's own level decides; "经东坝镇纪委集体研究提出处理意见，报清河县监察委员会批准"
    when a body above it, or a Party committee, does (DOMAIN.md §4 "Powers by level")."""
    meeting = approval.meeting
    township_case = case.org.kind in TOWNSHIP_KINDS
    own_level = township_case == (
        Authority(sanction.authority)
        in (Authority.TOWNSHIP_COMMISSION, Authority.TOWNSHIP_PARTY_COMMITTEE)
    )
    if own_level and authority_is_commission(sanction.authority):
        held = chinese_date(meeting.held_on) if meeting else ""
        return f"经{body}{held}研究"
    proposer = "集体研究提出处理意见" if meeting else "提出处理意见"
    return f"经{case.org.name}{proposer}，报{body}批准"


def authority_is_commission(authority: str) -> bool:
    return Authority(authority) in (
        Authority.TOWNSHIP_COMMISSION,
        Authority.COUNTY_COMMISSION,
        Authority.COUNTY_SUPERVISION,
    )
