"""Actual, target and planned capability levels of the report's business lines, for the
chosen cycle: validated assessments from their snapshot, others from their current ratings.

A fixed number of queries whatever the number of lines: the profiles (two), the cycle's
assessments (one), the ratings of those not validated (one), the cycle and its model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.services.assessments.model_store import parsed
from app.services.assessments.profiles import profiles_of
from app.services.reports.build import Report, _current_results
from assessments.profiles import ProfileRow, profile_rows
from models import Assessment, AssessmentStatus, Cycle


@dataclass(frozen=True)
class LineProfile:
    business_line_id: int
    code: str
    name: str
    validated: bool
    rows: tuple[ProfileRow, ...]

    @property
    def gaps(self) -> int:
        return sum(1 for row in self.rows if row.gap is not None)

    @property
    def by_code(self) -> dict[str, ProfileRow]:
        return {row.code: row for row in self.rows}


def profile_columns(profiles: tuple[LineProfile, ...]) -> list[str]:
    """The process areas that some line has a target or a planned level for, in model
    order: the columns of the company's matrix."""
    codes: list[str] = []
    for entry in profiles:
        for row in entry.rows:
            if (row.target_level is not None or row.planned) and row.code not in codes:
                codes.append(row.code)
    return codes


def report_profiles(report: Report, language: str) -> tuple[LineProfile, ...]:
    """One entry per business line of the report that has a target profile and an
    assessment in the chosen cycle, in the report's order."""
    if report.cycle is None or not report.lines:
        return ()
    profiles = profiles_of(line.business_line_id for line in report.lines)
    if not profiles:
        return ()
    cycle = db.session.get_one(Cycle, report.cycle.id)
    model = parsed(cycle.model)
    rows = {
        row.business_line_id: row
        for row in db.session.execute(
            select(
                Assessment.id,
                Assessment.business_line_id,
                Assessment.status,
                Assessment.target_level,
                Assessment.result_snapshot,
                Assessment.current_result,
            ).where(
                Assessment.cycle_id == cycle.id, Assessment.business_line_id.in_(list(profiles))
            )
        )
    }
    current = _current_results(report.cycle, model, cycle.scope, rows.values())
    found = []
    for line in report.lines:
        row = rows.get(line.business_line_id)
        profile = profiles.get(line.business_line_id)
        if row is None or profile is None:
            continue
        validated = row.status is AssessmentStatus.VALIDATED and bool(row.result_snapshot)
        result: dict[str, Any] = row.result_snapshot if validated else current[row.id]
        found.append(
            LineProfile(
                business_line_id=line.business_line_id,
                code=line.code,
                name=line.name,
                validated=validated,
                rows=profile_rows(
                    model, result, profile.targets, profile.plans, cycle.end, language
                ),
            )
        )
    return tuple(found)
