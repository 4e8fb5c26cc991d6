"""Province-scale reports (信访举报) in bulk, for the benchmarks (DESIGN.md §5).

Rows are generated in chunks of ``CHUNK`` reports and written like the persons are
(``RowWriter``: COPY on PostgreSQL, ``executemany`` on SQLite) — reports with explicit ids,
their subjects (1–2, mostly linked to generated persons), their clocks (deadlines from one
memoised ``WorkCalendar``, never a query per row), the repeat signatures
(``qingfeng.intake.repeats.signature_rows``) and the search index
(``qingfeng.intake.search.bulk_index_tokens``). Real-name identities are sealed with the
same ``qingfeng.intake.identity.seal`` the service uses. A share of reports are lightly
edited resubmissions (重复件) linked to their first report.

Speed (1M reports on 2 cores): each chunk is made from its own ``random.Random`` seeded
with the seed and the chunk's index, so chunks are independent and deterministic whoever
makes them; at province size two forked worker processes make the texts, search tokens
and signatures (the pure-Python part, ≈ 1 ms a report) while the main process numbers the
reports in chunk order, seals identities and writes. The secondary indexes and (on
PostgreSQL) foreign keys of the report tables are dropped for the load and rebuilt once
at the end (``writer.without_indexes``), which is several times faster than maintaining
them row by row.

The mix of states follows each report's age: recent ones are still 待办理, older ones
accepted, assigned, closed and fed back; a few refused, transferred, sent up, forwarded
down to the township. No transitions, leads or documents are generated at this size.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import connection
from django.utils import timezone
from tqdm import tqdm

from qingfeng.demo import names, texts
from qingfeng.demo.generator import IdNumbers, Plan, random_day
from qingfeng.demo.writer import RowWriter, without_indexes
from qingfeng.documents.models import NumberSequence
from qingfeng.intake import repeats, search
from qingfeng.intake.identity import Identity, seal
from qingfeng.intake.models import (
    Channel,
    Clock,
    ClockKind,
    RefuseReason,
    Report,
    ReportClass,
    ReportSubject,
    Signature,
    Status,
)
from qingfeng.orgs.models import Person, UnitKind
from qingfeng.workdays.clock import WorkCalendar

REPORT_TABLES = [
    Report._meta.db_table,
    ReportSubject._meta.db_table,
    Clock._meta.db_table,
    Signature._meta.db_table,
]
YEARS = 5  # DESIGN.md §5: reports over five years
CHUNK = 10_000
# From this many chunks on, worker processes make the chunks (fork; at most 2: 2 cores).
PARALLEL_FROM = 3
WORKERS = 2
# From this many reports on, secondary indexes are rebuilt after the load.
REBUILD_FROM = 50_000
CHANNELS = (
    (Channel.LETTER, 520), (Channel.WEB, 250), (Channel.VISIT, 120), (Channel.PHONE, 90),
    (Channel.UPPER, 10), (Channel.STATION, 6), (Channel.INSPECTION, 2), (Channel.AUDIT, 2),
)  # fmt: skip
REAL_NAME_SHARE = 0.3
REPEAT_BASE_SHARE = 0.05  # bases that get 1–3 later near-copies (≈ 8 % of all reports)
AT_TOWNSHIP = 0.3
FORWARD = 0.3
SECOND_SUBJECT = 0.12
UNLINKED = 0.08
VILLAGE_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNITY)
RESULTS = (
    "经初步核实，反映问题部分属实，已对被反映人谈话提醒。",
    "经核查，反映问题不属实，予以澄清。",
    "反映问题属实，给予被反映人党内警告处分。",
    "经谈话函询，被反映人如实说明，予以了结。",
)

REPORT_FIELDS = (
    "id", "number", "org_id", "origin_org_id", "channel", "received_on", "arrived_on",
    "registered_at", "status", "klass", "refuse_reason", "is_real_name", "identity_enc",
    "title", "content", "category", "occurred_when", "occurred_where", "received_by",
    "visitor_count", "source_body", "source_ref", "handling_dept_id", "transfer_to",
    "repeat_of_id", "repeat_count", "query_hash", "accept_notice_on", "closed_on", "result",
    "feedback_on", "objection", "updated_at",
)  # fmt: skip
SUBJECT_FIELDS = ("report_id", "position", "name", "unit_name", "post", "person_id")
CLOCK_FIELDS = (
    "report_id", "kind", "org_id", "starts_on", "working_days", "due_on", "provisional",
    "met_at",
)  # fmt: skip
SIGNATURE_FIELDS = ("report_id", "band", "hash")


class Days:
    """Working-day arithmetic on one ``WorkCalendar``, memoised per (start, n)."""

    def __init__(self) -> None:
        self.cal = WorkCalendar()
        self.memo: dict[tuple[dt.date, int], tuple[dt.date, bool]] = {}

    def add(self, start: dt.date, n: int) -> tuple[dt.date, bool]:
        key = (start, n)
        hit = self.memo.get(key)
        if hit is None:
            deadline = self.cal.add_working_days(start, n)
            hit = self.memo[key] = (deadline.date, deadline.provisional)
        return hit


@dataclass
class Holder:
    """Where a person's reports go: the township body (if any) and the county body."""

    county: int
    township: int | None
    departments: tuple[int, ...]
    place: str


