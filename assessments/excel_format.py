"""The .xlsx layout of an exported assessment, and the rules for reading a filled one back.

One sheet per process area (named by its code) with five header rows and one row per
practice; an instructions sheet in Chinese and English; a very hidden ``ladder`` sheet that
carries the assessment id and the version the file was exported at, so an import can tell a
file exported before someone else's save.

Reading is defensive, because the file comes from a user: the size, the zip archive (number
of parts, uncompressed size, XML DTDs) and the number of rows are checked before and while
openpyxl reads it, and every problem is reported with its sheet, row and column, all at once,
as :class:`Problem` values with a ``code`` and ``params`` that the caller turns into
sentences in the user's language.

Decisions: sheets left out of the file are fine (their practices keep their saved values);
a sheet whose name is not a process area in scope is an error; an empty rating cell means
"not rated"; blank rows are skipped.

Pure domain code: no Flask, no database.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessments.maturity_model.model import RATING_SCALE, Text
from assessments.text_rules import describe_character, first_control_character
from assessments.xlsx_guard import BROKEN_ZIP, scan_workbook

__all__ = [
    "COLUMNS",
    "FIRST_DATA_ROW",
    "FORMAT_ID",
    "INSTRUCTIONS_SHEET",
    "META_SHEET",
    "AreaSheet",
    "Column",
    "ImportLimits",
    "ParsedRow",
    "ParsedWorkbook",
    "Problem",
    "SheetRow",
    "WorkbookExport",
    "build_workbook",
    "read_workbook",
]

FORMAT_ID = "ladder-assessment-1"
META_SHEET = "ladder"
INSTRUCTIONS_SHEET = "说明 Instructions"
FIRST_DATA_ROW = 6
HEADER_ROW = FIRST_DATA_ROW - 1
_URL = re.compile(r"^https?://\S+$")
_ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class Column:
    key: str
    letter: str
    title: Text
    width: int
    editable: bool


COLUMNS: tuple[Column, ...] = (
    Column("practice_id", "A", Text("实践编号", "Practice id"), 14, False),
    Column("goal", "B", Text("目标", "Goal"), 28, False),
    Column("practice", "C", Text("实践", "Practice"), 44, False),
    Column("rating", "D", Text("评级", "Rating"), 9, True),
    Column("evidence", "E", Text("证据", "Evidence"), 48, True),
    Column("links", "F", Text("链接（每行一个）", "Links (one per line)"), 36, True),
    Column("comment", "G", Text("备注", "Comment"), 30, True),
    Column("na_reason", "H", Text("不适用原因", "NA reason"), 30, True),
)
_LETTER = {column.key: column.letter for column in COLUMNS}
_TEXT_COLUMNS = ("evidence", "links", "comment", "na_reason")

_INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("如何填写", "How to fill in this file"),
    (
        "每个过程域一个工作表，工作表名称是过程域代码，请不要改名。",
        "One sheet per process area, named by its code; do not rename the sheets.",
    ),
    (
        "在“评级”列从下拉列表中选择 FI（完全实施）、LI（大部分实施）、PI（部分实施）、"
        "NI（未实施）或 NA（不适用）；留空表示尚未评级。",
        "In the Rating column pick FI (fully), LI (largely), PI (partially), NI (not "
        "implemented) or NA (not applicable) from the list; leave it empty if not rated yet.",
    ),
    (
        "选择 NA 时必须在“不适用原因”列写明原因。",
        "NA needs a reason in the NA reason column.",
    ),
    (
        "证据写在“证据”列；链接写在“链接”列，每行一个，以 http:// 或 https:// 开头。",
        "Write the evidence in the Evidence column; links go in the Links column, one per "
        "line, starting with http:// or https://.",
    ),
    (
        "实践编号、目标和实践列受保护，请不要修改，也不要增加新行。",
        "The practice id, goal and practice columns are protected: do not change them or add rows.",
    ),
    (
        "填好后在 Ladder 的评估页面导入本文件。导入时会检查每一行，只要有一个问题就不会保存"
        "任何内容，并列出每个问题所在的工作表、行和列。",
        "When done, import the file on the assessment's page in Ladder. Every row is checked; "
        "if any row has a problem nothing is saved and each problem is listed with its "
        "sheet, row and column.",
    ),
    (
        "如果导出之后有人在 Ladder 中保存过这个评估，导入会被拒绝，除非您确认覆盖。",
        "If someone saved this assessment in Ladder after the export, the import is refused "
        "unless you confirm that your file should overwrite it.",
    ),
)


# ------------------------------------------------------------------------------ export


@dataclass(frozen=True)
class SheetRow:
    practice_id: str
    goal: str
    practice: str
    rating: str | None = None
    evidence: str = ""
    links: str = ""
    comment: str = ""
    na_reason: str = ""


@dataclass(frozen=True)
class AreaSheet:
    code: str
    name: str
    rows: tuple[SheetRow, ...]


@dataclass(frozen=True)
class WorkbookExport:
    """Everything an export shows; texts already in the user's language."""

    language: str
    assessment_id: int
    version: int
    model: str
    cycle: str
    business_line: str
    areas: tuple[AreaSheet, ...]


