"""Checks of free text typed by users, shared by every module's services.

DESIGN.md §3 "Nothing is lost": bad input gets a clear Chinese message naming the field.
Markup is kept as typed (templates escape it, so ``<script>`` shows as text); control and
bidirectional-override characters are refused, never silently dropped, and nothing is cut.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def clean_text(
    value: str | None,
    *,
    field_name: str,
    label: str,
    max_length: int,
    required: bool,
    min_length: int = 0,
) -> str:
    """Trim ``value``; refuse control characters, over-long, too short or (if required)
    empty text, naming ``field_name`` in the error."""
    value = (value or "").replace("\r\n", "\n").strip()
    if CONTROL_CHARS.search(value):
        raise ValidationError({field_name: f"{label}含有不可见的控制字符，请删除后重新填写"})
    if required and not value:
        raise ValidationError({field_name: f"请填写{label}"})
    if value and len(value) < min_length:
        raise ValidationError({field_name: f"{label}至少{min_length}个字"})
    if len(value) > max_length:
        raise ValidationError(
            {field_name: f"{label}不能超过{max_length}个字（当前{len(value)}个）"}
        )
    return value
