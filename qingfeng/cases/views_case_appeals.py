"""复议复查（复审复核） and the end of a 留党察看 term on the case file (DOMAIN.md §4 "Appeals",
§5): the section of the 卷宗 listing each sanction's appeals (``appeal_context`` for
``cases/_case_appeals.html``) and the four steps, each a small form posting to its own URL —
申请 (``appeals.file_appeal``), 复查人员 (``assign_appeal_reviewers``), 复查决定呈批
(``propose_appeal_decision``, signed on the approvals pages) and 察看期满处理
(``probation.conclude_probation``).

Like ``views_case_actions``: the case is read with ``case.handle``, so a user who may not act
on it gets 404 exactly like a missing case; a sanction or an appeal is looked up only
through its case (404 for one of another case). The input goes to the service; success
redirects to the case file with a message; a ``ValidationError`` goes onto the field it
names and the case file is shown again with the input kept (status 400,
``views_cases.render_file``). The body that receives an appeal may be above the case's body
(``appeals.deciding_body``), so whether the user may act is the service's to say: a
``PermissionDenied`` answers 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.cases import appeals, probation
from qingfeng.cases.appeal_forms import (
    AppealDecisionForm,
    AppealFileForm,
    AppealReviewersForm,
    ProbationForm,
    appeal_kinds,
    appeal_reviewer_candidates,
)
from qingfeng.cases.case_selectors import get_case_for_user, sanctions_of
from qingfeng.cases.models import (
    Appeal,
    AppealKind,
    AppealStatus,
    Case,
    CaseClockKind,
    ProbationResult,
    Sanction,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import PARTY_SANCTIONS, SANCTIONS
from qingfeng.core.forms import StyledForm, apply_service_errors
from qingfeng.orgs.models import Org

# The steps, as their forms are prefixed (``<step>_<sanction or appeal id>``).
FILE = "file_appeal"
REVIEWERS = "appeal_reviewers"
DECISION = "appeal_decision"
PROBATION = "conclude_probation"
STEP_LABELS: dict[str, str] = {
    FILE: "复议复查（复审复核）申请",
    REVIEWERS: "确定复查人员",
    DECISION: "复查决定呈批",
    PROBATION: "察看期满处理",
}
# A service error on a field the form names otherwise.
PROBATION_FIELDS = {"probation_years": "result"}


def form_key(step: str, pk: int) -> str:
    """The key (and form prefix) of ``step`` on one sanction or appeal."""
    return f"{step}_{pk}"


@dataclass
class AppealStep:
    """One form offered in the section: it posts to ``url``."""

    key: str
    label: str
    url: str
    form: StyledForm
    notes: list[str] = field(default_factory=list)


@dataclass
class AppealRow:
    appeal: Appeal
    reviewers: list[Any]
    due_on: dt.date | None
    overdue: bool
    new_outcome_text: str


@dataclass
class SanctionRow:
    """A sanction in the section: its appeals, its 留党察看 term, and the steps offered on
    it and on its appeals."""

    sanction: Sanction
    outcome_text: str
    body: Org
    is_probation: bool
    appeals: list[AppealRow] = field(default_factory=list)
    steps: list[AppealStep] = field(default_factory=list)


def _outcome(code: str) -> Outcome | None:
    try:
        return Outcome(code)
    except ValueError:
        return None


def _appealable(sanction: Sanction) -> bool:
    """A decided 党纪 or 政务 sanction (组织处理 is not appealed this way)."""
    return sanction.decided_on is not None and _outcome(sanction.outcome) in SANCTIONS


def _receiver(kind: str, body: Org) -> Org | None:
    """Who receives an appeal of ``kind`` against a sanction decided by ``body``: the body,
    or for a 复核 the body above it (None when it is not on this system)."""
    return body.parent if kind == AppealKind.GOV_RECHECK else body


def _file_notes(sanction: Sanction, body: Org) -> list[str]:
    if _outcome(sanction.outcome) in PARTY_SANCTIONS:
        first = f"党纪处分复议复查由{body.name}受理，自申请之日起3个月内办结。"
    else:
        first = (
            f"政务处分复审须在收到处分决定之日起1个月内向{body.name}申请，1个月内作出决定；"
            "复核须在收到复审决定之日起1个月内向上一级监委申请，2个月内作出决定。"
        )
    return [first, "复议复查（复审复核）期间，不停止原处分的执行。"]


def _clock_dues(case: Case) -> dict[tuple[dt.date, int, int | None], dt.date]:
    """The appeals' clocks (``appeals.file_appeal`` opens one per appeal at its body)."""
    clocks = case.clocks.filter(kind=CaseClockKind.APPEAL).values_list(
        "starts_on", "org_id", "months", "due_on"
    )
    return {(start, org, months): due for start, org, months, due in clocks}


