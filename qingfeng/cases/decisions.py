"""Decision and execution of a case (DOMAIN.md §4–§5): who approves which sanction,
effect periods, announcement within 1 month, execution reported within 6 months, 结案.

组织处理 (停职检查, 调整职务, 责令辞职, 免职, 降职) is never the commission's decision: the
decision recommends it by one 纪检监察建议书 to the unit named in the 呈批 (DOMAIN.md §5, §9),
whose written reply is awaited within 1 month and recorded before 结案
(``record_recommendation_reply``).

The decision 呈批 is approved by the body that holds the power for every outcome in it
(``sanctions.required_authority``), not by a configurable chain: a township 纪委 approves
警告/严重警告 only, heavier Party sanctions go to the township Party committee or the
county, 政务处分 always to the county 监委 (``authority_steps``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.chains import StepSpec
from qingfeng.approvals.models import Approval, Matter, Relation
from qingfeng.cases import case_clocks
from qingfeng.cases.case_services import (
    case_id_of,
    case_state,
    clean_outcomes,
    is_township,
    lock_case,
    move,
    past_date,
)
from qingfeng.cases.case_workflow import CaseAction
from qingfeng.cases.models import Case, CaseClockKind, CaseStatus, Sanction, SanctionStatus
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import (
    EXECUTION_REPORT,
    ORG_MEASURES,
    POST_AND_PAY,
    SANCTIONS,
    Authority,
    check_power,
    effect_period,
    execution_clocks,
    required_authority,
    sanction_kind,
)
from qingfeng.cases.services import TEXT_MAX, text_field
from qingfeng.core.validation import clean_text
from qingfeng.documents import case_docs
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.workdays.clock import WorkCalendar

_T_SECRETARY = StepSpec("township_secretary", Relation.SELF, "乡镇纪委书记")
_T_PARTY = StepSpec("party_secretary", Relation.SELF, "乡镇党委书记")
_C_COMMISSION_FROM_TOWNSHIP = StepSpec(
    "county_leader", Relation.PARENT, "县纪委常委会（主要负责人）"
)
_C_SUPERVISION_FROM_TOWNSHIP = StepSpec("county_leader", Relation.PARENT, "县监委（主要负责人）")
_C_COMMISSION = StepSpec("county_leader", Relation.SELF, "纪委常委会（主要负责人）")
_C_SUPERVISION = StepSpec("county_leader", Relation.SELF, "监委（主要负责人）")
_C_PARTY = StepSpec("party_secretary", Relation.SELF, "同级党委主要负责人")

# Who signs for each approving body (DOMAIN.md §4 "Powers by level"): a township case starts
# with its own 纪委书记 and goes up; the last step is the body that holds the power.
_TOWNSHIP_STEPS: dict[Authority, tuple[StepSpec, ...]] = {
    Authority.TOWNSHIP_COMMISSION: (_T_SECRETARY,),
    Authority.TOWNSHIP_PARTY_COMMITTEE: (_T_SECRETARY, _T_PARTY),
    Authority.COUNTY_COMMISSION: (_T_SECRETARY, _C_COMMISSION_FROM_TOWNSHIP),
    Authority.COUNTY_SUPERVISION: (_T_SECRETARY, _C_SUPERVISION_FROM_TOWNSHIP),
}
_COUNTY_STEPS: dict[Authority, tuple[StepSpec, ...]] = {
    Authority.COUNTY_COMMISSION: (_C_COMMISSION,),
    Authority.COUNTY_SUPERVISION: (_C_SUPERVISION,),
    Authority.COUNTY_PARTY_COMMITTEE: (_C_COMMISSION, _C_PARTY),
}
# Order of signature when a decision holds outcomes of several bodies: lower bodies first.
_RANK: dict[tuple[str, str], int] = {
    ("township_secretary", Relation.SELF): 0,
    ("party_secretary", Relation.SELF): 1,
    ("county_leader", Relation.PARENT): 2,
    ("county_leader", Relation.SELF): 0,
}


def authority_steps(authorities: Sequence[str], *, township: bool) -> list[StepSpec]:
    """The chain that approves a decision needing each of ``authorities``: every body's own
    signer once, lower bodies first."""
    table = _TOWNSHIP_STEPS if township else _COUNTY_STEPS
    steps: list[StepSpec] = []
    for authority in authorities:
        for spec in table[Authority(authority)]:
            if all((s.role, s.relation) != (spec.role, spec.relation) for s in steps):
                steps.append(spec)
    steps.sort(key=lambda s: _RANK[(s.role, s.relation)])
    return steps


RECOMMEND_TO_MAX = 100
RECOMMEND_TO_REQUIRED = "拟给予组织处理的，请填写纪检监察建议书主送单位"


def clean_recommendation(
    chosen: Sequence[str], recommend_to: str, recommend_text: str
) -> tuple[str, str]:
    """主送单位 and further recommendations of the 纪检监察建议书: required (the unit) when the
    decision holds 组织处理, which the commission only recommends (DOMAIN.md §5, §9);
    dropped otherwise."""
    if not any(code in ORG_MEASURES for code in chosen):
        return "", ""
    if not (recommend_to or "").strip():
        raise ValidationError({"recommend_to": RECOMMEND_TO_REQUIRED})
    recommend_to = text_field(recommend_to, "recommend_to", "主送单位", limit=RECOMMEND_TO_MAX)
    if any(ch in recommend_to for ch in "\n\t"):
        raise ValidationError({"recommend_to": "主送单位请填写在一行内"})
    recommend_text = clean_text(
        recommend_text,
        field_name="recommend_text",
        label="其他建议",
        max_length=TEXT_MAX,
        required=False,
        min_length=4,
    )
    return recommend_to, recommend_text


def decision_state(case: Case) -> dict[str, Any]:
    return {
        "case": case_state(case),
        "sanctions": [
            [s.pk, s.outcome, s.authority, s.probation_years]
            for s in case.sanctions.filter(status=SanctionStatus.PROPOSED).order_by("pk")
        ],
    }


def propose_decision(
    *,
    case: Case,
    actor: Any,
    outcomes: Sequence[str],
    probation_years: int | None,
    meeting: approvals.MeetingInput,
    recommend_to: str = "",
    recommend_text: str = "",
    request: HttpRequest | None = None,
) -> Approval:
    """处分（处理）决定 after 审理, decided collectively and approved by the body holding the
    power for each outcome (DOMAIN.md §4–§5; village cadres 警告/记过/记大过 only).

    With 组织处理 among the outcomes the 呈批 names the unit its 纪检监察建议书 goes to
    (``recommend_to``, e.g. 中共东坝镇委员会) and may add further recommendations
    (``recommend_text``, e.g. 以案促改): the commission recommends 组织处理, it never decides
    it (DOMAIN.md §5, §9). Both are in the approval's payload, so its digest binds them.
    """
    with transaction.atomic():
        case = lock_case(case, CaseAction.PROPOSE_DECISION, actor)
        chosen = clean_outcomes(
            outcomes,
            case=case,
            field="outcomes",
        )
        if Outcome.PARTY_PROBATION in chosen:
            if probation_years not in (1, 2):
                raise ValidationError({"probation_years": "留党察看期限须为一年或二年"})
        else:
            probation_years = None
        recommend_to, recommend_text = clean_recommendation(chosen, recommend_to, recommend_text)
        township = is_township(case.org)
        authorities: list[str] = []
        rows: list[Sanction] = []
        for code in chosen:
            authority = required_authority(
                code, body_is_township=township, complex_case=case.complex_case
            )
            check_power(code, authority=authority, complex_case=case.complex_case)
            if township and authority == Authority.TOWNSHIP_SUPERVISION_OFFICE:
                authority = Authority.COUNTY_SUPERVISION
            authorities.append(authority)
            kind = sanction_kind(code)
            rows.append(
                Sanction(
                    case=case,
                    outcome=code,
                    kind=kind.value if kind else "measure",
                    authority=authority,
                    probation_years=probation_years if code == Outcome.PARTY_PROBATION else None,
                )
            )
        case.sanctions.filter(status=SanctionStatus.PROPOSED).update(status=SanctionStatus.VOID)
        Sanction.objects.bulk_create(rows)
        labels = "、".join(str(Outcome(c).label) for c in chosen)
        proposal = f"经审理，拟给予{case.subject_name}{labels}。"
        if recommend_to:
            measures = "、".join(str(Outcome(c).label) for c in chosen if c in ORG_MEASURES)
            proposal += f"{measures}属于组织处理，拟以纪检监察建议书建议{recommend_to}办理。"
            if recommend_text:
                proposal += f"\n其他建议：{recommend_text}"
        approval = approvals.submit(
            org=case.org,
            matter=Matter.SANCTION_DECISION,
            title=f"关于给予{case.subject_name}{labels}的呈批",
            proposal=proposal,
            payload={
                "outcomes": chosen,
                "probation_years": probation_years,
                "recommend_to": recommend_to,
                "recommend_text": recommend_text,
            },
            state=decision_state(case),
            actor=actor,
            case=case,
            meeting=meeting,
            steps=authority_steps(authorities, township=township),
            request=request,
        )
        move(case, CaseAction.PROPOSE_DECISION, actor, f"拟给予{labels}（{approval.number}）")
    return approval


def _lock_case_of(approval: Approval) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("org", "lead", "handling_dept")
        .get(pk=case_id_of(approval))
    )


def _decision_approved(approval: Approval, case: Case, actor: Any) -> None:
    """Sanctions take effect on the date of the approving body's decision (DOMAIN.md §4);
    their effect periods (§5) and the announcement / execution clocks start that day.

    组织处理 gets one 纪检监察建议书 to the unit named in the 呈批, which becomes the document
    of each of them, and the clock of its reply: 1 month from the decision (DOMAIN.md is
    silent on the number; one month, as for the announcement of §4)."""
    today = timezone.localdate()
    calendar = WorkCalendar()
    due: dict[str, dt.date] = {}
    measures: list[Sanction] = []
    for sanction in case.sanctions.filter(status=SanctionStatus.PROPOSED).order_by("pk"):
        sanction.status = SanctionStatus.DECIDED
        sanction.decided_on = today
        if Outcome(sanction.outcome) in SANCTIONS:
            period = effect_period(
                sanction.outcome, today, probation_years=sanction.probation_years
            )
            sanction.effect_ends_on = period.ends_on
            sanction.term_ends_on = period.term_ends_on
            if sanction.probation_years:
                case_clocks.start_clock(
                    case=case,
                    kind=CaseClockKind.PROBATION,
                    starts_on=today,
                    months=12 * sanction.probation_years,
                    calendar=calendar,
                )
            for key, deadline in execution_clocks(
                sanction.outcome, today, calendar=calendar
            ).items():
                due[key] = deadline.date
        sanction.document = case_docs.issue_sanction_decision(
            approval=approval, sanction=sanction, actor=actor
        )
        sanction.save(
            update_fields=["status", "decided_on", "effect_ends_on", "term_ends_on", "document"]
        )
        if Outcome(sanction.outcome) in ORG_MEASURES:
            measures.append(sanction)
    if measures:
        document = case_docs.issue_recommendation(
            approval=approval, case=case, sanctions=measures, actor=actor
        )
        Sanction.objects.filter(pk__in=[s.pk for s in measures]).update(document=document)
        case_clocks.start_clock(
            case=case, kind=CaseClockKind.RECOMMENDATION_REPLY, starts_on=today, calendar=calendar
        )
    kinds = [CaseClockKind.ANNOUNCE]  # every decision is announced within 1 month
    if POST_AND_PAY in due:
        kinds.append(CaseClockKind.POST_AND_PAY)
    if EXECUTION_REPORT in due or not due:
        kinds.append(CaseClockKind.EXECUTION_REPORT)
    for kind in kinds:
        case_clocks.start_clock(case=case, kind=kind, starts_on=today, calendar=calendar)
    move(case, CaseAction.DECISION_APPROVED, actor, f"决定生效（{approval.number}）")


def _decision_ended(approval: Approval, case: Case, actor: Any) -> None:
    case.sanctions.filter(status=SanctionStatus.PROPOSED).update(status=SanctionStatus.VOID)
    if case.status == CaseStatus.DECISION_PENDING:
        move(
            case,
            CaseAction.DECISION_RETURNED,
            actor,
            f"{approval.get_status_display()}：{approval.number}",
        )


def record_announcement(
    *,
    case: Case,
    actor: Any,
    announced_on: dt.date | None,
    request: HttpRequest | None = None,
) -> Case:
    """The decision announced to the person and their Party organisation (DOMAIN.md §4:
    within 1 month); meets the announcement clock."""
    with transaction.atomic():
        case = lock_case(case, CaseAction.ANNOUNCE, actor)
        decided = case.sanctions.filter(status=SanctionStatus.DECIDED)
        first = decided.order_by("decided_on").values_list("decided_on", flat=True).first()
        announced_on = past_date(announced_on, "announced_on", "宣布日期", not_before=first)
        decided.update(status=SanctionStatus.ANNOUNCED, announced_on=announced_on)
        case_clocks.meet_clock(case=case, kind=CaseClockKind.ANNOUNCE)
        move(case, CaseAction.ANNOUNCE, actor, f"{announced_on:%Y-%m-%d}宣布")
    return case


def record_execution(
    *,
    case: Case,
    actor: Any,
    executed_on: dt.date | None,
    note: str,
    request: HttpRequest | None = None,
) -> Case:
    """The unit's report that the decision was executed (DOMAIN.md §4: within 6 months;
    post and pay changed within 1 month for 撤销党内职务 or heavier)."""
    note = text_field(note, "note", "执行情况", limit=TEXT_MAX, minimum=4)
    with transaction.atomic():
        case = lock_case(case, CaseAction.RECORD_EXECUTION, actor)
        announced = case.sanctions.filter(status=SanctionStatus.ANNOUNCED)
        first = announced.order_by("announced_on").values_list("announced_on", flat=True).first()
        if first is None:
            raise ValidationError({"note": "本案没有待执行的处分决定"})
        executed_on = past_date(executed_on, "executed_on", "执行报告日期", not_before=first)
        announced.update(
            status=SanctionStatus.EXECUTED, executed_on=executed_on, execution_note=note
        )
        for kind in (CaseClockKind.POST_AND_PAY, CaseClockKind.EXECUTION_REPORT):
            case_clocks.meet_clock(case=case, kind=kind)
        move(case, CaseAction.RECORD_EXECUTION, actor, note)
    return case


def recommendation_of(case: Case) -> Document | None:
    """The 纪检监察建议书 issued with the case's decision, if any (DOMAIN.md §5, §9)."""
    return (
        Document.objects.filter(case=case, kind=DocumentKind.RECOMMENDATION).order_by("-id").first()
    )


