"""How a case reads in its documents (DOMAIN.md §4, §5, §9): the person, the charge, the
team, the proposed handling, the sanctions by name, numbered sections, the body of a
纪检监察建议书, and the names the deciding bodies sign with.

Pure text from the case and its rows; ``case_docs`` puts it on the page. Bodies sign with
their full names: the township 纪委 as 中共东坝镇纪律检查委员会, its Party committee as
中共东坝镇委员会, and — a township having no 监委 (DOMAIN.md §1) — the 监察 side as the
county's 清河县监察委员会.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from qingfeng.approvals.chains import BODY_KINDS, TOWNSHIP_KINDS, UPPER_KINDS
from qingfeng.cases.models import (
    Case,
    CaseMeasure,
    CaseReview,
    MeasureStatus,
    ReviewStatus,
    Sanction,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import ORG_MEASURES, Authority, SanctionKind, sanction_kind
from qingfeng.documents.docx import chinese_date
from qingfeng.documents.form_rows import name_of, text_lines
from qingfeng.orgs.models import Org, OrgKind

PARTY_RULES = "《中国共产党纪律检查机关监督执纪工作规则》"
SUPERVISION_LAW = "《中华人民共和国监察法》"
# 政务处分 as the decision names them (政务处分法: 警告、记过、记大过、降级、撤职、开除).
GOV_PHRASES = {
    Outcome.GOV_WARNING: "政务警告",
    Outcome.GOV_DEMERIT: "政务记过",
    Outcome.GOV_MAJOR_DEMERIT: "政务记大过",
    Outcome.GOV_DEMOTION: "政务降级",
    Outcome.GOV_DISMISSAL: "政务撤职",
    Outcome.GOV_EXPULSION: "开除公职",
}
CHINESE_DIGITS = {1: "一", 2: "二"}
LIVE_MEASURES = (MeasureStatus.APPROVED, MeasureStatus.ENDED)


# -- the case in words ---------------------------------------------------------------------


def party_phrase(sanction: Sanction) -> str:
    outcome = Outcome(sanction.outcome)
    if outcome == Outcome.PARTY_PROBATION:
        years = sanction.probation_years or 1
        return f"留党察看{CHINESE_DIGITS.get(years, str(years))}年"
    return str(outcome.label)


def fact_lines(case: Case) -> list[str]:
    return text_lines(case.investigation_report) or text_lines(case.summary)


def evidence_text(case: Case) -> str:
    """The evidence behind the facts, and the 审理 that found them (DOMAIN.md §4)."""
    text = f"上述事实，有{case.org.name}审查调查中依法收集的证据材料证实"
    review = (
        CaseReview.objects.filter(case=case, status=ReviewStatus.DONE)
        .select_related("org")
        .order_by("-round")
        .first()
    )
    if review is None:
        return f"{text}。"
    text += f"，并经{full_name(review.org)}审理认定。"
    if review.talk_on is not None:
        text += (
            f"审理期间，审理人员于{chinese_date(review.talk_on)}与{case.subject_name}谈话，"
            "听取了其陈述和申辩。"
        )
    return text


def numbered_sections(parts: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """Numbered headings (一、二、…) over their paragraphs; empty sections are left out."""
    numerals = "一二三四五六七八九十"
    paragraphs: list[str] = []
    filled = [(heading, lines) for heading, lines in parts if lines]
    for numeral, (heading, lines) in zip(numerals, filled, strict=False):
        paragraphs.append(f"{numeral}、{heading}")
        paragraphs.extend(lines)
    return paragraphs


def proposal_text(case: Case, outcomes: Sequence[str]) -> str:
    """The proposed handling: "建议给予李建国党内警告处分、政务记过处分。"."""
    given: list[str] = []
    for code in outcomes:
        outcome = Outcome(code)
        family = sanction_kind(outcome)
        if outcome == Outcome.PROSECUTION:
            continue
        if family == SanctionKind.PARTY:
            given.append(f"{outcome.label}处分")
        elif family == SanctionKind.GOVERNMENT:
            given.append(f"{GOV_PHRASES[outcome]}处分")
        elif outcome in ORG_MEASURES:
            given.append(f"{outcome.label}处理")
        else:
            given.append(str(outcome.label))
    parts = [f"给予{case.subject_name}{'、'.join(given)}"] if given else []
    if Outcome.PROSECUTION in outcomes:
        parts.append(f"将{case.subject_name}涉嫌犯罪问题移送检察机关依法审查起诉")
    return f"建议{'，'.join(parts)}。" if parts else ""


def measure_lines(case: Case) -> list[str]:
    measures = CaseMeasure.objects.filter(case=case, status__in=LIVE_MEASURES).order_by(
        "starts_on", "id"
    )
    lines = []
    for m in measures:
        line = f"{m.get_kind_display()}：{m.target}，自{chinese_date(m.starts_on)}起"
        if m.ends_on is not None:
            line += f"至{chinese_date(m.ends_on)}"
        lines.append(f"{line}{'（已解除）' if m.status == MeasureStatus.ENDED else ''}。")
    return lines or ["审查调查期间未采取需报批的审查调查措施。"]


def team_text(case: Case) -> str:
    """The team: "审查调查组组长何干事，成员孙书记、周干事" (empty before it is set)."""
    leader = case.leader
    members = [name_of(u) for u in case.team.order_by("full_name", "pk") if u != leader]
    if leader is None:
        return f"审查调查组成员{'、'.join(members)}" if members else ""
    return f"审查调查组组长{name_of(leader)}" + (f"，成员{'、'.join(members)}" if members else "")


def basics(case: Case) -> list[str]:
    """Sex and birth month from the person record when linked, then 中共党员 or 群众."""
    parts = []
    person = case.person
    if person is not None:
        parts += [
            str(person.get_gender_display()),
            f"{person.birth_date.year}年{person.birth_date.month}月生",
        ]
    parts.append("中共党员" if case.is_party_member else "群众")
    return parts


def person_line(case: Case) -> str:
    """The person in one sentence: "李建国，男，1970年1月生，中共党员，李庄村民委员会村党支部
    书记。"."""
    parts = [case.subject_name, *basics(case)]
    if unit_post(case):
        parts.append(unit_post(case))
    return "，".join(parts) + "。"


