"""Make the audit log append-only in the database itself (DESIGN.md §3 "Audit").

Triggers reject every UPDATE and DELETE of ``audit_auditevent`` and any move of the chain
head backwards, so that tampering needs DDL rights (dropping the triggers) on top of
write access; ``verify_audit`` still catches whoever has them.

- PostgreSQL: a row trigger rejects UPDATE and DELETE. ``TRUNCATE`` (what Django's
  ``flush`` and transactional tests use) fires no row trigger and stays possible for the
  database owner; ``verify_audit`` reports a truncated log through the chain head.
- SQLite has no TRUNCATE: ``DELETE FROM`` (Django's ``flush``) removes rows one by one in
  rowid order. So the only DELETE let through is that of the current oldest row; any
  other row, and every UPDATE, is rejected. Removing the oldest row is still reported by
  ``verify_audit`` (the chain no longer starts at 1).
- Other databases: nothing is installed (``verify_audit`` remains the control).

SQLite drops a table's triggers when a migration rebuilds the table (most AlterFields):
such a migration must run ``install`` again. ``verify_audit`` warns when they are missing
(``qingfeng.audit.guard``).
"""

from typing import Any

from django.db import migrations

MESSAGE = "审计日志只允许追加，禁止修改或删除 (audit log is append-only)"
HEAD_MESSAGE = "审计链头不得回退 (audit chain head may not move backwards)"

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_event_no_update
    BEFORE UPDATE ON audit_auditevent FOR EACH ROW
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_event_no_delete
    BEFORE DELETE ON audit_auditevent FOR EACH ROW
    WHEN OLD.seq > (SELECT MIN(seq) FROM audit_auditevent)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,  # noqa: S608 (constant SQL)
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_head_forward_only
    BEFORE UPDATE ON audit_audithead FOR EACH ROW
    WHEN NEW.seq < OLD.seq
    BEGIN SELECT RAISE(ABORT, '{HEAD_MESSAGE}'); END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward_only",
]

# Constant SQL (no user input). No "%" anywhere: the SQL goes through the driver's parameter parser.
POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_OP,
                              ERRCODE = 'restrict_violation';
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
    """
    CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
    """,
    f"""
    CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.seq < OLD.seq THEN
            RAISE EXCEPTION USING MESSAGE = '{HEAD_MESSAGE}',
                                  ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_audithead",
    """
    CREATE TRIGGER audit_head_forward_only
    BEFORE UPDATE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()
    """,
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_audithead",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
    "DROP FUNCTION IF EXISTS audit_head_forward_only()",
]


def _run(schema_editor: Any, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def install(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL})


def remove(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRES_REMOVE})


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_audit_fk_keep_ids_and_indexes"),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]
