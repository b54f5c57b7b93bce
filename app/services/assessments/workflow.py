"""Cycles and assessments: opening, rating, submitting, reviewing and validating.

Ratings are saved with an optimistic version check: a save made from a page loaded before
someone else's save is refused with the practices that differ, so nothing is overwritten
silently. Every change is written to the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.i18n import current_locale_code
from app.services.assessments.evidence_store import evidence_manifest
from app.services.assessments.model_store import parsed
from app.services.audit import record_change
from app.services.errors import ServiceError, StaleEdit
from app.services.notifications import events as notices
from assessments.maturity_model.model import MaturityModel, ProcessArea
from assessments.progress import Progress, area_progress, overall_progress
from assessments.scoring import AssessmentResult, Rating, result_to_dict, score_assessment
from models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    CycleStatus,
    CycleTarget,
    Finding,
    FindingSource,
    PracticeRating,
    Respondent,
    StoredModel,
    User,
)
from models.base import utcnow

RATING_VALUES = tuple(r.value for r in Rating)
MAX_TEXT = 5000
_URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class RatingInput:
    """What a director typed for one practice."""

    practice_id: str
    rating: str | None
    evidence: str = ""
    links: str = ""
    comment: str = ""
    na_reason: str = ""


# ----------------------------------------------------------------------------- cycles


def create_cycle(
    actor: User,
    *,
    name: str,
    model: StoredModel,
    start: date,
    end: date,
    targets: Mapping[int, int],
    scope: Sequence[str] | None = None,
) -> Cycle:
    """A draft cycle; ``targets`` maps business-line id to its target maturity level."""
    if end < start:
        raise ServiceError(_("The end date must not be before the start date."), "end")
    if db.session.scalar(select(Cycle.id).where(Cycle.name == name.strip())) is not None:
        raise ServiceError(_("A cycle named %(name)s already exists.", name=name), "name")
    if not targets:
        raise ServiceError(_("Choose at least one business line."), "business_lines")
    domain = parsed(model)
    codes = {area.code for area in domain.process_areas}
    unknown = sorted(set(scope or ()) - codes)
    if unknown:
        raise ServiceError(
            ngettext(
                "Unknown process area: %(codes)s",
                "Unknown process areas: %(codes)s",
                len(unknown),
                codes=", ".join(unknown),
            ),
            "scope",
        )
    for level in targets.values():
        if not 1 <= level <= 5:
            raise ServiceError(_("Target levels are 1 to 5."), "targets")
    cycle = Cycle(
        name=name.strip(), model=model, start=start, end=end, scope=sorted(scope) if scope else None
    )
    cycle.targets = [
        CycleTarget(business_line_id=bl, target_level=level)
        for bl, level in sorted(targets.items())
    ]
    db.session.add(cycle)
    db.session.flush()
    record_change(
        actor,
        "create",
        cycle,
        new={
            "name": cycle.name,
            "model": model.label,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "targets": {str(k): v for k, v in targets.items()},
            "scope": cycle.scope,
        },
        label=cycle.name,
    )
    return cycle


def open_cycle(actor: User, cycle: Cycle) -> list[Assessment]:
    """Open the cycle: one assessment per business line taking part."""
    if cycle.status is CycleStatus.CLOSED:
        raise ServiceError(_("A closed cycle cannot be opened again."))
    existing = {a.business_line_id for a in cycle.assessments}
    created = []
    for target in cycle.targets:
        if target.business_line_id in existing:
            continue
        assessment = Assessment(
            cycle=cycle, business_line_id=target.business_line_id, target_level=target.target_level
        )
        db.session.add(assessment)
        created.append(assessment)
    old_status = cycle.status.value
    cycle.status = CycleStatus.OPEN
    db.session.flush()
    for assessment in created:
        recompute(assessment)
        notices.assessment_opened(actor, assessment)
    record_change(
        actor,
        "open",
        cycle,
        old={"status": old_status},
        new={"status": cycle.status.value},
        label=cycle.name,
    )
    return created


def close_cycle(actor: User, cycle: Cycle) -> None:
    """Close an open cycle: its assessments can no longer change."""
    if cycle.status is not CycleStatus.OPEN:
        raise ServiceError(_("Only an open cycle can be closed."))
    old_status = cycle.status.value
    cycle.status = CycleStatus.CLOSED
    db.session.flush()
    record_change(
        actor,
        "close",
        cycle,
        old={"status": old_status},
        new={"status": cycle.status.value},
        label=cycle.name,
    )


# ------------------------------------------------------------------------ assessments


def assessment_model(assessment: Assessment) -> MaturityModel:
    return parsed(assessment.cycle.model)


def areas_in_scope(assessment: Assessment) -> tuple[ProcessArea, ...]:
    model = assessment_model(assessment)
    scope = assessment.cycle.scope
    return tuple(a for a in model.process_areas if scope is None or a.code in scope)


def practice_states(assessment: Assessment) -> dict[str, dict[str, Any]]:
    """What is saved for each rated practice, in the shape ``StaleEdit.changes`` uses."""
    return {r.practice_id: _state(r) for r in assessment.ratings}


@dataclass(frozen=True)
class SavedPractice:
    """What a rating page shows of one saved practice: its values and the PMO's comment."""

    state: dict[str, Any]
    review_comment: str


