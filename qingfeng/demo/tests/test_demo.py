from __future__ import annotations

import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import Client

from qingfeng.accounts.models import Role, User
from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers, orgs_with
from qingfeng.audit.models import AuditEvent
from qingfeng.core.testing import id_number_with_check, make_org
from qingfeng.demo.generator import SCALES, allocate, build_plan, person_rows, split
from qingfeng.demo.personas import DEMO_PASSWORD
from qingfeng.orgs.models import (
    CollaborationZone,
    Org,
    OrgKind,
    Person,
    PersonCategory,
    PostHolder,
    StaffPost,
    Unit,
    UnitKind,
)
from qingfeng.orgs.selectors import persons_visible_to

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def run_demo(*args: str) -> str:
    out = StringIO()
    if "--print-logins" not in args and "--reports" not in args:
        args = (*args, "--reports", "0")  # reports: test_demo_reports.py
    call_command("demo", *args, verbosity=0, stdout=out)
    return out.getvalue()


def assert_valid_person(p: Person) -> None:
    assert p.id_number == id_number_with_check(p.id_number[:17]), p.id_number
    assert p.id_number[6:14] == p.birth_date.strftime("%Y%m%d")
    assert (int(p.id_number[16]) % 2 == 1) == (p.gender == "M")
    assert 1960 <= p.birth_date.year <= 1998
    assert p.org_id == p.unit.org_id


@pytest.mark.django_db
def test_county_demo_builds_the_county(fast_hashing):
    out = run_demo()
    assert "shuji" in out and DEMO_PASSWORD in out and "角色设置" in out

    county = Org.objects.get(kind=OrgKind.COUNTY)
    assert county.name == "清河县纪委监委" and county.parent is None
    townships = Org.objects.filter(kind__in=(OrgKind.TOWNSHIP, OrgKind.STREET))
    assert townships.count() == 12
    assert townships.filter(kind=OrgKind.STREET).count() == 3
    assert all(t.has_supervision_office for t in townships)
    assert set(
        Org.objects.filter(kind=OrgKind.DEPARTMENT)
        .exclude(function="")
        .values_list("function", flat=True)
    ) >= {"petition", "case_management", "supervision", "investigation", "trial", "conduct"}
    assert Org.objects.filter(kind=OrgKind.DISPATCHED).count() == 6

    zones = CollaborationZone.objects.prefetch_related("members")
    assert zones.count() == 3
    assert sorted(z.members.count() for z in zones) == [4, 4, 4]
    assert all(z.lead_department.kind == OrgKind.DEPARTMENT for z in zones)

    stations = Org.objects.filter(kind=OrgKind.STATION)
    assert 160 <= stations.count() <= 180
    # Every station has its village committee or community as a supervised unit.
    village_units = Unit.objects.filter(kind__in=(UnitKind.VILLAGE, UnitKind.COMMUNITY))
    assert set(village_units.values_list("org_id", flat=True)) == set(
        stations.values_list("pk", flat=True)
    )
    assert 60 <= Unit.objects.filter(org__kind__in=("county", "dispatched")).count() <= 75
    for org in Org.objects.all():
        expected = f"{org.parent.path if org.parent else '/'}{org.pk}/"
        assert org.path == expected

    persons = Person.objects.select_related("unit")
    assert persons.count() >= 3000
    for p in persons:
        assert_valid_person(p)
    assert persons.values("id_number").distinct().count() == persons.count()
    by_category = Counter(persons.values_list("category", flat=True))
    assert set(by_category) == set(PersonCategory.values)
    assert by_category[PersonCategory.GRASSROOTS] > by_category[PersonCategory.SOE_MANAGER]
    assert Person.objects.filter(post="村党支部书记、村委会主任").exists()
    assert Person.objects.filter(post="局长", unit__name__endswith="局").exists()

    # Staffing: posts for every township and station, a few seats left vacant (缺配).
    assert StaffPost.objects.filter(org__kind=OrgKind.STATION).count() == 3 * stations.count()
    quota = StaffPost.objects.aggregate(n=Sum("quota"))["n"]
    held = PostHolder.objects.count()
    assert 0.03 <= (quota - held) / quota <= 0.12

    event = AuditEvent.objects.get(detail="生成演示数据")
    assert event.action == "create" and event.changes["persons"] == persons.count()
    assert not Role.objects.filter(requires_2fa=True).exists()


