"""A small DOCX builder for official documents in the GB/T 9704-2012 layout (DOMAIN.md §9).

GB/T 9704-2012 (党政机关公文格式): A4; top margin 37 mm, left 28 mm; text block 156×225 mm
(so bottom 35 mm, right 26 mm); 22 lines of 28 characters; body 3号 (16 pt) 仿宋; title 2号
(22 pt) 小标宋, centred; dates in Arabic numerals ("2026年11月23日"); page numbers 4号
(14 pt) half-width 宋体 Arabic numerals between 一字线 ("— 1 —"), odd pages on the right and
even pages on the left, one character in from the edge of the text block.

The grid is the Word way of saying "22 × 28": the section's ``w:docGrid`` of type
``linesAndChars`` with a line pitch of 225 mm / 22 and a character pitch of 156 mm / 28, and
every line at that exact height. Text does not snap to that character grid, though: it is
condensed (``CONDENSE_TWIPS``) so that 28 characters fill a line in Word and LibreOffice
alike.

Two builders share that page: ``build_docx`` for letters, plans and reports (title, number,
主送, body, 落款) and ``build_form_docx`` for the 呈批表 / 登记表 forms (title, number, then a
bordered table of label/value rows whose signature rows carry signer and date).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import _Footer
from docx.shared import Emu, Mm, Pt, Twips
from docx.table import Table, _Cell, _Row
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
# 28 glyphs of 16 pt (448 pt) overrun the 156 mm (442 pt) line. Word squeezes them onto the
# character grid, but LibreOffice gives every glyph wider than a grid cell two cells (14 a
# line). So text does not snap to the character grid and is condensed instead, by 0.4 pt
# (w:spacing, twips): 28 × 15.6 pt fit with room for per-glyph rounding, 29 do not.
CONDENSE_TWIPS = -8
EM_DASH = "\u2014"  # 一字线
# Forms: the label column holds six body characters a line, the values the rest of the block.
LABEL_COLUMN_MM = 40
VALUE_COLUMN_MM = TEXT_WIDTH_MM - LABEL_COLUMN_MM
TABLE_BORDER_EIGHTHS = 6  # w:sz in eighths of a point: a 0.75 pt single rule


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


@dataclass(frozen=True)
class FormRow:
    """One row of a form: a label and its value (lines separated by ``\\n``).

    A signature row (签批栏目) also names the signer and the day signed, printed at the foot
    of the value cell; ``min_lines`` keeps room for handwriting on the printed sheet.
    """

    label: str
    value: str = ""
    signer: str = ""
    signed_on: dt.date | None = None
    min_lines: int = 1


@dataclass(frozen=True)
class OfficialForm:
    """A 呈批表 / 登记表: title, number, then the rows of one bordered two-column table."""

    title_lines: Sequence[str]
    number: str
    rows: Sequence[FormRow]
    issuer: str  # the body the form belongs to (file metadata)
    date: dt.date
    author: str = ""


def chinese_date(day: dt.date) -> str:
    """GB/T 9704-2012 §7.3.5.1: Arabic numerals, no leading zeros: ``2026年3月5日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def build_docx(doc: OfficialDocument) -> bytes:
    """The DOCX file of ``doc`` in the GB/T 9704-2012 layout."""
    document = _new_document()
    _heading(document, doc.title_lines, doc.number)
    document.add_paragraph()  # one blank line before 主送 (GB/T 9704-2012 §7.3.2)

    # A plan or a report kept on file has no 主送; a letter always has one.
    if doc.addressee:
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

    _set_properties(
        document,
        title="".join(doc.title_lines),
        number=doc.number,
        author=doc.author or doc.issuer,
        date=doc.date,
    )
    return _saved(document)


