"""How audit events read to a person: object-type names, field labels, change tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from qingfeng.audit.models import AuditEvent

EMPTY = "—"


@cache
def object_type_choices() -> list[tuple[str, str]]:
    """Every model of the project, as ``(app_label.model, Chinese name)``."""
    choices = [
        (m._meta.label_lower, f"{m._meta.verbose_name}")
        for m in apps.get_models()
        if m.__module__.startswith("qingfeng.")
    ]
    return sorted(choices, key=lambda c: c[0])


def object_type_label(object_type: str) -> str:
    if not object_type:
        return ""
    return dict(object_type_choices()).get(object_type, object_type)


def field_label(object_type: str, name: str) -> str:
    """The field's verbose name when the model and field still exist, else its name."""
    try:
        model = apps.get_model(object_type)
        return str(model._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return name


def format_value(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class ChangeRow:
    field: str
    label: str
    before: str
    after: str


def change_rows(event: AuditEvent) -> list[ChangeRow]:
    """The event's ``changes`` as before/after rows.

    Services write three shapes: ``{"after": {...}}`` for a creation, ``{"before": {...}}``
    for a deletion, and ``{field: [before, after]}`` (``services.diff``) for an update;
    anything else is shown as the value recorded.
    """
    changes = event.changes if isinstance(event.changes, dict) else {"": event.changes}
    rows: list[ChangeRow] = []
    snapshot = set(changes) <= {"before", "after"}
    if changes and snapshot and all(isinstance(v, dict) for v in changes.values()):
        before = changes.get("before") or {}
        after = changes.get("after") or {}
        for name in sorted(set(before) | set(after)):
            rows.append(
                ChangeRow(
                    name,
                    field_label(event.object_type, name),
                    format_value(before.get(name)) if "before" in changes else EMPTY,
                    format_value(after.get(name)) if "after" in changes else EMPTY,
                )
            )
        return rows
    for name, value in changes.items():
        label = field_label(event.object_type, name)
        if isinstance(value, list) and len(value) == 2:
            rows.append(ChangeRow(name, label, format_value(value[0]), format_value(value[1])))
        else:
            rows.append(ChangeRow(name, label, EMPTY, format_value(value)))
    return rows


def summarize_changes(event: AuditEvent, limit: int = 3) -> str:
    """A one-line digest of the changes for the list page and the export."""
    rows = change_rows(event)
    parts = [
        f"{r.label}：{r.before}→{r.after}" if r.before != EMPTY else f"{r.label}：{r.after}"
        for r in rows[:limit]
    ]
    if len(rows) > limit:
        parts.append(f"等{len(rows)}项")
    return "；".join(parts)
