"""Chinese full-text search over reports (issue 3 item 4; DESIGN.md §6).

No Chinese tokenizer is available in SQLite or Debian's PostgreSQL, and word segmenters
miss personal names, so the text is tokenised here: every run of CJK characters gives its
character bigrams (in order, with positions) and its single characters; ASCII letters and
digits give lower-cased words. The space-joined tokens go into an FTS5 contentless table
(SQLite) or a ``tsvector('simple')`` with a GIN index (PostgreSQL), both created by
migration 0002. A query term of two or more CJK characters is the phrase of its bigrams, one
character is its unigram, so a term matches exactly where ``LIKE '%term%'`` over the
indexed fields would.

What is indexed: title, content and the reported persons' names, units and posts. Nothing
of the reporter's identity (``Report.identity_enc``) is ever read here (DESIGN.md §3).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection as default_connection
from django.db.models.expressions import RawSQL

from qingfeng.intake.models import Report
from qingfeng.intake.selectors import reports_visible_to

# The index tables (migration 0002); their names are written out in the SQL below.
FTS_TABLE = "intake_report_fts"
PG_TABLE = "intake_report_search"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKENS = re.compile(rf"([{_CJK}]+)|([0-9a-z]+)")
# Separates the bigram sequences of two CJK runs, so that a phrase never spans them. It is
# a token character for FTS5's unicode61 and PostgreSQL's parser, but no query yields it.
_RUN_BREAK = "\u3007"
# A query is cut to this many characters and terms: a search box, not a document.
QUERY_MAX_CHARS = 100
QUERY_MAX_TERMS = 8


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def tokens_for(text: str) -> str:
    """The space-joined search tokens of ``text``: CJK bigrams in order, then the distinct
    CJK characters, and ASCII words."""
    out: list[str] = []
    chars: dict[str, None] = {}
    for match in _TOKENS.finditer(_normalise(text)):
        run, word = match.groups()
        if word:
            out.append(word)
            continue
        chars.update(dict.fromkeys(run))
        if len(run) > 1:
            if out:
                out.append(_RUN_BREAK)
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    out.extend(chars)
    return " ".join(out)


def indexed_text(*, title: str, content: str, subjects: Iterable[tuple[str, str, str]] = ()) -> str:
    """The text a report is found by: title, content and each subject's name, unit, post.

    Each field is its own line, so no bigram spans two fields. The reporter's identity is
    never part of it (DESIGN.md §3).
    """
    parts = [title, content]
    for name, unit_name, post in subjects:
        parts.extend((name, unit_name, post))
    return "\n".join(parts)


def report_text(report: Report) -> str:
    """The indexed text of a saved report (one query for its subjects)."""
    subjects = report.subjects.values_list("name", "unit_name", "post")
    return indexed_text(title=report.title, content=report.content, subjects=subjects)


def index_report(report: Report) -> None:
    """Write (or replace) ``report``'s search row; a report indexer (services.report_indexers).

    On SQLite 3.40 a contentless FTS5 row can only be removed by re-sending the tokens it
    was indexed with, so a replacement re-derives them from the report as stored: the
    indexed fields are fixed at registration. Code that ever edits them must call
    ``unindex_report`` before saving the edit.
    """
    _write(default_connection, [(report.pk, report_text(report))], replace=True)


def unindex_report(report: Report) -> None:
    """Remove ``report``'s search row, computed from its fields as currently stored."""
    stored = Report.objects.filter(pk=report.pk).only("title", "content").first()
    with default_connection.cursor() as cursor:
        if default_connection.vendor == "postgresql":
            cursor.execute("DELETE FROM intake_report_search WHERE report_id = %s", [report.pk])
            return
        if stored is None or not _fts_has(cursor, report.pk):
            return
        cursor.execute(
            "INSERT INTO intake_report_fts(intake_report_fts, rowid, tokens) "
            "VALUES ('delete', %s, %s)",
            [report.pk, tokens_for(report_text(stored))],
        )


def bulk_index(connection: Any, rows: Iterable[tuple[int, str]]) -> int:
    """Index many new reports at once (demo and benchmark data): ``rows`` are (report id,
    ``indexed_text(...)``). Returns the number of rows written.

    Rows must not be indexed yet on SQLite. PostgreSQL copies the tokens into a temporary
    table and builds the tsvectors in one INSERT … SELECT (COPY: DESIGN.md §6).
    """
    return _write(connection, rows, replace=False)


def bulk_index_tokens(connection: Any, rows: Iterable[tuple[int, str]]) -> int:
    """``bulk_index`` for rows already tokenised with ``tokens_for`` (report id, tokens):
    the bulk loader makes the tokens in worker processes."""
    return _write_tokens(connection, rows, replace=False)


def _fts_has(cursor: Any, report_id: int) -> bool:
    cursor.execute("SELECT 1 FROM intake_report_fts WHERE rowid = %s", [report_id])
    return cursor.fetchone() is not None


