"""Chinese full-text search: tokens, equality with a LIKE scan, scope, escaping, identity."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q

from qingfeng.intake import search, services
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel, Report, ReportSubject
from qingfeng.intake.repeat_eval import generate
from qingfeng.intake.selectors import reports_visible_to

QUERIES = (
    "低保", "吃喝", "王", "李", "村民", "补偿款", "宅基地", "福满楼", "低保 吃喝", "书记",
    "村会计", "好处费", "2019", "元", "工程款", "低保户", "东坝镇", "大操大办", "不存在的词",
    "纪委 调查", "款", "三层小楼", "李建国",
)  # fmt: skip


def like_ids(q: str) -> set[int]:
    """What a LIKE '%term%' scan over the indexed fields finds (AND across terms)."""
    qs = Report.objects.all()
    for term in q.split():
        qs = qs.filter(
            Q(title__contains=term)
            | Q(content__contains=term)
            | Q(pk__in=ReportSubject.objects.filter(
                Q(name__contains=term) | Q(unit_name__contains=term) | Q(post__contains=term)
            ).values("report_id"))
        )  # fmt: skip
    return set(qs.values_list("pk", flat=True))


@pytest.fixture
def corpus(county: Any) -> list[Report]:
    """A few hundred generated reports spread over both townships, indexed in bulk."""
    rng = random.Random(3)
    orgs = [county.county, county.township_a, county.township_b]
    items = generate(120, seed=11)
    reports = Report.objects.bulk_create(
        Report(
            number=f"T{i:05d}",
            org=(org := rng.choice(orgs)),
            origin_org=org,
            channel=Channel.LETTER,
            received_on=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300)),
            arrived_on=dt.date(2025, 1, 1),
            title=item.title,
            content=item.content,
        )
        for i, item in enumerate(items)
    )
    subjects = [
        ReportSubject(report=r, name=item.subject, unit_name="东坝镇李庄村", post="村会计")
        for r, item in zip(reports, items, strict=True)
    ]
    ReportSubject.objects.bulk_create(subjects)
    rows = [
        (r.pk, search.indexed_text(title=r.title, content=r.content, subjects=[(s.name, s.unit_name, s.post)]))  # noqa: E501
        for r, s in zip(reports, subjects, strict=True)
    ]  # fmt: skip
    assert search.bulk_index(connection, rows) == len(rows)
    return reports


def test_tokens_are_bigrams_and_characters_and_words() -> None:
    tokens = search.tokens_for("低保户 ABC-12，王")
    assert tokens.split() == ["低保", "保户", "abc", "12", "低", "保", "户", "王"]
    # Two CJK runs are separated so that no phrase spans them.
    assert "〇" in search.tokens_for("吃喝，喝酒").split()


def test_search_equals_like_scan(county: Any, corpus: list[Report]) -> None:
    admin = county.users["sysadmin"]
    assert len(corpus) > 300
    for q in QUERIES:
        page, total = search.search_reports(admin, q, limit=1000)
        expected = like_ids(q)
        assert {r.pk for r in page} == expected, q
        assert total == len(expected), q
    names = {r.subjects.first().name for r in corpus[:20]}  # type: ignore[union-attr]
    for name in names:
        page, total = search.search_reports(admin, name, limit=1000)
        assert {r.pk for r in page} == like_ids(name), name


def test_first_page_newest_first_with_total(county: Any, corpus: list[Report]) -> None:
    admin = county.users["sysadmin"]
    page, total = search.search_reports(admin, "村民", limit=20)
    assert total > 20 and len(page) == 20
    expected = list(
        Report.objects.filter(pk__in=like_ids("村民"))
        .order_by("-received_on", "-id")
        .values_list("pk", flat=True)
    )
    assert [r.pk for r in page] == expected[:20]
    second, total2 = search.search_reports(admin, "村民", limit=20, offset=20)
    assert total2 == total and [r.pk for r in second] == expected[20:40]


@pytest.mark.parametrize("persona", ["sysadmin", "township_secretary", "other_officer"])
def test_common_terms_are_counted_up_to_the_cap(
    county: Any, corpus: list[Report], persona: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the cap the total stops at it ("1000+") and the pages stay newest first, on
    both plans (whole tree: sysadmin; narrower scopes: the townships)."""
    user = county.users[persona]
    scope = set(reports_visible_to(user).values_list("pk", flat=True))
    expected = list(
        Report.objects.filter(pk__in=like_ids("村民") & scope)
        .order_by("-received_on", "-id")
        .values_list("pk", flat=True)
    )
    assert len(expected) > 12
    monkeypatch.setattr(search, "COUNT_CAP", 10)
    page = search.search_page(user, "村民", limit=4, offset=4)
    assert (page.total, page.has_more) == (10, True)
    assert [r.pk for r in page.rows] == expected[4:8]
    monkeypatch.setattr(search, "COUNT_CAP", len(expected))
    page = search.search_page(user, "村民", limit=50)
    assert (page.total, page.has_more) == (len(expected), False)
    assert [r.pk for r in page.rows] == expected[:50]


