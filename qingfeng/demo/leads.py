"""Demo lead handling for the county: 处置呈批, 谈话函询, 初步核实, through the real services.

The demo reports leave their 问题线索 待处置. This module moves a realistic share of them on,
acting as the personas a newcomer logs in as (DOMAIN.md §3, every lead is decided
collectively and approved):

- in the first township, 专职干事 ``zhuanzhi`` proposes after a 纪委会 and 纪委书记 ``shuji``
  signs; talks, letters, replies, check teams and reports follow;
- at the county, 案管 ``anguan`` gives leads to the first supervision room
  (``cases.services.update_lead``); its officer ``jiancha`` proposes after a 室务会, its head
  ``zhuren`` signs first and 委领导 ``leader`` second (chain 室主任 → 分管委领导).

Each lead gets a scenario: moves that stop in one state (待审批, 待回复, 核实中, 已了结,
已移送 with the authority's reply awaited or recorded …).
The scenarios of ``TOWNSHIP_FIRST`` / ``COUNTY_FIRST`` are placed first, so every
persona's inbox and every state has items even in a small demo; the rest are drawn by
weight, and fresh leads mostly stay 待处置. When the reports leave a body too few leads, a
few more are registered from other sources (巡察移交、联络站信息 …, ``register_lead``).

Dates: every move has a working day of the last ~4 months, after the lead was formed. The
services are given those days (meeting, talk, letter, reply, start of 初步核实), so the legal
clocks run from them; the last move of an open scenario is placed so that its clock is
overdue, due within 3 working days, or still running. The services stamp their rows "now":
as in ``demo.reports``, the rows a move wrote (history, approvals, signatures, met clocks,
closing day, the reply clock an approved 移送 starts) are then moved to the move's day. The
audit log and the documents (问题转办单 …) keep their real times.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from qingfeng.accounts.models import RoleGrant, User
from qingfeng.accounts.roles import Cap
from qingfeng.approvals import chains
from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import (
    Approval,
    ApprovalStatus,
    ApprovalStep,
    Matter,
    Meeting,
    MeetingKind,
    StepState,
)
from qingfeng.cases import clocks, handling, services
from qingfeng.cases.models import (
    Enquiry,
    EnquiryMode,
    Lead,
    LeadClock,
    LeadClockKind,
    LeadStatus,
    LeadTransition,
    Verification,
    Way,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.selectors import leads_visible_to
from qingfeng.demo import names
from qingfeng.demo.lead_texts import (
    CLOSE_REASONS,
    ENQUIRY_REPORTS,
    EXTRA_ISSUES,
    EXTRA_SOURCES,
    LETTER_PLAN,
    PROPOSALS,
    REJECT_COMMENTS,
    REPLIES,
    SHOPS,
    SIGN_COMMENTS,
    STANCE,
    TALK_PLAN,
    TALK_RECORDS,
    TRANSFERS,
    VERIFICATION_PLAN,
    VERIFICATION_REPORTS,
)
from qingfeng.documents.case_text import area, county_of
from qingfeng.orgs.models import Org, OrgKind, Person, PostHolder, PostKind
from qingfeng.workdays.clock import WorkCalendar

if TYPE_CHECKING:
    from qingfeng.demo.writer import RowWriter

CAST = ("shuji", "zhuanzhi", "anguan", "jiancha", "zhuren", "leader")  # the acting personas
TOWNSHIP_LEADS = 20  # the first township handles at least this many leads
ROOM_LEADS = 32  # leads of the first supervision room once 案管 has assigned them
WINDOW_DAYS = 110  # handling happens within the last ~3–4 months
FRESH_DAYS = 14
FRESH_PENDING = 0.6  # share of leads formed in the last two weeks left 待处置
OLD_PENDING = 0.12
# Heads of a lower Party committee: their talk plan goes to the commission head (DOMAIN.md §3).
PARTY_HEAD_POSTS = frozenset({"党委书记", "党工委书记", "党组书记", "党委书记、董事长"})

E, V, TALK, LETTER = Way.ENQUIRY, Way.VERIFICATION, EnquiryMode.TALK, EnquiryMode.LETTER
ANY_WAY = (E, E, V, Way.CLOSE, Way.HOLD)
MILD = (Outcome.TALK_REMINDER, Outcome.CRITICISM, Outcome.ENQUIRY_CLOSED)


@dataclass(frozen=True)
class Scenario:
    """Moves (code, argument; a tuple argument is a choice) and where the last one falls:
    ``past`` anywhere in the window, ``recent`` in the last days (waiting for someone),
    ``clock`` so that the clock it starts is overdue, due soon or running."""

    moves: tuple[tuple[str, Any], ...]
    end: str


_TALK = (("propose", E), ("approve", None), ("plan", TALK), ("approve", None))
_LETTER = (("propose", E), ("approve", None), ("plan", LETTER), ("approve", None))
_VERIFY = (("propose", V), ("approve", None), ("verify", None))

_CLOSED_OR_REMINDED = (Outcome.ENQUIRY_CLOSED, Outcome.ENQUIRY_CLOSED, Outcome.TALK_REMINDER)
SCENARIOS: dict[str, Scenario] = {
    "proposed": Scenario((("propose", ANY_WAY),), "recent"),
    "proposed_half": Scenario((("propose", ANY_WAY), ("sign", None)), "recent"),
    "rejected": Scenario((("propose", Way.CLOSE), ("reject", None)), "past"),
    "closed": Scenario((("propose", Way.CLOSE), ("approve", None)), "past"),
    "on_hold": Scenario((("propose", Way.HOLD), ("approve", None)), "past"),
    "enquiry_new": Scenario((("propose", E), ("approve", None)), "recent"),
    "plan_pending": Scenario(
        (("propose", E), ("approve", None), ("plan", (TALK, LETTER))), "recent"),
    "talk_report_due": Scenario((*_TALK, ("talk", False)), "clock"),
    "talk_explanation_due": Scenario((*_TALK, ("talk", True)), "clock"),
    "letter_reply_due": Scenario((*_LETTER, ("letter", None)), "clock"),
    "letter_report_due": Scenario((*_LETTER, ("letter", None), ("reply", None)), "clock"),
    "enquiry_report_pending": Scenario((*_TALK, ("talk", False), ("report", MILD)), "recent"),
    "talk_done": Scenario((*_TALK, ("talk", False), ("report", MILD), ("approve", None)), "past"),
    "letter_done": Scenario((*_LETTER, ("letter", None), ("reply", None),
                             ("report", _CLOSED_OR_REMINDED), ("approve", None)), "past"),
    "talk_to_verification": Scenario((*_TALK, ("talk", True), ("reply", None),
                                      ("report", Outcome.TO_VERIFICATION), ("approve", None),
                                      ("verify", None)), "clock"),
    "verification_new": Scenario((("propose", V), ("approve", None)), "recent"),
    "verification_ongoing": Scenario(_VERIFY, "clock"),
    "verification_report_pending": Scenario(
        (*_VERIFY, ("vreport", (Outcome.PROPOSE_CASE, Outcome.CLOSED))), "recent"),
    "verification_case": Scenario(
        (*_VERIFY, ("vreport", Outcome.PROPOSE_CASE), ("approve", None)), "past"),
    "verification_closed": Scenario((*_VERIFY, ("vreport", (Outcome.CLOSED, Outcome.CLOSED,
                                    Outcome.TALK_REMINDER)), ("approve", None)), "past"),
    # 移送: the approval issues the 问题转办单 and starts the authority's 1-month reply clock.
    "verification_transferred": Scenario(
        (*_VERIFY, ("vreport", Outcome.TRANSFER), ("approve", None)), "clock"),
    "transfer_replied": Scenario(
        (*_VERIFY, ("vreport", Outcome.TRANSFER), ("approve", None), ("treply", None)), "past"),
    "": Scenario((), "past"),  # a lead 案管 only gives to the handling room: still 待处置
}  # fmt: skip

# Placed first, in this order, on the leads they fit: every inbox and state gets items.
TOWNSHIP_FIRST = (
    "proposed", "rejected", "closed", "on_hold", "talk_done", "letter_done",
    "verification_case", "transfer_replied", "verification_ongoing", "letter_reply_due",
    "talk_report_due", "verification_transferred", "plan_pending", "proposed",
    "enquiry_report_pending", "verification_closed", "letter_report_due",
    "talk_explanation_due",
)  # fmt: skip
COUNTY_FIRST = (
    "proposed", "proposed_half", "talk_report_due", "verification_ongoing", "closed",
    "verification_case", "transfer_replied", "proposed_half", "letter_reply_due", "on_hold",
    "verification_transferred", "enquiry_report_pending", "proposed", "talk_done",
    "plan_pending", "verification_report_pending", "letter_done", "rejected",
)  # fmt: skip
WEIGHTS = {
    "closed": 4, "on_hold": 2, "talk_done": 4, "letter_done": 3, "verification_case": 1,
    "verification_closed": 2, "talk_report_due": 1, "letter_reply_due": 1,
    "letter_report_due": 1, "verification_ongoing": 1, "enquiry_new": 1,
    "verification_new": 1, "talk_to_verification": 1, "proposed": 1,
}  # fmt: skip
COUNTY_WEIGHTS = {**WEIGHTS, "proposed_half": 1}

# Calendar days between a move and the one before it (the first move has none).
GAPS: dict[str, tuple[int, int]] = {
    "assign": (0, 0), "propose": (1, 10), "sign": (0, 3), "reject": (0, 3), "plan": (2, 8),
    "talk": (3, 12), "letter": (2, 8), "reply": (4, 18), "report": (5, 26), "verify": (2, 7),
    "vreport": (20, 55), "treply": (8, 20),
}  # fmt: skip


@dataclass
class Cast:
    """Who acts at one body."""

    body: Org
    proposer: User
    signers: dict[str, User]  # signing role -> persona
    check_leader: User
    team: list[User]
    meeting_kind: str
    participants: str
    talkers: str
    talk_place: str
    room: Org | None = None  # the county's handling room (None at a township)
    assigner: User | None = None


@dataclass
class Move:
    code: str
    arg: Any
    day: dt.date = dt.date.min


@dataclass
class Planned:
    lead: Lead
    scenario: str
    moves: list[Move]
    meeting_on: dt.date = dt.date.min
    party_head: bool = False
    stance: str = "deny"
    transfer: dict[str, str] = field(default_factory=dict)  # words of a 移送 and its reply


@dataclass
class Context:
    rng: random.Random
    cal: WorkCalendar
    today: dt.date
    now: dt.datetime
    clock_states: dict[tuple[str, int], dict[dt.date, str]] = field(default_factory=dict)
    targets: list[str] = field(default_factory=list)

    def prev_workday(self, day: dt.date) -> dt.date:
        while not self.cal.is_workday(day):
            day -= dt.timedelta(days=1)
        return day

    def next_workday(self, day: dt.date) -> dt.date:
        return self.cal.next_workday(day).date


def _created_on(lead: Lead) -> dt.date:
    return timezone.localtime(lead.created_at).date()


def _issue(lead: Lead) -> str:
    text = lead.summary.split("：", 1)[-1].strip().rstrip("。")
    return text.removeprefix("反映") or lead.summary


# -- planning ------------------------------------------------------------------------------


# What the move submits for approval (a talk plan for a Party head: ENQUIRY_PLAN_HEAD).
SUBMITS = {
    "propose": Matter.LEAD_DISPOSAL, "plan": Matter.ENQUIRY_PLAN,
    "report": Matter.ENQUIRY_OUTCOME, "vreport": Matter.VERIFICATION_REPORT,
}  # fmt: skip


def _expand(ctx: Context, cast: Cast, name: str, planned: Planned) -> list[Move]:
    """The scenario's moves with choices made and "approve" as one signature per step."""
    moves: list[Move] = []
    if cast.room is not None and planned.lead.handling_dept_id != cast.room.pk:
        moves.append(Move("assign", cast.room))
    submitted = ""
    for code, arg in SCENARIOS[name].moves:
        value = ctx.rng.choice(arg) if isinstance(arg, tuple) else arg
        if code == "approve":
            matter = SUBMITS[submitted]
            if matter == Matter.ENQUIRY_PLAN and planned.party_head:
                matter = Matter.ENQUIRY_PLAN_HEAD
            steps, _configured = chains.chain_for(cast.body, matter)
            moves += [Move("sign", None) for _ in steps]
            continue
        if code in SUBMITS:
            submitted = code
        moves.append(Move(code, value))
    return moves


