"""verify_audit: a clean chain passes; every kind of tampering is named by seq and id."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qingfeng.accounts.models import User
from qingfeng.audit.chain import CHAINED_FIELDS
from qingfeng.audit.models import Action, AuditEvent, AuditHead
from qingfeng.audit.services import record
from qingfeng.audit.verify import verify_chain
from qingfeng.core.testing import SmallCounty


def run_verify(**options: object) -> str:
    """Run the command; return its output, failing the test if it did not fail."""
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit", stdout=out, **options)
    return out.getvalue() + "\n" + str(exc.value)


def table() -> str:
    return connection.ops.quote_name(AuditEvent._meta.db_table)


def test_clean_chain_passes(chain: list[AuditEvent]) -> None:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    text = out.getvalue()
    assert "审计日志链校验通过" in text
    assert "Audit chain OK" in text
    assert f"{len(chain)} rows" in text
    result = verify_chain()
    assert result.ok and result.checked == len(chain)
    assert result.guard is True  # the triggers are installed by the migration


def test_empty_log_passes(db: None) -> None:
    assert verify_chain().ok


def test_progress_printed_in_batches(chain: list[AuditEvent]) -> None:
    out = StringIO()
    call_command("verify_audit", stdout=out, batch_size=2, progress_every=2)
    text = out.getvalue()
    assert "已校验 2 条" in text and "已校验 6 条" in text
    assert "checked 4 rows" in text


def test_rows_appended_during_the_walk_are_not_errors(chain: list[AuditEvent]) -> None:
    """The log stays live while it is verified: new rows are left for the next run."""
    appended: list[AuditEvent] = []

    def append_while_walking(checked: int, seq: int) -> None:
        appended.append(record(action=Action.LOGIN_FAILED, actor_name=f"late{checked}"))

    result = verify_chain(batch_size=2, progress=append_while_walking, progress_every=2)
    assert len(appended) == 3
    assert result.ok, result.issues
    assert result.checked == len(chain)
    assert verify_chain().checked == len(chain) + 3


def test_edited_field_by_queryset_update(chain: list[AuditEvent], unguarded: None) -> None:
    victim = chain[2]
    AuditEvent.objects.filter(pk=victim.pk).update(detail="无事发生")
    text = run_verify()
    assert f"第{victim.seq}条记录内容被篡改（id={victim.pk}" in text
    assert f"row seq={victim.seq} (id={victim.pk}): content tampered" in text
    # Only that row: its neighbours still link to its stored digest.
    result = verify_chain()
    assert [(i.kind, i.seq, i.event_id) for i in result.issues] == [
        ("tampered", victim.seq, victim.pk)
    ]


def test_edited_field_by_raw_sql(chain: list[AuditEvent], unguarded: None) -> None:
    victim = chain[4]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table()} SET actor_name = %s WHERE id = %s",
            ["别人", victim.pk],
        )
    assert f"第{victim.seq}条记录内容被篡改（id={victim.pk}" in run_verify()


def test_edited_json_changes(chain: list[AuditEvent], unguarded: None) -> None:
    victim = chain[1]
    AuditEvent.objects.filter(pk=victim.pk).update(changes={"post": ["旧职务1", "别的"]})
    assert f"第{victim.seq}条记录内容被篡改" in run_verify()


def test_deleted_row_names_gap_and_next_row(chain: list[AuditEvent], unguarded: None) -> None:
    victim, after = chain[2], chain[3]
    AuditEvent.objects.filter(pk=victim.pk).delete()
    text = run_verify()
    assert f"第{victim.seq}条记录缺失（已被删除）" in text
    assert f"其后一条为第{after.seq}条记录（id={after.pk}）" in text
    result = verify_chain()
    assert [(i.kind, i.seq) for i in result.issues] == [("missing", victim.seq)]


def test_deleted_rows_by_raw_sql(chain: list[AuditEvent], unguarded: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table()} WHERE seq IN (%s, %s)",
            [chain[1].seq, chain[2].seq],
        )
    text = run_verify()
    assert f"第{chain[1].seq}～{chain[2].seq}条记录缺失" in text
    assert f"id={chain[3].pk}" in text


def test_deleted_first_row(chain: list[AuditEvent], unguarded: None) -> None:
    first = chain[0]
    AuditEvent.objects.filter(pk=first.pk).delete()
    text = run_verify()
    assert f"第{first.seq}条记录缺失" in text
    assert f"其后一条为第{chain[1].seq}条记录（id={chain[1].pk}）" in text


def test_deleted_last_row_detected_by_head(chain: list[AuditEvent], unguarded: None) -> None:
    last, before = chain[-1], chain[-2]
    AuditEvent.objects.filter(pk=last.pk).delete()
    text = run_verify()
    assert f"第{last.seq}条记录缺失（末尾记录已被删除）" in text
    assert f"现存最后一条为第{before.seq}条记录（id={before.pk}）" in text
    assert f"seq {last.seq} missing (last rows deleted)" in text


def test_whole_log_emptied(chain: list[AuditEvent], unguarded: None) -> None:
    AuditEvent.objects.all().delete()
    assert "记录全部缺失（日志被清空）" in run_verify()


def test_contents_of_two_rows_exchanged(chain: list[AuditEvent], unguarded: None) -> None:
    """Every chained column but seq is swapped; the digests stay where they were."""
    a, b = chain[1], chain[4]
    content = [*CHAINED_FIELDS]
    content.remove("seq")
    values_a = AuditEvent.objects.filter(pk=a.pk).values(*content).get()
    values_b = AuditEvent.objects.filter(pk=b.pk).values(*content).get()
    AuditEvent.objects.filter(pk=a.pk).update(**values_b)
    AuditEvent.objects.filter(pk=b.pk).update(**values_a)
    text = run_verify()
    assert f"第{a.seq}条记录（id={a.pk}）与第{b.seq}条记录（id={b.pk}）被互换" in text
    assert [i.kind for i in verify_chain().issues] == ["swapped"]


def test_only_details_of_two_rows_exchanged(chain: list[AuditEvent], unguarded: None) -> None:
    a, b = chain[0], chain[1]
    AuditEvent.objects.filter(pk=a.pk).update(detail=b.detail)
    AuditEvent.objects.filter(pk=b.pk).update(detail=a.detail)
    text = run_verify()
    assert f"第{a.seq}条记录内容被篡改（id={a.pk}" in text
    assert f"第{b.seq}条记录内容被篡改（id={b.pk}" in text


def test_seqs_of_two_rows_exchanged_by_raw_sql(chain: list[AuditEvent], unguarded: None) -> None:
    a, b = chain[2], chain[3]
    with connection.cursor() as cursor:
        for new, old in ((-1, a.seq), (a.seq, b.seq), (b.seq, -1)):
            cursor.execute(
                f"UPDATE {table()} SET seq = %s WHERE seq = %s",
                [new, old],
            )
    text = run_verify()
    # The row now at a.seq is b's (id=b.pk) and vice versa.
    assert f"第{a.seq}条记录（id={b.pk}）与第{b.seq}条记录（id={a.pk}）被互换" in text
    assert [i.kind for i in verify_chain().issues] == ["swapped"]


def test_row_replaced_by_copy_of_another(chain: list[AuditEvent], unguarded: None) -> None:
    """A row overwritten with another row's content and digests (seq kept) is named."""
    src, victim = chain[0], chain[3]
    cols = [f for f in CHAINED_FIELDS if f != "seq"] + ["prev_digest", "digest"]
    AuditEvent.objects.filter(pk=victim.pk).update(
        **AuditEvent.objects.filter(pk=src.pk).values(*cols).get()
    )
    text = run_verify()
    assert (
        f"第{victim.seq}条记录（id={victim.pk}）被替换为第{src.seq}条记录（id={src.pk}）的副本"
        in text
    )


