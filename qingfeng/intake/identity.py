"""The reporter's identity, encrypted at rest (DESIGN.md §3 "Reporter protection").

One AES-256-GCM blob per report holds every identifying field the reporter gave; the
report's number is bound as associated data, so a blob copied onto another report does
not decrypt. The key lives outside the database (``qingfeng.core.crypto``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from qingfeng.core.crypto import decrypt_text, encrypt_text


@dataclass(frozen=True)
class Identity:
    name: str = ""
    id_number: str = ""
    phone: str = ""
    unit: str = ""
    address: str = ""
    # 来访: the visitors besides the first, as the officer wrote them down.
    companions: str = ""

    def is_empty(self) -> bool:
        return not any(asdict(self).values())


def _context(report_number: str) -> str:
    return f"intake.report.identity:{report_number}"


def seal(identity: Identity, *, report_number: str) -> str:
    if identity.is_empty():
        return ""
    payload = json.dumps(asdict(identity), ensure_ascii=False, sort_keys=True)
    return encrypt_text(payload, context=_context(report_number))


def unseal(stored: str, *, report_number: str) -> Identity:
    if not stored:
        return Identity()
    data = json.loads(decrypt_text(stored, context=_context(report_number)))
    return Identity(**{k: str(v) for k, v in data.items() if k in Identity.__dataclass_fields__})
