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


_OFFICER = {Cap.ORG_VIEW, Cap.PERSON_VIEW, Cap.STAFFING_VIEW}

# code -> (Chinese name, capabilities, order)
ROLE_DEFINITIONS: dict[str, tuple[str, frozenset[Cap], int]] = {
    "sysadmin": ("系统管理员", frozenset(Cap), 10),
    "county_leader": ("委领导", frozenset(_OFFICER | {Cap.USER_VIEW}), 20),
    "petition_officer": ("信访室干部", frozenset(_OFFICER), 30),
    "case_mgmt_officer": ("案管室干部", frozenset(_OFFICER), 40),
    "supervision_officer": ("监督检查/审查调查干部", frozenset(_OFFICER), 50),
    "trial_officer": ("审理室干部", frozenset(_OFFICER), 60),
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
        ),
        80,
    ),
    "township_officer": ("乡镇纪检干部", frozenset(_OFFICER), 90),
    "station_head": ("联络站站长", frozenset({Cap.ORG_VIEW, Cap.PERSON_VIEW}), 100),
    "informant": ("信息员", frozenset({Cap.ORG_VIEW}), 110),
}


def role_caps(code: str) -> frozenset[Cap]:
    return ROLE_DEFINITIONS[code][1]
