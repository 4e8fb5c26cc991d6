"""The states of a case and the steps that move them (DOMAIN.md §4), in one table.

STYLE.md: one table, one module. The services of ``case_services``, ``case_review`` and
``decisions`` apply each step under ``select_for_update`` (``lock_case``) and write one
``CaseTransition`` row per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qingfeng.cases.models import CaseStatus as C


class CaseAction(StrEnum):
    FILE = "file"
    SET_TEAM = "set_team"
    REQUEST_MEASURE = "request_measure"
    MEASURE_DECIDED = "measure_decided"
    END_MEASURE = "end_measure"
    REQUEST_EXTENSION = "request_extension"
    EXTENSION_DECIDED = "extension_decided"
    SUBMIT_REPORT = "submit_report"
    REPORT_APPROVED = "report_approved"
    REPORT_RETURNED = "report_returned"
    ASSIGN_REVIEWERS = "assign_reviewers"
    REVIEW_TALK = "review_talk"
    RETURN_FOR_EVIDENCE = "return_for_evidence"
    SUBMIT_REVIEW = "submit_review"
    REVIEW_APPROVED = "review_approved"
    REVIEW_RETURNED = "review_returned"
    PROPOSE_DECISION = "propose_decision"
    DECISION_APPROVED = "decision_approved"
    DECISION_RETURNED = "decision_returned"
    ANNOUNCE = "announce"
    RECORD_EXECUTION = "record_execution"
    RECOMMENDATION_REPLY = "recommendation_reply"
    CLOSE = "close"
    PROPOSE_MOVE = "propose_move"
    MOVE = "move"
    MOVE_RETURNED = "move_returned"
    APPEAL = "appeal"
    PROBATION = "probation"


@dataclass(frozen=True)
class CaseStep:
    label: Promise
    sources: tuple[str, ...]
    target: str | None  # None: the status does not change


CASE_STEPS: dict[CaseAction, CaseStep] = {
    CaseAction.FILE: CaseStep(_("立案"), (), C.INVESTIGATING),
    CaseAction.SET_TEAM: CaseStep(_("组成审查调查组"), (C.INVESTIGATING,), None),
    CaseAction.REQUEST_MEASURE: CaseStep(_("审查调查措施呈批"), (C.INVESTIGATING,), None),
    CaseAction.MEASURE_DECIDED: CaseStep(_("审查调查措施审批"), (C.INVESTIGATING,), None),
    CaseAction.END_MEASURE: CaseStep(
        _("解除措施"), (C.INVESTIGATING, C.REPORT_PENDING, C.IN_REVIEW), None
    ),
    CaseAction.REQUEST_EXTENSION: CaseStep(_("延长审查调查期限呈批"), (C.INVESTIGATING,), None),
    CaseAction.EXTENSION_DECIDED: CaseStep(
        _("延长审查调查期限审批"), (C.INVESTIGATING, C.REPORT_PENDING), None
    ),
    CaseAction.SUBMIT_REPORT: CaseStep(_("审查调查报告呈批"), (C.INVESTIGATING,), C.REPORT_PENDING),
    CaseAction.REPORT_APPROVED: CaseStep(_("移送审理"), (C.REPORT_PENDING,), C.IN_REVIEW),
    CaseAction.REPORT_RETURNED: CaseStep(
        _("审查调查报告未获批"), (C.REPORT_PENDING,), C.INVESTIGATING
    ),
    CaseAction.ASSIGN_REVIEWERS: CaseStep(_("确定审理人员"), (C.IN_REVIEW,), None),
    CaseAction.REVIEW_TALK: CaseStep(_("审理谈话"), (C.IN_REVIEW,), None),
    CaseAction.RETURN_FOR_EVIDENCE: CaseStep(_("退回补充证据"), (C.IN_REVIEW,), C.INVESTIGATING),
    CaseAction.SUBMIT_REVIEW: CaseStep(_("审理报告呈批"), (C.IN_REVIEW,), C.REVIEW_PENDING),
    CaseAction.REVIEW_APPROVED: CaseStep(_("审理终结"), (C.REVIEW_PENDING,), C.REVIEWED),
    CaseAction.REVIEW_RETURNED: CaseStep(_("审理报告未获批"), (C.REVIEW_PENDING,), C.IN_REVIEW),
    CaseAction.PROPOSE_DECISION: CaseStep(
        _("处分（处理）决定呈批"), (C.REVIEWED,), C.DECISION_PENDING
    ),
    CaseAction.DECISION_APPROVED: CaseStep(_("作出处分决定"), (C.DECISION_PENDING,), C.DECIDED),
    CaseAction.DECISION_RETURNED: CaseStep(_("处分决定未获批"), (C.DECISION_PENDING,), C.REVIEWED),
    CaseAction.ANNOUNCE: CaseStep(_("宣布处分决定"), (C.DECIDED,), C.EXECUTING),
    CaseAction.RECORD_EXECUTION: CaseStep(_("报告执行情况"), (C.EXECUTING,), None),
    # The reply to a 纪检监察建议书 arrives while the decision is announced and executed;
    # 结案 waits for it (``decisions.close_case``).
    CaseAction.RECOMMENDATION_REPLY: CaseStep(_("登记建议书回复"), (C.DECIDED, C.EXECUTING), None),
    CaseAction.CLOSE: CaseStep(_("结案"), (C.EXECUTING,), C.CLOSED),
    # Jurisdiction moves happen while the case is investigated (DOMAIN.md §4).
    CaseAction.PROPOSE_MOVE: CaseStep(_("管辖调整呈批"), (C.INVESTIGATING,), None),
    CaseAction.MOVE: CaseStep(_("调整管辖"), (C.INVESTIGATING,), None),
    CaseAction.MOVE_RETURNED: CaseStep(_("管辖调整未获批"), (C.INVESTIGATING,), None),
    # Appeals run beside the case: the sanction stays in force (DOMAIN.md §4).
    CaseAction.APPEAL: CaseStep(
        _("复议复查（复审复核）"), (C.DECIDED, C.EXECUTING, C.CLOSED), None
    ),
    CaseAction.PROBATION: CaseStep(_("留党察看期满处理"), (C.DECIDED, C.EXECUTING, C.CLOSED), None),
}

OPEN_STATUSES = tuple(s for s in C.values if s != C.CLOSED)


def allowed(action: CaseAction, status: str) -> bool:
    return status in CASE_STEPS[action].sources


def label(action: str) -> str:
    try:
        return str(CASE_STEPS[CaseAction(action)].label)
    except ValueError:
        return action
