"""The life of one bulk case, step by step, for ``bulk_cases`` (DOMAIN.md §3–§5).

``CaseMaker`` makes the rows of one county at a time — the county and its townships share
their numbering, since a township's 审理报告 is approved and numbered at the county — from
the county's own random source. A case's lead is registered, its 立案呈批 submitted and
signed, and the case then goes through the steps the services take it through (审查调查组,
measures, an extension past ~11 months, 审查调查报告, 审理, 审理报告, 处分决定, 宣布, 执行,
结案), each on a day drawn from realistic gaps, until today stops it: the state, the open or
overdue clocks and the pending approvals follow from the case's age. Each step writes the
rows its service writes (``case_services``, ``case_review``, ``decisions``): a transition,
clocks, the 呈批 with its steps — each signed after a delay from ``SIGN_DELAYS`` by the
holder of the step's role on the step's org — measures, the review, sanctions and the
numbered documents. ``pending_lead`` adds leads whose 处置呈批 or 立案呈批 waits today.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from qingfeng.approvals.chains import DEFAULT_CHAINS
from qingfeng.approvals.models import Approval, ApprovalStatus, ApprovalStep, Matter, StepState
from qingfeng.cases.case_services import filing_matter
from qingfeng.cases.case_workflow import CASE_STEPS, CaseAction
from qingfeng.cases.decisions import authority_steps
from qingfeng.cases.models import (
    Case,
    CaseClock,
    CaseClockKind,
    CaseMeasure,
    CaseReview,
    CaseStatus,
    CaseTransition,
    Lead,
    LeadSource,
    LeadStatus,
    MeasureKind,
    MeasureStatus,
    ReviewStatus,
    Sanction,
    SanctionStatus,
    Way,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import (
    CHANGES_POST_AND_PAY,
    SANCTIONS,
    SanctionKind,
    effect_period,
    required_authority,
    sanction_kind,
)
from qingfeng.demo import case_texts, names
from qingfeng.demo.lead_texts import EXTRA_ISSUES, SIGN_COMMENTS
from qingfeng.documents.case_docs import PARTY_FILING_SERIES, SERIES, SUPERVISION_FILING_SERIES
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.documents.numbering import format_number
from qingfeng.documents.services import document_prefix
from qingfeng.orgs.models import Org
from qingfeng.workdays.clock import WorkCalendar

if TYPE_CHECKING:
    from qingfeng.demo.bulk_cases import Body, Province

YEARS = 2
JOINT_SHARE = 0.6  # Party members who are also 监察对象: 立案审查 and 立案调查 (DOMAIN.md §4)
# Leads waiting on a 呈批 per body (uniform in the range): the bulk of a 待我审批.
PENDING_LEADS = {True: (8, 30), False: (12, 36)}  # township / county
FILING_SHARE = 0.3  # of those, 立案呈批 (the rest 处置呈批)
SIGN_DELAYS = (0, 0, 1, 1, 2, 3, 5, 8, 13, 21)  # days a signer takes: a long tail
MEASURE_COUNTS = (0, 1, 1, 1, 2)
REJECTED_MEASURES = 0.05
P = Outcome
PARTY_MIX = {  # (outcome, weight) of the Party sanction: township (True) / county
    True: ((P.PARTY_WARNING, 45), (P.PARTY_SERIOUS_WARNING, 35), (P.PARTY_POST_REMOVAL, 8),
           (P.PARTY_PROBATION, 8), (P.PARTY_EXPULSION, 2)),
    False: ((P.PARTY_WARNING, 33), (P.PARTY_SERIOUS_WARNING, 33), (P.PARTY_POST_REMOVAL, 14),
            (P.PARTY_PROBATION, 12), (P.PARTY_EXPULSION, 8)),
}  # fmt: skip
LIGHT_GOV = (P.GOV_WARNING, P.GOV_DEMERIT, P.GOV_MAJOR_DEMERIT)  # all a village cadre may get
HEAVY_GOV = (P.GOV_DEMOTION, P.GOV_DISMISSAL)
M = MeasureKind
TOWNSHIP_MEASURES = (M.TALK, M.QUESTION, M.INQUIRY, M.COLLECT)  # no 冻结 at township level
COUNTY_MEASURES = (*TOWNSHIP_MEASURES, M.FREEZE)

Subject = tuple[int, str, str, str, bool]  # person id (0: none), name, unit, post, village cadre


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class Numbers:
    """Numbers per body, series and year, given in date order once a county is made."""

    def __init__(self, last: dict[tuple[int, str, int], int]) -> None:
        self.last = last
        self.pending: list[tuple[int, str, int, dt.datetime, int, Callable[[int], None]]] = []

    def take(self, org: int, series: str, at: dt.datetime, fill: Callable[[int], None]) -> None:
        self.pending.append((org, series, at.year, at, len(self.pending), fill))

    def assign(self) -> None:
        for org, series, year, _at, _n, fill in sorted(self.pending, key=lambda x: x[:5]):
            seq = self.last[(org, series, year)] = self.last.get((org, series, year), 0) + 1
            fill(seq)
        self.pending.clear()


@dataclass
class Run:
    """One case (or one pending lead) being made: its ids, people and latest moment."""

    body: Body
    county: Body
    subject: Subject
    lead_id: int
    case_id: int | None = None
    words: dict[str, str] = field(default_factory=dict)
    joint: bool = False
    dept: int | None = None
    outcomes: list[str] = field(default_factory=list)
    probation: int | None = None
    status: str = CaseStatus.INVESTIGATING
    last: dt.datetime | None = None
    proposer: int = 0
    leader: int | None = None
    review_org: int | None = None
    review_id: int | None = None
    transferred: dt.date | None = None
    closed: dt.date | None = None
    extended: int = 0
    report: str = ""
    clocks: dict[str, list[Any]] = field(default_factory=dict)
    sanctions: list[list[Any]] = field(default_factory=list)


class CaseMaker:
    """Makes the rows of one county at a time (``make_county``) into ``rows``."""

    def __init__(self, p: Province, seed: int, numbers: Numbers, next_ids: dict[str, int]) -> None:
        self.p, self.seed, self.numbers, self.ids = p, seed, numbers, next_ids
        self.rng = random.Random(0)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.cal = WorkCalendar()
        self.cal.ensure(
            self.today - dt.timedelta(days=366 * (YEARS + 1)), self.today + dt.timedelta(days=800)
        )
        self.workdays: dict[dt.date, dt.date] = {}
        self.deadlines: dict[tuple[dt.date, int], tuple[dt.date, bool]] = {}
        self.signers: dict[tuple[str, int | None], int] = {}
        self.prefix = {b.id: document_prefix(Org(name=b.name)) for b in p.bodies.values()}
        self.rows: dict[type[models.Model], list[Any]] = defaultdict(list)
        self.cases = self.pending = 0
        for b in p.bodies.values():
            s = b.staff
            if b.township:
                self.signers.update(
                    {
                        ("township_secretary", b.id): s["secretary"],
                        ("party_secretary", b.id): s["party"],
                    }
                )
            elif b.township is None:
                self.signers[("county_leader", b.id)] = s["leader"]
            else:
                self.signers.update(
                    {("county_leader", b.id): s["leader"], ("party_secretary", b.id): s["party"]}
                )
                for i, room in enumerate(b.rooms):
                    self.signers[("dept_head", room)] = s[f"room{i % 2}"]
                if b.trial is not None:
                    self.signers[("dept_head", b.trial)] = s["trial"]

    # -- calendar and clock time --------------------------------------------------------

    def workday(self, day: dt.date) -> dt.date:
        hit = self.workdays.get(day)
        if hit is None:
            hit = self.workdays[day] = self.cal.next_workday(day).date
        return hit

    def after(self, day: dt.date, low: int, high: int) -> dt.date:
        return self.workday(day + dt.timedelta(days=self.rng.randint(low, high)))

    def deadline(self, start: dt.date, months: int) -> tuple[dt.date, bool]:
        hit = self.deadlines.get((start, months))
        if hit is None:
            d = self.cal.deadline_months(start, months)
            hit = self.deadlines[(start, months)] = (d.date, d.provisional)
        return hit

    def at(self, run: Run, day: dt.date) -> dt.datetime:
        """A moment of ``day`` in office hours, after the run's previous one."""
        moment = dt.datetime.combine(day, dt.time(9), tzinfo=self.tz)
        moment += dt.timedelta(minutes=self.rng.randint(0, 420))
        if run.last is not None and moment <= run.last:
            moment = run.last + dt.timedelta(minutes=self.rng.randint(1, 30))
        run.last = min(moment, self.now)
        return run.last

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table] - 1

    # -- rows written by every kind of step ----------------------------------------------

    def move(self, run: Run, action: CaseAction, actor: int, day: dt.date, note: str = "") -> None:
        """One ``CaseTransition`` (``case_workflow.CASE_STEPS`` gives the new status)."""
        target = CASE_STEPS[action].target or run.status
        row = (run.case_id, action.value, "" if action == CaseAction.FILE else run.status,
               target, actor, note, self.at(run, day))  # fmt: skip
        self.rows[CaseTransition].append(row)
        run.status = target

    def clock(self, run: Run, kind: str, org: int, start: dt.date, months: int) -> None:
        due, provisional = self.deadline(start, months)
        fixed = months if kind == CaseClockKind.PROBATION else None
        run.clocks[kind] = [run.case_id, kind, org, start, due, fixed, provisional, None]

    def meet(self, run: Run, kind: str, day: dt.date) -> None:
        if kind in run.clocks:
            run.clocks[kind][7] = self.at(run, day)
            self.rows[CaseClock].append(tuple(run.clocks.pop(kind)))

    def document(
        self, run: Run, kind: str, title: str, day: dt.date, actor: int, series: str = ""
    ) -> int:
        pk, org, series = (
            self.next_id("document"),
            run.body.id,
            series or SERIES[DocumentKind(kind)],
        )
        at = self.at(run, day)
        row = [pk, org, kind, series, at.year, 0, "", title, "", f"{title}：{run.subject[1]}案。",
               run.case_id, at, actor]  # fmt: skip
        prefix = self.prefix[org]

        def fill(seq: int) -> None:
            row[5], row[6] = seq, format_number(prefix=f"{prefix}{series}", year=at.year, seq=seq)
            row[8] = f"documents/{org}/{at.year}/{kind}-{seq}.docx"

        self.numbers.take(org, series, at, fill)
        self.rows[Document].append(row)
        return pk

    def chain(self, body: Body, matter: str, dept: int | None) -> list[tuple[str, str, int | None]]:
        """The default chain of ``matter`` at ``body`` resolved to orgs (``chains.resolve``)."""
        specs = DEFAULT_CHAINS["township" if body.township else "upper"][matter]
        return self.resolve(specs, body, dept)

    def resolve(
        self, specs: Any, body: Body, dept: int | None
    ) -> list[tuple[str, str, int | None]]:
        orgs = {"self": body.id, "dept": dept, "parent": body.parent}
        return [(s.role, s.label, orgs[s.relation]) for s in specs]

    def approval(
        self, run: Run, *, org: int, matter: str, title: str, proposal: str,
        payload: dict[str, Any], day: dt.date, steps: list[tuple[str, str, int | None]],
        on_case: bool = True, by: dt.date | None = None, pending: bool = False,
        reject: bool = False, submitter: int | None = None,
    ) -> tuple[dt.date | None, int]:  # fmt: skip
        """One 呈批 (``approvals.services.submit``) submitted on ``day`` by ``submitter`` (the
        run's proposer by default); each step is signed after a delay from ``SIGN_DELAYS``.

        ``by``: decided by that day at the latest (if not after today); ``pending``: some
        steps signed, one waiting today. Returns the decision day (None while pending) and
        the last signer (the actor of what the approval applies).
        """
        rng, pk = self.rng, self.next_id("approval")
        days, d = [], day
        for _step in steps:
            d = self.workday(d + dt.timedelta(days=rng.choice(SIGN_DELAYS)))
            days.append(d)
        if pending:
            days = [min(x, self.today) for x in days[: rng.randrange(len(steps))]]
        elif by is not None and by <= self.today:
            days = [min(x, by) for x in days]
        done = [x for x in days if x <= self.today]
        submitted = self.at(run, day)
        digest = hashlib.sha256(f"{self.seed}-{pk}".encode()).hexdigest()
        submitter = submitter or run.proposer
        last_signer, decided_at = submitter, None
        for i, (role, label, step_org) in enumerate(steps):
            state, signer, comment, signed = StepState.QUEUED, None, "", None
            if i < len(done):
                state, signer, comment = (
                    StepState.APPROVED,
                    self.signers.get((role, step_org)),
                    rng.choice(SIGN_COMMENTS),
                )
                signed = decided_at = self.at(run, done[i])
                last_signer = signer or last_signer
                if reject and i == len(steps) - 1:
                    state, comment = StepState.REJECTED, "理由不充分，暂不采取该措施。"
            elif i == len(done):
                state = StepState.WAITING
            sealed = digest if signed else ""
            self.rows[ApprovalStep].append(
                (pk, i + 1, label, role, step_org, state, signer, comment, signed, sealed)
            )
        status = ApprovalStatus.PENDING
        if len(done) == len(steps):
            status = ApprovalStatus.REJECTED if reject else ApprovalStatus.APPROVED
        else:
            decided_at = None
            self.pending += 1
        case_id = run.case_id if on_case else None
        row = [pk, "", org, matter, run.lead_id, case_id, title[:200], proposal, _json(payload),
               digest, status, "", submitter, submitted, decided_at]  # fmt: skip
        code = self.p.bodies[org].code

        def fill(seq: int) -> None:
            row[1] = f"{code}-CP-{submitted.year}-{seq:05d}"

        self.numbers.take(org, "呈批", submitted, fill)
        self.rows[Approval].append(row)
        return (done[-1] if done and status != ApprovalStatus.PENDING else None), last_signer

    # -- one case ------------------------------------------------------------------------

    def words(self, subject: Subject, joint: bool) -> dict[str, str]:
        rng, (_pk, name, unit, post, village) = self.rng, subject
        amount = rng.choice((8, 12, 15, 23, 36, 48, 65)) * 1000 + rng.randrange(10) * 100
        return {
            "name": name, "unit": unit, "post": post, "amount": f"{amount:,}",
            "issue": rng.choice(EXTRA_ISSUES if village else case_texts.OFFICIAL_ISSUES),
            "witness": names.person_name(rng, male=rng.random() < 0.6, birth_year=1975),
            "year": str(self.today.year - 1), "labels": "", "sides": case_texts.SIDES[joint],
            "rules": case_texts.RULES[joint], "duty": case_texts.DUTY[joint],
            "law": case_texts.LAW[joint], "violation": case_texts.VIOLATION[joint],
            "attitude": rng.choice(case_texts.ATTITUDE).format(name=name),
            "plea": rng.choice(case_texts.PLEAS),
        }  # fmt: skip

    def choose_outcomes(self, run: Run) -> None:
        """A Party sanction, with a 政务处分 for a joint case (village cadres: 警告/记过/记大过
        only, DOMAIN.md §5), and for some expulsions a transfer for prosecution."""
        rng, village = self.rng, run.subject[4]
        mix = PARTY_MIX[bool(run.body.township)]
        party = rng.choices([o for o, _w in mix], [w for _o, w in mix])[0]
        heavy = party in (P.PARTY_POST_REMOVAL, P.PARTY_PROBATION, P.PARTY_EXPULSION)
        run.outcomes = [party]
        if run.joint and village:
            run.outcomes.append(LIGHT_GOV[2] if heavy else rng.choice(LIGHT_GOV[:2]))
        elif run.joint:
            gov = P.GOV_EXPULSION if party == P.PARTY_EXPULSION else None
            run.outcomes.append(gov or rng.choice(HEAVY_GOV if heavy else LIGHT_GOV))
        if party == P.PARTY_EXPULSION and rng.random() < 0.5:
            run.outcomes.append(P.PROSECUTION)
        run.probation = rng.choice((1, 2)) if party == P.PARTY_PROBATION else None
        labels = "、".join(str(Outcome(o).label) for o in run.outcomes if o in SANCTIONS)
        extra = "，移送审查起诉" if P.PROSECUTION in run.outcomes else ""
        run.words["labels"] = f"{labels}处分{extra}"

    def subject(self, body: Body) -> Subject:
        if body.persons:
            return body.persons[int(self.rng.random() * len(body.persons))]
        name = names.person_name(self.rng, male=True, birth_year=1975)
        return (0, name, body.name.removesuffix("纪委监委").removesuffix("纪委"), "干部", False)

    def start(self, body: Body, county: Body, *, case: bool) -> Run:
        rng, s = self.rng, body.staff
        subject = self.subject(body)
        run = Run(
            body, county, subject, self.next_id("lead"), self.next_id("case") if case else None
        )
        run.joint = rng.random() < JOINT_SHARE
        run.words = self.words(subject, run.joint)
        if body.township:
            run.proposer = s["officer"]
        else:
            k = rng.randrange(len(body.rooms))
            run.dept, run.proposer = body.rooms[k], s[f"inv{k % 2}"]
        return run

    def lead(self, run: Run, day: dt.date, status: str, way: str) -> list[Any]:
        body, (pk, name, unit, post, _v) = run.body, run.subject
        source = self.rng.choice(
            (LeadSource.SUPERVISION, LeadSource.INSPECTION, LeadSource.UPPER,
             LeadSource.STATION if body.township else LeadSource.AUDIT)
        )  # fmt: skip
        at = self.at(run, day)
        summary = f"{LeadSource(source).label}：{name}{run.words['issue']}。"
        row = [run.lead_id, "", body.id, source, name, unit, post, pk or None, summary, run.dept,
               status, way, "", None, at, run.proposer, at, ""]  # fmt: skip

        def fill(seq: int) -> None:
            row[1] = f"{body.code}-XS-{at.year}-{seq:05d}"

        self.numbers.take(body.id, "问题线索", at, fill)
        self.rows[Lead].append(row)
        return row

    def filing(self, run: Run, day: dt.date, *, pending: bool) -> tuple[dt.date | None, int]:
        """The 立案审查调查呈批报告 (DOMAIN.md §4) on the run's lead, submitted on ``day``."""
        w, matter = run.words, filing_matter(party_case=True, supervision_case=run.joint)
        summary = case_texts.FILING_SUMMARY.format(**w)
        payload = {
            "summary": summary, "party_case": True,
            "supervision_case": run.joint, "complex_case": False, "is_party_member": True,
            "is_supervised": True, "is_village_cadre": run.subject[4],
        }  # fmt: skip
        sides = "立案审查、立案调查" if run.joint else "立案审查"
        return self.approval(
            run, org=run.body.id, matter=matter, title=f"关于对{w['name']}{sides}的呈批报告",
            proposal=summary, payload={"filing": payload}, day=day,
            steps=self.chain(run.body, matter, run.dept), pending=pending,
        )  # fmt: skip

    def make_case(self, body: Body, county: Body, day: dt.date) -> None:
        """A case whose 立案呈批 is submitted on ``day`` (still pending: only its lead)."""
        run = self.start(body, county, case=True)
        self.choose_outcomes(run)
        lead = self.lead(run, self.workday(day - dt.timedelta(self.rng.randint(40, 150))),
                         LeadStatus.FILING, Way.VERIFICATION)  # fmt: skip
        filed, signer = self.filing(run, day, pending=False)
        if filed is None:
            self.rows[Approval][-1][5] = None  # the case is made by the approval
            lead[16] = run.last
            return
        self.cases += 1
        lead[10] = LeadStatus.FILED
        self.move(run, CaseAction.FILE, signer, filed, "批准立案")
        created = run.last
        assert created is not None
        self.clock(run, CaseClockKind.INVESTIGATION, body.id, filed, 12)
        report = DocumentKind.CASE_FILING_REPORT
        self.document(run, report, str(report.label), filed, signer)
        self.document(run, DocumentKind.CASE_DECISION, "立案决定书", filed, signer,
                      PARTY_FILING_SERIES)  # fmt: skip
        if run.joint:
            self.document(run, DocumentKind.CASE_DECISION, "立案决定书", filed, signer,
                          SUPERVISION_FILING_SERIES)  # fmt: skip
        self.document(run, DocumentKind.CASE_NOTICE, "立案通知书", filed, signer)
        day_ = self.investigate(run, filed)
        day_ = day_ and self.review(run, day_)
        day_ = day_ and self.decide(run, day_)
        if day_:
            self.execute(run, day_)
        self.finish(run, lead, filed, created)

    def investigate(self, run: Run, filed: dt.date) -> dt.date | None:
        """审查调查组, measures, an extension past ~11 months, the 审查调查报告 and 移送审理."""
        rng, body, w, s, today = self.rng, run.body, run.words, run.body.staff, self.today
        inv_days = int(rng.triangular(50, 400, 120))
        report_day = self.workday(filed + dt.timedelta(days=inv_days))
        d = self.after(filed, 0, 3)
        if d > today:
            return None
        if body.township:
            run.leader = s["secretary"] if rng.random() < 0.7 else s["deputy"]
            team = [run.leader, s["officer"], *([s["deputy"]] if rng.random() < 0.4 else [])]
        else:
            k = body.rooms.index(run.dept or 0) % 2
            run.leader, team = s[f"room{k}"], [s[f"room{k}"], s["inv0"], s["inv1"]]
        self.rows[Case.team.through].extend((run.case_id, u) for u in dict.fromkeys(team))
        self.move(run, CaseAction.SET_TEAM, run.proposer, d, "组成审查调查组")
        by = report_day - dt.timedelta(days=1)
        kinds = TOWNSHIP_MEASURES if body.township else COUNTY_MEASURES
        for _n in range(rng.choice(MEASURE_COUNTS)):
            d = self.after(d, 3, 25)
            if d > today or d >= by:
                break
            kind = rng.choice(kinds)
            target, reason = (t.format(**w) for t in case_texts.MEASURES[kind])
            label = MeasureKind(kind).label
            self.move(run, CaseAction.REQUEST_MEASURE, run.proposer, d, f"{label}：{target}")
            pk, reject = self.next_id("measure"), rng.random() < REJECTED_MEASURES
            measure = [pk, run.case_id, kind, target, reason, d, MeasureStatus.PENDING,
                       run.proposer, run.last]  # fmt: skip
            self.rows[CaseMeasure].append(measure)
            decided, signer = self.approval(
                run, org=body.id, matter=Matter.CASE_MEASURE, proposal=reason,
                title=f"关于对{w['name']}案采取{label}措施的呈批", payload={"measure": pk},
                day=d, steps=self.chain(body, Matter.CASE_MEASURE, run.dept), by=by, reject=reject,
            )  # fmt: skip
            if decided is None:
                break
            measure[6] = MeasureStatus.REJECTED if reject else MeasureStatus.APPROVED
            self.move(
                run,
                CaseAction.MEASURE_DECIDED,
                signer,
                decided,
                f"{label}{'未' if reject else ''}批准",
            )
            d = decided
        if inv_days > 330:  # 1 year from 立案, extended once by up to 6 months (DOMAIN.md §4)
            x, months = self.after(filed, 270, 310), rng.choice((3, 4, 6))
            if x > today:
                return None
            self.move(run, CaseAction.REQUEST_EXTENSION, run.proposer, x, f"拟延长{months}个月")
            decided, signer = self.approval(
                run, org=body.id, matter=Matter.CASE_EXTENSION, payload={"months": months},
                title=f"关于延长{w['name']}案审查调查期限{months}个月的请示", day=x, by=by,
                proposal=case_texts.EXTENSION_REASON.format(**w, months=months),
                steps=self.chain(body, Matter.CASE_EXTENSION, run.dept),
            )  # fmt: skip
            if decided is None:
                return None
            run.extended = months
            self.clock(run, CaseClockKind.INVESTIGATION, body.id, filed, 12 + months)
            self.move(run, CaseAction.EXTENSION_DECIDED, signer, decided, f"批准延长{months}个月")
        if report_day > today:
            return None
        run.report = case_texts.INVESTIGATION_REPORT.format(**w)
        self.move(run, CaseAction.SUBMIT_REPORT, run.proposer, report_day, "审查调查报告呈批")
        decided, signer = self.approval(
            run, org=body.id, matter=Matter.INVESTIGATION_REPORT, proposal=run.report,
            title=f"关于{w['name']}案的审查调查报告（建议{w['labels']}）", day=report_day,
            payload={"outcomes": run.outcomes},
            steps=self.chain(body, Matter.INVESTIGATION_REPORT, run.dept),
        )  # fmt: skip
        if decided is None:
            return None
        county = run.county
        to_county = county.trial is not None and (not body.township or county.reviews_townships)
        run.review_org = county.trial if to_county else body.id
        run.transferred, run.review_id = decided, self.next_id("review")
        self.meet(run, CaseClockKind.INVESTIGATION, decided)
        self.move(run, CaseAction.REPORT_APPROVED, signer, decided, "移送审理")
        assert run.review_org is not None
        self.rows[CaseReview].append(
            [run.review_id, run.case_id, 1, run.review_org, decided, ReviewStatus.REVIEWING, None,
             "", "", "", _json([]), signer, run.last]
        )  # fmt: skip
        self.clock(run, CaseClockKind.REVIEW, run.review_org, decided, 1)
        self.document(run, DocumentKind.INVESTIGATION_REPORT, "审查调查报告", decided, signer)
        register = DocumentKind.REVIEW_REGISTER
        self.document(run, register, str(register.label), decided, signer)
        return decided

    def review(self, run: Run, start: dt.date) -> dt.date | None:
        """审理 by two reviewers: talk, 审理报告 approved by the 审理 body (乡案县审: county)."""
        w, today, review = run.words, self.today, self.rows[CaseReview][-1]
        at_county = run.review_org != run.body.id
        s = run.county.staff if at_county else run.body.staff
        head, judges = (
            (s["trial"], [s["judge0"], s["judge1"]]) if at_county
            else (s["secretary"], [s["deputy"], s["party"]])
        )  # fmt: skip
        d = self.after(start, 1, 4)
        if d > today:
            return None
        self.rows[CaseReview.reviewers.through].extend((run.review_id, j) for j in judges)
        self.move(run, CaseAction.ASSIGN_REVIEWERS, head, d, "确定审理人员")
        d = self.after(d, 3, 12)
        if d > today:
            return None
        review[6], review[7] = d, case_texts.REVIEW_TALK.format(**w)
        self.move(run, CaseAction.REVIEW_TALK, judges[0], d, "审理谈话")
        d = self.after(d, 4, 25)
        if d > today:
            return None
        review[5], review[9] = ReviewStatus.REPORT_PENDING, case_texts.REVIEW_REPORT.format(**w)
        review[10] = _json(run.outcomes)
        self.move(run, CaseAction.SUBMIT_REVIEW, judges[0], d, "审理报告呈批")
        org = run.county if at_county else run.body
        decided, signer = self.approval(
            run, org=org.id, matter=Matter.REVIEW_REPORT, proposal=review[9],
            title=f"关于{w['name']}案的审理报告（{w['labels']}）", day=d, submitter=judges[0],
            payload={"review": run.review_id, "outcomes": run.outcomes},
            steps=self.chain(org, Matter.REVIEW_REPORT, run.review_org if at_county else None),
        )  # fmt: skip
        if decided is None:
            return None
        review[5] = ReviewStatus.DONE
        self.meet(run, CaseClockKind.REVIEW, decided)
        self.move(run, CaseAction.REVIEW_APPROVED, signer, decided, "审理终结")
        self.document(run, DocumentKind.REVIEW_REPORT, "审理报告", decided, signer)
        return decided

    def decide(self, run: Run, start: dt.date) -> dt.date | None:
        """处分决定 approved by the bodies holding the power (``decisions.authority_steps``);
        effect periods and the announce / post-and-pay / execution clocks start that day."""
        w, body, township = run.words, run.body, bool(run.body.township)
        d = self.after(start, 2, 12)
        if d > self.today:
            return None
        self.move(run, CaseAction.PROPOSE_DECISION, run.proposer, d, f"拟给予{w['labels']}")
        authorities = []
        for code in run.outcomes:
            authority = required_authority(code, body_is_township=township, complex_case=False)
            authorities.append(authority)
            kind = sanction_kind(code)
            years = run.probation if code == P.PARTY_PROBATION else None
            run.sanctions.append(
                [self.next_id("sanction"), run.case_id, code, kind.value if kind else "measure",
                 authority, years, SanctionStatus.PROPOSED, None, None, None, False, "", None,
                 None, "", None, run.last]
            )  # fmt: skip
        decided, signer = self.approval(
            run, org=body.id, matter=Matter.SANCTION_DECISION, day=d,
            title=f"关于给予{w['name']}{w['labels']}的呈批",
            proposal=f"经审理，拟给予{w['name']}{w['labels']}。",
            payload={"outcomes": run.outcomes, "probation_years": run.probation},
            steps=self.resolve(authority_steps(authorities, township=township), body, run.dept),
        )  # fmt: skip
        if decided is None:
            return None
        heavy = False
        for row in run.sanctions:
            code, row[6], row[7] = row[2], SanctionStatus.DECIDED, decided
            if code in SANCTIONS:
                period = effect_period(code, decided, probation_years=row[5])
                row[8], row[9] = period.ends_on, period.term_ends_on
                heavy = heavy or code in CHANGES_POST_AND_PAY
                if row[5]:
                    self.clock(run, CaseClockKind.PROBATION, body.id, decided, 12 * row[5])
            if row[3] == SanctionKind.PARTY:
                title = f"关于给予{w['name']}同志{Outcome(code).label}处分的决定"
                row[15] = self.document(
                    run, DocumentKind.PARTY_SANCTION_DECISION, title, decided, signer
                )
            elif row[3] == SanctionKind.GOVERNMENT:
                row[15] = self.document(
                    run, DocumentKind.GOV_SANCTION_DECISION, "政务处分决定书", decided, signer
                )
        self.clock(run, CaseClockKind.ANNOUNCE, body.id, decided, 1)
        if heavy:
            self.clock(run, CaseClockKind.POST_AND_PAY, body.id, decided, 1)
        self.clock(run, CaseClockKind.EXECUTION_REPORT, body.id, decided, 6)
        self.move(run, CaseAction.DECISION_APPROVED, signer, decided, "决定生效")
        return decided

    def execute(self, run: Run, decided: dt.date) -> None:
        """宣布 within about a month, the unit's execution report, then 结案."""
        rng, w, today = self.rng, run.words, self.today
        d = self.after(decided, 2, 12) if rng.random() < 0.9 else self.after(decided, 25, 45)
        if d > today:
            return
        for row in run.sanctions:
            row[6], row[12] = SanctionStatus.ANNOUNCED, d
        self.meet(run, CaseClockKind.ANNOUNCE, d)
        self.move(run, CaseAction.ANNOUNCE, run.proposer, d, f"{d:%Y-%m-%d}宣布")
        d = self.after(d, 15, 120) if rng.random() < 0.85 else self.after(d, 150, 220)
        if d > today:
            return
        heavy = CaseClockKind.POST_AND_PAY in run.clocks
        note = case_texts.EXECUTION_NOTE_POST if heavy else rng.choice(case_texts.EXECUTION_NOTES)
        note = note.format(**w)
        for row in run.sanctions:
            row[6], row[13], row[14] = SanctionStatus.EXECUTED, d, note
        self.meet(run, CaseClockKind.POST_AND_PAY, d)
        self.meet(run, CaseClockKind.EXECUTION_REPORT, d)
        self.move(run, CaseAction.RECORD_EXECUTION, run.proposer, d, note)
        d = self.after(d, 3, 30)
        if d > today:
            return
        run.closed = d
        self.move(run, CaseAction.CLOSE, run.proposer, d, case_texts.CLOSING.format(**w)[:200])
        self.document(run, DocumentKind.CLOSING_REPORT, "结案报告", d, run.proposer)

    def finish(self, run: Run, lead: list[Any], filed: dt.date, created: dt.datetime) -> None:
        """The case row as it stands today, its open clocks and its sanctions."""
        body, (pk, name, unit, post, village) = run.body, run.subject
        self.rows[CaseClock].extend(tuple(c) for c in run.clocks.values())
        self.rows[Sanction].extend(tuple(s) for s in run.sanctions)
        lead[13], lead[16] = run.closed, run.last
        row = [
            run.case_id, "", run.lead_id, body.id, body.id, run.dept, run.review_org, name, unit,
            post, pk or None, True, True, village, True, run.joint, False,
            case_texts.FILING_SUMMARY.format(**run.words), run.status, filed, run.extended,
            run.leader, run.report, _json(run.outcomes if run.report else []), run.transferred,
            run.closed, run.proposer, created, run.last, "",
        ]  # fmt: skip

        def fill(seq: int) -> None:
            row[1] = f"{body.code}-AJ-{created.year}-{seq:04d}"

        self.numbers.take(body.id, "案件", created, fill)
        self.rows[Case].append(row)

    # -- leads waiting on a 呈批 and whole counties ---------------------------------------

    def pending_lead(self, body: Body, county: Body) -> None:
        """A lead whose 处置呈批 or 立案呈批 waits today: the bulk of a 待我审批."""
        rng = self.rng
        run = self.start(body, county, case=False)
        back = rng.randint(0, 30)
        day = self.today - dt.timedelta(days=back)
        created = self.workday(day - dt.timedelta(days=rng.randint(20, 120)))
        if rng.random() < FILING_SHARE:
            lead = self.lead(run, created, LeadStatus.FILING, Way.VERIFICATION)
            self.filing(run, day, pending=True)
        else:
            way = rng.choice((Way.ENQUIRY, Way.ENQUIRY, Way.VERIFICATION, Way.HOLD, Way.CLOSE))
            lead = self.lead(run, created, LeadStatus.PROPOSED, "")
            name = run.subject[1]
            self.approval(
                run, org=body.id, matter=Matter.LEAD_DISPOSAL, on_case=False, pending=True,
                title=f"关于{name}问题线索拟{Way(way).label}的呈批", day=day,
                proposal=f"经集体研究，拟对反映{name}的问题线索予以{Way(way).label}。",
                payload={"way": way, "from": LeadStatus.PENDING},
                steps=self.chain(body, Matter.LEAD_DISPOSAL, run.dept),
            )  # fmt: skip
        lead[16] = run.last

    def make_county(self, county: Body, counts: dict[int, int]) -> int:
        """A county and its townships, from the county's own random source; returns how
        many cases were planned."""
        self.rng = random.Random(f"{self.seed}-bulk-cases-{county.id}")
        planned = 0
        for body in (county, *self.p.townships[county.id]):
            for _n in range(counts.get(body.id, 0)):
                age = int(YEARS * 365 * self.rng.random() ** 1.1)  # a few more recent ones
                self.make_case(body, county, self.workday(self.today - dt.timedelta(days=age)))
            low, high = PENDING_LEADS[bool(body.township)]
            for _n in range(self.rng.randint(low, high)):
                self.pending_lead(body, county)
            planned += counts.get(body.id, 0)
        self.numbers.assign()
        return planned
