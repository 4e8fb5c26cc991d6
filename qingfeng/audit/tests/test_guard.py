"""The database rejects UPDATE and DELETE of audit rows (migration 0003), on SQLite and
PostgreSQL, while Django's flush (transactional tests) still empties the table."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from qingfeng.audit.guard import guard_status
from qingfeng.audit.models import Action, AuditEvent, AuditHead
from qingfeng.audit.services import record
from qingfeng.audit.verify import verify_chain


def rejected(fn: object) -> str:
    """Run ``fn`` in a savepoint; return the database's refusal message."""
    with pytest.raises(DatabaseError) as exc, transaction.atomic():
        fn()  # type: ignore[operator]
    return str(exc.value)


def test_update_and_delete_rejected(chain: list[AuditEvent]) -> None:
    victim = chain[2]
    msg = rejected(lambda: AuditEvent.objects.filter(pk=victim.pk).update(detail="改"))
    assert "append-only" in msg
    assert "append-only" in rejected(lambda: AuditEvent.objects.filter(pk=victim.pk).delete())
    newest_first = AuditEvent.objects.order_by("-seq")[:2].values_list("pk", flat=True)
    assert "append-only" in rejected(
        lambda: AuditEvent.objects.filter(pk__in=list(newest_first)).delete()
    )
    table = connection.ops.quote_name("audit_auditevent")

    def raw_update() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET detail = 'x'")

    assert "append-only" in rejected(raw_update)
    assert AuditEvent.objects.get(pk=victim.pk).detail == victim.detail
    assert guard_status() is True
    assert verify_chain().ok


def test_emptying_the_whole_log(chain: list[AuditEvent]) -> None:
    """PostgreSQL refuses; SQLite must let a full ``DELETE FROM`` through (it is how Django
    flushes a SQLite database) and the verifier then reports the emptied log."""
    if connection.vendor == "postgresql":
        assert "append-only" in rejected(lambda: AuditEvent.objects.all().delete())
        assert AuditEvent.objects.count() == len(chain)
    else:
        AuditEvent.objects.all().delete()
        assert "记录全部缺失" in str(verify_chain().first_issue)


def test_oldest_row_deletable_on_sqlite_only(chain: list[AuditEvent]) -> None:
    oldest = AuditEvent.objects.filter(pk=chain[0].pk)
    if connection.vendor == "postgresql":
        assert "append-only" in rejected(lambda: oldest.delete())
        return
    oldest.delete()
    assert f"第{chain[0].seq}条记录缺失" in str(verify_chain().first_issue)


def test_head_cannot_move_backwards(chain: list[AuditEvent]) -> None:
    msg = rejected(lambda: AuditHead.objects.filter(pk=1).update(seq=chain[0].seq))
    assert "may not move backwards" in msg
    # Appending still moves it forward.
    assert record(action=Action.LOGOUT, actor_name="x").seq == chain[-1].seq + 1


def test_guard_lifted_is_reported(chain: list[AuditEvent], unguarded: None) -> None:
    assert guard_status() is False
    result = verify_chain()
    assert result.ok  # nothing was changed yet
    assert "只追加保护" in result.guard_note()


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_log(county: object) -> None:
    """Transactional tests (browser tests) flush the database after each test: on SQLite
    that is a row-by-row DELETE, which the guard must let through in seq order."""
    for i in range(5):
        record(action=Action.LOGIN_FAILED, actor_name=f"u{i}")
    assert AuditEvent.objects.count() == 5
    # The teardown flush of this test is the real check; do one now to see it pass.
    from django.core.management import call_command

    call_command("flush", verbosity=0, interactive=False)
    assert not AuditEvent.objects.exists()
