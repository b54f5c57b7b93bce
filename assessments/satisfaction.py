"""Satisfaction surveys: Likert answers, the mean that feeds the ``satisfaction`` KPI, and
the response rate of invitations. Pure functions, no database."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

LIKERT_MIN = 1
LIKERT_MAX = 5
PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def is_likert(value: object) -> bool:
    """A Likert answer is a whole number from 1 to 5 (``True`` is not a number here)."""
    return (
        isinstance(value, int) and not isinstance(value, bool) and LIKERT_MIN <= value <= LIKERT_MAX
    )


def is_month_period(period: str) -> bool:
    """``YYYY-MM``, the period of the monthly ``satisfaction`` KPI."""
    return bool(PERIOD_PATTERN.match(period))


@dataclass(frozen=True)
class LineMean:
    business_line_id: int
    period: str
    mean: float
    ratings: int


def satisfaction_means_by_line(ratings: Iterable[tuple[int, int]], period: str) -> list[LineMean]:
    """The mean Likert rating of each business line for ``period``: ``ratings`` are
    ``(business_line_id, rating)`` pairs, one per Likert answer of a satisfaction survey.
    Every Likert question weighs the same; lines without ratings are left out. The mean is
    rounded to 2 decimals, as the KPI shows it. Ratings outside 1–5 are an error."""
    sums: dict[int, int] = defaultdict(int)
    counts: dict[int, int] = defaultdict(int)
    for line_id, rating in ratings:
        if not is_likert(rating):
            raise ValueError(f"Likert rating outside {LIKERT_MIN}-{LIKERT_MAX}: {rating!r}")
        sums[line_id] += rating
        counts[line_id] += 1
    return [
        line_mean(line_id, period, sums[line_id], counts[line_id]) for line_id in sorted(counts)
    ]


def line_mean(business_line_id: int, period: str, total: int, count: int) -> LineMean:
    """The mean of ``count`` Likert ratings of one line adding up to ``total``, rounded to 2
    decimals as the KPI shows it (``count`` > 0)."""
    return LineMean(business_line_id, period, round(total / count, 2), count)


def response_rate(invited: int, answered: int) -> float | None:
    """Answered invitations ÷ invitations (0..1); None when nobody was invited."""
    if invited <= 0:
        return None
    return min(answered, invited) / invited
