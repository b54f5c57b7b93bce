"""What the results page of an assessment shows, computed from values.

The input is a result in the ``ladder score`` JSON shape (``scoring.result_to_dict``): either
freshly scored or the snapshot kept when the assessment was validated, so a validated
assessment is never re-scored. Added here: evidence coverage per area, which areas the target
needs, and the change since a previous result of the same business line.

Decisions:

- **evidence coverage** of an area = the share of its practices rated FI, LI, PI or NI that
  have evidence text, at least one link or an attached file; NA practices (justified by
  their reason) and unrated ones are left out; None when no practice counts;
- areas are listed (and drawn round the radar) by maturity level, then code, as in the staged
  view, so the areas a target needs sit together;
- the **target reference** on the radar chart is, for each area the target level needs, the
  lowest score with which that area can meet it (every applicable practice LI: 66.7); areas
  the target does not need have no reference.

Pure domain code: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assessments.charts import RadarChart, RadarSeries
from assessments.maturity_model.model import MaturityModel

__all__ = [
    "TARGET_REFERENCE_SCORE",
    "AreaRow",
    "ResultsSummary",
    "evidence_coverage",
    "radar_chart",
    "summarise",
]

#: The score of an area whose every applicable practice is LI: the least that satisfies it.
TARGET_REFERENCE_SCORE = 200 / 3

_APPLICABLE = frozenset({"FI", "LI", "PI", "NI"})


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    maturity_level: int
    #: The target maturity level needs this area (2 ≤ its level ≤ target).
    needed: bool
    score: float | None
    capability_level: int | None
    #: (goal id, goal name) of each applicable unsatisfied goal.
    unsatisfied_goals: tuple[tuple[str, str], ...]
    #: 0–1, None when no practice is rated FI/LI/PI/NI.
    evidence_coverage: float | None
    previous_score: float | None
    score_delta: float | None


@dataclass(frozen=True)
class ResultsSummary:
    maturity_level: int
    target_level: int | None
    score: float | None
    complete: bool
    gap_levels: int
    gap_areas: tuple[str, ...]
    evidence_coverage: float | None
    areas: tuple[AreaRow, ...]
    previous_maturity_level: int | None
    previous_score: float | None
    maturity_delta: int | None
    score_delta: float | None

    @property
    def target_met(self) -> bool:
        return self.target_level is None or self.maturity_level >= self.target_level


def evidence_coverage(
    practice_ids: Iterable[str], ratings: Mapping[str, tuple[str | None, bool]]
) -> float | None:
    """Share of ``practice_ids`` rated FI/LI/PI/NI that have evidence (see module doc).

    ``ratings`` maps practice id → (rating, has evidence text, links or files).
    """
    counted = with_evidence = 0
    for practice_id in practice_ids:
        rating, has_evidence = ratings.get(practice_id, (None, False))
        if rating in _APPLICABLE:
            counted += 1
            with_evidence += bool(has_evidence)
    return with_evidence / counted if counted else None


def summarise(
    model: MaturityModel,
    result: Mapping[str, Any],
    ratings: Mapping[str, tuple[str | None, bool]],
    language: str,
    previous: Mapping[str, Any] | None = None,
) -> ResultsSummary:
    """The page's numbers from a ``ladder score``-shaped ``result`` (and a previous one)."""
    target = result.get("target_level")
    scored: Mapping[str, Mapping[str, Any]] = result.get("process_areas", {})
    before: Mapping[str, Mapping[str, Any]] = (previous or {}).get("process_areas", {})
    rows = []
    all_ids: list[str] = []
    for area in sorted(model.process_areas, key=lambda a: (a.maturity_level, a.code)):
        if area.code not in scored:
            continue
        data = scored[area.code]
        goal_names = {goal.id: goal.name.get(language) for goal in area.goals}
        ids = [practice.id for _goal, practice in area.practices()]
        all_ids += ids
        score = data.get("score")
        previous_score = before.get(area.code, {}).get("score")
        rows.append(
            AreaRow(
                code=area.code,
                name=area.name.get(language),
                maturity_level=area.maturity_level,
                needed=target is not None and 2 <= area.maturity_level <= target,
                score=score,
                capability_level=data.get("capability_level"),
                unsatisfied_goals=tuple(
                    (goal_id, goal_names.get(goal_id, "")) for goal_id in data["unsatisfied_goals"]
                ),
                evidence_coverage=evidence_coverage(ids, ratings),
                previous_score=previous_score,
                score_delta=_delta(score, previous_score),
            )
        )
    previous_level = previous.get("maturity_level") if previous else None
    previous_score = previous.get("score") if previous else None
    gap = result.get("gap", {})
    return ResultsSummary(
        maturity_level=result["maturity_level"],
        target_level=target,
        score=result.get("score"),
        complete=bool(result.get("complete")),
        gap_levels=gap.get("levels", 0),
        gap_areas=tuple(gap.get("process_areas", ())),
        evidence_coverage=evidence_coverage(all_ids, ratings),
        areas=tuple(rows),
        previous_maturity_level=previous_level,
        previous_score=previous_score,
        maturity_delta=(
            None if previous_level is None else result["maturity_level"] - previous_level
        ),
        score_delta=_delta(result.get("score"), previous_score),
    )


def radar_chart(
    summary: ResultsSummary,
    *,
    title: str,
    current_label: str,
    target_label: str,
    previous_label: str | None,
    description: str = "",
) -> RadarChart:
    """The radar of area scores, the target reference and (if any) the previous cycle."""
    series = [
        RadarSeries(current_label, tuple(row.score for row in summary.areas), filled=True),
    ]
    if summary.target_level is not None and any(row.needed for row in summary.areas):
        series.append(
            RadarSeries(
                target_label,
                tuple(TARGET_REFERENCE_SCORE if row.needed else None for row in summary.areas),
            )
        )
    if previous_label and any(row.previous_score is not None for row in summary.areas):
        series.append(
            RadarSeries(previous_label, tuple(row.previous_score for row in summary.areas))
        )
    return RadarChart(
        title=title,
        axes=tuple(row.code for row in summary.areas),
        series=tuple(series),
        description=description,
    )


def _delta(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, 2)