@dataclass
class Made:
    report: list[Any]  # the number and the sealed identity are filled in by ``finish``
    subjects: list[tuple[Any, ...]]
    clocks: list[tuple[Any, ...]]
    search_text: str
    identity: Identity | None


@dataclass
class Chunk:
    """One chunk's rows, ready to write once ``finish`` has numbered them."""

    index: int
    reports: list[list[Any]] = field(default_factory=list)
    subjects: list[tuple[Any, ...]] = field(default_factory=list)
    clocks: list[tuple[Any, ...]] = field(default_factory=list)
    signatures: list[tuple[int, int, int]] = field(default_factory=list)
    tokens: list[tuple[int, str]] = field(default_factory=list)  # search index rows
    identities: list[tuple[int, Identity]] = field(default_factory=list)  # (row, identity)


class ReportFactory:
    """Makes report rows for a province plan; ``start_chunk`` gives it each chunk's
    random source. Holds no database state once built (worker processes use it)."""

    def __init__(self, plan: Plan, today: dt.date) -> None:
        self.rng = random.Random(0)
        self.today = today
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.days = Days()
        # Load every calendar year the clocks can touch now: workers never query.
        self.days.cal.ensure(
            today - dt.timedelta(days=366 * (YEARS + 1)), today + dt.timedelta(days=730)
        )
        self.days.cal.is_final(today.year)
        self.ids = IdNumbers(self.rng)
        self.code = {o.id: o.code for o in plan.orgs}
        self.seq: dict[tuple[int, int], int] = {}
        unit_by_id = {u.id: u for u in plan.units}
        holders: dict[int, Holder] = {}  # org id of a unit -> holder
        for county in plan.counties:
            depts = tuple(
                d.id for k, d in county.depts.items() if k in ("JC1", "JC2", "DF") or k[:2] == "PZ"
            )
            base = Holder(county.org.id, None, depts, county.org.name.removesuffix("纪委监委"))
            holders[county.org.id] = base
            for d in county.depts.values():
                holders[d.id] = base
            for t in county.townships:
                town = t.org.name.removesuffix("纪工委").removesuffix("纪委")
                holders[t.org.id] = Holder(county.org.id, t.org.id, depts, town)
                for s in t.stations:
                    village = s.name.removeprefix(town).removesuffix("联络站")
                    holders[s.id] = Holder(county.org.id, t.org.id, depts, town + village)
        self.village: list[tuple[int, str, str, str, Holder]] = []
        self.other: list[tuple[int, str, str, str, Holder]] = []
        for pk, name, unit_id, post in (
            Person.objects.order_by("pk")
            .values_list("pk", "name", "unit_id", "post")
            .iterator(chunk_size=20_000)
        ):
            unit = unit_by_id.get(unit_id)
            if unit is None or unit.org_id not in holders:
                continue
            row = (pk, name, unit.name, post, holders[unit.org_id])
            (self.village if unit.kind in VILLAGE_KINDS else self.other).append(row)
        channels, weights = zip(*CHANNELS, strict=True)
        self.channels, self.weights = list(channels), list(weights)

    def start_chunk(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids = IdNumbers(rng)

    def number(self, org_id: int, year: int) -> str:
        key = (org_id, year)
        n = self.seq[key] = self.seq.get(key, 0) + 1
        return f"{self.code[org_id]}-{year}-{n:05d}"

    def person(self) -> tuple[int, str, str, str, Holder]:
        pool = (
            self.village
            if (self.rng.random() < 0.6 and self.village) or not self.other
            else self.other
        )
        return pool[int(self.rng.random() * len(pool))]

    def received(self) -> dt.date:
        # Slightly more reports in recent years.
        age = int(365 * YEARS * self.rng.random() ** 1.1)
        return self.today - dt.timedelta(days=age)

    def at(self, day: dt.date) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(9), tzinfo=self.tz)
        return min(moment + dt.timedelta(minutes=self.rng.randint(0, 480)), self.now)

    def make(
        self,
        pk: int,
        *,
        base: tuple[Made, tuple[int, str, str, str, Holder], dt.date] | None = None,
        repeats_later: int = 0,
    ) -> tuple[Made, tuple[int, str, str, str, Holder], dt.date]:
        """One report row with its subjects and clocks (``base``: a near-copy of it)."""
        rng, days, today = self.rng, self.days, self.today
        if base is None:
            person = self.person()
            received = self.received()
            pid, name, unit, post, holder = person
            subjects: list[tuple[str, str, str, int | None]] = [(name, unit, post, pid)]
            if rng.random() < SECOND_SUBJECT:
                pid2, n2, u2, p2, _h = self.person()
                subjects.append((n2, u2, p2, pid2))
            if rng.random() < UNLINKED:
                other = names.person_name(rng, male=True, birth_year=rng.randint(1960, 1990))
                subjects[0] = (other, unit, rng.choice(("村民小组长", "网格员", "村文书")), None)
            text = texts.compose(rng, texts.Subject(*subjects[0][:3], holder.place), today)
        else:
            made, person, first_day = base
            holder = person[4]
            received = min(today, first_day + dt.timedelta(days=rng.randint(10, 150)))
            row = made.report
            subjects = [(s[2], s[3], s[4], s[5]) for s in made.subjects]
            content = texts.near_copy(rng, row[14], heavy=rng.random() < 0.3)
            text = texts.Text("", row[15], row[9] or ReportClass.ACCUSATION, row[13], content,
                              row[16], row[17])  # fmt: skip
        channel = rng.choices(self.channels, self.weights)[0]
        at_township = holder.township is not None and (
            channel == Channel.STATION or rng.random() < AT_TOWNSHIP
        )
        origin = holder.township if at_township and holder.township else holder.county
        org = origin
        arrived = received
        status = Status.REGISTERED
        klass = refuse = transfer = result = ""
        dept: int | None = None
        notice = closed = feedback = None
        real = channel not in (Channel.UPPER, Channel.INSPECTION, Channel.AUDIT) and (
            rng.random() < REAL_NAME_SHARE
        )
        clocks: list[tuple[Any, ...]] = []
        route_day, _p = days.add(
            received, rng.choices((1, 2, 3, 4, 5, 8), (22, 25, 20, 15, 10, 8))[0]
        )
        age = (today - received).days
        stalled = route_day > today or (age < 60 and rng.random() < 0.08)
        route_met: dt.date | None = None if stalled else route_day
        notice_open = real
        if base is not None:
            if not stalled:
                status = Status.REPEAT
                notice_open = False
        elif not stalled:
            roll = rng.random()
            if roll < 0.05:
                status, klass = Status.REFUSED, ReportClass.REFUSED
                refuse = rng.choice(RefuseReason.values)
            elif roll < 0.065 and not at_township:
                status, transfer, notice_open = Status.TRANSFERRED, "县公安局", False
            elif roll < 0.075:
                status, transfer, notice_open = Status.SENT_UP, "上级纪委监委", False
            else:
                klass = text.klass
                if not at_township and holder.township is not None and rng.random() < FORWARD:
                    clocks.append(self.clock(pk, ClockKind.ROUTE, org, received, route_day))
                    org, arrived = holder.township, route_day
                    route_day, _p = days.add(arrived, rng.choice((1, 2, 3, 4)))
                    if route_day > today:
                        route_met = None
                        klass = ""
                if route_met is not None:
                    status = Status.ACCEPTED
                    if org == holder.county and rng.random() < 0.9:
                        status, dept = Status.ASSIGNED, rng.choice(holder.departments)
                    close_day = route_day + dt.timedelta(days=rng.randint(18, 120))
                    if close_day <= today:
                        status, closed, result = Status.CLOSED, close_day, rng.choice(RESULTS)
                        fb_day, _p = days.add(close_day, rng.randint(2, 14))
                        if fb_day <= today and (real or rng.random() < 0.7):
                            status, feedback = Status.FEEDBACK_GIVEN, fb_day if real else close_day
                    if real:
                        n_day, _p = days.add(received, rng.randint(4, 14))
                        n_day = max(n_day, route_day)
                        if n_day <= today:
                            notice = n_day
        clocks.append(self.clock(pk, ClockKind.ROUTE, org, arrived, route_met))
        if real and notice_open:
            if notice is None and status == Status.REFUSED:
                notice = route_day
            clocks.append(self.clock(pk, ClockKind.ACCEPT_NOTICE, origin, received, notice, org))
        if real and closed is not None:
            clocks.append(self.clock(pk, ClockKind.RESULT_FEEDBACK, org, closed, feedback))
        identity = self.identity(rng, text.content) if real else None
        row = [
            pk, "", org, origin, channel, received, arrived, self.at(received), status,
            klass, refuse, real, "", text.title, text.content, text.category,
            text.occurred_when, text.occurred_where,
            "值班人员" if channel in (Channel.VISIT, Channel.PHONE) else "",
            rng.choice((1, 1, 2, 3)) if channel == Channel.VISIT else 0,
            "上级纪委监委信访室" if channel == Channel.UPPER else "",
            "", dept, transfer,
            base[0].report[0] if base is not None and status == Status.REPEAT else None,
            repeats_later, "", notice, closed, result, feedback, "", self.now,
        ]  # fmt: skip
        subject_rows = [
            (pk, i, n, u, p, person_id) for i, (n, u, p, person_id) in enumerate(subjects)
        ]
        made = Made(
            row,
            subject_rows,
            clocks,
            search.indexed_text(
                title=text.title, content=text.content, subjects=[s[:3] for s in subjects]
            ),
            identity,
        )
        return made, (subjects[0][3] or 0, *subjects[0][:3], holder), received

    def clock(
        self,
        pk: int,
        kind: str,
        org: int,
        start: dt.date,
        met: dt.date | None,
        holder: int | None = None,
    ) -> tuple[Any, ...]:
        n = 5 if kind == ClockKind.ROUTE else 15
        due, provisional = self.days.add(start, n)
        met_at = self.at(met) if met is not None else None
        return (pk, kind, holder or org, start, n, due, provisional, met_at)

    def identity(self, rng: random.Random, avoid: str) -> Identity:
        while True:
            male = rng.random() < 0.62
            day = random_day(rng, 1950, 1998)
            name = names.person_name(rng, male=male, birth_year=dt.date.fromordinal(day).year)
            if name not in avoid:
                break
        return Identity(
            name=name, id_number=self.ids.make("370000", day, male)[0], phone=names.mobile(rng)
        )