def build_form_docx(form: OfficialForm) -> bytes:
    """The DOCX file of ``form``: the GB/T 9704-2012 page, title and number, then a bordered
    table spanning the 156 mm text block (label column, value column) in 3号 仿宋."""
    document = _new_document()
    _heading(document, form.title_lines, form.number)
    table = _form_table(document, rows=len(form.rows))
    for tr, row in zip(table.rows, form.rows, strict=True):
        _form_row(tr, row)
    # A document may not end in a table: Word and LibreOffice expect a paragraph after it.
    document.add_paragraph()
    _set_properties(
        document,
        title="".join(form.title_lines),
        number=form.number,
        author=form.author or form.issuer,
        date=form.date,
    )
    return _saved(document)


def _new_document() -> DocxDocument:
    document = new_docx()
    _set_up_page(document)
    _set_up_styles(document)
    return document


def _heading(document: DocxDocument, title_lines: Sequence[str], number: str) -> None:
    """Title lines in 2号 小标宋, centred, then the document number centred below them."""
    body = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    first = True
    for line in title_lines:
        p = body if first else document.add_paragraph()
        first = False
        p.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
        _run(p, line, font=TITLE_FONT, size=TITLE_PT)
    p = body if first else document.add_paragraph()
    p.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    _run(p, number)


def _saved(document: DocxDocument) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- forms -------------------------------------------------------------------------------


def _form_table(document: DocxDocument, *, rows: int) -> Table:
    """A two-column table of ``rows`` rows, fixed at the text block's width, ruled on every
    edge."""
    table = document.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed: the widths below are kept as given
    table.columns[0].width = Mm(LABEL_COLUMN_MM)
    table.columns[1].width = Mm(VALUE_COLUMN_MM)
    for tr in table.rows:
        tr.cells[0].width = Mm(LABEL_COLUMN_MM)
        tr.cells[1].width = Mm(VALUE_COLUMN_MM)
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.insert_element_before(tbl_w, "w:jc", "w:tblLayout", "w:tblLook")
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(TEXT_WIDTH_MM / _MM_PER_PT * 20)))
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(TABLE_BORDER_EIGHTHS))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    # CT_TblPr is a sequence: tblBorders comes after tblW/jc and before tblLayout/tblLook.
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )
    return table


def _form_row(tr: _Row, row: FormRow) -> None:
    tr.height = Twips(max(1, row.min_lines) * LINE_PITCH_TWIPS)
    tr.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    if row.signed_on is not None or row.signer:
        # A signature box stays on one page with its label.
        tr._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    label, value = tr.cells
    label.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    label_p = label.paragraphs[0]
    label_p.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    _run(label_p, row.label)
    value.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _cell_lines(value, row.value.splitlines())
    if row.signed_on is not None or row.signer:
        signature = value.add_paragraph()
        signature.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
        parts = [row.signer, chinese_date(row.signed_on) if row.signed_on else ""]
        _run(signature, "\u3000".join(p for p in parts if p))


def _cell_lines(cell: _Cell, lines: Sequence[str]) -> None:
    """One paragraph per line; the cell's own first paragraph takes the first line."""
    first = True
    for line in lines or [""]:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = WD_PARAGRAPH_ALIGNMENT.JUSTIFY
        if line:
            _run(p, line)


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
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    normal.element.get_or_add_pPr().insert_element_before(snap, *_PPR_AFTER_SNAP)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CONDENSE_TWIPS))
    normal.element.get_or_add_rPr().insert_element_before(spacing, *_RPR_AFTER_SPACING)


# Children that follow w:snapToGrid in w:pPr and w:spacing in w:rPr (the schema's order).
_PPR_AFTER_SNAP = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_RPR_AFTER_SPACING = (
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


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


def _set_properties(
    document: DocxDocument, *, title: str, number: str, author: str, date: dt.date
) -> None:
    """File metadata: the issuing body and the title, nothing about any person."""
    props = document.core_properties
    props.author = author
    props.last_modified_by = author
    props.title = title
    props.subject = number
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    stamp = dt.datetime.combine(date, dt.time(0, 0))
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
