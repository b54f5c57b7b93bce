"""KPI values from an Excel, CSV or TSV file: all rows or none, each problem with its row
and column (``app.services.tabular`` reads the file, ``write_kpi_values`` checks and writes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from app.services.errors import ServiceError
from app.services.imports import importer
from app.services.outcomes.kpis import KpiValue, KpiValuesRefused, write_kpi_values
from app.services.tabular import MAX_IMPORT_ROWS, TableError, Value, as_text, read_upload
from models import User

#: The columns, in the file's header row (English or Chinese names, any case, any order).
COLUMNS = {
    "kpi": ("kpi", "指标"),
    "business_line": ("business line", "business_line", "业务线"),
    "period": ("period", "期间"),
    "value": ("value", "值", "数值"),
}
HEADERS = ("KPI", "Business line", "Period", "Value")


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


class KpiImportRefused(ServiceError):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(_("Nothing was imported: correct the rows below and upload again."))
        self.problems = problems


def _period_text(cell: Value) -> str:
    """Excel turns a typed ``2026-03`` into a date: read it back as the month."""
    if isinstance(cell, date):
        return f"{cell.year:04d}-{cell.month:02d}"
    return as_text(cell)


@importer("kpi_values")
def import_kpi_values(actor: User, filename: str, data: bytes, options: Any = None) -> int:
    """Values from a table with the columns KPI, Business line (code), Period, Value."""
    try:
        table = read_upload(filename, data, max_rows=MAX_IMPORT_ROWS)
    except TableError as error:
        raise KpiImportRefused(
            [RowProblem(p.row, p.column, p.message) for p in error.problems]
        ) from error
    names = [h.strip().lower() for h in table.columns]
    index: dict[str, int] = {}
    for field, accepted in COLUMNS.items():
        found = next((i for i, name in enumerate(names) if name in accepted), None)
        if found is None:
            raise ServiceError(
                _("The first row must be the headers: %(cols)s.", cols=", ".join(HEADERS)), "file"
            )
        index[field] = found
    if not table.rows:
        raise ServiceError(_("The sheet has no value rows."), "file")

    def cell(row: tuple[Value, ...], field: str) -> Value:
        return row[index[field]] if index[field] < len(row) else ""

    items = [
        KpiValue(
            as_text(cell(row, "kpi")),
            as_text(cell(row, "business_line")),
            _period_text(cell(row, "period")),
            cell(row, "value"),
        )
        for row in table.rows
    ]
    try:
        return write_kpi_values(actor, items, source="import")
    except KpiValuesRefused as refused:
        raise KpiImportRefused(
            [
                RowProblem(
                    table.row_numbers[p.index],
                    table.columns[index[p.field]] if p.field in index else "",
                    p.message,
                )
                for p in refused.problems
            ]
        ) from refused
