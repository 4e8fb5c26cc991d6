"""Lead documents rendered by LibreOffice: they open, paginate and set 28 characters a line.

A 呈批表 and a 函询通知书, as the lead services issue them in real flows (the signature of
the 处置呈批, ``send_letter``), are converted to PDF with ``soffice --headless``,
their first pages to PNG with ``pdftoppm`` (saved to ``test-artifacts/`` to look at), and
the PDF's text is read back with ``pdftotext``. Needs LibreOffice Writer, poppler-utils and
a CJK font (Debian: ``libreoffice-writer-nogui poppler-utils fonts-noto-cjk``); without them
the tests skip, unless ``QF_REQUIRE_RENDER=1`` makes them fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from qingfeng.conftest_paths import ARTIFACTS
from qingfeng.documents.models import Document

from .test_lead_docs import disposal_document, letter_document

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TOOLS = {name: shutil.which(name) for name in ("pdftoppm", "pdfinfo", "pdftotext", "fc-list")}
TIMEOUT = 180
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _run(executable: str | None, *args: str, timeout: int = 60) -> str:
    """Run one of the tools found above on files this test wrote; its stdout."""
    assert executable is not None
    done = subprocess.run(  # noqa: S603 - a tool found by shutil.which, our own temp files
        [executable, *args], check=True, capture_output=True, text=True, timeout=timeout
    )
    return done.stdout


def _missing() -> str:
    missing = []
    if SOFFICE is None:
        missing.append("LibreOffice (soffice)")
    if not all(TOOLS[t] for t in ("pdftoppm", "pdfinfo", "pdftotext")):
        missing.append("poppler-utils (pdftoppm, pdfinfo, pdftotext)")
    if TOOLS["fc-list"] is None or not _run(TOOLS["fc-list"], ":lang=zh").strip():
        missing.append("a CJK font (fonts-noto-cjk)")
    return "、".join(missing)


@pytest.fixture
def renderer() -> None:
    missing = _missing()
    if not missing:
        return
    reason = (
        f"rendering needs {missing}: "
        "apt-get install libreoffice-writer-nogui poppler-utils fonts-noto-cjk"
    )
    if os.environ.get("QF_REQUIRE_RENDER") == "1":
        pytest.fail(f"QF_REQUIRE_RENDER=1 but {reason}")
    pytest.skip(reason)


def _to_pdf(documents: dict[str, Document], out: Path) -> dict[str, Path]:
    """Write each DOCX to ``out`` and convert them all in one LibreOffice run."""
    sources = []
    for name, document in documents.items():
        path = out / f"{name}.docx"
        with document.file.open("rb") as fh:
            path.write_bytes(fh.read())
        sources.append(str(path))
    # A private profile: no clash with another soffice of the same user, nothing left behind.
    profile = (out / "profile").as_uri()
    _run(
        SOFFICE,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *sources,
        timeout=TIMEOUT,
    )
    pdfs = {name: out / f"{name}.pdf" for name in documents}
    for name, pdf in pdfs.items():
        assert pdf.is_file() and pdf.stat().st_size > 0, f"{name}: no PDF"
        assert pdf.read_bytes().startswith(b"%PDF")
    return pdfs


def _pages(pdf: Path) -> int:
    info = _run(TOOLS["pdfinfo"], str(pdf))
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert match, info
    return int(match.group(1))


def _first_page_png(pdf: Path, artifact: str) -> bytes:
    prefix = pdf.with_suffix("")
    _run(TOOLS["pdftoppm"], "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(prefix))
    pngs = sorted(pdf.parent.glob(f"{prefix.name}-*.png"))
    assert len(pngs) == 1, pngs
    data = pngs[0].read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 1000
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(pngs[0], ARTIFACTS / artifact)
    return data


def _lines(pdf: Path) -> list[str]:
    """The first page's text lines, without the spaces pdftotext puts between glyphs."""
    text = _run(TOOLS["pdftotext"], "-layout", "-f", "1", "-l", "1", str(pdf), "-")
    return [re.sub(r"\s+", "", line) for line in text.splitlines() if line.strip()]


@pytest.mark.usefixtures("renderer")
def test_form_and_letter_render_to_pdf_and_png(county, tmp_path):
    form = disposal_document(county)
    letter = letter_document(county)
    pdfs = _to_pdf({"disposal-form": form, "enquiry-letter": letter}, tmp_path)

    assert _pages(pdfs["disposal-form"]) >= 1
    assert _pages(pdfs["enquiry-letter"]) >= 1
    _first_page_png(pdfs["disposal-form"], "doc-disposal-form.png")
    _first_page_png(pdfs["enquiry-letter"], "doc-enquiry-letter.png")

    form_text = "\n".join(_lines(pdfs["disposal-form"]))
    for expected in ("问题线索处置呈批表", form.number, "集体研究情况", "纪委书记", "孙书记"):
        assert expected in form_text, expected
    letter_lines = _lines(pdfs["enquiry-letter"])
    assert "函询通知书" in letter_lines
    assert "李建国同志：" in letter_lines


@pytest.mark.usefixtures("renderer")
def test_body_lines_hold_28_characters(county, tmp_path):
    """GB/T 9704: 28 characters a line. The fullest all-Chinese line of the letter's body has
    27–28 (a line may end one short where punctuation may not open the next), never more,
    and never the 14 LibreOffice sets when every glyph overflows a character-grid cell."""
    pdf = _to_pdf({"letter": letter_document(county)}, tmp_path)["letter"]
    chinese = [line for line in _lines(pdf) if all(CJK.match(ch) for ch in line)]
    widest = max(len(line) for line in chinese)
    assert 27 <= widest <= 28, chinese
