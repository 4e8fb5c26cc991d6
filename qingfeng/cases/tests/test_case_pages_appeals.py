"""复议复查（复审复核） and 留党察看 on the case file (DOMAIN.md §4 "Appeals", §5): an appeal
filed, its reviewers named and its decision proposed through the pages and signed on the
approvals page; the end of a probation term; bad input kept next to its field (400); the
receiving body's refusal (403); every step refused out of scope (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.approvals.models import Approval, ApprovalStatus, Matter
from qingfeng.cases import appeals
from qingfeng.cases.case_selectors import get_case_for_user
from qingfeng.cases.models import (
    Appeal,
    AppealKind,
    AppealStatus,
    Case,
    ProbationResult,
    Sanction,
    SanctionStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import effect_period
from qingfeng.cases.tests import case_flow as flow
from qingfeng.cases.tests.conftest import approve_all
from qingfeng.cases.views_case_appeals import appeal_context
from qingfeng.core.testing import make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()

# Personas who reach no 东坝镇 case with case.handle: every step answers 404.
OUT_OF_SCOPE = (
    "other_officer",
    "county_leader",
    "petition_officer",
    "informant",
    "auditor",
    "trial_a",
    "township_party",
)


@pytest.fixture
def cc(county) -> flow.CaseCounty:
    return flow.case_county(county)


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="qingfeng.accounts.backends.LockoutBackend")
    return client


def decided(
    cc: flow.CaseCounty, outcome: str = Outcome.PARTY_SERIOUS_WARNING, **kw: Any
) -> Sanction:
    """A 东坝镇 case decided with ``outcome`` (a 政务处分 is approved by the county 监委)."""
    case = flow.review_done(cc, [outcome])
    # The county 监委 approves a 政务处分, the township Party committee a 留党察看.
    upper: dict[str, list[User]] = {
        Outcome.GOV_DEMERIT: [cc.users["county_leader"]],
        Outcome.PARTY_PROBATION: [cc.users["township_party"]],
    }
    signers = [cc.secretary, *upper.get(outcome, [])]
    approve_all(flow.decide(cc, case, [outcome], **kw), *signers)
    return case.sanctions.get(status=SanctionStatus.DECIDED)


def outsiders(cc: flow.CaseCounty) -> tuple[User, User]:
    """Two 东坝镇 officers who had no part in the original case."""
    return (
        make_user("dongba_fy1", "严干事", cc.county.township_a, "township_officer"),
        make_user("dongba_fy2", "金干事", cc.county.township_a, "township_officer"),
    )


def file_url(case: Case) -> str:
    return reverse("case_files:detail", args=[case.pk])


def step_url(name: str, case: Case, pk: int) -> str:
    return reverse(f"case_files:{name}", args=[case.pk, pk])


def prefixed(prefix: str, **data: Any) -> dict[str, Any]:
    return {f"{prefix}-{k}": v for k, v in data.items()}


def steps(resp: Any) -> dict[str, Any]:
    """The appeal steps offered on a rendered case file, by key."""
    return {p.key: p for row in resp.context["appeal_sanctions"] for p in row.steps}


def errors(resp: Any, key: str) -> dict[str, list[str]]:
    assert resp.status_code == 400
    return dict(steps(resp)[key].form.errors)


def appeal_data(key: str, **extra: Any) -> dict[str, Any]:
    data = {
        "kind": AppealKind.PARTY,
        "received_on": TODAY.isoformat(),
        "applied_on": TODAY.isoformat(),
        "reason": "本人认为处分过重，请求复查",
        **extra,
    }
    return prefixed(key, **data)


def test_a_party_appeal_through_the_pages(cc):
    sanction = decided(cc)
    case = sanction.case
    secretary, officer = as_user(cc.secretary), as_user(cc.officer)
    a, b = outsiders(cc)

    # The section lists the sanction and offers the application to the deciding body.
    resp = secretary.get(file_url(case))
    page = resp.content.decode()
    assert 'id="qf-case-appeals"' in page and "尚无复议复查（复审复核）申请" in page
    key = f"file_appeal_{sanction.pk}"
    assert list(steps(resp)) == [key]
    assert steps(resp)[key].form.initial["kind"] == AppealKind.PARTY
    url = step_url("file_appeal", case, sanction.pk)
    assert f'action="{url}"' in page

    # Everything missing at once, with the service's words.
    resp = secretary.post(url, {})
    assert errors(resp, key) == {
        "kind": ["请选择复议复查（复审复核）类别"],
        "received_on": ["请填写收到处分决定日期"],
        "applied_on": ["请填写申请日期"],
        "reason": ["请填写申请理由"],
    }
    # A 政务 kind against a 党纪处分 is not offered.
    resp = secretary.post(url, appeal_data(key, kind=AppealKind.GOV_REVIEW))
    assert errors(resp, key)["kind"] == ["请从列表中选择"]
    # A service refusal lands on its field, the input kept, nothing written.
    early = (TODAY - dt.timedelta(days=1)).isoformat()
    resp = secretary.post(url, appeal_data(key, applied_on=early, reason="处分过重请求复查"))
    assert errors(resp, key)["applied_on"][0].startswith("申请日期不能早于")
    assert "处分过重请求复查" in resp.content.decode()
    resp = secretary.post(url, appeal_data(key, reason="过重"))
    assert errors(resp, key) == {"reason": ["申请理由至少4个字"]}
    assert not Appeal.objects.exists()

    resp = officer.post(url, appeal_data(key), follow=True)
    assert resp.redirect_chain[-1][0] == file_url(case)
    appeal = Appeal.objects.get()
    assert (appeal.kind, appeal.org, appeal.status) == (
        AppealKind.PARTY,
        cc.county.township_a,
        AppealStatus.REVIEWING,
    )
    page = resp.content.decode()
    assert "已登记党纪处分复议复查申请，由东坝镇纪委办理" in page
    assert "受理机关 东坝镇纪委" in page and "办理中" in page
    [row] = resp.context["appeal_sanctions"]
    assert row.appeals[0].due_on == sanction.case.clocks.get(kind="appeal").due_on
    # The same kind cannot be filed twice while it is handled: no longer offered.
    reviewers_key, decision_key = f"appeal_reviewers_{appeal.pk}", f"appeal_decision_{appeal.pk}"
    assert list(steps(resp)) == [reviewers_key]
    resp = officer.post(url, appeal_data(key))
    assert errors(resp, key) == {"kind": ["该处分的同类申请正在办理中"]}

    # Reviewers: people on the original case are not offered; at least two.
    reviewers_url = step_url("appeal_reviewers", case, appeal.pk)
    offered = steps(secretary.get(file_url(case)))[reviewers_key].form.fields["reviewers"]
    assert {a.pk, b.pk} <= {u.pk for u in offered.queryset}
    assert cc.officer.pk not in {u.pk for u in offered.queryset}
    resp = secretary.post(reviewers_url, prefixed(reviewers_key, reviewers=[a.pk, cc.officer.pk]))
    assert errors(resp, reviewers_key)["reviewers"][0].startswith("请从列表中选择")
    resp = secretary.post(reviewers_url, prefixed(reviewers_key, reviewers=[a.pk]))
    assert errors(resp, reviewers_key) == {"reviewers": ["复查人员不得少于2人"]}
    resp = secretary.post(reviewers_url, prefixed(reviewers_key, reviewers=[a.pk, b.pk]))
    assert resp.status_code == 302 and resp["Location"] == file_url(case)
    assert set(appeal.reviewers.all()) == {a, b}
    page = secretary.get(file_url(case)).content.decode()
    assert "严干事" in page and "金干事" in page

    # The decision: a named reviewer's, never heavier, for the secretary's approval.
    decision_url = step_url("appeal_decision", case, appeal.pk)
    text = "经复查，原处分认定事实清楚，但情节较轻，变更为党内警告处分。"
    lighter = prefixed(
        decision_key, outcome="changed", new_outcome=Outcome.PARTY_WARNING, decision_text=text
    )
    assert decision_key not in steps(secretary.get(file_url(case)))
    assert secretary.post(decision_url, lighter).status_code == 403  # not a reviewer
    reviewer = as_user(a)
    resp = reviewer.get(file_url(case))
    choices = dict(steps(resp)[decision_key].form.fields["new_outcome"].choices)
    assert set(choices) == {"", Outcome.PARTY_WARNING}  # only the lighter one
    resp = reviewer.post(decision_url, prefixed(decision_key, outcome="changed"))
    assert errors(resp, decision_key) == {
        "new_outcome": ["请选择变更后的处分"],
        "decision_text": ["请填写复查决定"],
    }
    heavier = prefixed(
        decision_key,
        outcome="changed",
        new_outcome=Outcome.PARTY_POST_REMOVAL,
        decision_text="复查认为应当加重处分，改为撤销党内职务。",
    )
    assert errors(reviewer.post(decision_url, heavier), decision_key)["new_outcome"] == [
        "请从列表中选择"
    ]
    short = prefixed(decision_key, outcome="upheld", decision_text="维持原处分")
    assert errors(reviewer.post(decision_url, short), decision_key) == {
        "decision_text": ["复查决定至少10个字"]
    }
    resp = reviewer.post(decision_url, lighter)
    assert resp.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING
    approval = Approval.objects.get(matter=Matter.APPEAL_DECISION, case=case)
    page = reviewer.get(file_url(case)).content.decode()
    assert "决定呈批中" in page and "变更处分：党内警告（待批准）" in page

    # Signed on the approvals page: the sanction is replaced by the lighter one.
    resp = secretary.post(
        reverse("approvals:sign", args=[approval.pk]),
        {"sign-decision": "approve", "sign-comment": "同意"},
    )
    assert resp.status_code == 302
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.CHANGED
    assert case.sanctions.get(status=SanctionStatus.DECIDED).outcome == Outcome.PARTY_WARNING
    resp = secretary.get(file_url(case))
    page = resp.content.decode()
    assert f"变更处分：党内警告（{TODAY:%Y-%m-%d} 决定）" in page
    # Nothing left to do on the decided appeal; the new sanction may be appealed in turn.
    left = steps(resp)
    assert reviewers_key not in left and decision_key not in left
    new = case.sanctions.get(status=SanctionStatus.DECIDED)
    assert f"file_appeal_{new.pk}" in left


def test_the_body_that_decided_a_government_sanction_receives_its_appeal(cc):
    sanction = decided(cc, Outcome.GOV_DEMERIT)
    case = sanction.case
    county_officer = make_user("jcs_fs", "邹干部", cc.county.county, "supervision_officer")
    key = f"file_appeal_{sanction.pk}"
    url = step_url("file_appeal", case, sanction.pk)
    # The township handles the case but the county 监委 decided the sanction.
    secretary = as_user(cc.secretary)
    assert key not in steps(secretary.get(file_url(case)))
    data = appeal_data(key, kind=AppealKind.GOV_REVIEW)
    assert secretary.post(url, data).status_code == 403
    county = as_user(county_officer)
    resp = county.get(file_url(case))
    form = steps(resp)[key].form
    assert [c for c, _ in form.fields["kind"].choices] == ["", AppealKind.GOV_REVIEW]
    assert "向清河县纪委监委申请" in resp.content.decode()
    # 复核 only after a 复审 decision: not offered before.
    resp = county.post(url, appeal_data(key, kind=AppealKind.GOV_RECHECK))
    assert errors(resp, key)["kind"] == ["请从列表中选择"]
    resp = county.post(url, data)
    assert resp.status_code == 302
    assert Appeal.objects.get().org == cc.county.county


def test_probation_term_through_the_page(cc):
    sanction = decided(cc, Outcome.PARTY_PROBATION, years=1)
    case = sanction.case
    secretary = as_user(cc.secretary)
    key = f"conclude_probation_{sanction.pk}"
    url = step_url("conclude_probation", case, sanction.pk)
    resp = secretary.get(file_url(case))
    page = resp.content.decode()
    assert sanction.term_ends_on is not None
    assert f"{sanction.term_ends_on:%Y-%m-%d}" in page and "尚未处理" in page
    form = steps(resp)[key].form
    assert [c for c, _ in form.fields["result"].choices] == ["", "restored", "extended"]

    resp = secretary.post(url, {})
    assert errors(resp, key) == {
        "result": ["请选择察看期满的处理"],
        "decided_on": ["请填写决定日期"],
        "note": ["请填写处理意见"],
    }
    early = prefixed(key, result="restored", decided_on=TODAY.isoformat(), note="察看期间表现良好")
    resp = secretary.post(url, early)
    assert "期满后方可恢复党员权利" in errors(resp, key)["decided_on"][0]
    assert "察看期间表现良好" in resp.content.decode()

    # Extended once, before the term ends; then no longer offered.
    resp = secretary.post(
        url,
        prefixed(key, result="extended", decided_on=TODAY.isoformat(), note="未能认真改正错误"),
        follow=True,
    )
    assert "已登记察看期满处理：延长察看期一年" in resp.content.decode()
    sanction.refresh_from_db()
    assert sanction.probation_extended and sanction.probation_result == ProbationResult.EXTENDED
    assert "已延长一年" in resp.content.decode()
    form = steps(resp)[key].form
    assert [c for c, _ in form.fields["result"].choices] == ["", "restored"]
    again = prefixed(key, result="extended", decided_on=TODAY.isoformat(), note="再次延长察看期")
    assert errors(secretary.post(url, again), key)["result"] == ["请从列表中选择"]

    # After the (extended) term: rights restored, the step gone.
    decided_on = TODAY - dt.timedelta(days=800)
    period = effect_period(
        Outcome.PARTY_PROBATION, decided_on, probation_years=1, probation_extended=True
    )
    Sanction.objects.filter(pk=sanction.pk).update(
        decided_on=decided_on, term_ends_on=period.term_ends_on, effect_ends_on=period.ends_on
    )
    resp = secretary.post(
        url,
        prefixed(key, result="restored", decided_on=TODAY.isoformat(), note="经支部大会讨论恢复"),
        follow=True,
    )
    sanction.refresh_from_db()
    assert sanction.probation_result == ProbationResult.RESTORED
    assert key not in steps(resp)
    assert "恢复党员权利" in resp.content.decode()


def test_every_step_refused_out_of_scope(cc):
    sanction = decided(cc)
    case = sanction.case
    appeal = appeals.file_appeal(
        sanction=sanction,
        actor=cc.secretary,
        kind=AppealKind.PARTY,
        received_on=TODAY,
        applied_on=TODAY,
        reason="本人认为处分过重，请求复查",
    )
    posts = [
        step_url("file_appeal", case, sanction.pk),
        step_url("appeal_reviewers", case, appeal.pk),
        step_url("appeal_decision", case, appeal.pk),
        step_url("conclude_probation", case, sanction.pk),
    ]
    for persona in OUT_OF_SCOPE:
        client = as_user(cc.users[persona])
        for url in posts:
            assert client.post(url, {}).status_code == 404, (persona, url)
    # Readers of the case see the section without any form.
    leader = as_user(cc.users["county_leader"])
    resp = leader.get(file_url(case))
    assert resp.status_code == 200 and 'id="qf-case-appeals"' in resp.content.decode()
    assert steps(resp) == {}
    # A sanction or appeal is reached only through its own case; the steps are POST only.
    other = flow.filed_case(cc)
    secretary = as_user(cc.secretary)
    assert secretary.post(step_url("file_appeal", other, sanction.pk), {}).status_code == 404
    assert secretary.post(step_url("appeal_reviewers", other, appeal.pk), {}).status_code == 404
    assert secretary.post(step_url("appeal_decision", other, appeal.pk), {}).status_code == 404
    probation_url = step_url("conclude_probation", other, sanction.pk)
    assert secretary.post(probation_url, {}).status_code == 404
    assert secretary.get(posts[0]).status_code == 405
    # Not a 留党察看: the service's refusal is shown with the step (400), nothing written.
    key = f"conclude_probation_{sanction.pk}"
    data = prefixed(key, result="restored", decided_on=TODAY.isoformat(), note="恢复党员权利")
    resp = secretary.post(posts[3], data)
    assert resp.status_code == 400
    assert steps(resp)[key].form.non_field_errors() == ["只有生效的留党察看处分才有察看期满处理"]
    sanction.refresh_from_db()
    assert sanction.probation_result == ""


def test_section_queries_are_bounded(cc, django_assert_num_queries):
    case = flow.filed_case(cc)
    leader = cc.users["county_leader"]
    with django_assert_num_queries(0):
        context = appeal_context(leader, case, sanctions=[])
    assert context == {"appeal_sanctions": [], "appeal_form_keys": set()}
    sanction = decided(cc)
    appeals.file_appeal(
        sanction=sanction,
        actor=cc.secretary,
        kind=AppealKind.PARTY,
        received_on=TODAY,
        applied_on=TODAY,
        reason="本人认为处分过重，请求复查",
    )
    # The case and the reader's grants as the case file has read them already.
    leader = User.objects.get(pk=leader.pk)
    case = get_case_for_user(leader, sanction.case_id)
    sanctions = list(case.sanctions.all())
    # A reader with no step: the appeals, their reviewers and their clocks.
    with django_assert_num_queries(3):
        context = appeal_context(leader, case, sanctions=sanctions)
    [row] = context["appeal_sanctions"]
    assert [r.appeal.kind for r in row.appeals] == [AppealKind.PARTY]
    assert row.steps == [] and context["appeal_form_keys"] == set()
