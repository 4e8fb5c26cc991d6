"""The monthly report statistics (信访举报月报) for a body and its subtree.

DOMAIN.md §2: statistics count by channel and class, and also split 初次/重复,
实名/匿名 and 本级受理/上级转办. One grouped aggregate query per table (no per-cell query).

Definitions used here:

- A report counts in the month of its ``received_on`` (收到日期), under the body that holds
  it now (``org``) when that body lies in the chosen body's subtree, and only if the user
  may see it (``reports_visible_to``; a report about a body's own head is never counted
  for that body).
- 重复 = a confirmed repeat (``repeat_of`` set); 初次 = every other report.
- 本级受理 = first registered (``origin_org``) by the chosen body or a body under it, and
  not received as 上级交办; 上级转办 = registered first by a body outside the subtree (an
  upper body that forwarded it down), or received through the channel 上级交办.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import subtree_q
from qingfeng.intake.list_selectors import UNCLASSIFIED
from qingfeng.intake.models import Channel, ReportClass
from qingfeng.intake.selectors import reports_visible_to
from qingfeng.orgs.models import Org

# (key, label) of the columns, in table order.
CLASS_COLUMNS: list[tuple[str, str]] = [
    (ReportClass.ACCUSATION, "检举控告"),
    (ReportClass.APPEAL, "申诉"),
    (ReportClass.SUGGESTION, "批评建议"),
    (ReportClass.REFUSED, "不予受理"),
    (UNCLASSIFIED, "未分类"),
]
SPLIT_COLUMNS: list[tuple[str, str]] = [
    ("initial", "初次"),
    ("repeat", "重复"),
    ("real_name", "实名"),
    ("anonymous", "匿名"),
    ("local", "本级受理"),
    ("upper", "上级转办"),
]
COLUMNS: list[tuple[str, str]] = [*CLASS_COLUMNS, ("total", "合计"), *SPLIT_COLUMNS]


@dataclass
class StatsRow:
    label: str
    channel: str
    cells: dict[str, int] = field(default_factory=dict)

    def values(self) -> list[int]:
        return [self.cells.get(key, 0) for key, _label in COLUMNS]


@dataclass
class MonthlyStats:
    body: Org
    month: dt.date  # first day of the month
    rows: list[StatsRow]
    total: StatsRow

    @property
    def month_label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def parse_month(raw: str | None, default: dt.date) -> dt.date | None:
    """``YYYY-MM`` → the month's first day; ``default``'s month when empty; None if bad."""
    raw = (raw or "").strip()
    if not raw:
        return default.replace(day=1)
    try:
        year, month = raw.split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def monthly_stats(user: Any, *, body: Org, month: dt.date) -> MonthlyStats:
    """Counts by channel × class (+ 初次/重复, 实名/匿名, 本级受理/上级转办) for one month.

    ``body`` must already be checked to be in the user's scope (``filter_body``); the
    reports counted are additionally limited to the user's ``report.view`` scope.
    Rules and definitions: module docstring (DOMAIN.md §2 "Statistics also split …").
    One grouped query.
    """
    first, last = month_bounds(month)
    in_body = Org.objects.filter(subtree_q(body.path)).values("pk")
    qs = reports_visible_to(user, Cap.REPORT_VIEW).filter(
        org_id__in=in_body, received_on__range=(first, last)
    )
    local = subtree_q(body.path, "origin_org__") & ~Q(channel=Channel.UPPER)
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "initial": Count("pk", filter=Q(repeat_of__isnull=True)),
        "repeat": Count("pk", filter=Q(repeat_of__isnull=False)),
        "real_name": Count("pk", filter=Q(is_real_name=True)),
        "anonymous": Count("pk", filter=Q(is_real_name=False)),
        "local": Count("pk", filter=local),
        "upper": Count("pk", filter=~local),
    }
    for key, _label in CLASS_COLUMNS:
        klass = "" if key == UNCLASSIFIED else key
        aggregates[f"c_{key}"] = Count("pk", filter=Q(klass=klass))
    by_channel: dict[str, dict[str, int]] = {}
    for row in qs.order_by().values("channel").annotate(**aggregates):
        cells = {k: int(v) for k, v in row.items() if k != "channel"}
        for key, _label in CLASS_COLUMNS:
            cells[key] = cells.pop(f"c_{key}")
        by_channel[row["channel"]] = cells
    rows = [
        StatsRow(str(label), str(value), by_channel.get(str(value), {}))
        for value, label in Channel.choices
    ]
    total = StatsRow(
        "合计", "", {key: sum(r.cells.get(key, 0) for r in rows) for key, _ in COLUMNS}
    )
    return MonthlyStats(body=body, month=first, rows=rows, total=total)
