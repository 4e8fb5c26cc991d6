"""Benchmark of the scoped person list (/orgs/persons/) against the same query in raw SQL.

The page is fetched through ``django.test.Client`` (the full stack: middleware, session,
scope, template). The raw side runs, written by hand with ``connection.cursor()``, the
statements ``people_selectors.person_list`` runs on the person table: the share of the
org table the set covers (which picks how the page is read), one page plus one row newest
first — straight off the primary key for a wide set, through the (org, id) index for a
narrow one — and the count capped at ``COUNT_CAP + 1``. Figures only; nothing here
asserts (STYLE.md: benchmarks print).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import grants_with, minimal_grants
from qingfeng.demo import bench_floor
from qingfeng.orgs.models import Org, OrgKind, Person, PostHolder, Unit
from qingfeng.orgs.people_selectors import (
    COUNT_CAP,
    PAGE_SIZE,
    WIDE_SHARE,
    PersonFilters,
    person_list,
)

TARGET_MS = 150.0
MAX_RATIO = 2.0
BACKEND = "qingfeng.accounts.backends.LockoutBackend"
# (username, label) of the personas measured, when present in the database.
BENCH_PERSONAS = (
    ("shuji", "乡镇纪委书记"),
    ("leader", "委领导"),
    ("admin", "系统管理员"),
)
FLOOR_URL = "/floor/persons/"  # bench_floor.person_floor
NAME_PREFIX = "王"
MIN_RUNS = 5  # the most common surname: the widest name-prefix filter


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Case:
    persona: str
    label: str
    params: dict[str, str]
    scope_paths: list[str]  # the persona's person.view subtrees (or single nodes: no "%")
    org_path: str | None = None
    page_ms: list[float] = field(default_factory=list)
    raw_ms: list[float] = field(default_factory=list)
    orm_ms: list[float] = field(default_factory=list)
    floor_ms: list[float] = field(default_factory=list)  # signed-in request + selector
    page_queries: int = 0
    slowest: str = ""
    page_sql: list[str] = field(default_factory=list)  # the page's person-table statements
    status: int = 0

    def row(self) -> tuple[str, ...]:
        page50, page95 = percentile(self.page_ms, 50), percentile(self.page_ms, 95)
        raw50, raw95 = percentile(self.raw_ms, 50), percentile(self.raw_ms, 95)
        orm95 = percentile(self.orm_ms, 95)
        floor95 = percentile(self.floor_ms, 95) if self.floor_ms else float("nan")
        ratio = page95 / raw95 if raw95 else float("inf")
        orm_ratio = orm95 / raw95 if raw95 else float("inf")
        floor_ratio = floor95 / raw95 if raw95 else float("inf")
        ok = page95 <= TARGET_MS and ratio <= MAX_RATIO
        return (
            self.persona,
            self.label,
            f"{page50:.1f}",
            f"{page95:.1f}",
            f"{raw50:.1f}",
            f"{raw95:.1f}",
            f"{ratio:.1f}×",
            f"{orm95:.1f}",
            f"{orm_ratio:.1f}×",
            f"{floor95:.1f}",
            f"{floor_ratio:.1f}×",
            str(len(self.page_ms)),
            str(self.page_queries),
            "是" if page95 <= TARGET_MS else "否",
            "达标" if ok else "未达标",
        )


HEADERS = (
    "角色",
    "场景",
    "页面p50",
    "页面p95",
    "SQL p50",
    "SQL p95",
    "页面/SQL(p95)",
    "ORM p95",
    "ORM/SQL(p95)",
    "下限p95",
    "下限/SQL(p95)",
    "次数",
    "查询数",
    "p95≤150ms",
    "结论",
)


def _like(column: str) -> str:
    """A prefix LIKE written the way Django's ``startswith`` writes it for this vendor."""
    if connection.vendor == "postgresql":
        return f"{column}::text LIKE %s"
    return f"{column} LIKE %s ESCAPE '\\'"


def _subtree(alias: str, path: str) -> tuple[str, list[Any]]:
    """``accounts.scope.subtree_q`` by hand: a path range on SQLite, LIKE on PostgreSQL."""
    if connection.vendor == "sqlite":
        return f"({alias}.path >= %s AND {alias}.path < %s)", [path, path[:-1] + "0"]
    return _like(f"{alias}.path"), [path + "%"]


