"""Closing the loop: did a process area's score move after an improvement was approved?"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class ScoreChange:
    """A process area's score in the last validated assessment up to the approval day and
    in the first one validated after it."""

    code: str
    before: float
    after: float
    before_validated: datetime
    after_validated: datetime

    @property
    def delta(self) -> float:
        return round(self.after - self.before, 1)


def _area_score(snapshot: Mapping[str, Any] | None, code: str) -> float | None:
    area = ((snapshot or {}).get("process_areas") or {}).get(code) or {}
    score = area.get("score")
    return float(score) if isinstance(score, int | float) else None


def area_score_change(
    validated: Sequence[tuple[datetime, Mapping[str, Any] | None]],
    approved_on: date,
    code: str,
) -> ScoreChange | None:
    """The change of ``code``'s score across ``approved_on``, from ``(validated_at,
    result_snapshot)`` of one business line's assessments in any order.

    An assessment validated on the approval day counts as "before". None when either side
    is missing or the area has no score in it (later assessments lacking it are skipped)."""
    ordered = sorted(validated, key=lambda row: row[0])
    before = [row for row in ordered if row[0].date() <= approved_on]
    after = [row for row in ordered if row[0].date() > approved_on]
    if not before:
        return None
    before_score = _area_score(before[-1][1], code)
    if before_score is None:
        return None
    for validated_at, snapshot in after:
        after_score = _area_score(snapshot, code)
        if after_score is not None:
            return ScoreChange(code, before_score, after_score, before[-1][0], validated_at)
    return None
