"""Reports as PDF (fpdf2): charts as PNG, the tables, Chinese text, and on every page the
report's title, cycle and date in the header and the page number in the footer.

The CJK font is the one the charts use (``charts.cjk_font``), embedded as a subset;
fpdf2 reads the face out of Debian's Noto CJK ``.ttc`` collection directly. The collection is
19.5 MB: its character map and widths are read once per process (:func:`_loaded_font`), and
each document gets a copy of that font with its own glyph subset and its own lazily opened
file, which fpdf2 subsets and closes when it writes the document.
"""

from __future__ import annotations

import copy
import functools
import io
import threading
from collections.abc import Mapping, Sequence
from typing import Any, cast

from flask_babel import gettext as _
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import Align, TableCellFillMode
from fpdf.fonts import FontFace, SubsetMap, TTFFont
from PIL import Image

from app.services.reports.build import Report
from app.services.reports.charts import cjk_font
from app.services.reports.exports import ReportTable, report_tables

FONT = "ladder-cjk"
#: Tables wider than this many columns are left to their chart (the heatmap of the full
#: CMMI model has 23).
MAX_TABLE_COLUMNS = 10
_HEADING_FILL = (240, 243, 247)
_HEADER_FILL = (214, 224, 235)


class NoFont(RuntimeError):
    """No CJK font is installed: the PDF could not show Chinese."""


class _Document(FPDF):
    def __init__(self, title: str, subtitle: str, footer_label: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
        self.report_subtitle = subtitle
        self.footer_label = footer_label

    def header(self) -> None:
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.report_title, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 6, self.report_subtitle, align="R", new_x="LMARGIN", new_y="NEXT")
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.footer_label.replace("{page}", str(self.page_no())), align="C")


def _text(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _table(pdf: FPDF, table: ReportTable) -> None:
    pdf.set_font(FONT, size=8)
    with pdf.table(
        headings_style=FontFace(fill_color=_HEADER_FILL),
        cell_fill_color=_HEADING_FILL,
        cell_fill_mode=TableCellFillMode.ROWS,
        line_height=5,
        text_align="LEFT",
    ) as grid:
        header = grid.row()
        for heading in table.headers:
            header.cell(heading)
        for values in table.rows:
            row = grid.row()
            for value in values:
                row.cell(_text(value))


def _image(pdf: FPDF, png: bytes) -> None:
    """The chart at the page's width, or smaller to fit a page's height."""
    with Image.open(io.BytesIO(png)) as picture:
        width_px, height_px = picture.size
    width = pdf.epw
    height = width * height_px / width_px
    room = pdf.eph - 16
    if height > room:
        width, height = width * room / height, room
    pdf.image(io.BytesIO(png), x=Align.C, w=width, h=height)


_font_lock = threading.Lock()


@functools.cache
def _loaded_font(path: str, index: int) -> TTFFont:
    """The font as fpdf2 reads it (character map, widths, metrics): about a second of work on
    the CJK collection, done once per process. Never written to: documents use copies."""
    with _font_lock:
        reader = FPDF()
        reader.add_font(FONT, fname=path, collection_font_number=index)
        font = cast(TTFFont, reader.fonts[FONT])  # a font file, not a PDF core font
        font.close()  # documents open the file themselves
        return font


def _add_cjk_font(pdf: FPDF, path: str, index: int) -> None:
    """Give ``pdf`` the CJK font: a copy of the loaded one with its own glyph subset, widths
    and file handle (fpdf2 subsets the handle's tables in place when it writes the PDF)."""
    loaded = _loaded_font(path, index)
    if loaded.color_font is not None:  # a colour font refers to its reader: load it afresh
        pdf.add_font(FONT, fname=path, collection_font_number=index)
        return
    font = copy.copy(loaded)
    font.ttfont = ttLib.TTFont(path, recalcTimestamp=False, fontNumber=index, lazy=True)
    font.cw = copy.copy(loaded.cw)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None  # fpdf2 makes it on demand
    font.subset = SubsetMap(font)
    pdf.fonts[FONT] = font


def _new_document(title: str, subtitle: str) -> _Document:
    font = cjk_font()
    if font is None:
        raise NoFont("no CJK font is installed (Debian: apt-get install fonts-noto-cjk)")
    path, index = font
    pdf = _Document(title, subtitle, _("Page %(page)s of %(pages)s", page="{page}", pages="{nb}"))
    _add_cjk_font(pdf, path, index)
    pdf.set_title(title)
    pdf.set_creator("Ladder")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font(FONT, size=16)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    return pdf


def _section(pdf: FPDF, table: ReportTable, chart: bytes | None = None) -> None:
    pdf.ln(4)
    pdf.set_font(FONT, size=12)
    pdf.cell(0, 8, table.title, new_x="LMARGIN", new_y="NEXT")
    if table.note and (table.rows or chart is not None):
        pdf.set_font(FONT, size=9)
        pdf.multi_cell(0, 5, table.note, new_x="LMARGIN", new_y="NEXT")
    if chart is not None:
        _image(pdf, chart)
    if table.rows and len(table.headers) <= MAX_TABLE_COLUMNS:
        _table(pdf, table)


def report_pdf(
    report: Report,
    *,
    title: str,
    subtitle: str,
    summary: Sequence[str],
    charts: Mapping[str, bytes],
) -> bytes:
    """The report as PDF bytes; ``charts`` maps table keys to PNG images shown above them."""
    pdf = _new_document(title, subtitle)
    pdf.set_font(FONT, size=10)
    for line in summary:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    for table in report_tables(report):
        if table.rows or table.key in charts:
            _section(pdf, table, charts.get(table.key))
    return bytes(pdf.output())


def tables_pdf(
    *, title: str, subtitle: str, summary: Sequence[str], tables: Sequence[ReportTable]
) -> bytes:
    """Any list of tables as a PDF with the same header, footer and CJK font as reports."""
    pdf = _new_document(title, subtitle)
    pdf.set_font(FONT, size=10)
    for line in summary:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    for table in tables:
        _section(pdf, table)
    return bytes(pdf.output())