@pytest.mark.django_db
def test_county_personas_have_working_grants(fast_hashing):
    run_demo()
    users = {u.username: u for u in User.objects.select_related("org")}
    assert set(users) == {
        "admin", "leader", "xinfang", "anguan", "zhuren", "jiancha", "slzhuren", "shenli",
        "shenli2", "shenji", "shuji", "zhuanzhi", "ganshi", "zhanzhang", "xinxiyuan",
        "dangwei", "xianwei",
    }  # fmt: skip
    county = Org.objects.get(kind=OrgKind.COUNTY)
    shuji, ganshi = users["shuji"], users["ganshi"]
    assert shuji.org is not None and ganshi.org is not None
    assert shuji.org.kind == OrgKind.TOWNSHIP and ganshi.org.kind == OrgKind.TOWNSHIP
    assert shuji.org != ganshi.org
    subtree = Org.objects.filter(path__startswith=shuji.org.path)
    assert set(orgs_with(shuji, Cap.PERSON_VIEW)) == set(subtree)
    assert persons_visible_to(shuji).count() == Person.objects.filter(org__in=subtree).count() > 0
    assert not covers(ganshi, Cap.PERSON_VIEW, shuji.org)
    assert covers(users["leader"], Cap.PERSON_VIEW, shuji.org)
    assert covers(users["xinfang"], Cap.PERSON_VIEW, county, subtree=True)
    assert users["xinfang"].org is not None and users["xinfang"].org.function == "petition"
    assert set(orgs_with(users["xinxiyuan"], Cap.ORG_VIEW)) == {users["xinxiyuan"].org}
    # The township secretary sits in the staffing roster with the account linked.
    assert PostHolder.objects.filter(user=shuji, post__kind="secretary", post__org=shuji.org)

    client = Client()
    assert client.login(username="shuji", password=DEMO_PASSWORD)
    assert client.get("/orgs/persons/").status_code == 200


@pytest.mark.django_db
def test_if_empty_is_idempotent_and_logins_print(fast_hashing):
    assert "尚未生成演示数据" in run_demo("--print-logins")
    run_demo("--if-empty")
    counts = (Org.objects.count(), Person.objects.count(), User.objects.count())
    skipped = run_demo("--if-empty")
    assert skipped.startswith("数据库已有数据，跳过演示数据。") and "| shuji" in skipped
    assert (Org.objects.count(), Person.objects.count(), User.objects.count()) == counts
    with pytest.raises(CommandError):
        run_demo()
    table = run_demo("--print-logins")
    assert "| shuji" in table and "东坝镇纪委及下级" in table and DEMO_PASSWORD in table
    assert AuditEvent.objects.filter(detail="生成演示数据").count() == 1


@pytest.mark.django_db
def test_tiny_province_uses_the_province_path(fast_hashing):
    run_demo("--scale", "tiny-province")
    assert Org.objects.filter(kind=OrgKind.PROVINCE).count() == 1
    assert Org.objects.filter(kind=OrgKind.CITY).count() == 2
    assert Org.objects.filter(kind=OrgKind.COUNTY).count() == 4
    assert Org.objects.filter(kind__in=(OrgKind.TOWNSHIP, OrgKind.STREET)).count() == 12
    assert Org.objects.filter(kind=OrgKind.STATION).count() == 40
    assert Person.objects.count() == 600
    assert CollaborationZone.objects.count() == 12
    for org in Org.objects.select_related("parent"):
        parent_path = org.parent.path if org.parent else "/"
        assert org.path == f"{parent_path}{org.pk}/"
        assert org.depth == (org.parent.depth + 1 if org.parent else 0)
    for p in Person.objects.select_related("unit"):
        assert_valid_person(p)
    province = Org.objects.get(kind=OrgKind.PROVINCE)
    admin = User.objects.get(username="admin")
    assert persons_visible_to(admin).count() == 600
    leader = User.objects.get(username="leader")
    assert leader.org is not None and leader.org.kind == OrgKind.COUNTY
    assert 0 < persons_visible_to(leader).count() < 600
    # Explicit ids were inserted (COPY on PostgreSQL): new rows still get fresh ids.
    county = Org.objects.filter(kind=OrgKind.COUNTY).order_by("pk")[0]
    org = make_org("新设乡纪委", "NEW-1", OrgKind.TOWNSHIP, county)
    assert org.pk > Org.objects.exclude(pk=org.pk).order_by("-pk")[0].pk
    Unit.objects.create(name="新设单位", code="NEW-U1", kind=UnitKind.OTHER, org=org)
    StaffPost.objects.create(org=org, kind="secretary", quota=1)
    CollaborationZone.objects.create(name="新协作区", county=county, lead_department=province)


def test_generation_is_deterministic_and_allocations_add_up():
    scale = SCALES["tiny-province"]
    ids = {"org": 1, "unit": 1, "post": 1, "zone": 1}
    first = build_plan(scale, random.Random(7), ids)
    second = build_plan(scale, random.Random(7), ids)
    assert [o.name for o in first.orgs] == [o.name for o in second.orgs]
    counts = allocate(scale.persons, [u.weight for u in first.units])
    assert sum(counts) == scale.persons
    rows = list(person_rows(first, counts, random.Random(1), None))  # type: ignore[arg-type]
    assert rows == list(person_rows(first, counts, random.Random(1), None))  # type: ignore[arg-type]
    assert len({r[2] for r in rows}) == len(rows) == scale.persons
    parts = split(1200, 128, random.Random(3), 0.4)
    assert sum(parts) == 1200 and min(parts) >= 1 and max(parts) > min(parts)


@pytest.mark.django_db
def test_bench_prints_figures(fast_hashing):
    run_demo()
    out = StringIO()
    call_command("bench", runs=2, warmup=0, verbosity=0, stdout=out)
    text = out.getvalue()
    assert "监察对象 3,000" in text
    assert "页面p95" in text and "SQL p95" in text and "下限p95" in text
    for persona in ("shuji", "leader", "admin"):
        assert persona in text
    assert "返回 HTTP" not in text  # every measured page answered 200