def area_states(assessment: Assessment, area: ProcessArea) -> dict[str, SavedPractice]:
    """The saved practices of one process area (practice id → values), in one query of the
    columns a rating page shows: not the whole assessment's rows as objects."""
    ids = [practice.id for _goal, practice in area.practices()]
    rows = db.session.execute(
        select(
            PracticeRating.practice_id,
            PracticeRating.rating,
            PracticeRating.evidence,
            PracticeRating.links,
            PracticeRating.comment,
            PracticeRating.na_reason,
            PracticeRating.review_comment,
        ).where(PracticeRating.assessment_id == assessment.id, PracticeRating.practice_id.in_(ids))
    )
    return {
        pid: SavedPractice(
            {
                "rating": rating,
                "evidence": evidence,
                "links": links,
                "comment": comment,
                "na_reason": na_reason,
            },
            review,
        )
        for pid, rating, evidence, links, comment, na_reason, review in rows
    }


def rated_practice_ids(assessment: Assessment) -> frozenset[str]:
    """The practices of ``assessment`` that have a rating (NA included), in one query of one
    column: what progress and the next unrated practice need."""
    return frozenset(
        db.session.scalars(
            select(PracticeRating.practice_id).where(
                PracticeRating.assessment_id == assessment.id, PracticeRating.rating.is_not(None)
            )
        )
    )


def ratings_by_practice(assessment: Assessment) -> dict[str, PracticeRating]:
    return {r.practice_id: r for r in assessment.ratings}


def score_of(assessment: Assessment) -> AssessmentResult:
    """Score the assessment's current ratings (validated ones keep their snapshot)."""
    ratings = {r.practice_id: r.rating for r in assessment.ratings if r.rating}
    return score_assessment(
        assessment_model(assessment), ratings, assessment.target_level, assessment.cycle.scope
    )


def recompute(assessment: Assessment) -> AssessmentResult:
    """Score the current ratings and store the results on the assessment, in the caller's
    transaction: every change of ratings calls this, so readers never score."""
    result = score_of(assessment)
    assessment.score = None if result.score is None else round(result.score, 2)
    assessment.maturity_level = result.maturity_level
    assessment.complete = result.complete
    assessment.current_result = result_to_dict(result)
    return result


def _clean(value: str | None) -> str:
    return (value or "").strip()


def input_problem(item: RatingInput, known: set[str]) -> str | None:
    """Why ``save_ratings`` would refuse ``item``, or None."""
    if item.practice_id not in known:
        return _("Unknown practice %(id)s.", id=item.practice_id)
    if item.rating not in (None, "", *RATING_VALUES):
        return _("%(id)s: the rating must be one of FI, LI, PI, NI, NA.", id=item.practice_id)
    if item.rating == Rating.NA and not _clean(item.na_reason):
        return _("%(id)s: NA needs a reason.", id=item.practice_id)
    for text in (item.evidence, item.links, item.comment, item.na_reason):
        if len(text or "") > MAX_TEXT:
            return _(
                "%(id)s: a text is longer than %(max)s characters.",
                id=item.practice_id,
                max=MAX_TEXT,
            )
    for link in _clean(item.links).splitlines():
        if link.strip() and not _URL.match(link.strip()):
            return _(
                "%(id)s: links must start with http:// or https:// (one per line).",
                id=item.practice_id,
            )
    return None


