"""Benchmarks of the report paths (issue 3 "Benchmark"): figures only, nothing asserts.

- 网上举报提交: the whole ``register_report`` path with ``actor=None`` (validation,
  numbering, Argon2 hash of the query code, identity sealing, clocks, audit, the search
  and repeat indexers) inside a transaction that is rolled back, so the database does
  not grow.
- 全文检索: ``search.search_reports`` — the first page of 20 with its total — for 1-, 2-,
  3-character and name queries, as a province-wide and a township persona.
- 重复件查找: ``repeats.lookup`` for lightly edited copies of stored reports and for new
  texts.
- 信访件列表: the ``intake:list`` page through ``django.test.Client`` (middleware,
  session, scope, template) as a county and a township persona; the selector alone
  (``list_selectors.report_list``); and "SQL": the selector's own statements, captured
  once and then executed directly on a cursor (no ORM, no template).
- 重复件识别质量: ``repeat_eval.evaluate`` recall and precision.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import grants_with, minimal_grants
from qingfeng.demo import bench_floor, texts
from qingfeng.demo.bench import BACKEND, percentile
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel, Report, ReportSubject
from qingfeng.orgs.models import Org, OrgKind

SEARCH_TARGET_MS = 100.0
LOOKUP_TARGET_MS = 50.0
LIST_TARGET_MS = 150.0
LIST_MAX_RATIO = 2.0
FLOOR_URL = "/floor/reports/"  # bench_floor.report_floor
RECALL_TARGET = 0.95
PRECISION_TARGET = 0.90
# (username, label): a wide and a narrow persona, when present.
LIST_PERSONAS = (("xinfang", "县信访室"), ("leader", "县委领导"), ("shuji", "乡镇纪委书记"))
SEARCH_PERSONAS = (("admin", "系统管理员"), ("shuji", "乡镇纪委书记"))
SEARCH_QUERIES = ("贪", "低保", "吃喝", "农家乐", "优亲厚友", "公款 吃喝")


class Rollback(Exception):
    """Raised to roll the measured submission back."""


@dataclass
class Sample:
    label: str
    target: float
    ms: list[float] = field(default_factory=list)
    note: str = ""
    ratio: float | None = None
    verdict: str = ""  # for rows without timings (quality)

    def row(self) -> tuple[str, ...]:
        if not self.ms:
            return (self.label, "-", "-", "0", self.note, self.verdict or "未测")
        p50, p95 = percentile(self.ms, 50), percentile(self.ms, 95)
        ok = p95 <= self.target and (self.ratio is None or self.ratio <= LIST_MAX_RATIO)
        return (
            self.label,
            f"{p50:.1f}",
            f"{p95:.1f}",
            str(len(self.ms)),
            self.note,
            ("达标" if ok else "未达标") if self.target else "—",
        )


HEADERS = ("场景", "p50", "p95", "次数", "说明", "结论")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).select_related("org").first()


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn(*args)
    return (time.perf_counter() - start) * 1000, value


def _body() -> Org | None:
    """The county body the public submissions go to (the first county)."""
    return Org.objects.filter(kind=OrgKind.COUNTY, is_active=True).order_by("pk").first()


def bench_submission(runs: int, rng: random.Random) -> Sample:
    """Public submission, rolled back each time."""
    from qingfeng.intake import services

    sample = Sample("网上举报提交（含 Argon2、索引，回滚）", 0.0)
    org = _body()
    person = ReportSubject.objects.filter(person__isnull=False).order_by("pk").first()
    if org is None or person is None:
        sample.note = "无数据"
        return sample
    today = timezone.localdate()
    for _ in range(runs):
        text = texts.compose(
            rng, texts.Subject(person.name, person.unit_name, person.post, "某村"), today
        )
        data = services.ReportInput(
            channel=Channel.WEB,
            received_on=today,
            title=text.title,
            content=text.content,
            subjects=[services.SubjectInput(person.name, person.unit_name, person.post)],
            category=text.category,
            is_real_name=True,
            identity=Identity(name="测试人", id_number="11010519491231002X", phone="13800000000"),
        )
        start = time.perf_counter()
        try:
            with transaction.atomic():
                services.register_report(actor=None, org=org, data=data)
                sample.ms.append((time.perf_counter() - start) * 1000)
                raise Rollback
        except Rollback:
            pass
    sample.note = f"提交到 {org.name}"
    return sample


def _name_queries(rng: random.Random) -> list[str]:
    last = ReportSubject.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    out: list[str] = []
    for _ in range(20):
        if len(out) >= 2 or not last:
            break
        name = (
            ReportSubject.objects.filter(pk__gte=rng.randint(1, last))
            .order_by("pk")
            .values_list("name", flat=True)
            .first()
        )
        if name and name not in out:
            out.append(name)
    return out


def bench_search(runs: int, rng: random.Random) -> list[Sample]:
    from qingfeng.intake import search

    samples = []
    queries = list(SEARCH_QUERIES) + _name_queries(rng)
    for username, label in SEARCH_PERSONAS:
        user = _user(username)
        if user is None:
            continue
        for q in queries:
            sample = Sample(f"全文检索“{q}”（{label} {username}）", SEARCH_TARGET_MS)
            total = 0
            for i in range(runs + 1):
                start = time.perf_counter()
                _rows, total = search.search_reports(user, q, limit=20)
                ms = (time.perf_counter() - start) * 1000
                if i:  # the first run warms the cache
                    sample.ms.append(ms)
            sample.note = f"命中 {total:,} 件"
            samples.append(sample)
    return samples


def bench_lookup(runs: int, rng: random.Random) -> list[Sample]:
    from qingfeng.intake import repeats

    copies = Sample("重复件查找：已有举报的改写件", LOOKUP_TARGET_MS)
    fresh = Sample("重复件查找：新举报", LOOKUP_TARGET_MS)
    last = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if not last:
        return [copies, fresh]
    found = 0
    today = timezone.localdate()
    for _ in range(runs):
        report = (
            Report.objects.filter(pk__gte=rng.randint(1, last)).order_by("pk")
            .prefetch_related("subjects").first()
        )  # fmt: skip
        if report is None:
            continue
        subjects = [s.name for s in report.subjects.all()]
        text = repeats.signature_text(report.title, texts.near_copy(rng, report.content))
        start = time.perf_counter()
        hits = repeats.lookup(text, subjects)
        ms = (time.perf_counter() - start) * 1000
        copies.ms.append(ms)
        first = report.repeat_of_id or report.pk
        found += any(pk == first for pk, _ in hits)
        new = texts.compose(
            rng, texts.Subject(subjects[0] if subjects else "某某", "", "", ""), today
        )
        ms, _hits = _timed(repeats.lookup, repeats.signature_text(new.title, new.content), subjects)
        fresh.ms.append(ms)
    copies.note = f"找到原件 {found}/{len(copies.ms)}"
    return [copies, fresh]


@dataclass
class ListCase:
    user: User
    label: str
    params: dict[str, str]
    page: Sample
    orm: Sample
    raw: Sample
    floor: Sample  # bench_floor.report_floor: signed-in request + selector, nothing drawn
    statements: list[str] = field(default_factory=list)
    status: int = 0
    queries: int = 0


def _filters(params: dict[str, str]) -> Any:
    from qingfeng.intake.list_selectors import ReportFilters

    return ReportFilters(**params)  # type: ignore[arg-type]


def list_cases() -> list[ListCase]:
    cases = []
    for username, label in LIST_PERSONAS:
        user = _user(username)
        if user is None or not minimal_grants(grants_with(user, Cap.REPORT_VIEW)):
            continue
        for name, params in (("第一页", {}), ("已超期", {"due": "overdue"}),
                             ("待办理", {"status": "registered"})):  # fmt: skip
            title = f"信访件列表·{name}（{label} {username}）"
            cases.append(
                ListCase(
                    user, title, params,
                    Sample(f"{title} 页面", LIST_TARGET_MS),
                    Sample(f"{title} ORM", LIST_TARGET_MS),
                    Sample(f"{title} SQL", 0.0),
                    Sample(f"{title} 下限", 0.0),
                )
            )  # fmt: skip
    return cases


def _run_raw(statements: list[str]) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
    return (time.perf_counter() - start) * 1000


def bench_list(runs: int) -> list[ListCase]:
    from qingfeng.intake.list_selectors import report_list

    cases = list_cases()
    plain = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    url = reverse("intake:list")
    with override_settings(STORAGES=plain):
        for case in cases:
            client = Client()
            client.force_login(case.user, backend=BACKEND)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url, case.params)
            case.status, case.queries = response.status_code, len(ctx.captured_queries)
            filters = _filters(case.params)
            with CaptureQueriesContext(connection) as ctx:
                report_list(case.user, filters)
            case.statements = [q["sql"] for q in ctx.captured_queries]
            for i in range(runs + 1):
                page_ms, _r = _timed(client.get, url, case.params)
                orm_ms, _r = _timed(report_list, case.user, filters)
                raw_ms = _run_raw(case.statements)
                if i:
                    case.page.ms.append(page_ms)
                    case.orm.ms.append(orm_ms)
                    case.raw.ms.append(raw_ms)
            with override_settings(ROOT_URLCONF=bench_floor.__name__):
                for i in range(runs + 1):
                    floor_ms, floor = _timed(client.get, FLOOR_URL, case.params)
                    if floor.status_code != 200:
                        case.status = floor.status_code  # reported like a failing page
                    if i:
                        case.floor.ms.append(floor_ms)
            raw95 = percentile(case.raw.ms, 95) or 1e-9
            case.page.ratio = percentile(case.page.ms, 95) / raw95
            case.page.note = (
                f"HTTP {case.status}，{case.queries} 条查询，页面/SQL {case.page.ratio:.1f}×"
            )
            case.orm.note = f"ORM/SQL {percentile(case.orm.ms, 95) / raw95:.1f}×"
            case.raw.note = f"{len(case.statements)} 条语句"
            floor_ratio = percentile(case.floor.ms, 95) / raw95
            case.floor.note = f"已登录请求 + report_list，无模板；下限/SQL {floor_ratio:.1f}×"
    return cases


def bench_quality(n_bases: int, seed: int) -> Sample | None:
    from qingfeng.intake import repeat_eval

    metrics = repeat_eval.evaluate(n_bases, seed)
    ok = metrics.recall >= RECALL_TARGET and metrics.precision >= PRECISION_TARGET
    sample = Sample("重复件识别质量（repeat_eval）", 0.0)
    sample.note = (
        f"召回率 {metrics.recall:.3f}（目标 ≥ {RECALL_TARGET}），"
        f"精确率 {metrics.precision:.3f}（目标 ≥ {PRECISION_TARGET}），"
        f"真实重复 {metrics.true_pairs}，提出 {metrics.proposed}"
    )
    sample.verdict = "达标" if ok else "未达标"
    return sample


def row_counts() -> dict[str, int]:
    return {"信访举报": Report.objects.count(), "被反映人": ReportSubject.objects.count()}
