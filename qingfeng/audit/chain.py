"""Digest computation for the audit chain, shared by writer and verifier."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "org_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "detail",
    "ip",
)


def canonical(fields: dict[str, Any]) -> bytes:
    data = {k: fields[k] for k in CHAINED_FIELDS}
    at = data["at"]
    data["at"] = at.isoformat(timespec="microseconds") if hasattr(at, "isoformat") else at
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()


def digest(prev: str, fields: dict[str, Any]) -> str:
    key = settings.AUDIT_CHAIN_KEY.encode()
    return hmac.new(key, prev.encode() + canonical(fields), hashlib.sha256).hexdigest()
