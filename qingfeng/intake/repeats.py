"""Repeat-report detection (重复件): MinHash LSH band hashes kept in the database.

A new report is the same complaint as an earlier one when it is about the same person and
its text is near-identical, even lightly edited (issue 3 item 4; DOMAIN.md §2 "重复件").
The text is normalised (NFKC, lower case, no whitespace or punctuation) and cut into
3-character shingles; a 64-permutation MinHash, cut into 16 bands of 4 rows, gives 16 band
hashes per reported person (the person's normalised name is hashed in; the unit's name for
a subject given without a name), written as ``Signature`` rows with the report (DESIGN.md
§6: an in-memory LSH index costs GiBs per process at 1M reports). Candidates are the
earlier reports sharing a (band, hash) row with the new one — so about a person of the same
name — and, on registration, the earlier reports linked to the same roster person; each is
verified on the exact Jaccard similarity of the two shingle sets.

The same person is reported under the same name, so the roster link needs no band rows of
its own: 16 rows per named subject keep the table at ≈ 18M rows for 1M reports.

Everything here is deterministic across processes and library versions: shingles are
packed code points, the permutations come from BLAKE2b of fixed labels, and band hashes
are BLAKE2b digests — never Python's ``hash()``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection

from qingfeng.intake.models import RepeatCandidate, Report, ReportSubject, Signature
from qingfeng.intake.search import nfkc

SHINGLE = 3
BANDS = 16
ROWS = 4
NUM_PERM = BANDS * ROWS
# Verified similarity (exact Jaccard of shingle sets) from which a candidate is proposed;
# tuned on repeat_eval: light edits score ≥ 0.7, distinct complaints about the same person
# (same reporter's background sentences) ≤ 0.3; LSH (16×4) finds pairs from ≈ 0.5 up.
THRESHOLD = 0.5
# At most this many earlier reports are fetched and verified per lookup.
MAX_CANDIDATES = 50

Shingles = npt.NDArray[np.uint64]

_DROP = re.compile(r"[\W_]+")


def _constants(label: str) -> npt.NDArray[np.uint64]:
    values = [
        int.from_bytes(hashlib.blake2b(f"{label}{i}".encode(), digest_size=8).digest(), "little")
        for i in range(NUM_PERM)
    ]
    return np.array(values, dtype=np.uint64)


_A = (_constants("qingfeng-minhash-a") | np.uint64(1))[:, None]
_B = _constants("qingfeng-minhash-b")[:, None]
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def normalise(text: str) -> str:
    """NFKC, lower case, without whitespace, punctuation or symbols."""
    return _DROP.sub("", nfkc(text).lower())


def _packed(text: str) -> Shingles:
    """Every 3-character shingle of ``normalise(text)`` (repeats included), as 63-bit
    integers (three 21-bit code points); a text shorter than 3 characters is one shingle."""
    norm = normalise(text)
    if not norm:
        return np.empty(0, dtype=np.uint64)
    cps = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(cps) < SHINGLE:
        cps = np.concatenate([cps, np.zeros(SHINGLE - len(cps), dtype=np.uint64)])
    return (cps[:-2] << np.uint64(42)) | (cps[1:-1] << np.uint64(21)) | cps[2:]


def shingles(text: str) -> Shingles:
    """The sorted distinct 3-character shingles of ``normalise(text)`` (see ``_packed``)."""
    return np.unique(_packed(text))


def minhash(sh: Shingles) -> npt.NDArray[np.uint64]:
    """The 64 MinHash values of a shingle set: splitmix64 of each shingle, then the minimum
    of ``a·x + b mod 2^64`` for 64 fixed odd ``a``."""
    x = sh ^ (sh >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    x = x ^ (x >> np.uint64(31))
    result: npt.NDArray[np.uint64] = (_A * x[None, :] + _B).min(axis=1)
    return result


def bands_of(sh: Shingles, key: str) -> list[int]:
    """The 16 band hashes (signed 64-bit) of a shingle set for one subject ``key``; empty
    for an empty text or key.

    The key (``subject_keys``) is hashed into every band, so a bucket holds only reports
    about the same person: templated text shared by thousands of reports about different
    people (closings, greetings) never makes a large bucket to wade through.
    """
    if not len(sh) or not key:
        return []
    return _bands(minhash(sh).tobytes(), key.encode())


_BAND_BYTES = ROWS * 8


def _bands(raw: bytes, salt: bytes) -> list[int]:
    out = []
    for start in range(0, BANDS * _BAND_BYTES, _BAND_BYTES):
        chunk = raw[start : start + _BAND_BYTES]
        digest = hashlib.blake2b(chunk + salt, digest_size=8, person=b"qf-band").digest()
        out.append(int.from_bytes(digest, "little", signed=True))
    return out


def band_hashes(text: str, key: str) -> list[int]:
    """The band hashes of ``text`` for one subject key (index = band number)."""
    return bands_of(shingles(text), key)


Subject = tuple[str, str]  # (name, unit name) of a reported person


def subject_key(name: str, unit_name: str = "") -> str:
    """The key a subject is filed under: its normalised name (``n:``), or for a subject
    given without a name its unit's (``u:``); empty when neither is given."""
    if key := name_key(name):
        return f"n:{key}"
    if key := name_key(unit_name):
        return f"u:{key}"
    return ""


def subject_keys(subjects: Iterable[Subject]) -> list[str]:
    """The distinct keys of a report's subjects (DOMAIN.md §2: same person reported on)."""
    return sorted({k for k in (subject_key(n, u) for n, u in subjects) if k})


