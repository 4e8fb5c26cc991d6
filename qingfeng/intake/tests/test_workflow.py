"""Registration and routing services: states, clocks, leads, scope of every step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qingfeng.cases.models import Lead
from qingfeng.intake import services
from qingfeng.intake.identity import Identity, unseal
from qingfeng.intake.models import (
    Channel,
    Clock,
    ClockKind,
    IdentityAccess,
    ReportClass,
    Status,
    Transition,
)
from qingfeng.intake.selectors import get_report_for_user, report_for_code, reports_visible_to
from qingfeng.orgs.models import Org


def make_input(**extra: Any) -> services.ReportInput:
    base: dict[str, Any] = dict(
        channel=Channel.LETTER,
        received_on=dt.date(2026, 2, 13),
        title="村支书优亲厚友",
        content="李庄村支书李建国把低保名额给了自己的亲戚。",
        subjects=[services.SubjectInput("李建国", "李庄村民委员会", "村党支部书记")],
    )
    base.update(extra)
    return services.ReportInput(**base)


def real_name(**extra) -> services.ReportInput:
    extra.setdefault("identity", Identity(name="张举报", id_number="", phone="13800000000"))
    return make_input(is_real_name=True, **extra)


@pytest.fixture
def officer(county):
    return county.users["petition_officer"]


def test_letter_before_spring_festival_gets_clocks_on_the_calendar(county, officer):
    reg = services.register_report(actor=officer, org=county.county, data=real_name())
    report = reg.report
    assert reg.query_code is None
    due = {c.kind: c.due_on for c in Clock.objects.filter(report=report)}
    # 2026-02-13 + 5 working days skips the Spring Festival holiday: 02-27 (a 调休 workday
    # counts); + 15 working days: 03-12.
    assert due == {
        ClockKind.ROUTE: dt.date(2026, 2, 27),
        ClockKind.ACCEPT_NOTICE: dt.date(2026, 3, 12),
    }
    assert unseal(report.identity_enc, report_number=report.number).name == "张举报"
    assert "张举报" not in report.identity_enc


@pytest.mark.parametrize(
    ("received", "route_due", "notice_due"),
    [
        # Spring Festival 2026: off 02-15..02-23; Saturday 02-28 is a 调休 workday.
        (dt.date(2026, 2, 13), dt.date(2026, 2, 27), dt.date(2026, 3, 12)),
        (dt.date(2026, 2, 12), dt.date(2026, 2, 26), dt.date(2026, 3, 11)),
        # National Day 2025: off 10-01..10-08; Saturday 10-11 is a 调休 workday.
        (dt.date(2025, 9, 30), dt.date(2025, 10, 14), dt.date(2025, 10, 28)),
        (dt.date(2025, 9, 29), dt.date(2025, 10, 13), dt.date(2025, 10, 27)),
    ],
)
def test_clocks_skip_holidays_and_count_swapped_workdays(
    county, officer, received, route_due, notice_due
):
    """5 and 15 working days (DOMAIN.md §2) from letters received just before a holiday."""
    report = services.register_report(
        actor=officer, org=county.county, data=real_name(received_on=received)
    ).report
    due = {c.kind: (c.due_on, c.provisional) for c in Clock.objects.filter(report=report)}
    assert due == {
        ClockKind.ROUTE: (route_due, False),
        ClockKind.ACCEPT_NOTICE: (notice_due, False),
    }


def test_result_feedback_clock_runs_15_working_days_from_closing(county, officer):
    from qingfeng.intake import clocks

    report = services.register_report(actor=officer, org=county.county, data=real_name()).report
    clock = clocks.start_clock(
        report=report,
        kind=ClockKind.RESULT_FEEDBACK,
        org=county.county,
        starts_on=dt.date(2025, 9, 30),
    )
    assert clock.due_on == dt.date(2025, 10, 28) and not clock.provisional


def test_classify_accept_assign_creates_lead_and_meets_route_clock(county, officer):
    report = services.register_report(actor=officer, org=county.county, data=make_input()).report
    with pytest.raises(ValidationError):
        services.accept(report=report, actor=officer)
    services.classify(report=report, klass=ReportClass.ACCUSATION, actor=officer)
    services.accept(report=report, actor=officer)
    services.assign(report=report, department=county.petition_dept, actor=officer)
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED
    lead = Lead.objects.get(report=report)
    assert lead.handling_dept == county.petition_dept
    assert list(lead.subjects.values_list("name", flat=True)) == ["李建国"]
    route = Clock.objects.get(report=report, kind=ClockKind.ROUTE)
    assert route.met_at is not None
    assert list(Transition.objects.filter(report=report).values_list("action", flat=True)) == [
        "register",
        "classify",
        "accept",
        "assign",
    ]


def test_forward_down_moves_report_and_starts_a_new_route_clock(county, officer):
    report = services.register_report(actor=officer, org=county.county, data=make_input()).report
    services.forward_down(
        report=report, target=county.township_a, reason="属于东坝镇管辖", actor=officer
    )
    report.refresh_from_db()
    assert report.org == county.township_a
    secretary = county.users["township_secretary"]
    other = county.users["other_officer"]
    assert get_report_for_user(secretary, report.pk) == report
    assert not reports_visible_to(other).filter(pk=report.pk).exists()
    open_route = Clock.objects.get(report=report, kind=ClockKind.ROUTE, met_at=None)
    assert open_route.org == county.township_a
    with pytest.raises(ValidationError):
        services.forward_down(
            report=report, target=county.township_b, reason="转错了再转", actor=secretary
        )


def test_township_officer_cannot_act_on_another_townships_report(county):
    secretary = county.users["township_secretary"]
    other = county.users["other_officer"]
    report = services.register_report(
        actor=secretary, org=county.township_a, data=make_input()
    ).report
    with pytest.raises(PermissionDenied):
        services.classify(report=report, klass=ReportClass.ACCUSATION, actor=other)
    with pytest.raises(PermissionDenied):
        services.register_report(actor=other, org=county.township_a, data=make_input())


def test_report_about_the_county_head_is_invisible_to_the_county(county, officer):
    reg = services.register_report(
        actor=officer, org=county.county, data=make_input(about_head=True)
    )
    report = reg.report
    assert report.status == Status.SENT_UP
    for persona in ("county_leader", "petition_officer", "township_secretary"):
        assert not reports_visible_to(county.users[persona]).filter(pk=report.pk).exists()


def test_report_about_a_township_head_goes_to_the_county(county):
    secretary = county.users["township_secretary"]
    report = services.register_report(
        actor=secretary, org=county.township_a, data=make_input(about_head=True)
    ).report
    assert report.org == county.county
    assert not reports_visible_to(secretary).filter(pk=report.pk).exists()
    assert reports_visible_to(county.users["petition_officer"]).filter(pk=report.pk).exists()
    assert reports_visible_to(county.users["county_leader"]).filter(pk=report.pk).exists()


def test_scope_tests_the_hidden_from_body_without_joining_it(county):
    """``body_scope_q`` tests the body a report is hidden from with a correlated EXISTS,
    never a join: PostgreSQL, expecting no hidden report, planned that join as a walk of
    the whole org table per report row (and a hashed subquery made it scan every search
    row instead of using the index)."""
    for persona in ("county_leader", "township_secretary", "other_officer"):
        sql = str(reports_visible_to(county.users[persona]).query)
        assert 'ON ("intake_report"."hidden_from_id"' not in sql, sql
        assert "EXISTS" in sql and '."id" = ("intake_report"."hidden_from_id")' in sql


def test_public_report_gets_a_query_code_stored_only_as_hashes(county):
    reg = services.register_report(
        actor=None,
        org=county.county,
        data=real_name(
            channel=Channel.WEB,
            identity=Identity(name="张举报", id_number="110101199003074514", phone="13800000000"),
        ),
    )
    code = reg.query_code
    assert code is not None and len(code) == 16
    report = reg.report
    assert code not in (report.query_locator or "") and code not in report.query_hash
    assert report_for_code(code) == report
    assert report_for_code(code[:-1] + str((int(code[-1]) + 1) % 10)) is None
    assert report_for_code("abc") is None


def test_bad_input_names_the_field_and_writes_nothing(county, officer):
    from qingfeng.intake.models import Report

    with pytest.raises(ValidationError) as exc:
        services.register_report(
            actor=officer,
            org=county.county,
            data=make_input(title="", content="坏\x00字符", subjects=[]),
        )
    errors = exc.value.message_dict
    assert set(errors) >= {"title", "content", "subjects"}
    assert "控制字符" in errors["content"][0]
    with pytest.raises(ValidationError) as exc:
        services.register_report(
            actor=None,
            org=county.county,
            data=real_name(
                channel=Channel.WEB,
                identity=Identity(name="张三", id_number="110101199003074515", phone="13800000000"),
            ),
        )
    assert "校验位" in exc.value.message_dict["reporter_id_number"][0]
    assert not Report.objects.exists()


def test_identity_view_is_logged_with_reason(county, officer):
    report = services.register_report(actor=officer, org=county.county, data=real_name()).report
    with pytest.raises(ValidationError):
        services.view_identity(report=report, actor=officer, reason="")
    identity = services.view_identity(report=report, actor=officer, reason="核实举报人联系方式")
    assert identity.phone == "13800000000"
    access = IdentityAccess.objects.get(report=report)
    assert access.viewer == officer and access.reason == "核实举报人联系方式"
    with pytest.raises(PermissionDenied):
        services.view_identity(
            report=report, actor=county.users["other_officer"], reason="无关人员查看"
        )


def test_repeat_is_linked_counted_and_drops_accept_notice(county, officer):
    first = services.register_report(actor=officer, org=county.county, data=real_name()).report
    second = services.register_report(actor=officer, org=county.county, data=real_name()).report
    services.mark_repeat(report=second, earlier=first, actor=officer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.repeat_of == first and first.repeat_count == 1
    assert not Clock.objects.filter(report=second, kind=ClockKind.ACCEPT_NOTICE).exists()


def test_send_up_from_township_reaches_county(county):
    secretary = county.users["township_secretary"]
    report = services.register_report(
        actor=secretary, org=county.township_a, data=make_input()
    ).report
    services.send_up(report=report, reason="属于县纪委管辖", actor=secretary)
    report.refresh_from_db()
    assert report.org == county.county and report.status == Status.REGISTERED
    assert isinstance(report.org, Org)
