"""A small DOCX builder for official documents in the GB/T 9704-2012 layout (DOMAIN.md §9).

GB/T 9704-2012 (党政机关公文格式): A4; top margin 37 mm, left 28 mm; text block 156×225 mm
(so bottom 35 mm, right 26 mm); 22 lines of 28 characters; body 3号 (16 pt) 仿宋; title 2号
(22 pt) 小标宋, centred; dates in Arabic numerals ("2026年11月23日"); page numbers 4号
(14 pt) half-width 宋体 Arabic numerals between 一字线 ("— 1 —"), odd pages on the right and
even pages on the left, one character in from the edge of the text block.

The grid is the Word way of saying "22 × 28": the section's ``w:docGrid`` of type
``linesAndChars`` with a line pitch of 225 mm / 22 and a character pitch of 156 mm / 28, and
every line at that exact height.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import _Footer
from docx.shared import Emu, Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
TOP_MM = 37
LEFT_MM = 28
TEXT_WIDTH_MM = 156
TEXT_HEIGHT_MM = 225
BOTTOM_MM = PAGE_HEIGHT_MM - TOP_MM - TEXT_HEIGHT_MM  # 35
RIGHT_MM = PAGE_WIDTH_MM - LEFT_MM - TEXT_WIDTH_MM  # 26
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
# The footer's bottom edge sits here so that the page number is about 7 mm below the text
# block (GB/T 9704-2012 §7.5).
FOOTER_MM = 21

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
PAGE_NUMBER_FONT = "宋体"
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号

_MM_PER_PT = 25.4 / 72
# 225 mm / 22 lines → 579 twips (28.95 pt); 22 × 579 twips still fit the text block.
LINE_PITCH_TWIPS = int(TEXT_HEIGHT_MM / _MM_PER_PT * 20 / LINES_PER_PAGE)
CHAR_PITCH_PT = TEXT_WIDTH_MM / _MM_PER_PT / CHARS_PER_LINE  # ≈ 15.79 pt
# w:charSpace: how far (in 1/4096 pt) the grid's character pitch differs from the body size.
CHAR_SPACE = round((CHAR_PITCH_PT - BODY_PT) * 4096)
EM_DASH = "\u2014"  # 一字线


@dataclass(frozen=True)
class OfficialDocument:
    """What goes on the page, top to bottom."""

    title_lines: Sequence[str]
    number: str  # 发文字号, e.g. 清河纪信告〔2026〕3号
    addressee: str  # 主送, e.g. 举报人
    paragraphs: Sequence[str]
    issuer: str  # 落款 (发文机关署名)
    date: dt.date  # 成文日期
    author: str = ""  # the file's metadata "creator": the issuing body, never a person


def chinese_date(day: dt.date) -> str:
    """GB/T 9704-2012 §7.3.5.1: Arabic numerals, no leading zeros: ``2026年3月5日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def build_docx(doc: OfficialDocument) -> bytes:
    """The DOCX file of ``doc`` in the GB/T 9704-2012 layout."""
    document = new_docx()
    _set_up_page(document)
    _set_up_styles(document)
    body = document.paragraphs[0] if document.paragraphs else document.add_paragraph()

    first = True
    for line in doc.title_lines:
        p = body if first else document.add_paragraph()
        first = False
        p.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
        _run(p, line, font=TITLE_FONT, size=TITLE_PT)
    number = document.add_paragraph()
    number.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    _run(number, doc.number)
    document.add_paragraph()  # one blank line before 主送 (GB/T 9704-2012 §7.3.2)

    addressee = document.add_paragraph()
    _run(addressee, f"{doc.addressee}：")
    for text in doc.paragraphs:
        p = document.add_paragraph()
        _indent_chars(p, first_line=2)
        _run(p, text)

    # 落款: the date two characters in from the right, the issuer centred over the date
    # (GB/T 9704-2012 §7.3.5.2, documents without a seal).
    date_text = chinese_date(doc.date)
    document.add_paragraph()
    issuer = document.add_paragraph()
    issuer.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
    offset = max(0.0, (_width(date_text) - _width(doc.issuer)) / 2)
    _indent_chars(issuer, right=2 + offset)
    _run(issuer, doc.issuer)
    date = document.add_paragraph()
    date.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
    _indent_chars(date, right=2 + max(0.0, (_width(doc.issuer) - _width(date_text)) / 2))
    _run(date, date_text)

    _set_properties(document, doc)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- page and styles ---------------------------------------------------------------------