class _Section:
    """Builds the rows of the section for one reader of one case."""

    def __init__(self, user: Any, case: Case, bound: Mapping[str, StyledForm]) -> None:
        self.user, self.case, self.bound = user, case, bound
        self.today = timezone.localdate()
        self.used: set[str] = set()
        self._involved: set[int] | None = None

    def involved(self) -> set[int]:
        """Everyone on the original case (read once, only when a reviewers form is shown)."""
        if self._involved is None:
            self._involved = appeals.original_people(self.case)
        return self._involved

    def step(
        self,
        name: str,
        pk: int,
        offered: bool,
        make: Callable[..., StyledForm],
        notes: list[str],
        of: str = "",
    ) -> list[AppealStep]:
        """``name`` on sanction or appeal ``pk`` when offered, or when it was just refused;
        ``of`` names the appeal in the label."""
        key = form_key(name, pk)
        if not offered and key not in self.bound:
            return []
        self.used.add(key)
        url = reverse(f"case_files:{name}", args=[self.case.pk, pk])
        form = self.bound.get(key) or make(prefix=key)
        label = f"{STEP_LABELS[name]}（{of}）" if of else STEP_LABELS[name]
        return [AppealStep(key, label, url, form, notes)]

    def sanction_row(
        self, s: Sanction, mine: list[Appeal], dues: Mapping[Any, dt.date]
    ) -> SanctionRow:
        user, case = self.user, self.case
        s.case = case
        body = appeals.deciding_body(s)
        outcome = _outcome(s.outcome)
        label = str(outcome.label) if outcome is not None else s.outcome
        if s.probation_years:
            label += f"（{s.probation_years}年）"
        row = SanctionRow(s, label, body, outcome == Outcome.PARTY_PROBATION)
        in_force = s.status in appeals.IN_FORCE
        kinds = appeal_kinds(s, mine)
        open_kinds = {a.kind for a in mine if a.status != AppealStatus.DECIDED}
        receivers = [_receiver(k, body) for k in kinds if k not in open_kinds]
        may_file = in_force and any(
            org is not None and covers(user, Cap.CASE_HANDLE, org) for org in receivers
        )
        row.steps += self.step(
            FILE, s.pk, may_file, partial(AppealFileForm, kinds=kinds), _file_notes(s, body)
        )
        may_conclude = (
            row.is_probation
            and in_force
            and s.probation_result != ProbationResult.RESTORED
            and covers(user, Cap.CASE_HANDLE, body)
        )
        term = f"{s.term_ends_on:%Y年%m月%d日}" if s.term_ends_on else "—"
        row.steps += self.step(
            PROBATION,
            s.pk,
            may_conclude,
            partial(ProbationForm, sanction=s, initial={"decided_on": self.today}),
            [
                f"察看期至{term}，由{body.name}决定。",
                "察看期满后恢复党员权利；一年期的留党察看可在察看期内延长一年，最长不超过二年。",
            ],
        )
        for a in mine:
            row.appeals.append(self.appeal_row(a, s, dues))
            row.steps += self.appeal_steps(a, s, row.appeals[-1].reviewers)
        return row

    def appeal_row(self, a: Appeal, s: Sanction, dues: Mapping[Any, dt.date]) -> AppealRow:
        a.case, a.sanction = self.case, s
        reviewers = list(a.reviewers.all())
        due = dues.get((a.applied_on, a.org_id, appeals.DECIDE_MONTHS[AppealKind(a.kind)]))
        new = _outcome(a.new_outcome) if a.new_outcome else None
        return AppealRow(
            a,
            reviewers,
            due,
            due is not None and due < self.today and a.status != AppealStatus.DECIDED,
            str(new.label) if new is not None else a.new_outcome,
        )

    def appeal_steps(self, a: Appeal, s: Sanction, reviewers: list[Any]) -> list[AppealStep]:
        """确定复查人员 for the receiving body, 复查决定 for a named reviewer, while 办理中."""
        of = a.get_kind_display()
        steps: list[AppealStep] = []
        acts = a.status == AppealStatus.REVIEWING and covers(self.user, Cap.CASE_HANDLE, a.org)
        if acts or form_key(REVIEWERS, a.pk) in self.bound:
            steps += self.step(
                REVIEWERS,
                a.pk,
                acts,
                partial(
                    AppealReviewersForm,
                    candidates=appeal_reviewer_candidates(a, self.involved()),
                    initial={"reviewers": [u.pk for u in reviewers]},
                ),
                ["复查人员不得少于2人，参与过原案件办理的人员不得参加复查。"],
                of,
            )
        named = any(u.pk == self.user.pk for u in reviewers) and len(reviewers) >= 2
        steps += self.step(
            DECISION,
            a.pk,
            acts and named,
            partial(AppealDecisionForm, sanction=s, case=self.case),
            [
                f"复查决定报{a.org.name}主要负责人审批，批准后生效。",
                "复查不得加重处分；变更为留党察看须重新作出处分决定。",
            ],
            of,
        )
        return steps


