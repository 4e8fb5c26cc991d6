"""JSON errors for the API: a Chinese message and the field at fault."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError

_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "bool_parsing": "必须是是/否",
    "bool_type": "必须是是/否",
    "string_type": "必须是文本",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "enum": "不在可选值之内",
    "literal_error": "不在可选值之内",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "json_invalid": "JSON 格式错误",
}


def pydantic_errors(errors: list[dict[str, Any]]) -> dict[str, Any]:
    items = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload")]
        field = ".".join(loc) or None
        message = _PYDANTIC_MESSAGES.get(str(err.get("type")), "格式不正确")
        items.append({"field": field, "message": message})
    first = items[0] if items else {"field": None, "message": "请求格式不正确"}
    label = f"{first['field']}：" if first["field"] else ""
    return {"detail": f"{label}{first['message']}", "field": first["field"], "errors": items}


def django_validation_errors(exc: DjangoValidationError) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            for msg in errs:
                items.append({"field": None if field == "__all__" else field, "message": msg})
    else:
        items = [{"field": None, "message": m} for m in exc.messages]
    first = items[0] if items else {"field": None, "message": "请求无效"}
    return {"detail": first["message"], "field": first["field"], "errors": items}
