"""审批流程与办案设置 pages: who may change them, validation on the form, and their effect on
the 呈批 and verifications that follow (existing ones keep what they started with)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from qingfeng.approvals import chains
from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import ApprovalStatus, ChainStep, Matter, StepState
from qingfeng.approvals.tests.builders import post_sign, propose, town_approval, town_lead
from qingfeng.audit.models import AuditEvent
from qingfeng.cases import handling
from qingfeng.cases.models import BodySettings, LeadClock, LeadClockKind, Way
from qingfeng.core.testing import make_org
from qingfeng.orgs.models import OrgKind
from qingfeng.workdays.clock import WorkCalendar

CHAINS = "/approvals/chains/"


def edit_url(org, matter: str = Matter.LEAD_DISPOSAL) -> str:
    return reverse("approvals:chain_edit", args=[org.pk, matter])


def settings_url(org) -> str:
    return reverse("approvals:body_settings", args=[org.pk])


def rows(*steps: tuple[str, str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for i, (role, relation, label) in enumerate(steps, start=1):
        data.update({f"step{i}_role": role, f"step{i}_relation": relation, f"step{i}_label": label})
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_leader", 200),
        ("sysadmin", 200),
        ("township_secretary", 404),
        ("township_officer", 404),
        ("other_officer", 404),
        ("dept_head", 404),
        ("petition_officer", 404),
        ("informant", 404),
        ("auditor", 404),
    ],
)
def test_pages_by_persona(login, county, persona, status):
    client = login(persona)
    assert reverse("approvals:chains") == CHAINS
    assert client.get(CHAINS).status_code == status
    assert client.get(f"{CHAINS}?org={county.township_a.pk}").status_code == status
    assert client.get(edit_url(county.township_a)).status_code == status
    response = client.post(
        edit_url(county.township_a), rows(("township_secretary", "self", "书记签批"))
    )
    assert response.status_code == (302 if status == 200 else 404)
    response = client.post(settings_url(county.township_a), {"settings-verification_months": "1"})
    assert response.status_code == (302 if status == 200 else 404)
    configured = ChainStep.objects.filter(org=county.township_a).exists()
    months = BodySettings.objects.filter(org=county.township_a, verification_months=1).exists()
    assert configured is months is (status == 200)


def test_anonymous_goes_to_login(client, county):
    for url in (CHAINS, edit_url(county.county)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_bodies_in_scope_only(login, county):
    other = make_org("邻县纪委监委", "C02", OrgKind.COUNTY)
    client = login("county_leader")
    page = client.get(CHAINS).content.decode()
    for name in ("清河县纪委监委", "东坝镇纪委", "西岭乡纪委"):
        assert f">{name}</option>" in page
    assert "邻县" not in page and "联络站" not in page and ">信访室<" not in page
    # The user's own body is chosen first.
    assert f'value="{county.county.pk}" selected' in page
    for bad in (other.pk, county.station_a1.pk, county.supervision_dept.pk, "x"):
        assert client.get(f"{CHAINS}?org={bad}").status_code == 404
    for org in (other, county.station_a1, county.supervision_dept):
        assert client.get(edit_url(org)).status_code == 404
        assert (
            client.post(settings_url(org), {"settings-verification_months": "1"}).status_code == 404
        )
    assert client.get(f"/approvals/chains/{county.county.pk}/no_such_matter/").status_code == 404


def test_every_matter_shows_its_chain_marked_default(login, county):
    client = login("county_leader")
    page = client.get(CHAINS).content.decode()
    fixed_by_law = {Matter.SANCTION_DECISION, Matter.JURISDICTION_MOVE}
    for matter in Matter:
        # A sanction decision goes to the body holding the power and a jurisdiction move to
        # the upper body: no chain to configure.
        shown = f'id="qf-chain-{matter.value}"' in page
        assert shown == (matter not in fixed_by_law)
        assert (edit_url(county.county, matter.value) in page) == shown
    row = page[page.index('id="qf-chain-lead_disposal"') :]
    row = row[: row.index("</tr>")]
    assert "默认" in row and "承办部门主要负责人" in row and "分管委领导" in row
    assert "室主任 · 承办部门" in row and "委领导 · 本机关" in row

    town = client.get(f"{CHAINS}?org={county.township_a.pk}").content.decode()
    assert (
        "东坝镇纪委 · 审批流程" in town and "纪委书记" in town and "乡镇纪委书记 · 本机关" in town
    )


def test_edit_form_is_filled_with_the_current_chain(login, county):
    page = login("county_leader").get(edit_url(county.county)).content.decode()
    assert 'name="step1_label" value="承办部门主要负责人"' in page
    assert 'name="step2_label" value="分管委领导"' in page
    assert '<option value="dept" selected>承办部门</option>' in page
    assert 'name="step3_label" maxlength="40" class="form-control" id="id_step3_label"' in page
    assert "默认" in page


def test_errors_are_kept_on_the_row_they_name(login, county):
    client = login("county_leader")
    response = client.post(
        edit_url(county.township_a),
        rows(("township_secretary", "self", "纪委书记"), ("", "dept", "")),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "第2步：请选择审批人角色" in page
    assert "第2步：乡镇（街道）纪（工）委没有承办部门" in page
    assert "第2步：请填写签批栏目" in page
    assert 'name="step1_label" value="纪委书记"' in page  # the input stays
    assert '<option value="dept" selected>承办部门</option>' in page
    assert not ChainStep.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "请至少填写一个审批步骤"),
        (
            {
                **rows(("township_secretary", "self", "纪委书记")),
                "step3_role": "county_leader",
                "step3_relation": "parent",
                "step3_label": "县纪委",
            },
            "请从第1步起连续填写审批步骤",
        ),
        (rows(("sysadmin", "self", "管理员")), "请从列表中选择"),
    ],
)
def test_form_level_errors(login, county, data, message):
    response = login("county_leader").post(edit_url(county.township_a), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ChainStep.objects.exists()


def test_new_chain_for_new_proposals_old_ones_keep_theirs(login, county):
    old = town_approval(county, name="旧呈批")
    client = login("county_leader")
    response = client.post(
        edit_url(county.township_a),
        rows(("township_secretary", "self", "纪委书记"), ("county_leader", "parent", "县纪委审核")),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CHAINS}?org={county.township_a.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "已保存“问题线索处置”的审批流程" in page
    row = page[page.index('id="qf-chain-lead_disposal"') :]
    row = row[: row.index("</tr>")]
    assert "县纪委审核" in row and "委领导 · 上级机关" in row and "默认" not in row
    assert AuditEvent.objects.filter(detail="审批流程：问题线索处置").exists()

    new = town_approval(county, name="新呈批")
    assert list(old.steps.values_list("label", flat=True)) == ["纪委书记"]
    assert [(s.label, s.org) for s in new.steps.order_by("order").select_related("org")] == [
        ("纪委书记", county.township_a),
        ("县纪委审核", county.county),
    ]

    secretary = login("township_secretary")
    assert post_sign(secretary, old, "approve", "同意").status_code == 302
    old.refresh_from_db()
    assert old.status == ApprovalStatus.APPROVED
    assert post_sign(secretary, new, "approve", "同意").status_code == 302
    new.refresh_from_db()
    assert new.status == ApprovalStatus.PENDING
    assert new.steps.get(order=2).state == StepState.WAITING
    assert new.number in client.get("/approvals/").content.decode()
    assert post_sign(client, new, "approve", "同意").status_code == 302
    new.refresh_from_db()
    assert new.status == ApprovalStatus.APPROVED


def test_restore_default(login, county):
    approvals.set_chain(
        org=county.township_a,
        matter=Matter.LEAD_DISPOSAL,
        steps=[chains.StepSpec("township_secretary", "self", "书记审定")],
        actor=county.users["county_leader"],
    )
    client = login("county_leader")
    page = client.get(edit_url(county.township_a)).content.decode()
    assert 'name="step1_label" value="书记审定"' in page and "已配置" in page
    response = client.post(edit_url(county.township_a), {"reset": "1"})
    assert response.status_code == 302
    assert not ChainStep.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "已恢复默认审批流程" in page
    assert list(town_approval(county).steps.values_list("label", flat=True)) == ["纪委书记"]


def test_body_settings_apply_to_new_verifications(login, county):
    officer, secretary = county.users["township_officer"], county.users["township_secretary"]
    client = login("county_leader")
    page = client.get(f"{CHAINS}?org={county.township_a.pk}").content.decode()
    assert 'id="qf-current-months">2个月' in page

    response = client.post(settings_url(county.township_a), {"settings-verification_months": "3"})
    assert response.status_code == 400
    assert "请从列表中选择" in response.content.decode()
    assert not BodySettings.objects.exists()

    response = client.post(settings_url(county.township_a), {"settings-verification_months": "1"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已保存东坝镇纪委的办案设置：初步核实时限1个月" in page
    assert 'id="qf-current-months">1个月' in page
    assert BodySettings.objects.get(org=county.township_a).verification_months == 1
    # Other bodies keep the default.
    other = client.get(f"{CHAINS}?org={county.township_b.pk}").content.decode()
    assert 'id="qf-current-months">2个月' in other

    lead = town_lead(county)
    approvals.sign(approval=propose(lead, officer, Way.VERIFICATION), actor=secretary, approve=True)
    today = timezone.localdate()
    verification = handling.start_verification(
        lead=lead, actor=officer, leader=officer, team=[], plan="调取相关材料", started_on=today
    )
    assert verification.months == 1
    clock = LeadClock.objects.get(lead=lead, kind=LeadClockKind.VERIFICATION)
    assert clock.due_on == WorkCalendar().deadline_months(today, 1).date