def generate_rows(factory: ReportFactory, first_id: int, count: int) -> Iterator[Made]:
    """``count`` reports from ``first_id`` on; a base's near-copies follow it directly."""
    rng = factory.rng
    pk = first_id
    last = first_id + count
    while pk < last:
        later = 0
        if rng.random() < REPEAT_BASE_SHARE:
            later = min(rng.choice((1, 1, 1, 2, 2, 3)), last - pk - 1)
        base = factory.make(pk, repeats_later=0)
        copies = [factory.make(pk + 1 + i, base=base) for i in range(later)]
        confirmed = sum(1 for c in copies if c[0].report[8] == Status.REPEAT)
        base[0].report[25] = confirmed
        yield base[0]
        for c in copies:
            yield c[0]
        pk += 1 + later


def make_chunk(factory: ReportFactory, seed: int, index: int, first_id: int, count: int) -> Chunk:
    """Chunk ``index``: ``count`` reports from ``first_id`` on, with their search tokens and
    signature rows, from the chunk's own random source (the same whichever process)."""
    factory.start_chunk(random.Random(f"{seed}-bulk-reports-{index}"))
    chunk = Chunk(index)
    for made in generate_rows(factory, first_id, count):
        row = made.report
        pk = row[0]
        if made.identity is not None:
            chunk.identities.append((len(chunk.reports), made.identity))
        chunk.reports.append(row)
        chunk.subjects += made.subjects
        chunk.clocks += made.clocks
        chunk.tokens.append((pk, search.tokens_for(made.search_text)))
        chunk.signatures += [
            (pk, band, h)
            for band, h in repeats.signature_rows(
                title=row[13], content=row[14], subjects=[(s[2], s[3]) for s in made.subjects]
            )
        ]
    return chunk


