"""Registering and editing a lead through the pages: every persona, bad input keeps the
form and writes nothing, departments follow the chosen body, the person lookup."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from qingfeng.approvals.models import Approval, ApprovalStatus
from qingfeng.approvals.services import MeetingInput
from qingfeng.audit.models import Action, AuditEvent
from qingfeng.cases import services
from qingfeng.cases.models import Lead, LeadSource, LeadStatus, LeadTransition, Way
from qingfeng.core.testing import make_org
from qingfeng.orgs.models import OrgKind

URL = reverse("cases:create")


def post_data(county: Any, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "org": county.township_a.pk,
        "source": LeadSource.INSPECTION,
        "subject_name": "李建国",
        "subject_unit": "李庄村民委员会",
        "subject_post": "村党支部书记",
        "person": "",
        "handling_dept": "",
        "summary": "巡察发现李建国在低保评定中优亲厚友",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sysadmin", 200),
        ("township_secretary", 200),
        ("township_officer", 200),
        ("other_officer", 200),
        ("dept_head", 200),
        ("county_leader", 403),
        ("petition_officer", 403),
        ("informant", 403),
        ("auditor", 403),
    ],
)
def test_create_page_by_persona(login, persona, status):
    assert login(persona).get(URL).status_code == status


def test_anonymous_is_sent_to_login(client, county):
    for resp in (client.get(URL), client.post(URL, post_data(county))):
        assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]
    assert not Lead.objects.exists()


def test_body_choices_are_the_users_bodies(login, county):
    form = login("township_officer").get(URL).context["form"]
    assert list(form.fields["org"].queryset) == [county.township_a]
    form = login("sysadmin").get(URL).context["form"]
    assert set(form.fields["org"].queryset) == {county.county, county.township_a, county.township_b}
    # A 室主任 holds lead.handle on a department only: nothing to register at.
    resp = login("dept_head").get(URL)
    assert 'id="qf-no-body"' in resp.content.decode()
    assert 'id="qf-lead-form"' not in resp.content.decode()


def test_register_redirects_with_a_message_and_audits(login, county):
    client = login("township_officer")
    resp = client.post(URL, post_data(county, person=county.person_a.pk), follow=True)
    lead = Lead.objects.get()
    assert resp.redirect_chain == [(reverse("cases:detail", args=[lead.pk]), 302)]
    html = resp.content.decode()
    assert f"已登记问题线索 {lead.number}" in html
    assert lead.org == county.township_a and lead.status == LeadStatus.PENDING
    assert lead.person == county.person_a and lead.source == LeadSource.INSPECTION
    assert lead.created_by == county.users["township_officer"]
    assert LeadTransition.objects.filter(lead=lead, action="register").exists()
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(lead.pk)).exists()


def test_departments_follow_the_chosen_body(login, county):
    client = login("sysadmin")
    # The body select reloads the department field (htmx GET with ?org=).
    resp = client.get(URL, {"org": county.county.pk})
    depts = list(resp.context["form"].fields["handling_dept"].queryset)
    assert county.supervision_dept in depts and county.petition_dept in depts
    assert 'id="qf-dept-field"' in resp.content.decode()
    resp = client.get(URL, {"org": county.township_a.pk})
    assert list(resp.context["form"].fields["handling_dept"].queryset) == []
    resp = client.post(
        URL,
        post_data(county, org=county.county.pk, handling_dept=county.supervision_dept.pk),
    )
    assert resp.status_code == 302
    assert Lead.objects.get().handling_dept == county.supervision_dept


def test_department_of_another_body_is_refused(login, county):
    other_dept = make_org("派驻第一纪检监察组", "C01-PZ1", OrgKind.DISPATCHED, county.township_b)
    resp = login("sysadmin").post(
        URL, post_data(county, org=county.county.pk, handling_dept=other_dept.pk)
    )
    assert resp.status_code == 400
    assert "承办部门：请从列表中选择" in resp.content.decode()
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"summary": ""}, "线索摘要：请填写线索摘要"),
        ({"subject_name": "   "}, "被反映人：请填写被反映人"),
        ({"subject_unit": "单" * 101}, "单位：单位不能超过100"),
        ({"source": LeadSource.REPORT}, "线索来源：请从列表中选择"),
        ({"source": ""}, "线索来源：请选择线索来源"),
        ({"summary": "含有\x07控制字符的摘要"}, "线索摘要含有不可见的控制字符"),
    ],
)
def test_bad_input_keeps_the_form_and_writes_nothing(login, county, extra, message):
    data = post_data(county, subject_post="村委会主任（保留）", **extra)
    resp = login("township_officer").post(URL, data)
    assert resp.status_code == 400
    html = resp.content.decode()
    assert message in html
    assert 'value="村委会主任（保留）"' in html
    assert not Lead.objects.exists()


def test_other_township_cannot_register_at_dongba(login, county):
    resp = login("other_officer").post(URL, post_data(county))
    assert resp.status_code == 400
    assert "管辖机关：请从列表中选择" in resp.content.decode()
    assert not Lead.objects.exists()


def test_person_out_of_scope_cannot_be_linked(login, county):
    resp = login("township_officer").post(URL, post_data(county, person=county.person_b.pk))
    assert resp.status_code == 400
    assert "所选监察对象不存在或不在您的管辖范围内" in resp.content.decode()
    assert "石秀英" not in resp.content.decode()
    assert not Lead.objects.exists()


def test_match_person_partial(login, county):
    client = login("township_officer")
    url = reverse("cases:match_person")
    resp = client.get(url, {"subject_name": "李建国", "subject_unit": "李庄村"})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert f'data-person="{county.person_a.pk}"' in html and "李庄村民委员会" in html
    # Out of scope persons are never offered.
    html = client.get(url, {"subject_name": "石秀英"}).content.decode()
    assert "石秀英" not in html and "未找到" in html
    assert "请先填写被反映人姓名" in client.get(url).content.decode()
    assert login("petition_officer").get(url, {"subject_name": "李建国"}).status_code == 403


def test_script_tags_in_the_form_render_as_text(login, county):
    resp = login("township_officer").post(
        URL, post_data(county, subject_name="<script>alert(1)</script>", summary="")
    )
    html = resp.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# -- edit -----------------------------------------------------------------------------------


def _lead(county: Any) -> Lead:
    return services.register_lead(
        actor=county.users["township_officer"],
        org=county.township_a,
        data=services.LeadInput(
            source=LeadSource.INSPECTION,
            summary="巡察发现李建国在低保评定中优亲厚友",
            subject_name="李建国",
            subject_unit="李庄村民委员会",
            subject_post="村党支部书记",
        ),
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("township_officer", 200),
        ("township_secretary", 200),
        ("sysadmin", 200),
        ("county_leader", 404),
        ("other_officer", 404),
        ("dept_head", 404),
        ("informant", 404),
        ("petition_officer", 404),
    ],
)
def test_edit_by_persona(login, county, persona, status):
    lead = _lead(county)
    url = reverse("cases:edit", args=[lead.pk])
    client = login(persona)
    assert client.get(url).status_code == status
    resp = client.post(url, {"subject_name": "李建设", "summary": "改过的摘要内容"})
    assert resp.status_code == (302 if status == 200 else status)
    lead.refresh_from_db()
    assert (lead.subject_name == "李建设") == (status == 200)


def test_edit_keeps_input_on_error_and_voids_a_pending_proposal(login, county):
    lead = _lead(county)
    approval = services.propose_disposal(
        lead=lead,
        actor=county.users["township_officer"],
        way=Way.CLOSE,
        proposal="反映问题不实，建议予以了结",
        meeting=MeetingInput("commission", timezone.localdate(), "孙书记、何干事", "同意了结"),
    )
    client = login("township_officer")
    url = reverse("cases:edit", args=[lead.pk])
    page = client.get(url).content.decode()
    assert 'id="qf-edit-voids"' in page and 'value="李建国"' in page
    resp = client.post(url, {"subject_name": "李建国", "summary": ""})
    assert resp.status_code == 400
    assert "线索摘要：请填写线索摘要" in resp.content.decode()
    assert 'value="李建国"' in resp.content.decode()
    resp = client.post(
        url, {"subject_name": "李建国", "summary": "补充：涉及两户低保"}, follow=True
    )
    assert "已保存线索" in resp.content.decode()
    approval.refresh_from_db()
    lead.refresh_from_db()
    assert approval.status == ApprovalStatus.VOID
    assert lead.status == LeadStatus.PENDING and lead.summary == "补充：涉及两户低保"
    assert Approval.objects.filter(lead=lead).count() == 1


def test_edit_refused_once_disposed(login, county):
    lead = _lead(county)
    Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.CLOSED)
    client = login("township_officer")
    resp = client.get(reverse("cases:edit", args=[lead.pk]), follow=True)
    assert "不能修改" in resp.content.decode()
    assert 'id="qf-lead-edit"' not in resp.content.decode()


def test_edit_shows_the_linked_person_and_can_unlink_it(login, county):
    lead = _lead(county)
    Lead.objects.filter(pk=lead.pk).update(person=county.person_a)
    client = login("township_officer")
    url = reverse("cases:edit", args=[lead.pk])
    page = client.get(url).content.decode()
    assert "已关联：李建国 · 李庄村民委员会" in page and "取消关联" in page
    resp = client.post(
        url,
        {"subject_name": "李建国", "summary": "巡察发现李建国在低保评定中优亲厚友", "person": ""},
    )
    assert resp.status_code == 302
    lead.refresh_from_db()
    assert lead.person is None
    assert lead.transitions.filter(action="edit").exists()


def test_edit_keeps_a_person_the_editor_may_not_see(login, county):
    lead = services.register_lead(
        actor=county.users["sysadmin"],
        org=county.county,
        data=services.LeadInput(
            source=LeadSource.SUPERVISION,
            summary="监督检查发现李建国在低保评定中优亲厚友",
            subject_name="李建国",
            person_id=county.person_a.pk,
            handling_dept_id=county.supervision_dept.pk,
        ),
    )
    client = login("dept_head")  # a 室主任 does not reach the village's persons
    url = reverse("cases:edit", args=[lead.pk])
    page = client.get(url).content.decode()
    assert "已关联的监察对象不在您的查看范围内" in page and "李庄村民委员会" not in page
    resp = client.post(
        url,
        {
            "subject_name": "李建国",
            "summary": "监督检查发现李建国在低保评定中优亲厚友，另涉及危房改造",
            "person": county.person_a.pk,
            "handling_dept": county.supervision_dept.pk,
        },
    )
    assert resp.status_code == 302
    lead.refresh_from_db()
    assert lead.person == county.person_a and "危房改造" in lead.summary
    # Linking someone else out of reach is still refused.
    resp = client.post(
        url,
        {
            "subject_name": "李建国",
            "summary": "监督检查发现李建国在低保评定中优亲厚友",
            "person": county.person_b.pk,
            "handling_dept": county.supervision_dept.pk,
        },
    )
    assert resp.status_code == 400
    assert "所选监察对象不存在或不在您的管辖范围内" in resp.content.decode()
