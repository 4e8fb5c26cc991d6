"""The documents of a case (DOMAIN.md §4, §5, §9), issued inside the step's transaction.

立案审查调查呈批报告, 立案决定书, 立案通知书, 指定管辖决定书, 审查调查报告, 案件移送审理登记表,
审理报告, 处分决定书 / 政务处分决定书, 纪检监察建议书 and 结案报告: each is numbered per body,
series and year (``services.issue_numbered``, under the prefix of the body handling the
case), stored with its case (``Document.case``; ``org`` is ``case.org``) and audited. The case
services call these after their own checks, inside their transaction, so the number, the
file, the row and the audit entry commit or roll back with the step.

Decisions carry the name of the body that decides (DOMAIN.md §4): the 纪委's 立案审查 and the
监委's 立案调查 are two decisions (a township has no 监委: its 监察 side is the county 监委's),
and a sanction is decided by the body holding the power for it (``Sanction.authority``).
组织处理 is the Party committee's: the commission only recommends it, by a 纪检监察建议书
addressed to the unit that decides (DOMAIN.md §5).
What they print comes from the case and its approvals only, never from a report behind the
lead, so no reporter's identity or words reach a document (DOMAIN.md §2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qingfeng.approvals.chains import TOWNSHIP_KINDS
from qingfeng.approvals.models import Approval, ApprovalStatus, ApprovalStep, Matter, StepState
from qingfeng.cases import case_clocks
from qingfeng.cases.case_selectors import may_handle_case, may_review_case
from qingfeng.cases.models import (
    Case,
    CaseClock,
    CaseClockKind,
    CaseReview,
    ReviewStatus,
    Sanction,
    SanctionStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import (
    ORG_MEASURES,
    TOWNSHIP_AUTHORITIES,
    SanctionKind,
    effect_period,
    sanction_kind,
)
from qingfeng.documents import case_text as text
from qingfeng.documents import decision_text
from qingfeng.documents.docx import (
    FormRow,
    OfficialDocument,
    OfficialForm,
    build_docx,
    build_form_docx,
    chinese_date,
)
from qingfeng.documents.form_rows import (
    NOT_GIVEN,
    OPINION_LINES,
    approval_rows,
    form_text,
    lead_source,
    meeting_rows,
    meeting_text,
    name_of,
    require_approved,
    signed_lines,
    text_lines,
)
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.documents.services import issue_numbered
from qingfeng.orgs.models import Org

# 文号代字 per kind, after the body's prefix: 东坝纪立通〔2026〕1号, 清河纪政处〔2026〕3号.
SERIES = {
    DocumentKind.CASE_FILING_REPORT: "立呈",
    DocumentKind.CASE_NOTICE: "立通",
    DocumentKind.JURISDICTION_DECISION: "指管",
    DocumentKind.INVESTIGATION_REPORT: "审调",
    DocumentKind.REVIEW_REGISTER: "移审",
    DocumentKind.REVIEW_REPORT: "审理",
    DocumentKind.PARTY_SANCTION_DECISION: "党处",
    DocumentKind.GOV_SANCTION_DECISION: "政处",
    DocumentKind.CLOSING_REPORT: "结案",
    DocumentKind.RECOMMENDATION: "建议",
}
# 立案决定书: the 纪委's 立案审查 and the 监委's 立案调查 are numbered apart.
PARTY_FILING_SERIES = "立审"
SUPERVISION_FILING_SERIES = "立调"
FILING_MATTERS = (
    Matter.CASE_FILING_PARTY,
    Matter.CASE_FILING_SUPERVISION,
    Matter.CASE_FILING_JOINT,
)


# -- 立案 -----------------------------------------------------------------------------------


def issue_filing_documents(*, approval: Approval, case: Case, actor: Any) -> list[Document]:
    """立案审查调查呈批报告 (the collective decision and every signature), the 立案决定书 —
    the 纪委's 立案审查 and, for a 监察对象, the 监委's 立案调查, two decisions when both are
    filed — and the 立案通知书 to the person's unit and Party organisation (DOMAIN.md §4:
    approved by the commission head and the same-level Party committee head, announced to
    the person and notified to their Party committee)."""
    if (
        approval.matter not in FILING_MATTERS
        or approval.lead_id != case.lead_id
        or approval.case_id not in (None, case.pk)
    ):
        raise ValidationError({"approval": "不是本案的立案审查调查呈批"})
    require_approved(approval, "立案审查调查呈批报告")
    if not (case.party_case or case.supervision_case):
        raise ValidationError({"party_case": "请选择党纪立案审查或者监察立案调查"})
    _check_actor(actor, case, approval)
    proposal = approval.proposal.strip()
    if proposal == case.summary.strip():
        # The 呈批's own words are the summary already printed above: say what it asks.
        asked = f"{text.charge(case)}问题{text.filing_text(case)}"
        proposal = f"建议对{text.who(case)}涉嫌{asked}。"
    rows = [
        FormRow("案件编号", case.number),
        FormRow("线索编号", case.lead.number),
        FormRow("线索来源", lead_source(case.lead)),
        FormRow("被审查调查人", case.subject_name),
        FormRow("基本情况", "，".join(text.basics(case)) or NOT_GIVEN),
        FormRow("单位职务", text.unit_post(case) or NOT_GIVEN),
        FormRow("立案类别", text.filing_kinds(case)),
        FormRow("主要问题及立案依据", case.summary, min_lines=OPINION_LINES),
        FormRow("承办部门", text.full_name(case.handling_dept or case.org)),
        *meeting_rows(approval),
        *approval_rows(approval, proposal=proposal),
    ]
    documents = [
        _issue_form(
            case=case,
            actor=actor,
            kind=DocumentKind.CASE_FILING_REPORT,
            rows=rows,
            approval=approval,
        )
    ]
    if case.party_case:
        documents.append(_party_filing_decision(approval=approval, case=case, actor=actor))
    if case.supervision_case:
        documents.append(_supervision_filing_decision(approval=approval, case=case, actor=actor))
    documents.append(_filing_notice(approval=approval, case=case, actor=actor))
    return documents


def _party_filing_decision(*, approval: Approval, case: Case, actor: Any) -> Document:
    body = text.commission(case.org)
    consent = ""
    if _signed_by_role(approval, "party_secretary"):
        consent = f"并报经{text.party_committee(case.org)}主要负责人批准，"
    paragraphs = [
        f"根据{text.PARTY_RULES}有关规定，经研究，{consent}"
        f"决定对{text.who(case)}同志涉嫌违纪问题立案审查。",
        "特此决定。",
    ]
    return _issue_text(
        case=case,
        actor=actor,
        kind=DocumentKind.CASE_DECISION,
        series=PARTY_FILING_SERIES,
        title="立案决定书",
        heading=body,
        paragraphs=paragraphs,
        issuer=body,
        date=case.filed_on,
        about=f"纪委立案审查，呈批 {approval.number}",
    )


def _supervision_filing_decision(*, approval: Approval, case: Case, actor: Any) -> Document:
    # A township has no 监委 (DOMAIN.md §1): its cases' 立案调查 is the county 监委's.
    body = text.supervision(case.org)
    paragraphs = [
        f"根据{text.SUPERVISION_LAW}有关规定，经研究，"
        f"决定对{text.who(case)}涉嫌职务违法问题立案调查。",
    ]
    if case.org.kind in TOWNSHIP_KINDS:
        paragraphs.append(f"本案由{case.org.name}具体承办。")
    paragraphs.append("特此决定。")
    return _issue_text(
        case=case,
        actor=actor,
        kind=DocumentKind.CASE_DECISION,
        series=SUPERVISION_FILING_SERIES,
        title="立案决定书",
        heading=body,
        paragraphs=paragraphs,
        issuer=body,
        date=case.filed_on,
        about=f"监委立案调查，呈批 {approval.number}",
    )


def _filing_notice(*, approval: Approval, case: Case, actor: Any) -> Document:
    unit = case.subject_unit.strip()
    whom = f"你单位{case.subject_post}{case.subject_name}" if unit else text.who(case)
    comrade = "同志" if case.is_party_member else ""
    organisation = f"{case.subject_name}{comrade}所在党组织" if case.is_party_member else ""
    helpers = f"你单位及{organisation}" if unit and organisation else (organisation or "你单位")
    paragraphs = [
        f"经研究，决定对{whom}{comrade}涉嫌{text.charge(case)}问题{text.filing_text(case)}。",
        f"请{helpers}支持配合审查调查工作，严格遵守保密纪律，不得泄露审查调查工作情况。",
        "特此通知。",
    ]
    return _issue_text(
        case=case,
        actor=actor,
        kind=DocumentKind.CASE_NOTICE,
        title="立案通知书",
        addressee=unit or f"{case.subject_name}{comrade}所在单位",
        paragraphs=paragraphs,
        issuer=case.org.name,
        date=case.filed_on,
        about=f"呈批 {approval.number}",
    )


def issue_jurisdiction_decision(*, approval: Approval, case: Case, actor: Any) -> Document:
    """指定管辖决定书: the deciding body assigns the case to another body (DOMAIN.md §4:
    提级办理, 指定管辖 and 交叉办理 are legal routes), addressed to that body.

    The body assigned is ``approval.payload["to_org"]`` when the case has not moved yet,
    else the body now handling it; it must differ from the body that filed the case.
    """
    if approval.case_id != case.pk:
        raise ValidationError({"approval": "不是本案的呈批"})
    require_approved(approval, "指定管辖决定书")
    target = case.org
    if approval.payload.get("to_org"):
        target = Org.objects.get(pk=approval.payload["to_org"])
    source = case.home_org
    if target.pk == source.pk:
        raise ValidationError({"org": "指定管辖须将案件指定给原管辖机关以外的机关"})
    _check_actor(actor, case, approval)
    deciding = approval.org.name
    paragraphs = [
        f"根据{text.rules_text(case)}有关规定，经研究，决定将{source.name}管辖的{text.who(case)}"
        f"涉嫌{text.charge(case)}问题案件（案件编号：{case.number}）指定由你委管辖。",
        "请你委接到本决定后，依规依纪依法开展审查调查工作，严格执行回避和保密规定，"
        f"重要情况及时向{deciding}报告。{source.name}应当及时移交案件材料。",
        "特此决定。",
    ]
    return _issue_text(
        case=case,
        actor=actor,
        kind=DocumentKind.JURISDICTION_DECISION,
        title="指定管辖决定书",
        heading=deciding,
        addressee=target.name,
        paragraphs=paragraphs,
        issuer=deciding,
        about=f"指定{target.name}管辖，呈批 {approval.number}",
    )


# -- 审查调查 and 审理 ----------------------------------------------------------------------


def issue_investigation_report(*, approval: Approval, case: Case, actor: Any) -> Document:
    """审查调查报告: the filing, the facts found, the measures taken, the proposed handling
    and the signatures so far (DOMAIN.md §4: the report is approved, then the case goes to
    审理). Issued when submitted or once approved; not for an approval ended without
    effect."""
    if approval.matter != Matter.INVESTIGATION_REPORT or approval.case_id != case.pk:
        raise ValidationError({"approval": "不是本案的审查调查报告呈批"})
    _require_live(approval)
    if not case.investigation_report.strip():
        raise ValidationError({"report_text": "请先填写审查调查报告"})
    _check_actor(actor, case, approval)
    outcomes = approval.payload.get("outcomes") or case.proposed_outcomes
    team = text.team_text(case)
    opening = (
        f"{chinese_date(case.filed_on)}，经批准，{case.org.name}对{text.who(case)}涉嫌"
        f"{text.charge(case)}问题{text.filing_text(case)}（案件编号：{case.number}）。"
    )
    if team:
        opening += f"{team}。"
    if case.extended_months:
        opening += f"经批准，审查调查期限延长{case.extended_months}个月。"
    sections = [
        ("被审查调查人基本情况", [text.person_line(case)]),
        ("立案依据", text_lines(case.summary)),
        ("审查调查认定的事实", text_lines(case.investigation_report)),
        ("采取审查调查措施情况", text.measure_lines(case)),
        ("处理建议", [_transfer_proposal(case, outcomes)]),
        ("审批情况", signed_lines(approval)),
    ]
    return _issue_text(
        case=case,
        actor=actor,
        kind=DocumentKind.INVESTIGATION_REPORT,
        title=f"关于{case.subject_name}涉嫌{text.charge(case)}问题的审查调查报告",
        paragraphs=[f"{opening}现将审查调查情况报告如下。", *text.numbered_sections(sections)],
        issuer="审查调查组",
        author=case.org.name,
        about=f"呈批 {approval.number}",
    )


def _transfer_proposal(case: Case, outcomes: Sequence[str]) -> str:
    proposal = text.proposal_text(case, outcomes).rstrip("。")
    return f"{proposal}，移送审理。" if proposal else "建议移送审理。"


def issue_review_register(*, case: Case, review: CaseReview, actor: Any) -> Document:
    """案件移送审理登记表: the case as sent to 审理, with the round, the 审理 body and its
    time limit (DOMAIN.md §4: 1 month from 受理, extendable; 乡案县审 sends township cases
    to the county 审理室)."""
    if review.case_id != case.pk:
        raise ValidationError({"review": "不是本案的审理"})
    if not (
        may_handle_case(actor, case)
        or may_review_case(actor, case)
        or ApprovalStep.objects.filter(
            approval__case=case,
            approval__matter=Matter.INVESTIGATION_REPORT,
            approval__status=ApprovalStatus.APPROVED,
            signer=actor,
        ).exists()
    ):
        raise PermissionDenied("没有办理该案件的权限")
    round_text = f"第{review.round}次"
    previous = CaseReview.objects.filter(case=case, round=review.round - 1).first()
    if previous is not None and previous.return_reason.strip():
        round_text += f"（前次审理退回补充证据：{previous.return_reason.strip()}）"
    clock = (
        CaseClock.objects.filter(
            case=case, kind=CaseClockKind.REVIEW, starts_on__gte=review.received_on
        )
        .order_by("-starts_on", "-id")
        .first()
    )
    reviewers = [name_of(u) for u in review.reviewers.order_by("full_name", "pk")]
    rows = [
        FormRow("案件编号", case.number),
        FormRow("被审查调查人", case.subject_name),
        FormRow("基本情况", "，".join(text.basics(case)) or NOT_GIVEN),
        FormRow("单位职务", text.unit_post(case) or NOT_GIVEN),
        FormRow("立案类别", text.filing_kinds(case)),
        FormRow("立案日期", chinese_date(case.filed_on)),
        FormRow("办案机关", text.full_name(case.handling_dept or case.org)),
        FormRow("审查调查组", text.team_text(case) or NOT_GIVEN),
        FormRow("涉嫌问题", case.summary, min_lines=OPINION_LINES),
        FormRow("审查调查建议", text.proposal_text(case, case.proposed_outcomes) or NOT_GIVEN),
        FormRow("移送审理日期", chinese_date(case.transferred_on or review.received_on)),
        FormRow("审理机关", text.full_name(review.org)),
        FormRow("受理日期", chinese_date(review.received_on)),
        FormRow("审理次数", round_text),
        FormRow("审理期限", f"{chinese_date(clock.due_on)}前" if clock else NOT_GIVEN),
        FormRow("审理人员", "、".join(reviewers) or NOT_GIVEN),
        FormRow("登记人", name_of(actor)),
    ]
    return _issue_form(case=case, actor=actor, kind=DocumentKind.REVIEW_REGISTER, rows=rows)


def issue_review_report(*, approval: Approval, review: CaseReview, actor: Any) -> Document:
    """审理报告: the facts as investigated, the talk with the person, the reviewers'
    opinion, the collective deliberation and the proposed handling (DOMAIN.md §4: at least
    two reviewers, collective deliberation, a talk with the person)."""
    if (
        approval.matter != Matter.REVIEW_REPORT
        or approval.case_id != review.case_id
        or approval.payload.get("review", review.pk) != review.pk
    ):
        raise ValidationError({"approval": "不是本次审理的审理报告呈批"})
    _require_live(approval)
    if not review.report_text.strip():
        raise ValidationError({"report_text": "请先填写审理报告"})
    case = _case(review.case_id)
    _check_actor(actor, case, approval, reviewing=True)
    reviewers = [name_of(u) for u in review.reviewers.order_by("full_name", "pk")]
    body = text.full_name(review.org)
    opening = (
        f"{chinese_date(review.received_on)}，{body}受理{case.org.name}移送的{text.who(case)}"
        f"涉嫌{text.charge(case)}问题案件（案件编号：{case.number}）。"
    )
    if review.round > 1:
        opening += f"本案系第{review.round}次审理。"
    if reviewers:
        opening += f"审理人员：{'、'.join(reviewers)}。"
    talk: list[str] = []
    if review.talk_on is not None:
        talk = [
            f"{chinese_date(review.talk_on)}，审理人员与{case.subject_name}进行了谈话，"
            "核对违纪违法事实，听取其陈述和申辩。",
            *text_lines(review.talk_record),
        ]
    meeting = review.meeting or approval.meeting
    outcomes = review.proposed_outcomes or approval.payload.get("outcomes") or []
    sections = [
        ("被审查调查人基本情况", [text.person_line(case)]),
        ("审查调查认定的事实", text_lines(case.investigation_report or case.summary)),
        ("审理谈话情况", talk),
        ("审理意见", text_lines(review.report_text)),
        ("集体审议情况", text_lines(meeting_text(meeting)) if meeting else []),
        ("处理意见", [text.proposal_text(case, outcomes)]),
        ("审批情况", signed_lines(approval)),
    ]
    return _issue_text(
        case=case,
        actor=actor,
        kind=DocumentKind.REVIEW_REPORT,
        title=f"关于{case.subject_name}涉嫌{text.charge(case)}问题的审理报告",
        paragraphs=[f"{opening}经审理，现将审理情况报告如下。", *text.numbered_sections(sections)],
        issuer=body,
        author=case.org.name,
        about=f"第{review.round}次审理，呈批 {approval.number}",
    )


# -- 处分决定 -------------------------------------------------------------------------------


def issue_sanction_decision(
    *, approval: Approval, sanction: Sanction, actor: Any
) -> Document | None:
    """处分决定书 for a 党纪处分, 政务处分决定书 for a 政务处分; None for 组织处理 and
    first-form measures, which have no decision of the commission's own (DOMAIN.md §5).

    DOMAIN.md §4: a 政务处分决定书 goes into the personnel file and states the person, the
    facts and evidence, the sanction and its basis, how and by when to appeal (复审 within
    1 month of receipt, then 复核; the sanction stays in force meanwhile), the issuing body
    and date. The sanction takes effect on the approving body's decision date
    (``decided_on``); its effect period is ``sanctions.effect_period``.
    """
    if approval.matter != Matter.SANCTION_DECISION or approval.case_id != sanction.case_id:
        raise ValidationError({"approval": "不是本案的处分（处理）决定呈批"})
    require_approved(approval, "处分决定书")
    outcomes = approval.payload.get("outcomes")
    if sanction.status == SanctionStatus.VOID or (
        outcomes is not None and sanction.outcome not in outcomes
    ):
        raise ValidationError({"sanction": "该处分（处理）不在本次批准的决定之中"})
    family = sanction_kind(sanction.outcome)
    if family is None or family == SanctionKind.ORGANISATIONAL:
        return None
    case = _case(sanction.case_id)
    _check_actor(actor, case, approval)
    decided_on = sanction.decided_on or _decided_on(approval)
    period = effect_period(sanction.outcome, decided_on, probation_years=sanction.probation_years)
    body = text.authority_body(sanction.authority, case)
    if family == SanctionKind.GOVERNMENT:
        title = "政务处分决定书"
        paragraphs = decision_text.gov_decision(case, sanction, approval, period, body)
        kind = DocumentKind.GOV_SANCTION_DECISION
    else:
        phrase = text.party_phrase(sanction)
        comrade = "" if sanction.outcome == Outcome.PARTY_EXPULSION else "同志"
        title = f"关于给予{case.subject_name}{comrade}{phrase}处分的决定"
        paragraphs = decision_text.party_decision(case, sanction, approval, period, body)
        kind = DocumentKind.PARTY_SANCTION_DECISION
    return _issue_text(
        case=case,
        actor=actor,
        kind=kind,
        title=title,
        heading=body,
        paragraphs=paragraphs,
        issuer=body,
        date=decided_on,
        about=f"{Outcome(sanction.outcome).label}，呈批 {approval.number}",
        number_org=_deciding_org(case, sanction),
    )


def issue_recommendation(
    *, approval: Approval, case: Case, sanctions: Sequence[Sanction], actor: Any
) -> Document:
    """纪检监察建议书 recommending the 组织处理 (``sanctions``) of an approved decision to the
    unit named in the 呈批 (``payload["recommend_to"]``, its 主送): a commission never decides
    停职检查, 调整职务, 责令辞职, 免职 or 降职, it recommends them (DOMAIN.md §5, §9; see
    ``sanctions.required_authority``).

    States the case, the person, the facts and evidence, the sanctions decided with it, one
    recommendation per 组织处理, the further recommendations of the 呈批
    (``payload["recommend_text"]``) and asks for a written reply within one month of
    receipt, printing the day the RECOMMENDATION_REPLY clock falls due
    (``case_clocks.deadline_of``; DOMAIN.md is silent on the number: one month, as for the
    announcement of §4). Numbered in the series "建议" of the deciding body, dated the day of
    the decision.
    """
    if approval.matter != Matter.SANCTION_DECISION or approval.case_id != case.pk:
        raise ValidationError({"approval": "不是本案的处分（处理）决定呈批"})
    require_approved(approval, "纪检监察建议书")
    outcomes = approval.payload.get("outcomes") or []
    measures = [s for s in sanctions if s.outcome in ORG_MEASURES]
    if not measures or len(measures) != len(sanctions):
        raise ValidationError({"sanctions": "纪检监察建议书只载明本次决定中的组织处理"})
    for sanction in measures:
        if (
            sanction.case_id != case.pk
            or sanction.status == SanctionStatus.VOID
            or sanction.outcome not in outcomes
        ):
            raise ValidationError({"sanction": "该组织处理不在本次批准的决定之中"})
    recommend_to = str(approval.payload.get("recommend_to") or "").strip()
    if not recommend_to:
        raise ValidationError({"recommend_to": "拟给予组织处理的，请填写纪检监察建议书主送单位"})
    _check_actor(actor, case, approval)
    decided_on = measures[0].decided_on or _decided_on(approval)
    decided = (
        Sanction.objects.filter(case=case, decided_on=decided_on, outcome__in=outcomes)
        .exclude(status=SanctionStatus.VOID)
        .exclude(outcome__in=ORG_MEASURES)
        .select_related("document")
        .order_by("pk")
    )
    party = measures[0].authority
    approved_by = (
        text.authority_body(party, case) if _signed_by_role(approval, "party_secretary") else ""
    )
    due = case_clocks.deadline_of(CaseClockKind.RECOMMENDATION_REPLY, decided_on).date
    body = text.recommending_body(case)
    paragraphs = text.recommendation_paragraphs(
        case,
        decided=list(decided),
        measures=[s.outcome for s in measures],
        further=str(approval.payload.get("recommend_text") or ""),
        approved_by=approved_by,
        collective=approval.meeting_id is not None,
        due=due,
    )
    labels = "、".join(str(Outcome(s.outcome).label) for s in measures)
    return _issue_text(
        case=case,
        actor=actor,
        kind=DocumentKind.RECOMMENDATION,
        title=f"关于对{case.subject_name}同志予以组织处理的纪检监察建议书",
        heading=body,
        addressee=recommend_to,
        paragraphs=paragraphs,
        issuer=body,
        date=decided_on,
        about=f"建议{labels}，主送{recommend_to}，呈批 {approval.number}",
        number_org=_deciding_org(case, measures[0]),
    )


def _deciding_org(case: Case, sanction: Sanction) -> Org:
    """The body in whose series a decision is numbered: the county for a township case the
    county decides (DOMAIN.md §4 "Powers by level", §9 numbers per issuing body)."""
    if sanction.authority in TOWNSHIP_AUTHORITIES or case.org.kind not in TOWNSHIP_KINDS:
        return case.org
    return case.org.parent or case.org


# -- 结案 -----------------------------------------------------------------------------------


def issue_closing_report(*, case: Case, actor: Any, summary: str = "") -> Document:
    """结案报告 once every decision is executed: the filing, the facts, each round of 审理,
    each decision with its document, announcement, execution and effect period, and the
    closing opinion (DOMAIN.md §4: decision announced within 1 month, execution reported
    within 6 months)."""
    if case.closed_on is None:
        raise ValidationError({"closed_on": "案件尚未结案"})
    _check_actor(actor, case)
    opening = (
        f"{chinese_date(case.filed_on)}，经批准，{case.org.name}对{text.who(case)}涉嫌"
        f"{text.charge(case)}问题{text.filing_text(case)}（案件编号：{case.number}）。"
    )
    if case.transferred_on is not None:
        opening += f"{chinese_date(case.transferred_on)}，本案移送审理。"
    reviews = [
        f"第{r.round}次审理：{chinese_date(r.received_on)}由{text.full_name(r.org)}受理，"
        + (
            f"因{r.return_reason.strip()}退回补充证据。"
            if r.status == ReviewStatus.RETURNED
            else f"{r.get_status_display()}。"
        )
        for r in CaseReview.objects.filter(case=case).select_related("org").order_by("round")
    ]
    sanctions = [
        text.sanction_line(case, s)
        for s in Sanction.objects.filter(case=case)
        .exclude(status=SanctionStatus.VOID)
        .select_related("document")
        .order_by("pk")
    ]
    closing = text_lines(summary) or ["经研究，本案予以结案。"]
    sections = [
        ("被审查调查人基本情况", [text.person_line(case)]),
        ("审查调查认定的主要问题", text.fact_lines(case)),
        ("审理情况", reviews),
        ("处理和执行情况", [*sanctions, *text.reply_lines(case)] or ["本案未给予处分或者处理。"]),
        ("结案意见", closing),
    ]
    return _issue_text(
        case=case,
        actor=actor,
        kind=DocumentKind.CLOSING_REPORT,
        title=f"关于{case.subject_name}涉嫌{text.charge(case)}问题案件的结案报告",
        paragraphs=[f"{opening}现该案已办理完毕，报告如下。", *text.numbered_sections(sections)],
        issuer=case.org.name,
        date=case.closed_on,
        about="结案",
    )


# -- shared --------------------------------------------------------------------------------


def _check_actor(
    actor: Any, case: Case, approval: Approval | None = None, *, reviewing: bool = False
) -> None:
    """The actor handles the case (or reviews it), or signed the approval the document
    records."""
    if may_handle_case(actor, case):
        return
    if reviewing and may_review_case(actor, case):
        return
    if (
        approval is not None
        and ApprovalStep.objects.filter(approval=approval, signer=actor).exists()
    ):
        return
    raise PermissionDenied("没有办理该案件的权限")


def _require_live(approval: Approval) -> None:
    if approval.status not in (ApprovalStatus.PENDING, ApprovalStatus.APPROVED):
        raise ValidationError({"approval": f"该呈批{approval.get_status_display()}"})


def _case(pk: int) -> Case:
    return Case.objects.select_related("org", "home_org", "person", "lead", "leader").get(pk=pk)


def _decided_on(approval: Approval) -> dt.date:
    if approval.decided_at is not None:
        return timezone.localdate(approval.decided_at)
    return timezone.localdate()


def _signed_by_role(approval: Approval, role: str) -> bool:
    return ApprovalStep.objects.filter(
        approval=approval, role=role, state=StepState.APPROVED
    ).exists()


def _issue(
    *,
    case: Case,
    actor: Any,
    kind: DocumentKind,
    series: str,
    title: str,
    render: Callable[[str], bytes],
    body_text: str,
    about: str,
    number_org: Org | None = None,
) -> Document:
    """Issue in the series of ``number_org`` (the body that decides; default the body
    handling the case), tied to the case."""
    with transaction.atomic():
        document = issue_numbered(
            org=number_org or case.org,
            kind=kind,
            series=series,
            title=title,
            issued_on=timezone.localdate(),
            render=render,
            body_text=body_text,
            actor=actor,
            about=f"案件 {case.number}" + (f"，{about}" if about else ""),
            case=case,
        )
    return document


def _issue_form(
    *,
    case: Case,
    actor: Any,
    kind: DocumentKind,
    rows: Sequence[FormRow],
    approval: Approval | None = None,
) -> Document:
    org = case.org
    title = str(kind.label)
    today = timezone.localdate()

    def render(number: str) -> bytes:
        return build_form_docx(
            OfficialForm(
                title_lines=(org.name, title),
                number=number,
                rows=rows,
                issuer=org.name,
                date=today,
            )
        )

    return _issue(
        case=case,
        actor=actor,
        kind=kind,
        series=SERIES[kind],
        title=title,
        render=render,
        body_text=form_text(rows),
        about=f"呈批 {approval.number}" if approval else "",
    )


def _issue_text(
    *,
    case: Case,
    actor: Any,
    kind: DocumentKind,
    title: str,
    paragraphs: Sequence[str],
    issuer: str,
    about: str,
    series: str = "",
    heading: str = "",
    addressee: str = "",
    date: dt.date | None = None,
    author: str = "",
    number_org: Org | None = None,
) -> Document:
    """A text document: the heading (the deciding body, else the body handling the case),
    the title, the number, 主送, the body and the 落款."""
    day = date or timezone.localdate()
    title_lines = (heading or case.org.name, title)

    def render(number: str) -> bytes:
        return build_docx(
            OfficialDocument(
                title_lines=title_lines,
                number=number,
                addressee=addressee,
                paragraphs=paragraphs,
                issuer=issuer,
                date=day,
                author=author or issuer,
            )
        )

    head = [f"{addressee}："] if addressee else []
    return _issue(
        case=case,
        actor=actor,
        kind=kind,
        series=series or SERIES[kind],
        title=title,
        render=render,
        body_text="\n".join([*head, *paragraphs, issuer, chinese_date(day)]),
        about=about,
        number_org=number_org,
    )