def _state(row: PracticeRating | None) -> dict[str, Any]:
    if row is None:
        return {"rating": None, "evidence": "", "links": "", "comment": "", "na_reason": ""}
    return {
        "rating": row.rating,
        "evidence": row.evidence,
        "links": row.links,
        "comment": row.comment,
        "na_reason": row.na_reason,
    }


def _wanted(item: RatingInput) -> dict[str, Any]:
    return {
        "rating": item.rating or None,
        "evidence": _clean(item.evidence),
        "links": _clean(item.links),
        "comment": _clean(item.comment),
        "na_reason": _clean(item.na_reason) if item.rating == Rating.NA else "",
    }


def rating_problems(assessment: Assessment, items: Iterable[RatingInput]) -> dict[str, str]:
    """Every practice of ``items`` that ``save_ratings`` would refuse, with the reason, so a
    page can show all of them at once next to their practices."""
    known = {p.id for area in areas_in_scope(assessment) for _goal, p in area.practices()}
    problems = {}
    for item in items:
        problem = input_problem(item, known)
        if problem is not None:
            problems[item.practice_id] = problem
    return problems


def progress_by_area(
    assessment: Assessment, rated: Collection[str] | None = None
) -> dict[str, Progress]:
    """Rated practices of each process area in scope, in model order; ``rated`` is
    :func:`rated_practice_ids` when the caller has it already."""
    if rated is None:
        rated = rated_practice_ids(assessment)
    return {area.code: area_progress(area, rated) for area in areas_in_scope(assessment)}


def first_unrated(
    assessment: Assessment, rated: Collection[str] | None = None
) -> tuple[str, str] | None:
    """(area code, practice id) of the first practice in scope not rated yet, in model order."""
    if rated is None:
        rated = rated_practice_ids(assessment)
    for area in areas_in_scope(assessment):
        for _goal, practice in area.practices():
            if practice.id not in rated:
                return area.code, practice.id
    return None


def review_comments_by_area(assessment: Assessment) -> dict[str, list[tuple[str, str]]]:
    """Area code → (practice id, the PMO's comment) of each commented practice, in model
    order: what a returned assessment asks to fix, area by area."""
    rows = db.session.execute(
        select(PracticeRating.practice_id, PracticeRating.review_comment).where(
            PracticeRating.assessment_id == assessment.id, PracticeRating.review_comment != ""
        )
    )
    comments: dict[str, str] = dict(rows.all())
    summary: dict[str, list[tuple[str, str]]] = {}
    for area in areas_in_scope(assessment):
        found = [(p.id, comments[p.id]) for _goal, p in area.practices() if p.id in comments]
        if found:
            summary[area.code] = found
    return summary


def overall_progress_of(
    assessment: Assessment, by_area: Mapping[str, Progress] | None = None
) -> Progress:
    """All the practices in scope; ``by_area`` is :func:`progress_by_area` when the caller
    has it already."""
    return overall_progress((progress_by_area(assessment) if by_area is None else by_area).values())


def cycle_progress(cycle: Cycle, assessment_ids: Sequence[int]) -> dict[int, Progress]:
    """Progress of each listed assessment of ``cycle`` in one query, whatever their number."""
    model = parsed(cycle.model)
    scope_ids = [
        p.id
        for area in model.process_areas
        if cycle.scope is None or area.code in cycle.scope
        for _goal, p in area.practices()
    ]
    rated: dict[int, int] = {}
    if assessment_ids:
        stmt = (
            select(PracticeRating.assessment_id, func.count())
            .where(
                PracticeRating.assessment_id.in_(assessment_ids),
                PracticeRating.rating.is_not(None),
            )
            .group_by(PracticeRating.assessment_id)
        )
        if cycle.scope is not None:
            stmt = stmt.where(PracticeRating.practice_id.in_(scope_ids))
        rated = {row[0]: row[1] for row in db.session.execute(stmt)}
    return {aid: Progress(rated=rated.get(aid, 0), total=len(scope_ids)) for aid in assessment_ids}


