"""``manage.py bench``: p50/p95 of the scoped person list page against its raw SQL."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from qingfeng.demo import bench
from qingfeng.demo.personas import format_table


class Command(BaseCommand):
    help = (
        "性能基准：监察对象列表页（/orgs/persons/）与同一查询的原生 SQL 的 p50/p95 耗时"
        "（只打印数据，不做断言）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
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
