"""The results of an assessment for its page and its radar chart.

A validated assessment is read from its ``result_snapshot``, never re-scored, so later model
or rule changes do not alter what was validated; any other assessment from the
``current_result`` stored with its last change of ratings (scored here only for a row saved
before that column existed). The comparison is with the same business line's previous
validated cycle.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.services.assessments.evidence_store import practices_with_files
from app.services.assessments.workflow import assessment_model, previous_assessment, score_of
from assessments.charts import RadarChart, radar_svg
from assessments.results import ResultsSummary, radar_chart, summarise
from assessments.scoring import result_to_dict
from models import Assessment, AssessmentStatus


@dataclass(frozen=True)
class AssessmentResults:
    summary: ResultsSummary
    #: True when the numbers come from the snapshot taken at validation.
    from_snapshot: bool
    previous: Assessment | None
    rated: int


def result_data(assessment: Assessment) -> tuple[dict[str, Any], bool]:
    """The ``ladder score``-shaped result, and whether it is the validated snapshot."""
    if assessment.status is AssessmentStatus.VALIDATED and assessment.result_snapshot:
        return assessment.result_snapshot, True
    if assessment.current_result is not None:
        return assessment.current_result, False
    return result_to_dict(score_of(assessment)), False


def results_of(assessment: Assessment, language: str) -> AssessmentResults:
    result, from_snapshot = result_data(assessment)
    with_files = practices_with_files(assessment)
    ratings = {
        row.practice_id: (
            row.rating,
            bool(row.evidence.strip() or row.links.strip()) or row.practice_id in with_files,
        )
        for row in assessment.ratings
    }
    previous = previous_assessment(assessment)
    summary = summarise(
        assessment_model(assessment),
        result,
        ratings,
        language,
        previous.result_snapshot if previous is not None else None,
    )
    return AssessmentResults(
        summary=summary,
        from_snapshot=from_snapshot,
        previous=previous,
        rated=sum(1 for rating, _has in ratings.values() if rating),
    )


def radar_of(assessment: Assessment, language: str) -> str:
    """The radar chart of the results page as SVG text, in the user's language."""
    results = results_of(assessment, language)
    summary = results.summary
    title = _(
        "%(line)s · %(cycle)s: process-area scores",
        line=assessment.business_line.name,
        cycle=assessment.cycle.name,
    )
    chart = radar_chart(
        summary,
        title=title,
        current_label=_("Score (%(cycle)s)", cycle=assessment.cycle.name),
        target_label=_(
            "Target ML%(level)s: lowest score that can meet it", level=summary.target_level
        ),
        previous_label=(
            _("Previous cycle (%(cycle)s)", cycle=results.previous.cycle.name)
            if results.previous is not None
            else None
        ),
        description=_("Scores from 0 to 100 of each process area in scope."),
    )
    return _cached_svg(chart)


@functools.lru_cache(maxsize=256)
def _cached_svg(chart: RadarChart) -> str:
    """Drawing takes ~0.1 s; the same numbers and labels give the same picture."""
    return radar_svg(chart)