def build_workbook(export: WorkbookExport) -> bytes:
    """The .xlsx bytes of ``export``: instructions, one sheet per area, the hidden meta."""
    workbook = Workbook()
    instructions = workbook.worksheets[0]
    instructions.title = INSTRUCTIONS_SHEET
    _write_instructions(instructions)
    for area in export.areas:
        _write_area(workbook.create_sheet(area.code), export, area)
    meta = workbook.create_sheet(META_SHEET)
    for row in (
        ("format", FORMAT_ID),
        ("assessment_id", export.assessment_id),
        ("version", export.version),
    ):
        meta.append(row)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_instructions(sheet: Worksheet) -> None:
    sheet.column_dimensions["A"].width = 70
    sheet.column_dimensions["B"].width = 90
    for row, (zh, en) in enumerate(_INSTRUCTIONS, start=1):
        sheet.cell(row, 1, zh).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row, 2, en).alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = sheet["B1"].font = Font(bold=True, size=13)


def _write_area(sheet: Worksheet, export: WorkbookExport, area: AreaSheet) -> None:
    language = export.language
    heads = (
        (Text("模型", "Model"), export.model),
        (Text("评估周期", "Cycle"), export.cycle),
        (Text("业务线", "Business line"), export.business_line),
        (Text("过程域", "Process area"), f"{area.code} {area.name}"),
    )
    for row, (label, value) in enumerate(heads, start=1):
        sheet.cell(row, 1, label.get(language)).font = Font(bold=True)
        _set_text(sheet.cell(row, 2), value)
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    unlocked = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column in COLUMNS:
        cell = sheet[f"{column.letter}{HEADER_ROW}"]
        cell.value = column.title.get(language)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        sheet.column_dimensions[column.letter].width = column.width
    for offset, practice in enumerate(area.rows):
        row = FIRST_DATA_ROW + offset
        for column in COLUMNS:
            cell = sheet[f"{column.letter}{row}"]
            _set_text(cell, getattr(practice, column.key) or "")
            cell.alignment = wrap
            if column.editable:
                cell.protection = unlocked
    last = FIRST_DATA_ROW + max(len(area.rows), 1) - 1
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(RATING_SCALE) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="FI / LI / PI / NI / NA",
        error="请选择 FI、LI、PI、NI 或 NA / Pick FI, LI, PI, NI or NA",
    )
    choices.add(f"{_LETTER['rating']}{FIRST_DATA_ROW}:{_LETTER['rating']}{last}")
    sheet.add_data_validation(choices)
    sheet.freeze_panes = f"{_LETTER['rating']}{FIRST_DATA_ROW}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.formatCells = False


