"""Consensus of several respondents: the proposed rating of each practice and disagreements.

Pure functions implementing "Several respondents and consensus" of the domain reference:

- the **proposed consensus** of a practice is unrated (None) when nobody rated it; NA when
  more than half of the given ratings are NA; otherwise the lower median of the applicable
  ratings as points (FI 3, LI 2, PI 1, NI 0; for an even count the lower of the two middle
  values);
- a practice is a **disagreement** when its applicable ratings differ by 2 points or more, or
  when NA and applicable ratings are both given.

The director sets the consensus (a reason is needed where it differs from the proposal);
scores, levels and gaps are computed from the consensus alone, by ``assessments.scoring``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assessments.maturity_model.model import MaturityModel
from assessments.scoring import RATING_POINTS, Rating

__all__ = [
    "Consolidation",
    "PracticeConsensus",
    "consolidate",
    "consolidation_to_dict",
    "is_disagreement",
    "propose_consensus",
    "spread",
    "validate_respondent_ratings",
]

_BY_POINTS: Mapping[int, Rating] = {points: rating for rating, points in RATING_POINTS.items()}
_RATING_NAMES = ", ".join(rating.value for rating in Rating)


def propose_consensus(ratings: Iterable[Rating | str]) -> Rating | None:
    """The proposed consensus of one practice from the ratings given (unrated left out)."""
    given = [Rating(rating) for rating in ratings]
    if not given:
        return None
    not_applicable = sum(1 for rating in given if rating is Rating.NA)
    if not_applicable * 2 > len(given):
        return Rating.NA
    points = sorted(RATING_POINTS[rating] for rating in given if rating is not Rating.NA)
    return _BY_POINTS[points[(len(points) - 1) // 2]]


def spread(ratings: Iterable[Rating | str]) -> int | None:
    """Highest minus lowest points of the applicable ratings; None when there are none."""
    points = [RATING_POINTS[Rating(r)] for r in ratings if Rating(r) is not Rating.NA]
    return max(points) - min(points) if points else None


def is_disagreement(ratings: Iterable[Rating | str]) -> bool:
    """Applicable ratings 2 points or more apart, or NA given alongside applicable ratings."""
    given = [Rating(rating) for rating in ratings]
    applicable = [rating for rating in given if rating is not Rating.NA]
    if applicable and len(applicable) < len(given):
        return True
    width = spread(applicable)
    return width is not None and width >= 2


@dataclass(frozen=True)
class PracticeConsensus:
    practice_id: str
    #: Respondent → rating, in the order respondents were given; unrated respondents absent.
    ratings: Mapping[str, Rating]
    proposed: Rating | None
    disagreement: bool
    spread: int | None


@dataclass(frozen=True)
class Consolidation:
    #: Practices rated by at least one respondent, in model order.
    practices: tuple[PracticeConsensus, ...]

    @property
    def disagreements(self) -> tuple[str, ...]:
        return tuple(p.practice_id for p in self.practices if p.disagreement)

    def proposed_ratings(self) -> dict[str, str]:
        """Practice id → proposed rating, for scoring (practices without one left out)."""
        return {p.practice_id: p.proposed.value for p in self.practices if p.proposed is not None}


def consolidate(
    model: MaturityModel, respondents: Mapping[str, Mapping[str, str]]
) -> Consolidation:
    """Consolidate respondent → (practice id → rating) over ``model``.

    Ratings of practices the model does not have are ignored; check the input first with
    ``validate_respondent_ratings``. Raises ValueError for a rating that is not
    FI/LI/PI/NI/NA.
    """
    practices: list[PracticeConsensus] = []
    for _area, _goal, practice in model.practices():
        given = {
            name: _parse(name, practice.id, ratings[practice.id])
            for name, ratings in respondents.items()
            if ratings.get(practice.id) is not None
        }
        if not given:
            continue
        values = list(given.values())
        practices.append(
            PracticeConsensus(
                practice_id=practice.id,
                ratings=given,
                proposed=propose_consensus(values),
                disagreement=is_disagreement(values),
                spread=spread(values),
            )
        )
    return Consolidation(practices=tuple(practices))


def validate_respondent_ratings(
    model: MaturityModel, respondents: Mapping[str, object]
) -> list[str]:
    """Problems of ``ladder consolidate`` input, each naming the respondent and practice id.

    ``respondents`` maps a name to ``{"ratings": {practice id: rating}}``. NA needs no reason
    here: the reasons are given when the consensus is set.
    """
    known = model.practice_ids()
    problems: list[str] = []
    for name, entry in respondents.items():
        if not name.strip():
            problems.append("a respondent has an empty name")
            continue
        ratings = entry.get("ratings", {}) if isinstance(entry, dict) else None
        if not isinstance(ratings, dict):
            problems.append(f'respondent {name!r}: expected {{"ratings": {{practice id: rating}}}}')
            continue
        for practice_id, value in ratings.items():
            if practice_id not in known:
                problems.append(
                    f"respondent {name!r}, {practice_id}: unknown practice id "
                    f"(not in model {model.key})"
                )
            elif value is not None and (
                not isinstance(value, str) or value not in Rating.__members__
            ):
                problems.append(
                    f"respondent {name!r}, {practice_id}: unknown rating {value!r} "
                    f"(expected one of {_RATING_NAMES})"
                )
    return problems


def consolidation_to_dict(consolidation: Consolidation) -> dict[str, Any]:
    """``practices`` and ``disagreements`` as printed by ``ladder consolidate``."""
    return {
        "practices": {
            p.practice_id: {
                "ratings": {name: rating.value for name, rating in p.ratings.items()},
                "proposed": None if p.proposed is None else p.proposed.value,
                "disagreement": p.disagreement,
            }
            for p in consolidation.practices
        },
        "disagreements": list(consolidation.disagreements),
    }


def _parse(name: str, practice_id: str, value: str) -> Rating:
    if value not in Rating.__members__:
        raise ValueError(f"respondent {name!r}, {practice_id}: unknown rating {value!r}")
    return Rating(value)
