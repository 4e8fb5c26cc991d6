"""The lead file (卷宗): every persona in and out of scope, its sections, the source report
without its reporter, script tags as text, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, ApprovalStatus
from qingfeng.cases import services
from qingfeng.cases.models import Lead, LeadClock, LeadClockKind, LeadSource, Way
from qingfeng.core.testing import id_number_with_check, make_user
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.intake import services as intake
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel, ReportClass
from qingfeng.orgs.models import Org

REPORTER_NAME = "张秘密"
REPORTER_PHONE = "13912345678"
REPORTER_ID = id_number_with_check("37010219800202003")


def meeting() -> approvals.MeetingInput:
    return approvals.MeetingInput(
        kind="commission",
        held_on=timezone.localdate() - dt.timedelta(days=1),
        participants="孙书记、何干事、陈委员",
        conclusion="经集体研究，同意按所拟方式处置",
    )


def make_lead(actor: Any, org: Org, *, summary: str = "", dept: Org | None = None) -> Lead:
    return services.register_lead(
        actor=actor,
        org=org,
        data=services.LeadInput(
            source=LeadSource.INSPECTION,
            summary=summary or "巡察发现李建国在低保评定中优亲厚友",
            subject_name="李建国",
            subject_unit="李庄村民委员会",
            subject_post="村党支部书记",
            handling_dept_id=dept.pk if dept else None,
        ),
    )


def url(lead: Lead) -> str:
    return reverse("cases:detail", args=[lead.pk])


@pytest.fixture
def town_lead(county) -> Lead:
    return make_lead(county.users["township_officer"], county.township_a)


@pytest.fixture
def dept_lead(county) -> Lead:
    return make_lead(county.users["sysadmin"], county.county, dept=county.supervision_dept)


@pytest.mark.parametrize(
    ("persona", "town_status", "dept_status"),
    [
        ("sysadmin", 200, 200),
        ("county_leader", 200, 200),
        ("township_secretary", 200, 404),
        ("township_officer", 200, 404),
        ("other_officer", 404, 404),
        ("dept_head", 404, 200),
        ("supervision_officer", 404, 200),
        ("petition_officer", 404, 404),
        ("informant", 404, 404),
        ("auditor", 404, 404),
    ],
)
def test_detail_by_persona(login, town_lead, dept_lead, persona, town_status, dept_status):
    client = login(persona)
    assert client.get(url(town_lead)).status_code == town_status
    assert client.get(url(dept_lead)).status_code == dept_status


def test_missing_and_anonymous(login, client, town_lead):
    assert login("sysadmin").get(reverse("cases:detail", args=[999999])).status_code == 404
    resp = client.get(url(town_lead))
    assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]


def test_header_basic_info_and_timeline(login, county, town_lead):
    Lead.objects.filter(pk=town_lead.pk).update(person=county.person_a)
    page = login("township_secretary").get(url(town_lead)).content.decode()
    assert town_lead.number in page
    assert "待处置" in page and "巡察移交" in page
    assert "李建国" in page and "李庄村民委员会 · 村党支部书记" in page
    assert reverse("orgs:person_detail", args=[county.person_a.pk]) in page
    assert "东坝镇纪委" in page and "何干事" in page
    assert "巡察发现李建国在低保评定中优亲厚友" in page
    assert "登记线索" in page  # the timeline's first step
    assert "尚未呈批" in page


def test_view_only_personas_see_no_actions(login, town_lead, dept_lead):
    page = login("county_leader").get(url(town_lead)).content.decode()
    assert 'id="qf-lead-actions"' not in page and 'id="qf-lead-edit"' not in page
    page = login("township_officer").get(url(town_lead)).content.decode()
    assert 'id="qf-lead-actions"' in page and 'id="qf-lead-edit"' in page
    assert 'data-action="propose"' in page
    assert 'data-action="enquiry_start"' not in page  # not before the way is approved
    # A 室主任 handles the leads of their department.
    page = login("dept_head").get(url(dept_lead)).content.decode()
    assert 'data-action="propose"' in page


def test_county_lead_without_department_says_so(login, county):
    lead = make_lead(county.users["sysadmin"], county.county)
    page = login("sysadmin").get(url(lead)).content.decode()
    assert "请先在“修改线索”中确定承办部门" in page
    resp = login("sysadmin").post(
        reverse("cases:propose", args=[lead.pk]),
        {
            "propose-way": Way.CLOSE,
            "propose-proposal": "反映不实，建议了结",
            "propose-meeting_kind": "commission",
            "propose-meeting_held_on": timezone.localdate().isoformat(),
            "propose-meeting_participants": "赵书记、冯主任",
            "propose-meeting_conclusion": "同意了结",
        },
    )
    assert resp.status_code == 400
    assert "该审批流程需承办部门审批，请先确定承办部门" in resp.content.decode()
    assert not Approval.objects.exists()


def test_approvals_show_steps_signers_and_void_reason(login, county, town_lead):
    u = county.users
    first = services.propose_disposal(
        lead=town_lead,
        actor=u["township_officer"],
        way=Way.CLOSE,
        proposal="建议了结",
        meeting=meeting(),
    )
    town_lead.refresh_from_db()
    services.update_lead(
        lead=town_lead,
        actor=u["township_officer"],
        data=services.LeadInput(
            source=town_lead.source, summary="补充了新的情况说明", subject_name="李建国"
        ),
    )
    town_lead.refresh_from_db()
    second = services.propose_disposal(
        lead=town_lead,
        actor=u["township_officer"],
        way=Way.HOLD,
        proposal="暂无法核实，建议暂存待查",
        meeting=meeting(),
    )
    approvals.sign(approval=second, actor=u["township_secretary"], approve=True, comment="同意暂存")
    page = login("county_leader").get(url(town_lead)).content.decode()
    for a in (first, second):
        assert a.number in page
        assert reverse("approvals:detail", args=[a.pk]) in page
    assert "已失效" in page and "失效原因：线索内容已修改，原呈批失效" in page
    assert "已批准" in page and "同意暂存" in page and "孙书记" in page
    assert "纪委书记" in page and "东坝镇纪委" in page  # step label and org
    assert "纪委会（委务会）" in page and "孙书记、何干事、陈委员" in page
    assert "暂存待查" in page  # way badge and outcome
    first.refresh_from_db()
    assert first.status == ApprovalStatus.VOID


def test_clocks_show_due_dates_overdue_and_provisional(login, county, town_lead):
    today = timezone.localdate()
    LeadClock.objects.create(
        lead=town_lead,
        kind=LeadClockKind.ENQUIRY_REPLY,
        org=county.township_a,
        starts_on=today - dt.timedelta(days=40),
        due_on=today - dt.timedelta(days=10),
    )
    LeadClock.objects.create(
        lead=town_lead,
        kind=LeadClockKind.VERIFICATION,
        org=county.township_a,
        starts_on=today,
        due_on=dt.date(2027, 3, 1),
        provisional=True,
    )
    page = login("township_officer").get(url(town_lead)).content.decode()
    assert "函询15个工作日内回复" in page and "已超期" in page
    assert (today - dt.timedelta(days=10)).isoformat() in page
    assert "初步核实时限" in page and "2027-03-01" in page and "暂估" in page


def test_source_report_link_never_shows_the_reporter(login, county):
    secretary = county.users["township_secretary"]
    report = intake.register_report(
        actor=secretary,
        org=county.township_a,
        data=intake.ReportInput(
            channel=Channel.LETTER,
            received_on=timezone.localdate() - dt.timedelta(days=2),
            title="村支书优亲厚友",
            content="李庄村支书把低保名额给了自己的亲戚。",
            subjects=[intake.SubjectInput("李建国", "李庄村民委员会", "村党支部书记")],
            is_real_name=True,
            identity=Identity(name=REPORTER_NAME, id_number=REPORTER_ID, phone=REPORTER_PHONE),
        ),
    ).report
    intake.classify(report=report, klass=ReportClass.ACCUSATION, actor=secretary)
    intake.accept(report=report, actor=secretary)
    lead = Lead.objects.get(report=report)
    page = login("township_officer").get(url(lead)).content.decode()
    assert reverse("intake:detail", args=[report.pk]) in page and report.number in page
    for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_ID, report.content):
        assert secret not in page
    # A reader of leads who may not read reports sees no link to it.
    trial = make_user("shenli", "审理干部", county.county, "trial_officer")
    client = login("township_officer")
    client.force_login(trial, backend="qingfeng.accounts.backends.LockoutBackend")
    page = client.get(url(lead)).content.decode()
    assert reverse("intake:detail", args=[report.pk]) not in page
    assert "来源信访件不在您的查看范围内" in page


def test_documents_of_the_lead_are_listed(login, county, town_lead):
    doc = Document.objects.create(
        org=county.township_a,
        kind=DocumentKind.LEAD_REGISTER,
        series="东纪线",
        year=2026,
        seq=1,
        number="东纪线〔2026〕1号",
        title="问题线索受理登记表",
        file="documents/lead-register-1.docx",
        lead=town_lead,
        issued_by=county.users["township_officer"],
    )
    page = login("township_officer").get(url(town_lead)).content.decode()
    assert reverse("documents:download", args=[doc.pk]) in page
    assert "问题线索受理登记表" in page and "东纪线〔2026〕1号" in page


def test_script_tags_in_a_summary_render_as_text(login, county):
    lead = make_lead(
        county.users["township_officer"],
        county.township_a,
        summary="<script>alert('x')</script><img src=x onerror=alert(1)>",
    )
    page = login("township_officer").get(url(lead)).content.decode()
    assert "<script>alert(" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    # The list shows the name only, escaped the same way.
    Lead.objects.filter(pk=lead.pk).update(subject_name="<b>李</b>")
    html = login("township_officer").get(reverse("cases:list")).content.decode()
    assert "<b>李</b>" not in html and "&lt;b&gt;李&lt;/b&gt;" in html


def test_detail_query_count_does_not_grow(login, county, town_lead, django_assert_max_num_queries):
    u = county.users
    client = login("township_secretary")
    client.get(url(town_lead))  # warm up

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(town_lead)).status_code == 200
        return len(ctx.captured_queries)

    services.propose_disposal(
        lead=town_lead,
        actor=u["township_officer"],
        way=Way.CLOSE,
        proposal="建议了结",
        meeting=meeting(),
    )
    one = count()
    for i in range(3):
        town_lead.refresh_from_db()
        services.update_lead(
            lead=town_lead,
            actor=u["township_officer"],
            data=services.LeadInput(
                source=town_lead.source, summary=f"第{i}次补充情况", subject_name="李建国"
            ),
        )
        town_lead.refresh_from_db()
        services.propose_disposal(
            lead=town_lead,
            actor=u["township_officer"],
            way=Way.CLOSE,
            proposal="建议了结",
            meeting=meeting(),
        )
    assert Approval.objects.filter(lead=town_lead).count() == 4
    assert count() == one
    with django_assert_max_num_queries(25):
        client.get(url(town_lead))
