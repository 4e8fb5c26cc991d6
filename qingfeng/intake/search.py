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
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import grants_with, minimal_grants, subtree_q
from qingfeng.core.paging import CappedPage
from qingfeng.intake.models import Report
from qingfeng.intake.selectors import reports_visible_to
from qingfeng.orgs.models import Org

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
# Results come 20 a page, and a reader (page or API) can open the first 50 pages: the
# newest 1,000 matches, as web search engines show. Matches are counted up to the same
# 1,000 ("1000+"): counting further would only say how many cannot be opened, and it is
# what a common phrase costs on PostgreSQL — GIN keeps no positions, so every match of a
# phrase of three or more characters has its tsvector read to check adjacency (农家乐 or
# 优亲厚友 over a province of 1M reports: 210 ms counting to 10,000, 19–40 ms to 1,000).
PAGE_SIZE = 20
MAX_PAGES = 50
COUNT_CAP = PAGE_SIZE * MAX_PAGES


# The full-width punctuation of Chinese text and the ideographic space, replaced as NFKC
# replaces them. That leaves most Chinese text already in NFKC, which ``is_normalized``
# confirms far faster than ``normalize`` rewrites it; the result is NFKC either way.
_FULL_WIDTH = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，！？：；（）\u3000")


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster for typical Chinese text."""
    for wide, narrow in _FULL_WIDTH:
        text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def _normalise(text: str) -> str:
    return nfkc(text).lower()


def tokens_for(text: str) -> str:
    """The space-joined search tokens of ``text``: CJK bigrams in order, then the distinct
    CJK characters, and ASCII words."""
    out: list[str] = []
    runs: list[str] = []
    for run, word in _TOKENS.findall(_normalise(text)):
        if word:
            out.append(word)
            continue
        runs.append(run)
        if len(run) > 1:
            if out:
                out.append(_RUN_BREAK)
            out += map(str.__add__, run, run[1:])
    out += dict.fromkeys("".join(runs))
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
    newest first, with the total — capped at ``COUNT_CAP`` (see ``search_page``)."""
    page = search_page(user, q, limit=limit, offset=offset)
    return page.rows, page.total


def search_page(user: Any, q: str, *, limit: int = 20, offset: int = 0) -> CappedPage[Report]:
    """One page of the reports the user may see whose text contains every term of ``q``,
    newest first (received date, then id), with the number of matches up to ``COUNT_CAP``.

    Scope is part of the same SQL (DESIGN.md §3); each whitespace-separated term must occur
    as written in the title, content, or a reported person's name, unit or post. Like the
    person list (``orgs.people_selectors.COUNT_CAP``), a very common term is counted only
    up to ``COUNT_CAP`` ("1000+"), so the cost of a page stays bounded at 1M reports:

    - a scope over the whole tree counts by walking the matches and checking each against
      the scope, stopping at ``COUNT_CAP + 1``; up to the cap its page sorts the matches,
      over it (a common term) it walks the received-date index newest first and stops at
      the page's last row;
    - a narrower scope reads its matching reports' (date, id) pairs from its own side (its
      bodies' reports) — at most ``COUNT_CAP + 1`` — and sorts them here.
    """
    ids = matching_ids_sql(q)
    scoped = reports_visible_to(user)
    number = offset // max(1, limit) + 1

    def page(rows: list[Report], n: int) -> CappedPage[Report]:
        return CappedPage(rows, min(n, COUNT_CAP), n > COUNT_CAP, number, limit)

    if ids is None or scoped.query.is_empty():
        return page([], 0)
    stop = offset + limit
    if _is_wide(user):
        n = _capped_count_wide(scoped, q)
        if not n or offset >= n:
            return page([], n)
        if n <= COUNT_CAP:  # few enough to sort here: read them from the match list
            found = scoped.filter(id__in=ids).order_by().values_list("received_on", "id")
            page_ids = [pk for _day, pk in sorted(found, reverse=True)[offset:stop]]
        else:  # common: walk the date index, stop at the page's last row
            newest = _newest_first(scoped, ids, q)
            page_ids = list(newest.values_list("id", flat=True)[offset:stop])
    else:
        narrow = _from_scope(user, scoped, ids, q)
        pairs = list(narrow.order_by().values_list("received_on", "id")[: COUNT_CAP + 1])
        n = len(pairs)
        if n <= COUNT_CAP:
            pairs.sort(reverse=True)
            page_ids = [pk for _day, pk in pairs[offset:stop]]
        else:  # more than the cap in a narrow scope (a city): sort them in the database
            page_ids = list(
                narrow.order_by("-received_on", "-id").values_list("id", flat=True)[offset:stop]
            )
    rows = Report.objects.select_related("org").in_bulk(page_ids)
    return page([rows[pk] for pk in page_ids], n)


