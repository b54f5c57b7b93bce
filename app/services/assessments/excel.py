"""The Excel round trip of an assessment: export to .xlsx, import a filled file back.

The layout and the reading rules are in :mod:`assessments.excel_format`; this module feeds it
the assessment's practices and ratings, turns its problems into sentences in the user's
language, and applies the rows through :func:`app.services.assessments.workflow.save_ratings` — the
same checks, version rule and audit trail as the rating page, all rows or none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from app.services.assessments.workflow import (
    RatingInput,
    areas_in_scope,
    assessment_model,
    ensure_editable,
    ratings_by_practice,
    save_ratings,
)
from app.services.errors import ServiceError
from models import Assessment, PracticeRating, User

if TYPE_CHECKING:
    from assessments.excel_format import ImportLimits, Problem

# assessments.excel_format (openpyxl, which pulls in NumPy and Pillow) is imported by the
# functions that read or write a workbook, not at process start.

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExcelImportError(ServiceError):
    """The file cannot be imported; ``problems`` holds one sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            ngettext(
                "Nothing was imported: the file has %(num)s problem.",
                "Nothing was imported: the file has %(num)s problems.",
                len(problems),
            )
        )
        self.problems = problems


@dataclass(frozen=True)
class ImportOutcome:
    rows: int
    changed: int


def import_limits() -> ImportLimits:
    """Limits from the configuration (``EXCEL_IMPORT_*``), defaults otherwise."""
    from assessments.excel_format import ImportLimits

    config = current_app.config
    default = ImportLimits()
    return ImportLimits(
        max_bytes=config.get("EXCEL_IMPORT_MAX_BYTES", default.max_bytes),
        max_uncompressed_bytes=config.get(
            "EXCEL_IMPORT_MAX_UNCOMPRESSED_BYTES", default.max_uncompressed_bytes
        ),
        max_parts=default.max_parts,
        max_rows_per_sheet=default.max_rows_per_sheet,
        max_text=default.max_text,
    )


def export_filename(assessment: Assessment) -> str:
    raw = f"{assessment.cycle.name}-{assessment.business_line.code}-{assessment.id}.xlsx"
    return re.sub(r"[^\w.\-]+", "_", raw)


def export_assessment(assessment: Assessment, language: str) -> bytes:
    """The assessment's practices in scope and their current ratings as .xlsx bytes."""
    from assessments.excel_format import AreaSheet, SheetRow, WorkbookExport, build_workbook

    model = assessment_model(assessment)
    saved = ratings_by_practice(assessment)
    sheets = []
    for area in areas_in_scope(assessment):
        rows = []
        for goal, practice in area.practices():
            row = saved.get(practice.id)
            rows.append(
                SheetRow(
                    practice_id=practice.id,
                    goal=f"{goal.id} {goal.name.get(language)}",
                    practice=practice.text.get(language),
                    rating=row.rating if row else None,
                    evidence=row.evidence if row else "",
                    links=row.links if row else "",
                    comment=row.comment if row else "",
                    na_reason=row.na_reason if row else "",
                )
            )
        sheets.append(AreaSheet(area.code, area.name.get(language), tuple(rows)))
    return build_workbook(
        WorkbookExport(
            language=language,
            assessment_id=assessment.id,
            version=assessment.version,
            model=f"{model.name.get(language)} ({model.key} v{model.version})",
            cycle=assessment.cycle.name,
            business_line=f"{assessment.business_line.code} {assessment.business_line.name}",
            areas=tuple(sheets),
        )
    )


