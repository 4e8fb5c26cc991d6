from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session

pytestmark = pytest.mark.django_db


def test_session_expiry_slides_at_most_once_a_minute(county, login, settings, monkeypatch):
    client = login("county_leader")
    client.get("/")
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date == first  # no write
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + settings.SESSION_REFRESH_SECONDS + 5)
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date > first  # slid forward


def test_idle_session_expires(county, login, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client = login("county_leader")
    client.get("/")
    Session.objects.update(expire_date="2000-01-01T00:00:00Z")
    assert client.get("/").status_code == 302
