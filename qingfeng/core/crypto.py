"""Field encryption with a key kept outside the database (DESIGN.md §3).

AES-256-GCM with a random 96-bit nonce; the stored form is ``v1:<base64(nonce|ct)>``.
The key file lives beside the other keys (``QINGFENG_KEY_DIR``), never in the database.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from qingfeng.settings import read_or_create_key

_PREFIX = "v1:"


@lru_cache(maxsize=1)
def _aead() -> AESGCM:
    key_hex = os.environ.get("QINGFENG_FIELD_KEY") or read_or_create_key(
        settings.KEY_DIR / "field_key"
    )
    return AESGCM(bytes.fromhex(key_hex))


def encrypt_text(plain: str, *, context: str) -> str:
    """Encrypt ``plain``; ``context`` (e.g. ``"user.totp"``) is bound as associated data."""
    nonce = os.urandom(12)
    ct = _aead().encrypt(nonce, plain.encode(), context.encode())
    return _PREFIX + base64.b64encode(nonce + ct).decode()


def decrypt_text(stored: str, *, context: str) -> str:
    """Reverse :func:`encrypt_text`; raises ``cryptography.exceptions.InvalidTag`` if altered."""
    if not stored.startswith(_PREFIX):
        raise ValueError("unknown ciphertext format")
    raw = base64.b64decode(stored[len(_PREFIX) :])
    return _aead().decrypt(raw[:12], raw[12:], context.encode()).decode()