def _set_up_page(document: DocxDocument) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(TOP_MM)
    section.bottom_margin = Mm(BOTTOM_MM)
    section.left_margin = Mm(LEFT_MM)
    section.right_margin = Mm(RIGHT_MM)
    section.footer_distance = Mm(FOOTER_MM)
    section.gutter = Emu(0)

    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))

    # Odd pages carry the number on the right, even pages on the left.
    document.settings.odd_and_even_pages_header_footer = True
    section.different_first_page_header_footer = False
    _page_number_footer(section.footer, WD_PARAGRAPH_ALIGNMENT.RIGHT)
    _page_number_footer(section.even_page_footer, WD_PARAGRAPH_ALIGNMENT.LEFT)


def _set_up_styles(document: DocxDocument) -> None:
    # Document defaults first: the template's theme fonts would otherwise win over the
    # explicit names for some scripts.
    styles_el = document.styles.element
    r_pr_default = styles_el.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if r_pr_default is not None:
        _fonts(r_pr_default, BODY_FONT)
        for tag, val in (("w:sz", BODY_PT * 2), ("w:szCs", BODY_PT * 2)):
            el = r_pr_default.find(qn(tag))
            if el is not None:
                el.set(qn("w:val"), str(val))
        lang = r_pr_default.find(qn("w:lang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")

    normal = document.styles["Normal"]
    font = normal.font
    font.size = Pt(BODY_PT)
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = Pt(LINE_PITCH_TWIPS / 20)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.widow_control = False


def _page_number_footer(footer: _Footer, alignment: WD_PARAGRAPH_ALIGNMENT) -> None:
    """``— PAGE —`` in 4号 宋体, one character in from the text block's edge."""
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = alignment
    pf = p.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # The indent is one body character, not one footer character.
    if alignment == WD_PARAGRAPH_ALIGNMENT.RIGHT:
        pf.right_indent = Pt(CHAR_PITCH_PT)
    else:
        pf.left_indent = Pt(CHAR_PITCH_PT)
    _run(p, f"{EM_DASH} ", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_PT)
    _page_field(p)
    _run(p, f" {EM_DASH}", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_PT)


def _page_field(p: Paragraph) -> None:
    """A complex PAGE field (begin / instruction / separate / shown value / end)."""
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("value", "1")):
        run = _run(p, "", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_PT)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "value":
            run.text = text or ""
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
    end = _run(p, "", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_PT)
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)


def _set_properties(document: DocxDocument, doc: OfficialDocument) -> None:
    """File metadata: the issuing body and the title, nothing about any person."""
    props = document.core_properties
    props.author = doc.author or doc.issuer
    props.last_modified_by = doc.author or doc.issuer
    props.title = "".join(doc.title_lines)
    props.subject = doc.number
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    stamp = dt.datetime.combine(doc.date, dt.time(0, 0))
    props.created = stamp
    props.modified = stamp


# -- runs and paragraphs -----------------------------------------------------------------


def _run(p: Paragraph, text: str, *, font: str = BODY_FONT, size: int = BODY_PT) -> Run:
    run = p.add_run(text)
    run.font.size = Pt(size)
    _fonts(run._r.get_or_add_rPr(), font)
    return run


def _fonts(r_pr: BaseOxmlElement, name: str) -> None:
    """Name ``name`` for every script (w:eastAsia included) and drop theme fonts."""
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        r_fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        r_fonts.set(qn(f"w:{attr}"), name)
    r_fonts.set(qn("w:hint"), "eastAsia")


def _indent_chars(p: Paragraph, *, first_line: float = 0, right: float = 0) -> None:
    """Indent in grid characters (w:firstLineChars / w:rightChars, hundredths of a char),
    with the same length in twips for readers that ignore the character units."""
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    if first_line:
        ind.set(qn("w:firstLineChars"), str(round(first_line * 100)))
        ind.set(qn("w:firstLine"), str(round(first_line * CHAR_PITCH_PT * 20)))
    if right:
        ind.set(qn("w:rightChars"), str(round(right * 100)))
        ind.set(qn("w:right"), str(round(right * CHAR_PITCH_PT * 20)))


def _width(text: str) -> float:
    """Width in body characters: ASCII (digits of a date) is half a character."""
    return sum(0.5 if ord(ch) < 0x80 else 1.0 for ch in text)
