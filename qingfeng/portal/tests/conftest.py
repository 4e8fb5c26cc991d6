from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from qingfeng.portal.tests.helpers import CLIENT_IP


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    """An easy challenge and a private media folder for each test."""
    settings.PORTAL_CHALLENGE_MAX_NUMBER = 50
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def public(db) -> Client:
    """An anonymous member of the public, from a recognisable address."""
    cache.clear()
    return Client(REMOTE_ADDR=CLIENT_IP)