def _clock_of(cast: Cast, move: Move) -> tuple[str, int]:
    if move.code == "sign":  # the only clock a signature starts: the 移送's reply
        return LeadClockKind.TRANSFER_REPLY, clocks.TRANSFER_REPLY_MONTHS
    if move.code == "verify":
        return LeadClockKind.VERIFICATION, clocks.verification_months(cast.body)
    if move.code == "letter" or (move.code == "talk" and move.arg):
        return LeadClockKind.ENQUIRY_REPLY, 0
    return LeadClockKind.ENQUIRY_REPORT, clocks.REPORT_MONTHS


def _states(ctx: Context, kind: str, months: int) -> dict[dt.date, str]:
    """For each possible start day: overdue, soon (3 working days) or running."""
    key = (kind, months)
    if key not in ctx.clock_states:
        soon = ctx.cal.add_working_days(ctx.today, 3).date
        table: dict[dt.date, str] = {}
        for back in range(WINDOW_DAYS):
            day = ctx.today - dt.timedelta(days=back)
            if not ctx.cal.is_workday(day):
                continue
            if kind == LeadClockKind.ENQUIRY_REPLY:
                due = ctx.cal.add_working_days(day, clocks.REPLY_WORKING_DAYS).date
            else:
                due = ctx.cal.deadline_months(day, months).date
            table[day] = "overdue" if due < ctx.today else "soon" if due <= soon else "running"
        ctx.clock_states[key] = table
    return ctx.clock_states[key]


