"""Matching a reported person to the roster: exact, homophone, initials, fuzzy, unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingfeng.core.testing import id_number_with_check
from qingfeng.intake.matching import match_persons
from qingfeng.orgs.models import Gender, Person, PersonCategory, Unit, UnitKind


def add_person(county, name: str, unit: Unit, seq: int, **extra) -> Person:
    return Person.objects.create(
        name=name,
        gender=Gender.MALE,
        id_number=id_number_with_check(f"370102198001{seq:05d}"),
        birth_date=dt.date(1980, 1, 1),
        unit=unit,
        org=unit.org,
        category=PersonCategory.GRASSROOTS,
        **extra,
    )


@pytest.fixture
def roster(county):
    wangtun = Unit.objects.create(
        name="王屯村民委员会", code="U-A2", kind=UnitKind.VILLAGE, org=county.station_a2
    )
    return {
        "homophone": add_person(county, "黎建国", wangtun, 1),
        "near": add_person(county, "李建民", wangtun, 2),
        "other": add_person(county, "张伟", wangtun, 3),
        "initials": add_person(county, "刘建刚", county.unit_a, 4),
        "inactive": add_person(county, "李建国", wangtun, 5, is_active=False),
        "wangtun": wangtun,
    }


def names(matches) -> list[str]:
    return [m.person.name for m in matches]


def test_exact_name_first_with_reason(county, roster):
    officer = county.users["petition_officer"]
    matches = match_persons(officer, name="李建国")
    assert matches[0].person == county.person_a
    assert matches[0].score == 1.0 and matches[0].reasons == ["姓名相同"]
    assert roster["inactive"] in [m.person for m in matches]
    assert matches[0].score > next(m.score for m in matches if m.person == roster["inactive"])
    assert "张伟" not in names(matches)


def test_homophone_and_fuzzy(county, roster):
    officer = county.users["petition_officer"]
    matches = {m.person.pk: m for m in match_persons(officer, name="李建国")}
    assert matches[roster["homophone"].pk].reasons[0] == "姓名同音"
    assert matches[roster["near"].pk].reasons == ["姓名相近"]
    assert matches[roster["homophone"].pk].score > matches[roster["near"].pk].score


def test_initials_typed_by_the_officer(county, roster):
    officer = county.users["petition_officer"]
    matches = match_persons(officer, name="ljg")
    found = names(matches)
    assert "李建国" in found and "黎建国" in found and "刘建刚" in found
    assert "张伟" not in found and "李建民" not in found
    assert all("拼音首字母相同" in m.reasons for m in matches)
    full = match_persons(officer, name="LiJianGuo")
    assert full[0].reasons == ["拼音相同"] and full[0].person.name in ("李建国", "黎建国")


def test_unit_raises_the_score(county, roster):
    officer = county.users["petition_officer"]
    by_unit = match_persons(officer, name="李建国", unit="王屯村")
    inactive = next(m for m in by_unit if m.person == roster["inactive"])
    assert "单位相近" in inactive.reasons
    plain = next(m for m in match_persons(officer, name="李建国") if m.person == roster["inactive"])
    assert inactive.score > plain.score
    exact = match_persons(officer, name="李建国", unit="李庄村民委员会")
    assert exact[0].person == county.person_a and "单位相同" in exact[0].reasons


def test_scope_and_empty_input(county, roster):
    assert match_persons(county.users["township_secretary"], name="石秀英") == []
    assert names(match_persons(county.users["other_officer"], name="石秀英")) == ["石秀英"]
    assert match_persons(county.users["informant"], name="李建国") == []
    assert match_persons(county.users["auditor"], name="李建国") == []
    assert match_persons(county.users["petition_officer"], name="  ") == []
    assert match_persons(county.users["petition_officer"], name="xyz") == []
    assert len(match_persons(county.users["petition_officer"], name="ljg", limit=2)) == 2


def test_candidates_are_filtered_in_sql(county, roster):
    """The lookup never loads the roster: every query is bounded by a name prefix."""
    officer = county.users["petition_officer"]
    officer.grants.first()  # grants loaded outside the capture
    with CaptureQueriesContext(connection) as ctx:
        match_persons(officer, name="李建国", unit="王屯村")
        match_persons(officer, name="ljg")
    person_queries = [q["sql"] for q in ctx.captured_queries if "orgs_person" in q["sql"]]
    assert person_queries
    for sql in person_queries:
        assert "LIKE" in sql.upper() or '"name" = ' in sql
        assert "LIMIT" in sql.upper()