def unit_post(case: Case) -> str:
    return f"{case.subject_unit}{case.subject_post}"


def who(case: Case) -> str:
    return f"{unit_post(case)}{case.subject_name}"


def charge(case: Case) -> str:
    """违纪 (Party), 职务违法 (监察) or 违纪违法 (both)."""
    if case.party_case and case.supervision_case:
        return "违纪违法"
    return "职务违法" if case.supervision_case else "违纪"


def filing_text(case: Case) -> str:
    if case.party_case and case.supervision_case:
        return "立案审查调查"
    return "立案调查" if case.supervision_case else "立案审查"


def filing_kinds(case: Case) -> str:
    kinds = [
        k
        for k, on in (("党纪立案审查", case.party_case), ("监察立案调查", case.supervision_case))
        if on
    ]
    return "、".join(kinds) + ("（复杂案件）" if case.complex_case else "")


def rules_text(case: Case) -> str:
    rules = [
        r
        for r, on in ((PARTY_RULES, case.party_case), (SUPERVISION_LAW, case.supervision_case))
        if on
    ]
    return "".join(rules) or PARTY_RULES


def sanction_name(sanction: Sanction) -> str:
    """A sanction as a decision names it: 党内严重警告处分, 政务记过处分, 免职."""
    outcome = Outcome(sanction.outcome)
    family = sanction_kind(outcome)
    if family == SanctionKind.PARTY:
        return f"{party_phrase(sanction)}处分"
    if family == SanctionKind.GOVERNMENT:
        return f"{GOV_PHRASES[outcome]}处分"
    return str(outcome.label)


