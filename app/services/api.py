"""What the read-only JSON API returns: visible rows, and their documented JSON shapes.

Each select applies the same visibility rules as the pages (directors see only their own
business lines) and loads what its items need up front, so a page of items costs the same
number of queries whatever its length.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, selectinload

from app.extensions import db
from app.services.assessments.access import visible_assessments
from app.services.assessments.respondents import respondent_summaries
from app.services.assessments.workflow import score_of
from app.services.backlog.items import visible_items
from app.services.backlog.quickwins import project_status, project_views, visible_projects
from app.services.visibility import visible_clause
from assessments.prioritisation import ItemStatus
from assessments.scoring import result_to_dict
from models import (
    Assessment,
    AssessmentStatus,
    BusinessLine,
    Cycle,
    CycleTarget,
    ImprovementItem,
    Kpi,
    QuickWinProject,
    User,
)


def business_line_item(line: BusinessLine) -> dict[str, Any]:
    return {"id": line.id, "code": line.code, "name": line.name}


# ----------------------------------------------------------------------------- cycles


def visible_cycles(user: User) -> Select[Cycle]:
    """Cycles ``user`` may see; a director sees those that include one of their lines."""
    stmt = select(Cycle).options(selectinload(Cycle.model))
    lines = visible_clause(user, CycleTarget.business_line_id)
    if lines is None:
        return stmt
    return stmt.where(Cycle.id.in_(select(CycleTarget.cycle_id).where(lines)))


def get_visible_cycle(user: User, cycle_id: int) -> Cycle | None:
    return db.session.scalar(visible_cycles(user).where(Cycle.id == cycle_id))


def cycle_item(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.id,
        "name": cycle.name,
        "model": cycle.model.key,
        "status": cycle.status.value,
        "start": cycle.start.isoformat(),
        "end": cycle.end.isoformat(),
    }


# ------------------------------------------------------------------------ assessments


def assessments_in(user: User, cycle: Cycle | None) -> Select[Assessment]:
    """Visible assessments, of ``cycle`` or of every cycle, by cycle date and line code."""
    stmt = (
        visible_assessments(user)
        .join(Cycle, Cycle.id == Assessment.cycle_id)
        .join(BusinessLine, BusinessLine.id == Assessment.business_line_id)
    )
    if cycle is not None:
        stmt = stmt.where(Assessment.cycle_id == cycle.id)
    return stmt.order_by(Cycle.start, Cycle.id, BusinessLine.code, Assessment.id)


def _snapshot(assessment: Assessment) -> dict[str, Any] | None:
    """The frozen results of a validated assessment (later rule changes don't alter them)."""
    if assessment.status is AssessmentStatus.VALIDATED and assessment.result_snapshot:
        return assessment.result_snapshot
    return None


def assessment_item(assessment: Assessment) -> dict[str, Any]:
    frozen = _snapshot(assessment) or {}
    return {
        "id": assessment.id,
        "cycle_id": assessment.cycle_id,
        "business_line_id": assessment.business_line_id,
        "status": assessment.status.value,
        "maturity_level": frozen.get("maturity_level", assessment.maturity_level),
        "target_level": frozen.get("target_level", assessment.target_level),
        "score": frozen.get("score", assessment.score),
    }


def assessment_detail(assessment: Assessment) -> dict[str, Any]:
    """The item plus ``process_areas`` as ``ladder score --format json`` prints them, and
    ``respondents`` (the director is listed when they rate)."""
    frozen = _snapshot(assessment)
    areas = (
        frozen["process_areas"] if frozen else result_to_dict(score_of(assessment))["process_areas"]
    )
    return {
        **assessment_item(assessment),
        "process_areas": areas,
        "respondents": respondent_summaries(assessment),
    }


# ----------------------------------------------------------------------------- trend


def trend_of(line: BusinessLine) -> Select[Assessment]:
    """The line's validated assessments, oldest cycle first."""
    return (
        select(Assessment)
        .join(Assessment.cycle)
        .options(contains_eager(Assessment.cycle))
        .where(
            Assessment.business_line_id == line.id,
            Assessment.status == AssessmentStatus.VALIDATED,
        )
        .order_by(Cycle.start, Cycle.id)
    )


def trend_item(assessment: Assessment) -> dict[str, Any]:
    item = assessment_item(assessment)
    return {
        "cycle_id": assessment.cycle_id,
        "cycle": assessment.cycle.name,
        "maturity_level": item["maturity_level"],
        "score": item["score"],
    }


# ------------------------------------------------------------------ backlog, quick wins


def backlog_items(
    user: User, status: str | None, quick_win: bool | None
) -> Select[ImprovementItem]:
    """Items the user may see (a director: their lines and company-wide), by priority."""
    stmt = visible_items(user)
    if status is not None:
        stmt = stmt.where(ImprovementItem.status == ItemStatus(status))
    if quick_win is not None:
        stmt = stmt.where(ImprovementItem.quick_win.is_(quick_win))
    return stmt.order_by(ImprovementItem.priority.desc(), ImprovementItem.id)


def backlog_item(item: ImprovementItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "business_line_id": item.business_line_id,
        "process_area": item.process_area,
        "impact": item.impact,
        "urgency": item.urgency,
        "effort": item.effort,
        "priority": round(item.priority, 2),
        "quick_win": item.quick_win,
        "status": item.status.value,
    }


def quick_win_projects(user: User) -> Select[QuickWinProject]:
    return (
        visible_projects(user)
        .options(
            selectinload(QuickWinProject.item),
            selectinload(QuickWinProject.kpis).selectinload(Kpi.measurements),
        )
        .order_by(QuickWinProject.start.desc(), QuickWinProject.id.desc())
    )


def quick_win_item(project: QuickWinProject) -> dict[str, Any]:
    views = project_views(project)
    status = project_status(views)
    return {
        "id": project.id,
        "item_id": project.item_id,
        "title": project.item.title,
        "business_line_id": project.business_line_id,
        "start": project.start.isoformat(),
        "end": project.end.isoformat(),
        "closed": project.closed_on is not None,
        "status": status.value if status else None,
        "kpis": [
            {
                "name": view.kpi.name,
                "unit": view.kpi.unit,
                "direction": view.kpi.direction.value,
                "baseline": view.kpi.baseline,
                "target": view.kpi.target,
                "latest": view.latest,
                "progress": None if view.progress is None else round(view.progress, 4),
            }
            for view in views
        ],
    }