def ensure_editable(assessment: Assessment) -> None:
    if assessment.cycle.status is not CycleStatus.OPEN:
        raise ServiceError(_("The cycle is not open: ratings cannot change."))
    if assessment.status not in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED):
        raise ServiceError(_("This assessment has been submitted and cannot change now."))


def save_ratings(
    actor: User,
    assessment: Assessment,
    items: Iterable[RatingInput],
    *,
    expected_version: int | None,
) -> AssessmentResult:
    """Apply a page of ratings at once, or none of them.

    Raises StaleEdit, naming each practice whose saved values now differ from what the user
    sent, when ``expected_version`` is not the assessment's current version.
    """
    ensure_editable(assessment)
    items = list(items)
    known = {p.id for area in areas_in_scope(assessment) for _goal, p in area.practices()}
    for item in items:
        problem = input_problem(item, known)
        if problem is not None:
            raise ServiceError(problem, item.practice_id)
    current = ratings_by_practice(assessment)
    if expected_version is not None and expected_version != assessment.version:
        changes: dict[str, dict[str, object]] = {
            item.practice_id: {
                "saved": _state(current.get(item.practice_id)),
                "yours": _wanted(item),
            }
            for item in items
            if _state(current.get(item.practice_id)) != _wanted(item)
        }
        raise StaleEdit(
            _(
                "Someone else saved this assessment after you opened the page. "
                "Your entries are kept below; check the practices marked as "
                "changed and save again."
            ),
            changes,
        )
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    now = utcnow()
    for item in items:
        row = current.get(item.practice_id)
        before, after = _state(row), _wanted(item)
        if before == after:
            continue
        if row is None:
            row = PracticeRating(practice_id=item.practice_id)
            assessment.ratings.append(row)
        row.rating, row.evidence, row.links = after["rating"], after["evidence"], after["links"]
        row.comment, row.na_reason = after["comment"], after["na_reason"]
        row.updated_by_id, row.updated_at = actor.id, now
        old[item.practice_id], new[item.practice_id] = before, after
    if new:
        assessment.version += 1
    result = recompute(assessment)
    db.session.flush()
    if new:
        record_change(actor, "rate", assessment, old=old, new=new, label=_label(assessment))
    return result


def _label(assessment: Assessment) -> str:
    return f"{assessment.cycle.name} / {assessment.business_line.name}"


def _set_status(
    actor: User, assessment: Assessment, status: AssessmentStatus, action: str, **extra: Any
) -> None:
    old = {"status": assessment.status.value}
    assessment.status = status
    assessment.version += 1
    db.session.flush()
    record_change(
        actor,
        action,
        assessment,
        old=old,
        new={"status": status.value, **extra},
        label=_label(assessment),
    )


def submit(actor: User, assessment: Assessment) -> None:
    """Hand the assessment to the PMO; only when every practice in scope is rated."""
    ensure_editable(assessment)
    result = recompute(assessment)
    if not result.complete:
        missing = len(result.unrated_practices)
        raise ServiceError(
            ngettext(
                "%(num)s practice is not rated yet; rate it before submitting.",
                "%(num)s practices are not rated yet; rate them all before submitting.",
                missing,
            )
        )
    assessment.submitted_at = utcnow()
    _set_status(actor, assessment, AssessmentStatus.SUBMITTED, "submit")
    notices.assessment_submitted(actor, assessment)


def return_for_changes(
    actor: User, assessment: Assessment, comment: str, practice_comments: Mapping[str, str]
) -> None:
    """The PMO sends a submitted assessment back, with comments per practice."""
    if assessment.status is not AssessmentStatus.SUBMITTED:
        raise ServiceError(_("Only a submitted assessment can be returned."))
    if not _clean(comment) and not any(_clean(c) for c in practice_comments.values()):
        raise ServiceError(_("Say what needs to change: a comment is required."), "comment")
    rows = ratings_by_practice(assessment)
    for practice_id, text in practice_comments.items():
        if practice_id in rows:
            rows[practice_id].review_comment = _clean(text)
    assessment.review_comment = _clean(comment)
    _set_status(
        actor,
        assessment,
        AssessmentStatus.RETURNED,
        "return",
        comment=assessment.review_comment,
        practice_comments={k: v for k, v in practice_comments.items() if _clean(v)},
    )
    notices.assessment_returned(actor, assessment, assessment.review_comment, practice_comments)