def sanction_line(case: Case, sanction: Sanction) -> str:
    """One decision and what became of it, for the 结案报告: the sanction, who decided it
    when, its document (for 组织处理 the 纪检监察建议书 that recommended it), announcement,
    execution and the end of its effect period."""
    family = sanction_kind(sanction.outcome)
    line = f"{sanction_name(sanction)}：{authority_body(sanction.authority, case)}"
    line += f"于{chinese_date(sanction.decided_on)}决定" if sanction.decided_on else "决定"
    if sanction.document is not None:
        kind = "依纪检监察建议书" if family == SanctionKind.ORGANISATIONAL else ""
        line += f"（{kind}{sanction.document.number}）"
    if sanction.announced_on is not None:
        line += f"，{chinese_date(sanction.announced_on)}宣布"
    if sanction.executed_on is not None:
        line += f"，{chinese_date(sanction.executed_on)}报告执行情况"
        if sanction.execution_note.strip():
            line += f"（{sanction.execution_note.strip()}）"
    if sanction.effect_ends_on is not None:
        period = "处分期" if family == SanctionKind.GOVERNMENT else "影响期"
        line += f"，{period}至{chinese_date(sanction.effect_ends_on)}"
    return f"{line}。"


def reply_lines(case: Case) -> list[str]:
    """The reply to the 纪检监察建议书, for the 结案报告 (none before it is recorded)."""
    if case.recommendation_replied_on is None:
        return []
    reply = case.recommendation_reply.strip()
    return [
        f"纪检监察建议书回复：{chinese_date(case.recommendation_replied_on)}收到书面回复，{reply}"
    ]


# -- the 纪检监察建议书 (DOMAIN.md §5, §9) ----------------------------------------------------

# What the Party committee is asked to do for each 组织处理; ``{post}`` is the person's post.
ORG_MEASURE_DETAILS: dict[Outcome, str] = {
    Outcome.ORG_SUSPENSION: "停止其履行{post}职务，作出检查",
    Outcome.ORG_REASSIGNMENT: "调整其{post}职务",
    Outcome.ORG_RESIGNATION: "责令其辞去{post}职务",
    Outcome.ORG_REMOVAL: "免去其{post}职务",
    Outcome.ORG_DEMOTION: "降低其职务层次",
}
REPLY_REQUEST = "请于收到本建议书之日起一个月内将采纳落实情况书面回复我委（办）"


def recommending_body(case: Case) -> str:
    """Who signs a 纪检监察建议书: the commission of the body handling the case; on a case
    filed on the 监察 side only, that side — the county 监委, or a township's 监察办公室 (a
    township has no 监委 of its own, DOMAIN.md §1)."""
    if case.party_case:
        return commission(case.org)
    body = body_of(case.org)
    if body.kind in TOWNSHIP_KINDS:
        return f"{area(body)}监察办公室"
    return supervision(case.org)


def org_measure_line(case: Case, outcome: str) -> str:
    """ "建议对李建国同志予以免职（免去其村党支部书记职务）"."""
    measure = Outcome(outcome)
    post = case.subject_post.strip() or "现任"
    detail = ORG_MEASURE_DETAILS[measure].format(post=post)
    return f"建议对{case.subject_name}同志予以{measure.label}（{detail}）。"


