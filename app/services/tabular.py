"""The one reader of tables that people upload or hand to the command line: CSV, TSV, XLSX.

Every import uses it (findings, quick-win measurements, ``ladder cluster``), so every import
follows the same rules (shared/DOMAIN.md, Limits and readers):

- CSV and TSV are UTF-8 (with or without BOM) or GB18030, which Excel uses for Chinese on
  Windows; any other encoding is refused.
- A cell holding NUL or another control character (anything but tab and newline) is refused,
  with its row and column named: PostgreSQL cannot store NUL, and an .xlsx export cannot
  hold the others.
- At most ``max_rows`` rows after the header, blank rows included; the reader stops there,
  before the rest of the file is read. An .xlsx whose declared size is over the limit is
  refused before any row is read, so a small file of a million rows costs nothing.
- An .xlsx that unpacks to more than ``MAX_XLSX_UNCOMPRESSED`` bytes, carries an XML
  document type declaration (DTD) or has a sheet over the row limit is refused before
  openpyxl parses it (``assessments.xlsx_guard``).

The first non-empty row holds the column names. Messages are in the user's language.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, cast

from flask_babel import gettext as _

from assessments.text_rules import describe_character, first_control_character
from assessments.xlsx_guard import BROKEN_ZIP, scan_workbook

MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024  # refuse zip bombs before openpyxl opens them
MAX_IMPORT_ROWS = 50_000  # findings, KPI measurements (shared/DOMAIN.md)
MAX_CLUSTER_ROWS = 200_000  # ``ladder cluster``
MAX_PROBLEMS = 50  # cell problems listed before the reader stops looking
DELIMITED = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".txt": "\t"}
ENCODINGS = ("utf-8-sig", "gb18030")

Value = str | int | float | bool | date | datetime | time


@dataclass(frozen=True)
class TableProblem:
    """One thing wrong with the file; ``row`` is 1-based as a spreadsheet shows it (0 when
    the whole file is concerned), ``column`` the header name or, failing that, the letter."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s", **self._params())
        return _("Row %(row)s: %(message)s", **self._params())

    def _params(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class TableError(ValueError):
    """The file cannot be imported; ``problems`` says why and where (at least one)."""

    def __init__(self, problems: Sequence[TableProblem] | str) -> None:
        if isinstance(problems, str):
            problems = [TableProblem(0, "", problems)]
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    #: Data rows after the header, blank rows left out. Text cells are ``str`` (stripped,
    #: newlines as ``\n``); an .xlsx also gives numbers, dates and booleans as they are.
    rows: tuple[tuple[Value, ...], ...]
    #: The 1-based line (CSV) or row (XLSX) number of each data row, for messages.
    row_numbers: tuple[int, ...]

    def index(self, name: str) -> int:
        if name not in self.columns:
            raise TableError(
                _(
                    "There is no column “%(name)s”; the columns are: %(columns)s.",
                    name=name,
                    columns=", ".join(self.columns),
                )
            )
        return self.columns.index(name)

    def column(self, name: str) -> list[str]:
        """Every data row's cell of column ``name``, as text."""
        index = self.index(name)
        return [as_text(row[index]) if index < len(row) else "" for row in self.rows]


def as_text(value: Value | None) -> str:
    """A cell as text: whole numbers without ``.0``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


# ------------------------------------------------------------------------------ entry points


def read_upload(filename: str, data: bytes, *, max_rows: int = MAX_IMPORT_ROWS) -> Table:
    """Read an uploaded file by the extension of ``filename`` (never used as a path)."""
    return _read(io.BytesIO(data), Path(filename.replace("\\", "/")).suffix.lower(), max_rows)


def read_table(path: Path, *, max_rows: int = MAX_CLUSTER_ROWS) -> Table:
    """Read ``path`` by its extension: .csv, .tsv/.tab/.txt (tab-separated) or .xlsx. Only
    what the limit needs is read from disk."""
    try:
        with path.open("rb") as stream:
            return _read(stream, path.suffix.lower(), max_rows)
    except OSError as error:
        raise TableError(
            _("Cannot read the file: %(reason)s", reason=error.strerror or str(error))
        ) from error


def _read(stream: IO[bytes], suffix: str, max_rows: int) -> Table:
    if suffix == ".xlsx":
        return _Collector(max_rows).table(_xlsx_rows(stream, max_rows))
    if suffix in DELIMITED:
        return _read_delimited(stream, DELIMITED[suffix], max_rows)
    raise TableError(
        _("Unsupported file type %(suffix)s: use .csv, .tsv or .xlsx.", suffix=suffix or "-")
    )


# ------------------------------------------------------------------------------ CSV / TSV


def _read_delimited(stream: IO[bytes], delimiter: str, max_rows: int) -> Table:
    """Try UTF-8, then GB18030, decoding as the rows are read: a file that is neither fails
    at its first undecodable byte; a file over the limit is not read past it."""
    for encoding in ENCODINGS:
        stream.seek(0)
        # Lines end at \n, \r or \r\n only (a codecs reader would also split at \v, \f…).
        text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            return _Collector(max_rows).table((reader.line_num, row) for row in reader)
        except UnicodeDecodeError:
            continue
        except csv.Error as error:
            raise TableError([TableProblem(reader.line_num, "", str(error))]) from error
        finally:
            text.detach()  # the caller closes the stream
    raise TableError(_("The file is neither UTF-8 nor GB18030 text; save it as UTF-8 CSV."))


# ------------------------------------------------------------------------------ XLSX


def _check_parts(stream: IO[bytes], max_rows: int) -> None:
    """Refuse a zip bomb, a DTD or too many rows before openpyxl unpacks anything. The
    declared sizes are what ``zipfile`` stops reading at, so a lying header gets no further."""
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            found = (
                None if unpacked > MAX_XLSX_UNCOMPRESSED else scan_workbook(archive, max_rows + 1)
            )
    except (*BROKEN_ZIP, ValueError):
        return  # openpyxl will say it is not a workbook
    if unpacked > MAX_XLSX_UNCOMPRESSED:
        raise TableError(_("The Excel file is too large once unpacked."))
    if found is not None and found.kind == "dtd":
        raise TableError(
            _(
                "The Excel file contains an XML document type declaration (DTD); save it "
                "again from Excel."
            )
        )
    if found is not None:
        raise TableError(_too_many_rows(max_rows))


def _xlsx_rows(stream: IO[bytes], max_rows: int) -> Iterator[tuple[int, list[Value | None]]]:
    from openpyxl import load_workbook

    _check_parts(stream, max_rows)
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # extensions openpyxl drops; harmless
            workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that isn't an .xlsx
        raise TableError(_("The file is not a readable Excel file (.xlsx).")) from error
    try:
        if not workbook.worksheets:
            raise TableError(_("The file is not a readable Excel file (.xlsx)."))
        sheet = workbook.worksheets[0]
        declared = sheet.max_row or 0
        if declared > max_rows + 1:
            raise TableError(_too_many_rows(max_rows))
        sheet.reset_dimensions()  # read what is there, not what the file claims
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                # data_only, no rich_text: cells hold plain values, never formulas or rich text
                yield number, cast(list[Value | None], list(row))
        except Exception as error:  # a malformed sheet part
            raise TableError(_("The file is not a readable Excel file (.xlsx).")) from error
    finally:
        workbook.close()


# ------------------------------------------------------------------------------ rows to a table


def _too_many_rows(max_rows: int) -> str:
    return _(
        "The file has more than %(max)s rows after the header; split it into files of at "
        "most %(max)s rows.",
        max=format(max_rows, ","),
    )


class _Collector:
    """Rows in, a :class:`Table` out: header, limit, the text rule per cell."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.problems: list[TableProblem] = []
        self.header: tuple[str, ...] | None = None

    def table(self, rows: Iterator[tuple[int, Sequence[Value | None]]]) -> Table:
        body: list[tuple[int, tuple[Value, ...]]] = []
        after_header = 0
        for number, raw in rows:
            if self.header is not None:
                after_header += 1
                if after_header > self.max_rows:
                    raise TableError(_too_many_rows(self.max_rows))
            cells = tuple(self._cell(number, index, value) for index, value in enumerate(raw))
            if len(self.problems) >= MAX_PROBLEMS:
                break
            if not any(c != "" for c in cells):
                continue
            if self.header is None:
                self.header = tuple(as_text(c) for c in cells)
            else:
                body.append((number, cells))
        if self.problems:
            raise TableError(self.problems)
        if self.header is None:
            raise TableError(_("The file is empty: it has no header row."))
        return Table(self.header, tuple(r for _, r in body), tuple(n for n, _ in body))

    def _cell(self, number: int, index: int, value: Value | None) -> Value:
        if value is None:
            return ""
        if not isinstance(value, str):
            return value
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        bad = first_control_character(text)
        if bad is not None:
            self.problems.append(
                TableProblem(
                    number,
                    self._column_name(index),
                    _(
                        "The text contains a control character (%(char)s), which cannot be "
                        "stored; remove it.",
                        char=describe_character(bad),
                    ),
                )
            )
        return text

    def _column_name(self, index: int) -> str:
        if self.header is not None and index < len(self.header) and self.header[index]:
            return self.header[index]
        from openpyxl.utils import get_column_letter  # openpyxl only where a file is read

        return get_column_letter(index + 1)