def test_scope_is_in_the_query(
    county: Any, corpus: list[Report], django_assert_max_num_queries: Any
) -> None:
    officer = county.users["other_officer"]  # 西岭乡 township officer
    with django_assert_max_num_queries(4):  # grants, count, page ids, page rows
        page, total = search.search_reports(officer, "村民", limit=1000)
    expected = like_ids("村民") & set(
        Report.objects.filter(org=county.township_b).values_list("pk", flat=True)
    )
    assert {r.pk for r in page} == expected and total == len(expected)
    for persona in ("informant", "auditor"):
        assert search.search_reports(county.users[persona], "村民") == ([], 0)


INJECTIONS = (
    '"', '低保"', '" OR "', "NEAR(低保 吃喝)", "*", "低*", "tokens:低保", "^低保", "a OR b",
    "'", "\\", "!", "&|", ":*", "低保' | '吃喝", "(", "-低保", "AND", "   ", "",
)  # fmt: skip


def test_user_input_cannot_inject_query_syntax(county: Any, corpus: list[Report]) -> None:
    admin = county.users["sysadmin"]
    for q in INJECTIONS:
        page, total = search.search_reports(admin, q, limit=1000)
        terms = [t for t in q.split() if search.query_parts(t)]
        if not terms:
            assert (page, total) == ([], 0), q
        else:
            # Punctuation is not indexed: each term is matched by its letters and characters.
            cleaned = " ".join("".join(c for c in t if c.isalnum()) for t in terms)
            assert {r.pk for r in page} == like_ids(cleaned), q
            assert total == len(page), q


def test_reindexing_replaces_the_row(county: Any) -> None:
    officer = county.users["petition_officer"]
    report = services.register_report(
        actor=officer,
        org=county.county,
        data=services.ReportInput(
            channel=Channel.LETTER,
            received_on=dt.date(2026, 3, 2),
            title="反映公款吃喝",
            content="某村支书用集体资金吃喝。",
            subjects=[services.SubjectInput("赵某某", "某村", "村党支部书记")],
        ),
    ).report
    search.index_report(report)
    search.index_report(report)
    assert search.search_reports(officer, "吃喝")[1] == 1
    search.unindex_report(report)
    assert search.search_reports(officer, "吃喝")[1] == 0


def test_reporter_identity_is_never_indexed(county: Any) -> None:
    officer = county.users["petition_officer"]
    services.register_report(
        actor=officer,
        org=county.county,
        data=services.ReportInput(
            channel=Channel.LETTER,
            received_on=dt.date(2026, 3, 2),
            title="反映低保问题",
            content="李庄村支书把低保名额给了亲戚。",
            subjects=[services.SubjectInput("李建国", "李庄村民委员会", "村党支部书记")],
            is_real_name=True,
            identity=Identity(name="欧阳举报", id_number="", phone="13912345678"),
        ),
    )
    assert search.search_reports(officer, "低保")[1] == 1
    assert search.search_reports(officer, "李建国")[1] == 1
    assert search.search_reports(officer, "欧阳")[1] == 0
    assert search.search_reports(officer, "13912345678")[1] == 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tokens::text FROM intake_report_search")
        else:
            # Contentless FTS5 keeps no text; its vocabulary is readable through fts5vocab.
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.qf_vocab "
                "USING fts5vocab(main, intake_report_fts, row)"
            )
            cursor.execute("SELECT term FROM temp.qf_vocab")
        dump = " ".join(str(row[0]) for row in cursor.fetchall())
    assert "低保" in dump
    for secret in ("欧阳", "阳举", "13912345678", "139"):
        assert secret not in dump
