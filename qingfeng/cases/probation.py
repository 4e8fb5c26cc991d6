"""The end of a 留党察看 term (DOMAIN.md §5): 恢复党员权利 when the term ends, or — for a
one-year term, before it ends — an extension by one year (never more than two in all).

Decided by the body that decided the sanction (``appeals.deciding_body``) and recorded with
the case's history and the audit log. Expulsion after a term is a new 开除党籍 decision of
the county, not an ending of this one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.audit.models import Action as AuditAction
from qingfeng.audit.services import record
from qingfeng.cases import case_clocks
from qingfeng.cases.appeals import IN_FORCE, deciding_body
from qingfeng.cases.case_services import past_date, write_case_transition
from qingfeng.cases.case_workflow import CaseAction
from qingfeng.cases.models import CaseClock, CaseClockKind, ProbationResult, Sanction
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import effect_period, extend_probation
from qingfeng.cases.services import TEXT_MAX, text_field
from qingfeng.workdays.clock import WorkCalendar


def conclude_probation(
    *,
    sanction: Sanction,
    actor: Any,
    result: str,
    decided_on: dt.date | None,
    note: str,
    request: HttpRequest | None = None,
) -> Sanction:
    """恢复党员权利 at the end of the term, or extend a one-year term by one year before it
    ends (DOMAIN.md §5); the effect period and the term's clock follow."""
    if result not in ProbationResult.values:
        raise ValidationError({"result": "请选择察看期满的处理"})
    note = text_field(note, "note", "处理意见", limit=TEXT_MAX, minimum=4)
    with transaction.atomic():
        sanction = (
            Sanction.objects.select_for_update(of=("self",))
            .select_related("case", "case__org", "case__org__parent")
            .get(pk=sanction.pk)
        )
        if sanction.outcome != Outcome.PARTY_PROBATION or sanction.status not in IN_FORCE:
            raise ValidationError({"sanction": "只有生效的留党察看处分才有察看期满处理"})
        body = deciding_body(sanction)
        if not covers(actor, Cap.CASE_HANDLE, body):
            raise PermissionDenied(f"察看期满处理由{body.name}决定")
        if sanction.probation_result == ProbationResult.RESTORED:
            raise ValidationError({"result": "已恢复党员权利"})
        assert sanction.decided_on is not None and sanction.term_ends_on is not None
        decided_on = past_date(decided_on, "decided_on", "决定日期", not_before=sanction.decided_on)
        case = sanction.case
        if result == ProbationResult.RESTORED:
            if decided_on <= sanction.term_ends_on:
                term = f"{sanction.term_ends_on:%Y年%m月%d日}"
                message = f"察看期至{term}，期满后方可恢复党员权利"
                raise ValidationError({"decided_on": message})
        else:
            if decided_on > sanction.term_ends_on:
                raise ValidationError({"decided_on": "延长察看期须在察看期内决定"})
            period = extend_probation(
                effect_period(
                    sanction.outcome,
                    sanction.decided_on,
                    probation_years=sanction.probation_years,
                    probation_extended=sanction.probation_extended,
                )
            )
            sanction.probation_extended = True
            sanction.term_ends_on, sanction.effect_ends_on = period.term_ends_on, period.ends_on
            for clock in CaseClock.objects.filter(
                case=case, kind=CaseClockKind.PROBATION, met_at=None
            ):
                clock.months = (clock.months or 12) + 12
                deadline = WorkCalendar().deadline_months(clock.starts_on, clock.months)
                clock.due_on, clock.provisional = deadline.date, deadline.provisional
                clock.save(update_fields=["months", "due_on", "provisional"])
        sanction.probation_result = result
        sanction.save(
            update_fields=[
                "probation_result",
                "probation_extended",
                "term_ends_on",
                "effect_ends_on",
            ]
        )
        if result == ProbationResult.RESTORED:
            case_clocks.meet_clock(case=case, kind=CaseClockKind.PROBATION)
        label = ProbationResult(result).label
        write_case_transition(case, CaseAction.PROBATION, case.status, actor, f"{label}：{note}")
        record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=case,
            org=body,
            request=request,
            changes={"probation_result": ["", result]},
            detail=f"{case.number} 留党察看：{label}",
        )
    return sanction