def _backward(ctx: Context, end: dt.date, gaps: list[int]) -> list[dt.date]:
    days = [end]
    for gap in reversed(gaps[1:]):
        days.insert(0, ctx.prev_workday(days[0] - dt.timedelta(days=gap)))
    return days


def _days(ctx: Context, cast: Cast, moves: list[Move], end: str, earliest: dt.date) -> bool:
    """Give every move a day on or after ``earliest`` and up to today; False if none fit."""
    rng = ctx.rng
    sampled = [rng.randint(*GAPS[m.code]) for m in moves]
    minimal = [GAPS[m.code][0] for m in moves]
    for gaps in (sampled, minimal):
        days: list[dt.date] | None = None
        if end == "past":
            latest = ctx.today - dt.timedelta(days=sum(gaps[1:]) + 2 * len(moves) + 2)
            if latest >= earliest:
                day = ctx.next_workday(
                    earliest + dt.timedelta(rng.randint(0, (latest - earliest).days))
                )
                days = [day]
                for gap in gaps[1:]:
                    days.append(ctx.next_workday(days[-1] + dt.timedelta(days=gap)))
        elif end == "recent":
            last = ctx.prev_workday(ctx.today - dt.timedelta(days=rng.randint(0, 8)))
            days = _backward(ctx, last, gaps)
        else:
            kind, months = _clock_of(cast, moves[-1])
            table = _states(ctx, kind, months)
            if not ctx.targets:
                ctx.targets = rng.sample(["overdue", "soon", "running"], 3)
            for target in ctx.targets:
                options = [d for d, state in table.items() if state == target]
                rng.shuffle(options)
                days = next(
                    (c for c in (_backward(ctx, d, gaps) for d in options) if c[0] >= earliest),
                    None,
                )
                if days is not None:
                    ctx.targets.remove(target)
                    break
        if days is not None and days[0] >= earliest and days[-1] <= ctx.today:
            for move, day in zip(moves, days, strict=True):
                move.day = day
            return True
    return False