def awaits_recommendation_reply(case: Case, documents: Sequence[Document] | None = None) -> bool:
    """Whether a 纪检监察建议书 was issued and its reply is not recorded yet; ``documents``:
    the case's documents when the caller holds them already (no query)."""
    if case.recommendation_replied_on is not None:
        return False
    if documents is not None:
        return any(d.kind == DocumentKind.RECOMMENDATION for d in documents)
    return recommendation_of(case) is not None


def record_recommendation_reply(
    *,
    case: Case,
    actor: Any,
    replied_on: dt.date | None,
    reply: str,
    request: HttpRequest | None = None,
) -> Case:
    """The written reply of the unit a 纪检监察建议书 went to: how the recommended 组织处理
    was adopted (DOMAIN.md §5, §9). Within 1 month of the decision (DOMAIN.md is silent on
    the number; one month, as for the announcement of §4); meets that clock. Recorded once,
    not in the future, not before the decision; 结案 waits for it (``close_case``)."""
    reply = text_field(reply, "reply", "采纳落实情况", limit=TEXT_MAX, minimum=4)
    with transaction.atomic():
        case = lock_case(case, CaseAction.RECOMMENDATION_REPLY, actor)
        document = recommendation_of(case)
        if document is None:
            raise ValidationError({"reply": "本案没有发出纪检监察建议书"})
        if case.recommendation_replied_on is not None:
            raise ValidationError({"reply": "纪检监察建议书的回复已经登记"})
        decided = (
            case.sanctions.filter(document=document)
            .order_by("decided_on")
            .values_list("decided_on", flat=True)
            .first()
        )
        replied_on = past_date(replied_on, "replied_on", "回复日期", not_before=decided)
        case.recommendation_replied_on = replied_on
        case.recommendation_reply = reply
        case.save(update_fields=["recommendation_replied_on", "recommendation_reply", "updated_at"])
        case_clocks.meet_clock(case=case, kind=CaseClockKind.RECOMMENDATION_REPLY)
        move(
            case,
            CaseAction.RECOMMENDATION_REPLY,
            actor,
            f"{replied_on:%Y-%m-%d}收到{document.number}的回复：{reply}",
        )
    return case


