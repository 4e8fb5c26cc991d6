import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from qingfeng.core.testing import id_number_with_check
from qingfeng.orgs.idnumber import check_char, parse_id_number

TODAY = dt.date(2026, 1, 1)


def test_valid_male_number_gives_birth_date_and_gender():
    info = parse_id_number(id_number_with_check("11010519491231002"), today=TODAY)
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.gender == "F"  # 17th digit 2 is even
    info = parse_id_number(id_number_with_check("37010219700101001"), today=TODAY)
    assert info.gender == "M"


def test_known_public_example_with_x_check_char():
    # GB 11643-1999 worked example: 11010519491231002X.
    info = parse_id_number("11010519491231002x", today=TODAY)
    assert info.id_number == "11010519491231002X"


def test_blanks_are_trimmed():
    number = id_number_with_check("37010219700101001")
    assert parse_id_number(f" {number[:6]} {number[6:]}\u3000", today=TODAY).id_number == number


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写身份证号"),
        ("3701021970010100", "身份证号应为18位（当前16位）"),
        ("37010219700101001A", "身份证号前17位应为数字，最后一位为数字或X"),
        ("3701021970X101001X", "身份证号前17位应为数字，最后一位为数字或X"),
        (id_number_with_check("37010219700230001"), "身份证号中的出生日期无效"),
        (id_number_with_check("37010218891231001"), "身份证号中的出生日期无效"),
        (id_number_with_check("37010220300101001"), "身份证号中的出生日期无效"),
    ],
)
def test_invalid_numbers_are_named(raw, message):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(raw, today=TODAY)
    assert exc.value.messages == [message]


def test_wrong_check_digit():
    good = id_number_with_check("37010219700101001")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        parse_id_number(bad, today=TODAY)
    assert exc.value.messages == ["身份证号校验位错误"]


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY),
    st.from_regex(r"\A[1-6]\d{5}\Z"),
    st.from_regex(r"\A\d{3}\Z"),
)
def test_any_valid_number_round_trips(birth, area, seq):
    first17 = f"{area}{birth:%Y%m%d}{seq}"
    info = parse_id_number(first17 + check_char(first17), today=TODAY)
    assert info.birth_date == birth
    assert info.gender == ("M" if int(seq[-1]) % 2 else "F")
    # Every other check character is rejected.
    for wrong in "0123456789X".replace(check_char(first17), "")[:2]:
        with pytest.raises(ValidationError):
            parse_id_number(first17 + wrong, today=TODAY)
