"""The demo logins: one account per persona of STYLE.md, and the table that lists them.

At county scale the lead handling of ``qingfeng.demo.leads`` needs a few more: the first
supervision room's head (室主任, first signer of the county's lead approvals) and officer,
and a 专职干事 in the same township as the secretary (DOMAIN.md §1, §3). The cases of
``qingfeng.demo.cases`` need the 案件审理室's head and a second reviewer (审理 by at least
two, DOMAIN.md §4) and the heads of the same-level Party committees who sign 立案 and the
sanctions a Party committee approves: the first township's 党委书记 and the 县委书记.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password

from qingfeng.accounts.models import Role, RoleGrant, User
from qingfeng.accounts.roles import ROLE_DEFINITIONS
from qingfeng.orgs.models import DepartmentFunction

if TYPE_CHECKING:
    from qingfeng.demo.generator import OrgRow, Plan

# One password for every demo login; it passes the configured validators.
DEMO_PASSWORD = "Qingfeng@2026"  # noqa: S105 (printed demo credential, by design)

# Usernames in the order of the login table; the generator creates those its scale needs.
DEMO_USERNAMES = (
    "admin", "leader", "xinfang", "anguan", "zhuren", "jiancha", "slzhuren", "shenli",
    "shenli2", "shenji", "shuji", "zhuanzhi", "ganshi", "zhanzhang", "xinxiyuan",
    "dangwei", "xianwei",
)  # fmt: skip


@dataclass
class Persona:
    username: str
    full_name: str
    role: str
    org_id: int  # home org
    grant_org_id: int
    subtree: bool
    user_id: int | None = None


def persona_specs(plan: Plan) -> list[tuple[str, str, str, OrgRow, OrgRow, bool]]:
    """(username, full name, role, home org, granted org, subtree) for the plan's size."""
    assert plan.root is not None
    root = plan.root
    county = plan.counties[0]
    first, second = county.townships[0], county.townships[1]
    if plan.scale.cities:
        return [
            ("admin", "系统管理员", "sysadmin", root, root, True),
            ("leader", "赵立新", "county_leader", county.org, county.org, True),
            ("shuji", "吴海涛", "township_secretary", first.org, first.org, True),
            ("ganshi", "郑晓燕", "township_officer", second.org, second.org, True),
        ]
    d = county.depts
    # The supervision room whose head and officer handle the county's demo leads.
    room = next(o for o in d.values() if o.function == DepartmentFunction.SUPERVISION)
    return [
        ("admin", "系统管理员", "sysadmin", root, root, True),
        ("leader", "赵立新", "county_leader", root, root, True),
        ("xinfang", "钱丽娟", "petition_officer", d["XF"], root, True),
        ("anguan", "孙建华", "case_mgmt_officer", d["AG"], root, True),
        ("zhuren", "林国栋", "dept_head", room, room, False),
        ("jiancha", "马俊杰", "supervision_officer", room, room, False),
        ("slzhuren", "何振华", "dept_head", d["SL"], d["SL"], False),
        ("shenli", "李卫东", "trial_officer", d["SL"], root, True),
        ("shenli2", "黄雅琴", "trial_officer", d["SL"], d["SL"], False),
        ("shenji", "周敏", "auditor", d["BGS"], root, True),
        ("shuji", "吴海涛", "township_secretary", first.org, first.org, True),
        ("zhuanzhi", "许文静", "township_officer", first.org, first.org, True),
        ("ganshi", "郑晓燕", "township_officer", second.org, second.org, True),
        ("zhanzhang", "王德顺", "station_head", first.stations[0], first.stations[0], False),
        ("xinxiyuan", "冯秀兰", "informant", first.stations[1], first.stations[1], False),
        ("dangwei", "刘志强", "party_secretary", first.org, first.org, False),
        ("xianwei", "高建民", "party_secretary", root, root, False),
    ]


def create_personas(plan: Plan) -> list[Persona]:
    """Create the persona users and their grants; 2FA is switched off for the demo roles."""
    validate_password(DEMO_PASSWORD)
    for code, (name, _caps, order) in ROLE_DEFINITIONS.items():  # normally seeded by migration
        Role.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    Role.objects.update(requires_2fa=False)
    roles = {r.code: r for r in Role.objects.all()}
    personas: list[Persona] = []
    for username, full_name, role, home, grant_org, subtree in persona_specs(plan):
        user = User.objects.create(
            username=username,
            full_name=full_name,
            org_id=home.id,
            password=make_password(DEMO_PASSWORD),
        )
        RoleGrant.objects.create(
            user=user, role=roles[role], org_id=grant_org.id, include_subtree=subtree
        )
        personas.append(Persona(username, full_name, role, home.id, grant_org.id, subtree, user.pk))
    return personas


def login_rows() -> list[tuple[str, str, str, str, str]]:
    """(角色, 用户名, 密码, 机构, 可见范围) for the demo users present in the database."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("org")
    }
    grants: dict[int, list[RoleGrant]] = {}
    for grant in RoleGrant.objects.filter(user__in=users.values()).select_related("role", "org"):
        grants.setdefault(grant.user_id, []).append(grant)
    rows = []
    for username in DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        held = grants.get(user.pk, [])
        role = "、".join(g.role.name for g in held) or "（无角色）"
        scope = "；".join(
            f"{g.org.name}{'及下级' if g.include_subtree else '（仅本级）'}" for g in held
        )
        password = DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else "（已修改）"
        rows.append((role, username, password, user.org.name if user.org else "", scope))
    return rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table padded for monospace terminals (CJK characters count double)."""
    widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        padded = (c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


LOGIN_HEADERS = ("角色", "用户名", "密码", "机构", "可见范围")


def login_table() -> str:
    rows = login_rows()
    if not rows:
        return "尚未生成演示数据（运行 python manage.py demo）。"
    return format_table(LOGIN_HEADERS, rows)
