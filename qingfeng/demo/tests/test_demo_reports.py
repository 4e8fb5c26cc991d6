"""Demo reports: the county's through the services, the province's in bulk, the bench."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from qingfeng.demo import texts
from qingfeng.intake import repeats, search
from qingfeng.intake.identity import unseal
from qingfeng.intake.models import Clock, ClockKind, Report, ReportSubject, Signature, Status
from qingfeng.workdays.clock import WorkCalendar

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fast_hashing(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path


def run_demo(*args: str) -> None:
    call_command("demo", *args, verbosity=0, stdout=StringIO())


@pytest.mark.django_db
def test_county_demo_reports_move_through_the_states(fast_hashing):
    run_demo("--reports", "120")
    reports = Report.objects.all()
    assert reports.count() == 120
    states = Counter(reports.values_list("status", flat=True))
    assert {Status.REGISTERED, Status.ASSIGNED, Status.FEEDBACK_GIVEN} <= set(states)
    assert states[Status.FEEDBACK_GIVEN] + states[Status.CLOSED] > states[Status.REGISTERED]
    today = timezone.localdate()
    assert reports.filter(received_on__lt=today - dt.timedelta(days=200)).exists()
    assert not reports.filter(received_on__gt=today).exists()
    # Subjects are real persons of the roster, with their unit and post.
    linked = ReportSubject.objects.filter(person__isnull=False).select_related("person__unit")
    assert linked.count() >= 100
    for s in linked:
        assert s.person is not None
        assert (s.name, s.unit_name, s.post) == (s.person.name, s.person.unit.name, s.person.post)
    # Clocks: deadlines on the calendar from the backdated days; met when routed.
    cal = WorkCalendar()
    for clock in Clock.objects.select_related("report"):
        assert clock.due_on == cal.add_working_days(clock.starts_on, clock.working_days).date
        if clock.kind == ClockKind.ROUTE and clock.report.status == Status.REGISTERED:
            continue
        if clock.kind == ClockKind.ACCEPT_NOTICE:
            assert clock.starts_on == clock.report.received_on
    for r in reports.filter(status=Status.FEEDBACK_GIVEN):
        assert r.closed_on is not None and r.feedback_on is not None
        assert r.received_on <= r.closed_on <= r.feedback_on <= today
    assert not Clock.objects.filter(
        kind=ClockKind.ROUTE, met_at=None, report__status=Status.ASSIGNED
    ).exists()
    # Real-name identities are sealed: no reporter's name anywhere in the report row.
    real = list(reports.filter(is_real_name=True))
    assert len(real) >= 20
    columns = [f.column for f in Report._meta.concrete_fields]
    with connection.cursor() as cursor:
        for r in real[:20]:
            identity = unseal(r.identity_enc, report_number=r.number)
            assert identity.name and identity.phone
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM intake_report WHERE id = %s",
                [r.pk],
            )
            row = cursor.fetchone()
            assert not any(identity.name in str(v) for v in row)
            assert not any(identity.phone in str(v) for v in row)


@pytest.mark.django_db
def test_tiny_province_reports_are_consistent(fast_hashing):
    run_demo("--scale", "tiny-province")
    reports = Report.objects.all()
    assert reports.count() == 800
    assert Counter(reports.values_list("is_real_name", flat=True))[True] > 150
    # Signatures are the band hashes of each report's text; search finds its subjects.
    sample = list(reports.order_by("pk").prefetch_related("subjects")[:30])
    for r in sample:
        stored = list(Signature.objects.filter(report=r).values_list("band", "hash"))
        subjects = list(r.subjects.all())
        expected_rows = repeats.signature_rows(
            title=r.title, content=r.content, subjects=[(s.name, s.unit_name) for s in subjects]
        )
        assert sorted(stored) == sorted(expected_rows) and stored
    assert Signature.objects.values("report").distinct().count() == reports.count()
    from qingfeng.accounts.models import User

    admin = User.objects.get(username="admin")
    subject = ReportSubject.objects.select_related("report").order_by("pk").first()
    assert subject is not None
    _rows, total = search.search_reports(admin, subject.name, limit=20)
    assert total >= 1
    expected = reports.filter(subjects__name=subject.name).count()
    assert total >= expected
    # Repeats link to an earlier first report and are counted there.
    repeated = reports.filter(status=Status.REPEAT)
    assert repeated.exists()
    for r in repeated[:20]:
        assert r.repeat_of_id is not None and r.repeat_of_id < r.pk
        assert r.repeat_of is not None and r.repeat_of.repeat_count >= 1
    # Every report has its routing clock; real-name ones their 受理告知 clock unless moved on.
    assert Clock.objects.filter(kind=ClockKind.ROUTE).values("report").distinct().count() == 800
    for r in reports.filter(is_real_name=True)[:50]:
        assert unseal(r.identity_enc, report_number=r.number).name


def _index_names() -> set[str]:
    tables = ["intake_report", "intake_reportsubject", "intake_clock", "intake_signature"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
                "('intake_report', 'intake_reportsubject', 'intake_clock', 'intake_signature')"
            )
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) "
                "UNION ALL SELECT conname FROM pg_constraint c JOIN pg_class t "
                "ON t.oid = c.conrelid WHERE t.relname = ANY(%s)",
                [tables, tables],
            )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_parallel_load_is_deterministic_and_rebuilds_indexes(fast_hashing, monkeypatch):
    """Worker processes and index rebuilding, at tiny size: the same rows as in-process."""
    from qingfeng.demo import bulk_reports

    monkeypatch.setattr(bulk_reports, "CHUNK", 150)
    monkeypatch.setattr(bulk_reports, "PARALLEL_FROM", 1)
    monkeypatch.setattr(bulk_reports, "REBUILD_FROM", 0)
    seen: dict[str, Any] = {}
    original = bulk_reports.write_reports

    def spy(**kwargs):
        seen.update(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(bulk_reports, "write_reports", spy)
    before = _index_names()
    run_demo("--scale", "tiny-province", "--reports", "500")
    assert _index_names() == before  # dropped for the load, then created again
    assert Report.objects.count() == 500
    assert Signature.objects.values("report").distinct().count() == 500
    numbers = list(Report.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 500 and all(numbers)
    # The same chunks from two forked workers and from this process.
    factory = bulk_reports.ReportFactory(seen["plan"], timezone.localdate())
    specs = [(i, 10_000 + 150 * i, 150) for i in range(4)]
    forked = list(bulk_reports.make_chunks(factory, 5, specs, 2))
    local = list(bulk_reports.make_chunks(factory, 5, specs, 0))
    assert forked == local
    assert [c.index for c in forked] == [0, 1, 2, 3]
    assert all(c.signatures and c.tokens and c.identities for c in forked)


def test_texts_are_deterministic_and_near_copies_stay_similar():
    subject = texts.Subject("王建国", "李庄村民委员会", "村党支部书记", "东坝镇李庄村")
    today = dt.date(2026, 11, 23)
    a = texts.compose(random.Random(3), subject, today)
    assert a == texts.compose(random.Random(3), subject, today)
    assert "王建国" in a.content and 250 <= len(a.content) <= 500
    rng = random.Random(4)
    copy = texts.near_copy(rng, a.content)
    sim = repeats.similarity(repeats.shingles(a.content), repeats.shingles(copy))
    assert sim > 0.6


@pytest.mark.django_db
def test_bench_reports_runs_on_tiny_data(fast_hashing):
    run_demo("--scale", "tiny-province", "--reports", "200")
    out = StringIO()
    call_command("bench", suite="reports", runs=2, warmup=0, eval_bases=30, verbosity=0, stdout=out)
    text = out.getvalue()
    assert "信访举报 200" in text
    for label in ("网上举报提交", "全文检索", "重复件查找", "信访件列表", "下限", "召回率"):
        assert label in text
    assert "返回 HTTP" not in text
    assert Report.objects.count() == 200  # the measured submissions were rolled back