def _not_driving(ids: RawSQL) -> RawSQL:
    """``id IN (matches)`` written so SQLite's planner never drives the query from the
    match list (unary ``+`` hides the column from index selection)."""
    sql = f"+intake_report.id IN ({ids.sql})"
    return RawSQL(sql, ids.params, output_field=BooleanField())  # noqa: S611 (placeholders)


def _pg_probe(q: str) -> RawSQL:
    """Whether this report's tsvector matches ``q``, as a scalar subquery: PostgreSQL never
    turns it into a join, so each report read is tested on its own (one primary-key probe)
    instead of every match being read and checked."""
    return RawSQL(
        "(SELECT s.tokens @@ %s::tsquery FROM intake_report_search s "
        "WHERE s.report_id = intake_report.id)",
        [tsquery(query_parts(q))],
        output_field=BooleanField(),
    )


def _scope_orgs_q(user: Any) -> Q:
    q = Q()
    for g in minimal_grants(grants_with(user, Cap.REPORT_VIEW)):
        q |= subtree_q(g.path) if g.subtree else Q(pk=g.org_id)
    return q


def _from_scope(user: Any, scoped: QuerySet[Report], ids: RawSQL, q: str) -> QuerySet[Report]:
    """The scope's matches read from the scope's side (narrow scopes): the reports held or
    handled by the scope's bodies through the org and handling-department indexes (a
    redundant filter the planner can drive from), each tested against the match list."""
    orgs: Any = Org.objects.filter(_scope_orgs_q(user)).values("pk")
    if default_connection.vendor == "postgresql":
        # PostgreSQL turns "IN (subquery)" under OR into a filter over every report; a
        # list of ids gives it a BitmapOr of the two indexes.
        orgs = list(orgs.values_list("pk", flat=True))
    mine = scoped.filter(Q(org_id__in=orgs) | Q(handling_dept_id__in=orgs))
    if default_connection.vendor == "postgresql":
        # A scalar subquery is never turned into a join: each of the scope's reports has
        # its own tsvector tested, instead of every match being checked against the scope.
        return mine.filter(_pg_probe(q))
    return mine.filter(_not_driving(ids))


def _newest_first(scoped: QuerySet[Report], ids: RawSQL, q: str) -> QuerySet[Report]:
    """The scope's matches by received date, read along the date index (wide scopes).

    On SQLite the match test is written ``+id IN (…)`` so the planner cannot drive the
    query from the match list (and sort all of it); it walks ``report_recv`` newest first
    and stops at the page's last row.
    """
    if default_connection.vendor == "postgresql":
        return scoped.filter(_pg_probe(q)).order_by("-received_on", "-id")
    return scoped.filter(_not_driving(ids)).order_by("-received_on", "-id")


def _is_wide(user: Any) -> bool:
    """Whether the user's scope is the whole tree (a subtree grant at its root): then every
    match is likely in scope and the plans that walk the matches or the date index stop
    early. Decided from the grants alone — no query."""
    return any(
        g.subtree and g.path.count("/") == 2
        for g in minimal_grants(grants_with(user, Cap.REPORT_VIEW))
    )


def _capped_count_wide(scoped: QuerySet[Report], q: str) -> int:
    """Matches within ``scoped`` up to ``COUNT_CAP + 1``, walking the index's matches
    (each one probe of the report and its bodies) and stopping at the cap."""
    parts = query_parts(q)
    if default_connection.vendor == "postgresql":
        base = "SELECT report_id AS mid FROM intake_report_search WHERE tokens @@ %s::tsquery"
        param = tsquery(parts)
    else:
        base = "SELECT rowid AS mid FROM intake_report_fts WHERE intake_report_fts MATCH %s"
        param = fts5_query(parts)
    # The scope check for one match: the ORM's own scope SQL, correlated on m.mid, as a
    # scalar subquery (at most one row) so that no planner turns it into a join over the
    # whole scope.
    probe = scoped.filter(id=RawSQL("m.mid", [])).order_by().values("id")
    probe_sql, probe_params = probe.query.sql_with_params()
    sql = (
        f"SELECT COUNT(*) FROM (SELECT m.mid FROM ({base}) m "  # noqa: S608 (ORM SQL)
        f"WHERE ({probe_sql}) IS NOT NULL LIMIT %s) c"
    )
    with default_connection.cursor() as cursor:
        cursor.execute(sql, [param, *probe_params, COUNT_CAP + 1])
        row = cursor.fetchone()
    return int(row[0])
