from __future__ import annotations

import pytest
from django.db import connection

from qingfeng.audit.guard import suspend_guard_sql
from qingfeng.audit.models import Action, AuditEvent
from qingfeng.audit.services import record
from qingfeng.core.testing import SmallCounty


@pytest.fixture
def unguarded(db: None) -> None:
    """Lift the append-only triggers, as someone with DDL rights could. The DDL runs in
    the test's transaction and is rolled back with it on SQLite and PostgreSQL alike."""
    with connection.cursor() as cursor:
        for sql in suspend_guard_sql(connection.vendor):
            cursor.execute(sql)


@pytest.fixture
def chain(county: SmallCounty) -> list[AuditEvent]:
    """Six chained events spread over both townships, a station, the county and no org."""
    users = county.users
    orgs = [county.township_a, county.township_b, county.station_b1, None, county.county]
    events = [
        record(
            action=Action.UPDATE,
            actor=users["township_secretary"],
            # The org-less event is about no object (an object would lend it its org).
            obj=county.person_a if orgs[i % len(orgs)] is not None else None,
            org=orgs[i % len(orgs)],
            changes={"post": [f"旧职务{i}", f"新职务{i}"]},
            detail=f"第{i + 1}次修改",
        )
        for i in range(6)
    ]
    assert [e.org_id for e in events].count(None) == 1
    first = events[0].seq
    assert [e.seq for e in events] == list(range(first, first + 6))
    return events
