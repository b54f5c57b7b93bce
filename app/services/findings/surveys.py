"""Pain-point surveys: the PMO's edits and the public answers.

An answer becomes a finding (source ``survey``) linked by a response row. For anonymous
surveys nothing about the respondent is stored; signed-in surveys keep the user id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.extensions import db
from app.services.audit import record_change, snapshot
from app.services.errors import ServiceError, StaleEdit
from app.services.findings.records import MAX_TEXT, check_severity
from assessments.satisfaction import is_month_period
from models import (
    BusinessLine,
    Cycle,
    Finding,
    FindingSource,
    Frequency,
    Survey,
    SurveyKind,
    SurveyResponse,
    SurveyStatus,
    User,
)
from models.survey import DEFAULT_CATEGORIES

SURVEY_FIELDS = (
    "title", "introduction", "kind", "period", "cycle_id", "closes_on", "anonymous", "categories",
)  # fmt: skip
MAX_CATEGORIES = 20
MAX_CATEGORY = 40


@dataclass(frozen=True)
class Answer:
    """What a respondent sent, already parsed from the form."""

    text: str
    business_line_id: int | None
    severity: int
    frequency: str
    category: str
    process_area: str | None = None
    suggestion: str = ""


def parse_categories(raw: str) -> list[str]:
    """One category per line (or comma), blanks and repeats dropped, order kept."""
    seen: list[str] = []
    for part in raw.replace("，", ",").replace(",", "\n").splitlines():
        name = part.strip()
        if name and name not in seen:
            seen.append(name)
    return seen


def _state(survey: Survey) -> dict[str, Any]:
    state = snapshot(survey, SURVEY_FIELDS)
    state["business_line_ids"] = sorted(bl.id for bl in survey.business_lines)
    return state


def save_survey(
    actor: User,
    survey: Survey | None,
    *,
    title: str,
    introduction: str,
    cycle_id: int | None,
    business_line_ids: Sequence[int],
    closes_on: date | None,
    anonymous: bool,
    categories: Sequence[str],
    version: int | None = None,
    kind: SurveyKind = SurveyKind.PAIN_POINTS,
    period: str | None = None,
) -> Survey:
    """Create (``survey`` None) or edit a survey; the public link never changes, nor the
    kind. A satisfaction survey needs the month (``YYYY-MM``) its answers are measured for."""
    kind = survey.kind if survey is not None else kind
    period = (period or "").strip() or None
    if kind is SurveyKind.SATISFACTION and (period is None or not is_month_period(period)):
        raise ServiceError(_("Give the month the answers measure, as YYYY-MM."), "period")
    if kind is not SurveyKind.SATISFACTION:
        period = None
    categories = list(categories) or list(DEFAULT_CATEGORIES)
    if len(categories) > MAX_CATEGORIES or any(len(c) > MAX_CATEGORY for c in categories):
        raise ServiceError(
            ngettext(
                "At most %(num)s category of up to %(max)s characters.",
                "At most %(num)s categories of up to %(max)s characters each.",
                MAX_CATEGORIES,
                max=MAX_CATEGORY,
            ),
            "categories",
        )
    lines = list(
        db.session.scalars(select(BusinessLine).where(BusinessLine.id.in_(business_line_ids)))
    )
    if not lines or len(lines) != len(set(business_line_ids)):
        raise ServiceError(_("Choose at least one business line."), "business_lines")
    if cycle_id is not None and db.session.get(Cycle, cycle_id) is None:
        raise ServiceError(_("Unknown cycle."), "cycle")
    creating = survey is None
    before: dict[str, Any] = {}
    if survey is None:
        survey = Survey(created_by_id=actor.id)
        db.session.add(survey)
    else:
        before = _state(survey)
        if version is not None and version != survey.version:
            raise StaleEdit(
                _(
                    "Someone else saved this record after you opened it. Review the current "
                    "values below and save again."
                ),
                {"title": {"saved": survey.title, "yours": title.strip()}},
            )
        survey.version += 1
    survey.title = title.strip()
    survey.kind, survey.period = kind, period
    survey.introduction = introduction.strip()
    survey.cycle_id = cycle_id
    survey.closes_on = closes_on
    survey.anonymous = anonymous
    survey.categories = categories
    survey.business_lines = sorted(lines, key=lambda bl: bl.code)
    db.session.flush()
    record_change(
        actor,
        "create" if creating else "update",
        survey,
        old=before,
        new=_state(survey),
        label=survey.title,
    )
    return survey


def set_status(actor: User, survey: Survey, status: SurveyStatus) -> None:
    """Close a survey (or open it again); a closed link says so and takes no answers."""
    if survey.status is status:
        return
    old = {"status": survey.status.value}
    survey.status = status
    survey.version += 1
    db.session.flush()
    record_change(
        actor, "update", survey, old=old, new={"status": status.value}, label=survey.title
    )


def survey_by_token(token: str) -> Survey | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Survey).where(Survey.token == token))


def answer_survey(
    survey: Survey, answer: Answer, *, respondent: User | None, today: date
) -> Finding:
    """Store one answer as a finding; refused when the survey is closed."""
    if survey.kind is not SurveyKind.PAIN_POINTS:
        raise ServiceError(_("This survey asks its own questions."))
    if not survey.accepts_answers(today):
        raise ServiceError(_("This survey is closed and no longer takes answers."))
    text = answer.text.strip()
    if not text:
        raise ServiceError(_("Describe the pain point."), "text")
    if len(text) > MAX_TEXT or len(answer.suggestion) > MAX_TEXT:
        field = "text" if len(text) > MAX_TEXT else "suggestion"
        raise ServiceError(_("At most %(max)s characters, please shorten it.", max=MAX_TEXT), field)
    line_ids = [bl.id for bl in survey.business_lines]
    line_id = answer.business_line_id if len(line_ids) > 1 else line_ids[0]
    if line_id not in line_ids:
        raise ServiceError(_("Choose your business line."), "business_line")
    check_severity(answer.severity)
    if answer.frequency not in {f.value for f in Frequency}:
        raise ServiceError(_("Choose how often it happens."), "frequency")
    if answer.category not in survey.categories:
        raise ServiceError(_("Choose a category."), "category")
    finding = Finding(
        source=FindingSource.SURVEY,
        business_line_id=line_id,
        cycle_id=survey.cycle_id,
        process_area=answer.process_area or None,
        severity=answer.severity,
        frequency=Frequency(answer.frequency),
        category=answer.category,
        suggestion=answer.suggestion.strip(),
        text=text,
    )
    db.session.add(finding)
    db.session.flush()
    keep_respondent = respondent is not None and not survey.anonymous
    db.session.add(
        SurveyResponse(
            survey_id=survey.id,
            finding_id=finding.id,
            respondent_id=respondent.id if keep_respondent and respondent else None,
        )
    )
    db.session.flush()
    return finding
