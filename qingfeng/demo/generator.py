"""The demo data generator: a county modelled on the seed reports, or a whole province.

One code path for every size. ``build_plan`` lays out the org tree (ids and materialised
paths assigned here, so nothing has to be read back), 协作区, supervised units and staff
posts; ``generate`` writes them, the persona logins, the post holders and, streamed last,
the supervised persons — through ``bulk_create`` or, at province size on PostgreSQL, COPY.
Everything is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from qingfeng.audit.models import Action
from qingfeng.audit.services import record
from qingfeng.demo import names
from qingfeng.demo.personas import Persona, create_personas
from qingfeng.demo.writer import RowWriter, analyze
from qingfeng.orgs.models import (
    CollaborationZone,
    DepartmentFunction,
    Org,
    OrgKind,
    Person,
    PersonCategory,
    PostHolder,
    PostKind,
    StaffPost,
    Unit,
    UnitKind,
)

DEFAULT_SEED = 20260301


@dataclass(frozen=True)
class Scale:
    name: str
    cities: int  # 0: a single county with no province above it
    counties: int
    townships: int
    villages: int
    persons: int
    county_units: int  # 区直单位 per county (at most len(names.COUNTY_UNITS))
    fast: bool  # COPY on PostgreSQL, executemany on SQLite (province sizes)
    # Reports (信访举报): through the services for the county, in bulk for the others.
    reports: int = 0


SCALES: dict[str, Scale] = {
    "county": Scale("county", 0, 1, 12, 170, 3000, 70, fast=False, reports=400),
    "province": Scale(
        "province", 16, 128, 1200, 26000, 1_000_000, 70, fast=True, reports=1_000_000
    ),
    # Hidden, for tests: the province code path in a few hundred rows.
    "tiny-province": Scale("tiny-province", 2, 4, 12, 40, 600, 8, fast=True, reports=800),
}

# County commission departments: (name, code suffix, function).
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("办公室", "BGS", DepartmentFunction.OFFICE),
    ("信访室", "XF", DepartmentFunction.PETITION),
    ("案件监督管理室", "AG", DepartmentFunction.CASE_MANAGEMENT),
    ("党风政风监督室", "DF", DepartmentFunction.CONDUCT),
    ("第一监督检查室", "JC1", DepartmentFunction.SUPERVISION),
    ("第二监督检查室", "JC2", DepartmentFunction.SUPERVISION),
    ("第一审查调查室", "SC1", DepartmentFunction.INVESTIGATION),
    ("第二审查调查室", "SC2", DepartmentFunction.INVESTIGATION),
    ("案件审理室", "SL", DepartmentFunction.TRIAL),
)
DISPATCHED_GROUPS = ("一", "二", "三", "四", "五", "六")
ZONE_NUMERALS = ("一", "二", "三")
ZONE_LEADS = ("JC1", "JC2", "DF")  # the department leading each 协作区

VACANCY_RATE = 0.07

# Relative number of supervised persons per unit kind, and the share of women.
UNIT_WEIGHT = {
    UnitKind.VILLAGE: 7.0,
    UnitKind.COMMUNITY: 8.0,
    UnitKind.TOWNSHIP_GOV: 40.0,
    UnitKind.SCHOOL: 7.0,
    UnitKind.HOSPITAL: 10.0,
    UnitKind.COUNTY_DEPT: 14.0,
    UnitKind.SOE: 16.0,
    UnitKind.OTHER: 8.0,
}
FEMALE_SHARE = {
    UnitKind.VILLAGE: 0.18,
    UnitKind.COMMUNITY: 0.5,
    UnitKind.TOWNSHIP_GOV: 0.3,
    UnitKind.SCHOOL: 0.5,
    UnitKind.HOSPITAL: 0.55,
    UnitKind.COUNTY_DEPT: 0.35,
    UnitKind.SOE: 0.25,
    UnitKind.OTHER: 0.45,
}
PARTY_SHARE = {
    UnitKind.VILLAGE: 0.55,
    UnitKind.COMMUNITY: 0.5,
    UnitKind.TOWNSHIP_GOV: 0.75,
    UnitKind.COUNTY_DEPT: 0.75,
    UnitKind.SOE: 0.6,
}
AUTHORISED_POSTS = frozenset({"经管站站长", "农业综合服务中心主任", "综合行政执法队队长"})
CHAIR_POSTS = frozenset({"村务监督委员会主任", "居务监督委员会主任"})


@dataclass
class OrgRow:
    id: int
    name: str
    code: str
    kind: str
    parent_id: int | None
    path: str
    depth: int
    sort_order: int
    function: str = ""
    has_supervision_office: bool = False


@dataclass
class Identity:
    name: str
    male: bool
    birth_year: int


@dataclass
class UnitRow:
    id: int
    name: str
    code: str
    kind: str
    org_id: int
    sort_order: int
    category: int
    posts: tuple[str, ...]
    area: str
    weight: float
    chair: Identity | None = None  # the village supervision committee chair


@dataclass
class TownshipPlan:
    org: OrgRow
    stations: list[OrgRow] = field(default_factory=list)
    chairs: dict[int, Identity] = field(default_factory=dict)  # station id -> chair


@dataclass
class CountyPlan:
    org: OrgRow
    area: str
    depts: dict[str, OrgRow] = field(default_factory=dict)
    townships: list[TownshipPlan] = field(default_factory=list)


@dataclass
class Plan:
    scale: Scale
    orgs: list[OrgRow] = field(default_factory=list)
    zones: list[tuple[int, str, int, int, int]] = field(default_factory=list)
    zone_members: list[tuple[int, int]] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    posts: list[tuple[int, int, str, int]] = field(default_factory=list)  # id, org, kind, quota
    counties: list[CountyPlan] = field(default_factory=list)
    root: OrgRow | None = None
    next_ids: dict[str, int] = field(default_factory=dict)

    def next_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add_org(
        self, name: str, code: str, kind: str, parent: OrgRow | None, sort: int, **extra: object
    ) -> OrgRow:
        pk = self.next_id("org")
        row = OrgRow(
            id=pk,
            name=name,
            code=code,
            kind=kind,
            parent_id=parent.id if parent else None,
            path=f"{parent.path if parent else '/'}{pk}/",
            depth=parent.depth + 1 if parent else 0,
            sort_order=sort,
            **extra,  # type: ignore[arg-type]
        )
        self.orgs.append(row)
        return row

    def add_unit(
        self, name: str, code: str, kind: str, org: OrgRow, area: str, sort: int, **extra: object
    ) -> UnitRow:
        category = int(extra.pop("category", PersonCategory.CIVIL_SERVANT))  # type: ignore[call-overload]
        posts = extra.pop("posts")
        row = UnitRow(
            id=self.next_id("unit"),
            name=name,
            code=code,
            kind=kind,
            org_id=org.id,
            sort_order=sort,
            category=category,
            posts=posts,  # type: ignore[arg-type]
            area=area,
            weight=UNIT_WEIGHT[UnitKind(kind)],
            **extra,  # type: ignore[arg-type]
        )
        self.units.append(row)
        return row


def split(total: int, n: int, rng: random.Random, spread: float = 0.45) -> list[int]:
    """``n`` positive integers summing to ``total``, varying by about ±``spread``."""
    return allocate(total, [rng.uniform(1 - spread, 1 + spread) for _ in range(n)], minimum=1)


def allocate(total: int, weights: list[float], *, minimum: int = 0) -> list[int]:
    """Largest-remainder allocation of ``total`` in proportion to ``weights``."""
    rest = total - minimum * len(weights)
    whole = sum(weights)
    shares = [rest * w / whole for w in weights]
    counts = [int(s) for s in shares]
    leftover = rest - sum(counts)
    by_remainder = sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[:leftover]:
        counts[i] += 1
    return [c + minimum for c in counts]


def _unique(make: Callable[[], str], taken: set[str]) -> str:
    for _ in range(50):
        candidate = make()
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    candidate = make() + str(len(taken))
    taken.add(candidate)
    return candidate


def add_commission(plan: Plan, org: OrgRow) -> dict[str, OrgRow]:
    """Departments and 派驻纪检监察组 of a commission (county and above)."""
    depts: dict[str, OrgRow] = {}
    for i, (name, suffix, function) in enumerate(DEPARTMENTS, start=1):
        depts[suffix] = plan.add_org(
            name, f"{org.code}-{suffix}", OrgKind.DEPARTMENT, org, i, function=function
        )
    for i, numeral in enumerate(DISPATCHED_GROUPS, start=1):
        depts[f"PZ{i}"] = plan.add_org(
            f"派驻第{numeral}纪检监察组", f"{org.code}-PZ{i}", OrgKind.DISPATCHED, org, 20 + i
        )
    return depts


def add_county(
    plan: Plan,
    rng: random.Random,
    *,
    parent: OrgRow | None,
    name: str,
    area: str,
    townships: list[tuple[str, str]],
    villages: list[int],
    sort: int,
) -> CountyPlan:
    """A county commission with its departments, townships, stations, units and posts."""
    org = plan.add_org(f"{name}纪委监委", area, OrgKind.COUNTY, parent, sort)
    county = CountyPlan(org=org, area=area, depts=add_commission(plan, org))
    counters = {"town": 100, "xiang": 200, "street": 0}
    taken: set[str] = set()  # village and community names, unique within the county
    for t_index, ((t_name, t_kind), n_villages) in enumerate(
        zip(townships, villages, strict=True), start=1
    ):
        series = (
            "street" if t_kind == OrgKind.STREET else ("xiang" if t_name[-1] == "乡" else "town")
        )
        counters[series] += 1
        t_code = f"{area}{counters[series]:03d}"
        label = "纪工委" if t_kind == OrgKind.STREET else "纪委"
        t_org = plan.add_org(
            f"{t_name}{label}", t_code, t_kind, org, t_index, has_supervision_office=True
        )
        township = TownshipPlan(org=t_org)
        county.townships.append(township)
        add_township_units(plan, rng, t_org, t_name, t_kind, area)
        add_villages(plan, rng, township, t_name, t_kind, n_villages, area, taken)
        for kind, quota in (
            (PostKind.SECRETARY, 1),
            (PostKind.DEPUTY, 1),
            (PostKind.OFFICER, 3),
            (PostKind.SUPERVISION_OFFICE, 1),
        ):
            plan.posts.append((plan.next_id("post"), t_org.id, kind, quota))
    add_county_units(plan, rng, county, name)
    groups = allocate(len(county.townships), [1.0] * min(3, len(county.townships)))
    start = 0
    for z_index, size in enumerate(groups):
        zone_id = plan.next_id("zone")
        lead = county.depts[ZONE_LEADS[z_index]]
        plan.zones.append(
            (zone_id, f"第{ZONE_NUMERALS[z_index]}片区协作区", org.id, lead.id, z_index + 1)
        )
        for township in county.townships[start : start + size]:
            plan.zone_members.append((zone_id, township.org.id))
        start += size
    plan.counties.append(county)
    return county


def add_township_units(
    plan: Plan, rng: random.Random, t_org: OrgRow, t_name: str, t_kind: str, area: str
) -> None:
    street = t_kind == OrgKind.STREET
    gov = f"{t_name}办事处" if street else f"{t_name}人民政府"
    school = f"{t_name}中心小学"
    health = f"{t_name}社区卫生服务中心" if street else f"{t_name}卫生院"
    public = PersonCategory.PUBLIC_INSTITUTION
    gov_posts: tuple[str, ...] = names.STREET_POSTS if street else names.TOWNSHIP_POSTS
    if t_name.endswith("乡"):
        gov_posts = tuple(p.replace("镇长", "乡长") for p in gov_posts)
    specs = (
        (gov, UnitKind.TOWNSHIP_GOV, PersonCategory.CIVIL_SERVANT, gov_posts, "ZF"),
        (school, UnitKind.SCHOOL, public, names.SCHOOL_POSTS, "XX"),
        (health, UnitKind.HOSPITAL, public, names.HOSPITAL_POSTS, "WS"),
    )
    for sort, (u_name, kind, category, posts, suffix) in enumerate(specs, start=1):
        unit = plan.add_unit(
            u_name, f"{t_org.code}-{suffix}", kind, t_org, area, sort,
            category=category, posts=posts,
        )  # fmt: skip
        if kind == UnitKind.TOWNSHIP_GOV and street:
            unit.weight = 30.0
        unit.weight *= rng.uniform(0.75, 1.25)


def add_villages(
    plan: Plan,
    rng: random.Random,
    township: TownshipPlan,
    t_name: str,
    t_kind: str,
    count: int,
    area: str,
    taken: set[str],
) -> None:
    """Villages (or communities) of a township, each with its 联络站 and committee."""
    community_share = 0.75 if t_kind == OrgKind.STREET else 0.06
    n_village = n_community = 0
    posts: tuple[str, ...]
    for v_index in range(1, count + 1):
        is_community = rng.random() < community_share
        if is_community:
            n_community += 1
            v_name = _unique(lambda: names.community_name(rng), taken) + "社区"
            v_code = f"{township.org.code}{n_community:03d}"
            u_name = f"{v_name}居民委员会"
            kind, posts = UnitKind.COMMUNITY, names.COMMUNITY_POSTS
        else:
            n_village += 1
            v_name = _unique(lambda: names.village_name(rng), taken) + "村"
            v_code = f"{township.org.code}{200 + n_village:03d}"
            u_name = f"{v_name[:-1]}村民委员会"
            kind, posts = UnitKind.VILLAGE, names.VILLAGE_POSTS
        station = plan.add_org(
            f"{t_name}{v_name}联络站", v_code, OrgKind.STATION, township.org, v_index
        )
        township.stations.append(station)
        male = rng.random() < (0.7 if is_community else 0.85)
        year = rng.randint(1960, 1985)
        chair = Identity(names.person_name(rng, male=male, birth_year=year), male, year)
        township.chairs[station.id] = chair
        unit = plan.add_unit(
            u_name, v_code, kind, station, area, 1,
            category=PersonCategory.GRASSROOTS, posts=posts, chair=chair,
        )  # fmt: skip
        unit.weight *= rng.uniform(0.7, 1.3)
        for kind_, quota in (
            (PostKind.STATION_HEAD, 1),
            (PostKind.VILLAGE_MEMBER, 1),
            (PostKind.INFORMANT, rng.choice((1, 2))),
        ):
            plan.posts.append((plan.next_id("post"), station.id, kind_, quota))


def add_county_units(plan: Plan, rng: random.Random, county: CountyPlan, name: str) -> None:
    """区直单位, each attached to the county commission or to its 派驻组."""
    for sort, (u_name, kind, category, group) in enumerate(
        names.COUNTY_UNITS[: plan.scale.county_units], start=1
    ):
        org = county.org if group == 0 else county.depts[f"PZ{group}"]
        unit = plan.add_unit(
            f"{name}{u_name}", f"{county.area}-{sort:03d}", kind, org, county.area, sort,
            category=category, posts=names.county_unit_posts(u_name, kind),
        )  # fmt: skip
        if category == PersonCategory.AUTHORISED:
            unit.weight = 10.0
        unit.weight *= rng.uniform(0.7, 1.3)


def build_plan(scale: Scale, rng: random.Random, next_ids: dict[str, int]) -> Plan:
    """Lay out orgs, zones, units and posts with their final ids."""
    plan = Plan(scale=scale, next_ids=dict(next_ids))
    if scale.cities == 0:
        villages = split(scale.villages, len(names.COUNTY_TOWNSHIPS), rng, 0.35)
        county = add_county(
            plan, rng, parent=None, name="清河县", area="371521",
            townships=list(names.COUNTY_TOWNSHIPS), villages=villages, sort=1,
        )  # fmt: skip
        plan.root = county.org
        return plan
    province = plan.add_org("东川省纪委监委", "370000", OrgKind.PROVINCE, None, 1)
    plan.root = province
    add_commission(plan, province)
    counties_per_city = split(scale.counties, scale.cities, rng, 0.3)
    townships_per_county = split(scale.townships, scale.counties, rng, 0.4)
    villages_per_township = split(scale.villages, scale.townships, rng, 0.6)
    county_names: set[str] = set()
    county_index = township_index = 0
    for c_index in range(scale.cities):
        city_name = names.CITY_NAMES[c_index % len(names.CITY_NAMES)]
        city_code = f"37{c_index + 1:02d}00"
        city = plan.add_org(
            f"{city_name}市纪委监委", city_code, OrgKind.CITY, province, c_index + 1
        )
        add_commission(plan, city)
        for k in range(counties_per_city[c_index]):
            district = k < 2  # the first counties of a city are its urban districts (区)
            base = _unique(lambda: names.place_name(rng), county_names)
            area = f"37{c_index + 1:02d}{(k + 2) if district else (k + 21):02d}"
            n_town = townships_per_county[county_index]
            street_share = 0.6 if district else 0.15
            t_taken: set[str] = set()
            townships: list[tuple[str, str]] = []
            for _ in range(n_town):
                kind = OrgKind.STREET if rng.random() < street_share else OrgKind.TOWNSHIP
                suffix = "街道" if kind == OrgKind.STREET else rng.choice("镇镇镇乡")
                townships.append(
                    (_unique(lambda: names.township_name(rng), t_taken) + suffix, kind)
                )
            add_county(
                plan, rng, parent=city, name=base + ("区" if district else "县"), area=area,
                townships=townships,
                villages=villages_per_township[township_index : township_index + n_town],
                sort=k + 1,
            )  # fmt: skip
            county_index += 1
            township_index += n_town
    return plan


class IdNumbers:
    """Valid 18-digit resident ID numbers (GB 11643), unique per area code.

    The weighted sum behind the check digit is split into area, birth-date and sequence
    parts, each computed once and cached: a province's million numbers take seconds.
    """

    WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[str, set[int]] = {}
        self.areas: dict[str, int] = {}
        self.days: dict[int, tuple[dt.date, str, int]] = {}
        self.seqs = [self._sum(f"{n:03d}", 14) for n in range(1000)]

    def _sum(self, digits: str, offset: int) -> int:
        return sum(int(d) * w for d, w in zip(digits, self.WEIGHTS[offset:], strict=False))

    def day(self, ordinal: int) -> tuple[dt.date, str, int]:
        cached = self.days.get(ordinal)
        if cached is None:
            date = dt.date.fromordinal(ordinal)
            text = f"{date.year:04d}{date.month:02d}{date.day:02d}"
            cached = self.days[ordinal] = (date, text, self._sum(text, 6))
        return cached

    def make(self, area: str, ordinal: int, male: bool) -> tuple[str, dt.date]:
        """A new number for someone born on day ``ordinal`` (moved on if the day is full)."""
        used = self.used.setdefault(area, set())
        area_sum = self.areas.get(area)
        if area_sum is None:
            area_sum = self.areas[area] = self._sum(area, 0)
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if male else 0)
            key = ordinal * 1000 + seq
            if key not in used:
                used.add(key)
                break
            ordinal += 1
        date, text, day_sum = self.day(ordinal)
        check = "10X98765432"[(area_sum + day_sum + self.seqs[seq]) % 11]
        return f"{area}{text}{seq:03d}{check}", date


def random_day(rng: random.Random, first: int, last: int) -> int:
    """A random day (as a proleptic ordinal) between 1 Jan ``first`` and 31 Dec ``last``."""
    return rng.randrange(dt.date(first, 1, 1).toordinal(), dt.date(last, 12, 31).toordinal() + 1)


def random_birth(rng: random.Random, first: int, last: int) -> dt.date:
    return dt.date.fromordinal(random_day(rng, first, last))


PERSON_FIELDS = (
    "name", "gender", "id_number", "birth_date", "unit_id", "org_id", "post", "category",
    "is_party_member", "phone", "is_active", "created_at",
)  # fmt: skip


def person_rows(
    plan: Plan, counts: list[int], rng: random.Random, now: dt.datetime
) -> Iterator[tuple[object, ...]]:
    """Supervised persons unit by unit, posts from the top of each unit's ladder down."""
    ids = IdNumbers(rng)
    for unit, count in zip(plan.units, counts, strict=True):
        kind = UnitKind(unit.kind)
        female_share = FEMALE_SHARE[kind]
        party_share = PARTY_SHARE.get(kind, 0.5)
        ladder = unit.posts
        for i in range(count):
            post = ladder[i] if i < len(ladder) else ladder[-1]
            leader = i < names.LEADERS
            if unit.chair is not None and post in CHAIR_POSTS:
                name, male = unit.chair.name, unit.chair.male
                day = random_day(rng, unit.chair.birth_year, unit.chair.birth_year)
            else:
                male = post not in names.FEMALE_POSTS and rng.random() >= (
                    female_share * (0.5 if leader else 1.0)
                )
                day = random_day(rng, 1960 if leader else 1962, 1982 if leader else 1998)
                name = names.person_name(rng, male=male, birth_year=ids.day(day)[0].year)
            id_number, birth = ids.make(unit.area, day, male)
            category = unit.category
            if post in names.OTHER_DUTY_POSTS:
                category = PersonCategory.OTHER
            elif post in AUTHORISED_POSTS:
                category = PersonCategory.AUTHORISED
            yield (
                name,
                "M" if male else "F",
                id_number,
                birth,
                unit.id,
                unit.org_id,
                post,
                category,
                rng.random() < (0.97 if leader else party_share),
                names.mobile(rng) if rng.random() < 0.75 else "",
                rng.random() >= 0.02,
                now,
            )


