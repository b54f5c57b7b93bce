"""The tables of a report, and their CSV and Excel exports.

One list of tables (:func:`report_tables`) feeds the pages, the CSV files, the Excel sheets
and the PDF, so they always agree. Text cells that a spreadsheet would read as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are written with a leading
apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.services.outcomes.kpis import kpi_name
from app.services.reports.build import Report
from app.services.tabular_export import csv_bytes, safe_cell

TABLE_KEYS = (
    "levels",
    "trend",
    "heatmap",
    "outcomes",
    "association",
    "themes",
    "flow",
    "quickwins",
)


@dataclass(frozen=True)
class ReportTable:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    #: A sentence shown under the title wherever the table is (page, PDF).
    note: str = ""

    @property
    def sheet_name(self) -> str:
        """Excel allows 31 characters and none of ``[]:*?/\\``."""
        name = "".join(" " if ch in "[]:*?/\\" else ch for ch in self.title)
        return name[:31]


def _status_label(status: str | None) -> str:
    labels = {
        "draft": _("Draft"),
        "submitted": _("Submitted"),
        "returned": _("Returned"),
        "validated": _("Validated"),
    }
    return labels.get(status or "", _("Not opened"))


def report_tables(report: Report) -> list[ReportTable]:
    """Every table of ``report`` with translated headers, in page order."""
    tables = [
        ReportTable(
            "levels",
            _("Maturity by business line"),
            (
                _("Code"),
                _("Business line"),
                _("Status"),
                _("Maturity level"),
                _("Target level"),
                _("Gap (levels)"),
                _("Score"),
            ),
            tuple(
                (
                    line.code,
                    line.name,
                    _status_label(line.status),
                    line.maturity_level,
                    line.target_level,
                    line.gap,
                    line.score,
                )
                for line in report.lines
            ),
        ),
        ReportTable(
            "trend",
            _("Score trend"),
            (_("Business line"), *(c.name for c in report.trend_cycles)),
            tuple(_trend_row(line.name, points, report) for line, points in report.trend),
        ),
        ReportTable(
            "heatmap",
            _("Process-area scores"),
            (_("Business line"), *report.heatmap.columns),
            tuple(
                (name, *values)
                for name, values in zip(report.heatmap.rows, report.heatmap.values, strict=True)
            ),
        ),
        *_outcome_tables(report),
        ReportTable(
            "themes",
            _("Top themes"),
            (_("Theme"), _("Findings"), _("Mean severity"), _("Process areas")),
            tuple(
                (t.label, t.size, t.mean_severity, ", ".join(t.process_areas))
                for t in report.themes
            ),
        ),
        ReportTable(
            "flow",
            _("Backlog flow"),
            (_("Month"), _("New items"), _("Done"), _("Verified")),
            tuple((m.month, m.created, m.done, m.verified) for m in report.flow),
        ),
        ReportTable(
            "quickwins",
            _("Quick-win outcomes"),
            (
                _("Project"),
                _("KPI"),
                _("Unit"),
                _("Baseline"),
                _("Latest"),
                _("Target"),
                _("Progress"),
                _("Achieved"),
            ),
            tuple(
                (
                    o.project,
                    o.name,
                    o.unit,
                    o.baseline,
                    o.latest,
                    o.target,
                    None if o.progress is None else round(o.progress, 4),
                    _("Yes") if o.achieved else _("No"),
                )
                for o in report.quick_wins.outcomes
            ),
        ),
    ]
    return tables


def _outcome_tables(report: Report) -> list[ReportTable]:
    """Maturity beside outcomes: each line's score by cycle next to its KPI means over the
    cycle's months, and process-area scores against KPIs across business lines."""
    names = tuple(f"{kpi_name(d)} ({d.unit})" if d.unit else kpi_name(d) for d in report.kpis)
    association = report.association
    return [
        ReportTable(
            "outcomes",
            _("Maturity beside outcomes"),
            (_("Business line"), _("Cycle"), _("Score"), *names),
            tuple((line, cycle, score, *means) for line, cycle, score, means in report.outcomes),
            _("Each KPI is the mean of its values in the months the cycle ran."),
        ),
        ReportTable(
            "association",
            _("Process-area scores and KPIs"),
            (_("Process area"), *names),
            tuple(
                (code, *cells)
                for code, cells in (association.rows if association else ())
                if any(cell is not None for cell in cells)
            ),
            _(
                "Correlation (Pearson's r, from -1 to 1) across business lines between a process "
                "area's score in this cycle and the latest KPI value. It shows association, "
                "not cause: a higher score does not prove the better outcome comes from it."
            ),
        ),
    ]


def _trend_row(name: str, points: Sequence[Any], report: Report) -> tuple[Any, ...]:
    scores = {p.cycle_id: p.score for p in points}
    return (name, *(scores.get(c.id) for c in report.trend_cycles))


def table_csv(table: ReportTable) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on Windows opens the Chinese correctly."""
    return csv_bytes(table.headers, table.rows)


def report_xlsx(report: Report, title: str, subtitle: str, charts: Mapping[str, bytes]) -> bytes:
    """A workbook: a summary sheet with the charts as images, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font

    workbook = Workbook()
    summary = workbook.worksheets[0]
    summary.title = _("Summary")[:31]
    summary["A1"] = safe_cell(title)
    summary["A1"].font = Font(size=14, bold=True)
    summary["A2"] = safe_cell(subtitle)
    row = 4
    for png in charts.values():
        image = Image(io.BytesIO(png))
        image.anchor = f"A{row}"
        summary.add_image(image)
        row += int(image.height / 20) + 2
    for table in report_tables(report):
        sheet = workbook.create_sheet(table.sheet_name)
        sheet.append([safe_cell(h) for h in table.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in table.rows:
            sheet.append([safe_cell(v) for v in values])
        for index, header in enumerate(table.headers, start=1):
            width = max([len(str(header)) * 2, 10])
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width, 40)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
