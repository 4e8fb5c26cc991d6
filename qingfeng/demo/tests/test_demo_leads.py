"""Demo leads: every persona finds work in every state, and the records hold together."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from qingfeng.accounts.models import RoleGrant, User
from qingfeng.accounts.roles import Cap
from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus, Matter, StepState
from qingfeng.approvals.selectors import waiting_count, waiting_steps_for
from qingfeng.cases.clocks import TRANSFER_REPLY_MONTHS
from qingfeng.cases.handling import transfer_authority
from qingfeng.cases.models import (
    Enquiry,
    EnquiryMode,
    Lead,
    LeadClock,
    LeadClockKind,
    LeadStatus,
    LeadTransition,
    Verification,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.selectors import leads_visible_to
from qingfeng.cases.workflow import OUTCOME_TARGET, WAY_TARGET
from qingfeng.demo.leads import TOWNSHIP_LEADS, WINDOW_DAYS
from qingfeng.demo.personas import DEMO_PASSWORD
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.orgs.models import Org, OrgKind
from qingfeng.workdays.clock import WorkCalendar

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OUTCOME_MATTERS = (Matter.LEAD_DISPOSAL, Matter.ENQUIRY_OUTCOME, Matter.VERIFICATION_REPORT)
FILING_MATTERS = (
    Matter.CASE_FILING_PARTY,
    Matter.CASE_FILING_SUPERVISION,
    Matter.CASE_FILING_JOINT,
)


@pytest.fixture
def fast_hashing(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path


def _expected_status(lead: Lead) -> str:
    """The state a lead must be in after its approvals (DOMAIN.md §3)."""
    if lead.approvals.filter(matter=Matter.LEAD_DISPOSAL, status=ApprovalStatus.PENDING):
        return LeadStatus.PROPOSED
    filing = lead.approvals.filter(matter__in=FILING_MATTERS)
    if filing.filter(status=ApprovalStatus.PENDING):
        return LeadStatus.FILING
    if filing.filter(status=ApprovalStatus.APPROVED):
        return LeadStatus.FILED  # the case itself: qingfeng.demo.cases
    last = (
        lead.approvals.filter(status=ApprovalStatus.APPROVED, matter__in=OUTCOME_MATTERS)
        .order_by("decided_at", "id")
        .last()
    )
    if last is None:
        return LeadStatus.PENDING
    if last.matter == Matter.LEAD_DISPOSAL:
        return WAY_TARGET[last.payload["way"]]
    return OUTCOME_TARGET[last.payload["outcome"]]


def _assert_steps_consistent(approval: Approval) -> None:
    states = [s.state for s in approval.steps.order_by("order")]
    signed = [s for s in approval.steps.all() if s.signer_id is not None]
    if approval.status == ApprovalStatus.APPROVED:
        assert set(states) == {StepState.APPROVED}, approval.number
        assert approval.decided_at is not None
    elif approval.status == ApprovalStatus.PENDING:
        i = states.index(StepState.WAITING)
        assert states[:i] == [StepState.APPROVED] * i, approval.number
        assert states[i + 1 :] == [StepState.QUEUED] * (len(states) - i - 1)
        # Nothing changed since submission: the waiting signer can still sign.
        assert approvals.is_current(approval, approvals.current_state(approval)), approval.number
    else:
        assert approval.status == ApprovalStatus.REJECTED, approval.number
        assert StepState.REJECTED in states
        assert approval.steps.get(state=StepState.REJECTED).comment
    for step in signed:
        assert step.signer_id != approval.submitted_by_id
        assert step.signed_at is not None and step.signed_at >= approval.submitted_at
        assert step.signed_digest == approval.digest


@pytest.mark.django_db
def test_county_demo_leads_give_every_persona_work(fast_hashing):
    out = StringIO()
    call_command("demo", "--reports", "50", verbosity=0, stdout=out)
    text = out.getvalue()
    for username in ("zhuren", "jiancha", "zhuanzhi"):
        assert f"| {username} " in text
    assert "问题线索" in text and "推进处置" in text

    users = {u.username: u for u in User.objects.select_related("org")}
    shuji, zhuanzhi = users["shuji"], users["zhuanzhi"]
    zhuren, jiancha, leader = users["zhuren"], users["jiancha"], users["leader"]
    # Personas: the room's head and officer hold their grant on the room alone.
    room = RoleGrant.objects.get(user=zhuren).org
    assert room.function == "supervision" and room.name == "第一监督检查室"
    for user, role in ((zhuren, "dept_head"), (jiancha, "supervision_officer")):
        grant = RoleGrant.objects.get(user=user)
        assert (grant.role.code, grant.org_id, grant.include_subtree) == (role, room.pk, False)
        assert user.org_id == room.pk
    assert zhuanzhi.org_id == shuji.org_id
    assert RoleGrant.objects.get(user=zhuanzhi).role.code == "township_officer"

    # Inboxes: the township secretary, the room head and the leader have items to sign.
    for user in (shuji, zhuren, leader):
        assert waiting_count(user) >= 1, user.username
    assert {s.role for s in waiting_steps_for(zhuren)} == {"dept_head"}
    assert {s.role for s in waiting_steps_for(leader)} == {"county_leader"}
    client = Client()
    assert client.login(username="zhuren", password=DEMO_PASSWORD)
    page = client.get("/approvals/")
    assert page.status_code == 200
    assert waiting_steps_for(zhuren)[0].approval.number in page.content.decode()

    # Work in every state, at both bodies.
    township_leads = leads_visible_to(zhuanzhi, Cap.LEAD_HANDLE)
    room_leads = leads_visible_to(jiancha, Cap.LEAD_HANDLE)
    assert township_leads.count() >= TOWNSHIP_LEADS
    assert room_leads.count() >= 20 and not room_leads.exclude(handling_dept=room).exists()
    statuses = Counter(Lead.objects.values_list("status", flat=True))
    for status in (
        LeadStatus.PENDING,
        LeadStatus.PROPOSED,
        LeadStatus.ENQUIRY,
        LeadStatus.VERIFICATION,
        LeadStatus.CLOSED,
        LeadStatus.ON_HOLD,
        LeadStatus.CASE_PROPOSED,
        LeadStatus.TRANSFERRED,
    ):
        assert statuses[status] >= 1, status
    for leads in (township_leads, room_leads):
        assert {LeadStatus.ENQUIRY, LeadStatus.VERIFICATION, LeadStatus.CLOSED} <= set(
            leads.values_list("status", flat=True)
        )
    enquiries = Counter(Enquiry.objects.values_list("mode", "status"))
    for key in (("talk", "done"), ("letter", "done"), ("letter", "awaiting_reply")):
        assert enquiries[key] >= 1, key
    assert {"plan_pending", "awaiting_report", "report_pending"} <= {s for _m, s in enquiries}
    assert Approval.objects.filter(status=ApprovalStatus.REJECTED).exists()
    # 案管 gave leads to the room; the room's head signs before the leader.
    assert LeadTransition.objects.filter(actor=users["anguan"], action="edit").exists()

    # Every approval is consistent, and each lead is where its approvals leave it.
    for approval in Approval.objects.prefetch_related("steps"):
        _assert_steps_consistent(approval)
    handled = Lead.objects.filter(approvals__isnull=False).distinct()
    assert handled.count() >= 30
    for lead in handled:
        assert lead.status == _expected_status(lead), lead.number

    # Dates: in the past, in order, and the open clocks are a mix of states.
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=WINDOW_DAYS)
    for e in Enquiry.objects.exclude(status="plan_pending"):
        days = [d for d in (e.talk_on, e.letter_sent_on, e.reply_on) if d is not None]
        assert all(first_day <= d <= today for d in days), e
        if e.reply_on is not None:
            assert e.letter_sent_on is not None and e.reply_on >= e.letter_sent_on
        if e.mode == EnquiryMode.LETTER and e.reply_on is not None:
            assert e.countersigned
    # Leads taken on to 立案 by ``demo.cases`` run over its longer window.
    filed = (LeadStatus.FILING, LeadStatus.FILED)
    for v in Verification.objects.exclude(lead__status__in=filed):
        assert first_day <= v.started_on <= today
    now = timezone.now()
    for lead in handled:
        stamps = list(lead.transitions.order_by("id").values_list("at", flat=True))
        assert stamps == sorted(stamps) and stamps[-1] <= now, lead.number
        for approval in lead.approvals.exclude(meeting=None).select_related("meeting"):
            assert approval.meeting is not None
            held = approval.meeting.held_on
            assert timezone.localtime(lead.created_at).date() <= held
            assert held <= timezone.localtime(approval.submitted_at).date()
    soon = WorkCalendar().add_working_days(today, 3).date
    open_clocks = LeadClock.objects.filter(met_at=None)
    assert open_clocks.filter(due_on__lt=today).exists()
    assert open_clocks.filter(due_on__gte=today, due_on__lte=soon).exists()
    assert open_clocks.filter(due_on__gt=soon).exists()
    assert LeadClock.objects.filter(met_at__isnull=False, met_at__lt=now - dt.timedelta(days=7))

    # 移送 (DOMAIN.md §3, §9): at each body one lead awaits the authority's reply and one has
    # it recorded; the approval issued the 问题转办单 to the authority and started the 1-month
    # reply clock on the day of the transfer.
    county = Org.objects.get(kind=OrgKind.COUNTY)
    county_name = county.name.removesuffix("纪委监委")
    for body_leads in (township_leads, room_leads):
        transferred = list(body_leads.filter(status=LeadStatus.TRANSFERRED))
        replied = [x for x in transferred if x.transfer_replied_on is not None]
        assert replied and len(replied) < len(transferred), transferred
    calendar = WorkCalendar()
    for lead in Lead.objects.filter(status=LeadStatus.TRANSFERRED):
        authority = transfer_authority(lead)
        kinds = ("公安局", "市场监督管理局", "自然资源局")
        assert authority.startswith(county_name) and authority.endswith(kinds), lead.number
        approval = lead.approvals.get(
            matter=Matter.VERIFICATION_REPORT, status=ApprovalStatus.APPROVED
        )
        assert approval.payload["outcome"] == Outcome.TRANSFER
        assert f"拟移送{authority}" in approval.title
        assert approval.decided_at is not None and lead.closed_on is not None
        assert timezone.localdate(approval.decided_at) == lead.closed_on
        sheet = Document.objects.get(lead=lead, kind=DocumentKind.TRANSFER_SHEET)
        assert sheet.org_id == lead.org_id and sheet.body_text.startswith(f"{authority}：")
        clock = LeadClock.objects.get(lead=lead, kind=LeadClockKind.TRANSFER_REPLY)
        due = calendar.deadline_months(lead.closed_on, TRANSFER_REPLY_MONTHS).date
        assert (clock.starts_on, clock.due_on) == (lead.closed_on, due), lead.number
        replied_on = lead.transfer_replied_on
        if replied_on is None:
            assert clock.met_at is None and not lead.transfer_reply
            continue
        assert lead.closed_on < replied_on <= min(due, today), lead.number
        assert clock.met_at is not None and timezone.localdate(clock.met_at) == replied_on
        assert lead.transfer_reply.startswith(f"{authority}书面反馈")
        last = lead.transitions.order_by("at", "id").last()
        assert last is not None and last.action == "record_transfer_reply"
        assert timezone.localdate(last.at) == replied_on
