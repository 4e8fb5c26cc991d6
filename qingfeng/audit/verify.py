"""Verification of the hash-chained audit log (DESIGN.md §3 "Audit": "a command can verify").

The walk goes through the rows in ``seq`` order in keyset batches (one indexed range
query per batch, constant memory), and checks for every row:

- its ``digest`` equals HMAC(key, ``prev_digest`` ‖ canonical fields) — an edited field
  fails here;
- ``seq`` continues 1, 2, 3 … — a deleted row leaves a gap;
- ``prev_digest`` equals the previous row's ``digest`` — a row put in another's place
  breaks the link;

and at the end that ``AuditHead`` names the last row — a deleted last row (or a truncated
log) leaves the head ahead of the rows. Rows whose digest fails are then compared with
each other, so that two rows whose contents or sequence numbers were exchanged are
reported as a swap. Every finding names the row by ``seq`` and ``id``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qingfeng.audit.chain import CHAINED_FIELDS, GENESIS, chain_key, digest
from qingfeng.audit.guard import guard_status
from qingfeng.audit.models import AuditEvent, AuditHead

BATCH_SIZE = 5000
PROGRESS_EVERY = 100_000
MAX_ISSUES = 1000
# Rows with a failed digest kept for swap detection (pairwise, so kept small).
MAX_SWAP_CANDIDATES = 200

_COLUMNS = ("id", "prev_digest", "digest", *CHAINED_FIELDS)

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class Issue:
    """One finding: what is wrong, at which row, in Chinese and English."""

    kind: str  # tampered|swapped|moved|copied|missing|link|head|order|duplicate
    seq: int | None
    event_id: int | None
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass
class VerifyResult:
    checked: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    last_id: int | None = None
    head_seq: int | None = None
    issues: list[Issue] = field(default_factory=list)
    issues_dropped: int = 0
    guard: bool | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.issues and not self.issues_dropped

    @property
    def first_issue(self) -> Issue | None:
        return self.issues[0] if self.issues else None

    def summary_zh(self) -> str:
        if self.ok:
            return (
                f"审计日志链校验通过：共校验 {self.checked:,} 条记录，"
                f"链头（第 {self.head_seq or 0} 条）与最后一条记录一致。"
            )
        count = len(self.issues) + self.issues_dropped
        return f"审计日志链校验失败：共校验 {self.checked:,} 条记录，发现 {count} 处问题。"

    def summary_en(self) -> str:
        if self.ok:
            return (
                f"Audit chain OK: {self.checked:,} rows verified; "
                f"the head (seq {self.head_seq or 0}) matches the last row."
            )
        count = len(self.issues) + self.issues_dropped
        return (
            f"Audit chain verification FAILED: {self.checked:,} rows checked, {count} problem(s)."
        )

    def guard_note(self) -> str:
        if self.guard is False:
            return (
                "警告：数据库的只追加保护（触发器）缺失或被停用。"
                " / Warning: the database append-only guard (triggers) is missing or disabled."
            )
        return ""


@dataclass
class _Row:
    id: int
    seq: int
    prev_digest: str
    digest: str
    fields: dict[str, Any]

    def digest_at(self, seq: int, prev: str, key: bytes) -> str:
        """The digest this row's content would have at position ``seq`` after ``prev``."""
        fields = self.fields if seq == self.seq else {**self.fields, "seq": seq}
        return digest(prev, fields, key=key)


def _row(values: tuple[Any, ...]) -> _Row:
    data = dict(zip(_COLUMNS, values, strict=True))
    return _Row(
        id=data["id"],
        seq=data["seq"],
        prev_digest=data["prev_digest"],
        digest=data["digest"],
        fields={k: data[k] for k in CHAINED_FIELDS},
    )


class _Collector:
    def __init__(self, result: VerifyResult, max_issues: int) -> None:
        self.result = result
        self.max_issues = max_issues
        self.key = chain_key()  # read once, not once per row
        self.links: dict[int, Issue] = {}  # link breaks, by seq, judged at the end
        self.bad: list[_Row] = []  # rows whose digest failed
        self.bad_total = 0

    def add(self, issue: Issue) -> None:
        if len(self.result.issues) < self.max_issues:
            self.result.issues.append(issue)
        else:
            self.result.issues_dropped += 1


def _label(seq: int, event_id: int) -> tuple[str, str]:
    return f"第{seq}条记录（id={event_id}）", f"row seq={seq} (id={event_id})"


def _range_zh(a: int, b: int) -> str:
    return f"第{a}条" if a == b else f"第{a}～{b}条"


def _range_en(a: int, b: int) -> str:
    return f"seq {a}" if a == b else f"seq {a}-{b}"


