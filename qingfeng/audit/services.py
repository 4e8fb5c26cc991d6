"""Writing to the audit log."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from qingfeng.audit.chain import digest
from qingfeng.audit.models import Action, AuditEvent, AuditHead


def client_ip(request: HttpRequest | None) -> str:
    """The staff client's address (public reporters' addresses are never recorded)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def record(
    *,
    action: Action | str,
    actor: Any = None,
    obj: models.Model | None = None,
    org: Any = None,
    changes: dict[str, Any] | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to the hash chain (DESIGN.md §3: append-only, hash-chained).

    Runs inside the caller's transaction so that the change and its audit row commit
    together; the chain head row is locked so concurrent writers never fork the chain.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if org is None and obj is not None:
        org = getattr(obj, "org", None)
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        fields: dict[str, Any] = {
            "seq": head.seq + 1,
            "at": timezone.now(),
            "actor_id": actor.pk if actor is not None else None,
            "actor_name": (actor_name or (str(actor) if actor is not None else ""))[:150],
            "org_id": getattr(org, "pk", org),
            "action": str(action),
            "object_type": obj._meta.label_lower if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
            "object_repr": str(obj)[:200] if obj is not None else "",
            "changes": json_safe(changes or {}),
            "detail": detail[:500],
            "ip": client_ip(request),
        }
        prev = head.digest
        event = AuditEvent.objects.create(**fields, prev_digest=prev, digest=digest(prev, fields))
        head.seq = event.seq
        head.digest = event.digest
        head.save(update_fields=["seq", "digest"])
    return event


def json_safe(value: dict[str, Any]) -> dict[str, Any]:
    """``value`` as it will read back from the JSON column (dates → ISO text, tuples →
    lists, keys → strings), so the digest is computed over exactly what is stored."""
    result: dict[str, Any] = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Changed fields as ``{field: [before, after]}`` for an update event."""
    return {
        k: [before.get(k), after.get(k)]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }
