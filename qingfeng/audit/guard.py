"""The database-level append-only guard of the audit log (migration 0003).

Only inspection lives here; the triggers are installed by the migration. ``verify_audit``
reports a missing or disabled guard as a warning: the chain check does not depend on it,
but its absence means someone with DDL rights removed it.
"""

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection

SQLITE_TRIGGERS = ("audit_event_no_update", "audit_event_no_delete", "audit_head_forward_only")
POSTGRES_TRIGGERS = ("audit_event_append_only", "audit_head_forward_only")


def guard_status(connection: Any = None) -> bool | None:
    """True when every append-only trigger is present and enabled, False when one is
    missing or disabled, None on a database kind without a guard."""
    conn = connection or default_connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
                list(SQLITE_TRIGGERS),
            )
            return len(cursor.fetchall()) == len(SQLITE_TRIGGERS)
        if conn.vendor == "postgresql":
            # tgenabled 'D' = disabled (ALTER TABLE ... DISABLE TRIGGER).
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname IN (%s, %s) AND tgenabled <> 'D'"
                " AND tgrelid IN ('audit_auditevent'::regclass, 'audit_audithead'::regclass)",
                list(POSTGRES_TRIGGERS),
            )
            return len(cursor.fetchall()) == len(POSTGRES_TRIGGERS)
    return None


def suspend_guard_sql(vendor: str) -> list[str]:
    """SQL that lifts the guard inside the current transaction (tests, repair by a DBA).

    Both databases roll DDL back with the transaction, so a test that runs this inside
    its transaction leaves the guard in place for the next one.
    """
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return [
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
            "ALTER TABLE audit_audithead DISABLE TRIGGER audit_head_forward_only",
        ]
    return []
