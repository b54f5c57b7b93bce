"""Scoring an assessment: practice ratings → goals, process areas, levels, score and gap.

Pure functions on values (no Flask, no database), implementing "Ratings and scores" of the
domain reference:

- practice points FI 3, LI 2, PI 1, NI 0; NA is left out of every count;
- a goal is satisfied when it has at least one applicable practice and every applicable
  practice is FI or LI; a goal whose practices are all NA is not applicable; an unrated
  applicable practice leaves its goal unsatisfied and the assessment incomplete;
- score = points ÷ (3 × applicable practices) × 100, unrated counting 0;
- capability level CL0..CL3 per process area, maturity level ML1..ML5 (staged, cumulative);
- gap between a target maturity level and the achieved one.

Decisions the reference leaves open:

- a process area whose practices are all NA is not applicable as a whole: its score and
  capability level are None, and it is left out of the maturity-level rule and of the gap;
  not-applicable goals never block a capability level;
- the maturity level cannot exceed the highest maturity level of the process areas being
  assessed (so an assessment scoped to the ML2 areas tops out at ML2, never a vacuous ML5);
- a score over zero applicable practices is None.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from assessments.maturity_model.model import Goal, GoalKind, MaturityModel, ProcessArea

__all__ = [
    "MAX_MATURITY_LEVEL",
    "RATING_POINTS",
    "AreaResult",
    "AssessmentResult",
    "Gap",
    "GoalResult",
    "Rating",
    "result_to_dict",
    "score_assessment",
    "validate_ratings",
]

MAX_MATURITY_LEVEL = 5


class Rating(StrEnum):
    FI = "FI"  # fully implemented
    LI = "LI"  # largely implemented
    PI = "PI"  # partially implemented
    NI = "NI"  # not implemented
    NA = "NA"  # not applicable (a reason is required)


#: Points of each applicable rating (NA has none: it is left out of every count).
RATING_POINTS: Mapping[Rating, int] = {
    Rating.FI: 3,
    Rating.LI: 2,
    Rating.PI: 1,
    Rating.NI: 0,
}

_SATISFYING = frozenset({Rating.FI, Rating.LI})
_RATING_NAMES = ", ".join(rating.value for rating in Rating)


@dataclass(frozen=True)
class GoalResult:
    id: str
    kind: GoalKind
    level: int | None
    #: False when every practice of the goal is NA.
    applicable: bool
    #: At least one applicable practice and every applicable practice FI or LI.
    satisfied: bool
    points: int
    #: 3 × the number of applicable practices (rated or not).
    max_points: int
    #: Applicable practices without a rating, in model order.
    unrated_practices: tuple[str, ...]


@dataclass(frozen=True)
class AreaResult:
    code: str
    maturity_level: int
    #: False when every practice of the area is NA (the area is left out of the ML rule).
    applicable: bool
    #: 0–100 (not rounded); None when the area is not applicable.
    score: float | None
    #: 0–3; None when the area is not applicable.
    capability_level: int | None
    points: int
    max_points: int
    goals: tuple[GoalResult, ...]

    @property
    def satisfied_goals(self) -> tuple[str, ...]:
        return tuple(goal.id for goal in self.goals if goal.applicable and goal.satisfied)

    @property
    def unsatisfied_goals(self) -> tuple[str, ...]:
        return tuple(goal.id for goal in self.goals if goal.applicable and not goal.satisfied)

    @property
    def not_applicable_goals(self) -> tuple[str, ...]:
        return tuple(goal.id for goal in self.goals if not goal.applicable)

    @property
    def unrated_practices(self) -> tuple[str, ...]:
        return tuple(practice for goal in self.goals for practice in goal.unrated_practices)

    @property
    def complete(self) -> bool:
        return not self.unrated_practices

    def satisfies_maturity_level(self, level: int) -> bool:
        """Whether this area meets what maturity level ``level`` asks of it.

        Every applicable specific goal and GG2 satisfied, and from ML3 on also GG3.
        A not-applicable area never blocks.
        """
        if not self.applicable or self.capability_level is None:
            return True
        return self.capability_level >= (2 if level <= 2 else 3)


@dataclass(frozen=True)
class Gap:
    #: target − achieved maturity level, 0 if the target is met or there is no target.
    levels: int
    #: Codes of the applicable areas the target needs that do not meet it, in model order.
    process_areas: tuple[str, ...]


@dataclass(frozen=True)
class AssessmentResult:
    model_key: str
    maturity_level: int
    target_level: int | None
    #: True when every applicable practice (in scope) is rated.
    complete: bool
    #: 0–100 over all practices in scope (not rounded); None if none is applicable.
    score: float | None
    #: The areas in scope, in model order.
    process_areas: tuple[AreaResult, ...]
    gap: Gap

    def area(self, code: str) -> AreaResult:
        """The result of area ``code``; KeyError if it was not assessed."""
        for area in self.process_areas:
            if area.code == code:
                return area
        raise KeyError(code)

    @property
    def unrated_practices(self) -> tuple[str, ...]:
        return tuple(practice for area in self.process_areas for practice in area.unrated_practices)


def score_assessment(
    model: MaturityModel,
    ratings: Mapping[str, str],
    target_level: int | None,
    scope: Collection[str] | None = None,
) -> AssessmentResult:
    """Score ``ratings`` (practice id → FI/LI/PI/NI/NA; missing = unrated) against ``model``.

    ``scope``, if given, restricts the assessment to those process-area codes. Ratings of
    practices the model (or the scope) does not have are ignored; use validate_ratings to
    report them. Raises ValueError for a rating value that is not FI/LI/PI/NI/NA, an
    unknown area code in ``scope`` or a target level outside 1..5.
    """
    if target_level is not None and (
        isinstance(target_level, bool)
        or not isinstance(target_level, int)
        or not 1 <= target_level <= MAX_MATURITY_LEVEL
    ):
        raise ValueError(f"target level must be 1 to {MAX_MATURITY_LEVEL}, not {target_level!r}")
    parsed = _parse_ratings(ratings)
    areas = _areas_in_scope(model, scope)

    results = tuple(_score_area(area, parsed) for area in areas)
    maturity_level = _maturity_level(results)
    points = sum(result.points for result in results)
    max_points = sum(result.max_points for result in results)
    return AssessmentResult(
        model_key=model.key,
        maturity_level=maturity_level,
        target_level=target_level,
        complete=all(result.complete for result in results),
        score=_percent(points, max_points),
        process_areas=results,
        gap=_gap(results, maturity_level, target_level),
    )


def validate_ratings(
    model: MaturityModel,
    ratings: Mapping[str, object],
    na_reasons: Mapping[str, object] | None = None,
) -> list[str]:
    """Problems of an assessment's input, each naming the practice id (empty if fine).

    Unknown practice ids, rating values other than FI/LI/PI/NI/NA, NA without a non-empty
    reason in ``na_reasons``, and reasons given for unknown practice ids.
    """
    known = model.practice_ids()
    reasons = na_reasons or {}
    problems: list[str] = []
    for practice_id, value in ratings.items():
        if practice_id not in known:
            problems.append(f"{practice_id}: unknown practice id (not in model {model.key})")
            continue
        if not isinstance(value, str) or value not in Rating.__members__:
            problems.append(
                f"{practice_id}: unknown rating {value!r} (expected one of {_RATING_NAMES})"
            )
            continue
        if value == Rating.NA:
            reason = reasons.get(practice_id)
            if not isinstance(reason, str) or not reason.strip():
                problems.append(f"{practice_id}: rated NA without a reason (NA needs a reason)")
    for practice_id in reasons:
        if practice_id not in known:
            problems.append(f"{practice_id}: NA reason for an unknown practice id")
    return problems


def result_to_dict(result: AssessmentResult) -> dict[str, Any]:
    """The result as printed by ``ladder score PATH --format json`` (scores to 2 decimals)."""
    return {
        "maturity_level": result.maturity_level,
        "target_level": result.target_level,
        "complete": result.complete,
        "score": _round(result.score),
        "process_areas": {
            area.code: {
                "score": _round(area.score),
                "capability_level": area.capability_level,
                "satisfied_goals": list(area.satisfied_goals),
                "unsatisfied_goals": list(area.unsatisfied_goals),
            }
            for area in result.process_areas
        },
        "gap": {
            "levels": result.gap.levels,
            "process_areas": list(result.gap.process_areas),
        },
    }


# --------------------------------------------------------------------------- internals


def _parse_ratings(ratings: Mapping[str, str]) -> dict[str, Rating]:
    parsed: dict[str, Rating] = {}
    bad: list[str] = []
    for practice_id, value in ratings.items():
        if isinstance(value, str) and value in Rating.__members__:
            parsed[practice_id] = Rating(value)
        else:
            bad.append(f"{practice_id}={value!r}")
    if bad:
        raise ValueError(f"unknown ratings (expected {_RATING_NAMES}): {', '.join(bad)}")
    return parsed


def _areas_in_scope(model: MaturityModel, scope: Collection[str] | None) -> tuple[ProcessArea, ...]:
    if scope is None:
        return model.process_areas
    codes = {area.code for area in model.process_areas}
    unknown = sorted(set(scope) - codes)
    if unknown:
        raise ValueError(f"unknown process areas in scope: {', '.join(unknown)}")
    wanted = set(scope)
    return tuple(area for area in model.process_areas if area.code in wanted)


def _score_goal(goal: Goal, ratings: Mapping[str, Rating]) -> GoalResult:
    applicable = 0
    points = 0
    unrated: list[str] = []
    all_satisfying = True
    for practice in goal.practices:
        rating = ratings.get(practice.id)
        if rating is Rating.NA:
            continue
        applicable += 1
        if rating is None:
            unrated.append(practice.id)
            all_satisfying = False
            continue
        points += RATING_POINTS[rating]
        if rating not in _SATISFYING:
            all_satisfying = False
    return GoalResult(
        id=goal.id,
        kind=goal.kind,
        level=goal.level,
        applicable=applicable > 0,
        satisfied=applicable > 0 and all_satisfying,
        points=points,
        max_points=3 * applicable,
        unrated_practices=tuple(unrated),
    )


def _score_area(area: ProcessArea, ratings: Mapping[str, Rating]) -> AreaResult:
    goals = tuple(_score_goal(goal, ratings) for goal in area.goals)
    applicable = any(goal.applicable for goal in goals)
    points = sum(goal.points for goal in goals)
    max_points = sum(goal.max_points for goal in goals)
    return AreaResult(
        code=area.code,
        maturity_level=area.maturity_level,
        applicable=applicable,
        score=_percent(points, max_points) if applicable else None,
        capability_level=_capability_level(goals) if applicable else None,
        points=points,
        max_points=max_points,
        goals=goals,
    )


def _capability_level(goals: tuple[GoalResult, ...]) -> int:
    """CL1: every specific goal satisfied; CL2: also GG2; CL3: also GG3 (NA goals skipped)."""

    def met(kind: GoalKind, level: int | None) -> bool:
        return all(
            goal.satisfied
            for goal in goals
            if goal.applicable and goal.kind == kind and goal.level == level
        )

    if not met("specific", None):
        return 0
    if not met("generic", 2):
        return 1
    if not met("generic", 3):
        return 2
    return 3


def _maturity_level(areas: tuple[AreaResult, ...]) -> int:
    """ML1 by default; ML n when every applicable ML2..n area satisfies level n (cumulative)."""
    ceiling = min(max((area.maturity_level for area in areas), default=1), MAX_MATURITY_LEVEL)
    achieved = 1
    for level in range(2, ceiling + 1):
        needed = (area for area in areas if 2 <= area.maturity_level <= level)
        if not all(area.satisfies_maturity_level(level) for area in needed):
            break
        achieved = level
    return achieved


def _gap(areas: tuple[AreaResult, ...], achieved: int, target: int | None) -> Gap:
    if target is None:
        return Gap(levels=0, process_areas=())
    missing = tuple(
        area.code
        for area in areas
        if area.applicable
        and 2 <= area.maturity_level <= target
        and not area.satisfies_maturity_level(target)
    )
    return Gap(levels=max(0, target - achieved), process_areas=missing)


def _percent(points: int, max_points: int) -> float | None:
    return points / max_points * 100 if max_points else None


def _round(score: float | None) -> float | None:
    return None if score is None else round(score, 2)