def appeal_context(
    user: Any,
    case: Case,
    *,
    bound: Mapping[str, StyledForm] | None = None,
    sanctions: list[Sanction] | None = None,
) -> dict[str, Any]:
    """What ``cases/_case_appeals.html`` shows: each decided 党纪/政务 sanction of ``case`` with
    its appeals (kind, 受理机关, dates, reviewers, status, outcome), its 留党察看 term, and the
    forms ``user`` may use now (DOMAIN.md §4 "Appeals", §5).

    ``bound``: a refused step's form, shown with its errors even if the state moved on; the
    keys placed here come back as ``appeal_form_keys`` (so ``render_file`` does not show them
    a second time). ``sanctions``: the case's sanctions when the caller has read them. No
    query when the case has no decided sanction; otherwise three (appeals, their reviewers,
    their clocks), plus the reviewer candidates when that form is shown.
    """
    bound = bound or {}
    section = _Section(user, case, bound)
    listed = [
        s
        for s in (list(sanctions_of(case)) if sanctions is None else sanctions)
        if _appealable(s) or form_key(FILE, s.pk) in bound or form_key(PROBATION, s.pk) in bound
    ]
    if not listed:
        return {"appeal_sanctions": [], "appeal_form_keys": set()}
    every = list(
        case.appeals.select_related("org")
        .prefetch_related("reviewers")
        .order_by("applied_on", "id")
    )
    dues = _clock_dues(case) if every else {}
    rows = [
        section.sanction_row(s, [a for a in every if a.sanction_id == s.pk], dues) for s in listed
    ]
    return {"appeal_sanctions": rows, "appeal_form_keys": section.used}


# -- the steps ----------------------------------------------------------------------------------


def _renamed(exc: ValidationError, fields: Mapping[str, str]) -> ValidationError:
    if not fields or not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({fields.get(k, k): v for k, v in exc.error_dict.items()})


def _step(
    request: HttpRequest,
    case: Case,
    key: str,
    form: StyledForm,
    run: Callable[[dict[str, Any]], str],
    fields: Mapping[str, str] | None = None,
) -> HttpResponse:
    """Validate ``form``, run the service; success → message and back to the case file;
    refused → the case file with the form open, its errors and the input (400)."""
    if form.is_valid():
        try:
            done = run(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, _renamed(exc, fields or {}))
        else:
            messages.success(request, done)
            return redirect("case_files:detail", pk=case.pk)
    # views_cases imports this module for ``appeal_context``; importing it here keeps the
    # two modules free of an import cycle whichever is loaded first.
    from qingfeng.cases.views_cases import render_file

    return render_file(request, case, bound={key: form}, status=400)


def _handled(request: HttpRequest, pk: int) -> Case:
    return get_case_for_user(request.user, pk, cap=Cap.CASE_HANDLE)


