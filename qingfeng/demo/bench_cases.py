"""Benchmarks of the case pages and 待我审批 (issue "Benchmark at province scale"): figures
only, nothing asserts (STYLE.md: benchmarks print).

- 案件列表 (``case_files:list``) as a township secretary, a county leader and the province
  administrator: the first page, one status, 已超期 (``due=overdue``), a name prefix and a
  case-number prefix.
- 待我审批 (``approvals:inbox``) as a township secretary and a county leader.
- 案件卷宗 (``case_files:detail``) of a case with many rows (transitions, approvals,
  documents) in each persona's scope, and of a case just filed: the page's query count must
  not grow with the rows.

Each page is fetched through ``django.test.Client`` (middleware, session, scope, filter bar,
template). Beside it: "ORM", the page's main selector alone (``case_list_selectors.case_list``,
``approvals.selectors.waiting_steps_for``, ``case_selectors.get_case_for_user``), and "SQL",
that selector's statements captured once and then executed directly on a cursor. The note
gives the page's query count and the time its queries took inside the page.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.approvals.models import Approval, ApprovalStep, StepState
from qingfeng.approvals.selectors import waiting_steps_for
from qingfeng.approvals.views import WAITING_LIMIT
from qingfeng.cases import case_list_selectors as cls
from qingfeng.cases.case_selectors import cases_visible_to, get_case_for_user
from qingfeng.cases.models import Case, CaseClock, CaseStatus, CaseTransition
from qingfeng.demo.bench import BACKEND, MIN_RUNS, percentile
from qingfeng.documents.models import Document

LIST_TARGET_MS = 150.0
INBOX_TARGET_MS = 150.0
FILE_TARGET_MS = 300.0
# (username, label): a township secretary, a county leader, the province administrator.
PERSONAS = (("shuji", "乡镇纪委书记"), ("leader", "委领导"), ("admin", "系统管理员"))
INBOX_PERSONAS = ("shuji", "leader")
NAME_PREFIX = "王"  # the most common surname: the widest name filter
BIG_CASES = 20  # a random one of the persona's this many cases with the most transitions


@dataclass
class Scenario:
    group: str
    label: str
    user: User
    url: str
    target: float
    selector: Callable[[], Any]
    params: dict[str, str] = field(default_factory=dict)
    page_ms: list[float] = field(default_factory=list)
    orm_ms: list[float] = field(default_factory=list)
    raw_ms: list[float] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    status: int = 0
    queries: int = 0
    page_sql_ms: float = 0.0
    slowest: str = ""
    note: str = ""

    def row(self) -> tuple[str, ...]:
        if not self.page_ms:
            return (self.group, self.label, "-", "-", "-", "-", "-", self.note, "未测")
        page95 = percentile(self.page_ms, 95)
        notes = [f"页面内 SQL 合计 {self.page_sql_ms:.1f} ms", *([self.note] if self.note else [])]
        if self.status != 200:
            notes.insert(0, f"HTTP {self.status}")
        return (
            self.group,
            self.label,
            f"{percentile(self.page_ms, 50):.1f}",
            f"{page95:.1f}",
            f"{percentile(self.orm_ms, 95):.1f}",
            f"{percentile(self.raw_ms, 95):.1f}",
            str(self.queries),
            "；".join(notes),
            "达标" if page95 <= self.target and self.status == 200 else "未达标",
        )


HEADERS = ("页面", "场景", "页面p50", "页面p95", "ORM p95", "SQL p95", "查询数", "说明", "结论")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).select_related("org").first()


def _persona(user: User, label: str) -> str:
    return f"{label} {user.username}（{user.org.name if user.org else '—'}）"


def list_scenarios() -> list[Scenario]:
    """Five filters of the case list for each persona present."""
    out: list[Scenario] = []
    url = reverse("case_files:list")
    for username, label in PERSONAS:
        user = _user(username)
        if user is None or not cases_visible_to(user).exists():
            continue
        number = (
            cases_visible_to(user).order_by("-filed_on", "-id").values_list("number", flat=True)
        ).first() or ""
        prefix = number.rsplit("-", 1)[0]  # body code, AJ, year
        for name, params in (
            ("第一页", {}),
            ("审查调查中", {"status": CaseStatus.INVESTIGATING.value}),
            ("已超期", {"due": cls.DUE_OVERDUE}),
            (f"姓名以“{NAME_PREFIX}”开头", {"q": NAME_PREFIX}),
            (f"编号以“{prefix}”开头", {"q": prefix}),
        ):
            filters = cls.CaseFilters(
                status=params.get("status", ""), due=params.get("due", ""), q=params.get("q", "")
            )
            out.append(
                Scenario(
                    "案件列表", f"{_persona(user, label)}：{name}", user, url, LIST_TARGET_MS,
                    partial(cls.case_list, user, filters), params,
                )
            )  # fmt: skip
    return out


def inbox_rows(user: User) -> list[ApprovalStep]:
    """The inbox page's main query (``approvals.views.inbox``)."""
    return list(
        waiting_steps_for(user).select_related("approval__submitted_by")[: WAITING_LIMIT + 1]
    )


