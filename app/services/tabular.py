"""Read a table of rows from CSV, TSV or XLSX, the way people save pain points.

CSV and TSV may be UTF-8 (with or without BOM) or GB18030, which Excel uses for Chinese
on Windows. The first non-empty row holds the column names.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024  # refuse zip bombs before openpyxl opens them


class TableError(ValueError):
    """The file cannot be read as a table; the message says why and where."""


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: 1-based line (CSV) or row (XLSX) number of each data row, for messages.
    row_numbers: tuple[int, ...]

    def column(self, name: str) -> list[str]:
        if name not in self.columns:
            raise TableError(f"no column {name!r}; the columns are: {', '.join(self.columns)}")
        index = self.columns.index(name)
        return [row[index] if index < len(row) else "" for row in self.rows]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("the file is neither UTF-8 nor GB18030 text")


def _from_rows(raw: list[tuple[int, list[str]]]) -> Table:
    raw = [(n, [cell.strip() for cell in row]) for n, row in raw]
    while raw and not any(raw[0][1]):
        raw.pop(0)
    if not raw:
        raise TableError("the file has no header row")
    header = tuple(raw[0][1])
    body = [(n, tuple(row)) for n, row in raw[1:] if any(row)]
    return Table(header, tuple(r for _, r in body), tuple(n for n, _ in body))


def read_delimited(data: bytes, delimiter: str) -> Table:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise TableError(f"line {reader.line_num}: {error}") from error
    return _from_rows(rows)


def unpacks_too_large(data: bytes, limit: int = MAX_XLSX_UNCOMPRESSED) -> bool:
    """Whether the .xlsx (a zip) in ``data`` declares more than ``limit`` bytes once
    unpacked: a zip bomb. The declared sizes are what ``zipfile`` stops reading at, so a
    lying header cannot get more past. Data that is not a zip is not too large."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist()) > limit
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    if unpacks_too_large(data):
        raise TableError("the workbook is too large once unpacked")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise TableError("not an Excel .xlsx file") from error
    try:
        sheet = workbook.worksheets[0]
        rows = [
            (number, ["" if cell is None else str(cell) for cell in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    return _from_rows(rows)


def read_table(path: Path) -> Table:
    """Read ``path`` by its extension: .csv, .tsv/.tab/.txt (tab-separated) or .xlsx."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TableError(f"cannot read the file: {error.strerror}") from error
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(data)
    if suffix in {".tsv", ".tab", ".txt"}:
        return read_delimited(data, "\t")
    if suffix == ".csv":
        return read_delimited(data, ",")
    raise TableError(f"unsupported file type {suffix or '(none)'}: use .csv, .tsv or .xlsx")
