"""Who may see, fill and review an assessment: one rule each, used by every view.

Directors see only the assessments of their own business lines (404 for the rest, so that
other lines' assessments stay private); leadership reads everything; the PMO and admins read
and review everything; only a director of the line fills an assessment in.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.services.assessments.workflow import load_assessment
from app.services.visibility import MANAGERS, can_view_line_of, leads, restrict_to_visible
from models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    CycleStatus,
    Role,
    User,
)


def can_view_assessment(user: User, assessment: Assessment) -> bool:
    return can_view_line_of(user, assessment.business_line_id)


def can_fill_assessment(user: User, assessment: Assessment) -> bool:
    """A director of the line, while the cycle is open and the assessment not handed in."""
    return (
        user.role is Role.DIRECTOR
        and leads(user, assessment.business_line_id)
        and assessment.cycle.status is CycleStatus.OPEN
        and assessment.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)
    )


def can_review_assessment(user: User, assessment: Assessment) -> bool:
    return user.role in MANAGERS and assessment.status is AssessmentStatus.SUBMITTED


def get_visible_assessment_or_404(user: User, assessment_id: int) -> Assessment:
    assessment = load_assessment(assessment_id)
    if assessment is None or not can_view_assessment(user, assessment):
        abort(404)
    return assessment


def visible_assessments(user: User) -> Select[Assessment]:
    """A select of the assessments ``user`` may see; directors see only their lines'."""
    return restrict_to_visible(select(Assessment), user, Assessment.business_line_id)


def assessments_to_fill(user: User, limit: int = 10) -> list[Assessment]:
    """The director's draft or returned assessments in open cycles, in one query."""
    stmt = (
        visible_assessments(user)
        .join(Cycle, Cycle.id == Assessment.cycle_id)
        .where(
            Cycle.status == CycleStatus.OPEN,
            Assessment.status.in_((AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)),
        )
        .options(joinedload(Assessment.cycle), joinedload(Assessment.business_line))
        .order_by(Cycle.end, Assessment.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt).unique())


def count_waiting_review() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Assessment)
            .where(Assessment.status == AssessmentStatus.SUBMITTED)
        )
        or 0
    )