def holder_rows(
    plan: Plan, rng: random.Random, personas: dict[int, list[Persona]]
) -> Iterator[tuple[object, ...]]:
    """Post holders, leaving about ``VACANCY_RATE`` of the seats empty (缺配).

    A station's head is its village's 村务监督委员会主任 (DOMAIN.md §1); persona users
    sit in the matching post of their org so the staffing view links their account.
    """
    chairs: dict[int, Identity] = {}
    for county in plan.counties:
        for township in county.townships:
            chairs.update(township.chairs)
    kind_of_role = {
        "township_secretary": PostKind.SECRETARY,
        "township_officer": PostKind.OFFICER,
        "station_head": PostKind.STATION_HEAD,
        "informant": PostKind.INFORMANT,
    }
    for post_id, org_id, kind, quota in plan.posts:
        reserved = [p for p in personas.get(org_id, []) if kind_of_role.get(p.role) == kind]
        for seat in range(quota):
            started = random_birth(rng, 2016, 2025)
            if seat < len(reserved):
                persona = reserved[seat]
                yield (post_id, persona.full_name, "", persona.user_id, started)
                continue
            if rng.random() < VACANCY_RATE:
                continue
            if kind == PostKind.STATION_HEAD and org_id in chairs:
                name = chairs[org_id].name
            else:
                male = rng.random() < 0.7
                year = rng.randint(1965, 1995)
                name = names.person_name(rng, male=male, birth_year=year)
            yield (post_id, name, names.mobile(rng), None, started)


