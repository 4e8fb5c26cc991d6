"""The states of a lead and of its 谈话函询 / 初步核实, and the steps that move them.

STYLE.md: one table, one module. ``qingfeng.cases.services`` applies each step under
``select_for_update`` and writes one ``LeadTransition`` row per step of the lead.
Rules: DOMAIN.md §3.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qingfeng.cases.models import EnquiryStatus as E
from qingfeng.cases.models import LeadStatus as L
from qingfeng.cases.models import VerificationStatus as V
from qingfeng.cases.models import Way
from qingfeng.cases.outcomes import Outcome


class Action(StrEnum):
    REGISTER = "register"
    EDIT = "edit"
    PROPOSE = "propose"
    DISPOSE = "dispose"
    RETURN = "return"
    START_ENQUIRY = "start_enquiry"
    CONCLUDE_ENQUIRY = "conclude_enquiry"
    START_VERIFICATION = "start_verification"
    REPORT_VERIFICATION = "report_verification"
    CONCLUDE_VERIFICATION = "conclude_verification"
    PROPOSE_FILING = "propose_filing"
    FILE_CASE = "file_case"
    FILING_RETURNED = "filing_returned"
    RECORD_TRANSFER_REPLY = "record_transfer_reply"


@dataclass(frozen=True)
class Step:
    label: Promise
    sources: tuple[str, ...]


# Lead steps. Targets depend on the approved decision (``WAY_TARGET``, ``OUTCOME_TARGET``).
STEPS: dict[Action, Step] = {
    Action.REGISTER: Step(_("登记线索"), ()),
    Action.EDIT: Step(_("修改线索"), (L.PENDING, L.PROPOSED, L.ON_HOLD)),
    # 处置呈批: a 暂存待查 lead may be taken up again (DOMAIN.md §3).
    Action.PROPOSE: Step(_("处置呈批"), (L.PENDING, L.ON_HOLD)),
    Action.DISPOSE: Step(_("批准处置"), (L.PROPOSED,)),
    Action.RETURN: Step(_("呈批未通过"), (L.PROPOSED,)),
    Action.START_ENQUIRY: Step(_("谈话函询方案呈批"), (L.ENQUIRY,)),
    Action.CONCLUDE_ENQUIRY: Step(_("谈话函询办结"), (L.ENQUIRY,)),
    Action.START_VERIFICATION: Step(_("开展初步核实"), (L.VERIFICATION,)),
    Action.REPORT_VERIFICATION: Step(_("初步核实情况报告呈批"), (L.VERIFICATION,)),
    Action.CONCLUDE_VERIFICATION: Step(_("初步核实办结"), (L.VERIFICATION,)),
    # 立案 (DOMAIN.md §4): a lead proposed for a case is filed by an approved 呈批报告.
    Action.PROPOSE_FILING: Step(_("立案呈批"), (L.CASE_PROPOSED,)),
    Action.FILE_CASE: Step(_("批准立案"), (L.FILING,)),
    Action.FILING_RETURNED: Step(_("立案呈批未通过"), (L.FILING,)),
    # 移送有关机关: the authority's written reply to the 问题转办单; the lead stays transferred.
    Action.RECORD_TRANSFER_REPLY: Step(_("登记转办反馈"), (L.TRANSFERRED,)),
}

WAY_TARGET: dict[str, str] = {
    Way.ENQUIRY: L.ENQUIRY,
    Way.VERIFICATION: L.VERIFICATION,
    Way.HOLD: L.ON_HOLD,
    Way.CLOSE: L.CLOSED,
}

# Where an approved 谈话函询 or 初步核实 report leaves the lead (DOMAIN.md §3).
OUTCOME_TARGET: dict[str, str] = {
    Outcome.ENQUIRY_CLOSED: L.CLOSED,
    Outcome.TALK_REMINDER: L.CLOSED,
    Outcome.CRITICISM: L.CLOSED,
    Outcome.ORDER_EXAMINE: L.CLOSED,
    Outcome.ADMONISH: L.CLOSED,
    Outcome.FURTHER_ENQUIRY: L.ENQUIRY,
    Outcome.TO_VERIFICATION: L.VERIFICATION,
    Outcome.PROPOSE_CASE: L.CASE_PROPOSED,
    Outcome.CLOSED: L.CLOSED,
    Outcome.ON_HOLD: L.ON_HOLD,
    Outcome.TRANSFER: L.TRANSFERRED,
}


class EnquiryAction(StrEnum):
    PLAN_APPROVED = "plan_approved"
    PLAN_REJECTED = "plan_rejected"
    RECORD_TALK = "record_talk"
    SEND_LETTER = "send_letter"
    RECORD_REPLY = "record_reply"
    SUBMIT_REPORT = "submit_report"
    REPORT_APPROVED = "report_approved"
    REPORT_RETURNED = "report_returned"


@dataclass(frozen=True)
class EnquiryStep:
    label: Promise
    sources: tuple[str, ...]
    target: str | None  # None: decided by the step (a talk with or without explanation)


ENQUIRY_STEPS: dict[EnquiryAction, EnquiryStep] = {
    EnquiryAction.PLAN_APPROVED: EnquiryStep(_("方案获批"), (E.PLAN_PENDING,), E.PLAN_APPROVED),
    EnquiryAction.PLAN_REJECTED: EnquiryStep(_("方案未获批"), (E.PLAN_PENDING,), E.CANCELLED),
    # After a talk: a written explanation asked for → wait for it; else report within 1 month.
    EnquiryAction.RECORD_TALK: EnquiryStep(_("记录谈话"), (E.PLAN_APPROVED,), None),
    EnquiryAction.SEND_LETTER: EnquiryStep(
        _("发出函询通知书"), (E.PLAN_APPROVED,), E.AWAITING_REPLY
    ),
    EnquiryAction.RECORD_REPLY: EnquiryStep(
        _("收到书面回复"), (E.AWAITING_REPLY,), E.AWAITING_REPORT
    ),
    EnquiryAction.SUBMIT_REPORT: EnquiryStep(
        _("情况报告呈批"), (E.AWAITING_REPORT,), E.REPORT_PENDING
    ),
    EnquiryAction.REPORT_APPROVED: EnquiryStep(_("情况报告获批"), (E.REPORT_PENDING,), E.DONE),
    EnquiryAction.REPORT_RETURNED: EnquiryStep(
        _("情况报告未获批"), (E.REPORT_PENDING,), E.AWAITING_REPORT
    ),
}

OPEN_ENQUIRY = (
    E.PLAN_PENDING,
    E.PLAN_APPROVED,
    E.AWAITING_REPLY,
    E.AWAITING_REPORT,
    E.REPORT_PENDING,
)

VERIFICATION_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit_report": ((V.ONGOING,), V.REPORT_PENDING),
    "report_approved": ((V.REPORT_PENDING,), V.DONE),
    "report_returned": ((V.REPORT_PENDING,), V.ONGOING),
}


def allowed(action: Action, status: str) -> bool:
    return status in STEPS[action].sources


def label(action: str) -> str:
    try:
        return str(STEPS[Action(action)].label)
    except ValueError:
        try:
            return str(ENQUIRY_STEPS[EnquiryAction(action)].label)
        except ValueError:
            return action
