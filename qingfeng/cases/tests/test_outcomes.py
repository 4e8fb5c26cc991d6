"""The outcome table and the four forms (DOMAIN.md §3, §6), checked against tables written here.

The expected forms below are copied from DOMAIN.md §6 by hand, not from ``FORM_OF``, so a
wrong entry in either place fails.
"""

from __future__ import annotations

import pytest

from qingfeng.cases.outcomes import (
    ENQUIRY_OUTCOMES,
    FORM_LABELS,
    FORM_OF,
    VERIFICATION_OUTCOMES,
    Outcome,
    form_of,
    form_of_person,
)

# DOMAIN.md §6, by the Chinese label each outcome carries.
EXPECTED_FORM_BY_LABEL: dict[str, int | None] = {
    # 1. 谈话提醒, 批评教育, 责令检查, 诫勉 (and 函询 closed as such)
    "谈话提醒": 1,
    "批评教育": 1,
    "责令检查": 1,
    "诫勉": 1,
    "采信了结": 1,
    # 2. 党纪 警告/严重警告; 政务 警告/记过/记大过; 组织调整 (停职检查, 调整职务, 责令辞职, 免职)
    "党内警告": 2,
    "党内严重警告": 2,
    "政务警告": 2,
    "记过": 2,
    "记大过": 2,
    "停职检查": 2,
    "调整职务": 2,
    "责令辞职": 2,
    "免职": 2,
    # 3. 撤销党内职务, 留党察看, 开除党籍; 政务 降级/撤职/开除; 降职
    "撤销党内职务": 3,
    "留党察看": 3,
    "开除党籍": 3,
    "降级": 3,
    "撤职": 3,
    "开除": 3,
    "降职": 3,
    # 4. suspected crimes transferred for prosecution
    "涉嫌犯罪移送审查起诉": 4,
    # Not a form: a lead's way onward, or closed without a finding.
    "再次谈话函询": None,
    "转初步核实": None,
    "拟立案": None,
    "予以了结": None,
    "暂存待查": None,
    "移送有关机关": None,
}


def test_form_table_is_total():
    assert set(FORM_OF) == set(Outcome)
    assert len(FORM_OF) == len(Outcome)
    assert all(form in (None, 1, 2, 3, 4) for form in FORM_OF.values())


def test_expected_table_names_every_outcome_once():
    labels = [str(o.label) for o in Outcome]
    assert len(labels) == len(set(labels))
    assert set(labels) == set(EXPECTED_FORM_BY_LABEL)


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_has_the_form_domain_gives(outcome):
    expected = EXPECTED_FORM_BY_LABEL[str(outcome.label)]
    assert FORM_OF[outcome] == expected
    assert form_of(outcome) == expected
    assert form_of(outcome.value) == expected


def test_every_form_has_a_label_and_members():
    assert FORM_LABELS == {1: "第一种形态", 2: "第二种形态", 3: "第三种形态", 4: "第四种形态"}
    for form in FORM_LABELS:
        assert any(f == form for f in FORM_OF.values())


def test_unknown_outcome_is_an_error():
    with pytest.raises(ValueError):
        form_of("warning")


@pytest.mark.parametrize(
    ("outcomes", "form"),
    [
        ([], None),
        ([Outcome.CLOSED], None),
        ([Outcome.CLOSED, Outcome.ON_HOLD], None),
        ([Outcome.TALK_REMINDER], 1),
        ([Outcome.CLOSED, Outcome.TALK_REMINDER], 1),
        # A Party sanction and a 政务处分 in one case: one 人次, the heavier form.
        ([Outcome.PARTY_WARNING, Outcome.GOV_DISMISSAL], 3),
        ([Outcome.GOV_DISMISSAL, Outcome.PARTY_WARNING], 3),
        ([Outcome.PARTY_SERIOUS_WARNING, Outcome.GOV_MAJOR_DEMERIT], 2),
        ([Outcome.ADMONISH, Outcome.ORG_REMOVAL], 2),
        ([Outcome.ORG_DEMOTION, Outcome.ORG_SUSPENSION], 3),
        ([Outcome.PARTY_EXPULSION, Outcome.GOV_EXPULSION, Outcome.PROSECUTION], 4),
        (["party_warning", "criticism"], 2),  # stored values
    ],
)
def test_form_of_person_takes_the_heaviest(outcomes, form):
    assert form_of_person(outcomes) == form
    assert form_of_person(iter(outcomes)) == form  # any iterable, consumed once


def test_enquiry_outcomes_match_domain():
    # DOMAIN.md §3 谈话函询: accepted and closed; 谈话提醒 / 批评教育 / 责令检查 / 诫勉;
    # or another 谈话函询 or a 初步核实.
    expected = {
        "采信了结",
        "谈话提醒",
        "批评教育",
        "责令检查",
        "诫勉",
        "再次谈话函询",
        "转初步核实",
    }
    assert {str(o.label) for o in ENQUIRY_OUTCOMES} == expected
    assert len(ENQUIRY_OUTCOMES) == len(expected)


def test_verification_outcomes_match_domain():
    # DOMAIN.md §3 初步核实: 拟立案, 予以了结, 谈话提醒, 暂存待查, or transfer.
    expected = {"拟立案", "予以了结", "谈话提醒", "暂存待查", "移送有关机关"}
    assert {str(o.label) for o in VERIFICATION_OUTCOMES} == expected
    assert len(VERIFICATION_OUTCOMES) == len(expected)


def test_leads_never_end_in_a_sanction():
    # Sanctions come only from a case (DOMAIN.md §4): no lead outcome is form 2, 3 or 4.
    for outcome in (*ENQUIRY_OUTCOMES, *VERIFICATION_OUTCOMES):
        assert FORM_OF[outcome] in (None, 1)
