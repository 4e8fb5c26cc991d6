"""Bulk insertion for generated rows: ``bulk_create`` in batches, or a fast path.

Rows arrive as tuples in the order of ``fields`` (model attribute names, ``*_id`` for
foreign keys) and are consumed lazily, so a million persons never sit in memory at once.
The fast path (province sizes) is COPY on PostgreSQL — about 7× faster than
``bulk_create`` (DESIGN.md §6) — and on SQLite one prepared INSERT run with
``executemany`` per batch, which skips building model instances (measured 3.4× faster
than ``bulk_create`` for persons on this machine).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any, TextIO

from django.core.management.color import no_style
from django.db import connection, models
from tqdm import tqdm

BATCH = 2000


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


class RowWriter:
    """Writes generated rows, showing one progress bar per table on ``stream``."""

    def __init__(self, *, fast: bool, progress: bool, stream: TextIO | None = None) -> None:
        self.use_copy = fast and connection.vendor == "postgresql"
        self.use_executemany = fast and not self.use_copy
        self.progress = progress
        self.stream = stream or sys.stderr
        self.explicit_ids: list[type[models.Model]] = []

    def write(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        *,
        total: int,
        label: str,
    ) -> int:
        """Insert ``rows`` into ``model``'s table; returns how many were written."""
        if "id" in fields and model not in self.explicit_ids:
            self.explicit_ids.append(model)
        bar = tqdm(
            total=total,
            desc=label,
            unit="行",
            file=self.stream,
            disable=not self.progress,
            mininterval=0.5,
            dynamic_ncols=True,
        )
        try:
            if self.use_copy:
                written = self._copy(model, fields, rows, bar)
            elif self.use_executemany:
                written = self._executemany(model, fields, rows, bar)
            else:
                written = self._bulk(model, fields, rows, bar)
            if written != total:  # e.g. vacant seats: end the bar at 100 %
                bar.total = written
                bar.refresh()
            return written
        finally:
            bar.close()

    def _bulk(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        bar: tqdm[Any],
    ) -> int:
        written = 0
        it = iter(rows)
        while batch := list(islice(it, BATCH)):
            model._default_manager.bulk_create(
                [model(**dict(zip(fields, row, strict=True))) for row in batch]
            )
            written += len(batch)
            bar.update(len(batch))
        return written

    def _executemany(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        bar: tqdm[Any],
    ) -> int:
        qn = connection.ops.quote_name
        columns = [_field(model, f) for f in fields]
        names = ", ".join(qn(c.column) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        # Identifiers come from the model; every value is a parameter.
        sql = f"INSERT INTO {qn(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        # Values the ORM would adapt (aware datetimes, dates) are adapted here the same way.
        adapters: list[tuple[int, Any]] = []
        for i, column in enumerate(columns):
            if isinstance(column, models.DateTimeField):
                adapters.append((i, connection.ops.adapt_datetimefield_value))
            elif isinstance(column, models.DateField):
                adapters.append((i, connection.ops.adapt_datefield_value))
        written = 0
        it = iter(rows)
        with connection.cursor() as cursor:
            while batch := list(islice(it, BATCH)):
                if adapters:
                    prepared = []
                    for row in batch:
                        values = list(row)
                        for i, adapt in adapters:
                            values[i] = adapt(values[i])
                        prepared.append(values)
                    cursor.executemany(sql, prepared)
                else:
                    cursor.executemany(sql, batch)
                written += len(batch)
                bar.update(len(batch))
        return written

    def _copy(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        bar: tqdm[Any],
    ) -> int:
        qn = connection.ops.quote_name
        columns = ", ".join(qn(_field(model, f).column) for f in fields)
        sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
        written = 0
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
                if written % BATCH == 0:
                    bar.update(BATCH)
        bar.update(written % BATCH)
        return written

    def reset_sequences(self) -> None:
        """After explicit-id inserts, move PostgreSQL sequences past the highest id."""
        if connection.vendor != "postgresql" or not self.explicit_ids:
            return
        statements = connection.ops.sequence_reset_sql(no_style(), self.explicit_ids)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def analyze(tables: Sequence[str]) -> None:
    """Refresh planner statistics after a large load (VACUUM too, outside a transaction)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            return
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        for table in tables:
            cursor.execute(f"{verb} {qn(table)}")


def _secondary_indexes(cursor: Any, tables: Sequence[str]) -> list[tuple[str, str, str]]:
    """(table, name, CREATE statement) of the non-unique indexes on ``tables``."""
    marks = ", ".join(["%s"] * len(tables))
    if connection.vendor == "sqlite":
        cursor.execute(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608
            f"AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY name",
            list(tables),
        )
        return [r for r in cursor.fetchall() if not r[2].upper().startswith("CREATE UNIQUE")]
    cursor.execute(
        "SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace "
        "AND NOT x.indisunique AND NOT x.indisprimary ORDER BY i.relname",
        [list(tables)],
    )
    return list(cursor.fetchall())


def _foreign_keys(cursor: Any, tables: Sequence[str]) -> list[tuple[str, str, str]]:
    """(table, name, definition) of the foreign keys of ``tables`` (PostgreSQL)."""
    cursor.execute(
        "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'f' AND t.relname = ANY(%s) "
        "AND t.relnamespace = current_schema()::regnamespace ORDER BY t.relname, c.conname",
        [list(tables)],
    )
    return list(cursor.fetchall())


@contextmanager
def without_indexes(
    tables: Sequence[str], *, log: Callable[[str], None] = lambda _m: None
) -> Iterator[None]:
    """Drop the secondary indexes of ``tables`` (and, on PostgreSQL, their foreign keys)
    for a bulk load, and create them again, exactly as they were, afterwards.

    Building an index once over sorted data is several times faster than maintaining it
    row by row, and re-adding a foreign key checks it in one join instead of one trigger
    per row. Meant to run inside the load's transaction: if the load fails, the rollback
    restores the indexes too. Unique and primary-key indexes stay.
    """
    if not tables:
        yield
        return
    qn = connection.ops.quote_name
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor, tables)
        fks = _foreign_keys(cursor, tables) if pg else []
        if fks:
            # ALTER TABLE refuses tables (these or the ones they reference) with pending
            # deferred checks: run the checks queued so far now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, name, _definition in fks:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for _table, name, _sql in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    started = time.monotonic()
    log(f"正在重建索引（{len(indexes)} 个）与外键（{len(fks)} 个）…")
    with connection.cursor() as cursor:
        if pg:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        if fks:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for _table, _name, sql in indexes:
            cursor.execute(sql)
        for table, name, definition in fks:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
    log(f"索引与外键已重建，用时 {time.monotonic() - started:.1f} 秒。")
