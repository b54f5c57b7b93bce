"""The results page of an assessment and its radar chart."""

from __future__ import annotations

import hashlib

from flask import Response, render_template, request
from flask_login import current_user

from app.cycles import bp
from app.i18n import current_locale_code
from app.security import signed_in
from app.services.assessments.access import get_visible_assessment_or_404
from app.services.assessments.profiles import assessment_profile_rows, stored_model_of
from app.services.assessments.results import radar_of, result_data, results_of


@bp.route("/assessments/<int:assessment_id>/results")
@signed_in
def results(assessment_id: int) -> str:
    item = get_visible_assessment_or_404(current_user, assessment_id)
    language = current_locale_code()
    return render_template(
        "cycles/results_assessment.html",
        assessment=item,
        results=results_of(item, language),
        profile=assessment_profile_rows(
            item, stored_model_of(item), result_data(item)[0], language
        ),
        language=language,
    )


@bp.route("/assessments/<int:assessment_id>/results/radar.svg")
@signed_in
def results_radar(assessment_id: int) -> Response:
    """The chart, cacheable by the browser: its URL carries the version and the language."""
    item = get_visible_assessment_or_404(current_user, assessment_id)
    svg = radar_of(item, current_locale_code())
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Vary"] = "Cookie"
    response.set_etag(hashlib.sha256(svg.encode()).hexdigest()[:32])
    response.make_conditional(request)
    return response
