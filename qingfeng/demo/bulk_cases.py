"""Province-scale cases (案件) in bulk, for ``bench --suite cases`` (DOMAIN.md §4–§5, §10).

Size: DOMAIN.md §10 counts 101.2万 cases a year nationally, about 25 per township (≈ 40,000
townships); two years of that is ``CASES_PER_TOWNSHIP`` cases per township — 60,000 for a
province of 1,200 townships — filed 55 % by the townships and 45 % by the counties
(``TOWNSHIP_SHARE``), unevenly (±45 %) from body to body. Each case has its lead (已立案)
and the rows its services would have written on its way (``bulk_case_steps``); each body
also holds leads waiting on a 处置呈批 or 立案呈批, so every township secretary and county
leader has a 待我审批 of a few tens of steps. 乡案县审 is switched on for every county
without a 办案设置 of its own.

People: the persona users where they hold the post, else one account per post and body
(``POSTS``: 纪委书记, 专职干事, 委领导, 室主任, 审理人员, 党委书记 …; no role grant, an unusable
password), so every row has a real actor and signer and no one signs what they submitted.
Subjects are a random sample of each body's Party members.

Rows are made county by county and written in chunks with ``RowWriter`` (COPY on
PostgreSQL, executemany on SQLite) under a progress bar; secondary indexes and foreign keys
are rebuilt after a large load (``writer.without_indexes``). Pending approvals get the true
digest of their record last, through the approvals handlers, so they can be signed in the
demo like any other. Not generated: meetings (集体研究记录), lead transitions and 初步核实
rows, DOCX files.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import models
from django.db.models import Max
from tqdm import tqdm

from qingfeng.accounts.models import RoleGrant, User
from qingfeng.approvals.chains import TOWNSHIP_KINDS
from qingfeng.approvals.digests import digest_of
from qingfeng.approvals.models import Approval, ApprovalStatus, ApprovalStep, StepState
from qingfeng.cases.models import (
    BodySettings,
    Case,
    CaseClock,
    CaseMeasure,
    CaseReview,
    CaseTransition,
    Lead,
    Sanction,
)
from qingfeng.demo import names
from qingfeng.demo.bulk_case_steps import CaseMaker, Numbers, Subject
from qingfeng.demo.generator import allocate
from qingfeng.demo.writer import RowWriter, analyze, without_indexes
from qingfeng.documents.case_docs import PARTY_FILING_SERIES, SERIES, SUPERVISION_FILING_SERIES
from qingfeng.documents.models import Document, NumberSequence
from qingfeng.orgs.models import DepartmentFunction, Org, OrgKind, Person, PersonCategory, Unit

CASES_PER_TOWNSHIP = 50  # two years at 25 (DOMAIN.md §10: 101.2万 a year, ≈ 40,000 townships)
TOWNSHIP_SHARE = 0.55
RESERVOIR = {True: 160, False: 800}  # candidate subjects kept per township / county
FLUSH_CASES = 5000
REBUILD_FROM = 20_000

# Accounts per body: (slot, the role a persona holding the post has, the post).
POSTS = {
    True: (("secretary", "township_secretary", "纪委书记"), ("deputy", "", "纪委副书记"),
           ("officer", "township_officer", "专职干事"), ("party", "party_secretary", "党委书记")),
    False: (("leader", "county_leader", "委领导"), ("room0", "", "审查调查室主任"),
            ("room1", "", "审查调查室主任"), ("inv0", "", "审查调查干部"),
            ("inv1", "", "审查调查干部"), ("trial", "", "案件审理室主任"),
            ("judge0", "trial_officer", "审理人员"), ("judge1", "", "审理人员"),
            ("party", "party_secretary", "县委书记")),
    None: (("leader", "county_leader", "委领导"),),  # a city: signs extensions (上级机关)
}  # fmt: skip

LEAD_FIELDS = (
    "id", "number", "org_id", "source", "subject_name", "subject_unit", "subject_post",
    "person_id", "summary", "handling_dept_id", "status", "way", "outcome", "closed_on",
    "created_at", "created_by_id", "updated_at", "transfer_reply",
)  # fmt: skip
CASE_FIELDS = (
    "id", "number", "lead_id", "org_id", "home_org_id", "handling_dept_id", "review_org_id",
    "subject_name", "subject_unit", "subject_post", "person_id", "is_party_member",
    "is_supervised", "is_village_cadre", "party_case", "supervision_case", "complex_case",
    "summary", "status", "filed_on", "extended_months", "leader_id", "investigation_report",
    "proposed_outcomes", "transferred_on", "closed_on", "created_by_id", "created_at",
    "updated_at", "recommendation_reply",
)  # fmt: skip
APPROVAL_FIELDS = (
    "id", "number", "org_id", "matter", "lead_id", "case_id", "title", "proposal", "payload",
    "digest", "status", "void_reason", "submitted_by_id", "submitted_at", "decided_at",
)  # fmt: skip
STEP_FIELDS = (
    "approval_id", "order", "label", "role", "org_id", "state", "signer_id", "comment",
    "signed_at", "signed_digest",
)  # fmt: skip
MEASURE_FIELDS = (
    "id", "case_id", "kind", "target", "reason", "starts_on", "status", "created_by_id",
    "created_at",
)  # fmt: skip
REVIEW_FIELDS = (
    "id", "case_id", "round", "org_id", "received_on", "status", "talk_on", "talk_record",
    "return_reason", "report_text", "proposed_outcomes", "created_by_id", "created_at",
)  # fmt: skip
SANCTION_FIELDS = (
    "id", "case_id", "outcome", "kind", "authority", "probation_years", "status",
    "decided_on", "effect_ends_on", "term_ends_on", "probation_extended", "probation_result",
    "announced_on", "executed_on", "execution_note", "document_id", "created_at",
)  # fmt: skip
DOCUMENT_FIELDS = (
    "id", "org_id", "kind", "series", "year", "seq", "number", "title", "file", "body_text",
    "case_id", "issued_at", "issued_by_id",
)  # fmt: skip
TRANSITION_FIELDS = ("case_id", "action", "from_status", "to_status", "actor_id", "note", "at")
CLOCK_FIELDS = (
    "case_id", "kind", "org_id", "starts_on", "due_on", "months", "provisional", "met_at",
)  # fmt: skip
# Written in this order (referenced rows first), with their fields.
TABLES: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (Lead, LEAD_FIELDS),
    (Case, CASE_FIELDS),
    (Case.team.through, ("case_id", "user_id")),
    (Approval, APPROVAL_FIELDS),
    (ApprovalStep, STEP_FIELDS),
    (CaseMeasure, MEASURE_FIELDS),
    (CaseReview, REVIEW_FIELDS),
    (CaseReview.reviewers.through, ("casereview_id", "user_id")),
    (Document, DOCUMENT_FIELDS),
    (Sanction, SANCTION_FIELDS),
    (CaseTransition, TRANSITION_FIELDS),
    (CaseClock, CLOCK_FIELDS),
)
CASE_TABLES = [m._meta.db_table for m, _f in TABLES]
# Tables whose ids are assigned here (``CaseMaker.next_id``), by the maker's names.
ID_MODELS: dict[str, type[models.Model]] = {
    "lead": Lead, "case": Case, "approval": Approval, "measure": CaseMeasure,
    "review": CaseReview, "sanction": Sanction, "document": Document,
}  # fmt: skip


@dataclass
class Body:
    """A township or county commission (or a city, as an upper body) with its people."""

    id: int
    code: str
    name: str
    township: bool | None  # None: a city
    parent: int | None
    rooms: list[int] = field(default_factory=list)  # county: 审查调查室
    trial: int | None = None  # county: 案件审理室
    reviews_townships: bool = True  # county: 乡案县审
    staff: dict[str, int] = field(default_factory=dict)  # slot -> user id
    persons: list[Subject] = field(default_factory=list)
    seen: int = 0


@dataclass
class Province:
    counties: list[Body]
    townships: dict[int, list[Body]]  # county id -> its townships
    bodies: dict[int, Body]  # every body by id, cities too
    holder: dict[int, int]  # org id of a person -> township or county body id


def load_province() -> Province:
    """Counties, townships, cities and where each org's persons belong, in path order."""
    p = Province([], {}, {}, {})
    orgs = Org.objects.filter(is_active=True).order_by("path")
    for pk, code, name, kind, parent, function in orgs.values_list(
        "id", "code", "name", "kind", "parent_id", "function"
    ):
        if kind == OrgKind.CITY:
            p.bodies[pk] = Body(pk, code, name, None, parent)
        elif kind == OrgKind.COUNTY:
            p.bodies[pk] = county = Body(pk, code, name, False, parent)
            p.counties.append(county)
            p.townships[pk], p.holder[pk] = [], pk
        elif kind in TOWNSHIP_KINDS and parent in p.townships:
            p.bodies[pk] = town = Body(pk, code, name, True, parent)
            p.townships[parent].append(town)
            p.holder[pk] = pk
        elif kind == OrgKind.STATION and parent in p.holder:
            p.holder[pk] = p.holder[parent]
        elif kind in (OrgKind.DEPARTMENT, OrgKind.DISPATCHED) and parent in p.townships:
            p.holder[pk] = parent
            if function == DepartmentFunction.INVESTIGATION:
                p.bodies[parent].rooms.append(pk)
            elif function == DepartmentFunction.TRIAL and p.bodies[parent].trial is None:
                p.bodies[parent].trial = pk
    p.counties = [c for c in p.counties if c.rooms]  # a DEPT step needs a 审查调查室
    return p


