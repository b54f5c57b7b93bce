"""Assessments: the overview, one page per process area to rate, and submitting."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.cycles import bp
from app.cycles.forms import RATING_CHOICES, RatingPageForm, rating_labels
from app.errors import refusal
from app.i18n import current_locale_code
from app.params import form_version
from app.security import roles, signed_in
from app.services.assessments import workflow as service
from app.services.assessments.access import (
    can_fill_assessment,
    can_review_assessment,
    get_visible_assessment_or_404,
)
from app.services.assessments.evidence_store import files_by_practice
from app.services.assessments.respondents import can_read_consolidation
from assessments.maturity_model.model import ProcessArea
from assessments.progress import area_progress
from models import Assessment, AssessmentStatus, Role

FIELDS = ("rating", "evidence", "links", "comment", "na_reason")


def _language() -> str:
    return current_locale_code()


@bp.route("/assessments/<int:assessment_id>")
@signed_in
def assessment(assessment_id: int) -> str:
    item = get_visible_assessment_or_404(current_user, assessment_id)
    areas = service.areas_in_scope(item)
    rated = service.rated_practice_ids(item)
    progress = service.progress_by_area(item, rated)
    return render_template(
        "cycles/assessment.html",
        assessment=item,
        areas=areas,
        progress=progress,
        overall=service.overall_progress_of(item, progress),
        can_fill=can_fill_assessment(current_user, item),
        can_review=can_review_assessment(current_user, item),
        can_see_respondents=can_read_consolidation(current_user, item),
        next_unrated=service.first_unrated(item, rated),
        returned_comments=service.review_comments_by_area(item)
        if item.status is AssessmentStatus.RETURNED
        else {},
        language=_language(),
    )


def area_or_404(item: Assessment, code: str) -> ProcessArea:
    for area in service.areas_in_scope(item):
        if area.code == code:
            return area
    abort(404)


def _typed(area: ProcessArea) -> dict[str, dict[str, Any]]:
    """What the page sent for each practice of ``area``."""
    return {
        practice.id: {
            name: request.form.get(f"{name}-{practice.id}", "")
            or ("" if name != "rating" else None)
            for name in FIELDS
        }
        for _goal, practice in area.practices()
    }


def _inputs(values: dict[str, dict[str, Any]]) -> list[service.RatingInput]:
    return [service.RatingInput(practice_id=pid, **fields) for pid, fields in values.items()]


def _render_area(
    item: Assessment,
    area: ProcessArea,
    *,
    values: dict[str, dict[str, Any]],
    version: int,
    problems: dict[str, str] | None = None,
    stale: dict[str, Any] | None = None,
    saved: dict[str, service.SavedPractice] | None = None,
) -> str:
    if saved is None:
        saved = service.area_states(item, area)
    rated = service.rated_practice_ids(item)
    return render_template(
        "cycles/area.html",
        assessment=item,
        area=area,
        values=values,
        version=version,
        problems=problems or {},
        stale=stale,
        review_comments={pid: s.review_comment for pid, s in saved.items() if s.review_comment},
        evidence_files=files_by_practice(item),
        editable=can_fill_assessment(current_user, item),
        progress=area_progress(area, rated),
        next_unrated=service.first_unrated(item, rated),
        areas=service.areas_in_scope(item),
        form=RatingPageForm(),
        rating_choices=RATING_CHOICES,
        rating_labels=rating_labels(),
        language=_language(),
    )


@bp.route("/assessments/<int:assessment_id>/areas/<code>", methods=["GET", "POST"])
@signed_in
def area(assessment_id: int, code: str) -> str | Response | tuple[str, int]:
    item = get_visible_assessment_or_404(current_user, assessment_id)
    area = area_or_404(item, code)
    if request.method == "GET":
        saved = service.area_states(item, area)
        values = {
            p.id: saved[p.id].state if p.id in saved else dict.fromkeys(FIELDS, "")
            for _goal, p in area.practices()
        }
        return _render_area(item, area, values=values, version=item.version, saved=saved)
    if not can_fill_assessment(current_user, item):
        abort(403)
    values = _typed(area)
    version = request.form.get("version", "")
    expected = form_version(version)
    problems = service.rating_problems(item, _inputs(values))
    if problems:
        flash(_("Nothing was saved: correct the practices marked below."), "danger")
        return _render_area(
            item, area, values=values, version=expected or item.version, problems=problems
        ), 422
    with refusal(show=False) as refused:
        service.save_ratings(current_user, item, _inputs(values), expected_version=expected)
        flash(_("Draft saved for %(area)s.", area=area.code), "success")
        return redirect(url_for("cycles.area", assessment_id=item.id, code=area.code))
    # A practice's error stands next to the practice; a stale edit lists what changed.
    problems = {refused.field: refused.message} if refused.field else {}
    if not problems:
        flash(refused.message, "warning" if refused.stale is not None else "danger")
    return _render_area(
        item, area, values=values, version=item.version, problems=problems, stale=refused.stale
    ), refused.status


@bp.route("/assessments/<int:assessment_id>/submit", methods=["POST"])
@roles(Role.DIRECTOR)
def submit(assessment_id: int) -> Response:
    item = get_visible_assessment_or_404(current_user, assessment_id)
    with refusal():
        service.submit(current_user, item)
        flash(_("Assessment submitted to the PMO for review."), "success")
    return redirect(url_for("cycles.assessment", assessment_id=assessment_id))
