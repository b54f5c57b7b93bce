"""Findings to and from files: Excel export of a filtered list, CSV/Excel import of pain
points. Imports are all-or-nothing and report every problem with its row and column."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.params import parse_id
from app.services.audit import record_change
from app.services.errors import ServiceError
from app.services.findings.records import MAX_TEXT, area_names, reference_model
from app.services.imports import importer
from app.services.tabular import MAX_IMPORT_ROWS, TableError, as_text, read_upload
from app.services.tabular_export import xlsx_bytes
from models import BusinessLine, Finding, FindingSource, User

IMPORT_COLUMNS = ("text", "business_line", "severity", "category", "process_area")
REQUIRED_COLUMNS = ("text", "business_line")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


class ImportFailed(ServiceError):
    """Nothing was imported; ``errors`` lists every problem found."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(_("Nothing was imported: correct the rows below and upload again."))
        self.errors = list(errors)


# ------------------------------------------------------------------------------ export


def export_workbook(findings: Iterable[Finding], headers: Sequence[str], row_of: Any) -> bytes:
    """An .xlsx of ``findings``: ``headers`` then ``row_of(finding)`` per finding; every
    text cell is made formula-safe."""
    return xlsx_bytes(headers, (row_of(finding) for finding in findings))


# ------------------------------------------------------------------------------ import


def _header(columns: Sequence[str]) -> dict[str, int]:
    return {name.strip().lower(): i for i, name in enumerate(columns) if name.strip()}


def _cell(row: Sequence[Any], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(row):
        return ""
    return as_text(row[index]).strip()


def parse_import(
    filename: str, data: bytes, known_areas: frozenset[str]
) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Rows as finding values, and every problem (row numbers as in the file)."""
    try:
        table = read_upload(filename, data, max_rows=MAX_IMPORT_ROWS)
    except TableError as error:
        return [], [RowError(p.row, p.column, p.message) for p in error.problems]
    columns = _header(table.columns)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        return [], [
            RowError(1, name, _("The column %(name)s is missing.", name=name)) for name in missing
        ]
    lines = {
        code.upper(): line_id
        for line_id, code in db.session.execute(select(BusinessLine.id, BusinessLine.code))
    }
    values: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        parsed, row_errors = _parse_row(number, row, columns, lines, known_areas)
        errors += row_errors
        if parsed is not None:
            values.append(parsed)
    if not values and not errors:
        errors.append(RowError(2, "", _("The file has no rows to import.")))
    return values, errors


def _parse_row(
    number: int,
    row: Sequence[Any],
    columns: dict[str, int],
    lines: dict[str, int],
    known_areas: frozenset[str],
) -> tuple[dict[str, Any] | None, list[RowError]]:
    errors = []
    text = _cell(row, columns, "text")
    if not text:
        errors.append(RowError(number, "text", _("The text is empty.")))
    elif len(text) > MAX_TEXT:
        errors.append(RowError(number, "text", _("Longer than %(max)s characters.", max=MAX_TEXT)))
    code = _cell(row, columns, "business_line").upper()
    if code not in lines:
        errors.append(
            RowError(
                number, "business_line", _("Unknown business line code “%(code)s”.", code=code)
            )
        )
    severity_text = _cell(row, columns, "severity") or "3"
    severity = parse_id(severity_text) or 0
    if not 1 <= severity <= 5:
        errors.append(RowError(number, "severity", _("Severity must be a whole number 1 to 5.")))
    area = _cell(row, columns, "process_area").upper()
    if area and area not in known_areas:
        errors.append(
            RowError(number, "process_area", _("Unknown process area %(code)s.", code=area))
        )
    category = _cell(row, columns, "category")
    if len(category) > 40:
        errors.append(RowError(number, "category", _("At most 40 characters.")))
    if errors:
        return None, errors
    return {
        "text": text,
        "business_line_id": lines[code],
        "severity": severity,
        "category": category or None,
        "process_area": area or None,
    }, []


def import_findings(
    actor: User, filename: str, data: bytes, *, known_areas: frozenset[str], cycle_id: int | None
) -> int:
    """Import every row or none: raises :class:`ImportFailed` with all problems."""
    values, errors = parse_import(filename, data, known_areas)
    if errors:
        raise ImportFailed(errors)
    before = db.session.scalar(select(func.count()).select_from(Finding)) or 0
    db.session.execute(
        Finding.__table__.insert(),
        [
            {
                **value,
                "source": FindingSource.IMPORT.value,
                "cycle_id": cycle_id,
                "suggestion": "",
                "created_by_id": actor.id,
            }
            for value in values
        ],
    )
    db.session.flush()
    record_change(
        actor,
        "import",
        actor,
        new={"findings": len(values), "file": filename[:100], "findings_before": before},
        label=_("Findings import"),
    )
    return len(values)


@importer("findings")
def import_findings_job(actor: User, filename: str, data: bytes, options: dict[str, Any]) -> int:
    """:func:`import_findings` as a job runs it (``options``: ``cycle_id``)."""
    areas = frozenset(area_names(reference_model(), "en"))
    return import_findings(
        actor, filename, data, known_areas=areas, cycle_id=options.get("cycle_id") or None
    )
