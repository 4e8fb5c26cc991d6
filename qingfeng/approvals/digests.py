"""The digest an approval binds: SHA-256 over the record's material state and the proposal.

DESIGN.md §3 "Approvals bind state". The state is what the approvers read when they
signed (the summary, the persons, the proposed way, …) — never bookkeeping such as the
status the approval itself moves — so a signature stays valid exactly as long as the
record reads the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def digest_of(state: Mapping[str, Any], payload: Mapping[str, Any]) -> str:
    text = canonical({"state": dict(state), "payload": dict(payload)})
    return hashlib.sha256(text.encode()).hexdigest()
