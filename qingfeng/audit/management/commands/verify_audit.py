"""``manage.py verify_audit``: recompute the audit hash chain and name tampered rows."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qingfeng.audit.verify import BATCH_SIZE, PROGRESS_EVERY, verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链 / Verify the hash-chained audit log (exit code 1 on failure)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="每批读取的记录数 / rows per batch"
        )
        parser.add_argument(
            "--progress-every",
            type=int,
            default=PROGRESS_EVERY,
            help="每校验多少条输出一次进度 / print progress every N rows",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("开始校验审计日志链 / Verifying the audit chain …")

        def progress(checked: int, seq: int) -> None:
            self.stdout.write(
                f"  已校验 {checked:,} 条（至第 {seq} 条） / checked {checked:,} rows (seq {seq})"
            )

        result = verify_chain(
            batch_size=max(1, options["batch_size"]),
            progress=progress,
            progress_every=max(1, options["progress_every"]),
        )
        for issue in result.issues:
            self.stdout.write(self.style.ERROR(f"  ✗ {issue.zh}"))
            self.stdout.write(f"    {issue.en}")
        if result.issues_dropped:
            self.stdout.write(
                self.style.ERROR(
                    f"  …另有 {result.issues_dropped} 处问题未列出 / "
                    f"{result.issues_dropped} more problem(s) not listed"
                )
            )
        if note := result.guard_note():
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(f"用时 {result.elapsed:.1f} 秒 / took {result.elapsed:.1f} s")
        if not result.ok:
            first = result.first_issue
            detail = f"\n首个问题 / first problem: {first}" if first is not None else ""
            raise CommandError(f"{result.summary_zh()}\n{result.summary_en()}{detail}")
        self.stdout.write(self.style.SUCCESS(result.summary_zh()))
        self.stdout.write(self.style.SUCCESS(result.summary_en()))