def _scope_where(case: Case, alias: str = "s") -> tuple[str, list[Any]]:
    """The page's ``org_id IN (SELECT id FROM org WHERE …)`` written by hand."""
    parts: list[str] = []
    params: list[Any] = []
    for path in case.scope_paths:
        if path.endswith("%"):
            sql, values = _subtree(alias, path.rstrip("%"))
            parts.append(sql)
            params.extend(values)
        else:
            parts.append(f"{alias}.id = %s")
            params.append(int(path))
    where = "(" + " OR ".join(parts) + ")"
    if case.org_path is not None:
        sql, values = _subtree(alias, case.org_path)
        where += " AND " + sql
        params.extend(values)
    return where, params


@dataclass(frozen=True)
class RawSql:
    """The page's statements on the person table, by hand (``people_selectors``)."""

    share: tuple[str, list[Any]]  # how much of the org table the set covers
    wide_rows: tuple[str, list[Any]]  # newest first straight off the primary key
    narrow_rows: tuple[str, list[Any]]  # the page's ids via (org, id), then the rows
    wide_count: tuple[str, list[Any]]  # capped count, wide form
    narrow_count: tuple[str, list[Any]]  # capped count, narrow form


def raw_statements(case: Case) -> RawSql:
    """Hand-written twins of what ``person_list`` runs (check with ``bench -v 2``)."""
    scope, params = _scope_where(case)

    def persons_where(alias: str, wide: bool) -> tuple[str, list[Any]]:
        # Only fixed SQL fragments are formatted in; every value is a query parameter.
        column = f"{alias}.org_id + 0" if wide else f"{alias}.org_id"
        where = f"{column} IN (SELECT s.id FROM orgs_org s WHERE {scope})"  # noqa: S608
        values = list(params)
        if "q" in case.params:
            where += " AND " + _like(f"{alias}.name")
            values.append(case.params["q"] + "%")
        return where, values

    wide_where, wide_values = persons_where("p", wide=True)
    narrow_where, narrow_values = persons_where("p", wide=False)
    inner, inner_values = persons_where("q", wide=False)
    joins = "orgs_person p JOIN orgs_unit u ON u.id = p.unit_id JOIN orgs_org o ON o.id = p.org_id"
    limit, cap = PAGE_SIZE + 1, COUNT_CAP + 1
    share = f"SELECT COUNT(*), COUNT(*) FILTER (WHERE {scope}) FROM orgs_org s"  # noqa: S608
    wide = f"SELECT p.*, u.*, o.* FROM {joins} WHERE {wide_where} ORDER BY p.id DESC LIMIT {limit}"  # noqa: S608
    ids = f"SELECT q.id FROM orgs_person q WHERE {inner} ORDER BY q.id + 0 DESC LIMIT {limit}"  # noqa: S608
    narrow = f"SELECT p.*, u.*, o.* FROM {joins} WHERE p.id IN ({ids}) ORDER BY p.id DESC"  # noqa: S608
    count = "SELECT COUNT(*) FROM (SELECT p.id FROM orgs_person p WHERE {} LIMIT {}) t"
    return RawSql(
        (share, params),
        (wide, wide_values),
        (narrow, inner_values),
        (count.format(wide_where, cap), wide_values),
        (count.format(narrow_where, cap), narrow_values),
    )


def run_raw(case: Case) -> float:
    raw = raw_statements(case)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(*raw.share)
        total, inset = cursor.fetchone()
        wide = bool(total) and inset >= WIDE_SHARE * total
        cursor.execute(*(raw.wide_rows if wide else raw.narrow_rows))
        rows = cursor.fetchall()
        if len(rows) > PAGE_SIZE:
            cursor.execute(*(raw.wide_count if wide else raw.narrow_count))
            cursor.fetchone()
    return (time.perf_counter() - start) * 1000


def run_orm(case: Case, user: User) -> float:
    """The page's selector alone (``person_list``): the same statements through the ORM."""
    org = Org.objects.get(pk=int(case.params["org"])) if "org" in case.params else None
    filters = PersonFilters(org=org, q=case.params.get("q", ""))
    start = time.perf_counter()
    person_list(user, filters)
    return (time.perf_counter() - start) * 1000


