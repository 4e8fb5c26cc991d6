"""Roles and the capabilities each carries.

A role is granted on an org node, to that node alone or to its whole subtree
(DESIGN.md §3). Capabilities are fixed in code; whether a role needs a second factor
is a per-role setting held in the ``Role`` table.
"""

from __future__ import annotations

from enum import StrEnum


class Cap(StrEnum):
    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"
    UNIT_MANAGE = "unit.manage"
    PERSON_VIEW = "person.view"
    PERSON_MANAGE = "person.manage"
    STAFFING_VIEW = "staffing.view"
    STAFFING_MANAGE = "staffing.manage"
    USER_VIEW = "user.view"
    USER_MANAGE = "user.manage"
    AUDIT_VIEW = "audit.view"
    CALENDAR_MANAGE = "calendar.manage"
    REPORT_VIEW = "report.view"
    REPORT_HANDLE = "report.handle"
    REPORT_IDENTITY = "report.identity"
    LEAD_VIEW = "lead.view"
    LEAD_HANDLE = "lead.handle"
    CHAIN_MANAGE = "approval.chain"
    CASE_VIEW = "case.view"
    CASE_HANDLE = "case.handle"
    CASE_REVIEW = "case.review"


# Chinese names of the capabilities, for the roles page.
CAP_LABELS: dict[Cap, str] = {
    Cap.ORG_VIEW: "查看机构",
    Cap.ORG_MANAGE: "管理机构",
    Cap.UNIT_MANAGE: "管理被监督单位",
    Cap.PERSON_VIEW: "查看监察对象",
    Cap.PERSON_MANAGE: "管理监察对象",
    Cap.STAFFING_VIEW: "查看人员配备",
    Cap.STAFFING_MANAGE: "管理人员配备",
    Cap.USER_VIEW: "查看用户",
    Cap.USER_MANAGE: "管理用户与授权",
    Cap.AUDIT_VIEW: "查看审计日志",
    Cap.CALENDAR_MANAGE: "维护工作日历",
    Cap.REPORT_VIEW: "查看信访举报",
    Cap.REPORT_HANDLE: "登记与办理信访举报",
    Cap.REPORT_IDENTITY: "申请查看举报人身份",
    Cap.LEAD_VIEW: "查看问题线索",
    Cap.LEAD_HANDLE: "办理问题线索（呈批、谈话函询、初步核实）",
    Cap.CHAIN_MANAGE: "配置审批流程",
    Cap.CASE_VIEW: "查看案件",
    Cap.CASE_HANDLE: "办理案件（立案、审查调查、处分决定）",
    Cap.CASE_REVIEW: "审理案件",
}

_REPORT_CAPS = {Cap.REPORT_VIEW, Cap.REPORT_HANDLE, Cap.REPORT_IDENTITY}

_LEAD_CAPS = {Cap.LEAD_VIEW, Cap.LEAD_HANDLE}

_CASE_CAPS = {Cap.CASE_VIEW, Cap.CASE_HANDLE}

_OFFICER = {Cap.ORG_VIEW, Cap.PERSON_VIEW, Cap.STAFFING_VIEW}

# code -> (Chinese name, capabilities, order)
ROLE_DEFINITIONS: dict[str, tuple[str, frozenset[Cap], int]] = {
    "sysadmin": ("系统管理员", frozenset(Cap), 10),
    "county_leader": (
        "委领导",
        frozenset(
            _OFFICER
            | {Cap.USER_VIEW, Cap.REPORT_VIEW, Cap.REPORT_IDENTITY, Cap.LEAD_VIEW, Cap.CASE_VIEW}
            | {Cap.CHAIN_MANAGE}
        ),
        20,
    ),
    # 室主任: heads a county department; the first approver of its leads (DOMAIN.md §3).
    # The 审理室主任 reviews through CASE_REVIEW on their own department (DOMAIN.md §4 审理).
    "dept_head": (
        "室主任",
        frozenset(_OFFICER | {Cap.REPORT_VIEW, Cap.CASE_REVIEW} | _LEAD_CAPS | _CASE_CAPS),
        25,
    ),
    "petition_officer": ("信访室干部", frozenset(_OFFICER | _REPORT_CAPS), 30),
    "case_mgmt_officer": (
        "案管室干部",
        frozenset(_OFFICER | {Cap.REPORT_VIEW, Cap.CASE_VIEW} | _LEAD_CAPS),
        40,
    ),
    "supervision_officer": (
        "监督检查/审查调查干部",
        frozenset(_OFFICER | {Cap.REPORT_VIEW} | _LEAD_CAPS | _CASE_CAPS),
        50,
    ),
    "trial_officer": (
        "审理室干部",
        frozenset(_OFFICER | {Cap.LEAD_VIEW, Cap.CASE_VIEW, Cap.CASE_REVIEW}),
        60,
    ),
    "auditor": ("安全审计员", frozenset({Cap.ORG_VIEW, Cap.USER_VIEW, Cap.AUDIT_VIEW}), 70),
    "township_secretary": (
        "乡镇纪委书记",
        frozenset(
            _OFFICER
            | {
                Cap.PERSON_MANAGE,
                Cap.UNIT_MANAGE,
                Cap.STAFFING_MANAGE,
                Cap.USER_VIEW,
                Cap.USER_MANAGE,
            }
            | _REPORT_CAPS
            | _LEAD_CAPS
            | _CASE_CAPS
            | {Cap.CASE_REVIEW}
        ),
        80,
    ),
    "township_officer": (
        "乡镇纪检干部",
        frozenset(
            _OFFICER
            | {Cap.REPORT_VIEW, Cap.REPORT_HANDLE, Cap.CASE_REVIEW}
            | _LEAD_CAPS
            | _CASE_CAPS
        ),
        90,
    ),
    # 党委主要负责人 (乡镇党委书记, 县委书记): signs the Party side of a 立案 and the sanctions
    # the Party committee approves (DOMAIN.md §4); reads the cases of the body it heads.
    "party_secretary": ("党委主要负责人", frozenset({Cap.ORG_VIEW, Cap.CASE_VIEW}), 95),
    "station_head": ("联络站站长", frozenset({Cap.ORG_VIEW, Cap.PERSON_VIEW}), 100),
    "informant": ("信息员", frozenset({Cap.ORG_VIEW}), 110),
}

# Tier of each role in the commission hierarchy: 0 system, 1 county 纪委监委, 2 township
# 纪委, 3 village station. A granter may only grant roles of their own tier or below, on a
# scope that one of their grants of that tier reaches: a township secretary holds every
# capability of 委领导 today, but is not a county leader and may not make one.
ROLE_TIER: dict[str, int] = {
    "sysadmin": 0,
    "county_leader": 1,
    "dept_head": 1,
    "petition_officer": 1,
    "case_mgmt_officer": 1,
    "supervision_officer": 1,
    "trial_officer": 1,
    "auditor": 1,
    "township_secretary": 2,
    "township_officer": 2,
    "party_secretary": 1,
    "station_head": 3,
    "informant": 3,
}


def role_caps(code: str) -> frozenset[Cap]:
    return ROLE_DEFINITIONS[code][1]
