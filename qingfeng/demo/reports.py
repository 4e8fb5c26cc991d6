"""Demo reports for the county: ~400 over the last 12 months, through the real services.

Every report is registered and moved along with ``qingfeng.intake.services`` acting as the
demo personas (xinfang at the county, shuji / ganshi at their townships), so numbers,
transitions, clocks, leads, documents, the audit log and the indexers are exactly what
an officer's clicks produce. Each report first gets a timeline of dated steps (received,
routed within a few working days, accepted, assigned, 受理告知, closed, 结果反馈); the steps
that fall after today are dropped, which leaves recent reports 待办理 and old ones closed.

The services act "today". Afterwards the generator backdates the rows those steps wrote
to the timeline's days — ``Transition.at``, the report's dates (registered_at,
arrived_on, accept_notice_on, closed_on, feedback_on), the clocks (starts, deadlines
recomputed on one ``WorkCalendar``, met_at) and the leads' ``created_at`` — so the
to-do list, "已超期" and the statistics look like a year of work. The audit log and the
issued documents keep their real (today's) times: the audit chain is append-only.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.demo import names, texts
from qingfeng.demo.generator import IdNumbers, random_day
from qingfeng.intake import services
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import (
    Channel,
    Clock,
    ClockKind,
    RefuseReason,
    Report,
    Transition,
)
from qingfeng.orgs.models import Org, OrgKind, Person, PersonCategory
from qingfeng.workdays.clock import WorkCalendar

COUNTY_REPORTS = 400
CHANNELS: tuple[tuple[str, int], ...] = (
    (Channel.LETTER, 540),
    (Channel.WEB, 225),
    (Channel.VISIT, 127),
    (Channel.PHONE, 88),
    (Channel.UPPER, 12),
    (Channel.STATION, 8),
)
REAL_NAME_SHARE = 0.35
# Web reports submitted through the public path (query code + Argon2, ~0.2 s each); the
# rest of the web reports came in through the 12388 platform and were registered by 信访室.
PORTAL_SHARE = 0.15
REPEAT_SHARE = 0.07
FORWARD_SHARE = 0.35  # of county-registered reports about a township or village cadre
TOWNSHIP_SHARE = 0.3  # registered directly by a township commission
REFUSE_SHARE = 0.05
TRANSFER_SHARE = 0.015
SEND_UP_SHARE = 0.015
TWO_SUBJECTS = 0.1
# Reports of the last weeks nobody has routed yet (most of them past the 5-day clock).
STALLED_DAYS = 45
STALLED_SHARE = 0.15
UNLINKED_SUBJECT = 0.08

RESULTS = (
    "经初步核实，反映的主要问题属实，已给予被反映人党内警告处分，违规款项已追缴。",
    "经核查，反映问题部分属实，已对被反映人进行谈话提醒，责令整改。",
    "经核查，反映问题不属实，已向被反映人所在单位说明情况，予以澄清。",
    "经谈话函询，被反映人作出说明，相关问题已整改到位，予以了结。",
    "已责令相关村委会重新评议并公示，违规享受人员已清退，对责任人批评教育。",
)
REFUSALS = (
    (RefuseReason.LITIGATION, "所反映问题属于民事纠纷，已告知通过诉讼途径解决。"),
    (RefuseReason.OTHER_BODY, "所反映问题属于信访部门职责范围，已告知向其反映。"),
    (RefuseReason.NO_SUBSTANCE, "反映内容笼统，缺少具体事实，无法核查。"),
)
TRANSFERS = ("县公安局", "县人民法院", "县市场监督管理局", "县住房和城乡建设局")


@dataclass
class Step:
    action: str
    day: dt.date
    arg: Any = None


@dataclass
class Planned:
    received_on: dt.date
    channel: str
    org: Org  # registering body
    subjects: list[tuple[str, str, str, int | None]]
    text: texts.Text
    real_name: bool
    identity: Identity
    steps: list[Step] = field(default_factory=list)
    repeat_of: int | None = None  # index of the first report in the plan
    public: bool = False
    township: Org | None = None  # the township of the (first) person reported on


@dataclass
class CountyContext:
    county: Org
    townships: list[Org]
    departments: list[Org]  # supervision rooms and dispatched groups of the county
    actors: dict[int, User]  # body id -> the persona acting there
    officer_name: str
    township_of: dict[int, Org]  # any org id under a township -> the township


def _context(county: Org) -> CountyContext:
    orgs = list(Org.objects.filter(path__startswith=county.path))
    townships = sorted(
        (o for o in orgs if o.kind in (OrgKind.TOWNSHIP, OrgKind.STREET)),
        key=lambda o: (o.sort_order, o.pk),
    )
    by_path = {t.path: t for t in townships}
    township_of: dict[int, Org] = {}
    for o in orgs:
        for path, township in by_path.items():
            if o.path.startswith(path):
                township_of[o.pk] = township
    departments = [
        o
        for o in orgs
        if o.parent_id == county.pk
        and (o.kind == OrgKind.DISPATCHED or o.function in ("supervision", "conduct"))
    ]
    users = {
        u.username: u for u in User.objects.filter(username__in=("xinfang", "shuji", "ganshi"))
    }
    xinfang = users["xinfang"]
    actors = {county.pk: xinfang}
    for t in townships:
        actors[t.pk] = xinfang
    for username in ("shuji", "ganshi"):
        user = users.get(username)
        if user is not None and user.org_id in actors:
            actors[user.org_id] = user
    return CountyContext(
        county, townships, sorted(departments, key=lambda o: o.pk), actors, xinfang.full_name,
        township_of,
    )  # fmt: skip


def _pick_persons(rng: random.Random, persons: list[Person], n: int) -> list[Person]:
    """Mostly village and community cadres, then township and county officials."""
    weights = [
        6.0 if p.category == PersonCategory.GRASSROOTS else 1.5 if p.post in _LEADER_POSTS else 1.0
        for p in persons
    ]
    return rng.choices(persons, weights, k=n)


_LEADER_POSTS = frozenset(
    p for ladder in (names.TOWNSHIP_POSTS, names.STREET_POSTS) for p in ladder[:5]
)


def _place(person: Person, ctx: CountyContext) -> str:
    township = ctx.township_of.get(person.org_id)
    if township is None:
        return "清河县"
    base = township.name.removesuffix("纪委").removesuffix("纪工委")
    unit = person.unit.name
    for suffix in ("村民委员会", "居民委员会"):
        if unit.endswith(suffix):
            return base + unit.removesuffix(suffix) + ("村" if suffix.startswith("村") else "社区")
    return base


def _identity(rng: random.Random, ids: IdNumbers, avoid: str, visitors: int) -> Identity:
    while True:
        male = rng.random() < 0.62
        day = random_day(rng, 1950, 1998)
        name = names.person_name(rng, male=male, birth_year=dt.date.fromordinal(day).year)
        if name not in avoid:
            break
    id_number, _birth = ids.make("371521", day, male)
    companions = ""
    if visitors > 1:
        companions = "、".join(
            names.person_name(rng, male=rng.random() < 0.6, birth_year=rng.randint(1950, 1990))
            for _ in range(visitors - 1)
        )
    return Identity(
        name=name,
        id_number=id_number if rng.random() < 0.8 else "",
        phone=names.mobile(rng),
        address=f"清河县{rng.choice(names.COMMUNITY_NAMES)}路{rng.randint(1, 200)}号"
        if rng.random() < 0.5
        else "",
        companions=companions,
    )


def _workday_on_or_after(cal: WorkCalendar, day: dt.date) -> dt.date:
    while not cal.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def _route_delay(rng: random.Random) -> int:
    return rng.choices((1, 2, 3, 4, 5, 7, 10), (22, 25, 20, 14, 9, 6, 4))[0]


def _handling_steps(
    rng: random.Random,
    cal: WorkCalendar,
    plan: Planned,
    start: dt.date,
    *,
    holder: Org,
    ctx: CountyContext,
) -> list[Step]:
    """Routing at ``holder`` from the day it arrived there, up to 结果反馈."""
    route = cal.add_working_days(start, _route_delay(rng)).date
    roll = rng.random()
    if plan.repeat_of is not None:
        return [Step("mark_repeat", route)]
    if roll < REFUSE_SHARE and not plan.real_name:
        reason, why = rng.choice(REFUSALS)
        return [Step("refuse", route, (reason, why))]
    roll -= REFUSE_SHARE
    if holder.kind == OrgKind.COUNTY:
        if roll < TRANSFER_SHARE:
            return [Step("transfer_out", route, rng.choice(TRANSFERS))]
        roll -= TRANSFER_SHARE
        if roll < SEND_UP_SHARE:
            return [Step("send_up", route)]
        township = plan.township
        if township is not None and rng.random() < FORWARD_SHARE:
            steps = [Step("forward_down", route, township)]
            return steps + _handling_steps(rng, cal, plan, route, holder=township, ctx=ctx)
    steps = [Step("classify", route, plan.text.klass), Step("accept", route)]
    accepted = route
    if holder.kind == OrgKind.COUNTY:
        assigned = cal.add_working_days(accepted, rng.randint(1, 3)).date
        steps.append(Step("assign", assigned, rng.choice(ctx.departments)))
    close_on = _workday_on_or_after(cal, accepted + dt.timedelta(days=rng.randint(18, 110)))
    feedback_on = cal.add_working_days(
        close_on, rng.randint(2, 13) if rng.random() > 0.06 else rng.randint(16, 22)
    ).date
    if plan.real_name:
        late = rng.random() < 0.06
        notify = cal.add_working_days(
            plan.received_on, rng.randint(16, 20) if late else rng.randint(4, 14)
        ).date
        notify = min(max(notify, accepted), feedback_on)
        steps.append(Step("notify_acceptance", notify))
    steps.append(Step("close", close_on, rng.choice(RESULTS)))
    if plan.real_name or rng.random() < 0.7:
        steps.append(Step("record_feedback", feedback_on if plan.real_name else close_on))
    steps.sort(key=lambda s: s.day)  # stable: same-day steps keep their order
    return steps


def plan_reports(
    rng: random.Random, ctx: CountyContext, persons: list[Person], today: dt.date, count: int
) -> list[Planned]:
    """The reports to create, oldest first, each with its dated steps up to today."""
    cal = WorkCalendar()
    ids = IdNumbers(rng)
    first_day = today - dt.timedelta(days=365)
    channels, weights = zip(*CHANNELS, strict=True)
    chosen = _pick_persons(rng, persons, count)
    plans: list[Planned] = []
    for i in range(count):
        # Reports arrive a little more often lately (the demo's to-do list is not empty).
        age = int(365 * rng.random() ** 1.15)
        received = max(first_day, today - dt.timedelta(days=age))
        repeat_of = None
        township: Org | None = None
        if plans and rng.random() < REPEAT_SHARE:
            candidates = [
                j for j, p in enumerate(plans)
                if p.repeat_of is None and p.received_on < received - dt.timedelta(days=10)
            ]  # fmt: skip
            if candidates:
                repeat_of = rng.choice(candidates)
        if repeat_of is not None:
            first = plans[repeat_of]
            subjects = first.subjects
            content = texts.near_copy(rng, first.text.content)
            text = texts.Text(**{**first.text.__dict__, "content": content})
            channel = rng.choices(channels, weights)[0]
            org, township = first.org, first.township
        else:
            person = chosen[i]
            subjects = [(person.name, person.unit.name, person.post, person.pk)]
            if rng.random() < TWO_SUBJECTS:
                peers = [p for p in persons if p.unit_id == person.unit_id and p.pk != person.pk]
                if peers:
                    peer = rng.choice(peers)
                    subjects.append((peer.name, peer.unit.name, peer.post, peer.pk))
            if rng.random() < UNLINKED_SUBJECT:
                _name, unit, _post, _pk = subjects[0]
                other = names.person_name(rng, male=True, birth_year=rng.randint(1960, 1990))
                subjects[0] = (other, unit, rng.choice(("村民小组长", "村文书", "网格员")), None)
            subject = texts.Subject(subjects[0][0], subjects[0][1], subjects[0][2],
                                    _place(person, ctx))  # fmt: skip
            text = texts.compose(rng, subject, today)
            channel = rng.choices(channels, weights)[0]
            township = ctx.township_of.get(person.org_id)
            if channel == Channel.STATION and township is None:
                channel = Channel.LETTER
            to_township = township is not None and (
                channel == Channel.STATION
                or (channel in (Channel.LETTER, Channel.VISIT, Channel.PHONE)
                    and rng.random() < TOWNSHIP_SHARE)
            )  # fmt: skip
            org = township if to_township and township is not None else ctx.county
        visitors = rng.choice((1, 1, 1, 2, 3, 5)) if channel == Channel.VISIT else 0
        real = channel != Channel.UPPER and rng.random() < REAL_NAME_SHARE
        avoid = text.title + text.content + "".join(s[0] for s in subjects)
        identity = _identity(rng, ids, avoid, visitors) if real else Identity()
        public = channel == Channel.WEB and org == ctx.county and rng.random() < PORTAL_SHARE
        if public and real and not identity.id_number:
            identity = Identity(**{**identity.__dict__, "id_number": ids.make(
                "371521", random_day(rng, 1960, 1995), True)[0]})  # fmt: skip
        plan = Planned(received, channel, org, subjects, text, real, identity,
                       repeat_of=repeat_of, public=public, township=township)  # fmt: skip
        # Steps are in date order and each follows its predecessor: dropping those after
        # today leaves a valid prefix.
        plan.steps = [
            s
            for s in _handling_steps(rng, cal, plan, received, holder=org, ctx=ctx)
            if s.day <= today
        ]
        if (today - received).days < STALLED_DAYS and rng.random() < STALLED_SHARE:
            plan.steps = []  # still 待办理: the to-do list and "已超期" have items
        plans.append(plan)
    order = sorted(range(len(plans)), key=lambda j: (plans[j].received_on, j))
    position = {old: new for new, old in enumerate(order)}
    ordered = [plans[j] for j in order]
    for p in ordered:
        if p.repeat_of is not None:
            p.repeat_of = position[p.repeat_of]
    return ordered


def _input(plan: Planned, ctx: CountyContext, rng: random.Random) -> services.ReportInput:
    extra: dict[str, Any] = {}
    if plan.channel in (Channel.VISIT, Channel.PHONE):
        extra["received_by"] = ctx.officer_name if plan.org == ctx.county else "值班人员"
    if plan.channel == Channel.VISIT:
        extra["visitor_count"] = max(1, len(plan.identity.companions.split("、")) + 1
                                     if plan.identity.companions else 1)  # fmt: skip
    if plan.channel == Channel.UPPER:
        extra["source_body"] = "市纪委监委信访室"
        extra["source_ref"] = f"市纪信转〔{plan.received_on.year}〕{rng.randint(1, 300)}号"
    return services.ReportInput(
        channel=plan.channel,
        received_on=plan.received_on,
        title=plan.text.title,
        content=plan.text.content,
        subjects=[services.SubjectInput(n, u, p, pk) for n, u, p, pk in plan.subjects],
        category=plan.text.category,
        is_real_name=plan.real_name,
        identity=plan.identity,
        occurred_when=plan.text.occurred_when,
        occurred_where=plan.text.occurred_where,
        **extra,
    )


def _documents_ready() -> bool:
    try:
        from qingfeng.documents import services as _documents  # noqa: F401
    except ImportError:
        return False
    return True


def _at(day: dt.date, index: int, rng: random.Random, now: dt.datetime) -> dt.datetime:
    """A plausible office-hours time on ``day`` (the ``index``-th step of the report)."""
    moment = dt.datetime.combine(day, dt.time(8, 40), tzinfo=timezone.get_current_timezone())
    moment += dt.timedelta(minutes=9 * index + rng.randint(0, 30))
    return min(moment, now)


def run_plan(
    plans: list[Planned], ctx: CountyContext, rng: random.Random, *, progress: Callable[[], object]
) -> dict[str, int]:
    """Create the planned reports through the services and backdate what they wrote."""
    documents = _documents_ready()
    backdater = Backdater(WorkCalendar(), rng, timezone.now())
    created: list[Report] = []
    skipped = 0
    for plan in plans:
        actor = ctx.actors[plan.org.pk]
        data = _input(plan, ctx, rng)
        report = services.register_report(
            actor=None if plan.public else actor, org=plan.org, data=data
        ).report
        created.append(report)
        done: list[Step] = [Step("register", plan.received_on)]
        for step in plan.steps:
            if step.action in ("notify_acceptance", "record_feedback") and not documents:
                skipped += 1
                continue
            first = created[plan.repeat_of] if plan.repeat_of is not None else None
            report = _apply(step, report, ctx, first)
            done.append(step)
        backdater.add(report, done)
        progress()
    backdater.flush()
    return {"reports": len(created), "skipped_document_steps": skipped}


def _apply(step: Step, report: Report, ctx: CountyContext, first: Report | None) -> Report:
    actor = ctx.actors[report.org_id]
    s = services
    match step.action:
        case "classify":
            return s.classify(report=report, klass=step.arg, actor=actor)
        case "accept":
            return s.accept(report=report, actor=actor)
        case "assign":
            return s.assign(report=report, department=step.arg, actor=actor)
        case "notify_acceptance":
            return s.notify_acceptance(report=report, actor=actor)
        case "close":
            return s.close(report=report, result=step.arg, actor=actor)
        case "record_feedback":
            return s.record_feedback(report=report, actor=actor)
        case "refuse":
            reason, why = step.arg
            return s.refuse(report=report, refuse_reason=reason, reason=why, actor=actor)
        case "forward_down":
            return s.forward_down(
                report=report, target=step.arg, reason="属于下级管辖，转乡镇纪委办理", actor=actor
            )
        case "send_up":
            return s.send_up(report=report, reason="反映问题属于上级管辖，报送上级", actor=actor)
        case "transfer_out":
            return s.transfer_out(
                report=report, authority=step.arg, reason="不属于纪检监察机关职责范围", actor=actor
            )
        case "mark_repeat" if first is not None:
            return s.mark_repeat(report=report, earlier=first, actor=actor)
    raise ValueError(step.action)


# Steps that end a report's stay at a body (they meet that body's routing clock).
_ROUTED = ("accept", "refuse", "forward_down", "send_up", "transfer_out", "mark_repeat")


class Backdater:
    """Moves the rows the services wrote "today" to the days of each report's timeline.

    Collects the new values report by report and writes them at the end with one
    ``executemany`` per table.
    """

    def __init__(self, cal: WorkCalendar, rng: random.Random, now: dt.datetime) -> None:
        self.cal, self.rng, self.now = cal, rng, now
        self.transitions: list[tuple[Any, ...]] = []
        self.reports: list[tuple[Any, ...]] = []
        self.clocks: list[tuple[Any, ...]] = []
        self.leads: list[tuple[Any, ...]] = []

    def add(self, report: Report, done: list[Step]) -> None:
        stamps = [_at(step.day, i, self.rng, self.now) for i, step in enumerate(done)]
        ids = list(
            Transition.objects.filter(report=report).order_by("id").values_list("id", flat=True)
        )
        if len(ids) == len(done):
            self.transitions += [(at, pk) for pk, at in zip(ids, stamps, strict=True)]
        day_of = {step.action: (step.day, at) for step, at in zip(done, stamps, strict=True)}
        arrivals = [done[0].day] + [s.day for s in done if s.action in ("forward_down", "send_up")]
        leaving = [at for s, at in zip(done, stamps, strict=True) if s.action in _ROUTED]
        self.reports.append((
            stamps[0],
            arrivals[-1],
            day_of.get("notify_acceptance", (None,))[0],
            day_of.get("close", (None,))[0],
            day_of.get("record_feedback", (None,))[0],
            report.pk,
        ))  # fmt: skip
        route_index = 0
        for clock in Clock.objects.filter(report=report).order_by("id"):
            met_at = clock.met_at
            if clock.kind == ClockKind.ROUTE:
                clock.starts_on = arrivals[min(route_index, len(arrivals) - 1)]
                if met_at is not None and route_index < len(leaving):
                    met_at = leaving[route_index]
                route_index += 1
            elif clock.kind == ClockKind.ACCEPT_NOTICE and met_at is not None:
                met_at = day_of.get("notify_acceptance", (None, met_at))[1]
            elif clock.kind == ClockKind.RESULT_FEEDBACK and "close" in day_of:
                clock.starts_on = day_of["close"][0]
                if met_at is not None and "record_feedback" in day_of:
                    met_at = day_of["record_feedback"][1]
            deadline = self.cal.add_working_days(clock.starts_on, clock.working_days)
            self.clocks.append(
                (clock.starts_on, deadline.date, deadline.provisional, met_at, clock.pk)
            )
        if "accept" in day_of:
            self.leads.append((day_of["accept"][1], report.pk))

    def flush(self) -> None:
        ops = connection.ops
        dtv, dv = ops.adapt_datetimefield_value, ops.adapt_datefield_value
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE intake_transition SET at = %s WHERE id = %s",
                [(dtv(at), pk) for at, pk in self.transitions],
            )
            cursor.executemany(
                "UPDATE intake_report SET registered_at = %s, arrived_on = %s, "
                "accept_notice_on = %s, closed_on = %s, feedback_on = %s WHERE id = %s",
                [(dtv(a), dv(b), dv(c), dv(d), dv(e), pk) for a, b, c, d, e, pk in self.reports],
            )
            cursor.executemany(
                "UPDATE intake_clock SET starts_on = %s, due_on = %s, provisional = %s, "
                "met_at = %s WHERE id = %s",
                [(dv(a), dv(b), c, dtv(d), pk) for a, b, c, d, pk in self.clocks],
            )
            cursor.executemany(
                "UPDATE cases_lead SET created_at = %s WHERE report_id = %s",
                [(dtv(at), pk) for at, pk in self.leads],
            )


def generate_county_reports(
    *,
    county: Org,
    seed: int,
    count: int = COUNTY_REPORTS,
    progress: Callable[[], object] = lambda: None,
) -> dict[str, int]:
    """~``count`` reports over the last 12 months for the demo county (deterministic)."""
    rng = random.Random(f"{seed}-reports")
    ctx = _context(county)
    persons = list(
        Person.objects.filter(org__path__startswith=county.path, is_active=True)
        .select_related("unit")
        .order_by("pk")
    )
    today = timezone.localdate()
    plans = plan_reports(rng, ctx, persons, today, count)
    return run_plan(plans, ctx, rng, progress=progress)