def recommendation_paragraphs(
    case: Case,
    *,
    decided: Sequence[Sanction],
    measures: Sequence[str],
    further: str,
    approved_by: str,
    collective: bool,
    due: dt.date,
) -> list[str]:
    """The body of a 纪检监察建议书 recommending 组织处理 (DOMAIN.md §5, §9): the case, the
    person, the facts and evidence, the sanctions decided with it (``decided``, each with
    its decision's number), one recommendation per 组织处理 (``measures``), the further
    recommendations (``further``, one a line) and the request to reply within one month,
    by ``due``. Only the case's own words: no reporter reaches the page (DOMAIN.md §2)."""
    name = f"{case.subject_name}{'同志' if case.is_party_member else ''}"
    opening = (
        f"{chinese_date(case.filed_on)}，经批准，{case.org.name}对{who(case)}涉嫌{charge(case)}"
        f"问题{filing_text(case)}（案件编号：{case.number}）。现将有关情况通报如下。"
    )
    paragraphs = [opening, person_line(case), f"经查，{name}存在以下问题：", *fact_lines(case)]
    paragraphs.append(evidence_text(case))
    given = []
    for sanction in decided:
        number = f"（{sanction.document.number}）" if sanction.document is not None else ""
        day = f"{chinese_date(sanction.decided_on)}，" if sanction.decided_on else ""
        given.append(
            f"{day}{authority_body(sanction.authority, case)}决定给予{name}"
            f"{sanction_name(sanction)}{number}"
        )
    if given:
        paragraphs.append(f"{'；'.join(given)}。")
    studied = f"经{case.org.name}集体研究" if collective else f"经{case.org.name}研究"
    consent = f"，报{approved_by}同意" if approved_by else ""
    paragraphs.append(f"根据{rules_text(case)}有关规定，{studied}{consent}，现提出如下建议：")
    items = [org_measure_line(case, code) for code in measures]
    items += [line if line[-1] in "。；！？" else f"{line}。" for line in text_lines(further)]
    numerals = "一二三四五六七八九十"
    for i, item in enumerate(items):
        prefix = f"{numerals[i]}、" if i < len(numerals) else f"{i + 1}."
        paragraphs.append(f"{prefix}{item}")
    paragraphs.append(f"{REPLY_REQUEST}，回复期限至{chinese_date(due)}。")
    return paragraphs


# -- the names bodies sign with (DOMAIN.md §1, §4) -----------------------------------------

_BODY_SUFFIXES = ("纪委监委", "纪工委", "纪委", "监委")


def area(org: Org) -> str:
    """The place a body is named after: 清河县纪委监委 → 清河县, 东坝镇纪委 → 东坝镇."""
    name = org.name.strip()
    for suffix in _BODY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def body_of(org: Org) -> Org:
    """The commission body of ``org``: itself, or the body a department belongs to."""
    node = org
    while node.kind not in BODY_KINDS and node.parent is not None:
        node = node.parent
    return node


def county_of(org: Org) -> Org:
    """The county (or higher) body at or above ``org``: where the 监委 sits."""
    node = body_of(org)
    while node.kind not in UPPER_KINDS and node.parent is not None:
        node = node.parent
    return node


def commission(org: Org) -> str:
    body = body_of(org)
    if body.kind == OrgKind.STREET:
        return f"中共{area(body)}纪律检查工作委员会"
    return f"中共{area(body)}纪律检查委员会"


def party_committee(org: Org) -> str:
    body = body_of(org)
    if body.kind == OrgKind.STREET:
        return f"中共{area(body)}工作委员会"
    return f"中共{area(body)}委员会"


def supervision(org: Org) -> str:
    return f"{area(county_of(org))}监察委员会"


def upper_supervision(org: Org) -> str:
    parent = county_of(org).parent
    if parent is not None and parent.kind in UPPER_KINDS:
        return supervision(parent)
    return "上一级监察机关"


def authority_body(authority: str, case: Case) -> str:
    """The body that approved a sanction, by its full name (DOMAIN.md §4 "Powers by level")."""
    match Authority(authority):
        case Authority.TOWNSHIP_COMMISSION:
            return commission(case.org)
        case Authority.TOWNSHIP_PARTY_COMMITTEE:
            return party_committee(case.org)
        case Authority.TOWNSHIP_SUPERVISION_OFFICE:
            return f"{area(body_of(case.org))}监察办公室"
        case Authority.COUNTY_COMMISSION:
            return commission(county_of(case.org))
        case Authority.COUNTY_SUPERVISION:
            return supervision(case.org)
        case Authority.COUNTY_PARTY_COMMITTEE:
            return party_committee(county_of(case.org))
    raise ValueError(authority)


def full_name(org: Org) -> str:
    """A department with its body: 清河县纪委监委案件审理室; a body by its own name."""
    if org.kind in BODY_KINDS or org.parent is None:
        return org.name
    return f"{body_of(org).name}{org.name}"
