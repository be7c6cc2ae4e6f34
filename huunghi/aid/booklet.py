"""The bilingual booklet of a needs catalog edition, for NGO promotion conferences
("hội nghị xúc tiến vận động viện trợ"): a .docx (python-docx) and an .xlsx (openpyxl).

Every heading and label is written in Vietnamese and English whatever the reader's interface
language, so they are fixed pairs of document text here, not interface messages. The booklet
carries the needs approved for the catalog or later, by number, grouped by sector with a
subtotal per sector. The .docx follows Decree 30/2020/ND-CP where it applies to a booklet
(FACTS.md §10): A4, Times New Roman, the union's name top left, the title centred in bold
capitals, page numbers centred in the top margin from page 2.
"""

import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from huunghi.core.dates import format_date_long
from huunghi.core.money import format_vnd, group_thousands
from huunghi.places.models import CodeSystem, UnitLevel
from huunghi.places.selectors import current_province

from .choices import NeedStatus, Priority
from .models import NeedItem, NeedsEdition
from .needs_services import need_catalog_list

FONT = "Times New Roman"

# -- the fixed bilingual text of the booklet ------------------------------------------------
TITLE = ("DANH MỤC NHU CẦU VIỆN TRỢ", "AID NEEDS CATALOG")
YEAR = ("Năm", "Year")
INTRODUCTION = ("LỜI GIỚI THIỆU", "INTRODUCTION")
SUMMARY = ("TỔNG HỢP THEO LĨNH VỰC", "SUMMARY BY SECTOR")
NEEDS_BY_SECTOR = ("DANH SÁCH NHU CẦU THEO LĨNH VỰC", "NEEDS BY SECTOR")
NO = ("STT", "No.")
SECTOR = ("Lĩnh vực", "Sector")
NEED_COUNT = ("Số nhu cầu", "Number of needs")
NEED = ("Tên nhu cầu và mô tả", "Need and description")
LOCATION = ("Địa điểm", "Location")
PROPOSER = ("Đơn vị đề xuất", "Proposed by")
BUDGET = ("Kinh phí dự kiến", "Estimated budget")
BUDGET_VND = ("Kinh phí dự kiến (đồng)", "Estimated budget (VND)")
BENEFICIARIES = ("Đối tượng thụ hưởng", "Beneficiaries")
BENEFICIARY_COUNT = ("Số người thụ hưởng", "Number of beneficiaries")
PRIORITY = ("Mức ưu tiên", "Priority")
STATUS = ("Trạng thái", "Status")
TITLE_VI = ("Tên nhu cầu (tiếng Việt)", "Title (Vietnamese)")
TITLE_EN = ("Tên nhu cầu (tiếng Anh)", "Title (English)")
DESCRIPTION_VI = ("Mô tả (tiếng Việt)", "Description (Vietnamese)")
DESCRIPTION_EN = ("Mô tả (tiếng Anh)", "Description (English)")
SECTOR_VI = ("Lĩnh vực (tiếng Việt)", "Sector (Vietnamese)")
SECTOR_EN = ("Lĩnh vực (tiếng Anh)", "Sector (English)")
COMMUNE = ("Xã, phường", "Commune")
PROVINCE = ("Tỉnh, thành phố", "Province")
SUBTOTAL = ("Cộng", "Subtotal")
TOTAL = ("Tổng cộng", "Total")
NOTHING_YET = (
    "Chưa có nhu cầu nào được duyệt đưa vào danh mục.",
    "No need has been approved for the catalog yet.",
)
PRIORITY_LABELS = {
    Priority.HIGH: ("Cao", "High"),
    Priority.MEDIUM: ("Trung bình", "Medium"),
    Priority.LOW: ("Thấp", "Low"),
}
STATUS_LABELS = {
    NeedStatus.DRAFT: ("Bản nháp", "Draft"),
    NeedStatus.APPROVED: ("Đã duyệt vào danh mục", "Approved for the catalog"),
    NeedStatus.PUBLISHED: ("Đã xuất bản", "Published"),
    NeedStatus.IN_TALKS: ("Đang trao đổi", "In talks"),
    NeedStatus.FUNDED: ("Đã được tài trợ", "Funded"),
    NeedStatus.CLOSED: ("Đã đóng", "Closed"),
}
NONE = "—"
#: prefixes of province names left out of the place line ("Đồng Tháp, ngày …")
_PLACE_PREFIXES = ("Thành phố ", "Tỉnh ")