def load_subjects(p: Province, rng: random.Random) -> None:
    """A random sample (reservoir) of each body's Party members, the cases' subjects."""
    units = dict(Unit.objects.values_list("id", "name"))
    rows = (
        Person.objects.filter(is_active=True, is_party_member=True)
        .order_by("pk")
        .values_list("pk", "name", "unit_id", "org_id", "post", "category")
    )
    for pk, name, unit_id, org_id, post, category in rows.iterator(chunk_size=20_000):
        body = p.bodies.get(p.holder.get(org_id, 0))
        if body is None:
            continue
        subject = (pk, name, units.get(unit_id, ""), post, category == PersonCategory.GRASSROOTS)
        body.seen += 1
        cap = RESERVOIR[bool(body.township)]
        if len(body.persons) < cap:
            body.persons.append(subject)
        elif (j := rng.randrange(body.seen)) < cap:
            body.persons[j] = subject


def staff_bodies(p: Province, seed: int) -> int:
    """Fill every body's posts: a persona holding the role there, else the account made
    for the post by an earlier load, else a new one. Returns how many were made."""
    slot_of = {(b.township, role): slot for b in p.bodies.values()
               for slot, role, _post in POSTS[b.township] if role}  # fmt: skip
    grants = RoleGrant.objects.order_by("pk").values_list("user_id", "role_id", "org_id")
    for user_id, role, org_id in grants:
        body = p.bodies.get(org_id)
        slot = slot_of.get((body.township, role)) if body is not None else None
        if body is not None and slot is not None and slot not in body.staff:
            body.staff[slot] = user_id
    rng = random.Random(f"{seed}-bulk-case-staff")
    wanted: dict[str, tuple[Body, str, str]] = {}
    for body in p.bodies.values():
        for slot, _role, _post in POSTS[body.township]:
            year = rng.randint(1965, 1992)
            name = names.person_name(rng, male=rng.random() < 0.65, birth_year=year)
            if slot not in body.staff:
                wanted[f"{body.code}-{slot}"] = (body, slot, name)
    known = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
    new = [
        User(username=username, full_name=name, org_id=body.id,
             password=f"{UNUSABLE_PASSWORD_PREFIX}bulk")
        for username, (body, _slot, name) in wanted.items() if username not in known
    ]  # fmt: skip
    User.objects.bulk_create(new, batch_size=1000)
    known.update((u.username, u.pk) for u in new)
    for username, (body, slot, _name) in wanted.items():
        body.staff[slot] = known[username]
    return len(new)


