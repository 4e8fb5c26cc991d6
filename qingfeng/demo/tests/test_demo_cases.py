"""Demo cases: every case state has items at the township and the county, the records and
documents hold together, dates look like the last months, and each persona sees its cases."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus, Matter, StepState
from qingfeng.approvals.selectors import waiting_steps_for
from qingfeng.cases.case_clocks import deadline_of
from qingfeng.cases.case_selectors import cases_visible_to
from qingfeng.cases.models import (
    BodySettings,
    Case,
    CaseClock,
    CaseClockKind,
    CaseStatus,
    CaseTransition,
    Lead,
    LeadStatus,
    MeasureStatus,
    ReviewStatus,
    Sanction,
    SanctionStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import (
    ORG_MEASURES,
    SANCTIONS,
    VILLAGE_CADRE_GOV_SANCTIONS,
    effect_period,
    sanction_kind,
)
from qingfeng.demo.case_scenarios import CLOCK_MONTHS
from qingfeng.demo.cases import WINDOW_DAYS
from qingfeng.demo.personas import DEMO_PASSWORD, DEMO_USERNAMES
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.orgs.models import Org, OrgKind
from qingfeng.workdays.clock import WorkCalendar

FILING_DOCS = {
    DocumentKind.CASE_FILING_REPORT,
    DocumentKind.CASE_DECISION,
    DocumentKind.CASE_NOTICE,
}
SANCTION_DOCS = {
    "party": DocumentKind.PARTY_SANCTION_DECISION,
    "government": DocumentKind.GOV_SANCTION_DECISION,
    "organisational": DocumentKind.RECOMMENDATION,  # recommended, never decided (§5)
}


@dataclass
class Demo:
    users: dict[str, User]
    media: Path  # where the demo's documents were stored (each test has its own media)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Demo]:
    """The small county demo, built once for this module and rolled back after it."""
    media = tmp_path_factory.mktemp("media")
    storages: dict[str, Any] = dict(settings.STORAGES)
    storages["default"] = {**storages["default"], "OPTIONS": {"location": str(media)}}
    with (
        override_settings(STORAGES=storages),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("demo", "--reports", "50", verbosity=0, stdout=StringIO())
        yield Demo({u.username: u for u in User.objects.select_related("org")}, media)
        transaction.set_rollback(True)


@pytest.fixture
def users(demo, db) -> dict[str, User]:
    return demo.users


def _township(users: dict[str, User]) -> Org:
    org = users["shuji"].org
    assert org is not None
    return org


def test_every_case_state_has_items_at_both_bodies(users):
    county = Org.objects.get(kind=OrgKind.COUNTY)
    township = _township(users)
    assert BodySettings.objects.get(org=county).reviews_township_cases  # 乡案县审
    assert Lead.objects.filter(org=township, status=LeadStatus.FILING).exists()
    assert Lead.objects.filter(org=county, status=LeadStatus.FILING).exists()
    # One lead 拟立案 per body is left for the officer to propose.
    assert Lead.objects.filter(status=LeadStatus.CASE_PROPOSED).exists()
    statuses = Counter(Case.objects.values_list("status", flat=True))
    for status in CaseStatus.values:
        assert statuses[status] >= 1, status
    for org, least in ((township, 12), (county, 7)):
        assert Case.objects.filter(org=org).count() >= least, org.name

    # Measures (one still waiting), one extension, one return for more evidence.
    assert Case.objects.filter(org=township, measures__status=MeasureStatus.APPROVED).exists()
    assert Case.objects.filter(measures__status=MeasureStatus.PENDING).exists()
    extended = Case.objects.get(extended_months__gt=0)
    assert extended.org == township and extended.status == CaseStatus.INVESTIGATING
    returned = Case.objects.get(reviews__status=ReviewStatus.RETURNED)
    assert returned.status == CaseStatus.IN_REVIEW and returned.reviews.count() == 2
    for case in Case.objects.exclude(review_org=None).prefetch_related("reviews__reviewers"):
        assert case.review_org is not None and case.review_org.function == "trial"
        for review in case.reviews.all():
            if review.talk_on or review.status != ReviewStatus.REVIEWING:
                assert review.reviewers.count() >= 2, case.number


def test_sanctions_are_mixed_and_within_each_body_powers(users):
    decided = Sanction.objects.exclude(status__in=(SanctionStatus.PROPOSED, SanctionStatus.VOID))
    outcomes = set(decided.values_list("outcome", flat=True))
    assert {
        Outcome.PARTY_WARNING,
        Outcome.PARTY_SERIOUS_WARNING,
        Outcome.PARTY_PROBATION,
    } <= outcomes
    assert {Outcome.GOV_WARNING, Outcome.GOV_DEMERIT, Outcome.GOV_DISMISSAL} <= outcomes
    for sanction in Sanction.objects.select_related("case"):
        if sanction.case.is_village_cadre and sanction_kind(sanction.outcome) == "government":
            assert sanction.outcome in VILLAGE_CADRE_GOV_SANCTIONS, sanction.case.number
    dismissal = decided.get(outcome=Outcome.GOV_DISMISSAL)
    assert dismissal.case.org.kind == OrgKind.COUNTY and not dismissal.case.is_village_cadre
    # 留党察看 approved by the township Party committee: its secretary signed last.
    probation = decided.get(outcome=Outcome.PARTY_PROBATION)
    approval = Approval.objects.get(
        case=probation.case, matter=Matter.SANCTION_DECISION, status=ApprovalStatus.APPROVED
    )
    last = approval.steps.order_by("order").last()
    assert last is not None and last.signer == users["dangwei"]
    # A township's 政务处分 is approved by the county 监委 (DOMAIN.md §4).
    demerit = decided.get(outcome=Outcome.GOV_DEMERIT, case__org=_township(users))
    approval = Approval.objects.get(
        case=demerit.case, matter=Matter.SANCTION_DECISION, status=ApprovalStatus.APPROVED
    )
    last = approval.steps.order_by("order").last()
    assert last is not None and last.signer == users["leader"]


def test_org_measures_go_by_recommendation_and_closing_waits_for_its_reply(users):
    """组织处理 is recommended by a 纪检监察建议书 to the Party committee managing the cadre,
    approved by the body holding the power; the reply is recorded before 结案 (DOMAIN.md §4,
    §5, §9)."""
    township, county = _township(users), Org.objects.get(kind=OrgKind.COUNTY)
    recommended = Case.objects.filter(documents__kind=DocumentKind.RECOMMENDATION).distinct()
    awaiting, closed = recommended.get(org=township), recommended.get(org=county)
    expected = (
        # 党内警告 + 调整职务 of a village cadre: 纪委书记, then the 乡镇党委书记.
        (awaiting, f"中共{township.name.removesuffix('纪委')}委员会",
         {Outcome.PARTY_WARNING, Outcome.ORG_REASSIGNMENT}, ["shuji", "dangwei"]),
        # 严重警告 + 免职 of a county cadre: 委领导, then the 县委书记.
        (closed, f"中共{county.name.removesuffix('纪委监委')}委组织部",
         {Outcome.PARTY_SERIOUS_WARNING, Outcome.ORG_REMOVAL}, ["leader", "xianwei"]),
    )  # fmt: skip
    for case, recommend_to, outcomes, signers in expected:
        approval = Approval.objects.get(
            case=case, matter=Matter.SANCTION_DECISION, status=ApprovalStatus.APPROVED
        )
        assert approval.payload["recommend_to"] == recommend_to, case.number
        assert approval.payload["recommend_text"], case.number
        signed = [s.signer_id for s in approval.steps.order_by("order")]
        assert signed == [users[name].pk for name in signers], case.number
        sanctions = list(case.sanctions.exclude(status=SanctionStatus.VOID))
        assert {s.outcome for s in sanctions} == outcomes, case.number
        document = Document.objects.get(case=case, kind=DocumentKind.RECOMMENDATION)
        assert document.body_text.startswith(f"{recommend_to}：")
        (measure,) = [s for s in sanctions if s.outcome in ORG_MEASURES]
        assert measure.document_id == document.pk and measure.decided_on is not None
        clock = CaseClock.objects.get(case=case, kind=CaseClockKind.RECOMMENDATION_REPLY)
        due = deadline_of(CaseClockKind.RECOMMENDATION_REPLY, measure.decided_on).date
        assert (clock.starts_on, clock.due_on) == (measure.decided_on, due), case.number
    assert awaiting.is_village_cadre and not closed.is_village_cadre
    # The township's awaits the reply: announced, not executed, not closed.
    assert awaiting.status == CaseStatus.EXECUTING
    assert awaiting.recommendation_replied_on is None and not awaiting.recommendation_reply
    reply_clock = CaseClock.objects.get(case=awaiting, kind=CaseClockKind.RECOMMENDATION_REPLY)
    assert reply_clock.met_at is None
    assert not awaiting.sanctions.filter(status=SanctionStatus.EXECUTED).exists()
    # The county's: replied within the month, then executed and closed.
    replied_on = closed.recommendation_replied_on
    assert closed.status == CaseStatus.CLOSED and replied_on is not None
    assert closed.recommendation_reply.startswith(f"中共{county.name.removesuffix('纪委监委')}")
    clock = CaseClock.objects.get(case=closed, kind=CaseClockKind.RECOMMENDATION_REPLY)
    assert clock.met_at is not None and timezone.localdate(clock.met_at) == replied_on
    assert clock.starts_on <= replied_on <= clock.due_on
    steps = list(
        CaseTransition.objects.filter(case=closed).order_by("at", "id").values_list("action", "at")
    )
    actions = [action for action, _at in steps]
    assert actions[-3:] == ["recommendation_reply", "record_execution", "close"]
    assert timezone.localdate(steps[-3][1]) == replied_on
    assert closed.closed_on is not None and replied_on < closed.closed_on


def test_every_case_has_its_documents(demo, db):
    for case in Case.objects.select_related("org").prefetch_related("documents", "reviews"):
        kinds = {d.kind for d in case.documents.all()}
        assert kinds >= FILING_DOCS, case.number
        if case.transferred_on is not None:
            assert {DocumentKind.INVESTIGATION_REPORT, DocumentKind.REVIEW_REGISTER} <= kinds
        if any(r.status == ReviewStatus.DONE for r in case.reviews.all()):
            assert DocumentKind.REVIEW_REPORT in kinds, case.number
        for sanction in case.sanctions.exclude(status__in=("proposed", "void")):
            kind = sanction_kind(sanction.outcome)
            assert sanction.document is not None and kind is not None, case.number
            assert sanction.document.kind == SANCTION_DOCS[kind], case.number
        if case.status == CaseStatus.CLOSED:
            assert DocumentKind.CLOSING_REPORT in kinds, case.number
        for document in case.documents.all():
            # A township has no 监委: its 政务处分决定书 is the county 监委's.
            county_issues = document.kind == DocumentKind.GOV_SANCTION_DECISION
            issuer = case.org.parent_id if county_issues and case.org.parent_id else case.org_id
            assert document.org_id == issuer, document.number
            assert (demo.media / document.file.name).stat().st_size > 0, document.number


def test_dates_fall_in_the_last_months_and_clocks_hold(users):
    today, now = timezone.localdate(), timezone.now()
    first_day = today - dt.timedelta(days=WINDOW_DAYS)
    calendar = WorkCalendar()
    for case in Case.objects.prefetch_related("transitions", "reviews", "sanctions"):
        assert first_day <= case.filed_on <= today, case.number
        stamps = [t.at for t in case.transitions.all()]  # ordered by (at, id)
        assert stamps == sorted(stamps) and stamps[-1] <= now
        assert timezone.localdate(stamps[0]) == case.filed_on
        for review in case.reviews.all():
            assert case.filed_on <= review.received_on <= today
            assert review.talk_on is None or review.received_on <= review.talk_on <= today
        for sanction in case.sanctions.exclude(decided_on=None):
            decided = sanction.decided_on
            assert decided is not None and case.filed_on <= decided <= today
            if sanction.outcome in SANCTIONS:
                years = sanction.probation_years
                period = effect_period(sanction.outcome, decided, probation_years=years)
                assert sanction.effect_ends_on == period.ends_on
                assert sanction.term_ends_on == period.term_ends_on
            if sanction.announced_on is not None:
                assert decided <= sanction.announced_on <= today
        for document in case.documents.all():
            assert case.filed_on <= timezone.localdate(document.issued_at) <= today
    # Clocks run from their (moved) start; open ones are overdue, due soon or running.
    for clock in CaseClock.objects.select_related("case"):
        months = clock.months or CLOCK_MONTHS[clock.kind]
        if clock.kind == CaseClockKind.INVESTIGATION:
            months += clock.case.extended_months
        assert clock.due_on == calendar.deadline_months(clock.starts_on, months).date, clock
        assert clock.met_at is None or clock.met_at <= now
    soon = calendar.add_working_days(today, 3).date
    open_clocks = CaseClock.objects.filter(met_at=None)
    assert open_clocks.filter(due_on__lt=today).exists()
    assert open_clocks.filter(due_on__gte=today, due_on__lte=soon).exists()
    assert open_clocks.filter(due_on__gt=soon).exists()

    # Every approval of a case is consistent; a pending one can still be signed.
    for approval in Approval.objects.filter(case__isnull=False).prefetch_related("steps"):
        states = [s.state for s in approval.steps.order_by("order")]
        if approval.status == ApprovalStatus.APPROVED:
            assert set(states) == {StepState.APPROVED}, approval.number
        else:
            assert approval.status == ApprovalStatus.PENDING, approval.number
            assert approvals.is_current(approval, approvals.current_state(approval))
        for step in approval.steps.exclude(signed_at=None):
            assert step.signed_at is not None and step.signed_at >= approval.submitted_at
            assert step.signer_id != approval.submitted_by_id, approval.number


def test_personas_see_and_sign_their_cases(users):
    assert {"slzhuren", "shenli2", "dangwei", "xianwei"} <= set(DEMO_USERNAMES) <= set(users)
    township, county = _township(users), Org.objects.get(kind=OrgKind.COUNTY)
    town_cases = set(Case.objects.filter(org=township).values_list("pk", flat=True))
    county_cases = set(Case.objects.filter(org=county).values_list("pk", flat=True))
    reviewed = set(Case.objects.exclude(review_org=None).values_list("pk", flat=True))
    assert reviewed & town_cases and reviewed & county_cases

    def visible(username: str) -> set[int]:
        return set(cases_visible_to(users[username]).values_list("pk", flat=True))

    for username in ("shuji", "zhuanzhi", "dangwei"):
        assert visible(username) == town_cases, username
    for username in ("jiancha", "zhuren", "xianwei"):
        assert visible(username) == county_cases, username
    for username in ("shenli", "shenli2", "slzhuren"):
        assert reviewed <= visible(username), username
    assert visible("shenli2") == reviewed  # the reviewer granted on the 审理室 alone
    assert visible("leader") == town_cases | county_cases
    assert not visible("ganshi")

    # Inboxes: each signer of the case chains has something waiting.
    for username, role in (
        ("dangwei", "party_secretary"), ("xianwei", "party_secretary"),
        ("slzhuren", "dept_head"), ("shuji", "township_secretary"), ("leader", "county_leader"),
    ):  # fmt: skip
        assert role in {s.role for s in waiting_steps_for(users[username])}, username
    client = Client()
    assert client.login(username="dangwei", password=DEMO_PASSWORD)
    case = Case.objects.filter(org=township).order_by("pk").first()
    assert case is not None
    assert client.get("/cases/").status_code == 200
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    other = Case.objects.filter(org=county).order_by("pk").first()
    assert other is not None and client.get(f"/cases/{other.pk}/").status_code == 404
    # Every case file opens for the commission's leader, whatever its state.
    assert client.login(username="leader", password=DEMO_PASSWORD)
    for pk in sorted(town_cases | county_cases):
        assert client.get(f"/cases/{pk}/").status_code == 200, pk
