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


def test_home_lists_staffing_gaps_for_the_secretary(county, login):
    from qingfeng.orgs.models import PostKind, StaffPost

    StaffPost.objects.create(org=county.township_a, kind=PostKind.OFFICER, quota=3)
    todos = login("township_secretary").get("/").context["todos"]
    gaps = [t for t in todos if t.title.startswith("人员配备缺配")]
    assert gaps and gaps[0].count >= 3
    other = login("other_officer").get("/").context["todos"]
    assert not [t for t in other if t.title.startswith("人员配备缺配")]