def edition_filename(edition: NeedsEdition, extension: str) -> str:
    """``danh-muc-nhu-cau-2026.docx``."""
    return f"danh-muc-nhu-cau-{edition.year}.{extension}"


# -- what the booklet shows -----------------------------------------------------------------


@dataclass
class Entry:
    """One need as the booklet shows it."""

    need: NeedItem
    number: str
    commune: str
    province: str
    proposer: str
    beneficiaries: list[str]
    beneficiary_count: int | None

    @property
    def budget(self) -> int | None:
        return self.need.estimated_budget


@dataclass
class SectorGroup:
    sector: object
    entries: list[Entry] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def budget(self) -> int:
        return sum(e.budget or 0 for e in self.entries)


def _location(unit) -> tuple[str, str]:
    """(commune, today's province) of a need's unit."""
    if unit is None:
        return "", ""
    if unit.code_system == CodeSystem.GSO_2025:
        if unit.level == UnitLevel.PROVINCE:
            return "", unit.name
        return unit.name, unit.parent.name if unit.parent_id else ""
    province = current_province(unit)  # a unit from before 1 July 2025: rolled up to today
    return unit.name, province.name if province else ""


def _proposer(need: NeedItem) -> str:
    if need.proposer_id:
        org = need.proposer
        return f"{org.name_vi} ({org.name_en})" if org.name_en else org.name_vi
    return need.proposer_name


def _entry(need: NeedItem) -> Entry:
    commune, province = _location(need.unit)
    lines, total, counted = [], 0, False
    for row in need.beneficiaries.all():
        label = _pair(row.group.name_vi, row.group.name_en)
        if row.number is not None:
            lines.append(f"{label}: {group_thousands(row.number)}")
            total += row.number
            counted = True
        else:
            lines.append(label)
    return Entry(
        need=need,
        number=str(need.number) if need.number is not None else NONE,
        commune=commune,
        province=province,
        proposer=_proposer(need),
        beneficiaries=lines,
        beneficiary_count=total if counted else None,
    )


def booklet_groups(edition: NeedsEdition) -> list[SectorGroup]:
    """The booklet's needs grouped by sector; a sector comes where its first need does."""
    groups: dict[int, SectorGroup] = {}
    for need in need_catalog_list(edition):
        group = groups.setdefault(need.sector_id, SectorGroup(sector=need.sector))
        group.entries.append(_entry(need))
    return list(groups.values())


def _needs(count: int) -> str:
    """A count of needs in both languages: "2 nhu cầu / 2 needs", "1 nhu cầu / 1 need"."""
    return f"{count} nhu cầu / {count} {'need' if count == 1 else 'needs'}"


def _pair(vi: str, en: str, sep: str = " / ") -> str:
    return f"{vi}{sep}{en}" if en and en != vi else vi