def _write(connection: Any, rows: Iterable[tuple[int, str]], *, replace: bool) -> int:
    return _write_tokens(connection, ((pk, tokens_for(text)) for pk, text in rows), replace=replace)


def _write_tokens(connection: Any, tokenised: Iterable[tuple[int, str]], *, replace: bool) -> int:
    if connection.vendor == "postgresql":
        return _write_pg(connection, tokenised)
    count = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(tokenised, 2000):
            if replace:
                for pk, tokens in chunk:
                    if _fts_has(cursor, pk):
                        cursor.execute(
                            "INSERT INTO intake_report_fts(intake_report_fts, rowid, tokens) "
                            "VALUES ('delete', %s, %s)",
                            [pk, tokens],
                        )
            cursor.executemany(
                "INSERT INTO intake_report_fts(rowid, tokens) VALUES (%s, %s)", chunk
            )
            count += len(chunk)
    return count


def _write_pg(connection: Any, rows: Iterable[tuple[int, str]]) -> int:
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS qf_search_load (report_id bigint, tokens text)"
        )
        for chunk in _chunks(rows, 20_000):
            cursor.execute("TRUNCATE qf_search_load")
            buf = io.StringIO()
            for pk, tokens in chunk:
                buf.write(f"{int(pk)}\t{tokens}\n")
            raw = cursor.cursor  # psycopg cursor under Django's wrapper
            with raw.copy("COPY qf_search_load (report_id, tokens) FROM STDIN") as copy:
                copy.write(buf.getvalue())
            cursor.execute(
                "INSERT INTO intake_report_search (report_id, tokens) "
                "SELECT report_id, to_tsvector('simple', tokens) FROM qf_search_load "
                "ON CONFLICT (report_id) DO UPDATE SET tokens = EXCLUDED.tokens"
            )
            count += len(chunk)
        cursor.execute("TRUNCATE qf_search_load")
    return count


def _chunks(rows: Iterable[tuple[int, str]], size: int) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- querying ---------------------------------------------------------------------------


def query_parts(q: str) -> list[tuple[str, ...]]:
    """The AND-ed parts of a search box query: each a tuple of tokens forming a phrase (CJK)
    or a one-word prefix (ASCII, marked by a trailing "*")."""
    parts: list[tuple[str, ...]] = []
    for term in _normalise(q[:QUERY_MAX_CHARS]).split()[:QUERY_MAX_TERMS]:
        for match in _TOKENS.finditer(term):
            run, word = match.groups()
            if word:
                part: tuple[str, ...] = (word, "*")
            elif len(run) == 1:
                part = (run,)
            else:
                part = tuple(run[i : i + 2] for i in range(len(run) - 1))
            if part not in parts:
                parts.append(part)
    return parts


def fts5_query(parts: list[tuple[str, ...]]) -> str:
    """An FTS5 MATCH expression. Tokens hold only CJK characters and [0-9a-z], so quoting
    them leaves no room for FTS5 syntax (quotes, NEAR, column filters, ``*``) from users."""
    out = []
    for part in parts:
        if part[-1] == "*":
            out.append(f'"{part[0]}"*')
        else:
            out.append('"' + " ".join(part) + '"')
    return " AND ".join(out)


def tsquery(parts: list[tuple[str, ...]]) -> str:
    """A PostgreSQL tsquery literal; every lexeme is quoted and holds no quote or backslash."""
    out = []
    for part in parts:
        if part[-1] == "*":
            out.append(f"'{part[0]}':*")
        else:
            out.append("(" + " <-> ".join(f"'{t}'" for t in part) + ")")
    return " & ".join(out)


def matching_ids_sql(q: str) -> RawSQL | None:
    """A subquery of the ids of reports matching ``q`` (None when ``q`` has no search term)."""
    parts = query_parts(q)
    if not parts:
        return None
    if default_connection.vendor == "postgresql":
        return RawSQL(
            "SELECT report_id FROM intake_report_search WHERE tokens @@ %s::tsquery",
            [tsquery(parts)],
        )
    return RawSQL(
        "SELECT rowid FROM intake_report_fts WHERE intake_report_fts MATCH %s",
        [fts5_query(parts)],
    )


def search_reports(
    user: Any, q: str, *, limit: int = 20, offset: int = 0
) -> tuple[list[Report], int]:
    """One page of the reports the user may see whose text contains every term of ``q``,
    newest first, with the total.

    Scope is part of the same SQL (DESIGN.md §3); each whitespace-separated term must occur
    as written in the title, content, or a reported person's name, unit or post.
    """
    ids = matching_ids_sql(q)
    if ids is None:
        return [], 0
    qs = reports_visible_to(user).filter(id__in=ids)
    total = qs.count()
    if not total or offset >= total:
        return [], total
    # Sort the matching ids alone (the scope-covering index holds received_on), then
    # fetch the page's rows: the sorter never carries report texts.
    page_ids = list(
        qs.order_by("-received_on", "-id").values_list("id", flat=True)[offset : offset + limit]
    )
    rows = Report.objects.select_related("org").in_bulk(page_ids)
    return [rows[pk] for pk in page_ids], total