def finish(factory: ReportFactory, chunk: Chunk) -> None:
    """Number the chunk's reports (per body and year, in order) and seal identities."""
    for row in chunk.reports:
        row[1] = factory.number(row[3], row[5].year)
    for i, identity in chunk.identities:
        row = chunk.reports[i]
        row[12] = seal(identity, report_number=row[1])


# The factory and seed of the running load, inherited by forked workers.
_SHARED: tuple[ReportFactory, int] | None = None


def _no_queries(*_args: Any) -> None:
    raise RuntimeError("worker processes must not query the database")


def _worker_init() -> None:
    assert _SHARED is not None
    # The parent's connection is inherited across fork: make sure nothing here uses it.
    _SHARED[0].days.cal._load_days = _no_queries  # type: ignore[method-assign,assignment]


def _work(spec: tuple[int, int, int]) -> Chunk:
    assert _SHARED is not None
    factory, seed = _SHARED
    return make_chunk(factory, seed, *spec)


def make_chunks(
    factory: ReportFactory, seed: int, specs: Iterable[tuple[int, int, int]], workers: int
) -> Iterator[Chunk]:
    """The chunks for ``specs`` (index, first id, count), in order; made by ``workers``
    forked processes (at most two chunks each in flight) or, for 0 or 1, here."""
    if workers < 2:
        for spec in specs:
            yield make_chunk(factory, seed, *spec)
        return
    global _SHARED
    _SHARED = (factory, seed)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_worker_init) as pool:
            todo = iter(specs)
            pending = deque(pool.apply_async(_work, (spec,)) for spec in islice(todo, 2 * workers))
            while pending:
                chunk: Chunk = pending.popleft().get()
                for spec in islice(todo, 1):
                    pending.append(pool.apply_async(_work, (spec,)))
                yield chunk
    finally:
        _SHARED = None


