"""The states of a report and the steps that move it (STYLE.md: one table, one module).

Each action names the states it may start from, the state it leads to and the capability
it needs. ``qingfeng.intake.services`` applies them under ``select_for_update`` and writes
one ``Transition`` row per step. Rules: DOMAIN.md §2.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts.roles import Cap
from qingfeng.intake.models import Status


class Action(StrEnum):
    REGISTER = "register"
    CLASSIFY = "classify"
    ACCEPT = "accept"
    REFUSE = "refuse"
    FORWARD_DOWN = "forward_down"
    SEND_UP = "send_up"
    TRANSFER_OUT = "transfer_out"
    ASSIGN = "assign"
    MARK_REPEAT = "mark_repeat"
    NOTIFY_ACCEPTANCE = "notify_acceptance"
    CLOSE = "close"
    RECORD_FEEDBACK = "record_feedback"


@dataclass(frozen=True)
class Step:
    label: Promise
    sources: tuple[Status, ...]
    target: Status | None  # None: the state does not change (a recorded step)
    cap: Cap = Cap.REPORT_HANDLE


STEPS: dict[Action, Step] = {
    Action.REGISTER: Step(_("登记"), (), Status.REGISTERED),
    Action.CLASSIFY: Step(_("分类"), (Status.REGISTERED,), None),
    # 受理: 检举控告 become 问题线索; 申诉 and 批评建议 are handled by a department.
    Action.ACCEPT: Step(_("受理"), (Status.REGISTERED,), Status.ACCEPTED),
    Action.REFUSE: Step(_("不予受理"), (Status.REGISTERED,), Status.REFUSED),
    # 属于下级: the lower body registers it again and has 5 working days of its own.
    Action.FORWARD_DOWN: Step(_("转下级办理"), (Status.REGISTERED,), Status.REGISTERED),
    # 属于上级 (or about this body's head): sent up within 5 working days.
    Action.SEND_UP: Step(_("报送上级"), (Status.REGISTERED,), Status.REGISTERED),
    Action.TRANSFER_OUT: Step(_("移交其他机关"), (Status.REGISTERED,), Status.TRANSFERRED),
    Action.ASSIGN: Step(_("交承办部门"), (Status.ACCEPTED, Status.ASSIGNED), Status.ASSIGNED),
    Action.MARK_REPEAT: Step(_("确认为重复件"), (Status.REGISTERED,), Status.REPEAT),
    # Real-name reporters hear the outcome of registration either way (受理 or 不予受理).
    Action.NOTIFY_ACCEPTANCE: Step(
        _("受理告知"), (Status.ACCEPTED, Status.ASSIGNED, Status.CLOSED, Status.REFUSED), None
    ),
    Action.CLOSE: Step(_("办结"), (Status.ACCEPTED, Status.ASSIGNED), Status.CLOSED),
    Action.RECORD_FEEDBACK: Step(_("结果反馈"), (Status.CLOSED,), Status.FEEDBACK_GIVEN),
}


def allowed(action: Action, status: str) -> bool:
    return status in STEPS[action].sources


def actions_from(status: str) -> list[Action]:
    """Actions a handler may take on a report in ``status``, in table order."""
    return [a for a, step in STEPS.items() if status in step.sources]


def label(action: str) -> str:
    try:
        return str(STEPS[Action(action)].label)
    except ValueError:
        return action
