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

from flask_babel import format_date
from flask_babel import gettext as _

from app.i18n import current_locale_code
from app.services.outcomes.kpis import kpi_name
from app.services.reports.build import Report
from app.services.reports.profiles import LineProfile, report_profiles
from app.services.tabular_export import csv_bytes, fit_columns, safe_cell

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


def level_label(level: int | None) -> str | None:
    """A maturity level as people write it (ML3); the API keeps the bare number."""
    return None if level is None else f"ML{level}"


def one_decimal(value: float | None) -> float | None:
    """Scores and means as reports show them, with one decimal; the API keeps full values."""
    return None if value is None else round(value, 1)


def _previous_cycle(report: Report) -> Any:
    """The started cycle of the same model before the chosen one, for the deltas."""
    if report.cycle is None:
        return None
    ids = [c.id for c in report.trend_cycles]
    if report.cycle.id not in ids:
        return None
    index = ids.index(report.cycle.id)
    return report.trend_cycles[index - 1] if index > 0 else None


def _delta(line: Any, previous: Any, report: Report) -> float | None:
    """The score change since the validated result of ``previous``, one decimal."""
    if previous is None or line.score is None:
        return None
    points = {option.id: points for option, points in report.trend}.get(line.business_line_id, ())
    before = next((p.score for p in points if p.cycle_id == previous.id), None)
    return None if before is None else round(line.score - before, 1)


def report_tables(report: Report) -> list[ReportTable]:
    """Every table of ``report`` with translated headers, in page order."""
    previous = _previous_cycle(report)
    change = (
        (_("Score change since %(cycle)s", cycle=previous.name),) if previous is not None else ()
    )
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
                *change,
            ),
            tuple(
                (
                    line.code,
                    line.name,
                    _status_label(line.status),
                    level_label(line.maturity_level),
                    level_label(line.target_level),
                    line.gap,
                    one_decimal(line.score),
                    *((_delta(line, previous, report),) if previous is not None else ()),
                )
                for line in report.lines
            ),
        ),
        *filter(None, [_profile_table(report_profiles(report, current_locale_code()))]),
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
                (name, *(one_decimal(value) for value in values))
                for name, values in zip(report.heatmap.rows, report.heatmap.values, strict=True)
            ),
        ),
        *_outcome_tables(report),
        ReportTable(
            "themes",
            _("Top themes"),
            (_("Theme"), _("Findings"), _("Mean severity"), _("Process areas")),
            tuple(
                (t.label, t.size, one_decimal(t.mean_severity), ", ".join(t.process_areas))
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
                _("Progress (%)"),
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
                    None if o.progress is None else round(o.progress * 100, 1),
                    _("Yes") if o.achieved else _("No"),
                )
                for o in report.quick_wins.outcomes
            ),
        ),
    ]
    return tables


def _level(level: int | None) -> str:
    return "—" if level is None else f"CL{level}"


def _profile_table(profiles: tuple[LineProfile, ...]) -> ReportTable | None:
    """The profiles as one table for the PDF and the workbook: a row per business line and
    process area that has a target or a planned level; None when no line has a profile."""
    rows = tuple(
        (
            entry.name if entry.validated else f"{entry.name} ({_('draft')})",
            f"{row.code} {row.name}",
            _level(row.capability_level),
            _level(row.target_level),
            " → ".join(f"CL{level} ({format_date(due)})" for due, level in row.planned) or "—",
            ", ".join(row.gap.unsatisfied_goals) if row.gap else "—",
        )
        for entry in profiles
        for row in entry.rows
        if row.target_level is not None or row.planned
    )
    if not rows:
        return None
    return ReportTable(
        "profiles",
        _("Target profiles: actual, target and planned capability levels"),
        (
            _("Business line"),
            _("Process area"),
            _("Actual"),
            _("Target"),
            _("Planned"),
            _("Gap: unsatisfied goals"),
        ),
        rows,
    )


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
    scores = {p.cycle_id: one_decimal(p.score) for p in points}
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
        fit_columns(sheet, [table.headers, *table.rows], widest=40)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
