"""Demo step: pain-point surveys with realistic answers, then a clustering run.

Small: one survey per cycle (or one survey when no cycle exists) and about 300 answers over
the five business lines. Large: 40,000 answers, inserted in bulk; the clustering runs on an
evenly spread sample of 5,000 (the rest can be placed with "assign new findings").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import insert, select

from app.demo.organisation import DEMO_DOMAIN
from app.demo.pain_points import pain_points
from app.extensions import db
from app.services.findings.publication import publish_run
from app.services.findings.records import FindingFilter
from app.services.findings.surveys import save_survey
from app.services.findings.themes import create_run, execute_run
from models import (
    BusinessLine,
    Cycle,
    Finding,
    FindingSource,
    Frequency,
    RunStatus,
    Survey,
    SurveyResponse,
    SurveyStatus,
    User,
)

SIZES = {"small": 300, "large": 40_000}
LARGE_SAMPLE = 5_000
_BATCH = 2_000


def _surveys(pmo: User, lines: list[BusinessLine]) -> list[Survey]:
    cycles = list(db.session.scalars(select(Cycle).order_by(Cycle.start)))
    plans: list[tuple[str, int | None, date]] = [
        (c.name + " 痛点调研", c.id, c.end) for c in cycles
    ] or [("2026 年度痛点调研", None, date.today() + timedelta(days=30))]
    # The latest survey stays open for a month, so the demo has a link people can answer.
    title, cycle_id, _closes = plans[-1]
    plans[-1] = (title, cycle_id, date.today() + timedelta(days=30))
    surveys = []
    for title, cycle_id, closes_on in plans:
        survey = save_survey(
            pmo,
            None,
            title=title,
            introduction="请匿名写下影响您工作的问题，PMO 会汇总成改进主题。",
            title_en=title.replace("痛点调研", "pain-point survey").replace("年度", ""),
            introduction_en=(
                "Tell us anonymously what gets in the way of your work; the PMO groups the "
                "answers into improvement themes."
            ),
            cycle_id=cycle_id,
            business_line_ids=[bl.id for bl in lines],
            closes_on=closes_on,
            anonymous=True,
            categories=[],
        )
        if closes_on is not None and closes_on < date.today():
            survey.status = SurveyStatus.CLOSED
        surveys.append(survey)
    db.session.flush()
    return surveys


def seed(size: str, progress: Callable[[int], None]) -> None:
    pmo = db.session.scalar(select(User).where(User.email == f"pmo@{DEMO_DOMAIN}"))
    if pmo is None:
        return
    lines = list(db.session.scalars(select(BusinessLine).order_by(BusinessLine.id)))
    surveys = _surveys(pmo, lines)
    by_code = {bl.code: bl.id for bl in lines}
    total = SIZES.get(size, SIZES["small"])
    batch: list[dict[str, object]] = []
    owners: list[Survey] = []
    reported = 0
    for n, (code, point) in enumerate(pain_points(total, list(by_code)), start=1):
        survey = surveys[n % len(surveys)]
        owners.append(survey)
        batch.append(
            {
                "source": FindingSource.SURVEY,
                "business_line_id": by_code[code],
                "cycle_id": survey.cycle_id,
                "process_area": point.process_area,
                "severity": point.severity,
                "text": point.text,
                "category": point.category,
                "frequency": Frequency(point.frequency),
                "suggestion": point.suggestion,
            }
        )
        if len(batch) == _BATCH or n == total:
            _insert(batch, owners)
            batch, owners = [], []
            done = n * 60 // total
            progress(done - reported)
            reported = done
    db.session.commit()
    sample = LARGE_SAMPLE if total > LARGE_SAMPLE else None
    run = create_run(pmo, FindingFilter(source="survey"), k=None, sample=sample)
    db.session.commit()
    execute_run(run.id)
    db.session.refresh(run)
    if run.status is RunStatus.DONE:  # the demo's PMO publishes the first themes
        publish_run(pmo, run)
        db.session.commit()
    progress(100 - reported)


def _insert(rows: list[dict[str, object]], owners: list[Survey]) -> None:
    ids = db.session.scalars(
        insert(Finding).returning(Finding.id, sort_by_parameter_order=True), rows
    ).all()
    db.session.execute(
        insert(SurveyResponse),
        [{"survey_id": s.id, "finding_id": i} for s, i in zip(owners, ids, strict=True)],
    )
