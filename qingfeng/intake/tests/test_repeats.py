"""Repeat detection: band hashes, proposals on registration, chains, and the labelled set."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from qingfeng.intake import repeat_eval, repeats, services
from qingfeng.intake.models import Channel, RepeatCandidate, RepeatStatus, Report, Signature

BASE = (
    "我是李庄村村民，现反映我村村党支部书记李建国的问题。李建国利用职务便利，把低保名额优先给了"
    "自己的亲戚王秀英和张建华。王秀英家里有楼房、有小轿车，儿子在城里上班，根本不符合低保条件。"
    "真正困难的刘桂兰老两口多次申请，李建国一直以名额不够为由推脱。2024年村里评低保没有开村民"
    "代表会议，也没有张榜公示。据了解，李建国还向申请低保的群众每户收取2000元“好处费”。"
    "恳请上级纪委派人调查核实，还群众一个公道。"
)
EDITED = (
    "尊敬的纪委领导：您好！我是李庄村村民，现反映我村村党支部书记李建国的问题. 李建国利用职务"
    "便利把低保名额优先给了自己的亲戚王秀英和张建华。真正困难的刘桂兰老两口多次申请，李建国"
    "一直以名额不够为由推脱。王秀英家里有楼房、有小轿车，儿子在城里上班，根本不符合低保条件。"
    "2024年村里评低保没有开村民代表会议，也没有张榜公示。据了解，李建国还向申请低保的群众"
    "每户收取两千元“好处费”。恳请上级纪委派人调查核实，还群众一个公道！"
)
DISTINCT = (
    "我是李庄村村民，现反映我村村党支部书记李建国的问题。李建国经常用村集体的钱在镇上的福满楼"
    "大吃大喝，一年花费三万元以上。吃喝的发票以办公用品、接待费的名义在村账上报销。村务公开栏"
    "上的招待费一年比一年高，群众问起来，李建国说是上面来检查。恳请上级纪委派人调查核实。"
)


def register(county: Any, content: str, *, name: str = "李建国", person: bool = True) -> Report:
    person_id = county.person_a.pk if person and name == "李建国" else None
    return services.register_report(
        actor=county.users["petition_officer"],
        org=county.county,
        data=services.ReportInput(
            channel=Channel.LETTER,
            received_on=dt.date(2026, 3, 2),
            title="反映村支书问题",
            content=content,
            subjects=[services.SubjectInput(name, "李庄村民委员会", "村党支部书记", person_id)],
        ),
    ).report


def test_band_hashes_are_signed_64_bit_and_fixed() -> None:
    hashes = repeats.band_hashes(BASE, "n:李建国")
    assert len(hashes) == repeats.BANDS
    assert all(-(2**63) <= h < 2**63 for h in hashes)
    assert repeats.band_hashes("", "n:李建国") == []
    assert len(repeats.band_hashes("王", "n:王")) == repeats.BANDS
    # Punctuation, spaces and full-width forms do not change the signature; the person does.
    assert repeats.band_hashes("低保，名额 给了ＡＢＣ", "n:王") == repeats.band_hashes(
        "低保名额给了abc", "n:王"
    )
    assert set(hashes).isdisjoint(repeats.band_hashes(BASE, "n:王小明"))
    rows = repeats.signature_rows(
        title="t", content=BASE, subjects=[("李建国", "李庄村"), (" 李建国 ", "")]
    )
    assert len(rows) == repeats.BANDS  # one key per distinct normalised name
    # A subject given without a name is filed under its unit's name.
    unit_rows = repeats.signature_rows(title="t", content=BASE, subjects=[("", "李庄村民委员会")])
    assert len(unit_rows) == repeats.BANDS and set(unit_rows).isdisjoint(rows)
    assert repeats.subject_key("", " 李庄村 ") == "u:李庄村"
    assert repeats.subject_key("李 建国", "李庄村") == "n:李建国"
    # Fixed values: the same in every process and after any upgrade, or the stored
    # signatures would stop matching new ones.
    assert hashes[:2] == [-2045714868186829053, -4276564390560992302]


def test_edited_copy_is_proposed_and_distinct_report_is_not(county: Any) -> None:
    base = register(county, BASE)
    # One key per subject (the name); the roster link needs no band rows of its own.
    assert Signature.objects.filter(report=base).count() == repeats.BANDS
    assert not RepeatCandidate.objects.filter(report=base).exists()
    copy = register(county, EDITED)
    [candidate] = RepeatCandidate.objects.filter(report=copy)
    assert candidate.earlier_id == base.pk
    assert candidate.status == RepeatStatus.PROPOSED
    assert 0.5 <= candidate.score <= 1.0
    other = register(county, DISTINCT)
    assert not RepeatCandidate.objects.filter(report=other).exists()


def test_same_text_about_another_person_is_not_a_repeat(county: Any) -> None:
    register(county, BASE)
    stranger = register(county, BASE, name="王小明")
    assert not RepeatCandidate.objects.filter(report=stranger).exists()


def test_same_name_without_roster_link_still_matches(county: Any) -> None:
    base = register(county, BASE, person=False)
    copy = register(county, EDITED)
    assert [c.earlier_id for c in RepeatCandidate.objects.filter(report=copy)] == [base.pk]


def test_candidates_link_to_the_first_report_of_the_chain(county: Any) -> None:
    officer = county.users["petition_officer"]
    base = register(county, BASE)
    copy = register(county, EDITED)
    services.mark_repeat(report=copy, earlier=base, actor=officer)
    third = register(county, EDITED + "请尽快处理。")
    assert [c.earlier_id for c in RepeatCandidate.objects.filter(report=third)] == [base.pk]
    # propose is re-callable: nothing is proposed twice.
    assert repeats.propose(third) == []
    assert RepeatCandidate.objects.filter(report=third).count() == 1


def test_lookup_reads_only(county: Any, django_assert_max_num_queries: Any) -> None:
    base = register(county, BASE)
    before = RepeatCandidate.objects.count()
    with django_assert_max_num_queries(2):  # band rows, then candidates' text
        found = repeats.lookup(EDITED, ["李建国"])
    assert [pk for pk, _ in found] == [base.pk]
    assert repeats.lookup(EDITED, ["王小明"]) == []
    assert repeats.lookup(DISTINCT, ["李建国"]) == []
    assert RepeatCandidate.objects.count() == before


def test_labelled_set_meets_recall_and_precision() -> None:
    started = time.perf_counter()
    metrics = repeat_eval.evaluate(150, seed=20260301)
    assert time.perf_counter() - started < 10
    assert metrics.true_pairs > 200
    assert metrics.recall >= 0.95, metrics
    assert metrics.precision >= 0.90, metrics


def test_generator_is_deterministic() -> None:
    a = repeat_eval.generate(5, seed=1)
    assert a == repeat_eval.generate(5, seed=1)
    assert a != repeat_eval.generate(5, seed=2)
    assert all(150 <= len(item.content) <= 700 for item in a)


@pytest.mark.parametrize("name", ["", "   "])
def test_no_name_no_signature(name: str) -> None:
    assert repeats.signature_rows(title="", content=BASE, subjects=[(name, " ")]) == []


def test_same_roster_person_under_another_name_is_proposed(county: Any) -> None:
    """The roster link finds a repeat even when the name was written differently."""
    base = register(county, BASE)
    copy = register(county, EDITED, name="李建囯", person=False)
    assert not RepeatCandidate.objects.filter(report=copy).exists()  # no link, other name
    linked = services.register_report(
        actor=county.users["petition_officer"],
        org=county.county,
        data=services.ReportInput(
            channel=Channel.LETTER,
            received_on=dt.date(2026, 3, 2),
            title="反映村支书问题",
            content=EDITED,
            subjects=[
                services.SubjectInput("李 建 国（村支书）", "李庄村", "书记", county.person_a.pk)
            ],
        ),
    ).report
    assert [c.earlier_id for c in RepeatCandidate.objects.filter(report=linked)] == [base.pk]


def test_subject_without_name_is_matched_by_unit(county: Any) -> None:
    base = register(county, BASE, name="", person=False)
    copy = register(county, EDITED, name="", person=False)
    assert [c.earlier_id for c in RepeatCandidate.objects.filter(report=copy)] == [base.pk]
    assert repeats.lookup(EDITED, [""], ["李庄村民委员会"])
