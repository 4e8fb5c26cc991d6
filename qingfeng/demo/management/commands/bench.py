"""``manage.py bench``: p50/p95 of the person list, the report paths and the case pages
(``--suite``)."""

from __future__ import annotations

import os
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from qingfeng.demo import bench, bench_cases, bench_reports
from qingfeng.demo.personas import format_table


class Command(BaseCommand):
    help = (
        "性能基准：监察对象列表页（/orgs/persons/）与同一查询的原生 SQL 的 p50/p95 耗时；"
        "信访举报：网上提交、全文检索、重复件查找、信访件列表与重复件识别质量；"
        "案件：案件列表、待我审批与案件卷宗（只打印数据，不做断言）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--suite",
            choices=("all", "persons", "reports", "cases"),
            default="all",
            help="测试范围：persons（监察对象列表）、reports（信访举报）、cases（案件与待我审批）"
            "或 all（默认）",
        )
        parser.add_argument(
            "--eval-bases",
            type=int,
            default=2000,
            help="重复件识别质量评估的原件数（repeat_eval，默认 2000）",
        )
        parser.add_argument("--runs", type=int, default=50, help="每个场景请求次数（默认 50）")
        parser.add_argument("--warmup", type=int, default=2, help="预热次数（不计入）")
        parser.add_argument(
            "--budget",
            type=float,
            default=60.0,
            help="每个场景的时间上限（秒）；超时且已测满 5 次即停止（默认 60）",
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="同时打印原生 SQL 的执行计划（EXPLAIN QUERY PLAN / EXPLAIN ANALYZE）",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["suite"] in ("all", "persons"):
            self.persons(opts)
        if opts["suite"] in ("all", "reports"):
            self.reports(opts)
        if opts["suite"] in ("all", "cases"):
            self.cases(opts)

    def cases(self, opts: dict[str, Any]) -> None:
        out = self.stdout.write
        counts = bench_cases.row_counts()
        out("")
        db = f"{connection.vendor}（{connection.settings_dict['NAME']}）"
        out(f"== 案件与待我审批 ==  数据库：{db}")
        out("行数：" + "，".join(f"{k} {v:,}" for k, v in counts.items()))
        scenarios = bench_cases.build(random.Random(7)) if counts["案件"] else []
        if not scenarios:
            out("没有案件数据或演示账号（先运行 python manage.py demo --scale province）。")
            return

        def progress(s: bench_cases.Scenario) -> None:
            if opts["verbosity"] >= 1:
                self.stderr.write(f"  已测：{s.group} / {s.label}")

        bench_cases.measure(
            scenarios,
            runs=opts["runs"],
            warmup=opts["warmup"],
            budget=opts["budget"],
            on_scenario=progress,
        )
        out(format_table(bench_cases.HEADERS, [s.row() for s in scenarios]))
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        out(f"机器负载（1/5/15 分钟）：{load}；CPU 核数：{os.cpu_count()}")
        out(
            f"（耗时单位 ms；目标：案件列表与待我审批页面 p95 ≤ {bench_cases.LIST_TARGET_MS:.0f}，"
            f"案件卷宗页面 p95 ≤ {bench_cases.FILE_TARGET_MS:.0f} 且查询数不随案卷行数增长；"
            "ORM = 页面的主查询函数单独执行（case_list / waiting_steps_for / get_case_for_user）；"
            "SQL = 该函数生成的语句捕获后直接在游标上执行；查询数 = 整个页面的查询条数。）"
        )
        if opts["verbosity"] >= 2 or opts["explain"]:
            for s in scenarios:
                out("")
                out(f"== {s.group} / {s.label}")
                out(f"页面最慢的一条查询：{s.slowest}")
                if opts["explain"]:
                    out("主查询及执行计划：")
                    out("\n".join(bench_cases.explain(s)))

    def reports(self, opts: dict[str, Any]) -> None:
        out = self.stdout.write
        runs = opts["runs"]
        rng = random.Random(7)
        counts = bench_reports.row_counts()
        out("")
        out(f"== 信访举报 ==  数据库：{connection.vendor}（{connection.settings_dict['NAME']}）")
        out("行数：" + "，".join(f"{k} {v:,}" for k, v in counts.items()))
        if not counts["信访举报"]:
            out("没有信访举报数据（先运行 python manage.py demo）。")
            return

        def note(what: str) -> None:
            if opts["verbosity"] >= 1:
                self.stderr.write(f"  正在测：{what}")

        rows: list[tuple[str, ...]] = []
        note("网上举报提交")
        rows.append(bench_reports.bench_submission(max(3, runs // 5), rng).row())
        note("全文检索")
        rows += [s.row() for s in bench_reports.bench_search(runs, rng)]
        note("重复件查找")
        rows += [s.row() for s in bench_reports.bench_lookup(runs, rng)]
        note("信访件列表")
        bad = []
        for case in bench_reports.bench_list(runs):
            rows += [case.page.row(), case.orm.row(), case.floor.row(), case.raw.row()]
            if case.status != 200:
                bad.append(case)
        note("重复件识别质量")
        quality = bench_reports.bench_quality(opts["eval_bases"], 20260301)
        if quality is not None:
            rows.append(quality.row())
        out(format_table(bench_reports.HEADERS, rows))
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        out(f"机器负载（1/5/15 分钟）：{load}；CPU 核数：{os.cpu_count()}")
        out(
            f"（耗时单位 ms；目标：检索 p95 ≤ {bench_reports.SEARCH_TARGET_MS:.0f}，"
            f"重复件查找 p95 ≤ {bench_reports.LOOKUP_TARGET_MS:.0f}，"
            f"列表页 p95 ≤ {bench_reports.LIST_TARGET_MS:.0f} 且不超过 SQL 的 "
            f"{bench_reports.LIST_MAX_RATIO:.0f} 倍；"
            "SQL = 列表查询函数 report_list 生成的语句捕获后直接在游标上执行；"
            "提交在事务内执行后回滚，不增加数据。）"
        )
        for case in bad:
            out(f"注意：{case.label} 返回 HTTP {case.status}。")

    def persons(self, opts: dict[str, Any]) -> None:
        out = self.stdout.write
        counts = bench.row_counts()
        out(f"数据库：{connection.vendor}（{connection.settings_dict['NAME']}）")
        out("行数：" + "，".join(f"{k} {v:,}" for k, v in counts.items()))
        cases = bench.build_cases()
        if not cases:
            out("没有可测的演示账号（先运行 python manage.py demo）。")
            return
        out(f"每个场景 {opts['runs']} 次（预热 {opts['warmup']} 次），目标：页面 p95 ≤ "
            f"{bench.TARGET_MS:.0f} ms 且不超过原生 SQL 的 {bench.MAX_RATIO:.0f} 倍。")  # fmt: skip

        def progress(case: bench.Case) -> None:
            if opts["verbosity"] >= 1:
                self.stderr.write(f"  已测：{case.persona} / {case.label}")

        bench.measure(
            cases,
            runs=opts["runs"],
            warmup=opts["warmup"],
            budget=opts["budget"],
            on_case=progress,
        )
        out(format_table(bench.HEADERS, [c.row() for c in cases]))
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        out(f"机器负载（1/5/15 分钟）：{load}；CPU 核数：{os.cpu_count()}")
        out(
            "（耗时单位 ms；页面 = 完整请求：中间件、会话、权限范围、筛选栏与模板渲染；"
            "SQL = 页面在监察对象表上的取数语句（范围占比、当页行、封顶计数）手写后直接执行；"
            "ORM = 同样的语句经查询函数 person_list 由 ORM 生成并执行；"
            "下限 = 已登录请求经全部中间件执行 person_list 后返回固定内容（无筛选栏、无模板），"
            "即用 Django 写成的该列表页不可能低于的耗时；"
            "次数 = 实测次数，慢场景到时间上限即停。）"
        )
        bad = [c for c in cases if c.status != 200]
        for case in bad:
            out(f"注意：{case.persona} / {case.label} 返回 HTTP {case.status}。")
        if opts["verbosity"] >= 2 or opts["explain"]:
            for case in cases:
                out("")
                out(f"== {case.persona} / {case.label}")
                out(f"页面最慢的一条查询：{case.slowest}")
                out("页面在监察对象表上执行的语句（与手写 SQL 对照）：")
                for sql in case.page_sql:
                    out("  " + sql)
                if opts["explain"]:
                    out("手写 SQL 及执行计划：")
                    for line in bench.explain(case):
                        out(line)