_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
    (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def _place(edition: NeedsEdition) -> str:
    unit = edition.organization.unit
    if unit is None:
        return ""
    province = current_province(unit) if unit.level != UnitLevel.PROVINCE else unit
    name = (province or unit).name
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


# -- .docx ----------------------------------------------------------------------------------


def _fonts(rpr, size=None, bold=None):
    """Times New Roman for every script, without the theme fonts that would override it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _setup_styles(document):
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _fonts(rpr)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Heading 1", 14), ("Heading 2", 13), ("Header", 13)):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = name != "Header"
        style.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(style.element.get_or_add_rPr())
        style.paragraph_format.space_before = Pt(12 if name != "Header" else 0)
        style.paragraph_format.space_after = Pt(6)
    document.styles["Heading 1"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _margins(section, landscape=False):
    section.page_width, section.page_height = (
        (Mm(297), Mm(210))
        if landscape
        else (
            Mm(210),
            Mm(297),
        )
    )
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = Mm(30)
    section.right_margin = Mm(15)
    section.header_distance = Mm(10)


def _page_number(paragraph):
    """A PAGE field (Word and LibreOffice fill in the number)."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("t", "2")):
        run = paragraph.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "t":
            run.text = text
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _rule(paragraph):
    """A thin line under a short paragraph (the rule under the union's name and title)."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (
        ("w:val", "single"),
        ("w:sz", "6"),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        bottom.set(qn(attr), value)
    border.append(bottom)
    ppr.insert_element_before(
        border, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr"
    )


def _text(paragraph, text, *, bold=False, italic=False, size=None):
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    return run


def _para(container, text="", *, align=None, bold=False, italic=False, size=None, after=None):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    if text:
        _text(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _cell(cell, lines, *, align=None, size=11):
    """Fill ``cell`` with ``lines``: strings or (text, {"bold":…, "italic":…}) pairs."""
    first = True
    for line in lines:
        text, style = (line, {}) if isinstance(line, str) else line
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.paragraph_format.space_after = Pt(2)
        if align is not None:
            paragraph.alignment = align
        _text(paragraph, text, size=size, **style)


def _bilingual(pair):
    return [(pair[0], {"bold": True}), (pair[1], {"bold": True, "italic": True})]


def _table(document, widths_cm, header):
    table = document.add_table(rows=1, cols=len(widths_cm))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, width in enumerate(widths_cm):
        table.columns[i].width = Cm(width)
    row = table.rows[0]
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on every page
    for cell, pair, width in zip(row.cells, header, widths_cm, strict=True):
        cell.width = Cm(width)
        _cell(cell, _bilingual(pair), align=WD_ALIGN_PARAGRAPH.CENTER)
    return table


def _add_row(table, widths_cm):
    row = table.add_row()
    for cell, width in zip(row.cells, widths_cm, strict=True):
        cell.width = Cm(width)
    return row.cells


def _multiline(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


SUMMARY_WIDTHS = (1.3, 8.2, 2.6, 4.4)
ITEM_WIDTHS = (1.2, 9.0, 3.2, 3.4, 3.0, 3.4, 2.0)


def _docx_heading(document, edition):
    org = edition.organization
    head = document.add_table(rows=1, cols=2)
    head.autofit = False
    left, right = head.rows[0].cells
    for i, (cell, width) in enumerate(((left, Cm(7.5)), (right, Cm(9.0)))):
        head.columns[i].width = cell.width = width
    name = left.paragraphs[0]
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    name.paragraph_format.space_after = Pt(0)
    _text(name, org.name_vi.upper(), bold=True, size=13)
    rule = left.add_paragraph()
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = Cm(2.3)
    _rule(rule)
    if org.name_en:
        _para(left, org.name_en, align=WD_ALIGN_PARAGRAPH.CENTER, italic=True, size=11)
    if edition.published_on:
        place = _place(edition)
        date_line = format_date_long(edition.published_on)
        date_line = f"{place}, {date_line}" if place else date_line.capitalize()
        _cell(right, [(date_line, {"italic": True})], align=WD_ALIGN_PARAGRAPH.CENTER, size=13)

    _para(document, after=12)
    for text in TITLE:
        _para(document, text, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14, after=0)
    _para(
        document,
        f"{YEAR[0].upper()} {edition.year} / {YEAR[1].upper()} {edition.year}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        bold=True,
        size=13,
        after=0,
    )
    _para(document, edition.title_vi, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, after=0)
    if edition.title_en:
        centred = WD_ALIGN_PARAGRAPH.CENTER
        _para(document, edition.title_en, align=centred, bold=True, italic=True, after=0)
    rule = _para(document, after=12)
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = Cm(6.5)
    _rule(rule)


def _docx_introduction(document, edition):
    if not (edition.introduction_vi or edition.introduction_en):
        return
    document.add_paragraph(_pair(*INTRODUCTION), style="Heading 2")
    for text, italic in ((edition.introduction_vi, False), (edition.introduction_en, True)):
        for line in _multiline(text):
            paragraph = _para(document, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, italic=italic)
            paragraph.paragraph_format.first_line_indent = Cm(1)


def _docx_summary(document, groups):
    document.add_paragraph(_pair(*SUMMARY), style="Heading 2")
    table = _table(document, SUMMARY_WIDTHS, (NO, SECTOR, NEED_COUNT, BUDGET_VND))
    for i, group in enumerate(groups, start=1):
        cells = _add_row(table, SUMMARY_WIDTHS)
        _cell(cells[0], [str(i)], align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell(cells[1], [group.sector.name_vi, (group.sector.name_en, {"italic": True})])
        _cell(cells[2], [str(group.count)], align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell(cells[3], [format_vnd(group.budget)], align=WD_ALIGN_PARAGRAPH.RIGHT)
    cells = _add_row(table, SUMMARY_WIDTHS)
    label = cells[0].merge(cells[1])
    _cell(label, [(_pair(*TOTAL), {"bold": True})], align=WD_ALIGN_PARAGRAPH.CENTER)
    count = sum(g.count for g in groups)
    _cell(cells[2], [(str(count), {"bold": True})], align=WD_ALIGN_PARAGRAPH.CENTER)
    budget = sum(g.budget for g in groups)
    _cell(cells[3], [(format_vnd(budget), {"bold": True})], align=WD_ALIGN_PARAGRAPH.RIGHT)


def _docx_sector(document, index, group):
    sector = group.sector
    heading = f"{_roman(index)}. {sector.name_vi.upper()}"
    if sector.name_en:
        heading += f" / {sector.name_en.upper()}"
    document.add_paragraph(heading, style="Heading 2")
    table = _table(
        document, ITEM_WIDTHS, (NO, NEED, LOCATION, PROPOSER, BUDGET_VND, BENEFICIARIES, PRIORITY)
    )
    for entry in group.entries:
        need = entry.need
        cells = _add_row(table, ITEM_WIDTHS)
        _cell(cells[0], [entry.number], align=WD_ALIGN_PARAGRAPH.CENTER)
        lines = [(need.title_vi, {"bold": True})]
        if need.title_en:
            lines.append((need.title_en, {"bold": True, "italic": True}))
        lines += _multiline(need.description_vi)
        lines += [(line, {"italic": True}) for line in _multiline(need.description_en)]
        _cell(cells[1], lines)
        _cell(cells[2], [x for x in (entry.commune, entry.province) if x] or [NONE])
        _cell(cells[3], [entry.proposer or NONE])
        _cell(
            cells[4],
            [format_vnd(entry.budget) if entry.budget is not None else NONE],
            align=WD_ALIGN_PARAGRAPH.RIGHT,
        )
        _cell(cells[5], entry.beneficiaries or [NONE])
        priority = PRIORITY_LABELS.get(need.priority, (need.priority, need.priority))
        _cell(cells[6], [priority[0], (priority[1], {"italic": True})])
    cells = _add_row(table, ITEM_WIDTHS)
    label = cells[0].merge(cells[3])
    _cell(
        label,
        [
            (f"{SUBTOTAL[0]}: {sector.name_vi} ({_needs(group.count)})", {"bold": True}),
            (f"{SUBTOTAL[1]}: {sector.name_en or sector.name_vi}", {"bold": True, "italic": True}),
        ],
    )
    _cell(cells[4], [(format_vnd(group.budget), {"bold": True})], align=WD_ALIGN_PARAGRAPH.RIGHT)
    cells[5].merge(cells[6])


def edition_docx(edition: NeedsEdition) -> bytes:
    """The booklet of ``edition`` as a .docx: heading, title, introduction, a summary by
    sector, then (on landscape A4) a table of needs per sector with its subtotal."""
    groups = booklet_groups(edition)
    document = Document()
    _setup_styles(document)
    props = document.core_properties
    props.title = f"{TITLE[0].capitalize()} {edition.year} / {TITLE[1].capitalize()} {edition.year}"
    props.author = edition.organization.name_vi
    props.language = "vi-VN"

    first = document.sections[0]
    _margins(first)
    first.different_first_page_header_footer = True  # no number on page 1
    first.first_page_header.is_linked_to_previous = False  # an empty header of its own
    _page_number(first.header.paragraphs[0])

    _docx_heading(document, edition)
    _docx_introduction(document, edition)
    if not groups:
        _para(document, NOTHING_YET[0], align=WD_ALIGN_PARAGRAPH.CENTER)
        _para(document, NOTHING_YET[1], align=WD_ALIGN_PARAGRAPH.CENTER, italic=True)
    else:
        _docx_summary(document, groups)
        wide = document.add_section(WD_SECTION.NEW_PAGE)
        _margins(wide, landscape=True)
        wide.different_first_page_header_footer = False  # numbered from its first page
        document.add_paragraph(_pair(*NEEDS_BY_SECTOR), style="Heading 1")
        for index, group in enumerate(groups, start=1):
            _docx_sector(document, index, group)
        total = _para(document, align=WD_ALIGN_PARAGRAPH.RIGHT)
        total.paragraph_format.space_before = Pt(12)
        count = sum(g.count for g in groups)
        _text(
            total,
            f"{TOTAL[0]} / {TOTAL[1]}: {_needs(count)} — "
            f"{format_vnd(sum(g.budget for g in groups))}",
            bold=True,
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- .xlsx ----------------------------------------------------------------------------------

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MONEY = "#,##0"
_SHEET_NEEDS = "Nhu cầu - Needs"
_SHEET_SUMMARY = "Tổng hợp - Summary"


def _header_text(pair) -> str:
    return f"{pair[0]}\n{pair[1]}"


def _sheet_title(ws, edition, width):
    title = f"{TITLE[0]} {YEAR[0].upper()} {edition.year} / {TITLE[1]} {edition.year}"
    ws.cell(row=1, column=1, value=title).font = Font(name=FONT, bold=True, size=14)
    subtitle = f"{edition.organization.name_vi} — {_pair(edition.title_vi, edition.title_en)}"
    ws.cell(row=2, column=1, value=subtitle).font = Font(name=FONT, italic=True, size=12)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def _header_row(ws, row, columns):
    for col, (pair, width) in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=col, value=_header_text(pair))
        cell.font = Font(name=FONT, bold=True, size=11)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[row].height = 32
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _body_cell(ws, row, col, value, *, money=False, bold=False):
    cell = ws.cell(row=row, column=col, value=value)
    cell.font = Font(name=FONT, size=11, bold=bold)
    cell.border = _BORDER
    cell.alignment = _WRAP
    if money or isinstance(value, int):
        cell.number_format = _MONEY
    return cell


def _print_setup(ws, header_row):
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"


NEED_COLUMNS = (
    (NO, 7),
    (TITLE_VI, 36),
    (TITLE_EN, 36),
    (DESCRIPTION_VI, 50),
    (DESCRIPTION_EN, 50),
    (SECTOR_VI, 22),
    (SECTOR_EN, 22),
    (COMMUNE, 20),
    (PROVINCE, 20),
    (PROPOSER, 30),
    (BUDGET_VND, 20),
    (BENEFICIARIES, 36),
    (BENEFICIARY_COUNT, 16),
    (PRIORITY, 14),
    (STATUS, 20),
)
SUMMARY_COLUMNS = ((NO, 7), (SECTOR_VI, 36), (SECTOR_EN, 36), (NEED_COUNT, 16), (BUDGET_VND, 24))


def edition_xlsx(edition: NeedsEdition) -> bytes:
    """The booklet of ``edition`` as an .xlsx: a sheet of needs by number (bilingual header
    row, frozen, real numbers for budgets and beneficiaries) and a summary sheet by sector
    with a subtotal per sector and the total."""
    groups = booklet_groups(edition)
    entries = sorted(
        (e for g in groups for e in g.entries),
        key=lambda e: (e.need.number is None, e.need.number or 0, e.need.pk),
    )
    wb = Workbook()
    ws = wb.active
    ws.title = _SHEET_NEEDS
    _sheet_title(ws, edition, len(NEED_COLUMNS))
    header = 3
    _header_row(ws, header, NEED_COLUMNS)
    for row, entry in enumerate(entries, start=header + 1):
        need, sector = entry.need, entry.need.sector
        priority = PRIORITY_LABELS.get(need.priority, (need.priority, need.priority))
        status = STATUS_LABELS.get(need.status, (need.status, need.status))
        values = (
            need.number,
            need.title_vi,
            need.title_en,
            need.description_vi,
            need.description_en,
            sector.name_vi,
            sector.name_en,
            entry.commune,
            entry.province,
            entry.proposer,
            entry.budget,
            "\n".join(entry.beneficiaries),
            entry.beneficiary_count,
            _pair(*priority),
            _pair(*status),
        )
        for col, value in enumerate(values, start=1):
            _body_cell(ws, row, col, value if value != "" else None, money=col == 11)
    if entries:
        ws.auto_filter.ref = (
            f"A{header}:{get_column_letter(len(NEED_COLUMNS))}{header + len(entries)}"
        )
    _print_setup(ws, header)

    summary = wb.create_sheet(_SHEET_SUMMARY)
    _sheet_title(summary, edition, len(SUMMARY_COLUMNS))
    _header_row(summary, header, SUMMARY_COLUMNS)
    row = header
    for row, group in enumerate(groups, start=header + 1):
        values = (
            row - header,
            group.sector.name_vi,
            group.sector.name_en,
            group.count,
            group.budget,
        )
        for col, value in enumerate(values, start=1):
            _body_cell(summary, row, col, value, money=col == 5)
    row += 1
    total = (_pair(*TOTAL), None, None, sum(g.count for g in groups), sum(g.budget for g in groups))
    for col, value in enumerate(total, start=1):
        _body_cell(summary, row, col, value, money=col == 5, bold=True)
    summary.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    if not groups:
        summary.cell(row=row + 2, column=1, value=_pair(*NOTHING_YET, sep=" "))
    _print_setup(summary, header)

    wb.properties.title = f"{TITLE[0]} {edition.year} / {TITLE[1]} {edition.year}"
    wb.properties.creator = edition.organization.name_vi
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
