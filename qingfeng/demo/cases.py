"""Demo cases of the county: 立案 to 结案 through the real services (DOMAIN.md §4–§5).

After ``demo.leads`` some leads are 拟立案. This module turns 乡案县审 on for the county and
takes cases through every state, acting as the personas a newcomer logs in as:

- in the first township, 专职干事 ``zhuanzhi`` proposes after a 纪委会, works in the team led
  by 纪委书记 ``shuji`` and reports; ``shuji`` signs, then 党委书记 ``dangwei`` (立案, 留党察看);
  the extension and 政务处分 go up to 委领导 ``leader``; the county 案件审理室 reviews
  (乡案县审): 主任 ``slzhuren`` names ``shenli`` and ``shenli2`` and signs their 审理报告
  before ``leader``;
- at the county, in the first supervision room, ``jiancha`` proposes, 室主任 ``zhuren`` leads
  the team and signs first, ``leader`` next, and 县委书记 ``xianwei`` last on 立案.

Each case follows a scenario of ``TOWNSHIP_CASES`` / ``COUNTY_CASES`` that stops in one
state — 立案呈批中, 审查调查中 (measures; one period extended), 审查调查报告呈批中, 审理中 (one
sent back for more evidence first), 审理报告呈批中, 审理终结待决定, 处理决定呈批中, 待宣布,
执行中, 已结案 — with sanctions each body may approve (village cadres get only 警告/记过/记大过
as 政务处分; 留党察看 by the township Party committee; 撤职 of a county official). Two add
组织处理, which the decision recommends by a 纪检监察建议书 to the Party committee managing
the cadre: 调整职务 of a village cadre (中共东坝镇委员会), announced and awaiting the reply, and
免职 of a county 局长 (中共清河县委组织部), replied to, executed and closed. The newest
lead 拟立案 of each body is left for its officer to propose; when the others do not fill the
scenarios, leads are registered and taken through 初步核实 first (moves of ``demo.leads``).

Dates: every move falls on a working day of the last ~11 months, and all moves run in date
order, so case and document numbers follow the calendar. As in ``demo.leads`` the services
stamp "now" and the rows a move wrote are then moved to its day (``CaseStamper``); clocks
started that day are recomputed from the moved start — some end up overdue or due soon on
purpose — and so are the effect periods of sanctions. The audit log keeps its real times,
and a document's text (DOCX, ``body_text``) the dates of the day it was rendered on.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from qingfeng.accounts.models import RoleGrant, User
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
from qingfeng.cases import case_review, case_services, clocks, decisions, services
from qingfeng.cases.models import (
    Case,
    CaseClock,
    CaseMeasure,
    CaseReview,
    CaseTransition,
    Lead,
    LeadStatus,
    Sanction,
    Way,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import (
    ORG_MEASURES,
    SANCTIONS,
    effect_period,
    person_is_village_cadre,
    required_authority,
)
from qingfeng.demo import case_texts as texts
from qingfeng.demo import leads, names
from qingfeng.demo.case_scenarios import (
    CLOCK_MONTHS,
    COUNTY_CASES,
    GAPS,
    LEAD_MOVES,
    TOWNSHIP_CASES,
    CaseScenario,
    K,
    P,
)
from qingfeng.demo.lead_texts import EXTRA_ISSUES, EXTRA_SOURCES, SIGN_COMMENTS
from qingfeng.documents.case_text import area, party_committee
from qingfeng.documents.models import Document
from qingfeng.orgs.models import Org, OrgKind, Person
from qingfeng.workdays.clock import WorkCalendar

if TYPE_CHECKING:
    from qingfeng.demo.writer import RowWriter

CAST = (
    "shuji", "zhuanzhi", "dangwei", "anguan", "jiancha", "zhuren", "leader", "xianwei",
    "slzhuren", "shenli", "shenli2",
)  # fmt: skip
WINDOW_DAYS = 330  # cases are filed within the last ~11 months
PAST_DAYS = (10, 100)  # a finished scenario's last move
AGED_DAYS = (285, 320)  # the filing of the case whose period is extended
RECENT_DAYS = 6
OVERDUE_DAYS = 30  # an overdue clock fell due within the last month


@dataclass
class Desk:
    """Who acts for one body (the lead handling ``leads.Cast`` plus the case roles)."""

    cast: leads.Cast
    township: bool
    team_leader: User
    team: list[User]
    registrar: User
    board: str  # participants of the body's 纪委会 / 常委会
    persons: list[Person]
    recommend_to: str  # where a 纪检监察建议书 recommending 组织处理 goes


@dataclass
class Trial:
    """The county 案件审理室: its head and two reviewers."""

    head: User
    reviewers: list[User]
    participants: str


@dataclass
class CasePlan:
    name: str
    desk: Desk
    scenario: CaseScenario
    moves: list[leads.Move]
    lead: Lead | None = None
    person: Person | None = None
    planned: leads.Planned | None = None  # for the 初步核实 moves of ``demo.leads``
    words: dict[str, str] = field(default_factory=dict)


# -- planning ------------------------------------------------------------------------------


def _signatures(desk: Desk, submitted: str, scenario: CaseScenario) -> int:
    """How many people sign what ``submitted`` asks for (the chain or the decision's powers)."""
    body = desk.cast.body
    if submitted == "decide":
        authorities = [
            required_authority(o, body_is_township=desk.township, complex_case=False)
            for o in scenario.outcomes
        ]
        return len(decisions.authority_steps(authorities, township=desk.township))
    matter = {
        "propose": Matter.LEAD_DISPOSAL,
        "vreport": Matter.VERIFICATION_REPORT,
        "file": case_services.filing_matter(party_case=True, supervision_case=scenario.joint),
        "measure": Matter.CASE_MEASURE,
        "extend": Matter.CASE_EXTENSION,
        "report": Matter.INVESTIGATION_REPORT,
        "review": Matter.REVIEW_REPORT,
    }[submitted]
    if submitted == "review" and body.parent is not None:
        body = body.parent  # 乡案县审: the county 审理室 reviews and the county approves
    return len(chains.chain_for(body, matter)[0])


def _expand(
    desk: Desk, scenario: CaseScenario, moves: tuple[tuple[str, Any], ...]
) -> list[leads.Move]:
    out: list[leads.Move] = []
    submitted = ""
    for code, arg in moves:
        if code in ("approve", "half"):
            n = _signatures(desk, submitted, scenario) - (code == "half")
            out += [leads.Move("sign", submitted) for _ in range(n)]
            continue
        submitted = code
        out.append(leads.Move(code, arg))
    return out


def _anchor(moves: list[leads.Move], code: str) -> int:
    if not code:
        return len(moves) - 1
    last = max(i for i, m in enumerate(moves) if m.code == code)
    while last + 1 < len(moves) and moves[last + 1].code == "sign":
        last += 1
    return last


def _clock_days(ctx: leads.Context, kind: str, state: str) -> list[dt.date]:
    """Start days within the window whose ``kind`` clock is now ``state``."""
    key = (f"case-{kind}", 0)
    if key not in ctx.clock_states:
        soon = ctx.cal.add_working_days(ctx.today, 3).date
        table: dict[dt.date, str] = {}
        for back in range(WINDOW_DAYS):
            day = ctx.today - dt.timedelta(days=back)
            if not ctx.cal.is_workday(day):
                continue
            due = ctx.cal.deadline_months(day, CLOCK_MONTHS[kind]).date
            if due < ctx.today:
                table[day] = "overdue" if (ctx.today - due).days <= OVERDUE_DAYS else ""
            else:
                table[day] = "soon" if due <= soon else "running"
        ctx.clock_states[key] = table
    return sorted(d for d, s in ctx.clock_states[key].items() if s == state)


def _workdays(ctx: leads.Context, low: int, high: int) -> list[dt.date]:
    days = (ctx.today - dt.timedelta(days=back) for back in range(low, high + 1))
    return [d for d in days if ctx.cal.is_workday(d)]


def _place(ctx: leads.Context, plan: CasePlan) -> bool:
    """Give the case's moves their days (see ``CaseScenario``); False if none fit."""
    scenario, moves, rng = plan.scenario, plan.moves, ctx.rng
    anchor = _anchor(moves, scenario.anchor)
    if scenario.end == "recent":
        options = _workdays(ctx, 0, RECENT_DAYS)
    elif scenario.end == "past":
        options = _workdays(ctx, *PAST_DAYS)
    elif scenario.end == "aged":
        options = _workdays(ctx, *AGED_DAYS)
    else:
        options = _clock_days(ctx, scenario.clock, scenario.end)
    rng.shuffle(options)
    earliest = ctx.today - dt.timedelta(days=WINDOW_DAYS)
    sampled = [rng.randint(*GAPS[m.code]) for m in moves]
    tries = min(len(options), 40)
    for attempt in range(tries + 1):  # the gaps shrink towards their minimum on each try
        start = options[attempt % tries]
        gaps = [
            GAPS[m.code][0] + (g - GAPS[m.code][0]) * (tries - attempt) // tries
            for m, g in zip(moves, sampled, strict=True)
        ]
        days = [start]
        for i in range(anchor - 1, -1, -1):
            days.insert(0, ctx.prev_workday(days[0] - dt.timedelta(days=gaps[i + 1])))
        for i in range(anchor + 1, len(moves)):
            days.append(ctx.next_workday(days[-1] + dt.timedelta(days=gaps[i])))
        if days[0] >= earliest and days[-1] <= ctx.today:
            for move, day in zip(moves, days, strict=True):
                move.day = day
            return True
    return False


def _ready_on(lead: Lead) -> dt.date:
    """The day the lead became 拟立案 (its last transition)."""
    last = lead.transitions.order_by("-at", "-id").values_list("at", flat=True).first()
    return timezone.localtime(last or lead.created_at).date()


def _fits(desk: Desk, scenario: CaseScenario, person: Person | None) -> bool:
    if person is None or not person.is_party_member:
        return False
    if desk.township and person.post in texts.TOWNSHIP_LEADER_POSTS:
        return False
    if scenario.posts and person.post not in scenario.posts:
        return False
    village = person_is_village_cadre(person)
    return scenario.person == "any" or (scenario.person == "village") == village


def _lead_moves(ctx: leads.Context, plan: CasePlan) -> None:
    """Prepend registering and 初步核实 of a new lead, backwards from the first case move."""
    desk = plan.desk
    moves = [leads.Move("register", None), leads.Move("propose", Way.VERIFICATION)]
    moves += [
        leads.Move("sign", "propose") for _ in range(_signatures(desk, "propose", plan.scenario))
    ]
    moves += [leads.Move("verify", None), leads.Move("vreport", Outcome.PROPOSE_CASE)]
    moves += [
        leads.Move("sign", "vreport") for _ in range(_signatures(desk, "vreport", plan.scenario))
    ]
    day = plan.moves[0].day
    gap = ctx.rng.randint(*GAPS[plan.moves[0].code])
    for move in reversed(moves):
        day = ctx.prev_workday(day - dt.timedelta(days=gap))
        move.day = day
        gap = ctx.rng.randint(*GAPS[move.code])
    plan.moves = moves + plan.moves


def _choose_person(ctx: leads.Context, plan: CasePlan, taken: set[int]) -> Person | None:
    desk, scenario = plan.desk, plan.scenario
    pool = [p for p in desk.persons if p.pk not in taken and _fits(desk, scenario, p)]
    return ctx.rng.choice(pool) if pool else None


def plan_cases(
    ctx: leads.Context,
    desk: Desk,
    scenarios: dict[str, CaseScenario],
    ready: list[Lead],
    taken: set[int],
) -> list[CasePlan]:
    """Every scenario with its days and a lead: one 拟立案 that fits, else a new one."""
    plans: list[CasePlan] = []
    free = sorted(ready, key=lambda lead: (_ready_on(lead), lead.pk))
    for name, scenario in scenarios.items():
        plan = CasePlan(name, desk, scenario, _expand(desk, scenario, scenario.moves))
        if not _place(ctx, plan):
            continue
        first = plan.moves[0].day - dt.timedelta(days=GAPS["file"][0])
        fitting = (x for x in free if _fits(desk, scenario, x.person) and _ready_on(x) < first)
        lead = next(fitting, None)
        if lead is not None:
            free.remove(lead)
            plan.lead, plan.person = lead, lead.person
        else:
            plan.person = _choose_person(ctx, plan, taken)
            if plan.person is None:
                continue
            _lead_moves(ctx, plan)
        assert plan.person is not None
        taken.add(plan.person.pk)
        plans.append(plan)
    return plans


# -- running -------------------------------------------------------------------------------


class CaseStamper(leads.Stamper):
    """Moves what a move wrote "now" to its day: the lead's rows (``leads.Stamper``), the
    case's rows and documents; clocks started that day and effect periods are recomputed."""

    def stamp_plan(self, plan: CasePlan, day: dt.date, at: dt.datetime, since: dt.datetime) -> None:
        assert plan.lead is not None
        lead_id, today = plan.lead.pk, self.ctx.today
        self.stamp(lead_id, day, at, since)
        case_id = Case.objects.filter(lead_id=lead_id).values_list("pk", flat=True).first()
        of_plan = Q(lead_id=lead_id) | (Q(case_id=case_id) if case_id else Q())
        documents = Document.objects.filter(of_plan, issued_at__gte=since)
        documents.update(issued_at=at)
        if case_id is None:
            return
        CaseTransition.objects.filter(case_id=case_id, at__gte=since).update(at=at)
        new = Approval.objects.filter(case_id=case_id, submitted_at__gte=since)
        Meeting.objects.filter(approvals__in=new).update(recorded_at=at)
        new.update(submitted_at=at)
        Approval.objects.filter(case_id=case_id, decided_at__gte=since).update(decided_at=at)
        ApprovalStep.objects.filter(approval__case_id=case_id, signed_at__gte=since).update(
            signed_at=at
        )
        CaseReview.objects.filter(case_id=case_id, created_at__gte=since).update(
            created_at=at, received_on=day
        )
        CaseMeasure.objects.filter(case_id=case_id, created_at__gte=since).update(created_at=at)
        CaseClock.objects.filter(case_id=case_id, met_at__gte=since).update(met_at=at)
        Sanction.objects.filter(case_id=case_id, created_at__gte=since).update(created_at=at)
        case = Case.objects.filter(pk=case_id)
        case.filter(created_at__gte=since).update(created_at=at, filed_on=day)
        case.filter(transferred_on=today).update(transferred_on=day)
        case.filter(closed_on=today).update(closed_on=day)
        case.filter(updated_at__gte=since).update(updated_at=at)
        if day != today:
            self._redate(case_id, day)

    def _redate(self, case_id: int, day: dt.date) -> None:
        """Clocks started and sanctions decided "today" start on ``day``, due accordingly."""
        today, cal = self.ctx.today, self.ctx.cal
        extended = Case.objects.filter(pk=case_id).values_list("extended_months", flat=True)[0]
        for clock in CaseClock.objects.filter(case_id=case_id, starts_on=today):
            months = clock.months or CLOCK_MONTHS[clock.kind]  # ``months``: set per matter
            months += extended if clock.kind == K.INVESTIGATION else 0
            deadline = cal.deadline_months(day, months)
            clock.starts_on, clock.due_on = day, deadline.date
            clock.provisional = deadline.provisional
            clock.save(update_fields=["starts_on", "due_on", "provisional"])
        for sanction in Sanction.objects.filter(case_id=case_id, decided_on=today):
            sanction.decided_on = day
            if Outcome(sanction.outcome) in SANCTIONS:
                period = effect_period(
                    sanction.outcome, day, probation_years=sanction.probation_years
                )
                sanction.effect_ends_on = period.ends_on
                sanction.term_ends_on = period.term_ends_on
            sanction.save(update_fields=["decided_on", "effect_ends_on", "term_ends_on"])


@dataclass
class Runner:
    ctx: leads.Context
    trial: Trial
    signers: dict[tuple[str, int], User]
    registered: int = 0

    def labels(self, plan: CasePlan) -> str:
        """The decision in words, e.g. 党内严重警告处分和免职处理 (组织处理 is no 处分)."""
        parts = []
        for code in plan.scenario.outcomes:
            if code in ORG_MEASURES:
                continue
            label = str(Outcome(code).label)
            if code == P.PARTY_PROBATION:
                label += "一年" if plan.scenario.probation == 1 else "二年"
            parts.append(label)
        text = "、".join(parts) + "处分"
        measures = self.measures(plan)
        return f"{text}和{measures}处理" if measures else text

    def measures(self, plan: CasePlan) -> str:
        return "、".join(str(Outcome(c).label) for c in plan.scenario.outcomes if c in ORG_MEASURES)

    def words(self, plan: CasePlan) -> dict[str, str]:
        assert plan.lead is not None
        rng, lead, joint = self.ctx.rng, plan.lead, plan.scenario.joint
        amount = rng.choice((8, 12, 15, 23, 36, 48, 65)) * 1000 + rng.randrange(10) * 100
        return {
            "name": lead.subject_name,
            "unit": lead.subject_unit,
            "post": lead.subject_post,
            "issue": lead.summary.split("：", 1)[-1].strip().rstrip("。").removeprefix("反映"),
            "amount": f"{amount:,}",
            "witness": names.person_name(rng, male=rng.random() < 0.6, birth_year=1975),
            "year": str(plan.moves[0].day.year - 1),
            "labels": self.labels(plan),
            "measures": self.measures(plan),
            "recommend_to": plan.desk.recommend_to,
            "sides": texts.SIDES[joint],
            "rules": texts.RULES[joint],
            "duty": texts.DUTY[joint],
            "law": texts.LAW[joint],
            "violation": texts.VIOLATION[joint],
            "attitude": rng.choice(texts.ATTITUDE).format(name=lead.subject_name),
            "plea": rng.choice(texts.PLEAS),
        }

    def register(self, plan: CasePlan, day: dt.date) -> Lead:
        desk, person, rng = plan.desk, plan.person, self.ctx.rng
        assert person is not None
        body = desk.cast.body
        stations = list(Org.objects.filter(parent=body, kind=OrgKind.STATION).order_by("pk"))
        kind = OrgKind.TOWNSHIP if desk.township else OrgKind.COUNTY
        source, label = rng.choice(EXTRA_SOURCES[kind])
        station = rng.choice(stations).name if stations else "村纪检监察工作联络站"
        issues = EXTRA_ISSUES if person_is_village_cadre(person) else texts.OFFICIAL_ISSUES
        lead = services.register_lead(
            actor=desk.registrar,
            org=body,
            data=services.LeadInput(
                source=source,
                summary=f"{label.format(station=station, n=rng.choice('一二三四'))}："
                f"{person.name}{rng.choice(issues)}。",
                subject_name=person.name,
                subject_unit=person.unit.name,
                subject_post=person.post,
                person_id=person.pk,
                handling_dept_id=desk.cast.room.pk if desk.cast.room else None,
            ),
        )
        self.registered += 1
        propose = next(m for m in plan.moves if m.code == "propose")
        held = max(day, self.ctx.prev_workday(propose.day - dt.timedelta(rng.randint(0, 2))))
        plan.planned = leads.Planned(
            lead, "verification_case", [], meeting_on=held,
            party_head=lead.subject_post in leads.PARTY_HEAD_POSTS, stance="admit",
        )  # fmt: skip
        return lead

    def sign(self, plan: CasePlan) -> None:
        approval = Approval.objects.get(
            Q(lead=plan.lead) | Q(case__lead=plan.lead), status=ApprovalStatus.PENDING
        )
        step = approval.steps.get(state=StepState.WAITING)
        approvals.sign(
            approval=approval,
            actor=self.signers[(step.role, step.org_id)],
            approve=True,
            comment=self.ctx.rng.choice(SIGN_COMMENTS),
        )

    def meeting(self, plan: CasePlan, index: int, kind: str, people: str, conclusion: str) -> Any:
        day = plan.moves[index].day
        earlier = plan.moves[index - 1].day if index else day
        held = max(earlier, self.ctx.prev_workday(day - dt.timedelta(self.ctx.rng.randint(0, 2))))
        return approvals.MeetingInput(kind, held, people, conclusion.format(**plan.words))

    def run(self, plan: CasePlan, index: int) -> None:
        """Apply one move through the services as the persona whose turn it is."""
        move, desk, w = plan.moves[index], plan.desk, plan.words
        actor, scenario = desk.cast.proposer, plan.scenario
        if move.code == "register":
            plan.lead = self.register(plan, move.day)
            return
        if move.code in LEAD_MOVES:
            assert plan.planned is not None
            leads.run_move(self.ctx, desk.cast, plan.planned, move)
            return
        if move.code == "sign":
            self.sign(plan)
            return
        assert plan.lead is not None and plan.person is not None
        if not w:
            plan.words = w = self.words(plan)
        if move.code == "file":
            case_services.propose_filing(
                lead=plan.lead, actor=actor, summary=texts.FILING_SUMMARY.format(**w),
                party_case=True, supervision_case=scenario.joint, complex_case=False,
                is_party_member=True, is_supervised=True,
                is_village_cadre=person_is_village_cadre(plan.person),
                meeting=self.meeting(plan, index, MeetingKind.COMMISSION, desk.board,
                                     texts.FILING_CONCLUSION),
            )  # fmt: skip
            return
        case = Case.objects.get(lead=plan.lead)
        review = case.reviews.order_by("-round").first()
        trial = self.trial
        match move.code:
            case "team":
                case_services.set_team(
                    case=case, actor=actor, leader=desk.team_leader, team=desk.team
                )
            case "measure":
                target, reason = texts.MEASURES[move.arg]
                case_services.request_measure(
                    case=case, actor=actor, kind=move.arg, target=target.format(**w),
                    reason=reason.format(**w), starts_on=move.day,
                )  # fmt: skip
            case "extend":
                case_services.request_extension(
                    case=case, actor=actor, months=move.arg,
                    reason=texts.EXTENSION_REASON.format(**w, months=move.arg),
                )  # fmt: skip
            case "report":
                case_services.submit_investigation_report(
                    case=case, actor=actor, report_text=texts.INVESTIGATION_REPORT.format(**w),
                    proposed_outcomes=scenario.outcomes,
                )  # fmt: skip
            case "assign":
                assert review is not None
                case_review.assign_reviewers(
                    review=review, actor=trial.head, reviewers=trial.reviewers
                )
            case "talk":
                assert review is not None
                case_review.record_review_talk(
                    review=review, actor=trial.reviewers[0], talk_on=move.day,
                    talk_record=texts.REVIEW_TALK.format(**w),
                )  # fmt: skip
            case "return":
                assert review is not None
                reason = self.ctx.rng.choice(texts.RETURN_REASONS).format(**w)
                case_review.return_for_evidence(
                    review=review, actor=trial.reviewers[1], reason=reason
                )
            case "review":
                assert review is not None
                case_review.submit_review_report(
                    review=review, actor=trial.reviewers[0],
                    report_text=texts.REVIEW_REPORT.format(**w),
                    proposed_outcomes=scenario.outcomes,
                    meeting=self.meeting(plan, index, MeetingKind.DEPARTMENT,
                                         trial.participants, texts.REVIEW_CONCLUSION),
                )  # fmt: skip
            case "decide":
                recommends = bool(w["measures"])  # 组织处理: by a 纪检监察建议书
                decisions.propose_decision(
                    case=case, actor=actor, outcomes=scenario.outcomes,
                    probation_years=scenario.probation,
                    meeting=self.meeting(plan, index, MeetingKind.COMMISSION, desk.board,
                                         texts.DECISION_CONCLUSION),
                    recommend_to=desk.recommend_to if recommends else "",
                    recommend_text=texts.RECOMMEND_TEXT.format(**w) if recommends else "",
                )  # fmt: skip
            case "rreply":
                measure = next(Outcome(o) for o in scenario.outcomes if o in ORG_MEASURES)
                decisions.record_recommendation_reply(
                    case=case, actor=actor, replied_on=move.day,
                    reply=texts.RECOMMENDATION_REPLIES[measure].format(**w),
                )  # fmt: skip
            case "announce":
                decisions.record_announcement(case=case, actor=actor, announced_on=move.day)
            case "execute":
                post = any(o in (P.PARTY_POST_REMOVAL, P.GOV_DISMISSAL) for o in scenario.outcomes)
                if post:
                    note = texts.EXECUTION_NOTE_POST
                elif w["measures"]:
                    note = texts.EXECUTION_NOTE_MEASURES
                else:
                    note = self.ctx.rng.choice(texts.EXECUTION_NOTES)
                decisions.record_execution(
                    case=case, actor=actor, executed_on=move.day, note=note.format(**w)
                )  # fmt: skip
            case "close":
                closing = texts.CLOSING_RECOMMENDED if w["measures"] else texts.CLOSING
                decisions.close_case(case=case, actor=actor, summary=closing.format(**w))
            case _:
                raise ValueError(move.code)


# -- the two bodies ------------------------------------------------------------------------


def _persons(qs: Any) -> list[Person]:
    used = Lead.objects.filter(person__isnull=False).values("person_id")
    return list(
        qs.filter(is_active=True, is_party_member=True)
        .exclude(pk__in=used)
        .select_related("unit")
        .order_by("pk")
    )


def _board(ctx: leads.Context, head: User, titles: tuple[str, ...]) -> str:
    people = [f"{head.full_name}（{titles[0]}）"]
    for title in titles[1:]:
        year = ctx.rng.randint(1968, 1985)
        name = names.person_name(ctx.rng, male=ctx.rng.random() < 0.7, birth_year=year)
        people.append(f"{name}（{title}）")
    return "、".join(people)


def _desks(ctx: leads.Context, county: Org, users: dict[str, User]) -> tuple[Desk, Desk]:
    town = leads.township_cast(users)
    township = Desk(
        cast=town,
        township=True,
        team_leader=users["shuji"],
        team=[users["zhuanzhi"]],
        registrar=users["zhuanzhi"],
        board=town.participants,
        persons=_persons(Person.objects.filter(org__path__startswith=town.body.path)),
        recommend_to=party_committee(town.body),  # 中共东坝镇委员会: it manages the cadre
    )
    desk = leads.county_cast(ctx, county, users)
    county_persons = Person.objects.filter(
        Q(org=county) | Q(org__parent=county, org__kind=OrgKind.DISPATCHED)
    )
    county_desk = Desk(
        cast=desk,
        township=False,
        team_leader=users["zhuren"],
        team=[users["jiancha"]],
        registrar=users["anguan"],
        board=_board(ctx, users["leader"], ("书记", "副书记", "常委", "常委")),
        persons=_persons(county_persons),
        recommend_to=f"中共{area(county)}委组织部",  # the county Party committee's cadres
    )
    return township, county_desk


def _ready_leads(qs: Any) -> list[Lead]:
    """The body's leads 拟立案, all but the newest (left for the officer to propose)."""
    found = list(qs.filter(status=LeadStatus.CASE_PROPOSED).select_related("person"))
    found.sort(key=lambda lead: (_ready_on(lead), lead.pk))
    return found[:-1]


def generate_county_cases(
    *, county: Org, seed: int, progress: Callable[[], object] = lambda: None
) -> dict[str, int]:
    """Take the demo county's cases through their states (see module docstring).

    Deterministic for a seed and a day. Returns how many cases there are, per status.
    """
    ctx = leads.Context(
        random.Random(f"{seed}-cases"), WorkCalendar(), timezone.localdate(), timezone.now()
    )
    users = {u.username: u for u in User.objects.filter(username__in=CAST, is_active=True)}
    if set(users) != set(CAST):
        return {}
    services.set_body_settings(  # 乡案县审 (DOMAIN.md §4, local practice)
        org=county,
        actor=users["leader"],
        verification_months=clocks.verification_months(county),
        reviews_township_cases=True,
    )
    township, county_desk = _desks(ctx, county, users)
    trial = Trial(
        head=users["slzhuren"],
        reviewers=[users["shenli"], users["shenli2"]],
        participants=_board(ctx, users["slzhuren"], ("审理室主任", "副主任"))
        + f"、{users['shenli'].full_name}、{users['shenli2'].full_name}",
    )
    signers = {
        (g.role.code, g.org_id): g.user
        for g in RoleGrant.objects.filter(user__in=users.values()).select_related("role", "user")
        if g.role.code in chains.SIGNING_ROLES
    }
    taken: set[int] = set()
    room = county_desk.cast.room
    plans = plan_cases(
        ctx, township, TOWNSHIP_CASES, _ready_leads(Lead.objects.filter(org=township.cast.body)),
        taken,
    )  # fmt: skip
    plans += plan_cases(
        ctx, county_desk, COUNTY_CASES,
        _ready_leads(Lead.objects.filter(org=county, handling_dept=room)), taken,
    )  # fmt: skip
    # All moves in date order; ``slot``: how many moves the case made earlier that day.
    timeline: list[tuple[dt.date, int, int, int]] = []
    for order, plan in enumerate(plans):
        per_day: Counter[dt.date] = Counter()
        for index, move in enumerate(plan.moves):
            timeline.append((move.day, order, index, per_day[move.day]))
            per_day[move.day] += 1
    runner, stamper = Runner(ctx, trial, signers), CaseStamper(ctx)
    for day, order, index, slot in sorted(timeline):
        plan = plans[order]
        since = timezone.now()
        runner.run(plan, index)
        at = stamper.moment(day, slot)
        stamper.stamp_plan(plan, day, at, since)
        if plan.moves[index].code == "register":
            assert plan.lead is not None
            Lead.objects.filter(pk=plan.lead.pk).update(created_at=at)
        progress()

    counts: Counter[str] = Counter()
    lead_ids = [p.lead.pk for p in plans if p.lead is not None]
    for status in Case.objects.filter(lead_id__in=lead_ids).values_list("status", flat=True):
        counts[f"cases_{status}"] += 1
    counts["cases_filing"] = Lead.objects.filter(pk__in=lead_ids, status=LeadStatus.FILING).count()
    counts["cases"] = Case.objects.filter(org__path__startswith=county.path).count()
    counts["case_leads_registered"] = runner.registered
    return dict(counts)


def county_cases_with_progress(county: Org, seed: int, writer: RowWriter) -> dict[str, int]:
    """``generate_county_cases`` with a progress bar on the demo command's stream."""
    from tqdm import tqdm

    bar = tqdm(
        desc="案件", unit="步", file=writer.stream, disable=not writer.progress,
        mininterval=0.5, dynamic_ncols=True,
    )  # fmt: skip
    try:
        return generate_county_cases(county=county, seed=seed, progress=lambda: bar.update())
    finally:
        bar.close()