def explain(case: Case) -> list[str]:
    """The plans of the raw statements (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE)."""
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    out: list[str] = []
    with connection.cursor() as cursor:
        raw = raw_statements(case)
        statements = (raw.share, raw.wide_rows, raw.narrow_rows, raw.wide_count, raw.narrow_count)
        for sql, params in statements:
            cursor.execute(prefix + sql, params)
            out.append(sql)
            out.extend("    " + " ".join(str(c) for c in r) for r in cursor.fetchall())
    return out


def build_cases() -> list[Case]:
    """Three cases per persona: first page, a name prefix, one org one level down."""
    cases: list[Case] = []
    for username, label in BENCH_PERSONAS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        grants = minimal_grants(grants_with(user, Cap.PERSON_VIEW))
        if not grants:
            continue
        paths = [g.path + "%" if g.subtree else str(g.org_id) for g in grants]
        top = Org.objects.get(pk=grants[0].org_id)
        persona = f"{label}（{user.username}，{top.name}）"
        cases.append(Case(persona, "第一页", {}, paths))
        cases.append(Case(persona, f"姓名以“{NAME_PREFIX}”开头", {"q": NAME_PREFIX}, paths))
        child = (
            Org.objects.filter(parent=top)
            .exclude(kind__in=(OrgKind.DEPARTMENT, OrgKind.DISPATCHED))
            .order_by("sort_order", "pk")
            .first()
        )
        if child is not None:
            cases.append(
                Case(persona, f"按机构筛选：{child.name}", {"org": str(child.pk)}, paths,
                     org_path=child.path)
            )  # fmt: skip
    return cases


def measure(
    cases: list[Case],
    *,
    runs: int,
    warmup: int = 2,
    budget: float = 60.0,
    on_case: Callable[[Case], None] | None = None,
) -> None:
    # Static URLs without a collectstatic manifest: the benchmark needs no built assets.
    plain = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain):
        _measure(cases, runs=runs, warmup=warmup, budget=budget, on_case=on_case)


def _measure(
    cases: list[Case],
    *,
    runs: int,
    warmup: int,
    budget: float,
    on_case: Callable[[Case], None] | None,
) -> None:
    url = reverse("orgs:persons")
    users = {
        u.username: u for u in User.objects.filter(username__in=[u for u, _ in BENCH_PERSONAS])
    }
    for case in cases:
        username = case.persona.split("（", 1)[1].split("，", 1)[0]
        client = Client()
        client.force_login(users[username], backend=BACKEND)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, case.params)
        case.status = response.status_code
        case.page_queries = len(ctx.captured_queries)
        if ctx.captured_queries:
            slow = max(ctx.captured_queries, key=lambda q: float(q["time"]))
            case.slowest = f"{float(slow['time']) * 1000:.1f} ms: {slow['sql'][:300]}"
        case.page_sql = [
            f"{float(q['time']) * 1000:.1f} ms: {q['sql']}"
            for q in ctx.captured_queries
            if '"orgs_person"' in q["sql"] or ('"orgs_org"' in q["sql"] and "COUNT(" in q["sql"])
        ]
        began = time.monotonic()
        for i in range(warmup + runs):
            start = time.perf_counter()
            client.get(url, case.params)
            page = (time.perf_counter() - start) * 1000
            raw = run_raw(case)
            orm = run_orm(case, users[username])
            if i >= warmup:
                case.page_ms.append(page)
                case.raw_ms.append(raw)
                case.orm_ms.append(orm)
                # A slow case stops at its time budget once it has a few samples.
                if len(case.page_ms) >= MIN_RUNS and time.monotonic() - began > budget:
                    break
        with override_settings(ROOT_URLCONF=bench_floor.__name__):
            for i in range(warmup + len(case.page_ms)):
                start = time.perf_counter()
                floor = client.get(FLOOR_URL, case.params)
                if floor.status_code != 200:
                    case.status = floor.status_code  # reported like a failing page
                if i >= warmup:
                    case.floor_ms.append((time.perf_counter() - start) * 1000)
        if on_case is not None:
            on_case(case)


def row_counts() -> dict[str, int]:
    return {
        "机构": Org.objects.count(),
        "被监督单位": Unit.objects.count(),
        "监察对象": Person.objects.count(),
        "在岗人员": PostHolder.objects.count(),
        "用户": User.objects.count(),
    }
