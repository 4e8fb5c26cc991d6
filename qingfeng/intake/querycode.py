"""The reporter's 16-digit query code (DESIGN.md §1 module 2).

The code is shown once and never stored. The database keeps two derived values: a
*locator* — HMAC-SHA256 keyed with a secret held outside the database — that finds the
row by index, and a slow Argon2 hash that verifies the code. A database dump alone
therefore neither lists codes nor lets anyone test guesses without the key, and even
with the key each guess costs an Argon2 evaluation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

from qingfeng.settings import read_or_create_key

CODE_DIGITS = 16


def new_code() -> str:
    """A uniformly random 16-digit code (leading zeros allowed), about 53 bits."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def normalise(raw: str) -> str:
    """Digits only, so "1234 5678-9012 3456" typed from a receipt still matches."""
    return "".join(ch for ch in raw if ch.isdigit())


def is_well_formed(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isdigit()


def _key() -> bytes:
    return bytes.fromhex(read_or_create_key(settings.KEY_DIR / "query_code_key"))


def locator(code: str) -> str:
    return hmac.new(_key(), code.encode(), hashlib.sha256).hexdigest()


# Argon2 regardless of PASSWORD_HASHERS order (tests may put a fast hasher first).
_HASHER = Argon2PasswordHasher()


def slow_hash(code: str) -> str:
    return make_password(code, hasher=_HASHER)


def verify(code: str, stored_hash: str) -> bool:
    return bool(stored_hash) and check_password(code, stored_hash)


def grouped(code: str) -> str:
    """``1234 5678 9012 3456`` for display on the receipt."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