def close_case(*, case: Case, actor: Any, summary: str, request: HttpRequest | None = None) -> Case:
    """结案 once every decision is executed and the reply to a 纪检监察建议书 is recorded;
    issues the 结案报告."""
    summary = text_field(summary, "summary", "结案报告", limit=TEXT_MAX, minimum=10)
    with transaction.atomic():
        case = lock_case(case, CaseAction.CLOSE, actor)
        if case.sanctions.filter(status=SanctionStatus.ANNOUNCED).exists():
            raise ValidationError({"summary": "处分决定尚未报告执行情况，不能结案"})
        if awaits_recommendation_reply(case):
            raise ValidationError({"summary": "纪检监察建议书尚未收到回复，不能结案"})
        case.closed_on = timezone.localdate()
        case.save(update_fields=["closed_on", "updated_at"])
        lead = case.lead
        lead.closed_on = case.closed_on
        lead.save(update_fields=["closed_on", "updated_at"])
        move(case, CaseAction.CLOSE, actor, summary[:200])
        case_docs.issue_closing_report(case=case, actor=actor, summary=summary)
    return case


approvals.register(
    Matter.SANCTION_DECISION,
    approvals.Handler(
        lock=_lock_case_of,
        state=decision_state,
        approved=_decision_approved,
        ended=_decision_ended,
    ),
)
