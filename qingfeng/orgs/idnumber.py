"""Chinese resident identity numbers (公民身份号码, GB 11643-1999).

Eighteen characters: a six-digit address code, the birth date as ``YYYYMMDD``, a three-digit
sequence code whose last digit is odd for men and even for women, and a check character
computed by ISO 7064 MOD 11-2 (``0``–``9`` or ``X``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH = dt.date(1900, 1, 1)

_SHAPE = re.compile(r"^\d{17}[\dX]$")


@dataclass(frozen=True)
class IdNumberInfo:
    id_number: str
    birth_date: dt.date
    gender: str  # "M" or "F", as ``Gender`` in models.py


def normalize(raw: str) -> str:
    """Trim blanks (including full-width ones) and upper-case a trailing ``x``."""
    return raw.strip().replace("\u3000", "").replace(" ", "").upper()


def check_char(first17: str) -> str:
    """The GB 11643 check character for 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumberInfo:
    """Validate an 18-character resident ID and return its birth date and gender.

    Raises ``ValidationError`` with a Chinese message naming what is wrong: length, digits,
    the birth date inside the number, or the check character (GB 11643-1999 §5–§7).
    """
    value = normalize(raw)
    if not value:
        raise ValidationError("请填写身份证号", code="required")
    if len(value) != 18:
        raise ValidationError(f"身份证号应为18位（当前{len(value)}位）", code="length")
    if not _SHAPE.match(value):
        raise ValidationError("身份证号前17位应为数字，最后一位为数字或X", code="format")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError("身份证号中的出生日期无效", code="birth_date") from None
    today = today or timezone.localdate()
    if birth < EARLIEST_BIRTH or birth > today:
        raise ValidationError("身份证号中的出生日期无效", code="birth_date")
    if check_char(value[:17]) != value[17]:
        raise ValidationError("身份证号校验位错误", code="check_digit")
    gender = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumberInfo(id_number=value, birth_date=birth, gender=gender)