def validate(actor: User, assessment: Assessment) -> list[Finding]:
    """Freeze the assessment with a snapshot of its results and record its gaps as findings."""
    if assessment.status is not AssessmentStatus.SUBMITTED:
        raise ServiceError(_("Only a submitted assessment can be validated."))
    result = recompute(assessment)
    model = assessment_model(assessment)
    snapshot = result_to_dict(result)
    snapshot["model"] = {"key": model.key, "version": model.version}
    snapshot["evidence_files"] = evidence_manifest(assessment)
    assessment.result_snapshot = snapshot
    assessment.respondent_snapshot = _respondent_snapshot(assessment)
    assessment.validated_at = utcnow()
    assessment.validated_by_id = actor.id
    findings = _gap_findings(assessment, model, result)
    _set_status(
        actor,
        assessment,
        AssessmentStatus.VALIDATED,
        "validate",
        maturity_level=result.maturity_level,
        score=assessment.score,
    )
    notices.assessment_validated(actor, assessment)
    return findings


def _respondent_snapshot(assessment: Assessment) -> dict[str, Any] | None:
    """Every respondent's own ratings, frozen with the result (None without respondents)."""
    respondents = db.session.scalars(
        select(Respondent)
        .where(Respondent.assessment_id == assessment.id)
        .options(joinedload(Respondent.user), selectinload(Respondent.ratings))
        .order_by(Respondent.id)
    ).unique()
    frozen = [
        {
            "id": r.user_id,
            "name": r.user.display_name,
            "assignments": list(r.assignments),
            "ratings": {x.practice_id: x.rating for x in r.ratings if x.rating},
        }
        for r in respondents
    ]
    return {"respondents": frozen} if frozen else None


def _gap_findings(
    assessment: Assessment, model: MaturityModel, result: AssessmentResult
) -> list[Finding]:
    """One finding per unsatisfied goal that the target level needs, in one language: the
    validator's (the default language from the command line)."""
    language = current_locale_code()
    findings = []
    for code in result.gap.process_areas:
        area = model.area(code)
        area_result = result.area(code)
        for goal_id in area_result.unsatisfied_goals:
            goal = next(g for g in area.goals if g.id == goal_id)
            if (
                goal.kind == "generic"
                and goal.level
                and goal.level > max(2, assessment.target_level)
            ):
                continue
            text = _(
                "%(area)s %(area_name)s: %(goal)s %(goal_name)s not satisfied",
                area=area.code,
                area_name=area.name.get(language),
                goal=goal.id,
                goal_name=goal.name.get(language),
            )
            finding = Finding(
                source=FindingSource.GAP,
                business_line_id=assessment.business_line_id,
                cycle_id=assessment.cycle_id,
                assessment_id=assessment.id,
                process_area=code,
                goal_id=goal.id,
                severity=4 if area.maturity_level <= 2 else 3,
                text=text,
            )
            db.session.add(finding)
            findings.append(finding)
    db.session.flush()
    return findings


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The same business line's validated assessment in the latest earlier cycle."""
    return db.session.scalar(
        select(Assessment)
        .join(Cycle)
        .where(
            Assessment.business_line_id == assessment.business_line_id,
            Assessment.status == AssessmentStatus.VALIDATED,
            Cycle.start < assessment.cycle.start,
        )
        .order_by(Cycle.start.desc())
        .limit(1)
    )


def load_assessment(assessment_id: int) -> Assessment | None:
    """The assessment with its cycle and maturity model, in one query. Its ratings (hundreds
    of rows) load when first used: pages that show a part of them query just that part
    (:func:`rated_practice_ids`, :func:`area_states`)."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.id == assessment_id)
        .options(joinedload(Assessment.cycle).joinedload(Cycle.model))
    )