def test_head_moved_back_to_hide_last_row(chain: list[AuditEvent], unguarded: None) -> None:
    """Deleting the last row and rewinding the head needs the head trigger lifted too; the
    chain cannot tell (a known limit of hash chains), so this checks what it still sees:
    a head behind the rows."""
    AuditHead.objects.filter(pk=1).update(seq=chain[-2].seq, digest=chain[-2].digest)
    text = run_verify()
    assert f"第{chain[-1].seq}条记录未登记在链头" in text


def test_head_digest_altered(chain: list[AuditEvent], unguarded: None) -> None:
    AuditHead.objects.filter(pk=1).update(digest="f" * 64)
    assert f"链尾第{chain[-1].seq}条记录（id={chain[-1].pk}）与链头摘要不符" in run_verify()


def test_issues_capped(chain: list[AuditEvent], unguarded: None) -> None:
    AuditEvent.objects.update(detail="全部改写")
    result = verify_chain(max_issues=2)
    assert len(result.issues) == 2 and result.issues_dropped == len(chain) - 2
    assert not result.ok


def test_dates_in_changes_and_deleted_user_keep_chain_valid(county: SmallCounty) -> None:
    """record() stores changes as JSON and digests what is stored; deleting a user leaves
    the audit rows (and so the chain) untouched."""
    temp = User.objects.create_user(username="temp", password="x" * 12, full_name="临时")
    record(
        action=Action.UPDATE,
        actor=temp,
        org=county.township_a,
        changes={"birth_date": [dt.date(1970, 1, 1), dt.date(1971, 2, 3)], "n": (1, 2)},
    )
    temp.delete()
    event = AuditEvent.objects.get(actor_name="临时")
    assert event.actor_id is not None and event.actor_name == "临时"
    assert event.changes["birth_date"] == ["1970-01-01", "1971-02-03"]
    assert verify_chain().ok