def verify_chain(
    *,
    batch_size: int = BATCH_SIZE,
    progress: ProgressFn | None = None,
    progress_every: int = PROGRESS_EVERY,
    max_issues: int = MAX_ISSUES,
) -> VerifyResult:
    """Recompute the whole chain and name every row that no longer fits.

    Rule: DESIGN.md §3 — the audit log is append-only and hash-chained, and a command
    can verify it. ``progress(checked, seq)`` is called every ``progress_every`` rows.
    """
    started = time.monotonic()
    result = VerifyResult()
    col = _Collector(result, max_issues)
    # The head as it stands now bounds the walk: rows appended while we verify (the log
    # stays live) are left for the next run instead of looking like a broken tail.
    head = AuditHead.objects.filter(pk=1).first()
    upper = head.seq if head is not None else None
    expected = 1
    prev: _Row | None = None
    cursor = None  # keyset: last seq read
    while True:
        qs = AuditEvent.objects.order_by("seq")
        if upper is not None:
            qs = qs.filter(seq__lte=upper)
        if cursor is not None:
            qs = qs.filter(seq__gt=cursor)
        batch = list(qs.values_list(*_COLUMNS)[:batch_size])
        if not batch:
            break
        for values in batch:
            row = _row(values)
            _check_row(col, row, prev, expected)
            if result.first_seq is None:
                result.first_seq = row.seq
            prev = row
            expected = row.seq + 1
            result.checked += 1
            if progress is not None and result.checked % progress_every == 0:
                progress(result.checked, row.seq)
        cursor = batch[-1][_COLUMNS.index("seq")]
    if prev is not None:
        result.last_seq, result.last_id = prev.seq, prev.id
    _explain_swaps(col)
    _report_links(col)
    _check_head(col, head, prev)
    _check_beyond_head(col)
    _check_count(col, upper)
    result.issues.sort(key=lambda i: (i.seq is None, i.seq or 0))
    result.guard = guard_status()
    result.elapsed = time.monotonic() - started
    return result


def _check_row(col: _Collector, row: _Row, prev: _Row | None, expected: int) -> None:
    if row.seq > expected:
        zh, en = _label(row.seq, row.id)
        before_zh = f"，前一条为第{prev.seq}条（id={prev.id}）" if prev else ""
        before_en = f"; previous row seq={prev.seq} (id={prev.id})" if prev else ""
        col.add(
            Issue(
                "missing",
                expected,
                None,
                f"{_range_zh(expected, row.seq - 1)}记录缺失（已被删除）{before_zh}，"
                f"其后一条为{zh}",
                f"{_range_en(expected, row.seq - 1)} missing (deleted){before_en}; "
                f"next row is {en}",
            )
        )
    elif row.seq < expected:
        zh, en = _label(row.seq, row.id)
        col.add(
            Issue(
                "order",
                row.seq,
                row.id,
                f"{zh}序号异常（应从第{expected}条起）",
                f"{en}: unexpected sequence number (expected {expected} or later)",
            )
        )
    else:
        want = prev.digest if prev is not None else GENESIS
        if row.prev_digest != want:
            zh, en = _label(row.seq, row.id)
            after_zh = f"与第{prev.seq}条（id={prev.id}）" if prev else "与链首"
            after_en = f"to seq {prev.seq} (id={prev.id})" if prev else "to the genesis"
            col.links[row.seq] = Issue(
                "link",
                row.seq,
                row.id,
                f"{zh}的前序摘要{after_zh}不符（记录被替换、插入或重排）",
                f"{en}: broken link {after_en} (row replaced, inserted or reordered)",
            )
    if row.digest_at(row.seq, row.prev_digest, col.key) != row.digest:
        col.bad_total += 1
        if len(col.bad) < MAX_SWAP_CANDIDATES:
            col.bad.append(row)
        else:
            col.add(_tampered(row))


def _tampered(row: _Row) -> Issue:
    _zh, en = _label(row.seq, row.id)
    return Issue(
        "tampered",
        row.seq,
        row.id,
        f"第{row.seq}条记录内容被篡改（id={row.id}，摘要不符）",
        f"{en}: content tampered (digest mismatch)",
    )


def _belongs_at(row: _Row, other: _Row, key: bytes) -> bool:
    """Whether ``row``'s content is really the original of ``other``'s position: either it
    carried its own digests along (seq or whole row exchanged) or the digests stayed in
    place and only the content moved."""
    return row.digest_at(other.seq, row.prev_digest, key) == row.digest or (
        row.digest_at(other.seq, other.prev_digest, key) == other.digest
    )