def plan_lead(ctx: Context, cast: Cast, lead: Lead, name: str) -> Planned | None:
    """``lead`` with the moves of scenario ``name`` and their days, or None if it is too new."""
    planned = Planned(lead, name, [], party_head=lead.subject_post in PARTY_HEAD_POSTS)
    planned.moves = _expand(ctx, cast, name, planned)
    created = _created_on(lead)
    earliest = max(created + dt.timedelta(days=1), ctx.today - dt.timedelta(days=WINDOW_DAYS))
    if not planned.moves or not _days(ctx, cast, planned.moves, SCENARIOS[name].end, earliest):
        return None
    propose = next((m for m in planned.moves if m.code == "propose"), None)
    if propose is not None:
        before = [m.day for m in planned.moves if m.code == "assign"] + [created]
        held = ctx.prev_workday(propose.day - dt.timedelta(days=ctx.rng.randint(0, 2)))
        planned.meeting_on = max(held, *before)
    outcome = next((m.arg for m in planned.moves if m.code == "report"), None)
    talk = next((m for m in planned.moves if m.code == "talk"), None)
    if outcome in STANCE:
        planned.stance = STANCE[outcome]
    elif outcome == Outcome.TO_VERIFICATION or (talk is not None and talk.arg):
        planned.stance = "evade"
    else:
        planned.stance = ctx.rng.choice(("deny", "admit"))
    return planned


