"""The case file (卷宗): every persona in and out of scope, its sections, the steps offered
in each status to each persona, script tags as text, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qingfeng.approvals.models import Approval, ApprovalStatus, ApprovalStep, Matter, StepState
from qingfeng.cases.models import (
    Case,
    CaseClockKind,
    CaseStatus,
    CaseTransition,
    MeasureStatus,
    ReviewStatus,
    SanctionStatus,
)
from qingfeng.cases.tests.case_builders import (
    add_clock,
    add_measure,
    add_review,
    add_sanction,
    add_trial_dept,
    make_case,
)
from qingfeng.core.testing import make_user
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.orgs.models import Org

TODAY = timezone.localdate()


def url(case: Case) -> str:
    return reverse("case_files:detail", args=[case.pk])


def actions(page: str) -> set[str]:
    """The ``data-action`` keys of the step forms on a rendered case file."""
    import re

    return set(re.findall(r'data-action="([a-z_]+)"', page))


@pytest.fixture
def trial(county) -> Org:
    return add_trial_dept(county)


@pytest.fixture
def town_case(county) -> Case:
    return make_case(county.users["township_officer"], county.township_a)


@pytest.fixture
def dept_case(county) -> Case:
    return make_case(
        county.users["sysadmin"], county.county, name="张局长", dept=county.supervision_dept
    )


@pytest.fixture
def reviewed_case(county, trial) -> Case:
    """A township case in 审理 at the county 审理室 (乡案县审)."""
    case = make_case(
        county.users["township_officer"],
        county.township_a,
        name="王小二",
        status=CaseStatus.IN_REVIEW,
        review_org=trial,
    )
    add_review(case, trial, county.users["trial_head"])
    return case


@pytest.mark.parametrize(
    ("persona", "town", "dept", "reviewed"),
    [
        ("sysadmin", 200, 200, 200),
        ("county_leader", 200, 200, 200),
        ("township_secretary", 200, 404, 200),
        ("township_officer", 200, 404, 200),
        ("other_officer", 404, 404, 404),
        ("dept_head", 404, 200, 404),
        ("supervision_officer", 404, 200, 404),
        ("trial_officer", 404, 404, 200),
        ("petition_officer", 404, 404, 404),
        ("informant", 404, 404, 404),
        ("auditor", 404, 404, 404),
    ],
)
def test_file_by_persona(login, town_case, dept_case, reviewed_case, persona, town, dept, reviewed):
    client = login(persona)
    assert client.get(url(town_case)).status_code == town
    assert client.get(url(dept_case)).status_code == dept
    assert client.get(url(reviewed_case)).status_code == reviewed


def test_missing_and_anonymous(login, client, town_case):
    assert login("sysadmin").get(reverse("case_files:detail", args=[999999])).status_code == 404
    resp = client.get(url(town_case))
    assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]


def test_header_shows_the_case(login, county, trial):
    u = county.users
    case = make_case(
        u["township_officer"],
        county.township_a,
        home_org=county.township_b,
        review_org=trial,
        supervision_case=True,
        person=county.person_a,
        filed_on=dt.date(2026, 3, 2),
    )
    page = login("county_leader").get(url(case)).content.decode()
    assert case.number in page and "审查调查中" in page
    assert "李建国" in page and "李庄村民委员会 · 村党支部书记" in page
    assert reverse("orgs:person_detail", args=[county.person_a.pk]) in page
    assert "党纪立案审查" in page and "监察立案调查" in page
    assert "中共党员" in page and "村（社区）干部" in page
    assert "东坝镇纪委" in page
    assert "原管辖机关" in page and "西岭乡纪委" in page  # the body that filed it
    assert "审理机关" in page and "案件审理室" in page
    assert "2026-03-02" in page
    assert reverse("cases:detail", args=[case.lead_id]) in page
    assert "优亲厚友" in page  # the summary
    # The home body is not repeated when it is the handling body.
    page = login("county_leader").get(url(make_case(u["sysadmin"], county.county))).content
    assert "原管辖机关" not in page.decode()


def test_lead_link_only_when_the_lead_is_readable(login, reviewed_case):
    lead_url = reverse("cases:detail", args=[reviewed_case.lead_id])
    assert lead_url in login("township_officer").get(url(reviewed_case)).content.decode()
    # The county 审理室 reviews the case but may not open the township's lead.
    page = login("trial_officer").get(url(reviewed_case)).content.decode()
    assert lead_url not in page and reviewed_case.lead.number in page


def test_clocks_show_due_dates_overdue_and_provisional(login, town_case):
    add_clock(town_case, due_on=TODAY - dt.timedelta(days=10))
    add_clock(town_case, CaseClockKind.DETENTION, due_on=dt.date(2027, 3, 1), provisional=True)
    add_clock(town_case, CaseClockKind.REVIEW, due_on=TODAY - dt.timedelta(days=40), met=True)
    page = login("township_officer").get(url(town_case)).content.decode()
    assert "审查调查期限（1年）" in page and "已超期" in page
    assert (TODAY - dt.timedelta(days=10)).isoformat() in page
    assert "留置期限（3个月）" in page and "2027-03-01" in page and "暂估" in page
    assert "已完成" in page


def test_timeline_team_and_measures(login, county, town_case):
    u = county.users
    Case.objects.filter(pk=town_case.pk).update(leader=u["township_secretary"])
    town_case.team.set([u["township_secretary"], u["township_officer"]])
    CaseTransition.objects.create(
        case=town_case,
        action="set_team",
        from_status=CaseStatus.INVESTIGATING,
        to_status=CaseStatus.INVESTIGATING,
        actor=u["township_officer"],
        note="组长孙书记；成员何干事",
    )
    add_measure(town_case, u["township_officer"])
    add_measure(town_case, u["township_officer"], kind="collect", status=MeasureStatus.PENDING)
    page = login("township_officer").get(url(town_case)).content.decode()
    assert "立案" in page and "组成审查调查组" in page and "组长孙书记；成员何干事" in page
    assert "组长：孙书记" in page and "何干事" in page
    assert "谈话" in page and "调取" in page and "呈批中" in page
    # Only the approved measure can be lifted, and only by the handling body.
    assert page.count('class="d-inline qf-end-measure"') == 1
    page = login("county_leader").get(url(town_case)).content.decode()
    assert "qf-end-measure" not in page


def test_reviews_sanctions_and_documents(login, county, trial):
    u = county.users
    case = make_case(
        u["township_officer"],
        county.township_a,
        status=CaseStatus.EXECUTING,
        review_org=trial,
    )
    case.proposed_outcomes = ["party_warning"]
    case.save(update_fields=["proposed_outcomes"])
    add_review(
        case,
        trial,
        u["trial_head"],
        reviewers=(u["trial_head"], u["trial_officer"]),
        status=ReviewStatus.RETURNED,
        return_reason="关键证人证言缺失，请补充",
    )
    add_review(
        case,
        trial,
        u["trial_head"],
        reviewers=(u["trial_head"], u["trial_officer"]),
        status=ReviewStatus.DONE,
        talk_on=TODAY - dt.timedelta(days=2),
        talk_record="被审查调查人对事实无异议",
        report_text="经审理，事实清楚",
        proposed_outcomes=["party_warning"],
    )
    doc = Document.objects.create(
        org=county.township_a,
        kind=DocumentKind.PARTY_SANCTION_DECISION,
        series="东纪处",
        year=2026,
        seq=1,
        number="东纪处〔2026〕1号",
        title="关于给予李建国党内警告处分的决定",
        file="documents/sanction-1.docx",
        case=case,
        issued_by=u["township_secretary"],
    )
    add_sanction(
        case,
        "party_warning",
        "party",
        "township_commission",
        status=SanctionStatus.EXECUTED,
        decided_on=dt.date(2026, 9, 1),
        effect_ends_on=dt.date(2027, 9, 1),
        announced_on=dt.date(2026, 9, 5),
        executed_on=dt.date(2026, 10, 8),
        execution_note="已在支部大会宣布",
        document=doc,
    )
    add_sanction(
        case, "criticism", "measure", "township_commission", decided_on=dt.date(2026, 9, 1)
    )
    page = login("township_officer").get(url(case)).content.decode()
    assert "第1次审理" in page and "退回补充证据" in page and "关键证人证言缺失，请补充" in page
    assert "第2次审理" in page and "林主任、韩审理" in page
    assert "被审查调查人对事实无异议" in page and "经审理，事实清楚" in page
    assert "审理意见" in page and "党内警告" in page
    assert "党纪处分" in page and "乡镇纪委" in page and "其他处理" in page
    for day in ("2026-09-01", "2027-09-01", "2026-09-05", "2026-10-08"):
        assert day in page
    assert "已在支部大会宣布" in page and "批评教育" in page
    download = reverse("documents:download", args=[doc.pk])
    assert page.count(download) == 2  # the documents list and the sanction row
    assert "东纪处〔2026〕1号" in page and "处分决定书" in page


def test_approvals_show_steps_signers_and_void_reason(login, county, town_case):
    u = county.users
    for i, (status, reason) in enumerate(
        [(ApprovalStatus.VOID, "审查调查组已变更，原呈批失效"), (ApprovalStatus.APPROVED, "")]
    ):
        approval = Approval.objects.create(
            number=f"T01-SP-2026-{i + 1:05d}",
            org=county.township_a,
            matter=Matter.CASE_MEASURE,
            case=town_case,
            title="关于对李建国案采取谈话措施的呈批",
            proposal="核实低保评定情况",
            digest="0" * 64,
            status=status,
            void_reason=reason,
            submitted_by=u["township_officer"],
        )
        ApprovalStep.objects.create(
            approval=approval,
            order=1,
            label="纪委书记",
            role="township_secretary",
            org=county.township_a,
            state=StepState.APPROVED if not reason else StepState.CLOSED,
            signer=u["township_secretary"] if not reason else None,
            comment="同意谈话" if not reason else "",
            signed_at=timezone.now() if not reason else None,
        )
    page = login("county_leader").get(url(town_case)).content.decode()
    assert "T01-SP-2026-00001" in page and "T01-SP-2026-00002" in page
    assert "失效原因：审查调查组已变更，原呈批失效" in page
    assert "已批准" in page and "同意谈话" in page and "孙书记" in page
    assert "审查调查措施" in page and "纪委书记" in page
    approval = Approval.objects.get(number="T01-SP-2026-00002")
    assert reverse("approvals:detail", args=[approval.pk]) in page


def test_steps_offered_while_investigating(login, county, town_case):
    u = county.users
    # A reader only (委领导) is offered nothing.
    page = login("county_leader").get(url(town_case)).content.decode()
    assert 'id="qf-case-actions"' not in page
    page = login("township_officer").get(url(town_case)).content.decode()
    assert actions(page) == {"set_team", "request_measure", "request_extension"}
    assert "审查调查报告由审查调查组成员提交" in page
    # A member of the team may submit the report; the extension is asked once only.
    Case.objects.filter(pk=town_case.pk).update(leader=u["township_officer"], extended_months=3)
    page = login("township_officer").get(url(town_case)).content.decode()
    assert actions(page) == {"set_team", "request_measure", "investigation_report"}
    # The person is a village cadre: no 政务处分 heavier than 记大过 is offered.
    form = login("township_officer").get(url(town_case)).context["panels"][-1].form
    offered = {v for v, _label in form.fields["proposed_outcomes"].choices}
    assert {"party_warning", "gov_major_demerit", "org_removal"} <= offered
    assert "gov_demotion" not in offered and "gov_dismissal" not in offered


def test_measures_offered_by_level(login, county, town_case, dept_case):
    def kinds(persona: str, case: Case) -> set[str]:
        panels = login(persona).get(url(case)).context["panels"]
        form = next(p.form for p in panels if p.key == "request_measure")
        return {v for v, _label in form.fields["kind"].choices if v}

    # A township takes the non-coercive measures; 留置 is never a township measure.
    assert kinds("township_officer", town_case) == {
        "talk",
        "question",
        "inquiry",
        "collect",
        "inspect",
        "appraise",
    }
    assert "detention" in kinds("supervision_officer", dept_case)


def test_steps_offered_in_review(login, county, reviewed_case):
    u = county.users
    # The township handles the case but does not review it at the county.
    page = login("township_officer").get(url(reviewed_case)).content.decode()
    assert actions(page) == set()
    # The 审理室主任 names the reviewers; the named reviewers take the other steps.
    page = login("trial_officer").get(url(reviewed_case)).content.decode()
    assert actions(page) == set()
    assert "由确定的审理人员办理" in page
    form = login("trial_head").get(url(reviewed_case)).context["panels"][0].form
    assert set(form.fields["reviewers"].queryset) == {u["trial_head"], u["trial_officer"]}
    review = reviewed_case.reviews.get()
    review.reviewers.set([u["trial_head"], u["trial_officer"]])
    page = login("trial_officer").get(url(reviewed_case)).content.decode()
    assert actions(page) == {"review_talk", "return_for_evidence", "review_report"}
    page = login("trial_head").get(url(reviewed_case)).content.decode()
    assert actions(page) == {
        "assign_reviewers",
        "review_talk",
        "return_for_evidence",
        "review_report",
    }


def test_steps_offered_after_review(login, county, trial):
    u = county.users
    case = make_case(u["township_officer"], county.township_a, status=CaseStatus.REVIEWED)
    add_review(
        case, trial, u["trial_head"], status=ReviewStatus.DONE, proposed_outcomes=["party_warning"]
    )
    resp = login("township_officer").get(url(case))
    assert actions(resp.content.decode()) == {"propose_decision"}
    form = resp.context["panels"][0].form
    assert form.initial["outcomes"] == ["party_warning"]  # the 审理意见 as proposed
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DECISION_PENDING)
    page = login("township_officer").get(url(case)).content.decode()
    assert actions(page) == set() and "呈批正在审批中" in page
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DECIDED)
    assert actions(login("township_officer").get(url(case)).content.decode()) == {"announcement"}
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.EXECUTING)
    sanction = add_sanction(
        case, "party_warning", "party", "township_commission", status=SanctionStatus.ANNOUNCED
    )
    assert actions(login("township_officer").get(url(case)).content.decode()) == {"execution"}
    sanction.status = SanctionStatus.EXECUTED
    sanction.save(update_fields=["status"])
    assert actions(login("township_officer").get(url(case)).content.decode()) == {"close_case"}
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    page = login("township_officer").get(url(case)).content.decode()
    assert actions(page) == set() and "当前状态下没有可办理的步骤" in page


def test_script_tags_render_as_text(login, county):
    case = make_case(
        county.users["township_officer"],
        county.township_a,
        name="<b>李</b>",
        summary="<script>alert('x')</script><img src=x onerror=alert(1)>",
    )
    page = login("township_officer").get(url(case)).content.decode()
    assert "<script>alert(" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    html = login("township_officer").get(reverse("case_files:list")).content.decode()
    assert "<b>李</b>" not in html and "&lt;b&gt;李&lt;/b&gt;" in html


def _grow(case: Case, county: Any, trial: Org, i: int) -> None:
    u = county.users
    reviewer = make_user(f"reviewer{i}", f"审理员{i}", trial, "trial_officer")
    add_measure(case, u["township_officer"])
    add_clock(case, due_on=dt.date(TODAY.year, 6, 1 + i))
    add_review(case, trial, u["trial_head"], reviewers=(reviewer, u["trial_head"]))
    add_sanction(case, "party_warning", "party", "township_commission")
    CaseTransition.objects.create(
        case=case, action="review_talk", from_status="", to_status=case.status, actor=reviewer
    )
    approval = Approval.objects.create(
        number=f"T01-SP-2026-{i + 100:05d}",
        org=county.township_a,
        matter=Matter.CASE_MEASURE,
        case=case,
        title="措施呈批",
        proposal="核实",
        digest="0" * 64,
        submitted_by=u["township_officer"],
    )
    ApprovalStep.objects.create(
        approval=approval,
        order=1,
        label="纪委书记",
        role="township_secretary",
        org=county.township_a,
        signer=u["township_secretary"],
    )
    Document.objects.create(
        org=county.township_a,
        kind=DocumentKind.CASE_NOTICE,
        series="东纪案",
        year=2026,
        seq=i + 1,
        number=f"东纪案〔2026〕{i + 1}号",
        title="立案通知书",
        file=f"documents/notice-{i}.docx",
        case=case,
        issued_by=u["township_officer"],
    )


def test_file_query_count_does_not_grow(login, county, trial, django_assert_max_num_queries):
    u = county.users
    case = make_case(
        u["township_officer"],
        county.township_a,
        status=CaseStatus.IN_REVIEW,
        review_org=county.township_a,
        leader=u["township_officer"],
        team=(u["township_officer"], u["township_secretary"]),
    )
    client = login("township_secretary")  # handles and reviews the township's cases
    _grow(case, county, trial, 0)
    client.get(url(case))  # warm up

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(case)).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for i in range(1, 4):
        _grow(case, county, trial, i)
    assert count() == one
    # Session, user, grants, the case, may handle / review, team, reviews and reviewers,
    # approvals with steps, signers and orgs, sanctions, measures, timeline, lead link,
    # clocks and their calendar, documents, the step forms' choices.
    with django_assert_max_num_queries(24):
        client.get(url(case))
