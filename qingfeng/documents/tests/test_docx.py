"""The GB/T 9704-2012 layout of the DOCX builder, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document as open_docx
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn

from qingfeng.documents.docx import OfficialDocument, build_docx, chinese_date

SAMPLE = OfficialDocument(
    title_lines=("清河县纪委监委", "受理告知书"),
    number="清河纪信告〔2026〕3号",
    addressee="举报人",
    paragraphs=["您于2026年2月13日向本机关反映的问题已收悉。" * 8, "特此告知。"] * 6,
    issuer="清河县纪委监委",
    date=dt.date(2026, 11, 23),
)


def _open(doc: OfficialDocument = SAMPLE):
    return open_docx(io.BytesIO(build_docx(doc)))


def _mm(length) -> float:
    return length / 36000  # EMU per mm


def test_page_is_a4_with_gbt9704_margins_and_text_block():
    section = _open().sections[0]
    assert abs(_mm(section.page_width) - 210) < 0.5
    assert abs(_mm(section.page_height) - 297) < 0.5
    assert abs(_mm(section.top_margin) - 37) <= 1
    assert abs(_mm(section.left_margin) - 28) <= 1
    assert abs(_mm(section.bottom_margin) - 35) <= 1
    assert abs(_mm(section.right_margin) - 26) <= 1
    text_w = section.page_width - section.left_margin - section.right_margin
    text_h = section.page_height - section.top_margin - section.bottom_margin
    assert abs(_mm(text_w) - 156) <= 1
    assert abs(_mm(text_h) - 225) <= 1


def test_grid_is_22_lines_of_28_characters_with_exact_line_height():
    document = _open()
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch = int(grid.get(qn("w:linePitch")))
    # 22 lines fit the 225 mm block and fill it to within a millimetre.
    assert 22 * line_pitch <= 225 / 25.4 * 1440
    assert 225 / 25.4 * 1440 - 22 * line_pitch < 1 / 25.4 * 1440
    # Character pitch = 16 pt + charSpace/4096 pt; 28 of them make 156 mm.
    pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert abs(28 * pitch_pt * 25.4 / 72 - 156) < 0.5
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert round(normal.line_spacing.pt * 20) == line_pitch
    assert normal.space_after == 0 and normal.space_before == 0


def test_fonts_sizes_title_number_and_body():
    paragraphs = _open().paragraphs
    title = paragraphs[0]
    assert [p.text for p in paragraphs[:3]] == [
        "清河县纪委监委",
        "受理告知书",
        "清河纪信告〔2026〕3号",
    ]
    assert title.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    run = title.runs[0]
    assert run.font.size.pt == 22
    fonts = run._r.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert fonts.get(qn("w:ascii")) == "方正小标宋简体"

    body = [p for p in paragraphs if p.text.startswith("您于")]
    assert body
    for p in body:
        ind = p._p.pPr.ind
        assert ind.get(qn("w:firstLineChars")) == "200"
        assert abs(p.paragraph_format.first_line_indent.pt - 2 * 15.8) < 0.5
        r = p.runs[0]
        assert r.font.size.pt == 16
        assert r._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
        assert r._r.rPr.rFonts.get(qn("w:ascii")) == "仿宋_GB2312"
    assert any(p.text == "举报人：" for p in paragraphs)


def test_signature_and_date_in_arabic_numerals_at_the_right():
    paragraphs = _open().paragraphs
    issuer, date = paragraphs[-2], paragraphs[-1]
    assert issuer.text == "清河县纪委监委"
    assert date.text == "2026年11月23日" == chinese_date(dt.date(2026, 11, 23))
    assert date.alignment == WD_PARAGRAPH_ALIGNMENT.RIGHT
    assert date._p.pPr.ind.get(qn("w:rightChars")) == "200"
    assert chinese_date(dt.date(2026, 3, 5)) == "2026年3月5日"


def test_footer_has_page_field_in_4hao_songti_odd_right_even_left():
    document = _open()
    assert document.settings.odd_and_even_pages_header_footer is True
    section = document.sections[0]
    for footer, alignment in (
        (section.footer, WD_PARAGRAPH_ALIGNMENT.RIGHT),
        (section.even_page_footer, WD_PARAGRAPH_ALIGNMENT.LEFT),
    ):
        p = footer.paragraphs[0]
        assert p.alignment == alignment
        xml = p._p.xml
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        instr = p._p.findall(f".//{qn('w:instrText')}")
        assert [i.text.strip() for i in instr] == ["PAGE"]
        assert p.text.startswith("\u2014 ") and p.text.endswith(" \u2014")
        for run in p.runs:
            assert run.font.size.pt == 14
            assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
            assert run._r.rPr.rFonts.get(qn("w:ascii")) == "宋体"


def test_metadata_names_the_body_only():
    props = _open().core_properties
    assert props.author == "清河县纪委监委"
    assert props.comments == ""
    assert props.title == "清河县纪委监委受理告知书"