def assign_scenarios(
    ctx: Context, cast: Cast, leads: list[Lead], first: tuple[str, ...], weights: dict[str, int]
) -> list[Planned]:
    """Place ``first`` on leads it fits, then draw the rest; the others stay 待处置."""
    rng = ctx.rng
    free = list(leads)
    plans: list[Planned] = []
    for name in first:
        order = list(free)
        rng.shuffle(order)
        for lead in order:
            planned = plan_lead(ctx, cast, lead, name)
            if planned is not None:
                plans.append(planned)
                free.remove(lead)
                break
    names_, weights_ = zip(*weights.items(), strict=True)
    for lead in free:
        fresh = (ctx.today - _created_on(lead)).days < FRESH_DAYS
        planned = None
        if rng.random() >= (FRESH_PENDING if fresh else OLD_PENDING):
            planned = plan_lead(ctx, cast, lead, rng.choices(names_, weights_)[0])
        if planned is None and cast.room is not None and lead.handling_dept_id != cast.room.pk:
            planned = plan_lead(ctx, cast, lead, "")  # only assigned to the room by 案管
        if planned is not None:
            plans.append(planned)
    return plans


# -- running -------------------------------------------------------------------------------


class Stamper:
    """Moves what a service call wrote "now" to the day of its move (see module docstring)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def moment(self, day: dt.date, index: int) -> dt.datetime:
        start = dt.datetime.combine(day, dt.time(8, 50), tzinfo=timezone.get_current_timezone())
        at = start + dt.timedelta(minutes=17 * index + self.ctx.rng.randint(0, 12))
        return min(at, self.ctx.now)

    def stamp(self, lead_id: int, day: dt.date, at: dt.datetime, since: dt.datetime) -> None:
        LeadTransition.objects.filter(lead_id=lead_id, at__gte=since).update(at=at)
        new = Approval.objects.filter(lead_id=lead_id, submitted_at__gte=since)
        Meeting.objects.filter(approvals__in=new).update(recorded_at=at)
        new.update(submitted_at=at)
        Approval.objects.filter(lead_id=lead_id, decided_at__gte=since).update(decided_at=at)
        ApprovalStep.objects.filter(approval__lead_id=lead_id, signed_at__gte=since).update(
            signed_at=at
        )
        LeadClock.objects.filter(lead_id=lead_id, met_at__gte=since).update(met_at=at)
        Enquiry.objects.filter(lead_id=lead_id, created_at__gte=since).update(created_at=at)
        Enquiry.objects.filter(lead_id=lead_id, updated_at__gte=since).update(updated_at=at)
        Verification.objects.filter(lead_id=lead_id, created_at__gte=since).update(created_at=at)
        changed = Lead.objects.filter(pk=lead_id, updated_at__gte=since)
        # Only a closing day set "now": a later move (a transfer's reply) keeps the earlier one.
        changed.filter(closed_on__gte=self.ctx.today).update(closed_on=day)
        changed.update(updated_at=at)
        if day < self.ctx.today:
            # An approved 移送 starts its reply clock on the day of the approval: "now".
            started = LeadClock.objects.filter(
                lead_id=lead_id, kind=LeadClockKind.TRANSFER_REPLY, starts_on__gte=self.ctx.today
            )
            for clock in started:
                deadline = self.ctx.cal.deadline_months(day, clocks.TRANSFER_REPLY_MONTHS)
                clock.starts_on, clock.due_on = day, deadline.date
                clock.provisional = deadline.provisional
                clock.save(update_fields=["starts_on", "due_on", "provisional"])


def run_move(ctx: Context, cast: Cast, planned: Planned, move: Move) -> None:
    """Apply one move through the services as the persona whose turn it is."""
    rng, lead, actor = ctx.rng, planned.lead, cast.proposer
    words = {"name": lead.subject_name, "issue": _issue(lead), "talkers": cast.talkers}
    enquiry = lead.enquiries.order_by("-round").first()
    match move.code:
        case "assign":
            assert cast.assigner is not None
            services.update_lead(
                lead=lead,
                actor=cast.assigner,
                data=services.LeadInput(
                    source=lead.source, summary=lead.summary, subject_name=lead.subject_name,
                    subject_unit=lead.subject_unit, subject_post=lead.subject_post,
                    person_id=lead.person_id, handling_dept_id=move.arg.pk,
                ),
            )  # fmt: skip
        case "propose":
            way = Way(move.arg)
            services.propose_disposal(
                lead=lead,
                actor=actor,
                way=way,
                proposal=PROPOSALS[way].format(**words, reason=rng.choice(CLOSE_REASONS)),
                meeting=approvals.MeetingInput(
                    kind=cast.meeting_kind,
                    held_on=planned.meeting_on,
                    participants=cast.participants,
                    conclusion=f"经集体研究，同意对{lead.subject_name}问题线索"
                    f"拟{way.label}的意见，按程序报批。",
                ),
            )
        case "sign" | "reject":
            approval = Approval.objects.get(lead=lead, status=ApprovalStatus.PENDING)
            step = approval.steps.get(state=StepState.WAITING)
            approve = move.code == "sign"
            approvals.sign(
                approval=approval,
                actor=cast.signers[step.role],
                approve=approve,
                comment=rng.choice(SIGN_COMMENTS if approve else REJECT_COMMENTS),
            )
        case "plan":
            template = TALK_PLAN if move.arg == TALK else LETTER_PLAN
            handling.start_enquiry(
                lead=lead,
                actor=actor,
                mode=move.arg,
                plan=template.format(**words, place=cast.talk_place),
                subject_is_party_head=planned.party_head,
            )
        case "talk":
            assert enquiry is not None
            handling.record_talk(
                enquiry=enquiry, actor=actor, talk_on=move.day, talk_place=cast.talk_place,
                talkers=cast.talkers, talk_record=TALK_RECORDS[planned.stance].format(**words),
                explanation_requested=bool(move.arg),
            )  # fmt: skip
        case "letter":
            assert enquiry is not None
            handling.send_letter(enquiry=enquiry, actor=actor, sent_on=move.day)
        case "reply":
            assert enquiry is not None
            handling.record_reply(
                enquiry=enquiry, actor=actor, reply_on=move.day,
                reply_text=REPLIES[planned.stance].format(**words),
                countersigned=enquiry.mode == LETTER,
            )  # fmt: skip
        case "report":
            assert enquiry is not None
            mode = "谈话" if enquiry.mode == TALK else "函询"
            handling.submit_enquiry_report(
                enquiry=enquiry,
                actor=actor,
                report_text=ENQUIRY_REPORTS[move.arg].format(**words, mode=mode),
                outcome=move.arg,
            )
        case "verify":
            members = "、".join(u.full_name for u in cast.team)
            handling.start_verification(
                lead=lead, actor=actor, leader=cast.check_leader, team=cast.team,
                plan=VERIFICATION_PLAN.format(
                    **words, leader=cast.check_leader.full_name, members=members),
                started_on=move.day,
            )  # fmt: skip
        case "vreport":
            verification = lead.verifications.order_by("-id").first()
            assert verification is not None
            amount = rng.choice((3, 6, 8, 12, 15, 23, 38)) * 1000 + rng.randrange(10) * 100
            words |= {"n": str(rng.randint(6, 18)), "amount": f"{amount:,}"}
            report = VERIFICATION_REPORTS.get(move.arg, "")
            if move.arg == Outcome.TRANSFER:
                planned.transfer = _transfer_words(rng, lead, amount)
                words |= planned.transfer
                report = TRANSFERS[planned.transfer["kind"]][0]
            handling.submit_verification_report(
                verification=verification,
                actor=actor,
                report_text=report.format(**words),
                outcome=move.arg,
                transfer_to=planned.transfer.get("authority", ""),
            )
        case "treply":
            reply = TRANSFERS[planned.transfer["kind"]][1]
            handling.record_transfer_reply(
                lead=lead, actor=actor, replied_on=move.day, reply=reply.format(**planned.transfer)
            )
        case _:
            raise ValueError(move.code)


def _transfer_words(rng: random.Random, lead: Lead, amount: int) -> dict[str, str]:
    """The authority a lead goes to (one of ``TRANSFERS``, of the lead's county) and the
    particulars its report and the authority's reply share."""
    kind = rng.choice(sorted(TRANSFERS))
    other = names.person_name(rng, male=rng.random() < 0.7, birth_year=rng.randint(1965, 1990))
    part = amount * rng.choice((5, 7, 10)) // 1000 * 100
    return {
        "kind": kind,
        "authority": f"{area(county_of(lead.org))}{kind}",
        "other": other,
        "shop": rng.choice(SHOPS),
        "mu": rng.choice(("1.2", "2.5", "3.6", "4.8")),
        "part": f"{part:,}",
        "fine": f"{rng.choice((5, 8, 12, 20)) * 1000:,}",
    }


def run_plan(ctx: Context, cast: Cast, planned: Planned, stamper: Stamper) -> None:
    for index, move in enumerate(planned.moves):
        since = timezone.now()
        run_move(ctx, cast, planned, move)
        stamper.stamp(planned.lead.pk, move.day, stamper.moment(move.day, index), since)


# -- the two bodies ------------------------------------------------------------------------


def _register_extra(
    ctx: Context, cast: Cast, actor: User, persons: list[Person], count: int, stamper: Stamper
) -> list[Lead]:
    """``count`` leads from sources other than reports (DOMAIN.md §2 channels), backdated."""
    rng = ctx.rng
    stations = list(
        Org.objects.filter(parent=cast.body, kind=OrgKind.STATION).order_by("sort_order", "pk")
    )
    sources = EXTRA_SOURCES[OrgKind.COUNTY if cast.room else OrgKind.TOWNSHIP]
    made: list[Lead] = []
    for person in rng.sample(persons, min(count, len(persons))):
        source, label = rng.choice(sources)
        station = rng.choice(stations).name if stations else "村纪检监察工作联络站"
        prefix = label.format(station=station, n=rng.choice("一二三四"))
        since = timezone.now()
        lead = services.register_lead(
            actor=actor,
            org=cast.body,
            data=services.LeadInput(
                source=source,
                summary=f"{prefix}：{person.name}{rng.choice(EXTRA_ISSUES)}。",
                subject_name=person.name,
                subject_unit=person.unit.name,
                subject_post=person.post,
                person_id=person.pk,
                handling_dept_id=cast.room.pk if cast.room else None,
            ),
        )
        day = ctx.prev_workday(ctx.today - dt.timedelta(days=rng.randint(20, 200)))
        at = stamper.moment(day, 0)
        stamper.stamp(lead.pk, day, at, since)
        Lead.objects.filter(pk=lead.pk).update(created_at=at)
        lead.created_at = at
        made.append(lead)
    return made


def township_cast(users: dict[str, User]) -> Cast:
    shuji, zhuanzhi = users["shuji"], users["zhuanzhi"]
    township = shuji.org
    assert township is not None
    deputy = (
        PostHolder.objects.filter(post__org=township, post__kind=PostKind.DEPUTY)
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
    )
    people = [f"{shuji.full_name}（书记）"]
    people += [f"{deputy}（副书记）"] if deputy else []
    people += [f"{zhuanzhi.full_name}（专职干事）"]
    place = township.name.removesuffix("纪委").removesuffix("纪工委")
    return Cast(
        body=township,
        proposer=zhuanzhi,
        signers={"township_secretary": shuji},
        check_leader=shuji,
        team=[zhuanzhi],
        meeting_kind=MeetingKind.COMMISSION,
        participants="、".join(people),
        talkers=f"{shuji.full_name}、{zhuanzhi.full_name}",
        talk_place=f"{place}纪委谈话室",
    )


def county_cast(ctx: Context, county: Org, users: dict[str, User]) -> Cast:
    zhuren, jiancha = users["zhuren"], users["jiancha"]
    room = RoleGrant.objects.select_related("org").get(user=zhuren, role__code="dept_head").org
    colleagues = [
        names.person_name(ctx.rng, male=male, birth_year=ctx.rng.randint(1975, 1995))
        for male in (True, False)
    ]
    return Cast(
        body=county,
        proposer=jiancha,
        signers={"dept_head": zhuren, "county_leader": users["leader"]},
        check_leader=jiancha,
        team=[zhuren],
        meeting_kind=MeetingKind.DEPARTMENT,
        participants="、".join([f"{zhuren.full_name}（室主任）", jiancha.full_name, *colleagues]),
        talkers=f"{zhuren.full_name}、{jiancha.full_name}",
        talk_place="县纪委监委谈话室",
        room=room,
        assigner=users["anguan"],
    )


def _pending(qs: QuerySet[Lead]) -> list[Lead]:
    return list(qs.filter(status=LeadStatus.PENDING).order_by("created_at", "pk"))


def generate_county_leads(
    *, county: Org, seed: int, progress: Callable[[], object] = lambda: None
) -> dict[str, int]:
    """Move the demo county's leads through their handling (see module docstring).

    Deterministic for a seed and a day. Returns how many leads were moved, per final state.
    """
    ctx = Context(
        random.Random(f"{seed}-leads"), WorkCalendar(), timezone.localdate(), timezone.now()
    )
    users = {u.username: u for u in User.objects.filter(username__in=CAST, is_active=True)}
    if set(users) != set(CAST):
        return {}
    stamper = Stamper(ctx)
    counts: Counter[str] = Counter()
    moved: list[int] = []

    town = township_cast(users)
    visible = leads_visible_to(town.proposer, Cap.LEAD_HANDLE).filter(org=town.body)
    leads = _pending(visible)
    if len(leads) < TOWNSHIP_LEADS:
        persons = list(
            Person.objects.filter(org__path__startswith=town.body.path, is_active=True)
            .select_related("unit")
            .order_by("pk")
        )
        extra = _register_extra(
            ctx, town, town.proposer, persons, TOWNSHIP_LEADS - len(leads), stamper
        )
        counts["leads_registered"] += len(extra)
        leads = sorted([*leads, *extra], key=lambda x: (x.created_at, x.pk))
    ctx.targets = []
    for planned in assign_scenarios(ctx, town, leads, TOWNSHIP_FIRST, WEIGHTS):
        run_plan(ctx, town, planned, stamper)
        moved.append(planned.lead.pk)
        progress()

    desk = county_cast(ctx, county, users)
    assert desk.room is not None and desk.assigner is not None
    held = leads_visible_to(desk.assigner, Cap.LEAD_HANDLE).filter(org=county)
    leads = _pending(held.filter(handling_dept=desk.room))
    others = _pending(held.exclude(handling_dept=desk.room))
    if len(leads) < ROOM_LEADS and others:
        chosen = ctx.rng.sample(others, min(len(others), ROOM_LEADS - len(leads)))
        leads = sorted([*leads, *chosen], key=lambda x: (x.created_at, x.pk))
    if len(leads) < ROOM_LEADS:
        persons = list(
            Person.objects.filter(
                Q(org=county) | Q(org__parent=county, org__kind=OrgKind.DISPATCHED),
                is_active=True,
            )
            .select_related("unit")
            .order_by("pk")
        )
        extra = _register_extra(ctx, desk, desk.assigner, persons, ROOM_LEADS - len(leads), stamper)
        counts["leads_registered"] += len(extra)
        leads = sorted([*leads, *extra], key=lambda x: (x.created_at, x.pk))
    ctx.targets = []
    for planned in assign_scenarios(ctx, desk, leads, COUNTY_FIRST, COUNTY_WEIGHTS):
        run_plan(ctx, desk, planned, stamper)
        counts["leads_reassigned"] += planned.moves[0].code == "assign"
        if planned.scenario:
            moved.append(planned.lead.pk)
        progress()

    for status in Lead.objects.filter(pk__in=moved).values_list("status", flat=True):
        counts[f"leads_{status}"] += 1
    counts["leads_moved"] = len(moved)
    counts["leads"] = Lead.objects.filter(org__path__startswith=county.path).count()
    return dict(counts)


def county_leads_with_progress(county: Org, seed: int, writer: RowWriter) -> dict[str, int]:
    """``generate_county_leads`` with a progress bar on the demo command's stream."""
    from tqdm import tqdm

    bar = tqdm(
        desc="问题线索", unit="条", file=writer.stream, disable=not writer.progress,
        mininterval=0.5, dynamic_ncols=True,
    )  # fmt: skip
    try:
        return generate_county_leads(county=county, seed=seed, progress=lambda: bar.update())
    finally:
        bar.close()