def signature_rows(
    *, title: str, content: str, subjects: Iterable[Subject]
) -> list[tuple[int, int]]:
    """The (band, hash) rows to store as ``Signature`` for a report (also for bulk loads):
    16 per distinct subject key."""
    keys = subject_keys(subjects)
    if not keys:
        return []
    # The minimum over a multiset is the minimum over its set: no need to deduplicate.
    sh = _packed(signature_text(title, content))
    if not len(sh):
        return []
    raw = minhash(sh).tobytes()
    return [(band, h) for key in keys for band, h in enumerate(_bands(raw, key.encode()))]


def similarity(a: Shingles, b: Shingles) -> float:
    """Exact Jaccard similarity of two shingle sets."""
    if not len(a) or not len(b):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def signature_text(title: str, content: str) -> str:
    """The text compared for repeats: title and content (the subjects are matched apart)."""
    return f"{title}\n{content}"


def name_key(name: str) -> str:
    """A reported person's name as compared between reports: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", name).split())


# -- database ----------------------------------------------------------------------------


def index_report(report: Report) -> None:
    """Write (or replace) ``report``'s band hashes as ``Signature`` rows."""
    Signature.objects.filter(report=report).delete()
    subjects = list(report.subjects.values_list("name", "unit_name"))
    rows = signature_rows(title=report.title, content=report.content, subjects=subjects)
    Signature.objects.bulk_create(Signature(report=report, band=b, hash=h) for b, h in rows)


def _candidates(
    rows: Sequence[tuple[int, int]],
    *,
    before_id: int | None = None,
    also: Sequence[int] = (),
) -> list[dict[str, Any]]:
    """Earlier reports sharing a (band, hash) row — so about a person of the same name —
    and the reports ``also`` (same roster person), with their text: one query over the
    (band, hash) index, then one fetch of at most ``MAX_CANDIDATES`` (+ ``also``) reports."""
    top = _band_matches(rows, before_id=before_id) if rows else []
    top += [pk for pk in also if pk not in top]
    if not top:
        return []
    fields = ("id", "title", "content", "repeat_of_id")
    return [dict(row) for row in Report.objects.filter(pk__in=top).values(*fields)]


def _band_matches(rows: Sequence[tuple[int, int]], *, before_id: int | None) -> list[int]:
    """The ids of the (at most ``MAX_CANDIDATES``) reports sharing most band rows."""
    # Raw SQL: compiling a 16-way OR through the ORM costs more than running it. Each
    # "(band = ? AND hash = ?)" is one probe of the signature_band_hash_report index,
    # which also holds report_id: an index-only read.
    probes = " OR ".join(["(band = %s AND hash = %s)"] * len(rows))
    params: list[int] = [v for row in rows for v in row]
    where = f"({probes})"
    if before_id is not None:
        where += " AND report_id < %s"
        params.append(before_id)
    sql = (
        "SELECT report_id FROM intake_signature WHERE "  # noqa: S608 (placeholders only)
        + where
        + " GROUP BY report_id ORDER BY COUNT(*) DESC, report_id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, MAX_CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


def _verify(text: str, rows: list[dict[str, Any]]) -> list[tuple[int, float]]:
    """(first report of the chain, score) for the rows similar enough, best first."""
    mine = shingles(text)
    best: dict[int, float] = {}
    for row in rows:
        score = similarity(mine, shingles(signature_text(row["title"], row["content"])))
        if score < THRESHOLD:
            continue
        first = row["id"] if row["repeat_of_id"] is None else row["repeat_of_id"]
        best[first] = max(best.get(first, 0.0), round(score, 3))
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))


def lookup(
    text: str, subject_names: Iterable[str], unit_names: Iterable[str] = ()
) -> list[tuple[int, float]]:
    """The reports ``text`` about ``subject_names`` (with their ``unit_names``, used for a
    subject without a name) would be proposed as a repeat of, as (first report of the
    chain, similarity), best first. Writes nothing (benchmark path)."""
    names = list(subject_names)
    units = list(unit_names)
    units += [""] * (len(names) - len(units))
    sh = shingles(text)
    rows = [
        (band, h)
        for key in subject_keys(zip(names, units, strict=False))
        for band, h in enumerate(bands_of(sh, key))
    ]
    return _verify(text, _candidates(rows))


def propose(report: Report) -> list[RepeatCandidate]:
    """Propose the earlier reports ``report`` may repeat, for the officer to decide.

    Same person (the same normalised name — found through the band rows — or a subject
    linked to the same roster person) and near-identical text (Jaccard of 3-character
    shingles ≥ ``THRESHOLD``); each candidate is the first report of its repeat chain
    (DOMAIN.md §2: a repeat links to the first). Reads the report's own ``Signature`` rows,
    so ``index_report`` runs first.
    """
    rows = list(Signature.objects.filter(report=report).values_list("band", "hash"))
    persons = [
        pid for pid in report.subjects.values_list("person_id", flat=True) if pid is not None
    ]
    same_person: list[int] = []
    if persons:
        same_person = list(
            ReportSubject.objects.filter(person_id__in=persons, report_id__lt=report.pk)
            .order_by("-report_id")
            .values_list("report_id", flat=True)
            .distinct()[:MAX_CANDIDATES]
        )
    text = signature_text(report.title, report.content)
    candidates = _candidates(rows, before_id=report.pk, also=same_person)
    found = [(pk, score) for pk, score in _verify(text, candidates) if pk != report.pk]
    if not found:
        return []
    existing = set(
        RepeatCandidate.objects.filter(report=report).values_list("earlier_id", flat=True)
    )
    created = [
        RepeatCandidate(report=report, earlier_id=pk, score=score)
        for pk, score in found
        if pk not in existing
    ]
    RepeatCandidate.objects.bulk_create(created)
    return created


def index_and_propose(report: Report) -> None:
    """Report indexer (services.report_indexers): write the signature, then propose."""
    index_report(report)
    propose(report)
