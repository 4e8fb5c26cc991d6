"""Appeals API (DOMAIN.md §4 "Appeals", §5 留党察看): each endpoint tried by personas in and out
of scope, bad input answered 400 naming the field of the request body, the receiving body's
refusal 403, and a 复议复查 from application to the approved decision through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.cases import appeals
from qingfeng.cases.models import (
    Appeal,
    AppealKind,
    AppealStatus,
    CaseClockKind,
    ProbationResult,
    Sanction,
    SanctionStatus,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import effect_period
from qingfeng.cases.tests import case_flow as flow
from qingfeng.cases.tests.conftest import approve_all
from qingfeng.core.testing import make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REASON = "本人认为处分过重，请求复查"
DECISION = "经复查，原处分认定事实清楚，但情节较轻，变更为党内警告处分。"

# Personas who reach no 东坝镇 case with case.handle: every step answers 404.
NOT_HANDLERS = (
    "other_officer",
    "county_leader",
    "petition_officer",
    "informant",
    "auditor",
    "trial_a",
    "township_party",
)
# Of these, the readers of the case (case.view or case.review reaching it).
READERS = ("county_leader", "trial_a", "township_party")


@pytest.fixture
def cc(county) -> flow.CaseCounty:
    return flow.case_county(county)


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="qingfeng.accounts.backends.LockoutBackend")
    return client


def post(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(path, data or {}, content_type="application/json")


def ok(resp: Any, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, resp.json()
    body: dict[str, Any] = resp.json()
    return body


def bad(resp: Any, field: str, words: str = "") -> None:
    """400 with a Chinese message naming ``field`` of the request body."""
    assert resp.status_code == 400, resp.json()
    body = resp.json()
    assert body["field"] == field, body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body
    assert words in body["detail"], body


def decided(
    cc: flow.CaseCounty, outcome: str = Outcome.PARTY_SERIOUS_WARNING, **kw: Any
) -> Sanction:
    case = flow.review_done(cc, [outcome])
    # The county 监委 approves a 政务处分, the township Party committee a 留党察看.
    upper: dict[str, list[User]] = {
        Outcome.GOV_DEMERIT: [cc.users["county_leader"]],
        Outcome.PARTY_PROBATION: [cc.users["township_party"]],
    }
    signers = [cc.secretary, *upper.get(outcome, [])]
    approve_all(flow.decide(cc, case, [outcome], **kw), *signers)
    return case.sanctions.get(status=SanctionStatus.DECIDED)


def urls(sanction: Sanction, appeal_id: int = 0) -> dict[str, str]:
    base = f"/api/cases/{sanction.case_id}"
    return {
        "list": f"{base}/appeals",
        "file": f"{base}/sanctions/{sanction.pk}/appeals",
        "reviewers": f"{base}/appeals/{appeal_id}/reviewers",
        "decision": f"{base}/appeals/{appeal_id}/decision",
        "probation": f"{base}/sanctions/{sanction.pk}/probation",
    }


def appeal_in(**extra: Any) -> dict[str, Any]:
    return {
        "kind": AppealKind.PARTY,
        "received_on": TODAY.isoformat(),
        "applied_on": TODAY.isoformat(),
        "reason": REASON,
        **extra,
    }


def test_a_party_appeal_from_application_to_decision(cc):
    sanction = decided(cc)
    u = urls(sanction)
    secretary = as_user(cc.secretary)
    a = make_user("dongba_fy1", "严干事", cc.county.township_a, "township_officer")
    b = make_user("dongba_fy2", "金干事", cc.county.township_a, "township_officer")

    listed = ok(secretary.get(u["list"]))
    [item] = listed["items"]
    assert item["id"] == sanction.pk and item["appeals"] == []
    assert item["deciding_body"]["name"] == "东坝镇纪委"

    # Bad input: each answer names the field the client sent.
    bad(post(secretary, u["file"], appeal_in(kind="other")), "kind")
    bad(post(secretary, u["file"], appeal_in(kind=AppealKind.GOV_REVIEW)), "kind", "适用于政务处分")
    bad(post(secretary, u["file"], appeal_in(reason="")), "reason", "请填写申请理由")
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    bad(post(secretary, u["file"], appeal_in(received_on=future)), "received_on", "不能晚于今天")
    bad(post(secretary, u["file"], appeal_in(applied_on=None)), "applied_on", "请填写申请日期")
    assert post(secretary, u["file"], appeal_in(applied_on="2026-13-01")).status_code == 422
    assert not Appeal.objects.exists()

    body = ok(post(secretary, u["file"], appeal_in()), 201)
    clock = sanction.case.clocks.get(kind=CaseClockKind.APPEAL)
    assert (body["kind"], body["org"]["name"], body["status"]) == (
        AppealKind.PARTY,
        "东坝镇纪委",
        AppealStatus.REVIEWING,
    )
    assert body["due_on"] == clock.due_on.isoformat() and body["reviewers"] == []
    bad(post(secretary, u["file"], appeal_in()), "kind", "正在办理中")
    u = urls(sanction, body["id"])

    # Reviewers: an unknown user and one of another township read alike; the service names
    # those on the original case; at least two.
    other = cc.users["other_officer"]
    for ids in ([a.pk, 999_999], [a.pk, other.pk]):
        bad(post(secretary, u["reviewers"], {"reviewer_ids": ids}), "reviewer_ids", "第2位")
    bad(
        post(secretary, u["reviewers"], {"reviewer_ids": [a.pk, cc.officer.pk]}),
        "reviewer_ids",
        "参与过原案件办理",
    )
    bad(post(secretary, u["reviewers"], {"reviewer_ids": [a.pk]}), "reviewer_ids", "不得少于2人")
    body = ok(post(secretary, u["reviewers"], {"reviewer_ids": [b.pk, a.pk]}))
    assert [r["id"] for r in body["reviewers"]] == sorted([a.pk, b.pk])

    # The decision: a named reviewer's, never heavier.
    changed = {
        "outcome": "changed",
        "new_outcome": Outcome.PARTY_WARNING,
        "decision_text": DECISION,
    }
    assert post(secretary, u["decision"], changed).status_code == 403
    reviewer = as_user(a)
    bad(post(reviewer, u["decision"], {**changed, "outcome": "softer"}), "outcome")
    heavier = {**changed, "new_outcome": Outcome.PARTY_POST_REMOVAL}
    bad(post(reviewer, u["decision"], heavier), "new_outcome", "轻")
    approval = ok(post(reviewer, u["decision"], changed), 201)
    assert approval["matter"] == "appeal_decision" and approval["status"] == "pending"
    assert ok(secretary.get(u["list"]))["items"][0]["appeals"][0]["status"] == "pending"
    # No more decisions or reviewers while it is awaiting approval.
    bad(post(reviewer, u["decision"], changed), "status")

    # Signed through the approvals API: the sanction is replaced by the lighter one.
    signed = ok(
        post(
            secretary, f"/api/approvals/{approval['id']}/sign", {"approve": True, "comment": "同意"}
        )
    )
    assert signed["status"] == "approved"
    items = ok(secretary.get(u["list"]))["items"]
    assert [(i["outcome"]["code"], i["status"]) for i in items] == [
        (Outcome.PARTY_SERIOUS_WARNING, SanctionStatus.CHANGED),
        (Outcome.PARTY_WARNING, SanctionStatus.DECIDED),
    ]
    done = items[0]["appeals"][0]
    assert (done["status"], done["outcome"], done["new_outcome"]["code"]) == (
        AppealStatus.DECIDED,
        "changed",
        Outcome.PARTY_WARNING,
    )
    assert done["decided_on"] == TODAY.isoformat()


def test_personas_in_and_out_of_scope(cc):
    sanction = decided(cc)
    appeal = appeals.file_appeal(
        sanction=sanction,
        actor=cc.secretary,
        kind=AppealKind.PARTY,
        received_on=TODAY,
        applied_on=TODAY,
        reason=REASON,
    )
    u = urls(sanction, appeal.pk)
    steps = {
        "file": appeal_in(),
        "reviewers": {"reviewer_ids": [cc.secretary.pk, cc.users["township_officer_2"].pk]},
        "decision": {"outcome": "upheld", "new_outcome": "", "decision_text": DECISION},
        "probation": {
            "result": "restored",
            "decided_on": TODAY.isoformat(),
            "note": "恢复党员权利",
        },
    }
    for persona in NOT_HANDLERS:
        client = as_user(cc.users[persona])
        for name, data in steps.items():
            assert post(client, u[name], data).status_code == 404, (persona, name)
        expected = 200 if persona in READERS else 404
        assert client.get(u["list"]).status_code == expected, persona
    assert Client().get(u["list"]).status_code == 401
    # A sanction or appeal of another case answers 404 through this one.
    other = flow.filed_case(cc)
    secretary = as_user(cc.secretary)
    base = f"/api/cases/{other.pk}"
    assert (
        post(secretary, f"{base}/sanctions/{sanction.pk}/appeals", appeal_in()).status_code == 404
    )
    path = f"{base}/appeals/{appeal.pk}/reviewers"
    assert post(secretary, path, steps["reviewers"]).status_code == 404
    assert (
        post(secretary, f"{base}/appeals/{appeal.pk}/decision", steps["decision"]).status_code
        == 404
    )
    path = f"{base}/sanctions/{sanction.pk}/probation"
    assert post(secretary, path, steps["probation"]).status_code == 404
    assert ok(secretary.get(f"{base}/appeals")) == {"items": []}
    # Not a 留党察看.
    bad(post(secretary, u["probation"], steps["probation"]), "sanction", "留党察看")


def test_a_government_sanction_is_appealed_to_the_body_that_decided_it(cc):
    sanction = decided(cc, Outcome.GOV_DEMERIT)
    u = urls(sanction)
    review = appeal_in(kind=AppealKind.GOV_REVIEW)
    # The township handles the case, the county 监委 decided the sanction.
    resp = post(as_user(cc.secretary), u["file"], review)
    assert resp.status_code == 403 and "清河县纪委监委" in resp.json()["detail"]
    county = as_user(make_user("jcs_fs", "邹干部", cc.county.county, "supervision_officer"))
    bad(post(county, u["file"], appeal_in(kind=AppealKind.GOV_RECHECK)), "kind", "复审决定")
    body = ok(post(county, u["file"], review), 201)
    assert body["org"]["name"] == "清河县纪委监委"
    assert body["due_on"] == sanction.case.clocks.get(kind="appeal").due_on.isoformat()


def test_probation_term_through_the_api(cc):
    sanction = decided(cc, Outcome.PARTY_PROBATION, years=2)
    u = urls(sanction)
    secretary = as_user(cc.secretary)
    item = ok(secretary.get(u["list"]))["items"][0]
    assert item["probation_years"] == 2 and item["term_ends_on"] == str(sanction.term_ends_on)
    today = TODAY.isoformat()
    extend = {"result": "extended", "decided_on": today, "note": "未能认真改正错误"}
    # A two-year term cannot be extended: the answer names ``result``.
    bad(post(secretary, u["probation"], extend), "result", "一年期")
    restore = {"result": "restored", "decided_on": today, "note": "察看期间表现良好"}
    bad(post(secretary, u["probation"], restore), "decided_on", "期满后方可恢复党员权利")
    bad(post(secretary, u["probation"], {**restore, "result": "expelled"}), "result")
    bad(post(secretary, u["probation"], {**restore, "note": ""}), "note")
    decided_on = TODAY - dt.timedelta(days=800)
    period = effect_period(Outcome.PARTY_PROBATION, decided_on, probation_years=2)
    Sanction.objects.filter(pk=sanction.pk).update(
        decided_on=decided_on, term_ends_on=period.term_ends_on, effect_ends_on=period.ends_on
    )
    body = ok(post(secretary, u["probation"], restore))
    assert body["probation_result"] == ProbationResult.RESTORED
    assert body["probation_result_display"] == "恢复党员权利"
    bad(post(secretary, u["probation"], restore), "result", "已恢复党员权利")