def switch_on_county_review(p: Province) -> None:
    """乡案县审 (DOMAIN.md §4, local) for every county without a 办案设置 of its own."""
    known = dict(BodySettings.objects.values_list("org_id", "reviews_township_cases"))
    BodySettings.objects.bulk_create(
        BodySettings(org_id=c.id, reviews_township_cases=True)
        for c in p.counties
        if c.id not in known
    )
    for county in p.counties:
        county.reviews_townships = known.get(county.id, True) and county.trial is not None


def flush(
    rows: dict[type[models.Model], list[Any]], writer: RowWriter, written: dict[str, int]
) -> None:
    """Write the rows made so far, table by table (referenced rows first)."""
    for model, fields in TABLES:
        batch = rows[model]
        label = model._meta.model_name or ""
        written[label] = written.get(label, 0) + writer.write(
            model, fields, (tuple(r) for r in batch), total=len(batch), label=""
        )
        batch.clear()


def _save_sequences(
    before: dict[tuple[int, str, int], int], after: dict[tuple[int, str, int], int]
) -> None:
    """Numbers taken: the sequences of ``documents.numbering`` carry on after them."""
    NumberSequence.objects.bulk_create(
        (NumberSequence(org_id=o, series=s, year=y, last=n) for (o, s, y), n in after.items()
         if (o, s, y) not in before),
        batch_size=2000,
    )  # fmt: skip
    for (org, series, year), last in after.items():
        if (org, series, year) in before and before[(org, series, year)] != last:
            NumberSequence.objects.filter(org_id=org, series=series, year=year).update(last=last)


