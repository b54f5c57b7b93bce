"""How far an assessment is filled in: practices rated per process area and overall.

A practice counts as rated once it has any rating, NA included (NA with its reason is an
answer); progress says nothing about whether the ratings are good.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from assessments.maturity_model.model import ProcessArea


@dataclass(frozen=True)
class Progress:
    rated: int
    total: int

    @property
    def remaining(self) -> int:
        return self.total - self.rated

    @property
    def ratio(self) -> float:
        """0.0–1.0; an empty scope counts as done."""
        return 1.0 if self.total == 0 else self.rated / self.total

    @property
    def done(self) -> bool:
        return self.rated >= self.total


def area_progress(area: ProcessArea, rated_ids: Collection[str]) -> Progress:
    """Practices of ``area`` that appear in ``rated_ids`` (ids of practices with a rating)."""
    ids = [practice.id for _goal, practice in area.practices()]
    return Progress(rated=sum(1 for pid in ids if pid in rated_ids), total=len(ids))


def overall_progress(parts: Iterable[Progress]) -> Progress:
    parts = list(parts)
    return Progress(rated=sum(p.rated for p in parts), total=sum(p.total for p in parts))
