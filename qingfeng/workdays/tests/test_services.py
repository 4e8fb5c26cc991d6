"""Calendar writes: capability, validation, audit and the on_year_entered hooks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.workdays import services
from qingfeng.workdays.models import CalendarYear, DaySource, WorkDay
from qingfeng.workdays.seed import package_days, package_years, seed_years
from qingfeng.workdays.services import DayEntry, confirm_year, enter_year, set_day

D = dt.date


@pytest.fixture
def hook_calls(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(services, "on_year_entered", [calls.append])
    return calls


def test_seeded_2004_to_2026_every_day(db):
    assert list(package_years()) == list(range(2004, 2027))
    assert set(CalendarYear.objects.filter(complete=True).values_list("year", flat=True)) == set(
        range(2004, 2027)
    )
    assert WorkDay.objects.filter(date__year=2024).count() == 366
    assert WorkDay.objects.filter(date__year=2025).count() == 365
    assert WorkDay.objects.get(date=D(2025, 1, 28)).note == "春节"
    assert WorkDay.objects.get(date=D(2025, 1, 26)).note == "调休上班（春节）"
    assert WorkDay.objects.get(date=D(2025, 3, 1)).note == ""


def test_set_day_requires_capability(county):
    for persona in ("petition_officer", "county_leader", "township_secretary", "auditor"):
        with pytest.raises(PermissionDenied):
            set_day(actor=county.users[persona], day=D(2026, 5, 6), is_workday=False, note="x")
    assert WorkDay.objects.get(date=D(2026, 5, 6)).is_workday
    with pytest.raises(PermissionDenied):
        enter_year(actor=county.users["petition_officer"], year=2027)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_set_day_audited_and_fires_hooks(county, hook_calls, django_capture_on_commit_callbacks):
    admin = county.users["sysadmin"]
    with django_capture_on_commit_callbacks(execute=True):
        row = set_day(actor=admin, day=D(2026, 5, 6), is_workday=False, note=" 临时调整 ")
    assert (row.is_workday, row.note, row.source, row.updated_by) == (
        False,
        "临时调整",
        DaySource.MANUAL,
        admin,
    )
    event = AuditEvent.objects.get(object_type="workdays.workday", object_id="2026-05-06")
    assert event.action == Action.UPDATE
    assert event.actor == admin
    assert event.changes["is_workday"] == [True, False]
    assert event.changes["note"] == ["", "临时调整"]
    assert hook_calls == [2026]
    # Saving the same again changes nothing and writes no second event.
    set_day(actor=admin, day=D(2026, 5, 6), is_workday=False, note="临时调整")
    assert AuditEvent.objects.filter(object_id="2026-05-06").count() == 1


def test_set_day_on_missing_year_names_the_field(county):
    with pytest.raises(ValidationError) as exc:
        set_day(actor=county.users["sysadmin"], day=D(2027, 1, 1), is_workday=False, note="元旦")
    assert "day" in exc.value.message_dict
    assert not WorkDay.objects.filter(date__year=2027).exists()
    with pytest.raises(ValidationError) as exc:
        set_day(actor=county.users["sysadmin"], day=D(2026, 1, 1), is_workday=False, note="长" * 61)
    assert "note" in exc.value.message_dict


def test_enter_year(county, hook_calls, django_capture_on_commit_callbacks):
    admin = county.users["sysadmin"]
    rows = [
        DayEntry(D(2027, 1, 1), False, "元旦"),
        (D(2027, 2, 6), True, "调休上班（春节）"),
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        year = enter_year(actor=admin, year=2027, rows=rows)
    assert len(callbacks) == 1
    assert hook_calls == [2027]
    assert (year.complete, year.source, year.entered_by) == (True, DaySource.MANUAL, admin)
    assert WorkDay.objects.filter(date__year=2027).count() == 365
    assert not WorkDay.objects.get(date=D(2027, 1, 1)).is_workday  # Friday, holiday
    assert WorkDay.objects.get(date=D(2027, 2, 6)).is_workday  # Saturday, swapped
    assert not WorkDay.objects.get(date=D(2027, 2, 7)).is_workday  # Sunday by default
    assert WorkDay.objects.get(date=D(2027, 2, 8)).is_workday  # Monday by default
    event = AuditEvent.objects.get(object_type="workdays.calendaryear", object_id="2027")
    assert event.action == Action.CREATE
    assert event.changes["days"][0] == ["2027-01-01", False, "元旦"]

    with pytest.raises(ValidationError) as exc:
        enter_year(actor=admin, year=2027)
    assert "year" in exc.value.message_dict


def test_enter_year_rejects_days_of_another_year(county):
    with pytest.raises(ValidationError) as exc:
        enter_year(actor=county.users["sysadmin"], year=2027, rows=[(D(2028, 1, 1), False, "")])
    assert "rows" in exc.value.message_dict
    assert not CalendarYear.objects.filter(year=2027).exists()
    with pytest.raises(ValidationError):
        enter_year(actor=county.users["sysadmin"], year=1800)


def test_draft_then_confirm(county, hook_calls, django_capture_on_commit_callbacks):
    admin = county.users["sysadmin"]
    with django_capture_on_commit_callbacks(execute=True):
        enter_year(actor=admin, year=2027, complete=False)
        set_day(actor=admin, day=D(2027, 1, 1), is_workday=False, note="元旦")
    assert hook_calls == []  # a draft changes no final clock
    with django_capture_on_commit_callbacks(execute=True):
        confirm_year(actor=admin, year=2027)
    assert hook_calls == [2027]
    assert CalendarYear.objects.get(year=2027).complete
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="workdays.calendaryear", object_id="2027"
    ).exists()
    with pytest.raises(ValidationError):
        confirm_year(actor=admin, year=2027)
    with pytest.raises(ValidationError):
        confirm_year(actor=admin, year=2028)


def test_failing_hook_does_not_undo_the_entry(
    county, monkeypatch, django_capture_on_commit_callbacks
):
    calls: list[int] = []

    def broken(year: int) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "on_year_entered", [broken, calls.append])
    with django_capture_on_commit_callbacks(execute=True):
        enter_year(actor=county.users["sysadmin"], year=2027)
    assert calls == [2027]
    assert CalendarYear.objects.get(year=2027).complete


def test_reseeding_keeps_manual_edits(county):
    set_day(actor=county.users["sysadmin"], day=D(2026, 5, 6), is_workday=False, note="临时")
    WorkDay.objects.filter(date=D(2026, 1, 1)).update(is_workday=True, note="")  # damaged
    written = seed_years([2026])
    assert written == 1
    assert not WorkDay.objects.get(date=D(2026, 1, 1)).is_workday
    assert WorkDay.objects.get(date=D(2026, 1, 1)).note == "元旦"
    assert WorkDay.objects.get(date=D(2026, 5, 6)).note == "临时"
    assert len(package_days(2026)) == 365


def test_seed_calendar_command(db, capsys):
    call_command("seed_calendar", "--year", "2025")
    assert "2025年：写入 0 天" in capsys.readouterr().out
    with pytest.raises(CommandError, match="2027"):
        call_command("seed_calendar", "--year", "2027")
