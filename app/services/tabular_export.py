"""Headers and rows to a spreadsheet download: .xlsx or .csv, safe to open in Excel.

Every list page exports through here, so the formula-injection guard and the CSV encoding
live in one place.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("xlsx", "csv")
#: Exports stop here; a list longer than this should be filtered first.
MAX_EXPORT_ROWS = 50_000
_MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet should store it: text that Excel would run as a formula
    gets a leading apostrophe; numbers and everything else pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def text_columns(value: Any) -> int:
    """How wide ``value`` shows in a spreadsheet, in characters (CJK characters count two)."""
    text = "" if value is None else str(value)
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in longest)


def fit_columns(sheet: Any, rows: Sequence[Sequence[Any]], widest: int = 60) -> None:
    """Set each column of an openpyxl ``sheet`` wide enough for its longest cell (at most
    ``widest`` characters; longer text wraps)."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    count = max((len(row) for row in rows), default=0)
    for index in range(count):
        width = max((text_columns(row[index]) for row in rows if index < len(row)), default=0)
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), widest)
        if width > widest:
            for cell in sheet[letter]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A one-sheet workbook, written in streaming mode so long lists stay cheap."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([safe_cell(h) for h in headers])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on Windows opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_format(value: str | None) -> str:
    """The requested format (``?format=``); anything unknown means Excel."""
    return value if value in FORMATS else "xlsx"


def table_response(
    name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str
) -> Response:
    """A download named ``name.xlsx`` or ``name.csv`` (``fmt`` as from ``export_format``)."""
    fmt = export_format(fmt)
    data = csv_bytes(headers, rows) if fmt == "csv" else xlsx_bytes(headers, rows)
    return Response(
        data,
        mimetype=_MIMETYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"},
    )