def _sanction_of(case: Case, sanction_id: int) -> Sanction:
    sanction = Sanction.objects.filter(pk=sanction_id, case=case).first()
    if sanction is None:
        raise Http404
    sanction.case = case
    return sanction


def _appeal_of(case: Case, appeal_id: int) -> Appeal:
    appeal = (
        Appeal.objects.filter(pk=appeal_id, case=case).select_related("org", "sanction").first()
    )
    if appeal is None:
        raise Http404
    appeal.case = appeal.sanction.case = case
    return appeal


@login_required
@require_POST
def file_appeal(request: HttpRequest, pk: int, sanction_id: int) -> HttpResponse:
    """复议复查（复审复核）申请 against a sanction in force (DOMAIN.md §4): received by the body
    that decided it (a 复核 by the body above), decided within 3, 1 or 2 months."""
    case = _handled(request, pk)
    sanction = _sanction_of(case, sanction_id)
    key = form_key(FILE, sanction.pk)
    form = AppealFileForm(
        request.POST, prefix=key, kinds=appeal_kinds(sanction, sanction.appeals.all())
    )

    def run(d: dict[str, Any]) -> str:
        appeal = appeals.file_appeal(
            sanction=sanction,
            actor=request.user,
            kind=d["kind"],
            received_on=d["received_on"],
            applied_on=d["applied_on"],
            reason=d["reason"],
            request=request,
        )
        return f"已登记{appeal.get_kind_display()}申请，由{appeal.org.name}办理。"

    return _step(request, case, key, form, run)


@login_required
@require_POST
def assign_appeal_reviewers(request: HttpRequest, pk: int, appeal_id: int) -> HttpResponse:
    """确定复查人员: at least two, none of whom worked on the original case."""
    case = _handled(request, pk)
    appeal = _appeal_of(case, appeal_id)
    key = form_key(REVIEWERS, appeal.pk)
    candidates = appeal_reviewer_candidates(appeal, appeals.original_people(case))
    form = AppealReviewersForm(request.POST, prefix=key, candidates=candidates)

    def run(d: dict[str, Any]) -> str:
        appeals.assign_appeal_reviewers(
            appeal=appeal, actor=request.user, reviewers=list(d["reviewers"]), request=request
        )
        return "已确定复查人员。"

    return _step(request, case, key, form, run)


@login_required
@require_POST
def propose_appeal_decision(request: HttpRequest, pk: int, appeal_id: int) -> HttpResponse:
    """复查决定 (维持 / 变更 / 撤销) by a named reviewer, for the approval of the head of the
    body; an appeal never makes the sanction heavier."""
    case = _handled(request, pk)
    appeal = _appeal_of(case, appeal_id)
    key = form_key(DECISION, appeal.pk)
    form = AppealDecisionForm(request.POST, prefix=key, sanction=appeal.sanction, case=case)

    def run(d: dict[str, Any]) -> str:
        approval = appeals.propose_appeal_decision(
            appeal=appeal,
            actor=request.user,
            outcome=d["outcome"],
            new_outcome=d["new_outcome"],
            decision_text=d["decision_text"],
            request=request,
        )
        return f"已提交复查决定呈批 {approval.number}，待审批。"

    return _step(request, case, key, form, run)


@login_required
@require_POST
def conclude_probation(request: HttpRequest, pk: int, sanction_id: int) -> HttpResponse:
    """察看期满处理 of a 留党察看 (DOMAIN.md §5): 恢复党员权利 after the term, or a one-year
    term extended once by one year before it ends."""
    case = _handled(request, pk)
    sanction = _sanction_of(case, sanction_id)
    key = form_key(PROBATION, sanction.pk)
    form = ProbationForm(request.POST, prefix=key, sanction=sanction)

    def run(d: dict[str, Any]) -> str:
        probation.conclude_probation(
            sanction=sanction,
            actor=request.user,
            result=d["result"],
            decided_on=d["decided_on"],
            note=d["note"],
            request=request,
        )
        return f"已登记察看期满处理：{ProbationResult(d['result']).label}。"

    return _step(request, case, key, form, run, PROBATION_FIELDS)
