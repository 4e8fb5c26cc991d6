"""``manage.py demo``: load the demo county (or a province-sized dataset for benchmarks)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from qingfeng.demo.generator import DEFAULT_SEED, SCALES, generate
from qingfeng.demo.personas import login_table
from qingfeng.orgs.models import Org


def _quiet(_msg: str) -> None:
    """Progress messages are dropped at verbosity 0."""


class Command(BaseCommand):
    help = (
        "生成演示数据：默认一个县（12 个乡镇街道、约 170 个村社区、约 3000 名监察对象）；"
        "--scale province 生成全省规模数据"
        "（约 1200 个乡镇、26000 个村、100 万监察对象、100 万件信访举报）用于性能测试。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            default="county",
            choices=list(SCALES),
            help="数据规模：county（一个县，默认）或 province（一个省，用于性能测试）",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="随机种子（同一种子生成相同数据）"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库已有机构数据时什么也不做"
        )
        parser.add_argument(
            "--reports",
            type=int,
            default=None,
            help="信访举报件数（默认：县 400 件，全省 100 万件；0 表示不生成）",
        )
        parser.add_argument("--print-logins", action="store_true", help="只打印演示账号表后退出")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["print_logins"]:
            self.stdout.write(login_table())
            return
        if Org.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("数据库已有数据，跳过演示数据。")
                self.stdout.write(login_table())
                return
            raise CommandError(
                "数据库中已有机构数据；演示数据只能生成到空数据库（可加 --if-empty 跳过）。"
            )
        scale = SCALES[opts["scale"]]
        verbose = opts["verbosity"] >= 1
        self.stdout.write(
            f"正在生成演示数据：规模 {scale.name}，种子 {opts['seed']}，数据库 {connection.vendor}…"
        )
        started = time.monotonic()
        result = generate(
            scale=scale,
            seed=opts["seed"],
            progress=verbose,
            log=self.stdout.write if verbose else _quiet,
            reports=opts["reports"],
        )
        elapsed = time.monotonic() - started
        c = result.counts
        leads = (
            f"问题线索 {c['leads']} 条（推进处置 {c.get('leads_moved', 0)} 条），"
            if "leads" in c
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {result.root.name}：机构 {c['orgs']} 个，协作区 {c['zones']} 个，"
                f"被监督单位 {c['units']} 个，监察对象 {c['persons']} 人，"
                f"岗位 {c['posts']} 个（在岗 {c['holders']} 人），"
                f"信访举报 {c.get('reports', 0)} 件，{leads}用时 {elapsed:.1f} 秒。"
            )
        )
        self.stdout.write("")
        self.stdout.write("演示账号：")
        self.stdout.write(login_table())
        self.stdout.write("")
        self.stdout.write(
            "注意：演示数据库已关闭各角色的强制双因素认证，以便无需手机即可登录；"
            "生产环境请在“用户与权限 → 角色设置”中重新开启。"
        )
