from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_home_requires_login(client):
    resp = client.get("/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/")


def test_home_counts_follow_scope(county, login):
    secretary = login("township_secretary").get("/")
    assert secretary.status_code == 200
    counts = dict(secretary.context["counts"])
    assert counts["村（社区）联络站"] == 2  # 东坝镇's two stations, not 西岭乡's
    assert counts["监察对象"] == 1
    leader = dict(login("county_leader").get("/").context["counts"])
    assert leader["村（社区）联络站"] == 3
    assert leader["监察对象"] == 2


def test_security_headers(county, login):
    resp = login("county_leader").get("/")
    assert "default-src 'self'" in resp["Content-Security-Policy"]
    assert resp["X-Frame-Options"] == "DENY"