def inbox_scenarios() -> list[Scenario]:
    out: list[Scenario] = []
    url = reverse("approvals:inbox")
    labels = dict(PERSONAS)
    for username in INBOX_PERSONAS:
        user = _user(username)
        if user is None:
            continue
        waiting = waiting_steps_for(user).count()
        scenario = Scenario(
            "待我审批", _persona(user, labels[username]), user, url, INBOX_TARGET_MS,
            partial(inbox_rows, user),
        )  # fmt: skip
        scenario.note = f"待审批 {waiting} 件"
        out.append(scenario)
    return out


def _case_note(case_id: int) -> str:
    counts = (
        CaseTransition.objects.filter(case_id=case_id).count(),
        Approval.objects.filter(case_id=case_id).count(),
        ApprovalStep.objects.filter(approval__case_id=case_id).count(),
        Document.objects.filter(case_id=case_id).count(),
        CaseClock.objects.filter(case_id=case_id).count(),
    )
    return "办理记录 {} 条、呈批 {} 件（{} 步）、文书 {} 件、时限 {} 个".format(*counts)


def file_scenarios(rng: random.Random) -> list[Scenario]:
    """Per persona, a random one of its cases with the most transitions; and, for the last
    persona, a case just filed (few rows) to show the query count does not grow."""
    out: list[Scenario] = []
    smallest: tuple[User, str, int] | None = None
    for username, label in PERSONAS:
        user = _user(username)
        if user is None:
            continue
        scope = cases_visible_to(user).values("pk")
        big = list(
            CaseTransition.objects.filter(case_id__in=scope)
            .values("case_id")
            .annotate(n=Count("id"))
            .order_by("-n", "case_id")
            .values_list("case_id", flat=True)[:BIG_CASES]
        )
        if not big:
            continue
        out.append(_file_scenario(user, f"{_persona(user, label)}：案卷较大", rng.choice(big)))
        small = (
            cases_visible_to(user).filter(status=CaseStatus.INVESTIGATING)
            .order_by("-filed_on", "-id").values_list("pk", flat=True).first()
        )  # fmt: skip
        if small is not None:
            smallest = (user, _persona(user, label), small)
    if smallest is not None:
        user, persona, pk = smallest
        out.append(_file_scenario(user, f"{persona}：刚立案", pk))
    return out


def _file_scenario(user: User, label: str, pk: int) -> Scenario:
    number = Case.objects.filter(pk=pk).values_list("number", flat=True).first()
    scenario = Scenario(
        "案件卷宗", f"{label} {number}", user, reverse("case_files:detail", args=[pk]),
        FILE_TARGET_MS, partial(get_case_for_user, user, pk),
    )  # fmt: skip
    scenario.note = _case_note(pk)
    return scenario


def build(rng: random.Random) -> list[Scenario]:
    return [*list_scenarios(), *inbox_scenarios(), *file_scenarios(rng)]


def _run_raw(statements: list[str]) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
    return (time.perf_counter() - start) * 1000


def measure(
    scenarios: list[Scenario],
    *,
    runs: int,
    warmup: int = 2,
    budget: float = 60.0,
    on_scenario: Callable[[Scenario], None] | None = None,
) -> None:
    """Time each scenario: the page, its selector alone, the selector's SQL by hand."""
    plain = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain):
        for s in scenarios:
            client = Client()
            client.force_login(s.user, backend=BACKEND)
            client.get(s.url, s.params)  # warms the session and the caches
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(s.url, s.params)
            s.status, s.queries = response.status_code, len(ctx.captured_queries)
            times = [float(q["time"]) * 1000 for q in ctx.captured_queries]
            s.page_sql_ms = sum(times)
            if ctx.captured_queries:
                slow = max(ctx.captured_queries, key=lambda q: float(q["time"]))
                s.slowest = f"{float(slow['time']) * 1000:.1f} ms: {slow['sql']}"
            s.selector()  # loads and caches the user's grants
            with CaptureQueriesContext(connection) as ctx:
                s.selector()
            s.statements = [q["sql"] for q in ctx.captured_queries]
            began = time.monotonic()
            for i in range(warmup + runs):
                start = time.perf_counter()
                client.get(s.url, s.params)
                page = (time.perf_counter() - start) * 1000
                start = time.perf_counter()
                s.selector()
                orm = (time.perf_counter() - start) * 1000
                raw = _run_raw(s.statements)
                if i >= warmup:
                    s.page_ms.append(page)
                    s.orm_ms.append(orm)
                    s.raw_ms.append(raw)
                    if len(s.page_ms) >= MIN_RUNS and time.monotonic() - began > budget:
                        break
            if on_scenario is not None:
                on_scenario(s)


def explain(s: Scenario) -> list[str]:
    """The plans of the selector's statements (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE)."""
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    out: list[str] = []
    with connection.cursor() as cursor:
        for sql in s.statements:
            cursor.execute(prefix + sql)
            out.append(sql)
            out.extend("    " + " ".join(str(c) for c in r) for r in cursor.fetchall())
    return out


def row_counts() -> dict[str, int]:
    return {
        "案件": Case.objects.count(),
        "办理记录": CaseTransition.objects.count(),
        "时限": CaseClock.objects.count(),
        "呈批": Approval.objects.count(),
        "待审批步骤": ApprovalStep.objects.filter(state=StepState.WAITING).count(),
        "文书": Document.objects.count(),
    }
