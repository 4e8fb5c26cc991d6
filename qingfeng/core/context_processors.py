"""The side menu, built from what the user may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap, user_grants
from qingfeng.approvals.chains import SIGNING_ROLES


@dataclass
class MenuItem:
    title: str
    url_name: str
    icon: str
    cap: Cap | None = None
    url: str = ""
    active: bool = False
    # Shown only to holders of one of these roles (e.g. the signers of approval chains).
    roles: frozenset[str] = frozenset()


@dataclass
class MenuGroup:
    title: str
    icon: str
    items: list[MenuItem] = field(default_factory=list)


MENU: list[MenuGroup] = [
    MenuGroup(
        "工作台",
        "house",
        [
            MenuItem("首页", "core:home", "speedometer2"),
            MenuItem("我的提醒", "reminders:inbox", "bell"),
        ],
    ),
    MenuGroup(
        "组织机构",
        "diagram-3",
        [
            MenuItem("机构树", "orgs:tree", "diagram-3", Cap.ORG_VIEW),
            MenuItem("协作区", "orgs:zones", "grid-3x3-gap", Cap.ORG_VIEW),
            MenuItem("被监督单位", "orgs:units", "building", Cap.ORG_VIEW),
            MenuItem("监察对象", "orgs:persons", "people", Cap.PERSON_VIEW),
            MenuItem("人员配备", "orgs:staffing", "person-badge", Cap.STAFFING_VIEW),
        ],
    ),
    MenuGroup(
        "信访举报",
        "envelope-paper",
        [
            MenuItem("信访件", "intake:list", "inbox", Cap.REPORT_VIEW),
            MenuItem("登记信访件", "intake:register", "pencil-square", Cap.REPORT_HANDLE),
            MenuItem("检索", "intake:search", "search", Cap.REPORT_VIEW),
            MenuItem("月度统计", "intake:stats", "table", Cap.REPORT_VIEW),
        ],
    ),
    MenuGroup(
        "线索处置",
        "folder2-open",
        [
            MenuItem("问题线索", "cases:list", "folder2", Cap.LEAD_VIEW),
            MenuItem("登记线索", "cases:create", "plus-square", Cap.LEAD_HANDLE),
            MenuItem("待我审批", "approvals:inbox", "pen", roles=frozenset(SIGNING_ROLES)),
        ],
    ),
    MenuGroup(
        "案件管理",
        "briefcase",
        [
            MenuItem("案件列表", "case_files:list", "briefcase", Cap.CASE_VIEW),
            MenuItem("即将超期", "case_files:due", "alarm", Cap.CASE_VIEW),
        ],
    ),
    MenuGroup(
        "用户与权限",
        "shield-lock",
        [
            MenuItem("用户管理", "accounts:users", "person-gear", Cap.USER_VIEW),
        ],
    ),
    MenuGroup(
        "安全审计",
        "journal-check",
        [
            MenuItem("审计日志", "audit:events", "journal-text", Cap.AUDIT_VIEW),
        ],
    ),
    MenuGroup(
        "系统设置",
        "gear",
        [
            MenuItem("工作日历", "workdays:calendar", "calendar3", Cap.ORG_VIEW),
            MenuItem("审批流程与办案设置", "approvals:chains", "diagram-2", Cap.CHAIN_MANAGE),
        ],
    ),
]


@lru_cache(maxsize=256)
def _menu_url(url_name: str, urlconf: str, prefix: str) -> str | None:
    """``reverse(url_name)`` once per URLconf and script prefix (every page draws the menu);
    None when the module is not installed in this deployment."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def build_menu(request: HttpRequest) -> list[MenuGroup]:
    """Menu groups with the items the user may use; the longest matching URL is active."""
    user = request.user
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    prefix = get_script_prefix()
    groups: list[MenuGroup] = []
    for group in MENU:
        items = []
        for item in group.items:
            if item.cap is not None and not has_cap(user, item.cap):
                continue
            if item.roles and not any(g.role in item.roles for g in user_grants(user)):
                continue
            url = _menu_url(item.url_name, urlconf, prefix)
            if url is None:
                continue
            items.append(
                MenuItem(item.title, item.url_name, item.icon, item.cap, url, roles=item.roles)
            )
        if items:
            groups.append(MenuGroup(group.title, group.icon, items))
    matches = [
        i
        for g in groups
        for i in g.items
        if request.path == i.url or (i.url != "/" and request.path.startswith(i.url))
    ]
    if matches:
        max(matches, key=lambda i: len(i.url)).active = True
    return groups


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    return {"menu": build_menu(request)}