def next_ids() -> dict[str, int]:
    def after(model: type[Model]) -> int:
        return int(model._default_manager.aggregate(m=Max("id"))["m"] or 0) + 1

    return {
        "org": after(Org),
        "unit": after(Unit),
        "post": after(StaffPost),
        "zone": after(CollaborationZone),
    }


@dataclass
class Result:
    root: Org
    counts: dict[str, int]
    personas: list[Persona]


def generate(
    *,
    scale: Scale,
    seed: int = DEFAULT_SEED,
    progress: bool = False,
    log: Callable[[str], None] = lambda _msg: None,
    reports: int | None = None,
) -> Result:
    """Build the demo dataset in one transaction (DESIGN.md §5 sizes for ``province``).

    ``reports`` overrides the scale's number of reports (0: none).
    """
    n_reports = scale.reports if reports is None else reports
    rng = random.Random(seed)
    now = timezone.now()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB for index building
    writer = RowWriter(fast=scale.fast, progress=progress)
    counts: dict[str, int] = {}
    with transaction.atomic():
        plan = build_plan(scale, rng, next_ids())
        log(f"规划完成：{len(plan.orgs)} 个机构，{len(plan.units)} 个被监督单位。")
        counts["orgs"] = writer.write(
            Org,
            ("id", "name", "code", "kind", "function", "parent_id", "path", "depth",
             "sort_order", "has_supervision_office", "is_active", "created_at"),
            ((o.id, o.name, o.code, o.kind, o.function, o.parent_id, o.path, o.depth,
              o.sort_order, o.has_supervision_office, True, now) for o in plan.orgs),
            total=len(plan.orgs), label="机构",
        )  # fmt: skip
        counts["zones"] = writer.write(
            CollaborationZone,
            ("id", "name", "county_id", "lead_department_id", "sort_order"),
            plan.zones,
            total=len(plan.zones),
            label="协作区",
        )
        writer.write(
            CollaborationZone.members.through,
            ("collaborationzone_id", "org_id"),
            plan.zone_members,
            total=len(plan.zone_members),
            label="协作区成员",
        )
        counts["units"] = writer.write(
            Unit,
            ("id", "name", "code", "kind", "org_id", "sort_order", "is_active"),
            ((u.id, u.name, u.code, u.kind, u.org_id, u.sort_order, True) for u in plan.units),
            total=len(plan.units),
            label="被监督单位",
        )
        counts["posts"] = writer.write(
            StaffPost,
            ("id", "org_id", "kind", "quota"),
            plan.posts,
            total=len(plan.posts),
            label="岗位",
        )
        writer.reset_sequences()
        personas = create_personas(plan)  # also relaxes 2FA for the demo roles
        by_org: dict[int, list[Persona]] = {}
        for persona in personas:
            by_org.setdefault(persona.org_id, []).append(persona)
        counts["holders"] = writer.write(
            PostHolder,
            ("post_id", "name", "phone", "user_id", "started_on"),
            holder_rows(plan, rng, by_org),
            total=sum(p[3] for p in plan.posts),
            label="在岗人员",
        )
        per_unit = allocate(scale.persons, [u.weight for u in plan.units])
        counts["persons"] = writer.write(
            Person,
            PERSON_FIELDS,
            person_rows(plan, per_unit, rng, now),
            total=scale.persons,
            label="监察对象",
        )
        writer.reset_sequences()
        assert plan.root is not None
        root = Org.objects.get(pk=plan.root.id)
        began = time.monotonic()
        if n_reports and not scale.fast:
            counts["reports"] = _county_reports(root, seed, n_reports, writer)
        elif n_reports:
            from qingfeng.demo.bulk_reports import write_reports

            counts["reports"] = write_reports(
                plan=plan, seed=seed, count=n_reports, writer=writer, log=log
            )
        if n_reports:
            log(f"信访举报 {counts['reports']} 件，用时 {time.monotonic() - began:.1f} 秒。")
        if scale.fast:  # province sizes: two years of cases in bulk (``bulk_cases``)
            from qingfeng.demo.bulk_cases import write_cases

            began = time.monotonic()
            counts.update(write_cases(seed=seed, writer=writer, log=log))
            log(f"案件 {counts.get('cases', 0)} 件，用时 {time.monotonic() - began:.1f} 秒。")
        if n_reports and not scale.fast:  # the county's leads, handled through the services
            from qingfeng.demo.leads import county_leads_with_progress

            counts.update(county_leads_with_progress(root, seed, writer))
            from qingfeng.demo.cases import county_cases_with_progress

            counts.update(county_cases_with_progress(root, seed, writer))
        record(
            action=Action.CREATE,
            obj=root,
            org=root,
            actor_name="demo",
            detail="生成演示数据",
            changes={"scale": scale.name, "seed": seed, **counts},
        )
    log("正在更新统计信息（ANALYZE）…")
    tables = [
        m._meta.db_table for m in (Org, Unit, Person, StaffPost, PostHolder, CollaborationZone)
    ]
    if n_reports:
        from qingfeng.demo.bulk_reports import REPORT_TABLES

        tables += REPORT_TABLES
    analyze(tables)
    return Result(root=root, counts=counts, personas=personas)


def _county_reports(root: Org, seed: int, count: int, writer: RowWriter) -> int:
    """The county's reports through the intake services (``qingfeng.demo.reports``)."""
    from tqdm import tqdm

    from qingfeng.demo.reports import generate_county_reports

    bar = tqdm(
        total=count, desc="信访举报", unit="件", file=writer.stream,
        disable=not writer.progress, mininterval=0.5, dynamic_ncols=True,
    )  # fmt: skip
    try:
        made = generate_county_reports(
            county=root, seed=seed, count=count, progress=lambda: bar.update()
        )
    finally:
        bar.close()
    return made["reports"]
