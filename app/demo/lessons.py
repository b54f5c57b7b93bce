"""Demo step: the quick-win projects' benefits in numbers (savings per month, one-off cost),
and a lessons library of 24 lessons from closing reviews, PMO reviews and the PMO."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app.demo.lesson_texts import LESSONS
from app.demo.organisation import DEMO_DOMAIN
from app.extensions import db
from app.services.backlog.quickwins import set_benefit
from app.services.lessons import LessonInput, save_lesson
from assessments.benefits import BenefitUnit
from models import BusinessLine, LessonKind, LessonSource, QuickWinProject, Review, User

#: (unit, saved per month, hourly cost, one-off cost) per quick-win project, in order.
BENEFITS = (
    (BenefitUnit.HOURS, 120.0, 150.0, 36_000.0),
    (BenefitUnit.MONEY, 18_000.0, None, 60_000.0),
    (BenefitUnit.HOURS, 260.0, 150.0, 45_000.0),
    (BenefitUnit.MONEY, 42_000.0, None, 120_000.0),
    (BenefitUnit.HOURS, 40.0, 150.0, 30_000.0),
)


def _benefits(pmo: User) -> list[QuickWinProject]:
    projects = list(db.session.scalars(select(QuickWinProject).order_by(QuickWinProject.id)))
    for project, (unit, saved, rate, cost) in zip(projects, BENEFITS, strict=False):
        set_benefit(
            pmo, project, unit=unit, saved_per_month=saved, one_off_cost=cost, hourly_cost=rate
        )
    return projects


# ------------------------------------------------------------------------- lessons


def _lessons(pmo: User, lines: list[BusinessLine], projects: list[QuickWinProject]) -> None:
    closed = [p for p in projects if p.closed_on is not None]
    reviews = list(db.session.scalars(select(Review).order_by(Review.id)))
    for n, (title, text, kind, area, tags) in enumerate(LESSONS):
        source, project_id, review_id = LessonSource.MANUAL, None, None
        if n < len(closed):
            source, project_id = LessonSource.QUICK_WIN, closed[n].id
        elif reviews and n % 5 == 0:
            source, review_id = LessonSource.REVIEW, reviews[n % len(reviews)].id
        line = None if n % 3 == 2 else lines[n % len(lines)].id
        save_lesson(
            pmo,
            None,
            LessonInput(
                title=title,
                text=text,
                kind=LessonKind(kind),
                business_line_id=line,
                process_area=area,
                tags=tags,
                source=source,
                project_id=project_id,
                review_id=review_id,
            ),
        )


def seed(size: str, progress: Callable[[int], None]) -> None:
    pmo = db.session.scalar(select(User).where(User.email == f"pmo@{DEMO_DOMAIN}"))
    if pmo is None:
        return
    lines = list(db.session.scalars(select(BusinessLine).order_by(BusinessLine.id)))[:5]
    projects = _benefits(pmo)
    progress(30)
    _lessons(pmo, lines, projects)
    db.session.commit()
    progress(70)
