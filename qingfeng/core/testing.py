"""A small county for tests: two townships, their stations, units, persons and one user
per persona of STYLE.md. Used by the pytest fixtures in ``conftest.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from qingfeng.accounts.models import Role, RoleGrant, User
from qingfeng.accounts.roles import ROLE_DEFINITIONS
from qingfeng.orgs.models import (
    DepartmentFunction,
    Gender,
    Org,
    OrgKind,
    Person,
    PersonCategory,
    Unit,
    UnitKind,
)

PASSWORD = "Qingfeng-test-2026"  # noqa: S105 (test fixture)


def make_org(name: str, code: str, kind: str, parent: Org | None = None, **extra: Any) -> Org:
    """Insert an org with its path (test/demo helper; services do this for users)."""
    org = Org.objects.create(
        name=name,
        code=code,
        kind=kind,
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        path="",
        **extra,
    )
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    return org


def make_user(
    username: str,
    full_name: str,
    org: Org,
    role: str,
    grant_org: Org | None = None,
    *,
    subtree: bool = True,
) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=full_name, org=org
    )
    RoleGrant.objects.create(
        user=user, role=Role.objects.get(code=role), org=grant_org or org, include_subtree=subtree
    )
    return user


def id_number_with_check(prefix17: str) -> str:
    """Append the GB 11643 check digit to 17 digits."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(prefix17, weights, strict=True))
    return prefix17 + "10X98765432"[total % 11]


@dataclass
class SmallCounty:
    county: Org
    petition_dept: Org
    township_a: Org
    township_b: Org
    station_a1: Org
    station_a2: Org
    station_b1: Org
    unit_a: Unit
    unit_b: Unit
    person_a: Person
    person_b: Person
    supervision_dept: Org
    users: dict[str, User] = field(default_factory=dict)


PERSONAS = (
    "sysadmin",
    "county_leader",
    "petition_officer",
    "township_secretary",
    "other_officer",
    "informant",
    "auditor",
)


def build_small_county() -> SmallCounty:
    # Transactional (browser) tests flush the migrated role rows: put them back.
    for code, (name, _caps, order) in ROLE_DEFINITIONS.items():
        Role.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    # Roles requiring 2FA are relaxed here; 2FA tests switch them on explicitly.
    Role.objects.update(requires_2fa=False)
    county = make_org("清河县纪委监委", "C01", OrgKind.COUNTY)
    petition = make_org(
        "信访室", "C01-XF", OrgKind.DEPARTMENT, county, function=DepartmentFunction.PETITION
    )
    supervision = make_org(
        "第一监督检查室",
        "C01-JC1",
        OrgKind.DEPARTMENT,
        county,
        function=DepartmentFunction.SUPERVISION,
    )
    ta = make_org("东坝镇纪委", "T01", OrgKind.TOWNSHIP, county, has_supervision_office=True)
    tb = make_org("西岭乡纪委", "T02", OrgKind.TOWNSHIP, county, has_supervision_office=True)
    a1 = make_org("东坝镇李庄村联络站", "T01-V01", OrgKind.STATION, ta)
    a2 = make_org("东坝镇王屯村联络站", "T01-V02", OrgKind.STATION, ta)
    b1 = make_org("西岭乡石门村联络站", "T02-V01", OrgKind.STATION, tb)
    unit_a = Unit.objects.create(name="李庄村民委员会", code="U-A1", kind=UnitKind.VILLAGE, org=a1)
    unit_b = Unit.objects.create(name="石门村民委员会", code="U-B1", kind=UnitKind.VILLAGE, org=b1)
    person_a = Person.objects.create(
        name="李建国",
        gender=Gender.MALE,
        id_number=id_number_with_check("37010219700101001"),
        birth_date=dt.date(1970, 1, 1),
        unit=unit_a,
        org=a1,
        post="村党支部书记",
        category=PersonCategory.GRASSROOTS,
        is_party_member=True,
    )
    person_b = Person.objects.create(
        name="石秀英",
        gender=Gender.FEMALE,
        id_number=id_number_with_check("37010219750505002"),
        birth_date=dt.date(1975, 5, 5),
        unit=unit_b,
        org=b1,
        post="村委会主任",
        category=PersonCategory.GRASSROOTS,
    )
    users = {
        "sysadmin": make_user("admin", "系统管理员", county, "sysadmin"),
        "county_leader": make_user("leader", "赵书记", county, "county_leader"),
        "petition_officer": make_user("xinfang", "钱信访", petition, "petition_officer", county),
        "township_secretary": make_user("dongba", "孙书记", ta, "township_secretary"),
        "other_officer": make_user("xiling", "周干事", tb, "township_officer"),
        "informant": make_user("xinxiyuan", "吴信息员", a1, "informant", subtree=False),
        "auditor": make_user("shenji", "郑审计", county, "auditor"),
        # Lead handling: a 室主任 of the county's supervision department, its officer, and
        # an officer of 东坝镇 (the secretary's own township).
        "dept_head": make_user("jcs_zhuren", "冯主任", supervision, "dept_head", subtree=False),
        "supervision_officer": make_user(
            "jcs_ganbu", "陈干部", supervision, "supervision_officer", subtree=False
        ),
        "township_officer": make_user("dongba_gs", "何干事", ta, "township_officer"),
    }
    return SmallCounty(
        county,
        petition,
        ta,
        tb,
        a1,
        a2,
        b1,
        unit_a,
        unit_b,
        person_a,
        person_b,
        supervision,
        users,
    )