def seal_pending(first_id: int, *, progress: bool, stream: Any) -> int:
    """Give the pending approvals written from ``first_id`` on the digest of their record
    as it reads now (DESIGN.md §3 "Approvals bind state"), through the handlers."""
    from qingfeng.approvals import services
    from qingfeng.cases import case_review, decisions  # noqa: F401  (register handlers)
    from qingfeng.cases import services as lead_services  # noqa: F401

    pending = list(
        Approval.objects.filter(pk__gte=first_id, status=ApprovalStatus.PENDING).order_by("pk")
    )
    bar = tqdm(total=len(pending), desc="待审批摘要", unit="件", file=stream, disable=not progress,
               mininterval=0.5, dynamic_ncols=True)  # fmt: skip
    digests: dict[int, str] = {}
    try:
        for approval in pending:
            handler = services.handler_for(approval.matter)
            approval.digest = digest_of(handler.state(handler.lock(approval)), approval.payload)
            digests[approval.pk] = approval.digest
            bar.update()
    finally:
        bar.close()
    Approval.objects.bulk_update(pending, ["digest"], batch_size=2000)
    signed = list(
        ApprovalStep.objects.filter(
            approval__pk__gte=first_id, approval__status=ApprovalStatus.PENDING,
            state=StepState.APPROVED,
        ).only("pk", "approval_id")
    )  # fmt: skip
    for step in signed:
        step.signed_digest = digests[step.approval_id]
    ApprovalStep.objects.bulk_update(signed, ["signed_digest"], batch_size=2000)
    return len(pending)


def write_cases(
    *,
    seed: int,
    writer: RowWriter,
    log: Callable[[str], None] = lambda _m: None,
    count: int | None = None,
) -> dict[str, int]:
    """Generate the province's cases (``count``, default ``CASES_PER_TOWNSHIP`` a township)
    with their leads, approvals, clocks, sanctions and documents; returns row counts."""
    log("正在准备案件数据（机构、监察对象、办案人员账号）…")
    p = load_province()
    towns = [t for c in p.counties for t in p.townships[c.id]]
    if not towns:
        return {}
    rng = random.Random(f"{seed}-bulk-cases")
    load_subjects(p, rng)
    users = staff_bodies(p, seed)
    switch_on_county_review(p)
    total = CASES_PER_TOWNSHIP * len(towns) if count is None else count
    n_town = round(total * TOWNSHIP_SHARE)
    bodies = [*towns, *p.counties]
    weights = [rng.uniform(0.55, 1.45) for _b in bodies]  # ±45 % from body to body
    shares = allocate(n_town, weights[: len(towns)]) + allocate(
        total - n_town, weights[len(towns) :]
    )
    counts = {b.id: n for b, n in zip(bodies, shares, strict=True)}
    first = {
        name: (model._default_manager.aggregate(x=Max("id"))["x"] or 0) + 1
        for name, model in ID_MODELS.items()
    }
    series = ["问题线索", "案件", "呈批", *SERIES.values(), PARTY_FILING_SERIES]
    series.append(SUPERVISION_FILING_SERIES)
    before = {
        (o, s, y): n
        for o, s, y, n in NumberSequence.objects.filter(series__in=series).values_list(
            "org_id", "series", "year", "last"
        )
    }
    maker = CaseMaker(p, seed, Numbers(dict(before)), dict(first))
    inner = RowWriter(fast=True, progress=False)
    written: dict[str, int] = {}
    with without_indexes(CASE_TABLES if total >= REBUILD_FROM else [], log=log):
        bar = tqdm(total=total, desc="案件", unit="件", file=writer.stream or sys.stderr,
                   disable=not writer.progress, mininterval=0.5, dynamic_ncols=True)  # fmt: skip
        try:
            for county in p.counties:
                bar.update(maker.make_county(county, counts))
                if len(maker.rows[Case]) >= FLUSH_CASES:
                    flush(maker.rows, inner, written)
            flush(maker.rows, inner, written)
        finally:
            bar.close()
    inner.reset_sequences()
    _save_sequences(before, maker.numbers.last)
    sealed = seal_pending(first["approval"], progress=writer.progress, stream=writer.stream)
    analyze(CASE_TABLES)
    return {
        "cases": written.get("case", 0), "case_leads": written.get("lead", 0),
        "case_approvals": written.get("approval", 0), "case_pending_approvals": sealed,
        "case_transitions": written.get("casetransition", 0),
        "case_documents": written.get("document", 0), "case_users": users,
    }  # fmt: skip
