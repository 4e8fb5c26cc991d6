"""The report search index as raw tables (qingfeng.intake.search; DESIGN.md §6).

SQLite: a contentless FTS5 table whose rowid is the report id, over pre-tokenised text
(character bigrams and single characters). PostgreSQL: a ``tsvector('simple')`` per report
with a GIN index. Neither is a Django model: nothing but ``search`` reads or writes them.

The PostgreSQL table has no foreign key to ``intake_report``: Django's ``flush`` (used by
transactional tests) truncates only model tables and would refuse a referencing one.
Reports are never deleted (PROTECT), and a stray row would only ever be joined away.
"""

from typing import Any

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS intake_report_fts USING fts5("
    "tokens, content='', tokenize='unicode61 remove_diacritics 0')"
)
PG_CREATE = (
    "CREATE TABLE IF NOT EXISTS intake_report_search ("
    "report_id bigint PRIMARY KEY, "
    "tokens tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS intake_report_search_tokens "
    "ON intake_report_search USING gin (tokens)",
)


# Every match is checked against the reader's scope and sorted by date: this index holds
# exactly those columns, so neither step reads the (wide) report rows.
SCOPE_COVER = (
    "CREATE INDEX IF NOT EXISTS intake_report_search_cover ON intake_report "
    "(id, org_id, handling_dept_id, hidden_from_id, received_on)"
)


def create_index(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for sql in PG_CREATE:
            schema_editor.execute(sql)
    schema_editor.execute(SCOPE_COVER)


def drop_index(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS intake_report_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS intake_report_search")
    schema_editor.execute("DROP INDEX IF EXISTS intake_report_search_cover")


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
