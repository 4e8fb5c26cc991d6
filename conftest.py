from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from qingfeng.conftest_paths import ARTIFACTS
from qingfeng.core.testing import SmallCounty, build_small_county


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Argon2 is the production hasher; tests hash many fixture passwords, so use a fast one.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    # Tests render pages without a collectstatic manifest (finders serve the files).
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path) -> None:
    """Uploaded evidence and issued documents go to a per-test folder, not var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def county(db) -> SmallCounty:
    # The cache table is not flushed between tests: start each from empty rate limits.
    cache.clear()
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


# --- Browser tests (Playwright driving Debian's Chromium) ---------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(request: pytest.FixtureRequest, live_server, monkeypatch: pytest.MonkeyPatch):
    """A headless Chromium page; saves a screenshot to test-artifacts/ when the test fails."""
    if CHROMIUM is None:
        if os.environ.get("QINGFENG_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (QINGFENG_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium not installed: browser tests skipped (set up by bin/test as root)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the test body still uses the ORM.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        pg = context.new_page()
        pg.set_default_timeout(15_000)
        yield pg
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"), full_page=True)
        context.close()
        browser.close()


@pytest.fixture
def live_county(transactional_db) -> SmallCounty:
    """The small county for browser tests (the live server needs committed rows)."""
    cache.clear()
    return build_small_county()
