from __future__ import annotations

import pytest
from django.test import Client

from qingfeng.core.testing import SmallCounty, build_small_county


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Tests render pages without a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def county(db) -> SmallCounty:
    return build_small_county()


@pytest.fixture
def login(county: SmallCounty):
    """``login("township_secretary")`` → a Django test client signed in as that persona."""

    def _login(persona: str) -> Client:
        client = Client()
        client.force_login(
            county.users[persona], backend="qingfeng.accounts.backends.LockoutBackend"
        )
        return client

    return _login