def _set_text(cell: Cell | MergedCell, value: str) -> None:
    """Write a value as plain text: never a formula, never a control character."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if value.startswith("="):
        cell.data_type = "s"


# ------------------------------------------------------------------------------ import


@dataclass(frozen=True)
class ImportLimits:
    """Refuse files beyond these before (or while) reading them: zip bombs, huge sheets."""

    max_bytes: int = 5 * 1024 * 1024
    max_uncompressed_bytes: int = 50 * 1024 * 1024
    max_parts: int = 500
    max_rows_per_sheet: int = 2000
    max_text: int = 5000


@dataclass(frozen=True)
class Problem:
    """One problem of an imported file. ``code`` names the rule; ``params`` fill the message."""

    code: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ParsedRow:
    sheet: str
    row: int
    practice_id: str
    rating: str | None
    evidence: str
    links: str
    comment: str
    na_reason: str


@dataclass(frozen=True)
class ParsedWorkbook:
    assessment_id: int | None
    version: int | None
    rows: tuple[ParsedRow, ...]
    problems: tuple[Problem, ...]


def read_workbook(
    data: bytes,
    areas: Mapping[str, Sequence[str]],
    limits: ImportLimits | None = None,
) -> ParsedWorkbook:
    """Read a filled export. ``areas`` maps each area code in scope to its practice ids.

    Never raises for a bad file: every problem found is in ``problems`` (when the file
    itself cannot be read, that is the only problem).
    """
    limits = limits or ImportLimits()
    fatal = _check_archive(data, limits)
    if fatal is not None:
        return ParsedWorkbook(None, None, (), (fatal,))
    try:
        with warnings.catch_warnings():
            # Files saved by Excel carry extensions openpyxl warns about and drops; harmless.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any failure to parse a user's file means "not a readable .xlsx"
        return ParsedWorkbook(None, None, (), (Problem("not_excel"),))
    try:
        return _read_sheets(workbook, areas, limits)
    finally:
        workbook.close()


def _check_archive(data: bytes, limits: ImportLimits) -> Problem | None:
    if len(data) > limits.max_bytes:
        return Problem("too_large", params={"max_mb": limits.max_bytes // (1024 * 1024)})
    if not data.startswith(_ZIP_SIGNATURE):
        return Problem("not_excel")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > limits.max_parts:
                return Problem("too_many_parts", params={"max": limits.max_parts})
            if sum(part.file_size for part in parts) > limits.max_uncompressed_bytes:
                return Problem(
                    "too_large_uncompressed",
                    params={"max_mb": limits.max_uncompressed_bytes // (1024 * 1024)},
                )
            names = {part.filename for part in parts}
            if "xl/workbook.xml" not in names:
                return Problem("not_excel")
            found = scan_workbook(
                archive,
                limits.max_rows_per_sheet + FIRST_DATA_ROW - 1,
                skip=frozenset((META_SHEET, INSTRUCTIONS_SHEET)),
            )
            if found is not None and found.kind == "dtd":
                return Problem("not_excel")
            if found is not None:
                return Problem(
                    "too_many_rows",
                    sheet=found.sheet,
                    row=FIRST_DATA_ROW + limits.max_rows_per_sheet,
                    params={"max": limits.max_rows_per_sheet},
                )
    except BROKEN_ZIP:
        return Problem("not_excel")
    return None


def _read_sheets(
    workbook: Any, areas: Mapping[str, Sequence[str]], limits: ImportLimits
) -> ParsedWorkbook:
    problems: list[Problem] = []
    assessment_id, version = _read_meta(workbook, problems)
    owner = {pid: code for code, ids in areas.items() for pid in ids}
    seen: dict[str, int] = {}
    rows: list[ParsedRow] = []
    for name in workbook.sheetnames:
        if name in (META_SHEET, INSTRUCTIONS_SHEET):
            continue
        if name not in areas:
            problems.append(Problem("unknown_sheet", sheet=name, params={"known": sorted(areas)}))
            continue
        for number, values in _data_rows(workbook[name], limits, problems):
            parsed = _read_row(name, number, values, owner, seen, limits, problems)
            if parsed is not None:
                rows.append(parsed)
    return ParsedWorkbook(assessment_id, version, tuple(rows), tuple(problems))


def _read_meta(workbook: Any, problems: list[Problem]) -> tuple[int | None, int | None]:
    if META_SHEET not in workbook.sheetnames:
        problems.append(Problem("not_ladder_export"))
        return None, None
    values: dict[str, object] = {}
    for index, row in enumerate(workbook[META_SHEET].iter_rows(max_col=2, values_only=True)):
        if index >= 10:
            break
        if row and isinstance(row[0], str):
            values[row[0]] = row[1] if len(row) > 1 else None
    assessment_id, version = values.get("assessment_id"), values.get("version")
    if (
        values.get("format") != FORMAT_ID
        or not isinstance(assessment_id, int)
        or not isinstance(version, int)
    ):
        problems.append(Problem("not_ladder_export"))
        return None, None
    return assessment_id, version


def _data_rows(
    sheet: Any, limits: ImportLimits, problems: list[Problem]
) -> Iterator[tuple[int, tuple[str, ...]]]:
    width = len(COLUMNS)
    for offset, values in enumerate(
        sheet.iter_rows(min_row=FIRST_DATA_ROW, max_col=width, values_only=True)
    ):
        number = FIRST_DATA_ROW + offset
        if offset >= limits.max_rows_per_sheet:  # blank rows count too: they cost time
            problems.append(
                Problem(
                    "too_many_rows",
                    sheet=sheet.title,
                    row=number,
                    params={"max": limits.max_rows_per_sheet},
                )
            )
            return
        cells = tuple(_as_text(value) for value in values) + ("",) * (width - len(values))
        if any(cells):
            yield number, cells


def _read_row(
    sheet: str,
    number: int,
    values: tuple[str, ...],
    owner: Mapping[str, str],
    seen: dict[str, int],
    limits: ImportLimits,
    problems: list[Problem],
) -> ParsedRow | None:
    cell = dict(zip((column.key for column in COLUMNS), values, strict=True))
    found: list[Problem] = []

    def problem(code: str, key: str, **params: Any) -> None:
        found.append(Problem(code, sheet=sheet, row=number, column=_LETTER[key], params=params))

    practice_id = cell["practice_id"]
    rating = cell["rating"].upper() or None
    if not practice_id:
        problem("missing_practice_id", "practice_id")
    elif practice_id not in owner:
        problem("unknown_practice", "practice_id", id=practice_id)
    elif owner[practice_id] != sheet:
        problem("practice_in_other_sheet", "practice_id", id=practice_id, area=owner[practice_id])
    elif practice_id in seen:
        problem("duplicate_practice", "practice_id", id=practice_id, first_row=seen[practice_id])
    else:
        seen[practice_id] = number
    if rating is not None and rating not in RATING_SCALE:
        problem("bad_rating", "rating", value=cell["rating"][:20])
    if rating == "NA" and not cell["na_reason"]:
        problem("na_without_reason", "na_reason")
    for key in _TEXT_COLUMNS:
        bad = first_control_character(cell[key])
        if bad is not None:
            problem("control_character", key, char=describe_character(bad))
        if len(cell[key]) > limits.max_text:
            problem("too_long", key, max=limits.max_text, length=len(cell[key]))
    for line in cell["links"].splitlines():
        if line.strip() and not _URL.match(line.strip()):
            problem("bad_link", "links", value=line.strip()[:80])
    if found:
        problems.extend(found)
        return None
    return ParsedRow(
        sheet=sheet,
        row=number,
        practice_id=practice_id,
        rating=rating,
        evidence=cell["evidence"],
        links=cell["links"],
        comment=cell["comment"],
        na_reason=cell["na_reason"] if rating == "NA" else "",
    )


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()