def write_reports(
    *,
    plan: Plan,
    seed: int,
    count: int,
    writer: RowWriter,
    log: Callable[[str], None] = lambda _m: None,
    workers: int | None = None,
) -> int:
    """Generate and write ``count`` reports for the province plan; returns the number.

    ``workers``: processes making the chunks (default: ``WORKERS`` from ``PARALLEL_FROM``
    chunks on, else none). The rows are the same for a seed whatever the number.
    """
    today = timezone.localdate()
    log("正在读取监察对象（用于被反映人）…")
    factory = ReportFactory(plan, today)
    first_id = (Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    specs = [
        (i, first_id + start, min(CHUNK, count - start))
        for i, start in enumerate(range(0, count, CHUNK))
    ]
    if workers is None:
        workers = min(WORKERS, os.cpu_count() or 1) if len(specs) >= PARALLEL_FROM else 0
    inner = RowWriter(fast=True, progress=False)
    tables = list(REPORT_TABLES)
    if connection.vendor == "postgresql":
        tables.append(search.PG_TABLE)
    written = 0
    with without_indexes(tables if count >= REBUILD_FROM else [], log=log):
        chunks = make_chunks(factory, seed, specs, workers)  # forks before the bar's thread
        bar = tqdm(
            total=count, desc="信访举报", unit="件", file=writer.stream or sys.stderr,
            disable=not writer.progress, mininterval=0.5, dynamic_ncols=True,
        )  # fmt: skip
        try:
            for chunk in chunks:
                finish(factory, chunk)
                written += _flush(inner, chunk)
                bar.update(len(chunk.reports))
        finally:
            bar.close()
    inner.reset_sequences()
    NumberSequence.objects.bulk_create(
        NumberSequence(org_id=org, series="信访登记", year=year, last=last)
        for (org, year), last in factory.seq.items()
    )
    return written


def _flush(writer: RowWriter, chunk: Chunk) -> int:
    n = writer.write(
        Report, REPORT_FIELDS, (tuple(r) for r in chunk.reports), total=len(chunk.reports),
        label="",
    )  # fmt: skip
    writer.write(ReportSubject, SUBJECT_FIELDS, chunk.subjects, total=0, label="")
    writer.write(Clock, CLOCK_FIELDS, chunk.clocks, total=0, label="")
    writer.write(Signature, SIGNATURE_FIELDS, chunk.signatures, total=0, label="")
    search.bulk_index_tokens(connection, chunk.tokens)
    return n
