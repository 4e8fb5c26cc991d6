"""``manage.py seed_calendar [--year Y]``: (re)load years from the chinese_calendar package."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qingfeng.workdays.seed import package_years, seed_years


class Command(BaseCommand):
    help = "从 chinese_calendar 包载入国务院节假日安排（默认载入包内全部年度；人工修改的日期保留）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="只载入指定年度，可重复")

    def handle(self, *args: Any, **options: Any) -> None:
        known = package_years()
        years: list[int] = options["year"] or list(known)
        unknown = [y for y in years if y not in known]
        if unknown:
            names = ", ".join(map(str, unknown))
            raise CommandError(
                f"内置数据不含 {names} 年（支持 {known[0]}–{known[-1]} 年），"
                "请在“工作日历”页面人工录入。"
            )
        total = 0
        for year in years:
            written = seed_years([year])
            total += written
            self.stdout.write(f"{year}年：写入 {written} 天")
        self.stdout.write(self.style.SUCCESS(f"完成，共写入 {total} 天"))