def _explain_swaps(col: _Collector) -> None:
    """Report failed rows, pairing those whose contents were exchanged."""
    bad = col.bad
    home: dict[int, _Row] = {}  # index in bad -> the row whose position it belongs to
    for i, row in enumerate(bad):
        for j, other in enumerate(bad):
            if i != j and _belongs_at(row, other, col.key):
                home[i] = other
                break
    done: set[int] = set()
    unexplained: list[_Row] = []
    for i, row in enumerate(bad):
        if i in done:
            continue
        target = home.get(i)
        j = bad.index(target) if target is not None else -1
        if target is not None and home.get(j) is row:
            done.update({i, j})
            a, b = sorted((row, target), key=lambda r: r.seq)
            col.add(
                Issue(
                    "swapped",
                    a.seq,
                    a.id,
                    f"第{a.seq}条记录（id={a.id}）与第{b.seq}条记录（id={b.id}）被互换",
                    f"rows seq={a.seq} (id={a.id}) and seq={b.seq} (id={b.id}) were exchanged",
                )
            )
        elif target is not None:
            done.add(i)
            zh, en = _label(row.seq, row.id)
            col.add(
                Issue(
                    "moved",
                    row.seq,
                    row.id,
                    f"{zh}的内容原属第{target.seq}条（记录被移动或重排）",
                    f"{en} holds the original content of seq {target.seq} (row moved)",
                )
            )
        else:
            unexplained.append(row)
    copies = _copied_from(unexplained, col.key)
    for row in unexplained:
        source = copies.get(row.id)
        if source is None:
            col.add(_tampered(row))
            continue
        zh, en = _label(row.seq, row.id)
        col.add(
            Issue(
                "copied",
                row.seq,
                row.id,
                f"{zh}被替换为第{source.seq}条记录（id={source.id}）的副本",
                f"{en} was overwritten with a copy of seq {source.seq} (id={source.id})",
            )
        )


def _copied_from(rows: list[_Row], key: bytes) -> dict[int, _Row]:
    """Failed rows that are copies (content and digests) of an intact row elsewhere.

    One query over the unindexed digest column, run only when tampering was found.
    """
    if not rows:
        return {}
    found: dict[int, _Row] = {}
    by_digest = {row.digest: row for row in rows}
    candidates = (
        AuditEvent.objects.filter(digest__in=list(by_digest))
        .exclude(pk__in=[row.id for row in rows])
        .values_list(*_COLUMNS)
    )
    for values in candidates:
        other = _row(values)
        copy = by_digest[other.digest]
        intact = other.digest_at(other.seq, other.prev_digest, key) == other.digest
        if copy.id not in found and intact:
            found[copy.id] = other
    return found


def _report_links(col: _Collector) -> None:
    """Link breaks next to a row that failed its digest are explained by that row."""
    failed = {row.seq for row in col.bad}
    for seq, issue in sorted(col.links.items()):
        if col.bad_total > len(col.bad) or not ({seq, seq - 1} & failed):
            col.add(issue)


def _check_head(col: _Collector, head: AuditHead | None, last: _Row | None) -> None:
    """The head read before the walk must name the last row walked."""
    result = col.result
    if head is None:
        if last is not None:
            col.add(
                Issue(
                    "head",
                    None,
                    None,
                    "链头记录缺失（AuditHead 被删除）",
                    "the chain head (AuditHead) is missing",
                )
            )
        return
    result.head_seq = head.seq
    if last is None:
        if head.seq > 0:
            col.add(
                Issue(
                    "missing",
                    1,
                    None,
                    f"{_range_zh(1, head.seq)}记录全部缺失（日志被清空），链头记载共{head.seq}条",
                    f"{_range_en(1, head.seq)} missing: the log was emptied "
                    f"(head records {head.seq} rows)",
                )
            )
        return
    zh, en = _label(last.seq, last.id)
    if head.seq > last.seq:
        col.add(
            Issue(
                "missing",
                last.seq + 1,
                None,
                f"{_range_zh(last.seq + 1, head.seq)}记录缺失（末尾记录已被删除），"
                f"现存最后一条为{zh}，链头记载共{head.seq}条",
                f"{_range_en(last.seq + 1, head.seq)} missing (last rows deleted); "
                f"the last remaining row is {en}, the head records {head.seq}",
            )
        )
    elif head.digest != last.digest:
        col.add(
            Issue(
                "head",
                last.seq,
                last.id,
                f"链尾{zh}与链头摘要不符（末条记录被替换或链头被改动）",
                f"the head digest does not match the last row, {en} "
                f"(last row replaced or head altered)",
            )
        )


def _check_beyond_head(col: _Collector) -> None:
    """Rows the head does not reach: the head was moved back, or rows were forged in.

    The newest row is read before the head: ``record()`` commits a row together with its
    head update, so any row seen here is already counted by the head read after it.
    """
    newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    head = AuditHead.objects.filter(pk=1).first()
    if newest is None or head is None or newest <= head.seq:
        return
    col.add(
        Issue(
            "head",
            head.seq + 1,
            None,
            f"{_range_zh(head.seq + 1, newest)}记录未登记在链头（链头被回拨或记录被伪造追加）",
            f"{_range_en(head.seq + 1, newest)} are beyond the head "
            f"(head moved back or rows forged)",
        )
    )


def _check_count(col: _Collector, upper: int | None) -> None:
    """Rows the seq walk could not see (a duplicated seq needs the unique index dropped)."""
    qs = AuditEvent.objects.all()
    total = (qs.filter(seq__lte=upper) if upper is not None else qs).count()
    extra = total - col.result.checked
    if extra > 0:
        col.add(
            Issue(
                "duplicate",
                None,
                None,
                f"有 {extra} 条记录的序号重复（唯一约束被移除）",
                f"{extra} row(s) share a sequence number (unique constraint removed)",
            )
        )