def import_assessment(
    actor: User, assessment: Assessment, data: bytes, *, overwrite: bool = False
) -> ImportOutcome:
    """Apply a filled export to ``assessment``, every row or none.

    Raises ExcelImportError listing every problem of the file; StaleEdit (from save_ratings)
    when the file was exported before a later save, unless ``overwrite``; ServiceError when the
    assessment cannot change now.
    """
    from assessments.excel_format import read_workbook

    ensure_editable(assessment)
    areas = {
        area.code: [practice.id for _goal, practice in area.practices()]
        for area in areas_in_scope(assessment)
    }
    parsed = read_workbook(data, areas, import_limits())
    problems = [problem_message(p) for p in parsed.problems]
    if not problems and parsed.assessment_id != assessment.id:
        problems.append(_("This file was exported from another assessment."))
    if problems:
        raise ExcelImportError(problems)
    items = [
        RatingInput(
            practice_id=row.practice_id,
            rating=row.rating,
            evidence=row.evidence,
            links=row.links,
            comment=row.comment,
            na_reason=row.na_reason,
        )
        for row in parsed.rows
    ]
    before = assessment.version
    saved = ratings_by_practice(assessment)
    changed = sum(1 for item in items if _differs(saved.get(item.practice_id), item))
    save_ratings(actor, assessment, items, expected_version=None if overwrite else parsed.version)
    return ImportOutcome(rows=len(items), changed=changed if assessment.version != before else 0)


def _differs(row: PracticeRating | None, item: RatingInput) -> bool:
    if row is None:
        return bool(item.rating or item.evidence or item.links or item.comment)
    return (row.rating, row.evidence, row.links, row.comment, row.na_reason) != (
        item.rating or None,
        item.evidence,
        item.links,
        item.comment,
        item.na_reason,
    )


def problem_message(problem: Problem) -> str:
    """One problem as a sentence in the user's language, with where it is."""
    text = _problem_text(problem)
    if problem.sheet is None:
        return text
    if problem.row is None:
        where = _("Sheet %(sheet)s", sheet=problem.sheet)
    elif problem.column is None:
        where = _("Sheet %(sheet)s, row %(row)s", sheet=problem.sheet, row=problem.row)
    else:
        where = _(
            "Sheet %(sheet)s, row %(row)s, column %(column)s",
            sheet=problem.sheet,
            row=problem.row,
            column=problem.column,
        )
    return _("%(where)s: %(problem)s", where=where, problem=text)


def _problem_text(problem: Problem) -> str:
    p = problem.params
    code = problem.code
    if code == "too_large":
        return _("The file is larger than %(max)s MB.", max=p["max_mb"])
    if code == "too_large_uncompressed":
        return _(
            "The file unpacks to more than %(max)s MB; it cannot be an export of one assessment.",
            max=p["max_mb"],
        )
    if code == "too_many_parts":
        return _("The file has too many internal parts (more than %(max)s).", max=p["max"])
    if code == "not_excel":
        return _("This is not an Excel workbook (.xlsx). Export the assessment and fill that file.")
    if code == "not_ladder_export":
        return _(
            "This workbook was not exported from Ladder (its hidden information sheet is "
            "missing). Export the assessment and fill that file."
        )
    if code == "unknown_sheet":
        return _(
            "no process area in scope has this code; sheets must keep their names (%(known)s).",
            known=", ".join(p["known"]),
        )
    if code == "too_many_rows":
        return _("the sheet has more than %(max)s rows.", max=p["max"])
    if code == "missing_practice_id":
        return _("the practice id is empty.")
    if code == "unknown_practice":
        return _("%(id)s is not a practice of this assessment.", id=p["id"])
    if code == "practice_in_other_sheet":
        return _("%(id)s belongs on sheet %(area)s.", id=p["id"], area=p["area"])
    if code == "duplicate_practice":
        return _("%(id)s appears twice (first in row %(row)s).", id=p["id"], row=p["first_row"])
    if code == "bad_rating":
        return _("“%(value)s” is not a rating; use FI, LI, PI, NI or NA.", value=p["value"])
    if code == "na_without_reason":
        return _("NA needs a reason.")
    if code == "too_long":
        return _(
            "the text has %(length)s characters; at most %(max)s are allowed.",
            length=p["length"],
            max=p["max"],
        )
    if code == "control_character":
        return _(
            "the text contains a control character (%(char)s), which cannot be stored; remove it.",
            char=p["char"],
        )
    if code == "bad_link":
        return _(
            "“%(value)s” is not a link; links start with http:// or https://.", value=p["value"]
        )
    return code
