from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    """Argon2 costs ~0.2 s per hash; the fixture county alone hashes seven passwords.
    Tests that assert the production hasher switch it back (test_user_pages.py)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
